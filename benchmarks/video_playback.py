"""How soon does a video start playing, and a seek land? Time to the first byte of the
rendition through the media view with a Range request, side by side with two floors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pikoshi_bench_video \\
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python benchmarks/video_playback.py

The database named is emptied of the benchmark's person and seeded with one real video:
the clip benchmarks/video.py makes (60 s of 1080p30, cached in the temp directory),
uploaded through photo_upload, so its rendition is the real one. gunicorn runs with the
production settings (benchmarks/load.py). Each request is made --rounds times with a new
connection; the median and 95th percentile are printed for:

  healthz  GET /healthz: the floor of any request through gunicorn and Django
  start    the media view, Range bytes=0-65535 of the rendition (what a player asks first)
  seek     the media view, 64 KiB from the middle (a seek), access checked again
  disk     the same 64 KiB read from the stored file in this process: the storage floor
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from load import (  # noqa: E402 - the sibling benchmark's server helpers
    PYTHON,
    free_port,
    production_env,
    run,
    start_gunicorn,
    stop_gunicorn,
)
from video import CACHE, make_clip  # noqa: E402

SEED_CODE = r"""
import json, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from allauth.account.models import EmailAddress
from accounts.models import User
from gallery import media
from gallery.services.photos import photo_upload

User.objects.filter(email="bench-video@example.com").delete()
user = User.objects.create_user(email="bench-video@example.com", password=None)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
data = open(sys.argv[1], "rb").read()
file = SimpleUploadedFile("IMG_0042.MOV", data, "video/quicktime")
video = photo_upload(owner=user, file=file).photo
video.refresh_from_db()
assert video.is_ready, video.failure_reason
url = media.media_url(photo=video, variant="video", user=user)
print(json.dumps({"url": url, "path": video.video.path, "bytes": video.video_bytes}))
"""

PART = 65536


def first_byte(url: str, headers: dict) -> float:
    """Seconds from sending the request to holding the first byte of the body."""
    with httpx.Client(timeout=30) as client:  # a new connection each time
        started = time.perf_counter()
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code not in (200, 206):
                sys.exit(f"{url} answered {response.status_code}")
            next(response.iter_raw())
            return time.perf_counter() - started


def disk_read(path: str, offset: int) -> float:
    started = time.perf_counter()
    with open(path, "rb") as stored:
        stored.seek(offset)
        stored.read(PART)
    return time.perf_counter() - started


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(times) * 1000:>9.2f} {p95 * 1000:>9.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    source = CACHE / f"phone-1080p30-{args.seconds}s.mov"
    if not source.exists():
        print(f"making the {args.seconds} s test clip (once)…", flush=True)
        make_clip(source, args.seconds)
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = production_env(str(Path(folder) / "media"), port)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        print("uploading the clip and making its rendition…", flush=True)
        seeded = json.loads(run([PYTHON, "-c", SEED_CODE, str(source)], env).splitlines()[-1])
        server = start_gunicorn(env, Path(folder) / "gunicorn.log", port)
        try:
            base = f"http://127.0.0.1:{port}"
            url, middle = base + seeded["url"], seeded["bytes"] // 2
            cases = {
                "healthz": lambda: first_byte(f"{base}/healthz", {}),
                "start": lambda: first_byte(url, {"Range": f"bytes=0-{PART - 1}"}),
                "seek": lambda: first_byte(url, {"Range": f"bytes={middle}-{middle + PART - 1}"}),
                "disk": lambda: disk_read(seeded["path"], middle),
            }
            for case in cases.values():
                case()  # warm up: imports, connections, the page cache
            print(f"rendition {seeded['bytes'] / 1e6:.1f} MB; {args.rounds} rounds, ms")
            print(f"{'request':<8} {'median':>9} {'p95':>9}")
            for name, case in cases.items():
                print(f"{name:<8} {summary([case() for _ in range(args.rounds)])}", flush=True)
        finally:
            stop_gunicorn(server)


if __name__ == "__main__":
    main()
