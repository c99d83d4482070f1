"""Hostile uploads: every bad file is refused with a 4xx and a sentence, through both the
upload page's way (POST /api/photos/ with the session cookie and the CSRF header, as its JS
sends it) and the apps' way (POST /api/photos/ with a real Bearer token). Files that are odd
but real images are accepted and stored correctly. Nothing ever answers 500, and nothing is
left behind: no row, no file.
"""

import functools
import io
import os
import secrets
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from accounts.api.tokens import token_pair_issue
from gallery.models import Photo
from gallery.tests import imagegen as g
from gallery.tests.factories import (
    media_root_fixture,  # noqa: F401
    page_upload,
    page_uploader_client,
)

pytestmark = pytest.mark.django_db

NOISE_BYTES = 60 * 1024 * 1024  # over the 50 MB limit


@dataclass(frozen=True)
class Case:
    """One upload: what to send and what must come back."""

    build: object  # () -> bytes
    name: str = "photo.jpg"
    content_type: str = "image/jpeg"
    status: int = 201
    code: str | None = None  # expected error code; None for accepted files
    mime: str | None = None  # expected stored type for accepted files


def rejected(build, status, code, name="photo.jpg", content_type="image/jpeg"):
    return Case(build, name=name, content_type=content_type, status=status, code=code)


def accepted(build, mime, name="photo.jpg", content_type="image/jpeg"):
    return Case(build, name=name, content_type=content_type, mime=mime)


UNSUPPORTED = (415, "unsupported_type")
CORRUPT = (422, "corrupt_image")
PIXELS = (413, "too_many_pixels")

CASES = {
    # Damaged or cut short
    "truncated_jpeg": rejected(g.truncated_jpeg, *CORRUPT),
    "jpeg_magic_only": rejected(g.jpeg_magic_only, *CORRUPT),
    "jpeg_zero_width": rejected(g.jpeg_zero_width, *CORRUPT),
    "png_bad_crc": rejected(g.png_bad_crc, *CORRUPT, name="a.png", content_type="image/png"),
    "png_truncated": rejected(g.png_truncated, *CORRUPT, name="a.png", content_type="image/png"),
    "png_text_bomb": rejected(g.png_text_bomb, *CORRUPT, name="a.png", content_type="image/png"),
    "png_signature_only": rejected(lambda: b"\x89PNG\r\n\x1a\n", *CORRUPT, name="a.png"),
    "gif_truncated": rejected(g.gif_truncated, *CORRUPT, name="a.gif"),
    "gif_php": rejected(g.gif_php, *CORRUPT, name="shell.php.gif"),
    "webp_truncated": rejected(g.webp_truncated, *CORRUPT, name="a.webp"),
    "heic_header_only": rejected(g.heic_header_only, *CORRUPT, name="a.heic"),
    "empty_file": rejected(lambda: b"", 422, "empty_file"),
    # Too many pixels, claimed by a tiny header
    "bomb_png": rejected(g.bomb_png, *PIXELS, name="bomb.png", content_type="image/png"),
    "jpeg_65535x65535": rejected(lambda: g.jpeg_with_header_size(65535, 65535), *PIXELS),
    "gif_65535x65535": rejected(lambda: g.gif_header_size(65535, 65535), *PIXELS, name="a.gif"),
    "webp_huge_canvas": rejected(g.webp_huge_canvas, *PIXELS, name="a.webp"),
    # Not an image we accept, whatever the name and the claimed type say
    "svg_with_script": rejected(g.svg, *UNSUPPORTED, name="a.svg", content_type="image/svg+xml"),
    "html_named_jpg": rejected(g.html_disguised_as_jpeg, *UNSUPPORTED),
    "html_then_jpeg": rejected(g.html_then_jpeg, *UNSUPPORTED),
    "pdf": rejected(g.pdf, *UNSUPPORTED, name="scan.pdf", content_type="application/pdf"),
    "tiff": rejected(g.tiff, *UNSUPPORTED, name="a.tif", content_type="image/tiff"),
    "bmp": rejected(g.bmp, *UNSUPPORTED, name="a.bmp", content_type="image/bmp"),
    "ico": rejected(g.ico, *UNSUPPORTED, name="favicon.ico", content_type="image/x-icon"),
    "avif": rejected(g.avif_header, *UNSUPPORTED, name="a.avif", content_type="image/avif"),
    "zip": rejected(g.zip_file, *UNSUPPORTED, name="photos.zip", content_type="application/zip"),
    "text": rejected(g.text, *UNSUPPORTED, name="notes.txt", content_type="text/plain"),
    "exe_named_jpg": rejected(g.exe, *UNSUPPORTED),
    "random_noise": rejected(g.noise, *UNSUPPORTED),
    # Odd but real images: stored, with the type sniffed from the bytes
    "cmyk_jpeg": accepted(g.cmyk_jpeg, "image/jpeg"),
    "png_16bit_grey": accepted(lambda: g.png(mode="I;16"), "image/png", name="a.png"),
    "png_16bit_rgb": accepted(g.png_16bit_rgb, "image/png", name="a.png"),
    "strip_30000x1": accepted(lambda: g.png((30000, 1)), "image/png", name="strip.png"),
    "jpeg_trailing_garbage": accepted(g.jpeg_trailing_garbage, "image/jpeg"),
    "jpeg_polyglot_html": accepted(g.jpeg_polyglot_html, "image/jpeg", name="page.html"),
    "jpeg_huge_exif": accepted(g.jpeg_huge_exif, "image/jpeg"),
    "jpeg_bogus_exif": accepted(g.jpeg_bogus_exif, "image/jpeg"),
    "jpeg_zero_date": accepted(g.jpeg_ancient_date, "image/jpeg"),
    "gif_1000_frames": accepted(g.many_frames_gif, "image/gif", name="a.gif"),
    "png_claimed_as_jpeg": accepted(lambda: g.png((20, 10)), "image/png"),
    "name_with_path": accepted(lambda: g.jpeg((20, 12)), "image/jpeg", name="../../etc/passwd"),
    "name_with_markup": accepted(
        lambda: g.jpeg((22, 12)), "image/jpeg", name='<img src=x onerror="alert(1)">.jpg'
    ),
}

ENDPOINTS = ("page", "api")


@functools.cache
def _data(case: Case) -> bytes:
    """Each file is built once and sent to both endpoints."""
    return case.build()


@pytest.fixture
def html_client(owner):
    return page_uploader_client(owner)


@pytest.fixture
def api_client(owner):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=owner).access}")


def _upload(endpoint, html_client, api_client, data: bytes, name: str, content_type: str):
    file = io.BytesIO(data)
    file.name = name
    file.content_type = content_type
    if endpoint == "page":
        return page_upload(html_client, file)
    return api_client.post(reverse("api_photo_list"), {"file": file})


def walk_files(root) -> list[str]:
    """Every file under MEDIA_ROOT, found with os.walk (what a backup would copy)."""
    found = []
    for folder, _dirs, files in os.walk(root):
        found += [os.path.relpath(os.path.join(folder, f), root) for f in files]
    return sorted(found)


def assert_clear_refusal(response, status, code):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    detail = body["detail"]
    assert isinstance(detail, str) and len(detail) > 15 and detail.endswith(".")
    assert "Traceback" not in detail and "Error" not in detail


def assert_stored_correctly(response, case, media_root, client):
    assert response.status_code == 201, response.content[:300]
    [photo] = Photo.objects.all()
    assert photo.mime_type == case.mime
    referenced = sorted(
        [photo.original.name] + [photo.variant_file(v).name for v in ("thumb", "mobile", "display")]
    )
    assert walk_files(media_root) == referenced
    assert photo.original.size == len(_data(case))
    for variant in ("thumb", "mobile", "display"):
        assert getattr(photo, f"{variant}_width") >= 1 and getattr(photo, f"{variant}_height") >= 1
    # Never served as anything a browser would render as a page.
    thumb = client.get(_media_path(photo, "thumb", photo.owner))
    original = client.get(_media_path(photo, "original", photo.owner))
    assert thumb["Content-Type"] == "image/webp"
    assert original["Content-Type"] == case.mime
    assert original["X-Content-Type-Options"] == "nosniff"
    assert original["Content-Disposition"].startswith("attachment")
    assert "<" not in original["Content-Disposition"]
    assert "/" not in photo.original_name


def _media_path(photo, variant, user):
    from gallery.media import media_url

    return media_url(photo=photo, variant=variant, user=user)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("case_id", list(CASES))
def test_hostile_upload(endpoint, case_id, html_client, api_client, media_root):
    case = CASES[case_id]
    data = _data(case)
    response = _upload(endpoint, html_client, api_client, data, case.name, case.content_type)
    if case.code is None:
        assert_stored_correctly(response, case, media_root, html_client)
    else:
        assert_clear_refusal(response, case.status, case.code)
        assert Photo.objects.count() == 0
        assert walk_files(media_root) == []


def test_the_corpus_is_large_and_mixed():
    refused = [c for c in CASES.values() if c.code]
    assert len(CASES) >= 30 and len(refused) >= 25
    assert {c.status for c in refused} == {413, 415, 422}


# --- 60 MB of noise, streamed -------------------------------------------------------------------


class _ChainedStream:
    """A wsgi.input that reads a prefix, a file on disk, then a suffix: no 60 MB copies."""

    def __init__(self, prefix: bytes, path, suffix: bytes):
        self._parts = [io.BytesIO(prefix), open(path, "rb"), io.BytesIO(suffix)]  # noqa: SIM115

    def read(self, size=-1):
        out = b""
        while self._parts and (size < 0 or len(out) < size):
            chunk = self._parts[0].read(-1 if size < 0 else size - len(out))
            if chunk:
                out += chunk
            else:
                self._parts.pop(0).close()
        return out

    def readline(self, size=-1):  # pragma: no cover - Django's parser only calls read()
        return self.read(size)


@pytest.fixture(scope="module")
def noise_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("noise") / "noise.jpg"
    with open(path, "wb") as out:
        out.write(b"\xff\xd8\xff\xe0")  # starts like a JPEG, so only the size can refuse it
        for _ in range(NOISE_BYTES // (1024 * 1024)):
            out.write(os.urandom(1024 * 1024))
    return path


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_sixty_megabytes_of_noise_is_413(endpoint, html_client, api_client, media_root, noise_file):
    boundary = secrets.token_hex(16)
    prefix = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="huge.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    suffix = f"\r\n--{boundary}--\r\n".encode()
    client, path, extra = (
        (html_client, reverse("api_photo_list"), {"HTTP_ACCEPT": "application/json"})
        if endpoint == "page"
        else (api_client, reverse("api_photo_list"), {})
    )
    length = len(prefix) + os.path.getsize(noise_file) + len(suffix)
    response = client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=path,
        CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": _ChainedStream(prefix, noise_file, suffix)},
        **extra,
    )
    assert_clear_refusal(response, 413, "file_too_large")
    assert "50.0 MB" in response.json()["detail"]
    assert Photo.objects.count() == 0
    assert walk_files(media_root) == []
