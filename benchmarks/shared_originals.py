"""What does a link holder's download of a shared HEIC original cost, next to a variant?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pikoshi_bench \\
    REDIS_URL=redis://127.0.0.1:6379/10 \\
    .venv/bin/python benchmarks/shared_originals.py [--requests 40]

Stripping a HEIC re-encodes it, so the first download for a policy is expensive by nature;
what must be cheap is every download after it (docs/sharing.md, "Shared originals are made
once"). One run, side by side, all over real HTTP on loopback:

1. gunicorn as benchmarks/load.py runs it (production settings, PostgreSQL and Redis from
   the environment, media in a temporary folder), on a free 127.0.0.1 port.
2. One person uploads a generated 12 MP HEIC (photo-like pixels, with GPS, camera and XMP;
   cached in the temp directory, nothing is downloaded) and makes a link with downloads on.
3. The link's original is downloaded once (the copy is made), then `--requests` times more,
   in blocks alternating with as many downloads of the two references, so a busy moment of
   the shared machine weighs on all alike: the display variant (what the issue measures
   against) and the owner's own download of the original (the same path with a file of
   about the same size and nothing to strip).

Printed per kind: bytes, wall time per request (median and p95, the client included) and the
server's CPU time per request (gunicorn's process group, from /proc). Server CPU is what a
download costs the service (the first one re-encodes for tens of seconds); wall time on
loopback mostly counts the bytes moved, some 80 times those of a display variant, which is
why the owner's download is the reference for it. The run fails when a second download
costs more than twice a display download in server CPU, more than twice the owner's
download in median time, or when a downloaded original still carries a planted place,
camera or marker.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from load import (  # noqa: E402 - the sibling benchmark's server helpers
    PYTHON,
    free_port,
    group_cpu_seconds,
    production_env,
    run,
    start_gunicorn,
    stop_gunicorn,
)

CACHE = Path(tempfile.gettempdir()) / "pikoshi-shared-originals-bench-v1"
SIZE = (4032, 3024)  # an iPhone's 12 MP
BLOCKS = 4  # the blocks of each kind alternate this many times
KINDS = ("original", "display", "owner")

SEED_CODE = r"""
import json, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from allauth.account.models import EmailAddress
from accounts.models import User
from gallery import media
from gallery.services import photos as photo_services
from gallery.services import sharing as sharing_services

run_id, path = sys.argv[1], sys.argv[2]
email = f"bench-{run_id}@example.com"
user = User.objects.create_user(email=email, password=None, display_name="Bench")
EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
with open(path, "rb") as stream:
    file = SimpleUploadedFile("IMG_0001.HEIC", stream.read(), content_type="image/heic")
photo = photo_services.photo_upload(owner=user, file=file).photo
link = sharing_services.share_link_create(
    user=user, album=photo.album, allow_download=True
).link
print(json.dumps({
    "original": media.media_url(photo=photo, variant="original", link=link),
    "display": media.media_url(photo=photo, variant="display", link=link),
    "owner": media.media_url(photo=photo, variant="original", user=user),
}))
"""


def heic_input() -> Path:
    """The 12 MP HEIC, generated once and kept in the temp directory."""
    path = CACHE / "heic12.heic"
    if path.exists():
        return path
    import pillow_heif

    from gallery.tests import imagegen, planted

    pillow_heif.register_heif_opener(thumbnails=False)
    CACHE.mkdir(exist_ok=True)
    print("Generating the 12 MP HEIC (once; cached) ...", flush=True)
    out = io.BytesIO()
    imagegen.photo_like(SIZE, seed=7).save(
        out,
        "HEIF",
        quality=80,
        exif=planted.exif(orientation=6).tobytes(),
        xmp=planted.xmp(),
    )
    path.write_bytes(out.getvalue())
    return path


def timed_get(client: httpx.Client, url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}")
    return elapsed, response.content


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(client: httpx.Client, urls: dict[str, str], pgid: int, requests: int) -> dict:
    """Wall times and server CPU per kind, in alternating blocks."""
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu = dict.fromkeys(KINDS, 0.0)
    sizes = {}
    per_block = max(1, requests // BLOCKS)
    for _ in range(BLOCKS):
        for kind in KINDS:
            before = group_cpu_seconds(pgid)
            for _ in range(per_block):
                elapsed, body = timed_get(client, urls[kind])
                times[kind].append(elapsed)
                sizes[kind] = len(body)
            cpu[kind] += group_cpu_seconds(pgid) - before
    return {
        kind: {
            "requests": len(times[kind]),
            "bytes": sizes[kind],
            "median_ms": statistics.median(times[kind]) * 1000,
            "p95_ms": percentile(times[kind], 0.95) * 1000,
            "cpu_ms": cpu[kind] / len(times[kind]) * 1000,
        }
        for kind in times
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="of each kind, after the first")
    args = parser.parse_args()
    if not 0 < args.requests <= 400:
        parser.error("--requests must be between 1 and 400")

    from gallery.tests import planted

    source = heic_input()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="pikoshi-shared-bench-") as tmp:
        env = production_env(str(Path(tmp) / "media"), port)
        print("Migrating and collecting static files ...", flush=True)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        print("Uploading the HEIC and making a link ...", flush=True)
        seeded = run([PYTHON, "-c", SEED_CODE, secrets.token_hex(4), str(source)], env)
        urls = {
            kind: f"http://127.0.0.1:{port}{path}"
            for kind, path in json.loads(seeded.strip().splitlines()[-1]).items()
        }
        proc = start_gunicorn(env, Path(tmp) / "gunicorn.log", port)
        try:
            with httpx.Client(timeout=300) as client:
                before = group_cpu_seconds(proc.pid)
                first_time, first = timed_get(client, urls["original"])
                first_cpu = group_cpu_seconds(proc.pid) - before
                timed_get(client, urls["display"])  # warm the display path alike
                results = measure(client, urls, proc.pid, args.requests)
                _, last = timed_get(client, urls["original"])
        finally:
            stop_gunicorn(proc)

    leaks = planted.leaks(first) + planted.leaks(last)
    print(f"\n12 MP HEIC original {source.stat().st_size:,} bytes uploaded; link, downloads on.")
    print(f"{'download':<28} {'requests':>8} {'bytes':>11} {'median ms':>10} {'p95 ms':>8}", end="")
    print(f" {'server CPU ms/req':>18}")
    print(
        f"{'original, first (strips)':<28} {1:>8} {len(first):>11,} {first_time * 1000:>10.1f}"
        f" {'':>8} {first_cpu * 1000:>18.1f}"
    )
    labels = {
        "original": "original, second and later",
        "display": "display variant",
        "owner": "owner's own original",
    }
    for kind, label in labels.items():
        row = results[kind]
        print(
            f"{label:<28} {row['requests']:>8} {row['bytes']:>11,} {row['median_ms']:>10.1f}"
            f" {row['p95_ms']:>8.1f} {row['cpu_ms']:>18.1f}"
        )
    second = results["original"]
    cpu_ratio = second["cpu_ms"] / max(results["display"]["cpu_ms"], 1e-9)
    display_time = second["median_ms"] / results["display"]["median_ms"]
    owner_time = second["median_ms"] / results["owner"]["median_ms"]
    print(f"\nsecond original / display variant: server CPU {cpu_ratio:.2f}x, ", end="")
    bytes_ratio = second["bytes"] / results["display"]["bytes"]
    print(f"median time {display_time:.2f}x (for {bytes_ratio:.0f}x the bytes)")
    print(f"second original / owner's original: median time {owner_time:.2f}x")
    print(f"first original / second: server CPU {first_cpu * 1000 / second['cpu_ms']:.0f}x")
    failed = False
    if leaks:
        print(f"FAIL: a downloaded original still carries {leaks}")
        failed = True
    if cpu_ratio > 2:
        print("FAIL: a second download costs the server more than 2x a display download")
        failed = True
    if owner_time > 2:
        print("FAIL: a second download takes more than 2x the owner's download of the original")
        failed = True
    if not failed:
        print("OK: a second download costs the server at most 2x a display download.")
    return 1 if failed else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
