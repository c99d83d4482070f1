"""The gallery's JSON API, seen by the owner, a guest, a stranger and nobody at all."""

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from gallery.models import Album, AlbumMember, Photo
from gallery.tests import imagegen
from gallery.tests.factories import make_album, make_photo, make_photos
from gallery.tests.factories import media_root_fixture as media_root_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("media_root")


class Api:
    """A Django test client that speaks as one person with a Bearer token."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {AccessToken.for_user(user)}"

    def get(self, url, **params):
        return self.client.get(url, params, **self.headers)

    def post(self, url, data=None, **kwargs):
        return self.client.post(url, data or {}, **self.headers, **kwargs)

    def json(self, method, url, data):
        return getattr(self.client, method)(
            url, data, content_type="application/json", **self.headers
        )

    def delete(self, url):
        return self.client.delete(url, **self.headers)

    def upload(self, data: bytes, name="photo.jpg", content_type="image/jpeg", **fields):
        return self.post(
            "/api/photos/", {"file": imagegen.uploaded(data, name, content_type), **fields}
        )


@pytest.fixture
def api(owner):
    return Api(owner)


@pytest.fixture
def guest_api(guest):
    return Api(guest)


@pytest.fixture
def stranger_api(stranger):
    return Api(stranger)


@pytest.fixture
def album(owner):
    return make_album(owner, title="Summer")


@pytest.fixture
def photo(owner, album):
    return make_photo(owner, album=album, title="Harbour")


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"detail", "code"}
    assert body["detail"]
    if code:
        assert body["code"] == code


# --- albums -------------------------------------------------------------------------------


def test_album_list_counts_photos_outside_the_trash(api, owner, album, photo):
    make_photo(owner, album=album, deleted_at=timezone.now())  # trash does not count
    response = api.get("/api/albums/")
    assert response.status_code == 200
    by_title = {a["title"]: a for a in response.json()}
    assert set(by_title) == {"Summer"}
    summer = by_title["Summer"]
    assert summer["id"] == str(album.public_id)
    assert summer["photo_count"] == 1
    assert summer["audience"] == "private"
    assert "owner" not in summer and "pk" not in summer


def test_create_album(api, owner):
    response = api.json("post", "/api/albums/", {"title": " Trip ", "description": "Alps"})
    assert response.status_code == 201
    album = Album.objects.get(public_id=response.json()["id"])
    assert (album.owner, album.title, album.audience) == (owner, "Trip", "private")
    assert response.json()["photo_count"] == 0
    assert response.json()["cover"] is None


def test_create_album_without_title_is_400_with_field_errors(api):
    response = api.json("post", "/api/albums/", {"description": "no title"})
    assert_error(response, 400, "invalid")
    assert "title" in response.json()["errors"]


def test_album_detail_has_cover_urls_absolute(api, album, photo):
    album.cover = photo
    album.save()
    response = api.get(f"/api/albums/{album.public_id}/")
    assert response.status_code == 200
    cover = response.json()["cover"]
    assert set(cover) == {"thumb", "mobile", "display"}
    assert all(url.startswith("http://testserver/") for url in cover.values())


def test_rename_album(api, album):
    response = api.json("patch", f"/api/albums/{album.public_id}/", {"title": "Winter"})
    assert response.status_code == 200
    assert response.json()["title"] == "Winter"
    album.refresh_from_db()
    assert album.title == "Winter"


def test_delete_album_keeps_its_photos_in_the_library(api, album, photo):
    response = api.delete(f"/api/albums/{album.public_id}/")
    assert response.status_code == 200
    assert response.json() == {"photos": 1}
    assert not Album.objects.filter(pk=album.pk).exists()
    assert Photo.objects.get(pk=photo.pk).deleted_at is None
    listed = api.get("/api/photos/").json()["results"]
    assert [item["id"] for item in listed] == [str(photo.public_id)]
    assert listed[0]["albums"] == []


# --- uploads ------------------------------------------------------------------------------


def test_upload_creates_photo_with_absolute_signed_urls(api, owner):
    data = imagegen.jpeg((120, 80), make="Pixelmaker", model="P7", gps=(59.91, 10.75))
    response = api.upload(data, title="Harbour")
    assert response.status_code == 201, response.content
    body = response.json()
    photo = Photo.objects.get(public_id=body["id"])
    assert photo.owner == owner
    assert body["duplicate"] is False
    assert body["albums"] == []  # in the library only
    assert (body["width"], body["height"], body["mime_type"]) == (120, 80, "image/jpeg")
    assert body["bytes"] == len(data)
    assert body["title"] == "Harbour"
    assert set(body["urls"]) == {"thumb", "mobile", "display", "original"}
    assert all(url.startswith("http://testserver/") for url in body["urls"].values())
    assert "base64" not in response.content.decode()
    assert body["camera"] == {"make": "Pixelmaker", "model": "P7"}
    assert body["location"]["latitude"] == pytest.approx(59.91, abs=1e-3)


def test_uploading_the_same_bytes_again_answers_200_with_the_existing_photo(api):
    data = imagegen.jpeg((40, 30))
    first = api.upload(data)
    second = api.upload(data, name="copy.jpg")
    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert second.json()["id"] == first.json()["id"]
    assert Photo.objects.count() == 1


def test_upload_into_an_album(api, album):
    response = api.upload(imagegen.png((30, 20)), "a.png", "image/png", album=str(album.public_id))
    assert response.status_code == 201
    assert response.json()["albums"] == [str(album.public_id)]


def test_upload_into_someone_elses_album_is_404(stranger_api, album):
    response = stranger_api.upload(imagegen.jpeg(), album=str(album.public_id))
    assert_error(response, 404)
    assert not Photo.objects.exists()


def test_upload_into_unknown_album_is_404(api):
    assert_error(api.upload(imagegen.jpeg(), album=str(uuid.uuid4())), 404)


def test_upload_without_file_is_400(api):
    response = api.post("/api/photos/", {"title": "nothing"})
    assert_error(response, 400, "invalid")
    assert "file" in response.json()["errors"]


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (imagegen.svg(), "x.svg", 415, "unsupported_type"),
        (imagegen.pdf(), "x.pdf", 415, "unsupported_type"),
        (imagegen.html_disguised_as_jpeg(), "x.jpg", 415, "unsupported_type"),
        (imagegen.truncated_jpeg(), "x.jpg", 422, "corrupt_image"),
        (b"", "empty.jpg", 422, "empty_file"),
    ],
)
def test_rejected_uploads_answer_like_the_html_uploader(api, data, name, status, code):
    response = api.upload(data, name)
    assert_error(response, status, code)
    assert not Photo.objects.exists()


def test_too_large_upload_is_413(api, settings):
    settings.PIKOSHI_MAX_UPLOAD_BYTES = 1000
    response = api.upload(imagegen.jpeg((400, 300), image=imagegen.photo_like((400, 300))))
    assert_error(response, 413, "file_too_large")


def test_album_changes_take_json_only(api, album):
    # In form data an empty optional field reads as "not sent"; JSON says what it means.
    response = api.client.patch(
        f"/api/albums/{album.public_id}/",
        "title=",
        content_type="application/x-www-form-urlencoded",
        **api.headers,
    )
    assert_error(response, 415, "unsupported_media_type")
    assert_error(api.json("patch", f"/api/albums/{album.public_id}/", {"title": ""}), 400)


def test_upload_as_json_is_415(api):
    response = api.json("post", "/api/photos/", {"file": "aGVsbG8="})
    assert_error(response, 415, "unsupported_media_type")


def test_upload_is_throttled_with_retry_after(api, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "upload", "1/min")
    assert api.upload(imagegen.jpeg()).status_code == 201
    response = api.upload(imagegen.jpeg(color=(1, 2, 3)))
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    # Reading is not throttled by the upload scope.
    assert api.get("/api/photos/").status_code == 200


# --- pages of photos ----------------------------------------------------------------------


def test_timeline_pages_newest_first_with_absolute_next_url(api, owner):
    photos = make_photos(owner, 5)
    first = api.get("/api/photos/", limit=2)
    assert first.status_code == 200
    body = first.json()
    assert [p["id"] for p in body["results"]] == [str(p.public_id) for p in photos[:2]]
    assert body["next"].startswith("http://testserver/api/photos/?")
    assert "limit=2" in body["next"]
    seen = [p["id"] for p in body["results"]]
    url = body["next"]
    while url:
        page = api.client.get(url, **api.headers).json()
        seen += [p["id"] for p in page["results"]]
        url = page["next"]
    assert seen == [str(p.public_id) for p in photos]


def test_timeline_default_page_is_30(api, owner):
    make_photos(owner, 31)
    body = api.get("/api/photos/").json()
    assert len(body["results"]) == 30
    assert body["next"]


@pytest.mark.parametrize("limit", ["0", "101", "many"])
def test_timeline_limit_out_of_range_is_400(api, limit):
    assert_error(api.get("/api/photos/", limit=limit), 400, "invalid")


def test_tampered_cursor_is_400(api, owner):
    make_photos(owner, 3)
    next_url = api.get("/api/photos/", limit=1).json()["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]
    response = api.get("/api/photos/", cursor=cursor[:-3] + "xyz")
    assert_error(response, 400, "invalid_cursor")


def test_pages_give_the_next_cursor_beside_the_next_url(api: Api, owner: User) -> None:
    photos = make_photos(owner, 3)
    first = api.get("/api/photos/", limit=2).json()
    assert first["next_cursor"]
    assert parse_qs(urlsplit(first["next"]).query)["cursor"] == [first["next_cursor"]]
    last = api.get("/api/photos/", limit=2, cursor=first["next_cursor"]).json()
    assert [p["id"] for p in last["results"]] == [str(photos[2].public_id)]
    assert last["next_cursor"] is None
    assert last["next"] is None


def test_trash_is_paged_like_the_timeline(api: Api, owner: User) -> None:
    now = timezone.now()
    trashed = [make_photo(owner, deleted_at=now - timedelta(minutes=i)) for i in range(5)]
    make_photo(owner)  # not in the trash
    first = api.get("/api/trash/", limit=2)
    assert first.status_code == 200
    body = first.json()
    assert body["next"].startswith("http://testserver/api/trash/?")
    seen = [p["id"] for p in body["results"]]
    assert len(seen) == 2
    cursor = body["next_cursor"]
    while cursor:
        page = api.get("/api/trash/", limit=2, cursor=cursor).json()
        seen += [p["id"] for p in page["results"]]
        cursor = page["next_cursor"]
    assert seen == [str(p.public_id) for p in trashed]  # most recently deleted first


def test_trash_default_page_is_30_and_bad_cursors_are_400(api: Api, owner: User) -> None:
    now = timezone.now()
    for i in range(31):
        make_photo(owner, deleted_at=now - timedelta(seconds=i))
    make_photos(owner, 2)
    body = api.get("/api/trash/").json()
    assert len(body["results"]) == 30
    assert body["next_cursor"]
    assert_error(api.get("/api/trash/", cursor="nonsense"), 400, "invalid_cursor")
    # A timeline position is not a trash position.
    timeline_cursor = api.get("/api/photos/", limit=1).json()["next_cursor"]
    assert_error(api.get("/api/trash/", cursor=timeline_cursor), 400, "invalid_cursor")
    assert_error(api.get("/api/trash/", limit="0"), 400, "invalid")


def test_timeline_excludes_trash_and_other_peoples_photos(api, owner, stranger):
    mine = make_photo(owner)
    make_photo(owner, deleted_at=timezone.now())
    make_photo(stranger)
    assert [p["id"] for p in api.get("/api/photos/").json()["results"]] == [str(mine.public_id)]


def test_album_photos(api, owner, album):
    inside = make_photos(owner, 3, album=album)
    make_photo(owner)  # in "My photos"
    body = api.get(f"/api/albums/{album.public_id}/photos/", limit=2).json()
    assert [p["id"] for p in body["results"]] == [str(p.public_id) for p in inside[:2]]
    assert body["next"].startswith(f"http://testserver/api/albums/{album.public_id}/photos/?")


# --- one photo ----------------------------------------------------------------------------


def test_photo_detail(api, photo):
    body = api.get(f"/api/photos/{photo.public_id}/").json()
    assert body["id"] == str(photo.public_id)
    assert body["title"] == "Harbour"
    assert "original" in body["urls"]
    assert "camera" in body and "location" in body


def test_retitle_a_photo_and_add_it_to_a_second_album(api, owner, album, photo):
    other = make_album(owner, title="Elsewhere")
    response = api.json("patch", f"/api/photos/{photo.public_id}/", {"title": "Quay"})
    assert response.status_code == 200, response.content
    added = api.json(
        "post", f"/api/albums/{other.public_id}/photos/", {"photos": [str(photo.public_id)]}
    )
    assert added.status_code == 200, added.content
    assert added.json() == {"results": [{"id": str(photo.public_id), "outcome": "done"}]}
    body = api.get(f"/api/photos/{photo.public_id}/").json()
    assert body["title"] == "Quay"
    assert set(body["albums"]) == {str(album.public_id), str(other.public_id)}


def test_adding_a_photo_to_a_strangers_album_is_404(api, photo, stranger):
    theirs = make_album(stranger, title="Theirs")
    response = api.json(
        "post", f"/api/albums/{theirs.public_id}/photos/", {"photos": [str(photo.public_id)]}
    )
    assert_error(response, 404)
    assert not theirs.photos.exists()


def test_trash_restore_cycle(api, photo):
    response = api.delete(f"/api/photos/{photo.public_id}/")
    assert response.status_code == 200
    assert response.json()["deleted_at"]
    assert_error(api.get(f"/api/photos/{photo.public_id}/"), 404)
    trash = api.get("/api/trash/").json()["results"]
    assert [p["id"] for p in trash] == [str(photo.public_id)]

    restored = api.post(f"/api/photos/{photo.public_id}/restore/")
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None
    assert api.get("/api/trash/").json()["results"] == []
    assert api.get(f"/api/photos/{photo.public_id}/").status_code == 200


# --- who sees what ----------------------------------------------------------------------------


def test_guest_sees_shared_photo_without_owner_only_fields(guest_api, guest, album, photo):
    AlbumMember.objects.create(album=album, user=guest)
    body = guest_api.get(f"/api/photos/{photo.public_id}/").json()
    assert body["id"] == str(photo.public_id)
    assert set(body["urls"]) == {"thumb", "mobile", "display"}
    assert "camera" not in body and "location" not in body
    page = guest_api.get(f"/api/albums/{album.public_id}/photos/").json()
    assert [p["id"] for p in page["results"]] == [str(photo.public_id)]


def test_guest_cannot_change_shared_album_or_photo(guest_api, guest, album, photo):
    AlbumMember.objects.create(album=album, user=guest)
    assert_error(guest_api.json("patch", f"/api/albums/{album.public_id}/", {"title": "x"}), 404)
    assert_error(guest_api.delete(f"/api/albums/{album.public_id}/"), 404)
    assert_error(guest_api.json("patch", f"/api/photos/{photo.public_id}/", {"title": "x"}), 404)
    assert_error(guest_api.delete(f"/api/photos/{photo.public_id}/"), 404)
    photo.refresh_from_db()
    assert photo.title == "Harbour" and photo.deleted_at is None


def _id_endpoints(album, photo):
    return [
        ("get", f"/api/albums/{album.public_id}/", None),
        ("patch", f"/api/albums/{album.public_id}/", {"title": "Mine now"}),
        ("delete", f"/api/albums/{album.public_id}/", None),
        ("get", f"/api/albums/{album.public_id}/photos/", None),
        ("get", f"/api/photos/{photo.public_id}/", None),
        ("patch", f"/api/photos/{photo.public_id}/", {"title": "Mine now"}),
        ("delete", f"/api/photos/{photo.public_id}/", None),
        ("post", f"/api/photos/{photo.public_id}/restore/", None),
    ]


def _call(api, method, url, data):
    if data is not None:
        return api.json(method, url, data)
    if method == "get":
        return api.get(url)
    if method == "delete":
        return api.delete(url)
    return api.post(url)


def test_stranger_gets_404_on_every_id_endpoint(stranger_api, album, photo):
    for method, url, data in _id_endpoints(album, photo):
        response = _call(stranger_api, method, url, data)
        assert_error(response, 404)
    album.refresh_from_db()
    photo.refresh_from_db()
    assert (album.title, photo.title, photo.deleted_at) == ("Summer", "Harbour", None)


def test_stranger_cannot_restore_a_trashed_photo(stranger_api, owner):
    trashed = make_photo(owner, deleted_at=timezone.now())
    assert_error(stranger_api.post(f"/api/photos/{trashed.public_id}/restore/"), 404)
    assert stranger_api.get("/api/trash/").json()["results"] == []


def test_delete_forever_and_empty_trash(api, owner, django_capture_on_commit_callbacks):
    kept = make_photo(owner)
    first = make_photo(owner, deleted_at=timezone.now())
    second = make_photo(owner, deleted_at=timezone.now())
    files = [first.original.name, first.thumb.name, first.display.name]
    # Only what is in the trash can be deleted for good.
    assert_error(api.delete(f"/api/trash/{kept.public_id}/"), 404)
    with django_capture_on_commit_callbacks(execute=True):  # files go once the delete commits
        assert api.delete(f"/api/trash/{first.public_id}/").status_code == 204
    assert not Photo.objects.filter(pk=first.pk).exists()
    assert not any(first.original.storage.exists(name) for name in files)
    assert api.delete("/api/trash/").json() == {"deleted": 1}
    assert not Photo.objects.filter(pk=second.pk).exists()
    assert Photo.objects.filter(pk=kept.pk).exists()


def test_stranger_cannot_delete_or_empty_someone_elses_trash(stranger_api, owner):
    trashed = make_photo(owner, deleted_at=timezone.now())
    assert_error(stranger_api.delete(f"/api/trash/{trashed.public_id}/"), 404)
    assert stranger_api.delete("/api/trash/").json() == {"deleted": 0}
    assert Photo.objects.filter(pk=trashed.pk).exists()


def test_anonymous_gets_401_everywhere(album, photo):
    anonymous = Api()
    endpoints = [
        ("get", "/api/albums/", None),
        ("post", "/api/albums/", {"title": "x"}),
        ("delete", "/api/trash/", None),
        ("delete", f"/api/trash/{photo.public_id}/", None),
        ("get", "/api/photos/", None),
        ("post", "/api/photos/", None),
        ("get", "/api/trash/", None),
        *_id_endpoints(album, photo),
    ]
    for method, url, data in endpoints:
        response = _call(anonymous, method, url, data)
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_malformed_ids_are_404(api):
    for url in ("/api/albums/not-a-uuid/", "/api/photos/123/", "/api/photos/123/restore/"):
        assert_error(api.get(url), 404, "not_found")
    # Unsafe methods too, without a CSRF page in the way.
    assert_error(api.delete("/api/photos/123/"), 404, "not_found")
    assert_error(api.json("patch", "/api/albums/x/", {"title": "t"}), 404, "not_found")
    assert_error(api.get("/api/albums/a%0Ab/"), 404, "not_found")


def test_unknown_ids_are_404(api):
    assert_error(api.get(f"/api/albums/{uuid.uuid4()}/"), 404, "not_found")
    assert_error(api.get(f"/api/photos/{uuid.uuid4()}/"), 404, "not_found")


def test_expired_token_is_401(owner, photo):
    token = AccessToken.for_user(owner)
    token.set_exp(lifetime=-timedelta(seconds=1))
    client = Client()
    response = client.get("/api/photos/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(response, 401, "token_not_valid")


def test_api_never_shows_sequential_ids(api, owner, album, photo):
    for url in ("/api/albums/", f"/api/albums/{album.public_id}/", "/api/photos/"):
        text = api.get(url).content.decode()
        assert (
            '"pk"' not in text
            and f'"id": {photo.pk}' not in text
            and f'"id":{photo.pk}' not in text
        )
