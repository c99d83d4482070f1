"""Pure image work, no Django: the benchmark and any worker can call it directly.

`sniff` decides what an upload is from its bytes and refuses what we cannot safely
handle (type, size, pixel count); `exif` reads orientation, capture time, place and
camera; `variants` renders the WebP variants and describes the upload; `strip` removes
metadata from an original before it is shared. Limits arrive as arguments, never from
settings. Callers import from the topic module.
"""

import pillow_heif

# HEIC/HEIF through libheif, for every module here (sniff opens it, strip re-encodes it).
# Registered once, at import. Embedded thumbnails are of no use to us (we render our own)
# and would only cost parsing.
pillow_heif.register_heif_opener(thumbnails=False)
