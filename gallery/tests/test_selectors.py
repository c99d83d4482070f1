import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gallery.models import AlbumMember, Audience, ShareLink
from gallery.selectors import albums as album_selectors
from gallery.selectors import photos as photo_selectors
from gallery.selectors import visitors as visitor_selectors
from gallery.selectors.photos import InvalidCursor
from gallery.tests.factories import make_album, make_photo, make_photos, media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


# --- Albums -----------------------------------------------------------------------------------


def test_owner_gets_own_album(owner):
    album = make_album(owner)
    assert album_selectors.album_for_viewer(user=owner, public_id=album.public_id) == album
    assert album_selectors.album_for_viewer(user=owner, public_id=str(album.public_id)) == album
    assert album_selectors.album_for_editor(user=owner, public_id=album.public_id) == album


@pytest.mark.parametrize(
    "selector", [album_selectors.album_for_viewer, album_selectors.album_for_editor]
)
def test_stranger_gets_404_for_private_album(owner, stranger, selector):
    album = make_album(owner)
    with pytest.raises(Http404):
        selector(user=stranger, public_id=album.public_id)


def test_anonymous_gets_404_for_album(owner, client):
    from django.contrib.auth.models import AnonymousUser

    album = make_album(owner)
    with pytest.raises(Http404):
        album_selectors.album_for_viewer(user=AnonymousUser(), public_id=album.public_id)


@pytest.mark.parametrize("bad", ["not-a-uuid", "", None, 12, "1' OR '1'='1"])
def test_malformed_album_id_is_404(owner, bad):
    with pytest.raises(Http404):
        album_selectors.album_for_viewer(user=owner, public_id=bad)


def test_unknown_album_id_is_404(owner):
    with pytest.raises(Http404):
        album_selectors.album_for_viewer(user=owner, public_id=uuid.uuid4())


def test_albums_for_owner_count_photos_outside_trash(owner, stranger):
    album = make_album(owner)
    make_photo(owner, album=album)
    make_photo(owner, album=album)
    make_photo(owner, album=album, deleted_at=timezone.now())
    make_album(stranger)
    albums = {a.public_id: a for a in album_selectors.albums_for_owner(user=owner)}
    assert set(albums) == {album.public_id}
    assert albums[album.public_id].photo_count == 2


def test_albums_for_owner_list_the_most_recently_changed_first(owner):
    first = make_album(owner, title="First")
    later = make_album(owner, title="Later")
    assert list(album_selectors.albums_for_owner(user=owner)) == [later, first]


# --- Photos -----------------------------------------------------------------------------------


def test_owner_gets_own_photo(owner):
    photo = make_photo(owner)
    assert photo_selectors.photo_for_viewer(user=owner, public_id=photo.public_id) == photo
    assert photo_selectors.photo_for_owner(user=owner, public_id=photo.public_id) == photo


@pytest.mark.parametrize(
    "selector", [photo_selectors.photo_for_viewer, photo_selectors.photo_for_owner]
)
def test_stranger_gets_404_for_photo(owner, stranger, selector):
    photo = make_photo(owner)
    with pytest.raises(Http404):
        selector(user=stranger, public_id=photo.public_id)


def test_guest_gets_404_for_unshared_photo(owner, guest):
    photo = make_photo(owner)
    with pytest.raises(Http404):
        photo_selectors.photo_for_viewer(user=guest, public_id=photo.public_id)


def test_trashed_photo_is_404_unless_owner_asks_for_trash(owner):
    photo = make_photo(owner, deleted_at=timezone.now())
    with pytest.raises(Http404):
        photo_selectors.photo_for_viewer(user=owner, public_id=photo.public_id)
    with pytest.raises(Http404):
        photo_selectors.photo_for_owner(user=owner, public_id=photo.public_id)
    found = photo_selectors.photo_for_owner(
        user=owner, public_id=photo.public_id, include_trashed=True
    )
    assert found == photo


def test_stranger_cannot_reach_trashed_photo_either(owner, stranger):
    photo = make_photo(owner, deleted_at=timezone.now())
    with pytest.raises(Http404):
        photo_selectors.photo_for_owner(
            user=stranger, public_id=photo.public_id, include_trashed=True
        )


def test_trash_lists_newest_deleted_first_and_only_mine(owner, stranger):
    now = timezone.now()
    older = make_photo(owner, deleted_at=now - timedelta(days=3))
    newer = make_photo(owner, deleted_at=now - timedelta(days=1))
    make_photo(owner)
    make_photo(stranger, deleted_at=now)
    assert list(photo_selectors.trash_for_owner(user=owner)) == [newer, older]


# --- Pages ------------------------------------------------------------------------------------


def _walk(fetch, **kwargs):
    seen, cursor, pages = [], None, 0
    while True:
        page = fetch(cursor=cursor, **kwargs)
        seen.extend(page.photos)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            return seen, pages


def test_timeline_walks_every_photo_once_newest_first(owner, stranger):
    photos = make_photos(owner, 7)
    make_photo(stranger)
    make_photo(owner, deleted_at=timezone.now())
    seen, pages = _walk(photo_selectors.timeline_page, user=owner, limit=3)
    assert seen == photos
    assert pages == 3


def test_timeline_breaks_ties_on_taken_at_by_id(owner):
    moment = timezone.now() - timedelta(days=2)
    same = [make_photo(owner, taken_at=moment) for _ in range(5)]
    seen, _ = _walk(photo_selectors.timeline_page, user=owner, limit=2)
    assert seen == sorted(same, key=lambda p: p.pk, reverse=True)


def test_timeline_last_page_has_no_cursor(owner):
    make_photos(owner, 3)
    page = photo_selectors.timeline_page(user=owner, limit=3)
    assert len(page.photos) == 3
    assert page.next_cursor is None


def test_timeline_of_stranger_does_not_include_owners_photos(owner, stranger):
    make_photos(owner, 2)
    assert photo_selectors.timeline_page(user=stranger).photos == []


@pytest.mark.parametrize(("asked", "got"), [(0, 1), (-5, 1), (500, 100), ("7", 7), ("x", 30)])
def test_page_size_is_clamped(owner, asked, got):
    make_photos(owner, 3)
    page = photo_selectors.timeline_page(user=owner, limit=asked)
    assert len(page.photos) == min(got, 3)


def test_cursor_does_not_reveal_sequential_ids(owner):
    photos = make_photos(owner, 3)
    cursor = photo_selectors.timeline_page(user=owner, limit=1).next_cursor
    from django.core import signing

    payload = signing.loads(cursor, salt=photo_selectors.CURSOR_SALT)
    assert photos[0].public_id.hex in payload
    assert photos[0].pk not in payload


@pytest.mark.parametrize(
    "cursor", ["garbage", "W10:1abc:xyz", "' OR 1=1 --", "a" * 500, "eyJ0IjoxfQ"]
)
def test_garbage_cursor_raises_invalid_cursor(owner, cursor):
    with pytest.raises(InvalidCursor):
        photo_selectors.timeline_page(user=owner, cursor=cursor)


def test_tampered_cursor_raises_invalid_cursor(owner):
    make_photos(owner, 3)
    cursor = photo_selectors.timeline_page(user=owner, limit=1).next_cursor
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    with pytest.raises(InvalidCursor):
        photo_selectors.timeline_page(user=owner, cursor=tampered)


def test_well_signed_cursor_with_wrong_shape_is_invalid(owner):
    from django.core import signing

    for payload in [["not a date", uuid.uuid4().hex], ["2026-01-01T00:00:00", "zz"], {"a": 1}]:
        cursor = signing.dumps(payload, salt=photo_selectors.CURSOR_SALT)
        with pytest.raises(InvalidCursor):
            photo_selectors.timeline_page(user=owner, cursor=cursor)


def test_cursor_survives_its_anchor_photo_being_deleted(owner):
    photos = make_photos(owner, 4)
    page = photo_selectors.timeline_page(user=owner, limit=2)
    photos[1].delete()
    rest = photo_selectors.timeline_page(user=owner, cursor=page.next_cursor, limit=2)
    assert rest.photos == photos[2:]


def _queries_for_page(owner, size):
    with CaptureQueriesContext(connection) as ctx:
        page = photo_selectors.timeline_page(user=owner, limit=size)
        for photo in page.photos:
            assert photo.is_favorite is False  # read with the page, not per photo
    return len(ctx.captured_queries), page


def test_timeline_query_count_does_not_grow_with_page_size(owner):
    make_photos(owner, 30)
    few, small = _queries_for_page(owner, 3)
    many, large = _queries_for_page(owner, 30)
    assert len(small.photos) == 3 and len(large.photos) == 30
    # One to ask whether any shared album is shown in the timeline, one for the page.
    assert few == many == 2


def test_album_page_query_count_is_constant_with_a_cursor(owner, django_assert_num_queries):
    album = make_album(owner)
    make_photos(owner, 12, album=album)
    first = photo_selectors.album_photos_page(user=owner, album=album, limit=5)
    # One to check the album may be seen, one for the page with who added each photo.
    with django_assert_num_queries(2):
        second = photo_selectors.album_photos_page(
            user=owner, album=album, cursor=first.next_cursor, limit=5
        )
        assert {p.added_by_id for p in second.photos} == {owner.pk}
    assert len(second.photos) == 5


def test_album_page_shows_only_that_album(owner):
    album = make_album(owner)
    inside = make_photos(owner, 3, album=album)
    make_photos(owner, 2)
    seen, _ = _walk(photo_selectors.album_photos_page, user=owner, album=album, limit=2)
    assert seen == inside


def test_stranger_sees_an_empty_page_of_owners_album(owner, stranger):
    album = make_album(owner)
    make_photos(owner, 2, album=album)
    assert photo_selectors.album_photos_page(user=stranger, album=album).photos == []


# --- Neighbours -------------------------------------------------------------------------------


def test_neighbours_in_timeline(owner):
    newest, middle, oldest = make_photos(owner, 3)
    assert photo_selectors.photo_neighbours(user=owner, photo=middle) == (newest, oldest)
    assert photo_selectors.photo_neighbours(user=owner, photo=newest) == (None, middle)
    assert photo_selectors.photo_neighbours(user=owner, photo=oldest) == (middle, None)


def test_neighbours_within_an_album_skip_other_albums_and_trash(owner):
    album = make_album(owner)
    start = timezone.now()
    a = make_photo(owner, album=album, taken_at=start)
    make_photo(owner, taken_at=start - timedelta(minutes=1))
    make_photo(owner, album=album, taken_at=start - timedelta(minutes=2), deleted_at=start)
    b = make_photo(owner, album=album, taken_at=start - timedelta(minutes=3))
    assert photo_selectors.photo_neighbours(user=owner, photo=a, album=album) == (None, b)
    assert photo_selectors.photo_neighbours(user=owner, photo=b, album=album) == (a, None)


def test_neighbours_break_ties_by_id(owner):
    moment = timezone.now()
    first, second, third = (make_photo(owner, taken_at=moment) for _ in range(3))
    assert photo_selectors.photo_neighbours(user=owner, photo=second) == (third, first)


def test_stranger_gets_no_neighbours(owner, stranger):
    album = make_album(owner)
    photos = make_photos(owner, 3, album=album)
    assert photo_selectors.photo_neighbours(user=stranger, photo=photos[1], album=album) == (
        None,
        None,
    )


# --- What a media URL may serve -----------------------------------------------------------------


def file_for(person, photo, *, original=False):
    return photo_selectors.photo_file_for_person(
        person_uuid=person.uuid, public_id=photo.public_id, original=original
    )


def test_a_person_gets_the_files_they_may_see_and_their_own_trash(owner, guest, stranger):
    album = make_album(owner)
    AlbumMember.objects.create(album=album, user=guest)
    shared = make_photo(owner, album=album)
    trashed = make_photo(owner, album=album, deleted_at=timezone.now())
    assert file_for(owner, shared, original=True) == shared
    assert file_for(owner, trashed, original=True) == trashed
    assert file_for(guest, shared) == shared
    for person, photo, original in [
        (guest, shared, True),  # originals stay with their owner
        (guest, trashed, False),
        (stranger, shared, False),
    ]:
        with pytest.raises(Http404):
            file_for(person, photo, original=original)


def test_a_deactivated_person_gets_no_file(owner):
    photo = make_photo(owner)
    owner.is_active = False
    owner.save()
    with pytest.raises(Http404):
        file_for(owner, photo)
    with pytest.raises(Http404):
        photo_selectors.photo_file_for_person(
            person_uuid=uuid.uuid4(), public_id=photo.public_id, original=False
        )


def test_a_link_serves_its_albums_files_while_it_lives(owner, guest):
    album = make_album(owner)
    photo = make_photo(owner, album=album)
    elsewhere = make_photo(guest)
    link = ShareLink.objects.create(album=album, token_hash="a" * 64)

    def file(photo, *, original=False):
        return visitor_selectors.link_photo_file(
            link_public_id=link.public_id, public_id=photo.public_id, original=original
        )

    assert file(photo) == (photo, link)
    with pytest.raises(Http404):
        file(photo, original=True)
    ShareLink.objects.filter(pk=link.pk).update(allow_download=True)
    assert file(photo, original=True)[0] == photo
    with pytest.raises(Http404):
        file(elsewhere)
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    with pytest.raises(Http404):
        file(photo)


def test_a_public_album_serves_variants_only_while_it_is_public(owner, guest):
    album = make_album(owner, audience=Audience.PUBLIC)
    photo = make_photo(owner, album=album)
    theirs = make_photo(guest, album=make_album(guest, audience=Audience.PUBLIC))

    def file(photo, *, original=False):
        return visitor_selectors.public_photo_file(
            album_address=album.public_address, public_id=photo.public_id, original=original
        )

    assert file(photo) == photo
    for call in (lambda: file(photo, original=True), lambda: file(theirs)):
        with pytest.raises(Http404):
            call()
    album.audience = Audience.PRIVATE
    album.save()
    with pytest.raises(Http404):
        file(photo)
