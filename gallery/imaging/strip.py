"""Strip location and camera metadata from an original before it is shared.

JPEG, PNG and WebP are edited byte by byte, so their pixels stay untouched; HEIC is
re-encoded. Kept always: the orientation (or the picture would turn sideways) and the
capture date (shared with everyone anyway). Camera and GPS tags survive only when asked
for. XMP, IPTC, comments, maker notes and embedded thumbnails are dropped: they can repeat
the location in forms too varied to filter safely.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

_ORIENTATION = 0x0112
_MAKE, _MODEL = 0x010F, 0x0110
_DATETIME = 0x0132
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
# Exif sub-IFD tags that are safe to keep: dates and their offsets.
_DATE_TAGS = frozenset({0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9290, 0x9291, 0x9292})
# Exif sub-IFD tags that describe the camera and lens, kept only with keep_camera.
_CAMERA_TAGS = frozenset(
    {
        0x829A, 0x829D, 0x8822, 0x8827, 0x9201, 0x9202, 0x9204, 0x9205, 0x9207, 0x9208,
        0x9209, 0x920A, 0xA402, 0xA403, 0xA404, 0xA405, 0xA406, 0xA433, 0xA434,
    }
)  # fmt: skip


class MetadataError(ValueError):
    """The file could not be parsed well enough to strip it safely."""


def _filtered_exif(raw: bytes | None, *, keep_camera: bool, keep_location: bool) -> bytes:
    """A fresh EXIF block holding only what the share allows ("" when nothing is left)."""
    if not raw:
        return b""
    source = Image.Exif()
    try:
        source.load(raw[6:] if raw.startswith(b"Exif\x00\x00") else raw)
        sub = dict(source.get_ifd(_EXIF_IFD))
        gps = dict(source.get_ifd(_GPS_IFD)) if keep_location else {}
    except Exception:  # noqa: BLE001 - a malformed block is simply not carried over
        return b""
    new = Image.Exif()
    for tag in (_ORIENTATION, _DATETIME):
        if tag in source:
            new[tag] = source[tag]
    if keep_camera:
        for tag in (_MAKE, _MODEL):
            if tag in source:
                new[tag] = source[tag]
    allowed = _DATE_TAGS | (_CAMERA_TAGS if keep_camera else frozenset())
    kept_sub = {tag: value for tag, value in sub.items() if tag in allowed}
    if kept_sub:
        new[_EXIF_IFD] = kept_sub
    if gps:
        new[_GPS_IFD] = gps
    if not len(new):
        return b""
    return new.tobytes()


def _strip_jpeg(data: bytes, **keep) -> bytes:
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
                out.insert(1, _app1(_filtered_exif(exif_raw, **keep)))
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


def _app1(exif: bytes) -> bytes:
    if not exif:
        return b""
    if len(exif) + 2 > 0xFFFF:
        return b""
    return b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROP = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"})


def _strip_png(data: bytes, **keep) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise MetadataError("not a PNG")
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    exif_raw = None
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        pos += 12 + length
        if kind == b"eXIf":
            exif_raw = chunk[8:-4]
            continue
        if kind in _PNG_DROP:
            continue
        if kind == b"IDAT" and exif_raw is not None:
            exif = _filtered_exif(exif_raw, **keep)
            if exif:
                body = exif[6:]  # PNG's eXIf holds the TIFF block without the "Exif" prefix
                out.append(_png_chunk(b"eXIf", body))
            exif_raw = None
        out.append(chunk)
        if kind == b"IEND":
            break
    return b"".join(out)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _strip_webp(data: bytes, **keep) -> bytes:
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
    exif = _filtered_exif(exif_raw, **keep) if exif_raw else b""
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


def _strip_by_reencoding(data: bytes, fmt: str) -> bytes:
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
            return _strip_jpeg(data, **keep)
        if mime_type == "image/png":
            return _strip_png(data, **keep)
        if mime_type == "image/webp":
            return _strip_webp(data, **keep)
    except (struct.error, IndexError) as exc:
        raise MetadataError("truncated file") from exc
    if mime_type == "image/gif":
        # GIF has no EXIF or GPS block; XMP application extensions are left as they are.
        return data
    if mime_type in {"image/heic", "image/heif"}:
        if keep_camera and keep_location:
            return data
        return _strip_by_reencoding(data, "HEIF")
    raise MetadataError(f"cannot strip {mime_type}")
