"""A row deleted by someone else while a request is changing it answers 404, never 500.

Each test holds a request at the moment between "looked the row up" and "saved it" and,
right then, deletes the row from a second thread with its own database connection (on
PostgreSQL in CI: READ COMMITTED, so the save sees the committed delete). Before the fix
this was the `Album.NotUpdated` 500 that schemathesis found on `PATCH /api/albums/{id}/`;
for a plain `save()` it was worse: the UPDATE matched nothing and Django INSERTed the row
again, bringing back a grant its owner had just removed.
"""

import threading

import pytest
from django.db import connection

from gallery.api.albums import AlbumDetailApi
from gallery.forms import AlbumForm
from gallery.models import Album, AlbumMember, Connection, ShareLink
from gallery.services import sharing as sharing_services
from gallery.tests.factories import make_album

pytestmark = pytest.mark.django_db(transaction=True)


def delete_from_another_thread(queryset) -> None:
    """Delete in a second thread (its own connection, autocommit) and wait for it.

    SQLite has one writer at a time and the services open IMMEDIATE transactions, so there
    another thread cannot delete in the middle of a save at all: on SQLite the row is
    deleted through the request's own connection instead, which leaves the save facing
    the same vanished row.
    """
    if connection.vendor == "sqlite":
        queryset.delete()
        return
    errors = []

    def run():
        try:
            queryset.delete()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the delete did not finish"
    assert not errors, errors


def stays_deleted(queryset) -> bool:
    """The row is still gone afterwards: the failed save did not INSERT it again.

    On SQLite a delete made inside the service's own transaction is rolled back with the
    refused save, so there the row is back exactly as it was (never a second copy).
    """
    if connection.vendor == "sqlite":
        return queryset.count() <= 1
    return not queryset.exists()


def deleted_while_validating(monkeypatch, cls, queryset) -> None:
    """While the request validates its input, the row is deleted by someone else."""
    real = cls.is_valid

    def is_valid(self, *args, **kwargs):
        delete_from_another_thread(queryset)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cls, "is_valid", is_valid)


@pytest.mark.parametrize("body", [{}, {"title": "Renamed"}])
def test_api_patch_of_an_album_deleted_in_flight_answers_json_404(client, owner, monkeypatch, body):
    album = make_album(owner)
    client.force_login(owner)
    deleted_while_validating(
        monkeypatch, AlbumDetailApi.AlbumUpdateInput, Album.objects.filter(pk=album.pk)
    )

    response = client.patch(
        f"/api/albums/{album.public_id}/", body, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Album.objects.filter(pk=album.pk).exists()


def test_html_edit_of_an_album_deleted_in_flight_answers_the_404_page(client, owner, monkeypatch):
    album = make_album(owner)
    client.force_login(owner)
    deleted_while_validating(monkeypatch, AlbumForm, Album.objects.filter(pk=album.pk))

    response = client.post(
        f"/albums/{album.public_id}/edit/", {"title": "Renamed", "description": ""}
    )

    assert response.status_code == 404
    assert not Album.objects.filter(pk=album.pk).exists()


def deleted_after_validation(monkeypatch, model, queryset) -> None:
    """Right after the service validated the row, and before it saves, it is deleted."""
    real = model.full_clean

    def full_clean(self, *args, **kwargs):
        real(self, *args, **kwargs)
        delete_from_another_thread(queryset)

    monkeypatch.setattr(model, "full_clean", full_clean)


def test_a_member_removed_while_their_role_changes_is_not_brought_back(owner, guest, monkeypatch):
    Connection.objects.create(user=owner, contact=guest, circle="friend")
    album = make_album(owner)
    membership = AlbumMember.objects.create(album=album, user=guest, role="viewer")
    deleted_after_validation(monkeypatch, AlbumMember, AlbumMember.objects.filter(pk=membership.pk))

    with pytest.raises(AlbumMember.NotUpdated):
        sharing_services.album_member_update(
            user=owner, membership=membership, role="contributor", until=None
        )

    assert stays_deleted(AlbumMember.objects.filter(album=album, user=guest))


def test_a_member_removed_while_being_added_again_is_not_brought_back(owner, guest, monkeypatch):
    Connection.objects.create(user=owner, contact=guest, circle="friend")
    album = make_album(owner)
    membership = AlbumMember.objects.create(album=album, user=guest, role="viewer")
    deleted_after_validation(monkeypatch, AlbumMember, AlbumMember.objects.filter(pk=membership.pk))

    with pytest.raises(AlbumMember.NotUpdated):
        sharing_services.album_member_add(user=owner, album=album, member=guest, role="contributor")

    assert stays_deleted(AlbumMember.objects.filter(album=album, user=guest))


def test_a_link_whose_album_was_deleted_while_it_changes_is_not_brought_back(owner, monkeypatch):
    album = make_album(owner)
    link = ShareLink.objects.create(album=album, token_hash="x" * 64)
    deleted_after_validation(monkeypatch, ShareLink, Album.objects.filter(pk=album.pk))

    with pytest.raises(ShareLink.NotUpdated):
        sharing_services.share_link_update(user=owner, link=link, label="Grandma")

    assert stays_deleted(ShareLink.objects.filter(pk=link.pk))


def test_api_patch_of_a_link_deleted_in_flight_answers_json_404(client, owner, monkeypatch):
    album = make_album(owner)
    link = ShareLink.objects.create(album=album, token_hash="y" * 64)
    client.force_login(owner)
    deleted_after_validation(monkeypatch, ShareLink, ShareLink.objects.filter(pk=link.pk))

    response = client.patch(
        f"/api/share-links/{link.public_id}/", {"label": "Grandma"}, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert stays_deleted(ShareLink.objects.filter(pk=link.pk))
