"""Videos, in-process with PyAV (its wheel bundles FFmpeg with x264, libvpx, dav1d and
SVT-AV1, so nothing else is installed): what an upload is, decided from its bytes; what
it says about itself (the owner's private details); a poster frame; the web-playable
rendition; and a copy of the original without its container metadata.

The rendition and the stripped copy carry no metadata at all: the container's and the
streams' tags are not copied, `+bitexact` keeps FFmpeg from writing its own name, and the
rotation is applied to the pixels instead of being kept as a display matrix. Every refusal
is an ImageRejected (pikoshi.errors.Refused) with a sentence a person can act on; limits
arrive as arguments. Files are opened by path: FFmpeg seeks a great deal in a video, and
the faststart pass reopens its output by name.
"""

from __future__ import annotations

import io
import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from typing import cast

import av
import av.error

from gallery.filesizes import format_duration
from gallery.imaging.sniff import ImageRejected

# The muxer a stripped copy of each type is written with (the same family as the original).
_MUXERS = {
    "video/mp4": "mp4",
    "video/x-m4v": "mp4",
    "video/3gpp": "3gp",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "matroska",
}
# Video codecs phones and cameras write (and FFmpeg here decodes).
VIDEO_CODECS = frozenset({"h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "h263"})

RENDITION_MAX_SIDE = 1920  # 1080p, either way up
RENDITION_TYPE = "video/mp4"
POSTER_AT = 1.0  # seconds in, or a third of a shorter clip
MAX_FPS = 120  # a clip with more frames than duration × this is refused as a bomb

_QT_BRANDS = frozenset({b"qt  "})
_M4V_BRANDS = frozenset({b"M4V ", b"M4VH", b"M4VP"})
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"MSNV"}
    | {b"XAVC", b"dash", b"mmp4", b"f4v ", b"NDAS", b"av01"}
)
_BARE_QT_BOXES = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip"})
_ISO6709 = re.compile(r"^([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)")


class VideoFailed(Exception):
    """A stored video could not be rendered; str(exc) is the reason its owner sees."""


@dataclass(frozen=True)
class VideoInfo:
    mime_type: str
    width: int  # upright, after the rotation
    height: int
    rotation: int  # degrees counter-clockwise the stored frames are turned for display
    duration_ms: int
    taken_at: datetime | None
    camera_make: str
    camera_model: str
    latitude: float | None
    longitude: float | None
    content_id: str = ""  # a Live Photo's motion: what its still's maker note carries too


def sniff_video(head: bytes) -> str | None:
    """The video type these leading bytes begin, or None (not a video we take)."""
    if head[4:8] == b"ftyp":
        major = head[8:12]
        if major in _QT_BRANDS:
            return "video/quicktime"
        if major in _M4V_BRANDS:
            return "video/x-m4v"
        if major[:3] in (b"3gp", b"3g2"):
            return "video/3gpp"
        if major in _MP4_BRANDS:
            return "video/mp4"
        return None
    if head[4:8] in _BARE_QT_BOXES:
        return "video/quicktime"  # old QuickTime files start without an ftyp box
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    return None


def _damaged() -> ImageRejected:
    return ImageRejected(
        "This video is damaged or incomplete and cannot be played. If it came from a "
        "phone, try sharing or exporting it again.",
        status=422,
        code="corrupt_video",
    )


def _open(path: str) -> av.container.InputContainer:
    try:
        return av.open(path, "r", timeout=30)
    except (av.error.FFmpegError, OSError, ValueError, UnicodeDecodeError):
        raise _damaged() from None


def _metadata(container: av.container.InputContainer) -> dict[str, str]:
    tags: dict[str, str] = {}
    for stream in container.streams:
        tags.update({k.lower(): v for k, v in stream.metadata.items()})
    tags.update({k.lower(): v for k, v in container.metadata.items()})
    return tags


def _first(tags: dict[str, str], *keys: str) -> str:
    for key in keys:
        value = (tags.get(key) or "").strip().strip("\x00")
        if value:
            return "".join(ch for ch in value if ch.isprintable())
    return ""


def _location(tags: dict[str, str]) -> tuple[float | None, float | None]:
    value = _first(
        tags, "com.apple.quicktime.location.iso6709", "location", "location-eng", "location-und"
    )
    match = _ISO6709.match(value)
    if not match:
        return None, None
    latitude, longitude = float(match.group(1)), float(match.group(2))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude, longitude


def _taken_at(tags: dict[str, str]) -> datetime | None:
    for key in ("com.apple.quicktime.creationdate", "creation_time", "date"):
        value = _first(tags, key)
        if not value:
            continue
        value = value.replace("Z", "+00:00")
        if re.search(r"[+-]\d{4}$", value):
            value = f"{value[:-2]}:{value[-2:]}"  # 2023-05-06T09:08:09+0200
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if moment.year > 1970:  # 0 in a QuickTime header means "not set" (1904 or 1970)
            return moment
    return None


def _duration_seconds(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> float | None:
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def probe(path: str, *, mime_type: str, max_seconds: int, max_pixels: int) -> VideoInfo:
    """Read what the owner sees and prove the video decodes; refuse what cannot be kept."""
    with _open(path) as container:
        if not container.streams:
            raise _damaged()
        if not container.streams.video:
            raise ImageRejected(
                "This file has no picture (an audio recording?). Upload a video or a photo.",
                status=415,
                code="no_video_stream",
            )
        stream = container.streams.video[0]
        codec = stream.codec_context.name
        if codec not in VIDEO_CODECS:
            raise ImageRejected(
                f"This video is in a format Pikoshi cannot play ({codec}). Phones write "
                "H.264, HEVC, VP9 or AV1; try exporting it in one of those.",
                status=415,
                code="unsupported_codec",
            )
        width, height = stream.codec_context.width, stream.codec_context.height
        if width <= 0 or height <= 0:
            raise _damaged()
        if width * height > max_pixels:
            raise ImageRejected(
                f"This video's picture is too large ({width}×{height} pixels); the limit is "
                f"{max_pixels / 1_000_000:g} megapixels.",
                status=413,
                code="too_many_pixels",
            )
        seconds = _duration_seconds(container, stream)
        if seconds is None or not math.isfinite(seconds):
            raise _damaged()
        if seconds > max_seconds:
            raise ImageRejected(
                f"This video is too long ({format_duration(seconds)}); the limit is "
                f"{format_duration(max_seconds)}. Trim it and try again.",
                status=413,
                code="video_too_long",
            )
        try:
            frame = next(container.decode(stream), None)
        except (av.error.FFmpegError, OSError, ValueError):
            raise _damaged() from None
        if frame is None:
            raise _damaged()
        rotation = _rotation(frame)
        tags = _metadata(container)
    if rotation in (90, 270):
        width, height = height, width
    latitude, longitude = _location(tags)
    return VideoInfo(
        mime_type=mime_type,
        width=width,
        height=height,
        rotation=rotation,
        duration_ms=max(1, round(seconds * 1000)),
        taken_at=_taken_at(tags),
        camera_make=_first(tags, "com.apple.quicktime.make", "make", "com.android.manufacturer"),
        camera_model=_first(tags, "com.apple.quicktime.model", "model", "com.android.model"),
        latitude=latitude,
        longitude=longitude,
        content_id=_first(tags, "com.apple.quicktime.content.identifier")[:64],
    )


def _rotation(frame: av.VideoFrame) -> int:
    """Counter-clockwise degrees the display matrix turns this frame, as 0/90/180/270."""
    try:
        degrees = round(frame.rotation or 0)
    except (AttributeError, ValueError, TypeError):
        return 0
    return (round(degrees / 90) * 90) % 360


def poster(path: str, *, rotation: int) -> bytes:
    """A frame a second in (a third into a shorter clip), upright, as PNG bytes for the
    photo variant code."""
    with _open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        seconds = _duration_seconds(container, stream) or 0
        target = min(POSTER_AT, seconds / 3)
        chosen = None
        try:
            for index, frame in enumerate(container.decode(stream)):
                chosen = frame
                if (frame.time or 0) >= target or index >= 300:
                    break
        except (av.error.FFmpegError, OSError, ValueError):
            if chosen is None:
                raise VideoFailed("No picture of this video could be decoded.") from None
        if chosen is None:
            raise VideoFailed("No picture of this video could be decoded.")
        image = chosen.to_image()
    if rotation:
        image = image.rotate(rotation, expand=True)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _rendition_size(info: VideoInfo) -> tuple[int, int]:
    scale = min(1.0, RENDITION_MAX_SIDE / max(info.width, info.height))
    # H.264 in yuv420p wants even sides.
    return max(2, int(info.width * scale) // 2 * 2), max(2, int(info.height * scale) // 2 * 2)


def _video_graph(
    stream: av.video.stream.VideoStream, rotation: int, size: tuple[int, int]
) -> av.filter.Graph:
    graph = av.filter.Graph()
    chain = [graph.add_buffer(template=stream)]
    if rotation == 90:
        chain.append(graph.add("transpose", "cclock"))
    elif rotation == 270:
        chain.append(graph.add("transpose", "clock"))
    elif rotation == 180:
        chain += [graph.add("hflip"), graph.add("vflip")]
    chain.append(graph.add("scale", f"{size[0]}:{size[1]}"))
    chain.append(graph.add("format", "yuv420p"))
    chain.append(graph.add("buffersink"))
    for before, after in zip(chain, chain[1:], strict=False):
        before.link_to(after)
    graph.configure()
    return graph


def render(source: str, target: str, *, info: VideoInfo, timeout: float) -> tuple[int, int]:
    """Write the web-playable rendition of `source` to the file `target`: H.264 (CRF 23,
    veryfast) + AAC in MP4 with `moov` first, at most 1080p, upright, no metadata.
    Returns its (width, height). Raises VideoFailed with a reason."""
    size = _rendition_size(info)
    started = time.monotonic()
    frames_allowed = int(info.duration_ms / 1000 * MAX_FPS) + MAX_FPS
    frames = 0
    options = {"movflags": "+faststart", "fflags": "+bitexact"}
    try:
        with _open(source) as inp, av.open(target, "w", format="mp4", options=options) as out:
            vin = inp.streams.video[0]
            vin.thread_type = "AUTO"
            ain = inp.streams.audio[0] if inp.streams.audio else None
            graph = _video_graph(vin, info.rotation, size)
            rate = vin.average_rate or vin.guessed_rate or Fraction(30)
            vout = out.add_stream("libx264", rate=rate, options={"crf": "23", "preset": "veryfast"})
            vout.width, vout.height = size
            vout.pix_fmt = "yuv420p"
            # The source's own clock: a variable frame rate (most phones) keeps its timing.
            vout.codec_context.time_base = vin.time_base
            vout.time_base = vin.time_base
            aout = out.add_stream("aac", rate=48000, layout="stereo") if ain else None
            if aout is not None:
                aout.bit_rate = 128_000
            streams = [vin] if ain is None else [vin, ain]

            def encode_video(frame: av.VideoFrame | None) -> None:
                """Turn and scale (None flushes the filters), then encode what comes out."""
                graph.push(frame)
                while True:
                    try:
                        turned = cast(av.VideoFrame, graph.pull())
                    except (av.error.BlockingIOError, av.error.EOFError):
                        return
                    out.mux(vout.encode(turned))

            for packet in inp.demux(*streams):
                try:
                    decoded = packet.decode()
                except av.error.InvalidDataError:
                    continue  # one damaged packet: skip it, as players do
                for frame in decoded:
                    if packet.stream is vin and isinstance(frame, av.VideoFrame):
                        frames += 1
                        if frames > frames_allowed:
                            raise VideoFailed(
                                "This video has far more frames than its length allows."
                            )
                        encode_video(frame)
                    elif aout is not None and isinstance(frame, av.AudioFrame):
                        out.mux(aout.encode(frame))
                if time.monotonic() - started > timeout:
                    raise VideoFailed(
                        f"Making the playable version took longer than {round(timeout)} s."
                    )
            encode_video(None)
            out.mux(vout.encode(None))
            if aout is not None:
                out.mux(aout.encode(None))
            if frames == 0:
                raise VideoFailed("No picture of this video could be decoded.")
    except ImageRejected as exc:
        raise VideoFailed(str(exc)) from None
    except av.error.FFmpegError as exc:
        raise VideoFailed(f"The video could not be converted ({exc.strerror}).") from None
    return size


def strip_container(source: str, target: str, *, mime_type: str) -> None:
    """Copy the original's audio and video packets into a new file of the same kind, without
    a single tag of the container or its streams (no re-encode: the pictures are the
    owner's bytes). The rotation stays, as part of the picture's geometry."""
    muxer = _MUXERS[mime_type]
    with (
        _open(source) as inp,
        av.open(target, "w", format=muxer, options={"fflags": "+bitexact"}) as out,
    ):
        pairs = {}
        for stream in inp.streams:
            if stream.type in ("video", "audio"):
                pairs[stream.index] = out.add_stream_from_template(stream)
                pairs[stream.index].metadata.clear()
        for packet in inp.demux(*[s for s in inp.streams if s.index in pairs]):
            if packet.dts is None:
                continue  # the flush packet at the end of each stream
            packet.stream = pairs[packet.stream.index]
            out.mux(packet)
