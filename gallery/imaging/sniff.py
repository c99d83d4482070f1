"""What an upload is, decided from its bytes, and whether we can safely handle it.

The name and the claimed type are never trusted. Every refusal is an ImageRejected whose
message a person can act on; limits arrive as arguments.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from PIL import Image

from gallery.filesizes import format_size
from pikoshi.errors import Refused

# Every type _sniff can answer, with the extension its original is stored and downloaded as.
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/heic": ".heic",
    "image/heif": ".heif",
}
ACCEPTED_TYPES = frozenset(EXTENSIONS)
# Every type imaging.video.sniff_video can answer, with its original's extension.
VIDEO_EXTENSIONS = {
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/x-m4v": ".m4v",
    "video/3gpp": ".3gp",
    "video/webm": ".webm",
    "video/x-matroska": ".mkv",
}
VIDEO_DESCRIPTION = "MP4, MOV, M4V, 3GP, WebM or MKV"
ACCEPTED_DESCRIPTION = "JPEG, PNG, WebP, GIF or HEIC/HEIF"

# Pillow format names we hand each sniffed kind to, and what Pillow may call it back.
JPEG_FORMATS = frozenset({"JPEG", "MPO"})  # MPO = JPEG with extra frames (many phones)

_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})

# Everything a broken file can make Pillow or libheif raise while parsing or decoding.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, struct.error, EOFError, IndexError, TypeError)
_HEIF_ERRORS = (RuntimeError,)  # libheif reports some corrupt files this way


class ImageRejected(Refused):
    """Raised for any upload we refuse. str(exc) is a sentence a person can act on."""


def check_size(size: int, *, max_bytes: int) -> None:
    """Refuse empty and oversized uploads before anyone reads them."""
    if size <= 0:
        raise ImageRejected("The file is empty.", status=422, code="empty_file")
    if size > max_bytes:
        # In binary megabytes, as the limit is set: the default 50 MB limit reads "50.0 MB".
        actual = format_size(size, unit="MB", base=1024)
        limit = format_size(max_bytes, unit="MB", base=1024)
        raise ImageRejected(
            f"The file is too large ({actual}); the limit is {limit}.",
            status=413,
            code="file_too_large",
        )


@contextmanager
def opened(source: BinaryIO, max_pixels: int) -> Iterator[tuple[Image.Image, str]]:
    """(image, sniffed mime type) with the limits checked; the source is rewound after."""
    fp = _seekable(source)
    try:
        head = fp.read(64)
        fp.seek(0)
        if not head:
            raise ImageRejected("The file is empty.", status=422, code="empty_file")
        pillow_format, mime_type = _sniff(head)
        with _open(fp, pillow_format, max_pixels) as im:
            yield im, mime_type
    finally:
        try:
            fp.seek(0)
        except (OSError, ValueError):
            pass


def _seekable(source: BinaryIO) -> BinaryIO:
    try:
        if source.seekable():
            source.seek(0)
            return source
    except (AttributeError, OSError, ValueError):
        pass
    return io.BytesIO(source.read())


def _unsupported() -> ImageRejected:
    return ImageRejected(
        f"This file is not a supported image or video. Upload a {ACCEPTED_DESCRIPTION} "
        f"photo or an {VIDEO_DESCRIPTION} video.",
        status=415,
        code="unsupported_type",
    )


def _corrupt() -> ImageRejected:
    return ImageRejected(
        "This image is damaged or incomplete and cannot be read. Try exporting it again.",
        status=422,
        code="corrupt_image",
    )


def _too_many_pixels(size: tuple[int, int] | None, max_pixels: int) -> ImageRejected:
    limit = f"{max_pixels / 1_000_000:g} megapixels"
    if size:
        what = f"{size[0]}×{size[1]} pixels"
        message = f"This image is too large ({what}); the limit is {limit}."
    else:
        message = f"This image has too many pixels; the limit is {limit}."
    return ImageRejected(message + " Resize it and try again.", status=413, code="too_many_pixels")


def _sniff(head: bytes) -> tuple[str, str]:
    """Decide the kind from the leading bytes; the name and claimed type are never trusted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG", "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG", "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF", "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP", "image/webp"
    if head[4:8] == b"ftyp":
        major = head[8:12]
        if major in _HEIC_BRANDS:
            return "HEIF", "image/heic"
        if major in _HEIF_BRANDS:
            # mif1 is also the major brand of many AVIF files, which libheif here cannot
            # decode: only accept it when a HEVC brand is listed as compatible.
            box_end = min(int.from_bytes(head[0:4], "big"), len(head))
            compatible = {head[i : i + 4] for i in range(16, box_end - 3, 4)}
            if compatible & _HEIC_BRANDS:
                return "HEIF", "image/heif"
    raise _unsupported()


def _open(fp: BinaryIO, pillow_format: str, max_pixels: int) -> Image.Image:
    """Open lazily (header only) and enforce the pixel limit before anything is decoded.

    Pillow's own bomb check is a warning below twice its global limit; it is turned into an
    error here so it cannot slip through, and our own limit is checked right after, so even
    if another thread's catch_warnings() races with ours (the filter list is process-wide
    on Python 3.12) nothing above max_pixels is ever decoded.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(fp, formats=[pillow_format])
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        if max_pixels <= (Image.MAX_IMAGE_PIXELS or 0):
            raise _too_many_pixels(None, max_pixels) from None
        # Our limit is above Pillow's warning threshold: reopen without the warning, the
        # explicit size check below still runs before any decoding.
        fp.seek(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                im = Image.open(fp, formats=[pillow_format])
        except Image.DecompressionBombError:
            raise _too_many_pixels(None, max_pixels) from None
        except (*_DECODE_ERRORS, *_HEIF_ERRORS):
            raise _corrupt() from None
    except (*_DECODE_ERRORS, *_HEIF_ERRORS):
        # Right magic bytes, but Pillow cannot parse the header.
        raise _corrupt() from None

    # No im.close() on refusal: it would close the caller's file too.
    width, height = im.size
    if width <= 0 or height <= 0:
        raise _corrupt()
    if width * height > max_pixels:
        raise _too_many_pixels(im.size, max_pixels)
    expected = JPEG_FORMATS if pillow_format == "JPEG" else {pillow_format}
    if im.format not in expected:
        raise _unsupported()
    return im


def load(im: Image.Image, max_pixels: int) -> None:
    """Decode the pixels; truncated data is an error (LOAD_TRUNCATED_IMAGES stays False).

    The limit was checked on the header already; checking again afterwards covers decoders
    that only learn the real size while decoding (libheif may).
    """
    try:
        im.load()
    except Image.DecompressionBombError:
        raise _too_many_pixels(None, max_pixels) from None
    except (*_DECODE_ERRORS, *_HEIF_ERRORS):
        raise _corrupt() from None
    if im.width * im.height > max_pixels:
        raise _too_many_pixels(im.size, max_pixels)
