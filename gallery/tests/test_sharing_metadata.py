"""strip_metadata: originals handed out through shares lose location and camera data."""

import io

import pytest
from PIL import Image

from gallery.imaging.strip import MetadataError, strip_metadata

FORMATS = [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]


def tagged_image(fmt: str) -> bytes:
    """A small image carrying camera, GPS, a maker note, the date and an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "Pixelmaker"
    exif[0x0110] = "P7"
    exif[0x0112] = 6
    exif.get_ifd(0x8769)[0x9003] = "2024:05:06 07:08:09"
    exif.get_ifd(0x8769)[0x927C] = b"maker secrets"
    exif.get_ifd(0x8769)[0xA434] = "Lens 50mm"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (59.0, 54.0, 50.0), "E", (10.0, 45.0, 8.0)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def read_back(data: bytes):
    image = Image.open(io.BytesIO(data))
    image.load()
    exif = image.getexif()
    return image, exif, dict(exif.get_ifd(0x8769)), dict(exif.get_ifd(0x8825))


@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
def test_location_and_camera_are_removed_by_default(fmt, mime):
    data = tagged_image(fmt)
    out = strip_metadata(data, mime, keep_camera=False, keep_location=False)
    image, exif, sub, gps = read_back(out)
    assert gps == {}
    assert 0x8825 not in exif
    assert 0x010F not in exif and 0x0110 not in exif
    assert 0x927C not in sub and 0xA434 not in sub
    assert b"Pixelmaker" not in out and b"maker secrets" not in out
    # What everyone may see survives: the date, and the orientation keeps it upright.
    assert sub[0x9003] == "2024:05:06 07:08:09"
    assert exif[0x0112] == 6
    assert image.size == (40, 30)


@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
def test_switched_on_details_are_kept(fmt, mime):
    out = strip_metadata(tagged_image(fmt), mime, keep_camera=True, keep_location=True)
    _, exif, sub, gps = read_back(out)
    assert exif[0x010F] == "Pixelmaker"
    assert sub[0xA434] == "Lens 50mm"
    assert gps[1] == "N" and gps[2] == (59.0, 54.0, 50.0)
    assert 0x927C not in sub  # maker notes never travel


@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
def test_camera_alone_can_be_shared_without_location(fmt, mime):
    out = strip_metadata(tagged_image(fmt), mime, keep_camera=True, keep_location=False)
    _, exif, _, gps = read_back(out)
    assert exif[0x0110] == "P7"
    assert gps == {}


def test_jpeg_pixels_are_untouched():
    data = tagged_image("JPEG")
    out = strip_metadata(data, "image/jpeg", keep_camera=False, keep_location=False)
    assert Image.open(io.BytesIO(out)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_jpeg_xmp_and_appended_frames_are_dropped():
    data = tagged_image("JPEG")
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPSLatitude 59,54N</x:xmpmeta>"
    xmp_segment = b"\xff\xe1" + (len(xmp) + 2).to_bytes(2, "big") + xmp
    with_xmp = data[:2] + xmp_segment + data[2:] + tagged_image("JPEG")  # a second frame
    out = strip_metadata(with_xmp, "image/jpeg", keep_camera=False, keep_location=False)
    assert b"GPSLatitude" not in out
    assert b"Pixelmaker" not in out
    assert out.count(b"\xff\xd8") == 1


def test_image_without_metadata_comes_back_readable():
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    stripped = strip_metadata(out.getvalue(), "image/jpeg", keep_camera=False, keep_location=False)
    assert Image.open(io.BytesIO(stripped)).size == (8, 8)


def test_garbage_is_refused_rather_than_passed_through():
    with pytest.raises(MetadataError):
        strip_metadata(b"not an image", "image/jpeg", keep_camera=False, keep_location=False)
    with pytest.raises(MetadataError):
        strip_metadata(b"x", "text/html", keep_camera=False, keep_location=False)


def test_truncated_jpeg_is_refused():
    data = tagged_image("JPEG")
    with pytest.raises(MetadataError):
        strip_metadata(data[:30], "image/jpeg", keep_camera=False, keep_location=False)


def test_gif_without_a_trailer_is_stripped_and_closed() -> None:
    from gallery.tests import planted

    data = planted.gif()
    assert data.endswith(b"\x3b")
    out = strip_metadata(data[:-1], "image/gif", keep_camera=False, keep_location=False)
    assert out.endswith(b"\x3b") and planted.leaks(out) == []
    assert Image.open(io.BytesIO(out)).n_frames == 2


def test_gif_cut_inside_its_first_image_is_refused() -> None:
    from gallery.tests import planted

    data = planted.gif()
    first_image = data.index(b"\x2c\x00\x00\x00\x00")
    with pytest.raises(MetadataError):
        strip_metadata(
            data[: first_image + 12], "image/gif", keep_camera=False, keep_location=False
        )
