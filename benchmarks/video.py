"""How fast and how lean is the video rendition? One run, side by side.

    .venv/bin/python benchmarks/video.py [--seconds 60]

The input is generated once and cached in the temp directory: a phone-like clip, 1920×1080
at 30 fps held on its side (a 90° display matrix), moving gradients and noise, H.264 at a
phone's bit rate with AAC sound. Each pipeline runs in a fresh subprocess, so its peak RSS
(ru_maxrss) is its own:

  project  gallery.imaging.video.render: decode, turn upright, scale, x264 veryfast CRF 23,
           AAC 128 kb/s, faststart (what the render task runs)
  floor    decoding every frame and nothing else: no conversion can be faster
  ffmpeg   the ffmpeg command with the same settings, where it is installed

Printed: wall time, CPU time, × realtime (clip length / wall time: above 1 is faster than
playing it) and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE = Path(tempfile.gettempdir()) / "pikoshi-video-bench-v4"


def make_clip(path: Path, seconds: int) -> None:
    import av
    from PIL import Image, ImageDraw

    fps = 30
    with av.open(str(path), "w", format="mov") as out:
        video = out.add_stream("libx264", rate=fps, options={"preset": "ultrafast", "crf": "26"})
        video.width, video.height, video.pix_fmt = 1920, 1080, "yuv420p"
        video.set_display_rotation(90)
        sound = out.add_stream("aac", rate=48000, layout="stereo")
        noise = Image.effect_noise((1920, 1080), 40).convert("RGB")
        for index in range(seconds * fps):
            frame = Image.linear_gradient("L").resize((1920, 1080)).convert("RGB")
            draw = ImageDraw.Draw(frame)
            x = (index * 23) % 1920
            draw.rectangle((x, 200, x + 300, 700), fill=(200, 60, 40))
            frame = Image.blend(frame, noise.rotate(index % 360), 0.1)
            out.mux(video.encode(av.VideoFrame.from_image(frame)))
        out.mux(video.encode(None))
        size = sound.codec_context.frame_size or 1024
        for index in range(seconds * 48000 // size):
            samples = av.AudioFrame(format="fltp", layout="stereo", samples=size)
            for plane in samples.planes:
                plane.update(bytes(plane.buffer_size))
            samples.sample_rate, samples.pts = 48000, index * size
            out.mux(sound.encode(samples))
        out.mux(sound.encode(None))


def worker(kind: str, source: str, target: str) -> None:
    """Run one pipeline in this process and print its numbers as JSON."""
    import av

    started, cpu = time.monotonic(), time.process_time()
    if kind == "project":
        from gallery.imaging import video

        info = video.probe(source, mime_type="video/quicktime", max_seconds=3600, max_pixels=10**8)
        video.render(source, target, info=info, timeout=3600)
    elif kind == "floor":
        with av.open(source) as container:
            container.streams.video[0].thread_type = "AUTO"
            for _ in container.decode(video=0):
                pass
    wall = time.monotonic() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "cpu": time.process_time() - cpu, "rss": rss}))


def run(kind: str, source: Path, target: Path) -> dict:
    if kind == "ffmpeg":
        command = [
            shutil.which("ffmpeg") or "ffmpeg", "-loglevel", "error", "-y", "-i", str(source),
            "-vf", "scale=-2:'min(1920,ih)'", "-c:v", "libx264", "-preset", "veryfast",
            "-crf", "23", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart",
            "-map_metadata", "-1", "-fflags", "+bitexact", str(target),
        ]  # fmt: skip
        started = time.monotonic()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, check=True)  # noqa: S603 - the ffmpeg found on PATH
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "wall": time.monotonic() - started,
            "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "rss": after.ru_maxrss / 1024,
        }
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--worker", kind, str(source), str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--worker", nargs=3)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    CACHE.mkdir(exist_ok=True)
    source = CACHE / f"phone-1080p30-{args.seconds}s.mov"
    if not source.exists():
        print(f"making the {args.seconds} s test clip (once)…", flush=True)
        make_clip(source, args.seconds)
    kinds = ["floor", "project"] + (["ffmpeg"] if shutil.which("ffmpeg") else [])
    print(f"{args.seconds} s 1080p30 phone clip, {source.stat().st_size / 1e6:.1f} MB")
    print(f"{'pipeline':<9} {'wall s':>8} {'cpu s':>8} {'× realtime':>11} {'peak RSS MB':>12}")
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            result = results[kind] = run(kind, source, Path(folder) / f"{kind}.mp4")
            print(
                f"{kind:<9} {result['wall']:>8.1f} {result['cpu']:>8.1f} "
                f"{args.seconds / result['wall']:>11.2f} {result['rss']:>12.0f}",
                flush=True,
            )
    if "ffmpeg" in results:
        ratio = results["project"]["wall"] / results["ffmpeg"]["wall"]
        print(f"project / ffmpeg wall time: {ratio:.2f}")
    else:
        print("ffmpeg is not installed here: no ratio to it (apt-get install ffmpeg to add it)")


if __name__ == "__main__":
    main()
