"""Render the WebP variants of an upload and describe it (size, date, camera, place).

Speed matters because every upload pays for it on a 2-core machine. The pipeline decodes
the original once (JPEG at the smallest DCT scale that still covers the display variant),
resizes in a chain display -> mobile -> thumb, converts colour on the display-sized image
only, and rotates the small results rather than the big source.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, cast

from PIL import Image, ImageCms

from gallery.imaging.exif import (
    SWAPS_AXES,
    TRANSPOSE,
    read_camera,
    read_content_id,
    read_exif,
    read_gps,
    read_orientation,
    read_taken_at,
)
from gallery.imaging.sniff import JPEG_FORMATS, load, opened

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
    content_id: str = ""  # a Live Photo's still: what its motion's MOV carries too


def process_image(source: BinaryIO, *, max_pixels: int) -> ProcessedImage:
    """Sniff, check pixel limit from the header, decode once, render the 3 WebP variants.

    The source is rewound afterwards so the caller can store the original.
    """
    with opened(source, max_pixels) as (im, mime_type):
        return _process(im, mime_type, max_pixels)


def inspect_image(source: BinaryIO, *, max_pixels: int) -> ProcessedImage:
    """What an upload needs when a worker renders later: type, size, date, camera, place.

    The same sniffing, pixel limit and EXIF reading as process_image, from the header only
    (PNG keeps eXIf after the pixels, so it is decoded); `variants` is empty.
    """
    with opened(source, max_pixels) as (im, mime_type):
        if im.format not in JPEG_FORMATS:
            load(im, max_pixels)
        return _described(im.size, read_exif(im), mime_type, variants={})


def _described(
    stored_size: tuple[int, int], exif: Image.Exif, mime_type: str, variants: dict
) -> ProcessedImage:
    """The upright size and the metadata the owner sees, from the stored size and EXIF."""
    width, height = stored_size
    if read_orientation(exif) in SWAPS_AXES:
        width, height = height, width
    latitude, longitude = read_gps(exif)
    camera_make, camera_model = read_camera(exif)
    return ProcessedImage(
        mime_type=mime_type,
        width=width,
        height=height,
        taken_at=read_taken_at(exif),
        camera_make=camera_make,
        camera_model=camera_model,
        latitude=latitude,
        longitude=longitude,
        variants=variants,
        content_id=read_content_id(exif),
    )


def _process(im: Image.Image, mime_type: str, max_pixels: int) -> ProcessedImage:
    draftable = im.format in JPEG_FORMATS
    if not draftable:
        # Some formats (PNG's eXIf after the pixels) only reveal metadata once decoded.
        load(im, max_pixels)
    exif = read_exif(im)
    orientation = read_orientation(exif)

    stored_w, stored_h = im.size
    swap = orientation in SWAPS_AXES
    width, height = (stored_h, stored_w) if swap else (stored_w, stored_h)
    # Target boxes are computed in the upright frame, then mapped back to the stored frame
    # so we resize before rotating.
    targets = {name: _fit((width, height), box) for name, box in VARIANT_SIZES.items()}
    stored_targets = {name: ((h, w) if swap else (w, h)) for name, (w, h) in targets.items()}

    if draftable:
        # DCT-domain downscaling: decode at 1/2, 1/4 or 1/8 while still covering display.
        im.draft(im.mode, stored_targets["display"])
        load(im, max_pixels)

    icc_profile = im.info.get("icc_profile") or None
    base = _workable_mode(im)

    display = _resize_display(base, stored_targets["display"])
    display = _to_srgb(display, icc_profile)
    display = _drop_opaque_alpha(display)
    mobile = _resize(display, stored_targets["mobile"], _SMALL_FILTER, _SMALL_REDUCING_GAP)
    thumb = _resize(mobile, stored_targets["thumb"], _SMALL_FILTER, _SMALL_REDUCING_GAP)

    method = TRANSPOSE.get(orientation)
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


def _resize(
    im: Image.Image,
    size: tuple[int, int],
    resample: Image.Resampling,
    reducing_gap: float | None,
) -> Image.Image:
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
    # One band, so the extrema are a (low, high) pair of numbers.
    low, high = cast(tuple[float, float], as_int.getextrema())
    if im.mode == "I" and high <= 255 and low >= 0:
        return as_int.convert("L")
    return as_int.point(lambda v: v * (1 / 257)).convert("L")


def _drop_opaque_alpha(im: Image.Image) -> Image.Image:
    """A fully opaque alpha channel only costs bytes in the WebP."""
    if im.mode == "RGBA" and cast(tuple[tuple[int, int], ...], im.getextrema())[3][0] == 255:
        return im.convert("RGB")
    return im


def _to_srgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert to sRGB so the metadata-free variants look right everywhere."""
    transform = _srgb_transform(icc_profile, im.mode) if icc_profile else None
    if transform is not None:
        try:
            converted = ImageCms.applyTransform(im, transform)
            if converted is not None:  # None only when asked to convert in place
                return converted
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
