"""A selection downloaded as one ZIP, streamed: the owner's originals under their names,
others' photos as the display copy the viewer shows, nothing of what the person may not
see, and as many queries for 30 photos as for 3."""

import io
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gallery.models import AlbumMember
from gallery.tests.factories import make_album, make_photo, media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

URL = "/api/photos/download/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(client: Client, photos) -> object:
    ids = [str(getattr(p, "public_id", p)) for p in photos]
    return client.post(URL, {"ids": ids}, content_type="application/json")


def archive_of(response) -> dict[str, bytes]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.streaming
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as opened:
        assert opened.testzip() is None
        return {name: opened.read(name) for name in opened.namelist()}


def stored(field) -> bytes:
    with field.storage.open(field.name, "rb") as source:
        return source.read()


def test_the_owner_gets_her_originals_under_their_names(owner):
    first = make_photo(owner)
    second = make_photo(owner)
    second.original_name = "Birthday cake.JPG"
    second.save()
    response = download(signed_in(owner), [first, second])
    files = archive_of(response)
    assert files == {
        "IMG_0001.jpg": stored(first.original),
        "Birthday cake.jpg": stored(second.original),
    }
    assert response["X-Pikoshi-Photos"] == "2"


def test_a_member_gets_the_display_copy_of_others_photos_and_nothing_she_may_not_see(
    owner, guest, stranger
):
    album = make_album(owner, title="Family")
    AlbumMember.objects.create(album=album, user=guest)
    shared = make_photo(owner, album=album)
    private = make_photo(owner)  # in no album the guest sees
    strangers = make_photo(stranger)
    own = make_photo(guest)
    files = archive_of(download(signed_in(guest), [shared, private, strangers, own]))
    assert files == {
        f"photo-{shared.public_id}.webp": stored(shared.display),
        "IMG_0001.jpg": stored(own.original),
    }
    # Taken out of the album: gone from the next download.
    shared.entries.filter(album=album).delete()
    files = archive_of(download(signed_in(guest), [shared, own]))
    assert list(files) == ["IMG_0001.jpg"]


def test_nothing_downloadable_is_a_404_that_does_not_tell_which_exist(owner, stranger):
    private = make_photo(owner)
    trashed = make_photo(stranger)
    trashed.deleted_at = trashed.taken_at
    trashed.save()
    client = signed_in(stranger)
    unknown = download(client, ["6f1d7e4a-2b3c-4d5e-8f90-a1b2c3d4e5f6"])
    forbidden = download(client, [private])
    assert unknown.status_code == forbidden.status_code == 404
    assert unknown.json() == forbidden.json()
    assert download(client, [trashed]).status_code == 404  # the trash is not downloaded


def test_bad_input_gets_a_clear_400_and_strangers_a_401(owner):
    client = signed_in(owner)
    too_many = download(client, [make_photo(owner).public_id] * 501)
    assert too_many.status_code == 400
    assert "501" not in too_many.json()["errors"]["ids"][0]
    assert download(client, []).status_code == 400
    assert download(Client(), [make_photo(owner)]).status_code == 401


def test_same_names_are_kept_apart_and_a_lost_file_is_left_out(owner):
    photos = [make_photo(owner) for _ in range(3)]  # all named IMG_0001.jpg
    lost = photos[1]
    lost.original.storage.delete(lost.original.name)
    files = archive_of(download(signed_in(owner), photos))
    assert len(files) == 2
    assert "IMG_0001.jpg" in files
    assert sorted(files.values()) == sorted(stored(p.original) for p in (photos[0], photos[2]))


def test_queries_do_not_grow_with_the_selection(owner, guest):
    album = make_album(owner)
    AlbumMember.objects.create(album=album, user=guest)
    photos = [make_photo(owner, album=album) for _ in range(30)]
    client = signed_in(guest)
    archive_of(download(client, photos[:1]))  # the session's first request: not counted
    with CaptureQueriesContext(connection) as few:
        assert len(archive_of(download(client, photos[:3]))) == 3
    with CaptureQueriesContext(connection) as many:
        assert len(archive_of(download(client, photos))) == 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_selection_bar_downloads_without_javascript(owner):
    photo = make_photo(owner)
    client = signed_in(owner)
    page = client.get("/photos/")
    assert b'formaction="/photos/selection/download/"' in page.content
    response = client.post("/photos/selection/download/", {"ids": [str(photo.public_id)]})
    assert list(archive_of(response)) == ["IMG_0001.jpg"]
    # Nothing selected, or nothing that can be downloaded: back with a message.
    empty = client.post("/photos/selection/download/", {"next": "/photos/"}, follow=True)
    assert b"Select one or more photos first." in empty.content
    other = client.post(
        "/photos/selection/download/",
        {"ids": ["6f1d7e4a-2b3c-4d5e-8f90-a1b2c3d4e5f6"], "next": "/photos/"},
        follow=True,
    )
    assert b"None of the selected photos can be downloaded." in other.content


def test_the_page_needs_csrf_and_a_sign_in(owner):
    photo = make_photo(owner)
    anonymous = Client().post("/photos/selection/download/", {"ids": [str(photo.public_id)]})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(owner)
    assert (
        checked.post("/photos/selection/download/", {"ids": [str(photo.public_id)]}).status_code
        == 403
    )
