"""Pure image work: sniff an upload, refuse what we cannot safely handle, render WebP variants.

Nothing here touches Django settings, the database or storage, so the benchmark and any
worker can call it directly; limits arrive as arguments.

Speed matters because every upload pays for it on a 2-core machine. The pipeline decodes
the original once (JPEG at the smallest DCT scale that still covers the display variant),
resizes in a chain display -> mobile -> thumb, converts colour on the display-sized image
only, and rotates the small results rather than the big source.
"""

from __future__ import annotations

import functools
import io
import math
import re
import struct
import warnings
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import BinaryIO

import pillow_heif
from PIL import ExifTags, Image, ImageCms

# HEIC/HEIF through libheif. Registered once, at import. Embedded thumbnails are of no use
# to us (we render our own) and would only cost parsing.
pillow_heif.register_heif_opener(thumbnails=False)

VARIANT_SIZES = {"thumb": (300, 200), "mobile": (480, 320), "display": (1600, 1600)}

# WebP settings. Encoding the 1600 px display variant is most of the per-upload cost.
# `method` trades encoder effort for size: on a 12 MP photo method 2 costs ~40 % of
# method 4's CPU for files ~3 % larger; 0-1 are barely faster and ~20 % larger
# (benchmarks/variants.py measures it).
WEBP_QUALITY = 80
WEBP_METHOD = 2

# The display step is the one big resize. From a draft-decoded JPEG it is a small step
# (1-2x): Hamming costs half of Lanczos there and stays within ~0.15 dB PSNR of a
# full-resolution Lanczos reference after WebP encoding. From a full-size decode (PNG,
# HEIC...) a box reduction by the integer part of the ratio first, then Lanczos, costs
# the same as Hamming alone and stays within ~0.05 dB. The small variants keep Lanczos,
# after a cheap 2x box reduction when the ratio allows it.
_SMALL_FILTER = Image.Resampling.LANCZOS
_SMALL_REDUCING_GAP = 1.5

ACCEPTED_DESCRIPTION = "JPEG, PNG, WebP, GIF or HEIC/HEIF"

# Pillow format names we hand each sniffed kind to, and what Pillow may call it back.
_JPEG_FORMATS = frozenset({"JPEG", "MPO"})  # MPO = JPEG with extra frames (many phones)

_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})

# Orientation tag value -> transpose that makes the stored pixels upright.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_AXES = frozenset({5, 6, 7, 8})

# Everything a broken file can make Pillow or libheif raise while parsing or decoding.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, struct.error, EOFError, IndexError, TypeError)
_HEIF_ERRORS = (RuntimeError,)  # libheif reports some corrupt files this way

_TEXT_MAX = 100


class ImageRejected(Exception):
    """Raised for any upload we refuse. str(exc) is a sentence a person can act on."""

    status: int
    code: str

    def __init__(self, message: str, *, status: int, code: str):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class RenderedVariant:
    name: str
    data: bytes  # WebP, no metadata at all
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    mime_type: str
    width: int  # after EXIF orientation
    height: int
    taken_at: datetime | None
    camera_make: str
    camera_model: str
    latitude: float | None
    longitude: float | None
    variants: dict[str, RenderedVariant]


def check_size(size: int, *, max_bytes: int) -> None:
    """Refuse empty and oversized uploads before anyone reads them."""
    if size <= 0:
        raise ImageRejected("The file is empty.", status=422, code="empty_file")
    if size > max_bytes:
        raise ImageRejected(
            f"The file is too large ({_megabytes(size)}); the limit is {_megabytes(max_bytes)}.",
            status=413,
            code="file_too_large",
        )


def process_image(source: BinaryIO, *, max_pixels: int) -> ProcessedImage:
    """Sniff, check pixel limit from the header, decode once, render the 3 WebP variants.

    The source is rewound afterwards so the caller can store the original.
    """
    with _opened(source, max_pixels) as (im, mime_type):
        return _process(im, mime_type, max_pixels)


def inspect_image(source: BinaryIO, *, max_pixels: int) -> ProcessedImage:
    """What an upload needs when a worker renders later: type, size, date, camera, place.

    The same sniffing, pixel limit and EXIF reading as process_image, from the header only
    (PNG keeps eXIf after the pixels, so it is decoded); `variants` is empty.
    """
    with _opened(source, max_pixels) as (im, mime_type):
        if im.format not in _JPEG_FORMATS:
            _load(im, max_pixels)
        return _described(im.size, _read_exif(im), mime_type, variants={})


@contextmanager
def _opened(source: BinaryIO, max_pixels: int):
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


def _described(
    stored_size: tuple[int, int], exif: Image.Exif, mime_type: str, variants: dict
) -> ProcessedImage:
    """The upright size and the metadata the owner sees, from the stored size and EXIF."""
    width, height = stored_size
    if _orientation(exif) in _SWAPS_AXES:
        width, height = height, width
    latitude, longitude = _gps(exif)
    return ProcessedImage(
        mime_type=mime_type,
        width=width,
        height=height,
        taken_at=_taken_at(exif),
        camera_make=_exif_text(exif.get(ExifTags.Base.Make)),
        camera_model=_exif_text(exif.get(ExifTags.Base.Model)),
        latitude=latitude,
        longitude=longitude,
        variants=variants,
    )


# --- sniffing and opening -------------------------------------------------------------------


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
        f"This file is not a supported image. Upload a {ACCEPTED_DESCRIPTION} photo.",
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
    expected = _JPEG_FORMATS if pillow_format == "JPEG" else {pillow_format}
    if im.format not in expected:
        raise _unsupported()
    return im


def _load(im: Image.Image, max_pixels: int) -> None:
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


# --- the pipeline ---------------------------------------------------------------------------


def _process(im: Image.Image, mime_type: str, max_pixels: int) -> ProcessedImage:
    draftable = im.format in _JPEG_FORMATS
    if not draftable:
        # Some formats (PNG's eXIf after the pixels) only reveal metadata once decoded.
        _load(im, max_pixels)
    exif = _read_exif(im)
    orientation = _orientation(exif)

    stored_w, stored_h = im.size
    swap = orientation in _SWAPS_AXES
    width, height = (stored_h, stored_w) if swap else (stored_w, stored_h)
    # Target boxes are computed in the upright frame, then mapped back to the stored frame
    # so we resize before rotating.
    targets = {name: _fit((width, height), box) for name, box in VARIANT_SIZES.items()}
    stored_targets = {name: ((h, w) if swap else (w, h)) for name, (w, h) in targets.items()}

    if draftable:
        # DCT-domain downscaling: decode at 1/2, 1/4 or 1/8 while still covering display.
        im.draft(im.mode, stored_targets["display"])
        _load(im, max_pixels)

    icc_profile = im.info.get("icc_profile") or None
    base = _workable_mode(im)

    display = _resize_display(base, stored_targets["display"])
    display = _to_srgb(display, icc_profile)
    display = _drop_opaque_alpha(display)
    mobile = _resize(display, stored_targets["mobile"], _SMALL_FILTER, _SMALL_REDUCING_GAP)
    thumb = _resize(mobile, stored_targets["thumb"], _SMALL_FILTER, _SMALL_REDUCING_GAP)

    method = _TRANSPOSE.get(orientation)
    variants = {}
    for name, img in (("display", display), ("mobile", mobile), ("thumb", thumb)):
        if method is not None:
            img = img.transpose(method)
        variants[name] = _encode(name, img)

    return _described(
        (stored_w, stored_h),
        exif,
        mime_type,
        variants={name: variants[name] for name in VARIANT_SIZES},
    )


def _fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """Largest size with the same aspect ratio inside box; never larger than the original."""
    w, h = size
    box_w, box_h = box
    if w <= box_w and h <= box_h:
        return w, h
    if w * box_h >= h * box_w:  # width is the limiting side
        return box_w, max(1, min(box_h, round(h * box_w / w)))
    return max(1, min(box_w, round(w * box_h / h))), box_h


def _resize_display(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    if im.width >= 2 * size[0] and im.height >= 2 * size[1]:
        return _resize(im, size, Image.Resampling.LANCZOS, 1.0)
    return _resize(im, size, Image.Resampling.HAMMING, None)


def _resize(im: Image.Image, size: tuple[int, int], resample, reducing_gap) -> Image.Image:
    if im.size == size:
        return im
    return im.resize(size, resample, reducing_gap=reducing_gap)


def _workable_mode(im: Image.Image) -> Image.Image:
    """Bring any decoded mode to L, RGB, RGBA or CMYK (CMYK waits for its colour transform)."""
    mode = im.mode
    if mode in ("RGB", "RGBA", "L", "CMYK"):
        return im
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        return _sixteen_bit_to_l(im)
    if mode == "F":
        return im.point(lambda v: v * 255).convert("L")
    if mode == "1":
        return im.convert("L")
    if mode in ("LA", "La", "PA", "RGBa"):
        return im.convert("RGBA")
    if mode == "P":
        return im.convert("RGBA" if im.has_transparency_data else "RGB")
    return im.convert("RGBA" if im.has_transparency_data else "RGB")


def _sixteen_bit_to_l(im: Image.Image) -> Image.Image:
    """Scale 16-bit grey to 8 bits; Pillow's plain convert("L") would clip at 255."""
    as_int = im if im.mode == "I" else im.convert("I")
    low, high = as_int.getextrema()
    if im.mode == "I" and high <= 255 and low >= 0:
        return as_int.convert("L")
    return as_int.point(lambda v: v * (1 / 257)).convert("L")


def _drop_opaque_alpha(im: Image.Image) -> Image.Image:
    """A fully opaque alpha channel only costs bytes in the WebP."""
    if im.mode == "RGBA" and im.getextrema()[3][0] == 255:
        return im.convert("RGB")
    return im


def _to_srgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert to sRGB so the metadata-free variants look right everywhere."""
    transform = _srgb_transform(icc_profile, im.mode) if icc_profile else None
    if transform is not None:
        try:
            return ImageCms.applyTransform(im, transform)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # fall through to the plain conversion
    if im.mode == "CMYK":
        return im.convert("RGB")
    return im


@functools.lru_cache(maxsize=32)
def _srgb_transform(icc_profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """Transform from the embedded profile to sRGB; None when already sRGB or unusable.

    Cached per profile (phones embed the same few); NOCACHE keeps a shared transform
    safe to use from several threads.
    """
    if mode not in ("RGB", "RGBA", "L", "CMYK"):
        return None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        description = ImageCms.getProfileDescription(source) or ""
        if mode in ("RGB", "RGBA") and "srgb" in description.lower():
            return None
        out_mode = "RGBA" if mode == "RGBA" else "RGB"
        return ImageCms.buildTransform(
            source,
            _SRGB_PROFILE,
            mode,
            out_mode,
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
            flags=ImageCms.Flags.NOCACHE,
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


_SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _encode(name: str, im: Image.Image) -> RenderedVariant:
    if im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGB")
    im.info = {}  # never let any source metadata ride along
    buffer = io.BytesIO()
    im.save(
        buffer,
        format="WEBP",
        quality=WEBP_QUALITY,
        method=WEBP_METHOD,
        exif=b"",
        icc_profile=None,
        xmp=b"",
    )
    return RenderedVariant(name=name, data=buffer.getvalue(), width=im.width, height=im.height)


# --- metadata -------------------------------------------------------------------------------

_DATETIME_RE = re.compile(r"^\s*(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET_RE = re.compile(r"^\s*([+-])(\d{2}):?(\d{2})\s*$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def _read_exif(im: Image.Image) -> Image.Exif:
    try:
        return im.getexif()
    except Exception:  # noqa: BLE001 - broken EXIF must never sink an upload
        return Image.Exif()


def _sub_ifd(exif: Image.Exif, tag: int) -> dict:
    try:
        return exif.get_ifd(tag) or {}
    except Exception:  # noqa: BLE001
        return {}


def _orientation(exif: Image.Exif) -> int:
    try:
        value = int(exif.get(ExifTags.Base.Orientation, 1))
    except (TypeError, ValueError):
        return 1
    return value if value in _TRANSPOSE else 1


def _exif_text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return ""
    return _CONTROL_RE.sub("", value).strip()[:_TEXT_MAX].strip()


def _taken_at(exif: Image.Exif) -> datetime | None:
    """DateTimeOriginal, aware when OffsetTimeOriginal says where; None when absent or bogus."""
    try:
        ifd = _sub_ifd(exif, ExifTags.IFD.Exif)
        match = _DATETIME_RE.match(_exif_text(ifd.get(ExifTags.Base.DateTimeOriginal)))
        if not match:
            return None
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        # Year 9999 is refused too: a time zone can push it past datetime.max in UTC, and
        # such a date cannot be stored (SQLite) or read back (PostgreSQL).
        if year < 1800 or year > 9998:
            return None
        taken = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001
        subsec = _exif_text(ifd.get(ExifTags.Base.SubsecTimeOriginal))
        if subsec.isdigit():
            taken = taken.replace(microsecond=int(subsec[:6].ljust(6, "0")))
        offset = _OFFSET_RE.match(_exif_text(ifd.get(ExifTags.Base.OffsetTimeOriginal)))
        if offset:
            sign, hours, minutes = offset.groups()
            delta = timedelta(hours=int(hours), minutes=int(minutes))
            if delta <= timedelta(hours=14) and int(minutes) < 60:
                taken = taken.replace(tzinfo=timezone(-delta if sign == "-" else delta))
        return taken
    except Exception:  # noqa: BLE001 - a bogus date is simply no date
        return None


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    try:
        gps = _sub_ifd(exif, ExifTags.IFD.GPSInfo)
        latitude = _coordinate(
            gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S", 90
        )
        longitude = _coordinate(
            gps.get(ExifTags.GPS.GPSLongitude),
            gps.get(ExifTags.GPS.GPSLongitudeRef),
            "E",
            "W",
            180,
        )
    except Exception:  # noqa: BLE001
        return None, None
    if latitude is None or longitude is None:
        return None, None
    if latitude == 0 and longitude == 0:
        return None, None  # "null island": a camera without a fix, not a place
    return latitude, longitude


def _coordinate(value: object, ref: object, positive: str, negative: str, limit: float):
    hemisphere = _exif_text(ref).upper()[:1]
    if hemisphere not in (positive, negative):
        return None
    if not isinstance(value, tuple | list) or not 1 <= len(value) <= 3:
        return None
    parts = [float(part) for part in value]
    if any(not math.isfinite(part) or part < 0 for part in parts):
        return None
    parts += [0.0] * (3 - len(parts))
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600
    if degrees > limit:
        return None
    return round(-degrees if hemisphere == negative else degrees, 7)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# --- Metadata stripping for originals served through shares --------------------------------
#
# Strip location and camera metadata from an original without re-encoding where possible.
# Kept always: the orientation (or the picture would turn sideways) and the capture date
# (shared with everyone anyway). Camera and GPS tags survive only when asked for. XMP,
# IPTC, comments, maker notes and embedded thumbnails are dropped: they can repeat the
# location in forms too varied to filter safely.

_META_ORIENTATION = 0x0112
_META_MAKE, _META_MODEL = 0x010F, 0x0110
_META_DATETIME = 0x0132
_META_EXIF_IFD, _META_GPS_IFD = 0x8769, 0x8825
# Exif sub-IFD tags that are safe to keep: dates and their offsets.
_META_DATE_TAGS = frozenset({0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9290, 0x9291, 0x9292})
# Exif sub-IFD tags that describe the camera and lens, kept only with keep_camera.
_META_CAMERA_TAGS = frozenset(
    {
        0x829A, 0x829D, 0x8822, 0x8827, 0x9201, 0x9202, 0x9204, 0x9205, 0x9207, 0x9208,
        0x9209, 0x920A, 0xA402, 0xA403, 0xA404, 0xA405, 0xA406, 0xA433, 0xA434,
    }
)  # fmt: skip


class MetadataError(ValueError):
    """The file could not be parsed well enough to strip it safely."""


def _meta_filtered_exif(raw: bytes | None, *, keep_camera: bool, keep_location: bool) -> bytes:
    """A fresh EXIF block holding only what the share allows ("" when nothing is left)."""
    if not raw:
        return b""
    source = Image.Exif()
    try:
        source.load(raw[6:] if raw.startswith(b"Exif\x00\x00") else raw)
        sub = dict(source.get_ifd(_META_EXIF_IFD))
        gps = dict(source.get_ifd(_META_GPS_IFD)) if keep_location else {}
    except Exception:  # noqa: BLE001 - a malformed block is simply not carried over
        return b""
    new = Image.Exif()
    for tag in (_META_ORIENTATION, _META_DATETIME):
        if tag in source:
            new[tag] = source[tag]
    if keep_camera:
        for tag in (_META_MAKE, _META_MODEL):
            if tag in source:
                new[tag] = source[tag]
    allowed = _META_DATE_TAGS | (_META_CAMERA_TAGS if keep_camera else frozenset())
    kept_sub = {tag: value for tag, value in sub.items() if tag in allowed}
    if kept_sub:
        new[_META_EXIF_IFD] = kept_sub
    if gps:
        new[_META_GPS_IFD] = gps
    if not len(new):
        return b""
    return new.tobytes()


def _meta_strip_jpeg(data: bytes, **keep) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise MetadataError("not a JPEG")
    out = [b"\xff\xd8"]
    pos = 2
    exif_raw = None
    inserted = False
    while pos < len(data):
        if data[pos] != 0xFF:
            raise MetadataError("bad marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan: the rest is image data
            if not inserted:
                out.insert(1, _meta_app1(_meta_filtered_exif(exif_raw, **keep)))
                inserted = True
            # Keep the first image only: phones append more (MPO frames, gain maps), each
            # with its own EXIF. In scan data 0xFF is always followed by 0x00 or RSTn, so the
            # first FFD9 ends the primary image.
            end = data.find(b"\xff\xd9", pos + 2)
            out.append(data[pos:] if end < 0 else data[pos : end + 2])
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segment = data[pos : pos + 2 + length]
        payload = segment[4:]
        pos += 2 + length
        if marker == 0xE1:  # APP1: Exif or XMP
            if payload.startswith(b"Exif\x00\x00") and exif_raw is None:
                exif_raw = payload
            continue
        if marker == 0xE2 and payload.startswith(b"MPF\x00"):
            continue  # points at the appended frames that are dropped below
        if marker in (0xED, 0xFE) or 0xE3 <= marker <= 0xEF and marker != 0xEE:
            # APP13 (IPTC), COM, and vendor APPn segments (maker data, depth maps, ...).
            # APP2 (ICC colour profile, MPF) and APP14 (Adobe colour transform) are kept:
            # without them the colours change.
            continue
        out.append(segment)
    else:
        raise MetadataError("no image data")
    return b"".join(out)


def _meta_app1(exif: bytes) -> bytes:
    if not exif:
        return b""
    if len(exif) + 2 > 0xFFFF:
        return b""
    return b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif


_META_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_META_PNG_DROP = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"})


def _meta_strip_png(data: bytes, **keep) -> bytes:
    if not data.startswith(_META_PNG_SIGNATURE):
        raise MetadataError("not a PNG")
    out = [_META_PNG_SIGNATURE]
    pos = len(_META_PNG_SIGNATURE)
    exif_raw = None
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        pos += 12 + length
        if kind == b"eXIf":
            exif_raw = chunk[8:-4]
            continue
        if kind in _META_PNG_DROP:
            continue
        if kind == b"IDAT" and exif_raw is not None:
            exif = _meta_filtered_exif(exif_raw, **keep)
            if exif:
                body = exif[6:]  # PNG's eXIf holds the TIFF block without the "Exif" prefix
                out.append(_meta_png_chunk(b"eXIf", body))
            exif_raw = None
        out.append(chunk)
        if kind == b"IEND":
            break
    return b"".join(out)


def _meta_png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _meta_strip_webp(data: bytes, **keep) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise MetadataError("not a WebP")
    chunks = []
    pos = 12
    exif_raw = None
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        body = data[pos + 8 : pos + 8 + size]
        pos += 8 + size + (size & 1)
        if kind == b"EXIF":
            exif_raw = body
            continue
        if kind == b"XMP ":
            continue
        chunks.append([kind, body])
    exif = _meta_filtered_exif(exif_raw, **keep) if exif_raw else b""
    for chunk in chunks:
        if chunk[0] == b"VP8X":
            flags = chunk[1][0] & ~0x0C  # clear the EXIF (0x08) and XMP (0x04) bits
            if exif:
                flags |= 0x08
            chunk[1] = bytes([flags]) + chunk[1][1:]
    if exif and any(kind == b"VP8X" for kind, _ in chunks):
        chunks.append([b"EXIF", exif[6:]])
    body = b"WEBP" + b"".join(
        kind + struct.pack("<I", len(b)) + b + (b"\x00" if len(b) & 1 else b"")
        for kind, b in chunks
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _meta_strip_by_reencoding(data: bytes, fmt: str) -> bytes:
    """HEIC/HEIF have no simple container to edit: re-encode without any metadata."""
    with Image.open(io.BytesIO(data)) as im:
        out = io.BytesIO()
        im.save(out, fmt, quality=95)
        return out.getvalue()


def strip_metadata(data: bytes, mime_type: str, *, keep_camera: bool, keep_location: bool) -> bytes:
    """The original without location/camera data unless kept; lossless except for HEIC."""
    keep = {"keep_camera": keep_camera, "keep_location": keep_location}
    try:
        if mime_type == "image/jpeg":
            return _meta_strip_jpeg(data, **keep)
        if mime_type == "image/png":
            return _meta_strip_png(data, **keep)
        if mime_type == "image/webp":
            return _meta_strip_webp(data, **keep)
    except (struct.error, IndexError) as exc:
        raise MetadataError("truncated file") from exc
    if mime_type == "image/gif":
        # GIF has no EXIF or GPS block; XMP application extensions are left as they are.
        return data
    if mime_type in {"image/heic", "image/heif"}:
        if keep_camera and keep_location:
            return data
        return _meta_strip_by_reencoding(data, "HEIF")
    raise MetadataError(f"cannot strip {mime_type}")
