"""Originals handed out through a link with downloads on: what the owner did not share
is gone from every format, HEIC and GIF included (issue 13, items 1 and 2)."""

import io
import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django import db
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import User
from gallery import media
from gallery.imaging import strip
from gallery.models import Photo, SharedOriginal
from gallery.services import photos as photo_services
from gallery.services import sharing as sharing_services
from gallery.services.photos import photo_upload
from gallery.services.upkeep import media_prune
from gallery.tests import imagegen, planted
from gallery.tests.factories import (  # noqa: F401
    album_of,
    make_album,
    make_link,
    media_root_fixture,
    stored_files,
)

pytestmark = pytest.mark.django_db

JPEG = "image/jpeg"
DOWNLOAD = re.compile(r'href="([^"]+)"[^>]*download>Download original')


def upload(owner: User, data: bytes, name: str, content_type: str) -> Photo:
    album = make_album(owner)
    file = SimpleUploadedFile(name, data, content_type=content_type)
    return photo_upload(owner=owner, file=file, album=album).photo


def fetch(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def download_through_link(owner: User, photo: Photo, **switches: bool) -> bytes:
    """What an anonymous visitor gets from "Download original" on the link's photo page."""
    created = make_link(owner, album_of(photo), allow_download=True, **switches)
    visitor = Client()
    page = visitor.get(reverse("share_link_photo", args=[created.token, photo.public_id]))
    assert page.status_code == 200
    found = DOWNLOAD.search(page.content.decode())
    assert found, "the link page offers no original"
    return fetch(visitor, found.group(1).replace("&amp;", "&"))


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_heic_original_through_a_link_carries_no_place_camera_or_xmp(owner: User) -> None:
    photo = upload(owner, planted.heic(), "IMG_0001.HEIC", "image/heic")
    assert photo.latitude is not None and photo.camera_make == planted.MAKE

    data = download_through_link(owner, photo)

    assert planted.leaks(data) == []
    image = decoded(data)
    assert image.size == (64, 48)
    exif = image.getexif()
    assert dict(exif.get_ifd(0x8825)) == {}
    assert 0x010F not in exif and 0x0110 not in exif
    assert not image.info.get("xmp")


def test_heic_original_with_only_the_camera_shared_still_loses_the_place(owner: User) -> None:
    photo = upload(owner, planted.heic(), "IMG_0002.HEIC", "image/heic")

    data = download_through_link(owner, photo, share_camera=True)

    assert planted.leaks(data, allowed=frozenset({"camera"})) == []
    exif = decoded(data).getexif()
    assert exif[0x010F] == planted.MAKE and exif[0x0110] == planted.MODEL
    assert dict(exif.get_ifd(0x8825)) == {}


def test_gif_original_through_a_link_loses_its_xmp_and_comments(owner: User) -> None:
    source = planted.gif()
    photo = upload(owner, source, "loop.gif", "image/gif")

    data = download_through_link(owner, photo)

    assert planted.leaks(data) == []
    assert b"XMP DataXMP" not in data and b"PRIVATEAPP1" not in data
    image = decoded(data)
    assert image.size == (64, 48)
    assert "comment" not in image.info
    # Still the same animation: both frames, looping, with their timing.
    assert image.n_frames == 2 and image.info.get("loop") == 0
    assert image.info.get("duration") == 100
    original = Image.open(io.BytesIO(source))
    for frame in range(2):
        image.seek(frame)
        original.seek(frame)
        assert image.convert("RGB").tobytes() == original.convert("RGB").tobytes()


# --- shared originals are made once (issue 13, item 4) -------------------------------------


@pytest.fixture
def strip_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call of the real stripper, by mime type."""
    calls: list[str] = []
    real = strip.strip_metadata

    def counted(data: bytes, mime_type: str, **keep: bool) -> bytes:
        calls.append(mime_type)
        return real(data, mime_type, **keep)

    monkeypatch.setattr(strip, "strip_metadata", counted)
    return calls


def shared_copies(root: Path) -> list[str]:
    return [name for name in stored_files(root) if "/shared/" in name]


def test_second_download_of_a_shared_heic_is_not_stripped_again(
    owner: User, media_root: Path, strip_calls: list[str]
) -> None:
    photo = upload(owner, planted.heic(), "IMG_0004.HEIC", "image/heic")
    link = make_link(owner, album_of(photo), allow_download=True).link
    url = media.media_url(photo=photo, variant="original", link=link)

    first, second = fetch(Client(), url), fetch(Client(), url)

    assert strip_calls == ["image/heic"]
    assert first == second and planted.leaks(first) == []
    (copy,) = shared_copies(media_root)
    assert (media_root / copy).read_bytes() == first
    assert copy.startswith(f"variants/{owner.uuid}/{photo.public_id}/shared/")


def test_switching_the_policy_makes_another_copy(
    owner: User, media_root: Path, strip_calls: list[str]
) -> None:
    photo = upload(owner, planted.heic(), "IMG_0005.HEIC", "image/heic")
    created = make_link(owner, album_of(photo), allow_download=True)
    url = media.media_url(photo=photo, variant="original", link=created.link)
    hidden = fetch(Client(), url)

    sharing_services.share_link_update(user=owner, link=created.link, share_location=True)
    url = media.media_url(photo=photo, variant="original", link=created.link)
    shown = fetch(Client(), url)
    fetch(Client(), url)

    assert strip_calls == ["image/heic", "image/heic"]
    assert hidden != shown
    assert planted.leaks(hidden) == [] and planted.leaks(shown, allowed=frozenset({"gps"})) == []
    assert dict(decoded(shown).getexif().get_ifd(0x8825))[1] == "N"
    assert len(shared_copies(media_root)) == 2
    assert photo.shared_originals.count() == 2


def test_a_copy_made_by_an_older_stripper_is_made_again(
    owner: User, media_root: Path, strip_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = upload(owner, planted.jpeg(image=imagegen.marked(), orientation=1), "a.jpg", JPEG)
    link = make_link(owner, album_of(photo), allow_download=True).link
    fetch(Client(), media.media_url(photo=photo, variant="original", link=link))
    monkeypatch.setattr(strip, "VERSION", strip.VERSION + 1)
    fetch(Client(), media.media_url(photo=photo, variant="original", link=link))
    assert strip_calls == [JPEG, JPEG]
    assert sorted(photo.shared_originals.values_list("version", flat=True)) == [
        strip.VERSION - 1,
        strip.VERSION,
    ]


def _shared_photo(owner: User) -> Photo:
    photo = upload(owner, planted.heic(), "IMG_0006.HEIC", "image/heic")
    for location in (False, True):
        link = make_link(owner, album_of(photo), allow_download=True, share_location=location).link
        fetch(Client(), media.media_url(photo=photo, variant="original", link=link))
    assert photo.shared_originals.count() == 2
    return photo


def test_deleting_a_photo_for_good_deletes_its_shared_copies(
    owner: User, media_root: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    photo = _shared_photo(owner)
    assert len(shared_copies(media_root)) == 2
    photo_services.photo_trash(user=owner, photo=photo)
    with django_capture_on_commit_callbacks(execute=True):
        photo_services.photo_delete_forever(user=owner, photo=photo)
    assert stored_files(media_root) == []
    assert not SharedOriginal.objects.exists()


def test_the_trash_purge_deletes_shared_copies_too(
    owner: User, media_root: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    photo = _shared_photo(owner)
    photo_services.photo_trash(user=owner, photo=photo)
    with django_capture_on_commit_callbacks(execute=True):
        photo_services.trash_purge(older_than=timedelta(0))
    assert stored_files(media_root) == []


def test_prune_media_keeps_named_copies_and_removes_those_no_row_names(
    owner: User, media_root: Path
) -> None:
    photo = _shared_photo(owner)
    kept, dropped = photo.shared_originals.order_by("pk")
    SharedOriginal.objects.filter(pk=dropped.pk).delete()  # as a killed request leaves it

    report = media_prune(older_than=timedelta(0), dry_run=False)

    assert [f.name for f in report.removed] == [dropped.file.name]
    assert shared_copies(media_root) == [kept.file.name]
    assert report.missing == []


IS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.django_db(transaction=True)
def test_two_first_downloads_at_once_make_one_copy(
    owner: User, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = upload(owner, planted.heic(), "IMG_0007.HEIC", "image/heic")
    link = make_link(owner, album_of(photo), allow_download=True).link
    url = media.media_url(photo=photo, variant="original", link=link)
    calls: list[str] = []
    real = strip.strip_metadata
    both_started = threading.Barrier(2)

    def slow(data: bytes, mime_type: str, **keep: bool) -> bytes:
        calls.append(mime_type)
        time.sleep(0.5)  # a re-encode takes long: the other request arrives meanwhile
        return real(data, mime_type, **keep)

    monkeypatch.setattr(strip, "strip_metadata", slow)
    results: list[bytes] = []

    def download() -> None:
        try:
            both_started.wait(timeout=10)
            results.append(fetch(Client(), url))
        finally:
            db.connections.close_all()

    threads = [threading.Thread(target=download) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 2 and results[0] == results[1]
    assert len(shared_copies(media_root)) == 1 and photo.shared_originals.count() == 1
    if IS_POSTGRES:  # the row lock makes the second request wait for the first one's copy
        assert calls == ["image/heic"]
