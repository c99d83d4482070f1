"""Resumable uploads (tus 1.0.0 under /api/uploads/): a file sent in parts, continued after a
dropped connection, ends as the same photo or video a one-shot POST makes, with the same
refusals; nobody else can see, continue or cancel someone's upload."""

import base64
import threading

import pytest
from django.test import Client

from gallery.models import Photo, Upload
from gallery.services import uploads as upload_services
from gallery.tests import imagegen, planted, videogen
from gallery.tests.factories import jpeg_bytes, make_album, stored_files
from gallery.tests.factories import media_root_fixture as media_root_fixture  # noqa: F401
from gallery.tests.test_api import Api

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
PART = "application/offset+octet-stream"


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


class Tus(Api):
    def create(self, length: int, **values: str):
        headers = {**TUS, "HTTP_UPLOAD_LENGTH": str(length)}
        if values:
            headers["HTTP_UPLOAD_METADATA"] = metadata(**values)
        return self.client.post("/api/uploads/", **self.headers, **headers)

    def head(self, url: str):
        return self.client.head(url, **self.headers, **TUS)

    def patch(self, url: str, data: bytes, offset: int, **extra):
        return self.client.generic(
            "PATCH",
            url,
            data,
            content_type=extra.pop("content_type", PART),
            **self.headers,
            **{**TUS, "HTTP_UPLOAD_OFFSET": str(offset), **extra},
        )

    def delete(self, url: str):
        return self.client.delete(url, **self.headers, **TUS)

    def send(self, data: bytes, part: int = 1000, **values: str):
        """Create and send the whole file in parts; returns (url, last answer)."""
        created = self.create(len(data), **values)
        assert created.status_code == 201, created.content
        url = created["Location"]
        answer = None
        for start in range(0, len(data), part):
            answer = self.patch(url, data[start : start + part], start)
            if answer.status_code != 204:
                break
        return url, answer


def test_a_photo_sent_in_parts_is_the_photo_a_single_post_makes(owner, media_root):
    tus = Tus(owner)
    options = tus.client.options("/api/uploads/", **tus.headers)
    assert options.status_code == 204
    assert options["Tus-Version"] == "1.0.0"
    assert set(options["Tus-Extension"].split(",")) == {"creation", "expiration", "termination"}
    album = make_album(owner, title="Summer")
    data = imagegen.jpeg((400, 300), exif=planted.exif())
    created = tus.create(len(data), filename="IMG_1.jpg", title="Beach", album=str(album.public_id))
    assert created.status_code == 201 and created["Tus-Resumable"] == "1.0.0"
    assert created["Upload-Expires"]
    url = created["Location"]
    assert url.startswith("http://testserver/api/uploads/")

    first = tus.patch(url, data[:1000], 0)
    assert first.status_code == 204 and first["Upload-Offset"] == "1000"
    assert "Pikoshi-Photo" not in first
    state = tus.head(url)
    assert state.status_code == 200 and state["Upload-Offset"] == "1000"
    assert state["Upload-Length"] == str(len(data)) and state["Cache-Control"] == "no-store"
    assert not Photo.objects.exists()

    last = tus.patch(url, data[1000:], 1000)
    assert last.status_code == 204, last.content
    assert last["Upload-Offset"] == str(len(data))
    photo = Photo.objects.get()
    assert last["Pikoshi-Photo"] == str(photo.public_id)
    assert photo.original.open("rb").read() == data
    assert photo.title == "Beach" and photo.original_name == "IMG_1.jpg"
    assert photo.latitude is not None  # read from the file, as a single POST reads it
    assert list(album.entries.values_list("photo_id", flat=True)) == [photo.pk]
    done = tus.get(url).json()
    assert done["status"] == "done" and done["photo"]["id"] == str(photo.public_id)
    assert done["offset"] == done["length"] == len(data)
    assert list((upload_services.upload_dir()).iterdir()) == []  # the part is gone
    # The same bytes again are the same photo, as with a single POST.
    again, answer = tus.send(data)
    assert answer.status_code == 204 and answer["Pikoshi-Photo"] == str(photo.public_id)
    assert tus.get(again).json()["photo"]["duplicate"] is True
    assert Photo.objects.count() == 1


def test_a_wrong_offset_is_a_409_that_says_where_to_continue(owner):
    tus = Tus(owner)
    data = jpeg_bytes(400, 300)
    url = tus.create(len(data))["Location"]
    assert tus.patch(url, data[:500], 0).status_code == 204
    wrong = tus.patch(url, data[:500], 0)  # the client lost the answer and sends it again
    assert wrong.status_code == 409 and wrong.json()["code"] == "offset_mismatch"
    assert "stands at byte 500" in wrong.json()["detail"]
    assert tus.head(url)["Upload-Offset"] == "500"
    too_long = tus.patch(url, data[500:] + b"x", 500)
    assert too_long.status_code == 413 and too_long.json()["code"] == "past_upload_length"
    assert tus.patch(url, data[500:], 500).status_code == 204
    assert Photo.objects.count() == 1


def test_the_protocol_is_checked_before_anything_is_kept(owner):
    tus = Tus(owner)
    bare = tus.client.post("/api/uploads/", **tus.headers, HTTP_UPLOAD_LENGTH="10")
    assert bare.status_code == 412 and bare["Tus-Version"] == "1.0.0"
    for bad in ("", "-1", "ten", "1e3", "٣"):
        answer = tus.client.post("/api/uploads/", **tus.headers, **TUS, HTTP_UPLOAD_LENGTH=bad)
        assert answer.status_code == 400, bad
    bad_metadata = tus.client.post(
        "/api/uploads/", **tus.headers, **TUS, HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA="a %%%"
    )
    assert bad_metadata.status_code == 400 and bad_metadata.json()["code"] == "invalid_metadata"
    assert tus.create(0).status_code == 422
    url = tus.create(10)["Location"]
    assert tus.patch(url, b"x" * 10, 0, content_type="application/json").status_code == 415
    assert not Photo.objects.exists()


def test_limits_and_quota_are_checked_when_the_upload_is_announced(owner, settings):
    settings.PIKOSHI_MAX_VIDEO_BYTES = settings.PIKOSHI_MAX_UPLOAD_BYTES = 1000
    tus = Tus(owner)
    assert tus.create(1001).json()["code"] == "file_too_large"
    settings.PIKOSHI_MAX_VIDEO_BYTES = 10**9
    owner.storage_quota_bytes = 5000
    owner.save()
    over = tus.create(6000)
    assert over.status_code == 413 and over.json()["code"] == "quota_exceeded"
    assert not Upload.objects.exists()


def test_a_refused_file_answers_the_refusal_on_the_last_part_and_leaves_nothing(owner, media_root):
    tus = Tus(owner)
    url, answer = tus.send(imagegen.pdf() * 20)
    assert answer.status_code == 415, answer.content
    assert answer.json()["code"] == "unsupported_type"
    state = tus.get(url).json()
    assert state["status"] == "refused" and state["error"]["code"] == "unsupported_type"
    assert not Photo.objects.exists() and stored_files(media_root) == []
    assert list(upload_services.upload_dir().iterdir()) == []
    over = tus.patch(url, b"x", state["length"])
    assert over.status_code == 409 and over.json()["code"] == "upload_finished"


def test_a_video_sent_in_parts_becomes_a_playable_item(owner, django_capture_on_commit_callbacks):
    tus = Tus(owner)
    data = videogen.clip("mov", seconds=1.5)
    with django_capture_on_commit_callbacks(execute=True):
        url, answer = tus.send(data, part=4096, filename="IMG_0042.MOV")
    assert answer.status_code == 204, answer.content
    video = Photo.objects.get()
    assert video.kind == Photo.Kind.VIDEO and video.is_ready, video.failure_reason
    assert video.original.open("rb").read() == data and video.video


def test_nobody_else_can_see_continue_or_cancel_an_upload(owner, stranger):
    tus = Tus(owner)
    data = jpeg_bytes(300, 200)
    url = tus.create(len(data))["Location"]
    assert tus.patch(url, data[:100], 0).status_code == 204
    other = Tus(stranger)
    assert other.head(url).status_code == 404
    assert other.get(url).status_code == 404
    assert other.patch(url, data[100:], 100).status_code == 404
    assert other.delete(url).status_code == 404
    anonymous = Tus()
    assert anonymous.head(url).status_code == 401
    assert anonymous.patch(url, data[100:], 100).status_code == 401
    assert tus.head(url)["Upload-Offset"] == "100"  # untouched

    # Cookie sign-in needs the CSRF token, as everywhere in the API.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    no_token = browser.generic(
        "PATCH", url, data[100:], content_type=PART, **TUS, HTTP_UPLOAD_OFFSET="100"
    )
    assert no_token.status_code == 403
    assert tus.head(url)["Upload-Offset"] == "100"


def test_cancelling_forgets_the_upload_and_its_bytes(owner):
    tus = Tus(owner)
    url = tus.create(5000)["Location"]
    assert tus.patch(url, b"x" * 100, 0).status_code == 204
    assert tus.delete(url).status_code == 204
    assert tus.head(url).status_code == 404
    assert not Upload.objects.exists()
    assert list(upload_services.upload_dir().iterdir()) == []


def test_expired_uploads_are_404_and_purged_with_their_parts(owner, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    tus = Tus(owner)
    url = tus.create(5000)["Location"]
    assert tus.patch(url, b"x" * 100, 0).status_code == 204
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tus.head(url).status_code == 404
    orphan = upload_services.upload_dir() / "0b0e5f3e-0000-4000-8000-000000000000.part"
    orphan.write_bytes(b"left by a deleted account")
    old = (timezone.now() - timedelta(hours=settings.PIKOSHI_UPLOAD_HOURS + 1)).timestamp()
    import os

    os.utime(orphan, (old, old))
    call_command("purge_uploads")
    assert not Upload.objects.exists()
    assert list(upload_services.upload_dir().iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_one_part_at_a_time_a_second_at_once_is_told_to_wait(owner):
    """Two requests appending to one upload at once (a client retrying while its first
    request still runs): the second is told 423 and nothing is written twice."""
    from django.db import connection

    tus = Tus(owner)
    url = tus.create(5000)["Location"]
    upload = Upload.objects.get()
    started, release = threading.Event(), threading.Event()

    def slow_read(size: int) -> bytes:
        started.set()
        release.wait(5)
        return b"y" * size

    def append() -> None:
        try:
            upload_services.upload_append(
                user=owner, public_id=upload.public_id, offset=0, size=10, read=slow_read
            )
        finally:
            connection.close()

    worker = threading.Thread(target=append)
    worker.start()
    assert started.wait(5)
    busy = tus.patch(url, b"z" * 10, 0)
    release.set()
    worker.join(5)
    assert busy.status_code == 423 and busy.json()["code"] == "upload_busy"
    assert tus.head(url)["Upload-Offset"] == "10"


def test_too_many_unfinished_uploads_are_refused(owner):
    tus = Tus(owner)
    for _ in range(upload_services.MAX_OPEN):
        assert tus.create(100).status_code == 201
    refused = tus.create(100)
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_uploads"
