"""What a photo's EXIF says: orientation, capture time, place and camera.

EXIF is written by anything and parsed from untrusted bytes, so a broken or bogus value
reads as nothing (orientation 1, None, "") instead of sinking the upload.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from typing import Literal

from PIL import ExifTags, Image

# Orientation tag value -> transpose that makes the stored pixels upright.
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
SWAPS_AXES = frozenset({5, 6, 7, 8})

_TEXT_MAX = 100

_DATETIME_RE = re.compile(r"^\s*(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET_RE = re.compile(r"^\s*([+-])(\d{2}):?(\d{2})\s*$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def read_exif(im: Image.Image) -> Image.Exif:
    try:
        return im.getexif()
    except Exception:  # noqa: BLE001 - broken EXIF must never sink an upload
        return Image.Exif()


def _sub_ifd(exif: Image.Exif, tag: int) -> dict:
    try:
        return exif.get_ifd(tag) or {}
    except Exception:  # noqa: BLE001
        return {}


def read_orientation(exif: Image.Exif) -> int:
    try:
        value = int(exif.get(ExifTags.Base.Orientation, 1))
    except (TypeError, ValueError):
        return 1
    return value if value in TRANSPOSE else 1


def read_camera(exif: Image.Exif) -> tuple[str, str]:
    """(make, model) as text a page can show; "" for what is missing."""
    return _exif_text(exif.get(ExifTags.Base.Make)), _exif_text(exif.get(ExifTags.Base.Model))


def _exif_text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return ""
    return _CONTROL_RE.sub("", value).strip()[:_TEXT_MAX].strip()


def read_taken_at(exif: Image.Exif) -> datetime | None:
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


def read_gps(exif: Image.Exif) -> tuple[float | None, float | None]:
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


def _coordinate(
    value: object, ref: object, positive: str, negative: str, limit: float
) -> float | None:
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


# --- Live Photos --------------------------------------------------------------------------------

_MAKER_NOTE = 0x927C
_APPLE_MAKER_NOTE = b"Apple iOS\x00"
_APPLE_CONTENT_ID = 0x0011  # the identifier the still and its motion (a MOV) share
_CONTENT_ID_RE = re.compile(r"^[0-9A-Za-z-]{8,64}$")


def read_content_id(exif: Image.Exif) -> str:
    """The content identifier Apple writes in its maker note, which a Live Photo's MOV
    carries too (com.apple.quicktime.content.identifier); "" when there is none."""
    try:
        note = _sub_ifd(exif, ExifTags.IFD.Exif).get(_MAKER_NOTE)
        return _apple_content_id(note) if isinstance(note, bytes) else ""
    except Exception:  # noqa: BLE001 - a maker note is anyone's bytes
        return ""


def _apple_content_id(note: bytes) -> str:
    """Tag 0x0011 of Apple's maker note: "Apple iOS\\0", a version, the byte order, then one
    TIFF-style IFD whose offsets count from the start of the note."""
    if not note.startswith(_APPLE_MAKER_NOTE) or len(note) < 16:
        return ""
    order: Literal["big", "little"]
    if note[12:14] == b"MM":
        order = "big"
    elif note[12:14] == b"II":
        order = "little"
    else:
        return ""
    count = int.from_bytes(note[14:16], order)
    for index in range(min(count, 200)):
        entry = note[16 + 12 * index : 28 + 12 * index]
        if len(entry) < 12:
            return ""
        tag, kind = int.from_bytes(entry[0:2], order), int.from_bytes(entry[2:4], order)
        if tag != _APPLE_CONTENT_ID or kind != 2:  # 2: ASCII
            continue
        size = int.from_bytes(entry[4:8], order)
        if size <= 4:
            raw = entry[8 : 8 + size]
        else:
            start = int.from_bytes(entry[8:12], order)
            raw = note[start : start + size]
        value = raw.split(b"\x00", 1)[0].decode("ascii", errors="replace").strip()
        return value if _CONTENT_ID_RE.match(value) else ""
    return ""
