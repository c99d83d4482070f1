"""Real video files for the tests, written by the same FFmpeg libraries Pikoshi reads them
with: short clips of the marked picture (imagegen.marked), with the place, the device and
the marker planted where phones and editors put them — the container's tags (QuickTime
`udta` ©xyz/©mak/©mod, the Apple `meta`/`keys` list, Matroska tags), the streams' tags,
and an XMP packet in a `uuid` box."""

import tempfile
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

from gallery.tests import imagegen, planted

ISO6709 = f"{planted.LATITUDE:+08.4f}{planted.LONGITUDE:+09.4f}/"
XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
FORMATS = {"mov": "mov", "mp4": "mp4", "webm": "webm", "mkv": "matroska", "3gp": "3gp"}
CODECS = {"webm": ("libvpx-vp9", "libopus"), "mkv": ("libvpx-vp9", "libopus")}
UPRIGHT = (96, 64)


def planted_tags() -> dict[str, str]:
    marker = planted.MARKER.decode()
    return {
        "location": ISO6709,
        "make": planted.MAKE,
        "model": planted.MODEL,
        "comment": marker,
        "title": marker,
        "creation_time": "2024-05-06T07:08:09.000000Z",
        "com.apple.quicktime.location.ISO6709": ISO6709,
        "com.apple.quicktime.make": planted.MAKE,
        "com.apple.quicktime.model": planted.MODEL,
        "com.apple.quicktime.creationdate": "2024-05-06T09:08:09+0200",
        "com.apple.quicktime.software": marker,
    }


def clip(
    kind: str = "mov",
    *,
    seconds: float = 1.0,
    fps: int = 10,
    size: tuple[int, int] = UPRIGHT,
    rotation: int = 0,
    audio: bool = True,
    tags: bool = True,
    content_id: str | None = None,
) -> bytes:
    """A clip of the marked picture that plays upright; stored turned by `rotation`
    degrees (counter-clockwise, as a display matrix says) the way a phone held on its side
    stores it. `content_id` makes it a Live Photo's motion (Apple's key, in meta/keys)."""
    picture = imagegen.marked(size)
    stored = picture.rotate(-rotation, expand=True) if rotation else picture
    vcodec, acodec = CODECS.get(kind, ("libx264", "aac"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"clip.{kind}"
        keyed = kind == "mov" and (tags or content_id)
        options = {"movflags": "use_metadata_tags"} if keyed else {}
        with av.open(str(path), "w", format=FORMATS[kind], options=options) as out:
            if tags:
                out.metadata.update(planted_tags())
            if content_id:
                out.metadata["com.apple.quicktime.content.identifier"] = content_id
            video = out.add_stream(vcodec, rate=fps)
            video.width, video.height = stored.size
            video.pix_fmt = "yuv420p"
            if tags:
                video.metadata["title"] = planted.MARKER.decode()
            if rotation:
                video.set_display_rotation(rotation)
            sound = out.add_stream(acodec, rate=48000, layout="stereo") if audio else None
            frames = max(1, round(seconds * fps))
            for index in range(frames):
                frame = av.VideoFrame.from_image(stored.convert("RGB"))
                frame.pts = index
                out.mux(video.encode(frame))
            out.mux(video.encode(None))
            if sound is not None:
                _silence(out, sound, seconds)
        data = path.read_bytes()
    if tags and kind in ("mov", "mp4", "3gp"):
        xmp = planted.xmp()
        data += (8 + 16 + len(xmp)).to_bytes(4, "big") + b"uuid" + XMP_UUID + xmp
    return data


def _silence(out, stream, seconds: float) -> None:
    size = stream.codec_context.frame_size or 960
    for index in range(max(1, int(seconds * 48000 / size))):
        frame = av.AudioFrame(format="fltp", layout="stereo", samples=size)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate = 48000
        frame.pts = index * size
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def audio_only() -> bytes:
    """An M4A-like MP4 with sound and no picture."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sound.mp4"
        with av.open(str(path), "w", format="mp4") as out:
            _silence(out, out.add_stream("aac", rate=48000, layout="stereo"), 1.0)
        return path.read_bytes()


def frames_of(data: bytes, suffix: str = ".mp4") -> list[Image.Image]:
    """Every picture of a video, upright as a player shows it."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as file:
        file.write(data)
        file.flush()
        with av.open(file.name) as container:
            pictures = []
            for frame in container.decode(video=0):
                image = frame.to_image()
                if frame.rotation:
                    image = image.rotate(round(frame.rotation), expand=True)
                pictures.append(image)
            return pictures


def sparse(seconds: int, *, size: tuple[int, int] = (32, 32), frames: int = 3) -> bytes:
    """A black clip that lasts `seconds` (hours, if asked) in a handful of frames: a
    variable frame rate file whose frames are shown for a long time each, as a screen
    recorder writes a still screen. Made in a blink, it looks as long as a real one."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "black.mp4"
        with av.open(str(path), "w", format="mp4") as out:
            stream = out.add_stream("libx264", rate=1)
            stream.width, stream.height = size
            stream.pix_fmt = "yuv420p"
            stream.codec_context.time_base = Fraction(1, 1)
            black = Image.new("RGB", size)
            for index in range(frames):
                frame = av.VideoFrame.from_image(black)
                frame.pts = round(index * seconds / (frames - 1)) if frames > 1 else 0
                frame.time_base = Fraction(1, 1)
                out.mux(stream.encode(frame))
            out.mux(stream.encode(None))
        return path.read_bytes()
