"""The image pipeline on real, generated files: what it accepts, refuses and produces."""

import io
import os
import struct
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from PIL.TiffImagePlugin import IFDRational

from gallery.imaging import variants
from gallery.imaging.sniff import ACCEPTED_TYPES, ImageRejected, check_size
from gallery.imaging.variants import process_image
from gallery.tests import imagegen

MAX_PIXELS = 100_000_000


def process(data: bytes, *, max_pixels: int = MAX_PIXELS):
    return process_image(io.BytesIO(data), max_pixels=max_pixels)


def rejected(data: bytes, *, max_pixels: int = MAX_PIXELS) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        process(data, max_pixels=max_pixels)
    return info.value


def decoded(variant) -> Image.Image:
    im = Image.open(io.BytesIO(variant.data))
    assert im.format == "WEBP"
    assert im.size == (variant.width, variant.height)
    return im


def webp_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, offset = [], 12
    while offset + 8 <= len(data):
        kind, size = (
            data[offset : offset + 4],
            struct.unpack("<I", data[offset + 4 : offset + 8])[0],
        )
        chunks.append(kind)
        offset += 8 + size + (size & 1)
    return chunks


def sizes(result) -> dict[str, tuple[int, int]]:
    return {name: (v.width, v.height) for name, v in result.variants.items()}


# --- accepted formats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "mime_type"),
    [
        (imagegen.jpeg(), "image/jpeg"),
        (imagegen.png(), "image/png"),
        (imagegen.webp(), "image/webp"),
        (imagegen.animated_gif(), "image/gif"),
        (imagegen.heic(), "image/heic"),
    ],
    ids=["jpeg", "png", "webp", "gif", "heic"],
)
def test_each_supported_format_is_accepted_and_rendered_as_webp(data, mime_type):
    result = process(data)

    assert result.mime_type == mime_type
    assert mime_type in ACCEPTED_TYPES
    assert (result.width, result.height) == (64, 48)
    assert list(result.variants) == ["thumb", "mobile", "display"]
    for name, variant in result.variants.items():
        assert variant.name == name
        assert decoded(variant).size == (64, 48)


def test_multi_picture_jpeg_is_a_jpeg():
    data = imagegen.mpo((64, 48), orientation=6)
    assert Image.open(io.BytesIO(data)).format == "MPO"

    result = process(data)

    assert result.mime_type == "image/jpeg"
    assert (result.width, result.height) == (48, 64)


def test_heif_with_mif1_major_brand_is_reported_as_heif():
    data = imagegen.heic()
    assert data[8:12] == b"heic"
    as_mif1 = data[:8] + b"mif1" + data[12:]

    assert process(as_mif1).mime_type == "image/heif"
    assert "image/heif" in ACCEPTED_TYPES


def test_content_decides_the_type_not_the_name_or_claimed_type():
    upload = imagegen.uploaded(imagegen.png(), name="holiday.jpg", content_type="image/jpeg")

    assert process_image(upload, max_pixels=MAX_PIXELS).mime_type == "image/png"


def test_source_is_rewound_for_the_caller_to_store_the_original():
    source = io.BytesIO(imagegen.jpeg())
    process_image(source, max_pixels=MAX_PIXELS)

    assert source.tell() == 0


def test_unseekable_source_is_read_into_memory():
    class Stream:
        def __init__(self, data):
            self._buffer = io.BytesIO(data)

        def read(self, size=-1):
            return self._buffer.read(size)

        def seekable(self):
            return False

    assert process_image(Stream(imagegen.png()), max_pixels=MAX_PIXELS).mime_type == "image/png"


def test_animated_gif_uses_its_first_frame():
    result = process(imagegen.animated_gif(colors=[imagegen.RED, imagegen.BLUE, imagegen.GREEN]))

    pixel = decoded(result.variants["display"]).convert("RGB").getpixel((32, 24))
    assert imagegen.close(pixel, imagegen.RED)


# --- sizes ----------------------------------------------------------------------------------


def test_small_images_are_never_upscaled():
    result = process(imagegen.jpeg((120, 90)))

    assert sizes(result) == {"thumb": (120, 90), "mobile": (120, 90), "display": (120, 90)}


def test_variants_fit_their_boxes_and_keep_the_aspect_ratio():
    wide = process(imagegen.png((2000, 500)))
    tall = process(imagegen.png((300, 1800)))

    assert sizes(wide) == {"thumb": (300, 75), "mobile": (480, 120), "display": (1600, 400)}
    assert sizes(tall) == {"thumb": (33, 200), "mobile": (53, 320), "display": (267, 1600)}


def test_large_jpeg_is_scaled_to_the_display_box():
    result = process(imagegen.jpeg(image=imagegen.photo_like((3300, 2200)), quality=80))

    assert (result.width, result.height) == (3300, 2200)
    assert sizes(result) == {"thumb": (300, 200), "mobile": (480, 320), "display": (1600, 1067)}


# --- orientation ----------------------------------------------------------------------------


def assert_upright(variant):
    corners = imagegen.corner_colours(decoded(variant))
    assert imagegen.close(corners["top_left"], imagegen.RED), corners
    assert imagegen.close(corners["top_right"], imagegen.GREEN), corners
    assert imagegen.close(corners["bottom_left"], imagegen.BLUE), corners
    assert imagegen.close(corners["bottom_right"], imagegen.BLUE), corners


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_gives_upright_variants(orientation):
    data = imagegen.oriented_jpeg(orientation, size=(600, 400))
    stored = Image.open(io.BytesIO(data)).size
    assert stored == ((400, 600) if orientation >= 5 else (600, 400))

    result = process(data)

    assert (result.width, result.height) == (600, 400)
    assert sizes(result) == {"thumb": (300, 200), "mobile": (480, 320), "display": (600, 400)}
    for variant in result.variants.values():
        assert_upright(variant)


@pytest.mark.parametrize("orientation", [6, 8])
def test_orientation_is_applied_to_a_large_draft_decoded_jpeg(orientation):
    result = process(imagegen.oriented_jpeg(orientation, size=(2100, 3300)))

    assert (result.width, result.height) == (2100, 3300)
    assert sizes(result) == {"thumb": (127, 200), "mobile": (204, 320), "display": (1018, 1600)}
    for variant in result.variants.values():
        assert_upright(variant)


def test_heic_orientation_is_applied_once():
    data = imagegen.heic(image=imagegen.marked((96, 64)).transpose(Image.Transpose.ROTATE_90))
    data_tagged = imagegen.heic(
        image=imagegen.marked((96, 64)).transpose(Image.Transpose.ROTATE_90), orientation=6
    )

    plain, tagged = process(data), process(data_tagged)

    assert (plain.width, plain.height) == (64, 96)
    assert (tagged.width, tagged.height) == (96, 64)
    assert_upright(tagged.variants["display"])


def test_nonsense_orientation_is_ignored():
    result = process(imagegen.jpeg((60, 40), orientation=9))

    assert (result.width, result.height) == (60, 40)


# --- colour and modes -----------------------------------------------------------------------


def test_cmyk_jpeg_comes_out_rgb():
    result = process(imagegen.cmyk_jpeg(cmyk=(0, 255, 255, 0)))

    im = decoded(result.variants["display"])
    assert im.mode == "RGB"
    assert imagegen.close(im.getpixel((32, 24)), (255, 0, 0), tolerance=12)


def test_display_p3_image_is_converted_to_srgb():
    p3_colour = (100, 200, 100)
    result = process(imagegen.p3_jpeg(color=p3_colour))

    pixel = decoded(result.variants["display"]).convert("RGB").getpixel((32, 24))
    expected = imagegen.p3_to_srgb(p3_colour)
    assert imagegen.close(pixel, expected, tolerance=6), (pixel, expected)
    assert not imagegen.close(pixel, p3_colour, tolerance=20)


def test_srgb_tagged_image_keeps_its_values():
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    result = process(imagegen.jpeg(color=(100, 200, 100), quality=95, icc_profile=srgb))

    pixel = decoded(result.variants["display"]).getpixel((32, 24))
    assert imagegen.close(pixel, (100, 200, 100), tolerance=6)


def test_broken_icc_profile_is_ignored():
    result = process(imagegen.jpeg(color=(100, 200, 100), icc_profile=b"not a profile" * 20))

    assert imagegen.close(decoded(result.variants["thumb"]).getpixel((32, 24)), (100, 200, 100))


def test_transparency_is_kept():
    result = process(imagegen.png(mode="RGBA", color=(40, 160, 90, 128)))

    im = decoded(result.variants["display"])
    assert im.mode == "RGBA"
    assert abs(im.getpixel((32, 24))[3] - 128) <= 4


def test_colour_conversion_keeps_transparency():
    picture = imagegen.solid((64, 48), (100, 200, 100, 128), mode="RGBA")
    data = imagegen.png(image=picture, icc_profile=imagegen.display_p3_profile())

    pixel = decoded(process(data).variants["display"]).getpixel((32, 24))

    assert imagegen.close(pixel[:3], imagegen.p3_to_srgb((100, 200, 100)), tolerance=8)
    assert abs(pixel[3] - 128) <= 4


def test_palette_png_with_transparent_index_keeps_alpha():
    palette = Image.new("P", (64, 48), 1)
    palette.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)

    im = decoded(process(imagegen.png(image=palette, transparency=1)).variants["thumb"])

    assert im.mode == "RGBA"
    assert im.getpixel((32, 24))[3] == 0


def test_opaque_alpha_channel_is_dropped():
    im = decoded(process(imagegen.png(mode="RGBA", color=(1, 2, 3, 255))).variants["thumb"])

    assert im.mode == "RGB"


@pytest.mark.parametrize(
    ("mode", "color", "grey"),
    [("I;16", 40000, 156), ("L", 120, 120), ("LA", (120, 255), 120), ("1", 1, 255)],
)
def test_grey_modes_are_scaled_to_8_bit(mode, color, grey):
    im = decoded(process(imagegen.png(mode=mode, color=color)).variants["display"])

    r, g, b = im.convert("RGB").getpixel((32, 24))
    assert abs(r - grey) <= 3 and r == g == b


# --- metadata -------------------------------------------------------------------------------


def test_variants_carry_no_metadata_at_all():
    exif = imagegen.make_exif(
        orientation=1, taken_at="2024:05:01 12:00:00", make="Canon", gps=(48.85, 2.35)
    )
    original = imagegen.jpeg(
        image=imagegen.photo_like((800, 600)),
        exif=exif,
        icc_profile=imagegen.display_p3_profile(),
    )
    buffer = io.BytesIO()
    Image.open(io.BytesIO(original)).save(
        buffer, "JPEG", exif=exif, xmp=b"<x:xmpmeta>secret place</x:xmpmeta>"
    )

    for data in (original, buffer.getvalue()):
        for variant in process(data).variants.values():
            assert set(webp_chunks(variant.data)) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
            im = decoded(variant)
            assert not im.info.get("exif") and not im.info.get("icc_profile")
            assert not im.info.get("xmp")
            assert len(im.getexif()) == 0
            assert b"Canon" not in variant.data and b"xmpmeta" not in variant.data


def test_camera_metadata_is_extracted():
    result = process(
        imagegen.jpeg(
            taken_at="2024:05:01 12:34:56",
            offset="+02:00",
            make="Canon\x00\x00",
            model="  EOS R5  ",
            gps=(48.8584, -2.2945),
        )
    )

    assert result.taken_at == datetime(2024, 5, 1, 12, 34, 56, tzinfo=timezone(timedelta(hours=2)))
    assert (result.camera_make, result.camera_model) == ("Canon", "EOS R5")
    assert result.latitude == pytest.approx(48.8584, abs=1e-5)
    assert result.longitude == pytest.approx(-2.2945, abs=1e-5)


def test_taken_at_without_offset_is_naive():
    result = process(imagegen.jpeg(taken_at="2019:12:31 23:59:58"))

    assert result.taken_at == datetime(2019, 12, 31, 23, 59, 58)  # noqa: DTZ001
    assert result.taken_at.tzinfo is None


def test_southern_and_western_coordinates_are_negative():
    result = process(imagegen.jpeg(gps=(-33.8568, 151.2153)))

    assert result.latitude == pytest.approx(-33.8568, abs=1e-5)
    assert result.longitude == pytest.approx(151.2153, abs=1e-5)


def test_missing_metadata_gives_empty_values():
    result = process(imagegen.png())

    assert result.taken_at is None
    assert (result.camera_make, result.camera_model) == ("", "")
    assert (result.latitude, result.longitude) == (None, None)


def test_metadata_is_read_from_png_and_heic_too():
    exif = imagegen.make_exif(taken_at="2021:07:04 09:00:00", model="Pixel 8")

    for data in (imagegen.png(exif=exif), imagegen.heic(exif=exif), imagegen.webp(exif=exif)):
        result = process(data)
        assert result.taken_at == datetime(2021, 7, 4, 9, 0, 0)  # noqa: DTZ001
        assert result.camera_model == "Pixel 8"


@pytest.mark.parametrize(
    "taken_at",
    [
        "0000:00:00 00:00:00",
        "    :  :     :  :  ",
        "garbage",
        "2024:13:45 99:99:99",
        "2024:02:30 10:00:00",
        b"\xff\xfe\x00\x01",
        "",
    ],
)
def test_bogus_dates_give_no_date(taken_at):
    assert process(imagegen.jpeg(taken_at=taken_at)).taken_at is None


def test_bogus_offset_leaves_the_date_naive():
    result = process(imagegen.jpeg(taken_at="2024:05:01 12:00:00", offset="+99:00"))

    assert result.taken_at == datetime(2024, 5, 1, 12, 0, 0)  # noqa: DTZ001


@pytest.mark.parametrize(
    "gps_raw",
    [
        {1: "N", 2: (IFDRational(1, 0), IFDRational(0), IFDRational(0)), 3: "E", 4: (1, 2, 3)},
        {1: "N", 2: (IFDRational(123), IFDRational(0), IFDRational(0)), 3: "E", 4: (1, 2, 3)},
        {2: (IFDRational(12), IFDRational(0), IFDRational(0)), 4: (1, 2, 3)},
        {1: "X", 2: (IFDRational(12), 0, 0), 3: "E", 4: (IFDRational(181), 0, 0)},
        {1: "N", 2: (IFDRational(89), IFDRational(120), 0), 3: "E", 4: (1, 2, 3)},
        {1: "N", 2: (IFDRational(0), 0, 0), 3: "E", 4: (IFDRational(0), 0, 0)},
    ],
    ids=[
        "zero-denominator",
        "latitude-123",
        "no-refs",
        "bad-ref",
        "minutes-past-pole",
        "null-island",
    ],
)
def test_bogus_gps_gives_no_location(gps_raw):
    result = process(imagegen.jpeg(exif=imagegen.make_exif(gps_raw=gps_raw)))

    assert (result.latitude, result.longitude) == (None, None)


def test_camera_strings_are_cleaned_and_capped():
    result = process(imagegen.jpeg(make="Nikon\x01\x02 CORPORATION", model="X" * 300))

    assert result.camera_make == "Nikon CORPORATION"
    assert result.camera_model == "X" * 100


def test_garbage_exif_block_does_not_raise():
    original = imagegen.jpeg((60, 40))
    buffer = io.BytesIO()
    Image.open(io.BytesIO(original)).save(buffer, "JPEG", exif=b"Exif\x00\x00MM\x00*\xff\xff")

    result = process(buffer.getvalue())

    assert (result.width, result.taken_at, result.latitude) == (60, None, None)


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        imagegen.svg(),
        imagegen.html_disguised_as_jpeg(),
        imagegen.pdf(),
        imagegen.tiff(),
        imagegen.bmp(),
        b"just some text\n",
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00mif1avifmiaf",
    ],
    ids=["svg", "html", "pdf", "tiff", "bmp", "text", "avif"],
)
def test_anything_else_is_unsupported(data):
    error = rejected(data)

    assert (error.status, error.code) == (415, "unsupported_type")
    assert "JPEG, PNG, WebP, GIF or HEIC" in str(error)


def test_html_uploaded_as_jpeg_is_refused():
    upload = imagegen.uploaded(imagegen.html_disguised_as_jpeg(), name="cat.jpg")

    with pytest.raises(ImageRejected) as info:
        process_image(upload, max_pixels=MAX_PIXELS)

    assert info.value.code == "unsupported_type"


def test_zero_byte_file_is_refused():
    error = rejected(b"")

    assert (error.status, error.code) == (422, "empty_file")


@pytest.mark.parametrize(
    "data",
    [
        imagegen.truncated_jpeg(),
        imagegen.jpeg()[:300],
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        b"\xff\xd8\xff\xe0" + b"\x00" * 40,
        imagegen.png((40, 30))[:-30],
        imagegen.webp()[:40],
        imagegen.animated_gif()[:60],
        imagegen.heic()[:300],
    ],
    ids=["jpeg-half", "jpeg-header", "png-magic", "jpeg-magic", "png-cut", "webp", "gif", "heic"],
)
def test_corrupt_or_truncated_images_are_refused(data):
    error = rejected(data)

    assert (error.status, error.code) == (422, "corrupt_image")


def test_truncated_images_stay_errors_globally():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize(
    "data", [imagegen.bomb_png(), imagegen.bomb_png(12_000, 10_000)], ids=["10gp", "120mp"]
)
def test_decompression_bomb_is_refused_from_its_header(data):
    assert len(data) < 200

    error = rejected(data)

    assert (error.status, error.code) == (413, "too_many_pixels")


def test_pixel_limit_is_our_setting():
    data = imagegen.jpeg((100, 80))

    error = rejected(data, max_pixels=7_999)

    assert (error.status, error.code) == (413, "too_many_pixels")
    assert "100×80" in str(error)
    assert process(data, max_pixels=8_000).width == 100


def test_pillow_bomb_warning_never_slips_through(monkeypatch):
    """Above Pillow's warning threshold our own limit decides; below it, the warning is fatal."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 2_000)
    data = imagegen.jpeg((64, 48))  # 3072 pixels: over Pillow's threshold, under twice it

    assert process(data, max_pixels=10_000).width == 64
    error = rejected(data, max_pixels=1_500)
    assert (error.status, error.code) == (413, "too_many_pixels")


# --- upload size ----------------------------------------------------------------------------


def test_check_size_refuses_empty_and_oversized_files():
    check_size(1000, max_bytes=1000)

    with pytest.raises(ImageRejected) as empty:
        check_size(0, max_bytes=1000)
    with pytest.raises(ImageRejected) as large:
        check_size(1001, max_bytes=1000)

    assert (empty.value.status, empty.value.code) == (422, "empty_file")
    assert (large.value.status, large.value.code) == (413, "file_too_large")


def test_module_imports_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # Every imaging module, and none of them may pull Django in (check=True fails on it).
    code = (
        "import sys, gallery.imaging.exif, gallery.imaging.sniff, gallery.imaging.strip;"
        " import gallery.imaging.variants as m;"
        " assert 'django' not in sys.modules, 'imaging imported Django';"
        " print(sorted(m.VARIANT_SIZES))"
    )
    root = Path(variants.__file__).resolve().parents[2]

    out = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )

    assert out.stdout.strip() == "['display', 'mobile', 'thumb']"
