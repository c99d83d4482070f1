"""Remove metadata from an original before it is shared: an allowlist per format.

Every container a file holds is parsed, and only what is needed to show the pixels right is
copied; anything else, known or not (EXIF, XMP, IPTC, C2PA, comments, maker data, private
chunks, appended frames), is left behind. A denylist cannot keep up with what phones and
editors add, so nothing is carried over because it was not recognised.

What the owner chose to share (camera, location) and what every viewer sees anyway (the
capture date, and the orientation the pixels need) is then written back into a fresh,
minimal EXIF built from values, never by copying the source block.

JPEG, PNG, WebP and GIF are rebuilt from their own segments, so the compressed image data
stays byte for byte what was uploaded; HEIC/HEIF has no simple container to rebuild and is
re-encoded from its decoded pixels (the one lossy case).
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from PIL import Image, TiffImagePlugin

# Bumped whenever what a stripped file keeps changes: stored stripped copies are made again.
VERSION = 2

_ORIENTATION = 0x0112
_MAKE, _MODEL = 0x010F, 0x0110
_DATETIME = 0x0132
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
# Exif sub-IFD tags every viewer may see: the capture date and its offsets (docs/sharing.md).
_DATE_TAGS = frozenset({0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9290, 0x9291, 0x9292})
# Exif sub-IFD tags that describe the camera and its settings, written with keep_camera.
# Serial numbers and owner names (0xA430, 0xA431, 0xA435) are not camera details: never.
_CAMERA_TAGS = frozenset(
    {
        0x829A, 0x829D, 0x8822, 0x8827, 0x9201, 0x9202, 0x9204, 0x9205, 0x9207, 0x9208,
        0x9209, 0x920A, 0xA402, 0xA403, 0xA404, 0xA405, 0xA406, 0xA433, 0xA434,
    }
)  # fmt: skip
# GPS tags written with keep_location: the position, altitude, time, direction and accuracy.
# Free-form ones (processing method, area information) are not.
_GPS_TAGS = frozenset({0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 29, 31})


class MetadataError(ValueError):
    """The file could not be parsed well enough to strip it safely."""


@dataclass(frozen=True)
class Keep:
    """What a stripped file may carry beyond its pixels."""

    camera: bool
    location: bool
    orientation: bool = True


# --- the fresh EXIF ---------------------------------------------------------------------------


def _plain(value: object) -> object | None:
    """A tag value as plain text or numbers, else None: bytes and odd types are never
    carried over, since they can hold anything."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value.replace("\x00", "")[:200]
    if isinstance(value, int | float | Fraction | TiffImagePlugin.IFDRational):
        return value
    if isinstance(value, tuple) and 0 < len(value) <= 8:
        items = [_plain(item) for item in value]
        if all(item is not None and not isinstance(item, str) for item in items):
            return tuple(items)
    return None


def _copy_tags(source: dict[int, Any], allowed: Iterable[int]) -> dict[int, object]:
    kept: dict[int, object] = {}
    for tag in allowed:
        if tag in source and (value := _plain(source[tag])) is not None:
            kept[tag] = value
    return kept


def fresh_exif(raw: bytes | None, keep: Keep) -> bytes:
    """A new EXIF block ("Exif\\0\\0" + TIFF) with only the allowed values; b"" when empty."""
    if not raw:
        return b""
    source = Image.Exif()
    try:
        source.load(raw[6:] if raw.startswith(b"Exif\x00\x00") else raw)
        top = dict(source)
        sub = dict(source.get_ifd(_EXIF_IFD))
        gps = dict(source.get_ifd(_GPS_IFD)) if keep.location else {}
    except Exception:  # noqa: BLE001 - a malformed block is simply not carried over
        return b""
    new = Image.Exif()
    top_tags = [_DATETIME]
    if keep.orientation and top.get(_ORIENTATION) in range(2, 9):
        top_tags.append(_ORIENTATION)
    if keep.camera:
        top_tags += [_MAKE, _MODEL]
    for tag, value in _copy_tags(top, top_tags).items():
        new[tag] = value
    kept_sub = _copy_tags(sub, sorted(_DATE_TAGS | (_CAMERA_TAGS if keep.camera else set())))
    if kept_sub:
        new[_EXIF_IFD] = kept_sub
    kept_gps = _copy_tags(gps, sorted(_GPS_TAGS))
    if kept_gps:
        new[_GPS_IFD] = kept_gps
    if not len(new):
        return b""
    try:
        return new.tobytes()
    except Exception:  # noqa: BLE001 - a value Pillow cannot write is simply not written
        return b""


# --- JPEG ------------------------------------------------------------------------------------

# Markers that stand alone (no length): TEM and the restart markers.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
# The frame and its tables: SOFn (not DHT/JPG/DAC), DHT, DAC, DQT, DNL, DRI, EXP.
_JPEG_IMAGE = frozenset(
    {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)}
    | {0xC4, 0xCC, 0xDB, 0xDC, 0xDD, 0xDF}
)
_SOF = frozenset({*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)})


def _segment(marker: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise MetadataError("segment too large")
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at `pos` ends: the first marker that is not a
    stuffed zero or a restart marker (RSTn belong to the scan)."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2
        elif following == 0xFF:
            pos += 1  # fill byte before a marker
        else:
            return pos


def _jfif(payload: bytes) -> bytes:
    """A JFIF APP0 rebuilt from its density fields alone: no thumbnail, no extension."""
    if not payload.startswith(b"JFIF\x00") or len(payload) < 14:
        return b""
    units, x_density, y_density = payload[7], payload[8:10], payload[10:12]
    return _segment(0xE0, b"JFIF\x00\x01\x02" + bytes([units]) + x_density + y_density + b"\0\0")


def _adobe(payload: bytes) -> bytes:
    """An Adobe APP14 rebuilt from its colour transform alone (version, no flags)."""
    if not payload.startswith(b"Adobe") or len(payload) < 12:
        return b""
    return _segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00" + bytes([payload[11]]))


def _strip_jpeg(data: bytes, keep: Keep) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise MetadataError("not a JPEG")
    head: list[bytes] = []  # rebuilt APP0, then the fresh APP1
    body: list[bytes] = []
    pos = 2
    exif_raw: bytes | None = None
    adobe = b""
    components = 0
    scanned = False
    while True:
        if pos >= len(data):
            if not scanned:
                raise MetadataError("no image data")
            body.append(b"\xff\xd9")  # a file cut short after its scans still decodes
            break
        if data[pos] != 0xFF:
            raise MetadataError("bad marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            if not scanned:
                raise MetadataError("no image data")
            # The first image only: phones append more (MPO frames, gain maps), each with
            # its own metadata.
            body.append(b"\xff\xd9")
            break
        if marker in _STANDALONE:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise MetadataError("truncated segment")
        payload = data[pos + 4 : pos + 2 + length]
        segment = data[pos : pos + 2 + length]
        pos += 2 + length
        if marker == 0xDA:
            end = _scan_end(data, pos)
            body.append(segment + data[pos:end])
            pos = end
            scanned = True
        elif marker in _JPEG_IMAGE:
            if marker in _SOF and len(payload) >= 6:
                components = payload[5]
            body.append(segment)
        elif marker == 0xE0 and not head and not body:
            head.append(_jfif(payload))
        elif marker == 0xE1 and payload.startswith(b"Exif\x00\x00") and not scanned:
            exif_raw = payload if exif_raw is None else exif_raw
        elif marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00") and not scanned:
            body.append(segment)  # the colours; chunk numbers stay as written
        elif marker == 0xEE and not scanned:
            adobe = _adobe(payload)
        # Everything else is left behind: XMP and other APP1, MPF, FPXR and other APP2,
        # APP3-APP13 and APP15, COM, and any of them between or after the scans.
    if adobe and components >= 3:
        # Decoders read the transform (YCbCr or RGB; CMYK or YCCK, with inverted inks)
        # from it: without it the colours change.
        body.insert(0, adobe)
    exif = fresh_exif(exif_raw, keep)
    if exif and len(exif) + 2 <= 0xFFFF:
        head.append(_segment(0xE1, exif))
    return b"\xff\xd8" + b"".join(head) + b"".join(body)


# --- PNG -------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Critical chunks, colour and transparency, and APNG's animation (its frames are pixels).
_PNG_KEEP = frozenset(
    {
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
        b"cICP", b"mDCV", b"cLLI", b"acTL", b"fcTL", b"fdAT",
    }
)  # fmt: skip


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _iccp(body: bytes) -> bytes:
    """The profile chunk with its free-text name replaced."""
    name_end = body.find(b"\x00")
    if name_end < 1 or name_end > 79:
        return b""
    return _png_chunk(b"iCCP", b"ICC profile" + body[name_end:])


def _strip_png(data: bytes, keep: Keep) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise MetadataError("not a PNG")
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    exif_raw: bytes | None = None
    exif_written = False
    ended = False
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if pos + 12 + length > len(data):
            raise MetadataError("truncated chunk")
        chunk = data[pos : pos + 12 + length]
        body = chunk[8:-4]
        pos += 12 + length
        if kind == b"eXIf":
            exif_raw = exif_raw or body
        elif kind == b"iCCP":
            out.append(_iccp(body))
        elif kind in _PNG_KEEP:
            if kind in (b"IDAT", b"acTL", b"fcTL") and not exif_written:
                # eXIf must come before the image data; it is written once, fresh.
                exif = fresh_exif(exif_raw, keep) if exif_raw else b""
                if exif:
                    out.append(_png_chunk(b"eXIf", exif[6:]))  # TIFF without "Exif\0\0"
                exif_written = True
            out.append(chunk)
            if kind == b"IEND":
                ended = True
                break
    if not ended or out[1][4:8] != b"IHDR":
        raise MetadataError("truncated PNG")
    return b"".join(out)


# --- WebP ------------------------------------------------------------------------------------

# Image, alpha, animation and colour profile; everything else (EXIF, XMP, C2PA, unknown) goes.
_WEBP_KEEP = frozenset({b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"})
_WEBP_FRAME_KEEP = frozenset({b"VP8 ", b"VP8L", b"ALPH"})
_VP8X_ICC, _VP8X_ALPHA, _VP8X_EXIF, _VP8X_ANIMATION = 0x20, 0x10, 0x08, 0x02


def _riff_chunks(data: bytes, pos: int, end: int) -> list[tuple[bytes, bytes]]:
    chunks = []
    while pos + 8 <= end:
        kind = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if pos + 8 + size > end:
            raise MetadataError("truncated chunk")
        chunks.append((kind, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return chunks


def _riff_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) & 1 else b"")


def _webp_frame(body: bytes) -> bytes:
    """An animation frame: its 16-byte header, then only its image and alpha chunks."""
    if len(body) < 16:
        raise MetadataError("truncated frame")
    inner = _riff_chunks(body, 16, len(body))
    return body[:16] + b"".join(_riff_chunk(k, b) for k, b in inner if k in _WEBP_FRAME_KEEP)


def _webp_vp8x(data: bytes, flags: int) -> bytes:
    """A VP8X header for a simple WebP that gains an EXIF chunk: the canvas from the file."""
    with Image.open(io.BytesIO(data)) as im:
        width, height = im.size
        if im.mode in ("RGBA", "LA"):
            flags |= _VP8X_ALPHA
    return (
        bytes([flags, 0, 0, 0])
        + (width - 1).to_bytes(3, "little")
        + (height - 1).to_bytes(3, "little")
    )


def _strip_webp(data: bytes, keep: Keep) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise MetadataError("not a WebP")
    (riff_size,) = struct.unpack("<I", data[4:8])
    chunks = _riff_chunks(data, 12, min(len(data), 8 + riff_size))
    exif_raw = next((body for kind, body in chunks if kind == b"EXIF"), None)
    exif = fresh_exif(exif_raw, keep) if exif_raw else b""
    vp8x = next((body for kind, body in chunks if kind == b"VP8X"), None)
    kept = [(kind, body) for kind, body in chunks if kind in _WEBP_KEEP]
    if not any(kind in (b"VP8 ", b"VP8L", b"ANMF") for kind, _ in kept):
        raise MetadataError("no image data")
    icc = [(kind, body) for kind, body in kept if kind == b"ICCP"]
    rest = [
        (kind, _webp_frame(body) if kind == b"ANMF" else body)
        for kind, body in kept
        if kind != b"ICCP"
    ]
    if vp8x is None and icc:
        icc = []  # a profile is only read from an extended file; a simple one had none
    out = []
    if vp8x is not None or exif:
        if vp8x is not None and len(vp8x) >= 10:
            flags = vp8x[0] & (_VP8X_ALPHA | _VP8X_ANIMATION)
            header = bytes([flags]) + vp8x[1:10]
        else:
            header = _webp_vp8x(data, 0)
        flags = header[0] | (_VP8X_ICC if icc else 0) | (_VP8X_EXIF if exif else 0)
        out.append(_riff_chunk(b"VP8X", bytes([flags]) + header[1:10]))
    out += [_riff_chunk(kind, body) for kind, body in (*icc, *rest)]
    if exif:
        out.append(_riff_chunk(b"EXIF", exif[6:]))  # WebP's EXIF holds the TIFF block alone
    body = b"WEBP" + b"".join(out)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# --- GIF -------------------------------------------------------------------------------------


def _gif_sub_blocks(data: bytes, pos: int) -> int:
    """Where the sub-blocks starting at `pos` end (after their zero terminator)."""
    while True:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _gif_loop(data: bytes, pos: int) -> bytes:
    """The loop count of a NETSCAPE2.0/ANIMEXTS1.0 block, rebuilt; b"" for anything else."""
    if data[pos] == 3 and data[pos + 1] == 1:
        loops = data[pos + 2 : pos + 4]
        return b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + loops + b"\x00"
    return b""


def _strip_gif(data: bytes) -> bytes:
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise MetadataError("not a GIF")
    flags = data[10]
    pos = 13 + (3 * (2 ** ((flags & 7) + 1)) if flags & 0x80 else 0)
    out = [data[:pos]]
    images = 0
    while True:
        if pos >= len(data) and images:
            # Writers that forget the trailer are common, and readers forgive them.
            out.append(b"\x3b")
            break
        introducer = data[pos]
        if introducer == 0x3B:  # trailer
            out.append(b"\x3b")
            break
        if introducer == 0x2C:  # image: descriptor, local table, LZW data as written
            local = data[pos + 9]
            start = pos
            pos += 10 + (3 * (2 ** ((local & 7) + 1)) if local & 0x80 else 0)
            pos = _gif_sub_blocks(data, pos + 1)  # after the LZW minimum code size
            out.append(data[start:pos])
            images += 1
            continue
        if introducer != 0x21:
            raise MetadataError("bad block")
        label = data[pos + 1]
        end = _gif_sub_blocks(data, pos + 2)
        if label == 0xF9 and data[pos + 2] == 4:
            # Graphic control: frame delay, disposal and transparency, its 4 bytes alone.
            out.append(b"\x21\xf9\x04" + data[pos + 3 : pos + 7] + b"\x00")
        elif label == 0xFF and data[pos + 2] == 11:
            if data[pos + 3 : pos + 14] in (b"NETSCAPE2.0", b"ANIMEXTS1.0"):
                out.append(_gif_loop(data, pos + 14))
        # Comments, plain text, XMP and every other application extension are left behind.
        pos = end
    return b"".join(out)


# --- HEIC/HEIF -------------------------------------------------------------------------------

# Colour, nothing else: a decoded image's info also holds EXIF, XMP and the container's
# metadata list, which pillow-heif would write into the new file.
_HEIF_COLOUR = ("icc_profile", "icc_profile_type", "nclx_profile")


def _strip_by_reencoding(data: bytes, keep: Keep) -> bytes:
    """Re-encode the decoded pixels into a new file that holds nothing but them, their
    colour profile and a fresh EXIF. The pixels arrive upright (libheif applies the
    rotation boxes), so no orientation is written."""
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        pixels = Image.frombytes(im.mode, im.size, im.tobytes())
        for key in _HEIF_COLOUR:
            if im.info.get(key):
                pixels.info[key] = im.info[key]
        exif = fresh_exif(im.info.get("exif"), Keep(keep.camera, keep.location, False))
    out = io.BytesIO()
    pixels.save(out, "HEIF", quality=95, exif=exif or None, xmp=None)
    return out.getvalue()


# --- the entry point -------------------------------------------------------------------------


def strip_metadata(data: bytes, mime_type: str, *, keep_camera: bool, keep_location: bool) -> bytes:
    """The original with nothing but its pixels, colour, orientation and date, plus the
    camera and location when kept; lossless except for HEIC/HEIF."""
    keep = Keep(camera=keep_camera, location=keep_location)
    try:
        if mime_type == "image/jpeg":
            return _strip_jpeg(data, keep)
        if mime_type == "image/png":
            return _strip_png(data, keep)
        if mime_type == "image/webp":
            return _strip_webp(data, keep)
        if mime_type == "image/gif":
            return _strip_gif(data)
    except (struct.error, IndexError, OSError) as exc:
        raise MetadataError("truncated file") from exc
    if mime_type in {"image/heic", "image/heif"}:
        try:
            return _strip_by_reencoding(data, keep)
        except (OSError, ValueError, RuntimeError) as exc:
            raise MetadataError("cannot re-encode") from exc
    raise MetadataError(f"cannot strip {mime_type}")
