"""The gallery pages, through the Django test client with real uploads (Pillow, storage)."""

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gallery.models import Album, Photo
from gallery.services import albums as album_services
from gallery.services import photos as photo_services
from gallery.tests.factories import jpeg_bytes, page_upload, page_uploader_client

XSS = '<script>alert("boo")</script>'


def upload_file(seed: int, name: str | None = None, size=(60, 40)) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name or f"photo-{seed}.jpg",
        jpeg_bytes(*size, seed=seed, quality=90),
        content_type="image/jpeg",
    )


@pytest.fixture
def uploaded_photo(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    counter = iter(range(1, 10_000))

    def make(owner, *, album=None, taken_at=None, title="") -> Photo:
        seed = next(counter)
        result = photo_services.photo_upload(
            owner=owner, file=upload_file(seed), album=album, title=title
        )
        photo = result.photo
        if taken_at is not None:
            Photo.objects.filter(pk=photo.pk).update(taken_at=taken_at)
            photo.refresh_from_db()
        return photo

    return make


@pytest.fixture
def media_dir(uploaded_photo, settings):
    return settings.STORAGES["default"]["OPTIONS"]["location"]


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def when(year, month, day=1, hour=12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def default_album(user) -> Album:
    """An album of the person's, made the first time a test asks for it."""
    return Album.objects.get_or_create(owner=user, title="Everything")[0]


# --- Timeline -----------------------------------------------------------------------------------


def test_timeline_shows_photos_newest_first_grouped_by_month(owner_client, owner, uploaded_photo):
    older = uploaded_photo(owner, taken_at=when(2026, 10, 3))
    newer = uploaded_photo(owner, taken_at=when(2026, 11, 20), title="Harbour at dusk")
    response = owner_client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("November 2026") < html.index("October 2026")
    assert html.index(str(newer.public_id)) < html.index(str(older.public_id))
    assert 'alt="Harbour at dusk"' in html
    assert 'alt="Photo taken 3 October 2026"' in html
    assert 'loading="lazy"' in html
    assert f'width="{newer.thumb_width}" height="{newer.thumb_height}"' in html
    assert "srcset=" in html and "sizes=" in html
    assert "More photos" not in html


def test_timeline_tiles_never_offer_the_display_variant(owner_client, owner, uploaded_photo):
    uploaded_photo(owner)
    html = owner_client.get(reverse("home")).content.decode()
    srcset = html.split('srcset="', 1)[1].split('"', 1)[0]
    assert srcset.count("/media/") == 2
    assert ".thumb." in srcset and ".mobile." in srcset
    # A phone's tiles are a third of the screen: the 1600 px variant is never offered to
    # the tile's image; only the overlay viewer names it, fetched when a photo is opened.
    tile = html.split('<img src="', 1)[1].split(">", 1)[0]
    assert ".display." not in tile
    assert 'sizes="auto, (max-width: 640px) 50vw, 300px"' in tile
    opened = html.split('data-pswp-src="', 1)[1].split('"', 1)[0]
    assert ".display." in opened


def test_new_person_sees_an_empty_timeline_that_points_to_upload(owner_client):
    response = owner_client.get(reverse("home"))
    assert response.status_code == 200
    assert b"No photos yet" in response.content
    assert reverse("upload").encode() in response.content


def test_timeline_pages_by_thirty_with_a_more_link_and_a_fragment(
    owner_client, owner, uploaded_photo
):
    start = when(2026, 1, 1)
    photos = [uploaded_photo(owner, taken_at=start + timedelta(days=i)) for i in range(32)]
    response = owner_client.get(reverse("home"))
    html = response.content.decode()
    assert html.count('class="tile"') == 30
    more = html.split('data-more href="', 1)[1].split('"', 1)[0]
    assert more.startswith("?cursor=")

    fragment = owner_client.get(reverse("home") + more.replace("&amp;", "&") + "&fragment=1")
    assert fragment.status_code == 200
    part = fragment.content.decode()
    assert "<html" not in part
    assert part.count('class="tile"') == 2
    assert str(photos[0].public_id) in part and str(photos[1].public_id) in part
    assert "data-more" not in part

    # Without JS the same link is a full page.
    full = owner_client.get(reverse("home") + more.replace("&amp;", "&"))
    assert b"<html" in full.content and full.content.count(b'class="tile"') == 2


def test_tampered_cursor_is_a_400(owner_client):
    response = owner_client.get(reverse("home") + "?cursor=not-a-cursor")
    assert response.status_code == 400
    assert b"start again" in response.content.lower()


def test_timeline_query_count_does_not_grow_with_photos(client, make_user, uploaded_photo):
    few, many = make_user("few@example.com"), make_user("many@example.com")
    for _ in range(3):
        uploaded_photo(few)
    for _ in range(30):
        uploaded_photo(many)

    def count_for(user):
        client.force_login(user)
        client.get(reverse("home"))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        return len(queries)

    assert count_for(few) == count_for(many)


def test_timeline_shows_only_the_owners_photos(client, owner, stranger, uploaded_photo):
    mine = uploaded_photo(owner)
    theirs = uploaded_photo(stranger)
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()
    assert str(mine.public_id) in html
    assert str(theirs.public_id) not in html


# --- Albums -------------------------------------------------------------------------------------


def test_album_list_shows_covers_and_counts(owner_client, owner, uploaded_photo):
    album = album_services.album_create(owner=owner, title="Garden")
    uploaded_photo(owner, album=album)
    uploaded_photo(owner, album=album)
    response = owner_client.get(reverse("album_list"))
    assert response.status_code == 200
    assert b"Garden" in response.content
    assert b"2 photos" in response.content
    assert b'class="album-cover"' in response.content
    assert reverse("album_create").encode() in response.content


def test_album_create_edit_and_delete_keeps_the_photos(owner_client, owner, uploaded_photo):
    response = owner_client.post(
        reverse("album_create"), {"title": "Lisbon 2026", "description": "Tiles and trams"}
    )
    album = Album.objects.get(owner=owner, title="Lisbon 2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("album_detail", args=[album.public_id])

    page = owner_client.get(response["Location"])
    assert b"Lisbon 2026" in page.content and b"Tiles and trams" in page.content
    assert b"This album is empty" in page.content

    response = owner_client.post(
        reverse("album_edit", args=[album.public_id]), {"title": "Lisbon", "description": ""}
    )
    assert response.status_code == 302
    album.refresh_from_db()
    assert (album.title, album.description) == ("Lisbon", "")

    uploaded_photo(owner, album=album)
    uploaded_photo(owner, album=album)
    confirm = owner_client.get(reverse("album_delete", args=[album.public_id]))
    assert confirm.status_code == 200
    assert b"2 photos" in confirm.content and "owner’s library" in confirm.content.decode()

    response = owner_client.post(reverse("album_delete", args=[album.public_id]), follow=True)
    assert not Album.objects.filter(pk=album.pk).exists()
    assert Photo.objects.filter(owner=owner, deleted_at__isnull=True).count() == 2
    assert b"Its 2 photos are still in the library" in response.content


def test_album_create_requires_a_title(owner_client, owner):
    response = owner_client.post(reverse("album_create"), {"title": "   ", "description": ""})
    assert response.status_code == 200
    assert b"Give the album a title" in response.content
    assert not Album.objects.filter(owner=owner).exists()


def test_album_page_lists_its_photos_with_album_context(owner_client, owner, uploaded_photo):
    album = album_services.album_create(owner=owner, title="Hikes")
    inside = uploaded_photo(owner, album=album)
    outside = uploaded_photo(owner)
    html = owner_client.get(reverse("album_detail", args=[album.public_id])).content.decode()
    assert f"{reverse('photo_detail', args=[inside.public_id])}?album={album.public_id}" in html
    assert str(outside.public_id) not in html
    assert "1 photo " in html or "1 photo<" in html


# --- Upload -------------------------------------------------------------------------------------


def test_upload_page_offers_the_owners_albums(owner_client, owner):
    album_services.album_create(owner=owner, title="Garden")
    response = owner_client.get(reverse("upload"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html and "multiple" in html and 'accept="image/*,video/*"' in html
    assert "Garden" in html and "No album (library only)" in html
    assert 'enctype="multipart/form-data"' in html


def test_upload_without_js_stores_every_file_and_redirects(owner_client, owner, media_dir):
    album = album_services.album_create(owner=owner, title="Garden")
    response = owner_client.post(
        reverse("upload"),
        {"album": str(album.public_id), "file": [upload_file(1), upload_file(2)]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("album_detail", args=[album.public_id])
    assert Photo.objects.filter(owner=owner, albums=album).count() == 2
    page = owner_client.get(response["Location"])
    assert b"Uploaded 2 photos" in page.content


def test_upload_without_js_reports_bad_files_by_name(owner_client, owner, media_dir):
    bad = SimpleUploadedFile("notes.txt", b"just some text", content_type="text/plain")
    response = owner_client.post(reverse("upload"), {"file": [upload_file(1), bad]}, follow=True)
    assert response.status_code == 200
    assert b"notes.txt:" in response.content
    assert Photo.objects.filter(owner=owner).count() == 1


def test_upload_without_files_shows_an_error(owner_client):
    response = owner_client.post(reverse("upload"), {})
    assert response.status_code == 400
    assert b"Choose one or more photos" in response.content


def test_upload_page_sends_its_js_to_the_api(owner_client):
    html = owner_client.get(reverse("upload")).content.decode()
    assert f'data-upload-url="{reverse("api_photo_list")}"' in html
    assert 'id="upload-tile-widths"' in html


def test_the_upload_page_no_longer_answers_json(owner_client, owner, media_dir):
    # The page's second, unthrottled JSON endpoint is gone: a request asking for JSON
    # gets what the plain form gets, a redirect, and no JSON shape of its own.
    response = owner_client.post(
        reverse("upload"), {"file": upload_file(5)}, headers={"accept": "application/json"}
    )
    assert response.status_code == 302
    assert not response["Content-Type"].startswith("application/json")


def test_page_uploads_need_the_csrf_header(owner, media_dir):
    client = page_uploader_client(owner)
    del client.defaults["HTTP_X_CSRFTOKEN"]
    refused = page_upload(client, upload_file(4))
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert not Photo.objects.exists()


def test_page_upload_created_then_duplicate_then_rejected(owner, media_dir):
    from pathlib import Path

    client = page_uploader_client(owner)
    first = page_upload(client, upload_file(7, "beach.jpg"))
    assert first.status_code == 201
    body = first.json()
    photo = Photo.objects.get(owner=owner)
    assert body["duplicate"] is False and body["restored"] is False
    assert body["id"] == str(photo.public_id)
    assert body["web_url"] == "http://testserver" + reverse("photo_detail", args=[photo.public_id])
    # What the page's JS builds the new grid tile from.
    assert body["urls"]["thumb"] and body["urls"]["mobile"] and body["status"] == "ready"

    again = page_upload(client, upload_file(7, "beach-copy.jpg"))
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["web_url"] == body["web_url"]

    files_before = sorted(p for p in Path(media_dir).rglob("*") if p.is_file())
    text = SimpleUploadedFile("readme.txt", b"hello, not an image", content_type="image/jpeg")
    rejected = page_upload(client, text)
    assert rejected.status_code == 415
    assert rejected.json()["code"] == "unsupported_type"
    assert len(rejected.json()["detail"]) > 10
    assert Photo.objects.filter(owner=owner).count() == 1
    assert sorted(p for p in Path(media_dir).rglob("*") if p.is_file()) == files_before


def test_page_upload_of_a_trashed_photo_says_it_was_restored(owner, media_dir):
    client = page_uploader_client(owner)
    first = page_upload(client, upload_file(8))
    photo = Photo.objects.get(owner=owner)
    photo_services.photo_trash(user=owner, photo=photo)
    again = page_upload(client, upload_file(8))
    assert again.status_code == 200
    assert again.json()["restored"] is True and again.json()["duplicate"] is True
    assert again.json()["id"] == first.json()["id"]
    photo.refresh_from_db()
    assert photo.deleted_at is None


def test_page_upload_goes_to_the_chosen_album(owner, media_dir):
    album = album_services.album_create(owner=owner, title="Garden")
    response = page_upload(page_uploader_client(owner), upload_file(3), album=album)
    assert response.status_code == 201
    assert list(Photo.objects.get(owner=owner).albums.all()) == [album]


def test_page_upload_into_someone_elses_album_is_refused(owner, stranger, media_dir):
    client = page_uploader_client(stranger)
    response = page_upload(client, upload_file(3), album=default_album(owner))
    assert response.status_code == 404
    assert json.loads(response.content)["code"] == "album_not_found"
    assert "does not exist any more" in response.json()["detail"]
    assert not Photo.objects.exists()


# --- Viewer -------------------------------------------------------------------------------------


def test_viewer_links_to_newer_and_older_photos(owner_client, owner, uploaded_photo):
    old = uploaded_photo(owner, taken_at=when(2026, 1, 1))
    middle = uploaded_photo(owner, taken_at=when(2026, 2, 1))
    new = uploaded_photo(owner, taken_at=when(2026, 3, 1))
    html = owner_client.get(reverse("photo_detail", args=[middle.public_id])).content.decode()
    assert f'rel="prev" href="{reverse("photo_detail", args=[new.public_id])}"' in html
    assert f'rel="next" href="{reverse("photo_detail", args=[old.public_id])}"' in html
    assert f'href="{reverse("home")}" data-back' in html

    first = owner_client.get(reverse("photo_detail", args=[new.public_id])).content.decode()
    assert 'rel="prev"' not in first and 'rel="next"' in first


def test_viewer_in_album_context_stays_in_the_album(owner_client, owner, uploaded_photo):
    album = album_services.album_create(owner=owner, title="Trip")
    a = uploaded_photo(owner, album=album, taken_at=when(2026, 1, 1))
    uploaded_photo(owner, taken_at=when(2026, 1, 2))  # in the timeline between them, not the album
    b = uploaded_photo(owner, album=album, taken_at=when(2026, 1, 3))
    url = reverse("photo_detail", args=[b.public_id]) + f"?album={album.public_id}"
    html = owner_client.get(url).content.decode()
    expected = f"{reverse('photo_detail', args=[a.public_id])}?album={album.public_id}"
    assert f'rel="next" href="{expected}"' in html
    assert f'href="{reverse("album_detail", args=[album.public_id])}" data-back' in html


def test_viewer_shows_details_and_original_download_to_the_owner(
    owner_client, owner, uploaded_photo
):
    photo = uploaded_photo(owner, taken_at=when(2026, 5, 4, 15))
    Photo.objects.filter(pk=photo.pk).update(
        camera_make="Fujifilm", camera_model="X100V", latitude=38.71234, longitude=-9.13901
    )
    response = owner_client.get(reverse("photo_detail", args=[photo.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 May 2026" in html
    assert f"{photo.width} × {photo.height}" in html
    assert "Fujifilm X100V" in html
    assert "38.71234, -9.13901" in html
    assert "Download original" in html
    assert 'media="(max-width: 800px)"' in html  # phones get the mobile variant only


def test_owner_adds_a_photo_to_albums_and_renames_it(owner_client, owner, uploaded_photo):
    photo = uploaded_photo(owner)
    best = album_services.album_create(owner=owner, title="Best of")
    family = album_services.album_create(owner=owner, title="Family")
    page = owner_client.get(reverse("photo_detail", args=[photo.public_id])).content.decode()
    assert "Add to album" in page and "In no album" in page
    for album in (best, family):
        response = owner_client.post(
            reverse("photos_bulk"),
            {
                "action": "add_to_album",
                "ids": [str(photo.public_id)],
                "album": str(album.public_id),
                "next": reverse("photo_detail", args=[photo.public_id]),
            },
        )
        assert response.status_code == 302
    assert set(photo.albums.all()) == {best, family}

    owner_client.post(reverse("photo_edit", args=[photo.public_id]), {"title": "Sunset"})
    photo.refresh_from_db()
    assert photo.title == "Sunset"
    page = owner_client.get(reverse("photo_detail", args=[photo.public_id])).content.decode()
    assert "Best of" in page and "Family" in page


def test_adding_to_someone_elses_album_is_refused(owner_client, owner, stranger, uploaded_photo):
    photo = uploaded_photo(owner)
    theirs = default_album(stranger)
    response = owner_client.post(
        reverse("photos_bulk"),
        {"action": "add_to_album", "ids": [str(photo.public_id)], "album": str(theirs.public_id)},
        follow=True,
    )
    assert not photo.albums.exists()
    assert "That album is not there any more" in response.content.decode()


def test_the_selection_moves_many_photos_into_an_album_without_javascript(
    owner_client, owner, uploaded_photo
):
    photos = [uploaded_photo(owner) for _ in range(3)]
    album = album_services.album_create(owner=owner, title="Picked")
    home = owner_client.get(reverse("home")).content.decode()
    assert 'id="selection-form"' in home
    assert home.count('name="ids"') == 3 and 'form="selection-form"' in home
    response = owner_client.post(
        reverse("photos_bulk"),
        {
            "action": "add_to_album",
            "ids": [str(p.public_id) for p in photos[:2]],
            "album": str(album.public_id),
            "next": reverse("home"),
        },
        follow=True,
    )
    assert "2 photos added to “Picked”." in response.content.decode()
    assert set(album.photos.all()) == set(photos[:2])
    # Out of the album again, from the album's own page: the photos stay in the library.
    response = owner_client.post(
        reverse("photos_bulk"),
        {
            "action": "remove_from_album",
            "ids": [str(photos[0].public_id)],
            "album": str(album.public_id),
        },
        follow=True,
    )
    assert "1 photo taken out of “Picked”." in response.content.decode()
    assert list(album.photos.all()) == [photos[1]]
    assert Photo.objects.filter(owner=owner, deleted_at__isnull=True).count() == 3


def test_the_selection_without_photos_or_album_says_what_is_missing(owner_client, owner):
    response = owner_client.post(reverse("photos_bulk"), {"action": "trash"}, follow=True)
    assert "Select one or more photos first." in response.content.decode()
    response = owner_client.post(
        reverse("photos_bulk"),
        {"action": "add_to_album", "ids": [str(uuid.uuid4())]},
        follow=True,
    )
    assert "Choose the album first." in response.content.decode()


def test_trash_from_viewer_offers_undo(owner_client, owner, uploaded_photo):
    photo = uploaded_photo(owner)
    response = owner_client.post(
        reverse("photo_trash", args=[photo.public_id]), {"next": reverse("home")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    photo.refresh_from_db()
    assert photo.in_trash
    page = owner_client.get(reverse("home")).content.decode()
    assert "Moved to trash" in page
    assert reverse("photo_restore", args=[photo.public_id]) in page

    owner_client.post(reverse("photo_restore", args=[photo.public_id]), {"next": reverse("home")})
    photo.refresh_from_db()
    assert not photo.in_trash


# --- Trash --------------------------------------------------------------------------------------


def test_trash_lists_days_left_and_restores(owner_client, owner, uploaded_photo):
    photo = uploaded_photo(owner)
    photo_services.photo_trash(user=owner, photo=photo)
    Photo.objects.filter(pk=photo.pk).update(deleted_at=timezone.now() - timedelta(days=10))
    page = owner_client.get(reverse("trash"))
    assert page.status_code == 200
    assert b"20 days left" in page.content
    assert b"Empty trash" in page.content

    response = owner_client.post(reverse("photo_restore", args=[photo.public_id]))
    assert response.status_code == 302 and response["Location"] == reverse("trash")
    photo.refresh_from_db()
    assert not photo.in_trash


def test_delete_forever_and_empty_trash(owner_client, owner, uploaded_photo):
    photos = [uploaded_photo(owner) for _ in range(3)]
    for photo in photos:
        photo_services.photo_trash(user=owner, photo=photo)
    page = owner_client.get(reverse("trash")).content.decode()
    assert "Delete all <strong>3 photos</strong>" in page

    owner_client.post(reverse("photo_delete_forever", args=[photos[0].public_id]))
    assert not Photo.objects.filter(pk=photos[0].pk).exists()

    response = owner_client.post(reverse("trash_empty"), follow=True)
    assert b"2 photos deleted for good" in response.content
    assert not Photo.objects.filter(owner=owner).exists()
    assert b"The trash is empty" in response.content


def test_delete_forever_needs_the_photo_in_the_trash(owner_client, owner, uploaded_photo):
    photo = uploaded_photo(owner)
    response = owner_client.post(reverse("photo_delete_forever", args=[photo.public_id]))
    assert response.status_code == 404
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_empty_trash_page(owner_client):
    response = owner_client.get(reverse("trash"))
    assert response.status_code == 200
    assert b"The trash is empty" in response.content


# --- Who may see what -------------------------------------------------------------------------


@pytest.fixture
def owner_things(owner, uploaded_photo):
    album = album_services.album_create(owner=owner, title="Private trip")
    photo = uploaded_photo(owner, album=album)
    trashed = uploaded_photo(owner, album=album)
    photo_services.photo_trash(user=owner, photo=trashed)
    return {"album": album, "photo": photo, "trashed": trashed}


def id_urls(things):
    album, photo, trashed = things["album"], things["photo"], things["trashed"]
    return [
        ("get", reverse("album_detail", args=[album.public_id])),
        ("get", reverse("album_edit", args=[album.public_id])),
        ("post", reverse("album_edit", args=[album.public_id])),
        ("get", reverse("album_delete", args=[album.public_id])),
        ("post", reverse("album_delete", args=[album.public_id])),
        ("get", reverse("photo_detail", args=[photo.public_id])),
        ("get", reverse("photo_detail", args=[photo.public_id]) + f"?album={album.public_id}"),
        ("post", reverse("photo_edit", args=[photo.public_id])),
        ("post", reverse("photo_trash", args=[photo.public_id])),
        ("post", reverse("photo_restore", args=[trashed.public_id])),
        ("post", reverse("photo_delete_forever", args=[trashed.public_id])),
    ]


def test_stranger_gets_404_for_every_url_with_an_id(client, stranger, owner_things):
    client.force_login(stranger)
    for method, url in id_urls(owner_things):
        data = {"title": "pwned", "album": str(default_album(stranger).public_id)}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert Album.objects.filter(pk=owner_things["album"].pk, title="Private trip").exists()
    assert Photo.objects.filter(pk=owner_things["trashed"].pk).exists()
    assert not Photo.objects.get(pk=owner_things["photo"].pk).in_trash


def test_album_context_of_someone_elses_album_is_404(
    client, stranger, owner_things, uploaded_photo
):
    client.force_login(stranger)
    own = uploaded_photo(stranger)
    album = owner_things["album"]
    url = reverse("photo_detail", args=[own.public_id]) + f"?album={album.public_id}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("photo_detail", args=[own.public_id])).status_code == 200


def test_owners_trashed_photo_is_404_in_the_viewer(owner_client, owner_things):
    trashed = owner_things["trashed"]
    assert owner_client.get(reverse("photo_detail", args=[trashed.public_id])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, owner_things):
    urls = [(m, u) for m, u in id_urls(owner_things)] + [
        ("get", reverse("home")),
        ("get", reverse("album_list")),
        ("get", reverse("album_create")),
        ("get", reverse("upload")),
        ("post", reverse("upload")),
        ("get", reverse("trash")),
        ("post", reverse("trash_empty")),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("account_login")), url


def test_post_only_actions_refuse_get(owner_client, owner_things):
    photo, trashed = owner_things["photo"], owner_things["trashed"]
    for url in [
        reverse("photo_edit", args=[photo.public_id]),
        reverse("photo_trash", args=[photo.public_id]),
        reverse("photo_restore", args=[trashed.public_id]),
        reverse("photo_delete_forever", args=[trashed.public_id]),
        reverse("trash_empty"),
    ]:
        assert owner_client.get(url).status_code == 405, url
    assert Photo.objects.filter(pk=trashed.pk).exists()


def test_unknown_ids_are_404(owner_client):
    missing = "00000000-0000-4000-8000-000000000000"
    assert owner_client.get(f"/albums/{missing}/").status_code == 404
    assert owner_client.get(f"/photos/{missing}/").status_code == 404
    assert owner_client.get("/photos/not-a-uuid/").status_code == 404


# --- Escaping -----------------------------------------------------------------------------------


def test_titles_with_script_are_escaped_everywhere(owner_client, owner, uploaded_photo):
    album = album_services.album_create(owner=owner, title=XSS, description=XSS)
    photo = uploaded_photo(owner, album=album, title=XSS)
    pages = [
        reverse("home"),
        reverse("album_list"),
        reverse("album_detail", args=[album.public_id]),
        reverse("album_edit", args=[album.public_id]),
        reverse("album_delete", args=[album.public_id]),
        reverse("photo_detail", args=[photo.public_id]),
        reverse("upload"),
    ]
    for url in pages:
        html = owner_client.get(url).content.decode()
        assert XSS not in html, url
        assert "&lt;script&gt;" in html, url
    photo_services.photo_trash(user=owner, photo=photo)
    html = owner_client.get(reverse("trash")).content.decode()
    assert XSS not in html and "&lt;script&gt;" in html


def test_upload_page_preselects_the_album_it_was_opened_from(owner_client, owner):
    album = album_services.album_create(owner=owner, title="Garden")
    html = owner_client.get(reverse("upload") + f"?album={album.public_id}").content.decode()
    assert f'<option value="{album.public_id}" selected>Garden</option>' in html


def test_album_page_more_link_keeps_album_context(owner_client, owner, uploaded_photo):
    album = album_services.album_create(owner=owner, title="Big trip")
    start = when(2026, 3, 1)
    for i in range(31):
        uploaded_photo(owner, album=album, taken_at=start + timedelta(hours=i))
    url = reverse("album_detail", args=[album.public_id])
    html = owner_client.get(url).content.decode()
    more = html.split('data-more href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    part = owner_client.get(url + more + "&fragment=1").content.decode()
    assert part.count('class="tile"') == 1
    assert f"?album={album.public_id}" in part


def test_album_badges_tell_who_can_see_each_album(client, owner, guest, stranger):
    """An album shared with a named person is not "Only me" (issue 16), for its owner or
    for that person; links and audiences add themselves."""
    from gallery.models import AlbumMember, Audience
    from gallery.tests.factories import make_album, make_link

    alone = make_album(owner, title="Just mine")
    named = make_album(owner, title="Named")
    AlbumMember.objects.create(album=named, user=guest)
    AlbumMember.objects.create(album=named, user=stranger)
    everything = make_album(owner, title="Everything", audience=Audience.FAMILY)
    AlbumMember.objects.create(album=everything, user=guest)
    make_link(owner, everything)
    client.force_login(owner)
    page = client.get("/albums/").content.decode()
    badges = dict(
        re.findall(r'album-title">([^<]+)</span>.*?album-audience[^"]*">([^<]+)</span>', page, re.S)
    )
    assert badges == {
        "Just mine": "Only me",
        "Named": "2 people",
        "Everything": "Family · 1 person · Link",
    }
    assert "· 2 people" in client.get(f"/albums/{named.public_id}/").content.decode()
    client.force_login(guest)
    seen = client.get(f"/albums/{named.public_id}/").content.decode()
    assert "Only me" not in seen and "you are named on it" in seen
    assert alone.pk  # the unshared album stays out of the guest's sight
    assert client.get(f"/albums/{alone.public_id}/").status_code == 404


def test_a_long_library_jumps_to_a_year_or_a_month(client, owner, stranger):
    """A year/month scrubber: links to each year the timeline spans and a month picker,
    each starting the timeline there, by the index (issue 16)."""
    from gallery.tests.factories import make_photo

    def at(year, month):
        return datetime(year, month, 15, 12, tzinfo=UTC)

    old = make_photo(owner, taken_at=at(2019, 7), title="Old harbour")
    march = make_photo(owner, taken_at=at(2022, 3), title="March meadow")
    make_photo(owner, taken_at=at(2024, 5), title="Recent")
    make_photo(stranger, taken_at=at(2016, 1))  # not hers: not in her years
    client.force_login(owner)
    home = client.get("/photos/").content.decode()
    years = re.findall(r'href="/photos/\?from=(\d{4})-12">(\d{4})</a>', home)
    assert [year for year, _ in years] == [str(y) for y in range(2024, 2018, -1)]
    jumped = client.get("/photos/", {"from": "2022-03"})
    titles = re.findall(r'alt="([^"]+)"', jumped.content.decode())
    assert titles[:2] == ["March meadow", "Old harbour"]
    assert client.get("/photos/", {"from": "2019-12"}).content.decode().count('alt="') >= 1
    assert str(old.public_id) in client.get("/photos/", {"from": "2019-12"}).content.decode()
    assert str(march.public_id) not in client.get("/photos/", {"from": "2019-12"}).content.decode()
    bad = client.get("/photos/", {"from": "March"})
    assert bad.status_code == 400
    assert "Choose a month" in bad.content.decode()
