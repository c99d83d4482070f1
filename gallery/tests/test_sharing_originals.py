"""Originals handed out through a link with downloads on: what the owner did not share
is gone from every format, HEIC and GIF included (issue 13, items 1 and 2)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from gallery.services import sharing as sharing_services
from gallery.services.photos import photo_upload
from gallery.tests import planted
from gallery.tests.factories import make_album

pytestmark = pytest.mark.django_db

DOWNLOAD = re.compile(r'href="([^"]+)"[^>]*download>Download original')


def upload(owner, data: bytes, name: str, content_type: str):
    album = make_album(owner)
    file = SimpleUploadedFile(name, data, content_type=content_type)
    return photo_upload(owner=owner, file=file, album=album).photo


def download_through_link(owner, photo, **switches) -> bytes:
    """What an anonymous visitor gets from "Download original" on the link's photo page."""
    created = sharing_services.share_link_create(
        user=owner, album=photo.album, allow_download=True, **switches
    )
    visitor = Client()
    page = visitor.get(reverse("share_link_photo", args=[created.token, photo.public_id]))
    assert page.status_code == 200
    found = DOWNLOAD.search(page.content.decode())
    assert found, "the link page offers no original"
    response = visitor.get(found.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_heic_original_through_a_link_carries_no_place_camera_or_xmp(owner):
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


def test_heic_original_with_only_the_camera_shared_still_loses_the_place(owner):
    photo = upload(owner, planted.heic(), "IMG_0002.HEIC", "image/heic")

    data = download_through_link(owner, photo, share_camera=True)

    assert planted.leaks(data, allowed=frozenset({"camera"})) == []
    exif = decoded(data).getexif()
    assert exif[0x010F] == planted.MAKE and exif[0x0110] == planted.MODEL
    assert dict(exif.get_ifd(0x8825)) == {}


def test_gif_original_through_a_link_loses_its_xmp_and_comments(owner):
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
