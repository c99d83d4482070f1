"""Migrations 0007–0009 on a database that holds photos: every photo stays in its album as
an entry, "My photos" goes unless someone else could see it, and the run does not trip on
PostgreSQL's refusal to alter a table that rows were just written to in one transaction."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("gallery", "0006_shared_original")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes("gallery")


def test_photos_become_entries_and_unshared_my_photos_albums_go():
    old = migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Album = old.get_model("gallery", "Album")
    AlbumMember = old.get_model("gallery", "AlbumMember")
    Photo = old.get_model("gallery", "Photo")
    olivia = User.objects.create(
        email="olivia@example.com", uuid="11111111-1111-4111-8111-111111111111"
    )
    gabriel = User.objects.create(
        email="gabriel@example.com", uuid="22222222-2222-4222-8222-222222222222"
    )
    lonely = Album.objects.create(owner=olivia, title="My photos", is_default=True)
    shared_default = Album.objects.create(owner=gabriel, title="My photos", is_default=True)
    AlbumMember.objects.create(album=shared_default, user=olivia)
    trip = Album.objects.create(owner=olivia, title="Trip")
    now = timezone.now()

    def photo(owner, album, n):
        return Photo.objects.create(
            owner=owner,
            album=album,
            sha256=f"{n:064x}",
            mime_type="image/jpeg",
            bytes=1,
            width=1,
            height=1,
            taken_at=now,
            original=f"originals/{n}.jpg",
        )

    in_lonely, in_trip = photo(olivia, lonely, 1), photo(olivia, trip, 2)
    in_shared, contributed = photo(gabriel, shared_default, 3), photo(gabriel, trip, 4)
    Album.objects.filter(pk=trip.pk).update(cover=in_trip)

    new = migrate(latest())
    Album = new.get_model("gallery", "Album")
    AlbumEntry = new.get_model("gallery", "AlbumEntry")
    Photo = new.get_model("gallery", "Photo")
    assert Photo.objects.count() == 4  # no photo lost
    entries = {(e.photo_id, e.album_id, e.added_by_id) for e in AlbumEntry.objects.all()}
    assert entries == {
        (in_trip.pk, trip.pk, olivia.pk),
        (in_shared.pk, shared_default.pk, gabriel.pk),
        (contributed.pk, trip.pk, gabriel.pk),
    }
    # Olivia's unshared "My photos" went: that photo is in her library, in no album.
    assert not Album.objects.filter(pk=lonely.pk).exists()
    assert Photo.objects.filter(pk=in_lonely.pk, owner_id=olivia.pk).exists()
    # Gabriel's was shared with Olivia: it stays, an ordinary album, so she keeps access.
    assert Album.objects.filter(pk=shared_default.pk, title="My photos").exists()
    assert Album.objects.get(pk=trip.pk).cover_id is None  # covers now default to the newest


def test_albums_public_before_addresses_keep_theirs_and_others_get_none():
    old = migrate([("gallery", "0015_live_photo")])
    User = old.get_model("accounts", "User")
    Album = old.get_model("gallery", "Album")
    olivia = User.objects.create(
        email="olivia@example.com", uuid="11111111-1111-4111-8111-111111111111"
    )
    public = Album.objects.create(owner=olivia, title="Open house", audience="public")
    family = Album.objects.create(owner=olivia, title="Us", audience="family")

    new = migrate(latest())
    Album = new.get_model("gallery", "Album")
    # The address people have today (/p/<album id>/) keeps working until it is changed.
    assert Album.objects.get(pk=public.pk).public_address == public.public_id
    assert Album.objects.get(pk=family.pk).public_address is None
