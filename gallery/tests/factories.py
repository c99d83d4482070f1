"""Test data for every gallery test: albums and photos built directly, and the one JPEG builder.

`make_photo` skips image processing so selector and pagination tests stay fast; tests of
`photo_upload` go through the real pipeline with `jpeg_upload`.
"""

import functools
import hashlib
import io
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gallery.models import Album, AlbumEntry, Photo

# Where jpeg_bytes(located=True) says it was taken: 59°54'50" N 10°45'8" E (Oslo).
GPS_LATITUDE = (59.0, 54.0, 50.0)
GPS_LONGITUDE = (10.0, 45.0, 8.0)
CAMERA_MAKE, CAMERA_MODEL = "Pixelmaker", "P7"


def seed_color(seed: int) -> tuple[int, int, int]:
    return ((seed * 37) % 256, (seed * 91) % 256, (seed * 13) % 256)


def jpeg_bytes(
    width: int = 64,
    height: int = 48,
    color=(200, 80, 40),
    *,
    taken: datetime | None = None,
    seed: int | None = None,
    located: bool = False,
    quality: int = 80,
) -> bytes:
    """A small real JPEG, the one builder every test uses.

    `taken` (naive) goes into EXIF DateTimeOriginal; `seed` makes bytes that differ per
    seed (uploads are then never duplicates); `located` plants the camera (Make/Model)
    and a GPS position, for tests that must find them stripped from what others get.
    """
    if seed is not None:
        color = seed_color(seed)
    image = Image.new("RGB", (width, height), color)
    if seed is not None:
        image.putpixel((seed % width, (seed // width) % height), (255 - seed % 256, 0, 0))
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    if located:
        exif[0x010F], exif[0x0110] = CAMERA_MAKE, CAMERA_MODEL
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "N", GPS_LATITUDE, "E", GPS_LONGITUDE
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def jpeg_with_gps_bytes() -> bytes:
    """A small JPEG that says where and with what it was taken."""
    return jpeg_bytes(color=(20, 140, 90), located=True, quality=75)


def jpeg_upload(
    name: str = "holiday.jpg", data: bytes | None = None, **kwargs
) -> SimpleUploadedFile:
    """A JPEG (built, or the `data` given) as the upload handlers hand it to a view."""
    return SimpleUploadedFile(name, data or jpeg_bytes(**kwargs), content_type="image/jpeg")


def page_uploader_client(user, **options: Any) -> Client:
    """A signed-in browser as the upload page's JS is one: session cookie, CSRF checked,
    and the token read from the page sent back in X-CSRFToken."""
    client = Client(enforce_csrf_checks=True, **options)
    client.force_login(user)
    page = client.get(reverse("upload")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "the upload page carries no CSRF token"
    client.defaults["HTTP_X_CSRFTOKEN"] = token.group(1)
    return client


def page_upload(client: Client, file, album: Album | None = None) -> HttpResponse:
    """One file posted the way the upload page's JS posts it."""
    data = {"file": file}
    if album is not None:
        data["album"] = str(album.public_id)
    return client.post(reverse("api_photo_list"), data, headers={"accept": "application/json"})


@functools.cache
def _webp(size: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (30, 120, 200)).save(out, "WEBP")
    return out.getvalue()


def make_album(owner, *, title: str = "Holidays", **fields) -> Album:
    return Album.objects.create(owner=owner, title=title, **fields)


def make_photo(
    owner,
    *,
    album: Album | None = None,
    taken_at: datetime | None = None,
    deleted_at: datetime | None = None,
    title: str = "",
    original: bytes | None = None,
) -> Photo:
    """A photo row with real files in storage (a JPEG original and WebP variants), in the
    owner's library and, when given, in `album` (an entry added by the photo's owner)."""
    from django.core.files.storage import default_storage

    original = original or jpeg_bytes(color=tuple(secrets.randbelow(256) for _ in range(3)))
    photo = Photo(
        owner=owner,
        title=title,
        original_name="IMG_0001.jpg",
        sha256=hashlib.sha256(original + secrets.token_bytes(8)).hexdigest(),
        mime_type="image/jpeg",
        bytes=len(original),
        width=64,
        height=48,
        taken_at=taken_at or timezone.now(),
        deleted_at=deleted_at,
    )
    photo.original.save("x.jpg", ContentFile(original), save=False)
    for name, size in (("thumb", 8), ("mobile", 12), ("display", 16)):
        stored = default_storage.save(
            f"variants/{owner.uuid}/{photo.public_id}/{name}-{secrets.token_urlsafe(12)}.webp",
            ContentFile(_webp(size)),
        )
        setattr(photo, name, stored)
        setattr(photo, f"{name}_width", size)
        setattr(photo, f"{name}_height", size)
    photo.save()
    if album is not None:
        AlbumEntry.objects.create(album=album, photo=photo, added_by=owner)
    return photo


def make_photos(owner, count: int, *, album: Album | None = None, start=None) -> list[Photo]:
    """`count` photos taken one minute apart, newest first in the returned list."""
    start = start or timezone.now()
    photos = [
        make_photo(owner, album=album, taken_at=start - timedelta(minutes=i)) for i in range(count)
    ]
    return photos


@pytest.fixture(name="media_root")
def media_root_fixture(settings, tmp_path):
    """A fresh, empty storage folder for one test, so it can check exactly which files exist."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


# Test modules import `media_root_fixture` to make the `media_root` fixture available.


def stored_files(root) -> list[str]:
    """Every file under `root`, as sorted relative paths."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def make_link(owner, album: Album, **fields):
    """A live share link of `album` (the default expiry unless `expires_at` is given);
    returns share_link_create's result, whose `.token` is shown only once."""
    from gallery.services import sharing as sharing_services

    fields.setdefault("expires_at", sharing_services.share_link_default_expiry())
    return sharing_services.share_link_create(user=owner, album=album, **fields)


def album_of(photo: Photo) -> Album:
    """The album `photo` is in (its first); for a photo in its owner's library only, a new
    album of the owner that holds it, for tests that share a photo through an album."""
    album = photo.albums.order_by("pk").first()
    if album is None:
        album = make_album(photo.owner, title="Shared")
        AlbumEntry.objects.create(album=album, photo=photo, added_by=photo.owner)
    return album


def connect(a, b, circle=None) -> None:
    """Both sides of a connection between `a` and `b`, each filing the other under `circle`."""
    from gallery.models import Circle, Connection

    circle = circle or Circle.FRIEND
    Connection.objects.create(user=a, contact=b, circle=circle)
    Connection.objects.create(user=b, contact=a, circle=circle)
