from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from gallery import permissions
from gallery.models import Photo
from gallery.tests.factories import make_album, make_photo, media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

NOBODY = [AnonymousUser(), None]


def test_owner_sees_own_albums_only(owner, stranger):
    mine = make_album(owner)
    theirs = make_album(stranger)
    visible = set(permissions.visible_albums(owner))
    assert mine in visible
    assert theirs not in visible


def test_owner_can_view_and_edit_own_album(owner):
    album = make_album(owner)
    assert permissions.can_view_album(owner, album)
    assert permissions.can_edit_album(owner, album)


def test_stranger_can_neither_view_nor_edit_private_album(owner, stranger):
    album = make_album(owner)
    assert not permissions.can_view_album(stranger, album)
    assert not permissions.can_edit_album(stranger, album)


def test_guest_without_a_share_sees_nothing_of_owners_albums(owner, guest):
    album = make_album(owner)
    assert not permissions.can_view_album(guest, album)
    assert not permissions.visible_photos(guest).filter(albums=album).exists()


@pytest.mark.parametrize("nobody", NOBODY, ids=["anonymous", "none"])
def test_anonymous_sees_and_edits_nothing(owner, nobody):
    album = make_album(owner)
    photo = make_photo(owner, album=album)
    assert not permissions.visible_albums(nobody).exists()
    assert not permissions.visible_photos(nobody).exists()
    assert not permissions.can_view_album(nobody, album)
    assert not permissions.can_edit_album(nobody, album)
    assert not permissions.can_view_original(nobody, photo)
    assert not permissions.can_edit_photo(nobody, photo)
    assert not permissions.owned_photos(nobody).exists()


def test_deactivated_owner_loses_access(owner):
    album = make_album(owner)
    owner.is_active = False
    owner.save()
    assert not permissions.can_view_album(owner, album)
    assert not permissions.can_edit_album(owner, album)


def test_visible_photos_leave_out_the_trash(owner):
    kept = make_photo(owner)
    trashed = make_photo(owner, deleted_at=timezone.now() - timedelta(days=1))
    visible = set(permissions.visible_photos(owner))
    assert kept in visible
    assert trashed not in visible
    assert trashed in set(permissions.owned_photos(owner))


def test_stranger_sees_no_photo_of_owner(owner, stranger):
    make_photo(owner)
    mine = make_photo(stranger)
    assert list(permissions.visible_photos(stranger)) == [mine]


def test_only_owner_may_download_original(owner, guest, stranger):
    photo = make_photo(owner)
    assert permissions.can_view_original(owner, photo)
    assert not permissions.can_view_original(guest, photo)
    assert not permissions.can_view_original(stranger, photo)


def test_only_the_owner_deletes_for_good_and_only_from_the_trash(owner, guest, stranger):
    from gallery.models import AlbumMember

    album = make_album(owner)
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.CONTRIBUTOR)
    live = make_photo(owner, album=album)
    trashed = make_photo(owner, album=album, deleted_at=timezone.now())
    guests = make_photo(guest, album=album, deleted_at=timezone.now())
    assert list(permissions.trashed_photos(owner)) == [trashed]
    assert permissions.can_delete_forever(owner, trashed)
    assert not permissions.can_delete_forever(owner, live)  # to the trash first
    # Neither the album's owner nor anyone else deletes another person's photo for good.
    assert not permissions.can_delete_forever(owner, guests)
    assert permissions.can_delete_forever(guest, guests)
    assert not permissions.can_delete_forever(guest, trashed)
    assert not permissions.can_delete_forever(stranger, trashed)
    for nobody in NOBODY:
        assert not permissions.can_delete_forever(nobody, trashed)
        assert not permissions.trashed_photos(nobody).exists()


def test_a_photo_restored_meanwhile_is_not_deleted_for_good(owner):
    photo = make_photo(owner, deleted_at=timezone.now())
    Photo.objects.filter(pk=photo.pk).update(deleted_at=None)
    assert not permissions.can_delete_forever(owner, photo)
    assert not permissions.can_delete_forever(owner, None)


def test_people_add_only_their_own_photos_and_only_where_they_may_contribute(
    owner, guest, stranger
):
    from gallery.models import AlbumMember

    mine, other_of_mine = make_album(owner), make_album(owner, title="Other")
    theirs = make_album(guest, title="Theirs")
    AlbumMember.objects.create(album=mine, user=guest, role=AlbumMember.Role.CONTRIBUTOR)
    viewed = make_album(owner, title="Viewed")
    AlbumMember.objects.create(album=viewed, user=guest, role=AlbumMember.Role.VIEWER)
    photo = make_photo(owner, album=mine)
    contributed = make_photo(guest, album=mine)
    assert permissions.can_add_to_album(owner, photo, other_of_mine)
    assert not permissions.can_add_to_album(owner, photo, theirs)
    # Nobody adds someone else's photo anywhere, not even the album's owner.
    assert not permissions.can_add_to_album(owner, contributed, other_of_mine)
    assert permissions.can_add_to_album(guest, contributed, theirs)
    assert permissions.can_add_to_album(guest, contributed, mine)
    assert not permissions.can_add_to_album(guest, contributed, viewed)  # viewer only
    assert not permissions.can_add_to_album(guest, photo, theirs)
    assert not permissions.can_add_to_album(stranger, photo, other_of_mine)
    trashed = make_photo(owner, deleted_at=timezone.now())
    assert not permissions.can_add_to_album(owner, trashed, mine)
    for nobody in NOBODY:
        assert not permissions.can_add_to_album(nobody, photo, other_of_mine)


def test_the_album_owner_removes_any_entry_a_contributor_their_own(owner, guest, stranger):
    from gallery.models import AlbumEntry, AlbumMember

    album = make_album(owner)
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.CONTRIBUTOR)
    owners_entry = AlbumEntry.objects.get(photo=make_photo(owner, album=album))
    guests_entry = AlbumEntry.objects.get(photo=make_photo(guest, album=album))
    assert permissions.can_remove_entry(owner, owners_entry)
    assert permissions.can_remove_entry(owner, guests_entry)
    assert permissions.can_remove_entry(guest, guests_entry)
    assert not permissions.can_remove_entry(guest, owners_entry)
    assert not permissions.can_remove_entry(stranger, guests_entry)
    for nobody in NOBODY:
        assert not permissions.can_remove_entry(nobody, owners_entry)


def test_a_photo_is_seen_through_each_album_the_viewer_may_see_and_nothing_else(
    owner, guest, stranger
):
    from gallery.models import AlbumEntry, AlbumMember

    family = make_album(owner, title="Family")
    private = make_album(owner, title="Private")
    AlbumMember.objects.create(album=family, user=guest)
    photo = make_photo(owner, album=family)
    AlbumEntry.objects.create(album=private, photo=photo, added_by=owner)
    assert photo in permissions.visible_photos(guest)
    assert photo in permissions.album_photos(guest, family)
    assert not permissions.album_photos(guest, private).exists()
    assert photo not in permissions.visible_photos(stranger)
    AlbumEntry.objects.filter(album=family, photo=photo).delete()
    assert photo not in permissions.visible_photos(guest)
    assert photo in permissions.visible_photos(owner)


def test_unsaved_album_is_never_visible(owner):
    assert not permissions.can_view_album(owner, None)
    from gallery.models import Album

    assert not permissions.can_view_album(owner, Album(owner=owner, title="draft"))


def test_an_archive_is_downloaded_by_its_owner_only_while_it_is_ready(owner, guest):
    from accounts.models import Export

    later = timezone.now() + timedelta(days=1)
    ready = Export.objects.create(
        user=owner, status=Export.Status.READY, expires_at=later, file="exports/a.zip"
    )
    Export.objects.create(user=owner, status=Export.Status.PENDING)
    Export.objects.create(user=owner, status=Export.Status.READY, expires_at=later)  # no file
    Export.objects.create(
        user=owner,
        status=Export.Status.READY,
        expires_at=timezone.now() - timedelta(seconds=1),
        file="exports/b.zip",
    )
    Export.objects.create(user=owner, status=Export.Status.EXPIRED, expires_at=later)
    assert list(permissions.downloadable_exports(owner)) == [ready]
    assert not permissions.downloadable_exports(guest).exists()
    for nobody in NOBODY:
        assert not permissions.downloadable_exports(nobody).exists()
    owner.is_active = False
    owner.save()
    assert not permissions.downloadable_exports(owner).exists()
