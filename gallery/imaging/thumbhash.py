"""A ThumbHash of a photo: its blurred shape and colours in about 25 bytes, shown while
the tile's thumbnail loads.

The format is ThumbHash's (https://evanw.github.io/thumbhash/, MIT): an average colour
and a few DCT terms of luminance, two colour-difference channels and, when the picture
has transparency, alpha. The browser decodes it with the vendored `thumbhash` package
(static/vendor/thumbhash/). The picture is reduced to at most 32 px first: the hash
keeps at most 7 luminance terms a side, so a larger input changes nothing but the cost.
"""

import base64
import io
import math
from collections.abc import Mapping
from typing import Any

from PIL import Image

INPUT_SIDE = 32


def _round(value: float) -> int:
    """JavaScript's Math.round, which the format is defined with (halves go up)."""
    return math.floor(value + 0.5)


def _encode_channel(
    channel: list[float], w: int, h: int, nx: int, ny: int
) -> tuple[float, list[float], float]:
    """The DC term, the AC terms normalised to 0..1, and their scale."""
    dc, scale = 0.0, 0.0
    ac: list[float] = []
    for cy in range(ny):
        fy = [math.cos(math.pi / h * cy * (y + 0.5)) for y in range(h)]
        cx = 0
        while cx * ny < nx * (ny - cy):
            fx = [math.cos(math.pi / w * cx * (x + 0.5)) for x in range(w)]
            f = 0.0
            for y in range(h):
                row = y * w
                fyy = fy[y]
                for x in range(w):
                    f += channel[row + x] * fx[x] * fyy
            f /= w * h
            if cx or cy:
                ac.append(f)
                scale = max(scale, abs(f))
            else:
                dc = f
            cx += 1
    if scale:
        ac = [0.5 + 0.5 / scale * value for value in ac]
    return dc, ac, scale


def rgba_to_thumbhash(w: int, h: int, rgba: bytes) -> bytes:
    """The ThumbHash of a w × h RGBA picture (each side at most 100)."""
    if w > 100 or h > 100:
        raise ValueError(f"{w}x{h} does not fit in 100x100")
    count = w * h
    avg_r = avg_g = avg_b = avg_a = 0.0
    for i in range(count):
        alpha = rgba[4 * i + 3] / 255
        avg_r += alpha / 255 * rgba[4 * i]
        avg_g += alpha / 255 * rgba[4 * i + 1]
        avg_b += alpha / 255 * rgba[4 * i + 2]
        avg_a += alpha
    if avg_a:
        avg_r, avg_g, avg_b = avg_r / avg_a, avg_g / avg_a, avg_b / avg_a
    has_alpha = avg_a < count
    l_limit = 5 if has_alpha else 7
    lx = max(1, _round(l_limit * w / max(w, h)))
    ly = max(1, _round(l_limit * h / max(w, h)))
    lum, p, q, a = [], [], [], []
    for i in range(count):
        alpha = rgba[4 * i + 3] / 255
        r = avg_r * (1 - alpha) + alpha / 255 * rgba[4 * i]
        g = avg_g * (1 - alpha) + alpha / 255 * rgba[4 * i + 1]
        b = avg_b * (1 - alpha) + alpha / 255 * rgba[4 * i + 2]
        lum.append((r + g + b) / 3)
        p.append((r + g) / 2 - b)
        q.append(r - g)
        a.append(alpha)
    l_dc, l_ac, l_scale = _encode_channel(lum, w, h, max(3, lx), max(3, ly))
    p_dc, p_ac, p_scale = _encode_channel(p, w, h, 3, 3)
    q_dc, q_ac, q_scale = _encode_channel(q, w, h, 3, 3)
    a_dc, a_ac, a_scale = _encode_channel(a, w, h, 5, 5) if has_alpha else (0.0, [], 0.0)
    landscape = w > h
    header24 = (
        _round(63 * l_dc)
        | (_round(31.5 + 31.5 * p_dc) << 6)
        | (_round(31.5 + 31.5 * q_dc) << 12)
        | (_round(31 * l_scale) << 18)
        | (int(has_alpha) << 23)
    )
    header16 = (
        (ly if landscape else lx)
        | (_round(63 * p_scale) << 3)
        | (_round(63 * q_scale) << 9)
        | (int(landscape) << 15)
    )
    out = [header24 & 255, (header24 >> 8) & 255, header24 >> 16, header16 & 255, header16 >> 8]
    if has_alpha:
        out.append(_round(15 * a_dc) | (_round(15 * a_scale) << 4))
    start = len(out)
    index = 0
    for terms in [terms for terms in (l_ac, p_ac, q_ac, a_ac) if terms]:
        for f in terms:
            position = start + (index >> 1)
            while len(out) <= position:
                out.append(0)
            out[position] |= _round(15 * f) << ((index & 1) << 2)
            index += 1
    return bytes(out)


def thumbhash_of(image_bytes: bytes) -> str:
    """The base64 ThumbHash of an encoded picture (a thumbnail), for the photo's row."""
    with Image.open(io.BytesIO(image_bytes)) as im:
        im.draft("RGB", (INPUT_SIDE, INPUT_SIDE))
        small = im.convert("RGBA")
    small.thumbnail((INPUT_SIDE, INPUT_SIDE), Image.Resampling.BOX)
    return base64.b64encode(rgba_to_thumbhash(small.width, small.height, small.tobytes())).decode()


def placeholder(variants: Mapping[str, Any]) -> str:
    """The ThumbHash of rendered variants' thumbnail, or "" when there is none to read: a
    placeholder is a nicety, never the reason a photo fails."""
    thumb = variants.get("thumb")
    if thumb is None:
        return ""
    try:
        return thumbhash_of(thumb.data)
    except (OSError, ValueError):
        return ""
