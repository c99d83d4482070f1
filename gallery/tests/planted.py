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
        # ISO 6709, as videos keep a place: +48.8581+002.2944/
        f"{LATITUDE:.4f}".encode(),
        f"{LONGITUDE:08.4f}".encode(),
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


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _jpeg_planted_head() -> bytes:
    """Every APPn and COM a JPEG may carry, each holding the marker, the place or the
    camera: JFIF with a payload, JFXX, XMP, FPXR, IPTC, an Adobe block with a tail."""
    return b"".join(
        [
            _jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + MARKER),
            _jpeg_segment(0xE0, b"JFXX\x00\x10" + MARKER),
            _jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp()),
            _jpeg_segment(0xE2, b"FPXR\x00\x00" + MARKER + MAKE.encode()),
            _jpeg_segment(0xE2, b"MPF\x00" + MARKER),
            _jpeg_segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + MARKER + XMP_LATITUDE),
            _jpeg_segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01" + MARKER),
            _jpeg_segment(0xEF, MARKER),
            _jpeg_segment(0xFE, b"COM " + MARKER + b" " + MODEL.encode()),
        ]
    )


def _second_exif() -> bytes:
    return _jpeg_segment(0xE1, b"Exif\x00\x00" + exif(marker=MARKER).tobytes())


def jpeg(*, image: Image.Image, orientation: int, progressive: bool = False) -> bytes:
    """A JPEG with EXIF (GPS, camera, marker) and every other segment planted; progressive
    ones also get a COM and a second APP1 Exif with a GPS IFD between their scans, and
    both get a COM after the last scan and a whole second JPEG appended."""
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        quality=90,
        progressive=progressive,
        exif=exif(orientation=orientation).tobytes(),
    )
    data = out.getvalue()
    assert data[:4] == b"\xff\xd8\xff\xe0"  # Pillow's own JFIF APP0 comes first: replace it
    (app0,) = struct.unpack(">H", data[4:6])
    data = data[:2] + _jpeg_planted_head() + data[4 + app0 :]
    scans = [i for i in range(len(data) - 1) if data[i : i + 2] == b"\xff\xda"]
    if progressive:
        assert len(scans) > 2
        between = _jpeg_segment(0xFE, MARKER) + _second_exif()
        data = data[: scans[2]] + between + data[scans[2] :]
    end = data.rindex(b"\xff\xd9")
    data = data[:end] + _jpeg_segment(0xFE, MARKER) + data[end:]
    appended = io.BytesIO()
    imagegen.solid((16, 16)).save(appended, "JPEG", exif=exif().tobytes())
    return data + appended.getvalue()


def png(*, image: Image.Image, orientation: int) -> bytes:
    """A PNG with eXIf, tEXt, zTXt, iTXt (XMP), tIME, a C2PA caBX, private ancillary
    chunks and an iCCP whose name is the marker."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", MARKER.decode() + " " + MAKE)
    info.add_text("Description", MARKER.decode(), zip=True)
    info.add_itxt("XML:com.adobe.xmp", xmp().decode())
    info.add_itxt("Author", MARKER.decode(), lang="en", tkey="Author", zip=True)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=exif(orientation=orientation).tobytes())
    data = out.getvalue()
    ihdr_end = 8 + 12 + 13
    profile = zlib.compress(imagegen.display_p3_profile())
    planted = (
        png_chunk(b"iCCP", MARKER[:70] + b"\x00\x00" + profile)
        + png_chunk(b"caBX", b"jumb" + MARKER + MAKE.encode())
        + png_chunk(b"prVt", MARKER + XMP_LATITUDE)
        + png_chunk(b"tIME", b"\x07\xe8\x05\x06\x07\x08\x09")
    )
    data = data[:ihdr_end] + planted + data[ihdr_end:]
    iend = data.rindex(b"IEND") - 4
    tail = png_chunk(b"zzPv", MARKER) + png_chunk(b"tEXt", b"Late\x00" + MARKER)
    return data[:iend] + tail + data[iend:]


def _riff(chunks: list[tuple[bytes, bytes]]) -> bytes:
    body = b"WEBP" + b"".join(
        kind + struct.pack("<I", len(b)) + b + (b"\x00" if len(b) & 1 else b"")
        for kind, b in chunks
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp(*, image: Image.Image, orientation: int) -> bytes:
    """An extended WebP with EXIF, XMP, a C2PA chunk and a private one, with an ICC
    profile."""
    out = io.BytesIO()
    image.save(
        out,
        "WEBP",
        quality=90,
        exif=exif(orientation=orientation).tobytes(),
        xmp=xmp(),
        icc_profile=imagegen.display_p3_profile(),
    )
    data = out.getvalue()
    chunks = []
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        chunks.append((kind, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    assert chunks[0][0] == b"VP8X" and any(kind == b"XMP " for kind, _ in chunks)
    chunks += [(b"C2PA", b"jumb" + MARKER + MAKE.encode()), (b"PRIV", MARKER + XMP_LATITUDE)]
    return _riff(chunks)
