"""Generated test images: real files from Pillow, built at test time, never downloaded.

Every builder returns the file's bytes (wrap them with `uploaded()` for Django tests).
Django is not imported at module level so the benchmark can use `photo_like()` too.

    jpeg((640, 480), orientation=6, taken_at="2024:05:01 12:00:00", gps=(48.85, 2.35))
    mpo(orientation=6)    # multi-picture JPEG, which Pillow calls "MPO"
    oriented_jpeg(6)      # upright picture stored the way a camera would for orientation 6
    png(mode="I;16"), webp(alpha=True), animated_gif(), heic(), cmyk_jpeg(), p3_jpeg()
    truncated_jpeg(), bomb_png(), svg(), html_disguised_as_jpeg(), pdf(), tiff(), bmp()
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Iterable
from fractions import Fraction

from PIL import Image, ImageChops, ImageDraw, ImageFilter, TiffImagePlugin

Color = tuple[int, ...]

# Marker colours of `marked()`: every EXIF orientation moves them to a different place.
RED = (230, 20, 20)
GREEN = (20, 200, 40)
BLUE = (30, 60, 220)

# The transpose that turns an upright picture into what a camera stores for each
# orientation tag (the inverse of the transpose a viewer applies).
_CAMERA_STORES = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825


# --- pictures -------------------------------------------------------------------------------


def solid(size: tuple[int, int] = (64, 48), color: Color = (200, 120, 40), mode="RGB"):
    return Image.new(mode, size, color)


def marked(size: tuple[int, int] = (90, 60)) -> Image.Image:
    """Blue picture, red block in the top-left corner, green block in the top-right.

    Read it back with `corner_colours()`; each of the 8 orientations, applied wrongly,
    puts the blocks somewhere else.
    """
    w, h = size
    im = Image.new("RGB", size, BLUE)
    draw = ImageDraw.Draw(im)
    bw, bh = max(1, w // 3), max(1, h // 3)
    draw.rectangle((0, 0, bw - 1, bh - 1), fill=RED)
    draw.rectangle((w - bw, 0, w - 1, bh - 1), fill=GREEN)
    return im


def corner_colours(im: Image.Image) -> dict[str, Color]:
    """Colour sampled well inside each corner: keys top_left, top_right, bottom_left, ..."""
    rgb = im.convert("RGB")
    w, h = rgb.size
    dx, dy = max(0, w // 8), max(0, h // 8)
    return {
        "top_left": rgb.getpixel((dx, dy)),
        "top_right": rgb.getpixel((w - 1 - dx, dy)),
        "bottom_left": rgb.getpixel((dx, h - 1 - dy)),
        "bottom_right": rgb.getpixel((w - 1 - dx, h - 1 - dy)),
    }


def close(a: Iterable[int], b: Iterable[int], tolerance: int = 24) -> bool:
    """Colours equal within a per-channel tolerance (lossy codecs shift them a little)."""
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def photo_like(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """Smooth gradients, hard-edged shapes and sensor-like noise, so codecs do real work.

    Flat colour would make encoders and resizers look unrealistically fast.
    """
    rnd = random.Random(seed)
    w, h = size
    small = (max(8, w // 16), max(8, h // 16))
    channels = []
    for _ in range(3):
        gradient = Image.linear_gradient("L").rotate(rnd.uniform(0, 360), expand=False)
        radial = Image.radial_gradient("L").transform(
            (256, 256),
            Image.Transform.AFFINE,
            (1, 0, rnd.uniform(-96, 96), 0, 1, rnd.uniform(-96, 96)),
        )
        channels.append(Image.blend(gradient, radial, rnd.uniform(0.2, 0.8)).resize(small))
    base = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(base)
    for _ in range(40):  # soft blobs: sky, foliage, faces at low frequency
        x, y = rnd.uniform(0, small[0]), rnd.uniform(0, small[1])
        r = rnd.uniform(2, small[0] / 5)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    base = base.filter(ImageFilter.GaussianBlur(2)).resize(size, Image.Resampling.BICUBIC)

    draw = ImageDraw.Draw(base)
    for _ in range(60):  # hard edges: buildings, text, branches
        points = [(rnd.uniform(0, w), rnd.uniform(0, h)) for _ in range(rnd.randint(3, 5))]
        colour = tuple(rnd.randrange(256) for _ in range(3))
        if rnd.random() < 0.5:
            draw.polygon(points, fill=colour)
        else:
            draw.line(points, fill=colour, width=rnd.randint(1, max(2, w // 400)))

    noise = Image.effect_noise(size, 10)  # centred on 128
    texture = Image.merge("RGB", (noise, noise.transpose(Image.Transpose.ROTATE_180), noise))
    return ImageChops.add(base, texture, scale=1.0, offset=-128)


# --- metadata -------------------------------------------------------------------------------


def _rational(value: float) -> TiffImagePlugin.IFDRational:
    fraction = Fraction(value).limit_denominator(1_000_000)
    return TiffImagePlugin.IFDRational(fraction.numerator, fraction.denominator)


def _dms(value: float) -> tuple:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return (_rational(degrees), _rational(minutes), _rational(round(seconds, 4)))


def make_exif(
    *,
    orientation: int | None = None,
    taken_at: str | bytes | None = None,
    offset: str | None = None,
    subsec: str | None = None,
    make: str | bytes | None = None,
    model: str | bytes | None = None,
    gps: tuple[float, float] | None = None,
    gps_raw: dict | None = None,
    exif_raw: dict | None = None,
    content_id: str | None = None,
) -> Image.Exif:
    """EXIF as a camera writes it. `gps_raw` / `exif_raw` put arbitrary (bogus) values in the
    GPS / Exif sub-IFDs, e.g. gps_raw={1: "N", 2: (IFDRational(1, 0), 0, 0)}."""
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if make is not None:
        exif[0x010F] = make
    if model is not None:
        exif[0x0110] = model
    sub = {}
    if taken_at is not None:
        sub[0x9003] = taken_at
    if offset is not None:
        sub[0x9011] = offset
    if subsec is not None:
        sub[0x9291] = subsec
    if content_id is not None:
        sub[0x927C] = apple_maker_note(content_id)
    sub.update(exif_raw or {})
    if sub:
        exif.get_ifd(_EXIF_IFD).update(sub)
    gps_ifd = {}
    if gps is not None:
        lat, lon = gps
        gps_ifd.update(
            {
                0: b"\x02\x03\x00\x00",
                1: "N" if lat >= 0 else "S",
                2: _dms(lat),
                3: "E" if lon >= 0 else "W",
                4: _dms(lon),
            }
        )
    gps_ifd.update(gps_raw or {})
    if gps_ifd:
        exif.get_ifd(_GPS_IFD).update(gps_ifd)
    return exif


def apple_maker_note(content_id: str) -> bytes:
    """Apple's maker note as an iPhone writes it for a Live Photo's still: a header, then
    one big-endian IFD (offsets from the note's start) with the content identifier (0x0011)
    between two other entries."""
    value = content_id.encode() + b"\x00"
    entries = [(0x0001, 9, 1, (14).to_bytes(4, "big"))]  # the maker note's version
    data_at = 16 + 12 * 3 + 4
    entries.append((0x0011, 2, len(value), data_at.to_bytes(4, "big")))
    entries.append((0x0014, 9, 1, (3).to_bytes(4, "big")))
    body = b"".join(
        tag.to_bytes(2, "big") + kind.to_bytes(2, "big") + count.to_bytes(4, "big") + raw
        for tag, kind, count, raw in entries
    )
    return b"Apple iOS\x00\x00\x01MM" + len(entries).to_bytes(2, "big") + body + bytes(4) + value


def _exif_bytes(exif: Image.Exif | None, kwargs: dict) -> bytes:
    if exif is None and any(value is not None for value in kwargs.values()):
        exif = make_exif(**kwargs)
    return exif.tobytes() if exif is not None else b""


def display_p3_profile() -> bytes:
    """An ICC v2 matrix/TRC profile with Display P3 primaries and the sRGB tone curve.

    Built by hand because ImageCms.createProfile only knows sRGB, LAB and XYZ. The colorants
    are the D50-adapted P3-D65 primaries, as in Apple's Display P3 profile.
    """

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    description = b"Display P3 (test)"
    desc = (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(description) + 1)
        + description
        + b"\0"
        + b"\0" * 8  # Unicode language code and count
        + b"\0" * 3  # ScriptCode code and count
        + b"\0" * 67
    )
    # sRGB curve as parametric function type 3: g, a, b, c, d
    para = b"para\0\0\0\0" + struct.pack(">HH", 3, 0)
    para += b"".join(s15(v) for v in (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045))
    tags = [
        (b"desc", desc),
        (b"cprt", b"text\0\0\0\0No copyright, test data\0"),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.5151, 0.2412, -0.0011)),
        (b"gXYZ", xyz(0.2919, 0.6922, 0.0419)),
        (b"bXYZ", xyz(0.1572, 0.0666, 0.7841)),
        (b"rTRC", para),
        (b"gTRC", para),
        (b"bTRC", para),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"APPL"
        + b"\0" * 4  # flags
        + b"\0" * 8  # manufacturer, model
        + b"\0" * 8  # attributes
        + b"\0" * 4  # rendering intent
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + b"\0" * 4  # creator
    )
    header += b"\0" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + data


def p3_to_srgb(color: Color) -> Color:
    """What an sRGB viewer should show for a Display P3 colour (independent of LittleCMS)."""

    def linear(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    def encode(v: float) -> int:
        v = min(1.0, max(0.0, v))
        v = v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
        return round(v * 255)

    r, g, b = (linear(c) for c in color[:3])
    matrix = (
        (1.2249, -0.2247, 0.0),
        (-0.0420, 1.0419, 0.0),
        (-0.0197, -0.0786, 1.0979),
    )
    return tuple(encode(row[0] * r + row[1] * g + row[2] * b) for row in matrix)


# --- files ----------------------------------------------------------------------------------


def _save(im: Image.Image, format: str, **params) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, format=format, **{k: v for k, v in params.items() if v is not None})
    return buffer.getvalue()


def jpeg(
    size: tuple[int, int] = (64, 48),
    *,
    image: Image.Image | None = None,
    color: Color = (200, 120, 40),
    quality: int = 90,
    exif: Image.Exif | None = None,
    icc_profile: bytes | None = None,
    orientation: int | None = None,
    taken_at: str | bytes | None = None,
    offset: str | None = None,
    make: str | bytes | None = None,
    model: str | bytes | None = None,
    gps: tuple[float, float] | None = None,
    content_id: str | None = None,
) -> bytes:
    """A baseline JPEG; metadata keywords build the EXIF (or pass a ready `exif`)."""
    im = image if image is not None else solid(size, color)
    meta = {
        "orientation": orientation,
        "taken_at": taken_at,
        "offset": offset,
        "make": make,
        "model": model,
        "gps": gps,
        "content_id": content_id,
    }
    return _save(
        im, "JPEG", quality=quality, exif=_exif_bytes(exif, meta) or None, icc_profile=icc_profile
    )


def oriented_jpeg(orientation: int, size: tuple[int, int] = (90, 60), **kwargs) -> bytes:
    """`marked(size)` (the upright picture) stored and tagged as a camera would store it."""
    stored = marked(size)
    if (method := _CAMERA_STORES[orientation]) is not None:
        stored = stored.transpose(method)
    return jpeg(image=stored, orientation=orientation, **kwargs)


def mpo(size: tuple[int, int] = (64, 48), *, color: Color = (200, 120, 40), **meta) -> bytes:
    """Multi-picture JPEG (as many phones write: main picture + a second frame)."""
    frames = [solid(size, color), solid(size, (0, 0, 0))]
    exif = _exif_bytes(None, meta) or None
    return _save(frames[0], "MPO", save_all=True, append_images=frames[1:], exif=exif)


def cmyk_jpeg(size: tuple[int, int] = (64, 48), cmyk: Color = (0, 255, 255, 0)) -> bytes:
    """CMYK JPEG without a profile (default colour: pure red ink mix)."""
    return _save(solid(size, cmyk, mode="CMYK"), "JPEG", quality=95)


def p3_jpeg(size: tuple[int, int] = (64, 48), color: Color = (100, 200, 100)) -> bytes:
    """JPEG whose pixel values are Display P3, with the profile embedded."""
    return jpeg(size, color=color, quality=95, icc_profile=display_p3_profile())


def png(
    size: tuple[int, int] = (64, 48),
    *,
    mode: str = "RGB",
    color: Color | int | None = None,
    image: Image.Image | None = None,
    exif: Image.Exif | None = None,
    icc_profile: bytes | None = None,
    transparency: int | None = None,
) -> bytes:
    """PNG in any mode Pillow writes: RGB, RGBA, L, LA, P, 1, I;16 (16-bit grey)..."""
    if image is None:
        default = {"RGB": (40, 160, 90), "RGBA": (40, 160, 90, 128), "LA": (120, 128)}
        fill = color if color is not None else default.get(mode, 120)
        if mode == "I;16" and color is None:
            fill = 40000
        image = solid(size, fill, mode=mode)
    return _save(
        image,
        "PNG",
        exif=exif.tobytes() if exif is not None else None,
        icc_profile=icc_profile,
        transparency=transparency,
    )


def webp(
    size: tuple[int, int] = (64, 48),
    *,
    color: Color = (90, 40, 160),
    alpha: bool = False,
    exif: Image.Exif | None = None,
) -> bytes:
    mode = "RGBA" if alpha else "RGB"
    fill = (*color[:3], 100) if alpha else color[:3]
    return _save(
        solid(size, fill, mode=mode),
        "WEBP",
        quality=90,
        exif=exif.tobytes() if exif else None,
    )


def animated_gif(size: tuple[int, int] = (64, 48), colors: Iterable[Color] = (RED, BLUE)):
    """Animated GIF whose first frame is the first colour."""
    frames = [solid(size, color) for color in colors]
    return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def heic(
    size: tuple[int, int] = (64, 48),
    *,
    image: Image.Image | None = None,
    color: Color = (40, 120, 200),
    exif: Image.Exif | None = None,
    quality: int = 90,
    **meta,
) -> bytes:
    """HEIC through pillow-heif (an orientation in the EXIF becomes HEIF irot/imir boxes)."""
    from pillow_heif import register_heif_opener

    register_heif_opener(thumbnails=False)
    im = image if image is not None else solid(size, color)
    return _save(im, "HEIF", quality=quality, exif=_exif_bytes(exif, meta) or None)


def truncated_jpeg(size: tuple[int, int] = (256, 192)) -> bytes:
    """A real photo-like JPEG cut off half way, as an interrupted upload leaves it."""
    data = jpeg(image=photo_like(size, seed=3))
    return data[: len(data) // 2]


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A few dozen bytes whose IHDR claims width×height pixels: a decompression bomb header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def svg() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(1)</script><rect width="10" height="10" fill="red"/></svg>\n'
    )


def html_disguised_as_jpeg() -> bytes:
    """HTML meant to be uploaded under a name like cat.jpg with type image/jpeg."""
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def tiff(size: tuple[int, int] = (32, 24)) -> bytes:
    return _save(solid(size), "TIFF")


def bmp(size: tuple[int, int] = (32, 24)) -> bytes:
    return _save(solid(size), "BMP")


def uploaded(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    """Wrap bytes as a Django upload (name and content type are the client's claims)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


# --- hostile files ----------------------------------------------------------------------------
# What a careless client or an attacker sends instead of a photo. Each builder is small and
# deterministic; the 60 MB noise of the upload-limit test is streamed, not built here.


def _png_chunk(kind: bytes, body: bytes, *, crc: int | None = None) -> bytes:
    value = zlib.crc32(kind + body) & 0xFFFFFFFF if crc is None else crc
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", value)


def png_bad_crc() -> bytes:
    """A real PNG whose IHDR checksum is wrong (a flipped bit in transit)."""
    data = bytearray(png((16, 16)))
    data[29] ^= 0xFF  # last byte of the IHDR CRC (8 signature + 4 + 4 + 13 body)
    return bytes(data)


def png_text_bomb() -> bytes:
    """A tiny PNG carrying a zTXt chunk that inflates to 16 MB of zeros (Pillow stops at 1 MB)."""
    data = png((8, 8))
    body = b"Comment\x00\x00" + zlib.compress(b"\x00" * (16 * 1024 * 1024), 9)
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + _png_chunk(b"zTXt", body) + data[iend:]


def png_truncated() -> bytes:
    data = png((128, 96), image=photo_like((128, 96), seed=5))
    return data[: len(data) * 2 // 3]


def jpeg_with_header_size(width: int, height: int) -> bytes:
    """A small real JPEG whose SOF header claims width×height pixels."""
    data = bytearray(jpeg((16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_polyglot_html() -> bytes:
    """A valid JPEG whose comment segment is an HTML page (a browser sniffing it finds HTML)."""
    page = b"<html><body><script>alert(document.domain)</script></body></html>"
    data = jpeg((32, 32))
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(page) + 2) + page + data[2:]


def html_then_jpeg() -> bytes:
    """HTML first, a JPEG appended: a browser would render the page."""
    return html_disguised_as_jpeg() + jpeg((16, 16))


def jpeg_huge_exif() -> bytes:
    """A JPEG whose EXIF fills the whole 64 KB APP1 segment (a 60 KB UserComment)."""
    exif = make_exif(make="Pixelmaker", exif_raw={0x9286: b"ASCII\x00\x00\x00" + b"A" * 60_000})
    return jpeg((32, 24), exif=exif)


def jpeg_bogus_exif() -> bytes:
    """Orientation 99, a date of month 13, a GPS fix with zero denominators and a bad ref."""
    zero = TiffImagePlugin.IFDRational(1, 0)
    exif = make_exif(
        orientation=99,
        taken_at="2024:13:45 25:61:61",
        offset="+99:99",
        gps_raw={1: "Q", 2: (zero, zero, zero), 3: "E", 4: (_rational(400), 0, 0)},
    )
    return jpeg((40, 30), exif=exif)


def jpeg_ancient_date() -> bytes:
    return jpeg((40, 30), taken_at="0000:00:00 00:00:00", orientation=0)


def jpeg_trailing_garbage() -> bytes:
    return jpeg((40, 30)) + b"\x00garbage after the end of image\xff" * 100


def jpeg_magic_only() -> bytes:
    return b"\xff\xd8\xff"


def jpeg_zero_width() -> bytes:
    return jpeg_with_header_size(0, 16)


def many_frames_gif(frames: int = 1000, size: tuple[int, int] = (16, 12)) -> bytes:
    colors = [((i * 7) % 256, (i * 13) % 256, (i * 29) % 256) for i in range(frames)]
    return animated_gif(size, colors)


def gif_header_size(width: int, height: int) -> bytes:
    data = bytearray(_save(solid((16, 16)), "GIF"))
    data[6:10] = struct.pack("<HH", width, height)
    return bytes(data)


def gif_truncated() -> bytes:
    data = _save(photo_like((128, 96), seed=7).convert("P"), "GIF")
    return data[: len(data) // 2]


def gif_php() -> bytes:
    """The classic: a GIF signature in front of a PHP script."""
    return b"GIF89a<?php system($_GET['c']); ?>"


def webp_truncated() -> bytes:
    data = webp((128, 96))
    return data[: len(data) // 2]


def webp_huge_canvas() -> bytes:
    """A VP8X header claiming a 16384×16384 canvas and no image data."""
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    vp8x += (16383).to_bytes(3, "little") + (16383).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(vp8x)) + b"WEBP" + vp8x


def heic_header_only() -> bytes:
    """An ftyp box naming HEIC and nothing after it."""
    return struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic"


def avif_header() -> bytes:
    """AVIF's ftyp (mif1 + avif): not a HEVC image, so not one we can decode."""
    return struct.pack(">I", 24) + b"ftypavif" + b"\x00\x00\x00\x00" + b"mif1avif" + b"\x00" * 40


def ico() -> bytes:
    return _save(solid((32, 32)), "ICO")


def zip_file() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", jpeg((16, 16)))
    return buffer.getvalue()


def text() -> bytes:
    return b"These are my holiday notes, not a photo.\n" * 20


def exe() -> bytes:
    return b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + bytes(range(256))


def noise(size: int = 4096, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


def png_16bit_rgb() -> bytes:
    """48-bit colour PNG written by hand (Pillow cannot save RGB;16)."""
    width, height = 8, 4
    row = b"\x00" + b"".join(struct.pack(">HHH", 65535, x * 8000, 1000) for x in range(width))
    ihdr = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(row * height))
        + _png_chunk(b"IEND", b"")
    )
