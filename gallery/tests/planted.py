"""Files a phone or an editor could make, with a place, a camera and a marker planted in
every container their format allows, and the byte patterns that betray each of them.

`leaks(data)` lists which of the planted things a file still carries, searched byte for
byte: the GPS rationals as EXIF stores them (either byte order), the coordinates as text
(as XMP writes them), the camera strings and the marker. A stripped file must give [].
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from gallery.tests import imagegen

MARKER = b"PIKOSHI-PLANTED-MARKER"
MAKE = "Pixelmaker"
MODEL = "P7 Secretcam"
LENS = "Lens-Planted 50mm"
# N 48°51'29" E 2°17'40": the reproduction.
LATITUDE = 48 + 51 / 60 + 29 / 3600
LONGITUDE = 2 + 17 / 60 + 40 / 3600
TAKEN = "2024:05:06 07:08:09"
XMP_LATITUDE = b"48,51.4833N"
XMP_LONGITUDE = b"2,17.6667E"


def exif(*, orientation: int | None = None, marker: bytes = MARKER) -> Image.Exif:
    """EXIF with camera, lens, GPS, a date, and the marker in three free-text tags."""
    data = imagegen.make_exif(
        orientation=orientation,
        taken_at=TAKEN,
        make=MAKE,
        model=MODEL,
        gps=(LATITUDE, LONGITUDE),
        exif_raw={0xA434: LENS, 0x927C: marker, 0x9286: marker},  # lens, maker note, comment
    )
    data[0x010E] = marker.decode()  # ImageDescription
    data[0x013B] = marker.decode()  # Artist
    return data


def xmp(marker: bytes = MARKER) -> bytes:
    """An XMP packet repeating the place, the camera and the marker."""
    return (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        b'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
        b'exif:GPSLatitude="' + XMP_LATITUDE + b'" exif:GPSLongitude="' + XMP_LONGITUDE + b'" '
        b'tiff:Make="'
        + MAKE.encode()
        + b'" tiff:Model="'
        + MODEL.encode()
        + b'">'
        + marker
        + b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )


def _rational_patterns(value: float) -> list[bytes]:
    """Degrees and minutes as EXIF rationals (numerator/denominator), in both byte orders."""
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return [struct.pack(f"{order}IIII", degrees, 1, minutes, 1) for order in (">", "<")]


PATTERNS: dict[str, list[bytes]] = {
    "gps": [
        *_rational_patterns(LATITUDE),
        *_rational_patterns(LONGITUDE),
        XMP_LATITUDE,
        XMP_LONGITUDE,
    ],
    "camera": [MAKE.encode(), MODEL.encode(), LENS.encode(), "Secretcam".encode("utf-16-le")],
    "marker": [MARKER, MARKER.decode().encode("utf-16-le"), MARKER.lower()],
}


def leaks(data: bytes, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """What of the planted place, camera and marker these bytes still hold."""
    found = []
    for kind, patterns in PATTERNS.items():
        if kind in allowed:
            continue
        found += [f"{kind}: {pattern!r}" for pattern in patterns if pattern in data]
    return found


# --- files --------------------------------------------------------------------------------


def heic(size: tuple[int, int] = (64, 48), *, orientation: int | None = None) -> bytes:
    """A HEIC as an iPhone writes it: EXIF with GPS and camera, and an XMP packet."""
    import pillow_heif

    pillow_heif.register_heif_opener(thumbnails=False)
    out = io.BytesIO()
    imagegen.solid(size, (40, 120, 200)).save(
        out,
        "HEIF",
        quality=90,
        exif=exif(orientation=orientation).tobytes(),
        xmp=xmp(),
    )
    return out.getvalue()


def _sub_blocks(payload: bytes) -> bytes:
    return (
        b"".join(
            bytes([len(payload[i : i + 255])]) + payload[i : i + 255]
            for i in range(0, len(payload), 255)
        )
        + b"\x00"
    )


def gif_extension(label: bytes, payload: bytes) -> bytes:
    """An extension block: introducer, label, then the payload in sub-blocks."""
    return b"\x21" + label + _sub_blocks(payload)


def gif_application(identifier: bytes, payload: bytes) -> bytes:
    """An application extension: an 11-byte identifier block, then the payload."""
    assert len(identifier) == 11
    return b"\x21\xff\x0b" + identifier + _sub_blocks(payload)


def gif_xmp_extension(packet: bytes) -> bytes:
    """XMP as Adobe embeds it in GIF: raw bytes closed by the 258-byte "magic trailer"
    that lets GIF readers skip them as sub-blocks."""
    trailer = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"
    return b"\x21\xff\x0bXMP DataXMP" + packet + trailer


def _gif_body_start(data: bytes) -> int:
    """Where the first block after the header and the global colour table begins."""
    flags = data[10]
    table = 3 * (2 ** ((flags & 7) + 1)) if flags & 0x80 else 0
    return 13 + table


def gif(*, animated: bool = True) -> bytes:
    """A GIF with an XMP application extension (GPS, camera, marker), a Comment extension
    and a private application extension, before and between its frames."""
    colours = (imagegen.RED, imagegen.BLUE) if animated else (imagegen.RED,)
    frames = [imagegen.solid((64, 48), colour) for colour in colours]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    data = out.getvalue()
    start = _gif_body_start(data)
    planted = (
        gif_xmp_extension(xmp())
        + gif_extension(b"\xfe", b"Comment " + MARKER + b" " + MAKE.encode())
        + gif_application(b"PRIVATEAPP1", MARKER)
    )
    data = data[:start] + planted + data[start:]
    # One more comment between the frames: the last image descriptor is preceded by its
    # graphic control extension, so plant right before that.
    last = data.rfind(b"\x21\xf9\x04")
    if animated and last > start + len(planted):
        data = data[:last] + gif_extension(b"\xfe", MARKER) + data[last:]
    return data


def png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)
