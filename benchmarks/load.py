"""Load test: many people browsing timelines, opening photos and uploading, at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pikoshi_load \\
    REDIS_URL=redis://127.0.0.1:6379/10 \\
    .venv/bin/python benchmarks/load.py [--users 50] [--seconds 60] [--photos-per-user 4]

What it does, all on loopback and bounded in time:
1. Runs gunicorn the way `make serve` does (migrate, collectstatic, pikoshi/gunicorn.conf.py)
   with production settings: DEBUG off, a SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no HTTPS
   redirect, Argon2, whitenoise, PostgreSQL and Redis from the environment, media in a
   temporary folder. gunicorn binds a free 127.0.0.1 port.
2. Seeds `--users` people (fresh addresses every run), each with a few real photos uploaded
   through gallery.services, and hands each a Bearer token (the API needs no cookies, so
   the secure-cookie settings stay as in production).
3. Runs one asyncio task per person for `--seconds`: each loops over
     - the timeline       GET /api/photos/?limit=30 (and the next page now and then)
     - a photo            GET /api/photos/<id>/ then its thumbnail GET /media/<token>/
     - an upload          POST /api/photos/ with a fresh small JPEG (1 in 10 actions)
   without think time (closed loop: the numbers are the capacity of this machine).
4. Prints requests/s, p50/p95/p99 per endpoint and the error count, stops gunicorn and
   exits non-zero if any request failed.

The client runs on the same machine as the server and takes CPU from it; the load average
before and after is printed so a busy machine shows in the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

SEED_CODE = r"""
import io, json, random, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from accounts.models import User
from accounts.api.tokens import token_pair_issue
from allauth.account.models import EmailAddress
from gallery.services import photos as photo_services

run, users, per_user = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(run)

def photo(seed):
    im = Image.new("RGB", (800, 600), (rnd.randrange(256), rnd.randrange(256), 120))
    draw = ImageDraw.Draw(im)
    for _ in range(30):
        x, y = rnd.randrange(800), rnd.randrange(600)
        draw.ellipse((x, y, x + rnd.randrange(20, 200), y + rnd.randrange(20, 200)),
                     fill=tuple(rnd.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return out.getvalue()

people = []
for index in range(users):
    email = f"load-{run}-{index}@example.com"
    user = User.objects.create_user(email=email, password=None, display_name=f"Load {index}")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    ids = []
    for n in range(per_user):
        file = SimpleUploadedFile(f"seed-{n}.jpg", photo(n), content_type="image/jpeg")
        ids.append(str(photo_services.photo_upload(owner=user, file=file).photo.public_id))
    people.append({"token": token_pair_issue(user=user).access, "photos": ids})
print(json.dumps(people))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(media_root: str, port: int) -> dict:
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    if missing:
        sys.exit(f"Set {' and '.join(missing)}: the load test runs on PostgreSQL and Redis.")
    env = {**os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="pikoshi.settings",
        DEBUG="0",
        SECRET_KEY=os.environ.get("LOAD_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        MEDIA_ROOT=media_root,
        BIND=f"127.0.0.1:{port}",
        JWT_ACCESS_MINUTES="60",  # tokens must outlive the run
        THROTTLE_UPLOAD="100000/min",  # measure the server, not the throttle
        REQUEST_LOG="0",  # one JSON line per request would measure the terminal
        PYTHONUNBUFFERED="1",
    )
    env.pop("DB_CONN_MAX_AGE", None)
    return env


def run(cmd: list[str], env: dict) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and commands
        cmd, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def start_gunicorn(env: dict, log_path: Path, port: int) -> subprocess.Popen:
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(  # noqa: S603
        [GUNICORN, "pikoshi.wsgi", "-c", "pikoshi/gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as one below
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited early; see {log_path}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_gunicorn(proc)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


class Upload:
    """Fresh, distinct small JPEGs for the upload action, built off the event loop."""

    def __init__(self, seed: int):
        from PIL import Image

        self._rnd = random.Random(seed)
        self._base = Image.new("RGB", (640, 480), (90, 140, 200))

    def next(self) -> bytes:
        im = self._base.copy()
        for _ in range(8):
            x, y = self._rnd.randrange(600), self._rnd.randrange(440)
            colour = tuple(self._rnd.randrange(256) for _ in range(3))
            im.paste(colour, (x, y, x + self._rnd.randrange(5, 40), y + self._rnd.randrange(5, 40)))
        out = io.BytesIO()
        im.save(out, "JPEG", quality=85)
        return out.getvalue()


class Stats:
    def __init__(self):
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []

    def record(self, name: str, started: float, response: httpx.Response | None, expect):
        elapsed = (time.perf_counter() - started) * 1000
        self.latencies[name].append(elapsed)
        if response is None or response.status_code not in expect:
            self.errors[name] += 1
            if len(self.samples) < 5:
                status = "no answer" if response is None else response.status_code
                body = "" if response is None else response.text[:200]
                self.samples.append(f"{name}: {status} {body}")


async def person(client, person, stats: Stats, stop_at: float, rnd: random.Random, uploads):
    headers = {"Authorization": f"Bearer {person['token']}"}
    photos = list(person["photos"])

    async def call(name, method, url, expect=(200,), **kwargs):
        started = time.perf_counter()
        try:
            response = await client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            stats.record(name, started, None, expect)
            if len(stats.samples) < 5:
                stats.samples.append(f"{name}: {exc!r}")
            return None
        stats.record(name, started, response, expect)
        return response

    while time.monotonic() < stop_at:
        action = rnd.random()
        if action < 0.5:
            response = await call("timeline", "GET", "/api/photos/?limit=30")
            if response is not None and response.status_code == 200:
                body = response.json()
                photos = [item["id"] for item in body["results"]] or photos
                if body["next"] and rnd.random() < 0.2:
                    await call("timeline", "GET", body["next"])
        elif action < 0.9:
            photo_id = rnd.choice(photos)
            response = await call("photo", "GET", f"/api/photos/{photo_id}/")
            if response is not None and response.status_code == 200:
                await call("thumb", "GET", response.json()["urls"]["thumb"])
        else:
            data = await asyncio.to_thread(uploads.next)
            response = await call(
                "upload",
                "POST",
                "/api/photos/",
                expect=(201,),
                files={"file": ("load.jpg", data, "image/jpeg")},
            )
            if response is not None and response.status_code == 201:
                photos.append(response.json()["id"])


async def drive(base_url: str, people: list[dict], seconds: float, seed: int) -> Stats:
    stats = Stats()
    limits = httpx.Limits(max_connections=len(people), max_keepalive_connections=len(people))
    timeout = httpx.Timeout(30.0)
    uploads = Upload(seed)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout) as client:
        stop_at = time.monotonic() + seconds
        await asyncio.gather(
            *(
                person(client, p, stats, stop_at, random.Random(seed + i), uploads)
                for i, p in enumerate(people)
            )
        )
    return stats


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def cpu_seconds(who) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def group_cpu_seconds(pgid: int) -> float:
    """CPU time of gunicorn's process group so far (workers, plus workers the master
    already reaped), read from /proc so start-up and imports can be left out."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) != pgid:  # fields[2] is pgrp (field 5 of proc(5))
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
        if stat.parent.name == str(pgid):
            ticks += int(fields[13]) + int(fields[14])  # cutime, cstime of the master
    return ticks / os.sysconf("SC_CLK_TCK")


def report(stats: Stats, elapsed: float, args, load_before, load_after, cpu: dict) -> int:
    total = sum(len(v) for v in stats.latencies.values())
    errors = sum(stats.errors.values())
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    print(f"\nMachine: {os.cpu_count()} cores, {model}")
    print(f"Load average before/after: {load_before:.2f} / {load_after:.2f}")
    print(f"Users: {args.users}, duration: {elapsed:.1f} s, requests: {total}, errors: {errors}")
    print(f"Throughput: {total / elapsed:.1f} requests/s\n")
    print(f"{'endpoint':<10} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name in ("timeline", "photo", "thumb", "upload"):
        values = stats.latencies.get(name, [])
        if not values:
            continue
        print(
            f"{name:<10} {len(values):>7} {len(values) / elapsed:>7.1f} "
            f"{statistics.median(values):>8.1f} {percentile(values, 0.95):>8.1f} "
            f"{percentile(values, 0.99):>8.1f}"
        )
    # CPU time does not depend on what else the machine is doing, unlike the timings above.
    per_request = cpu["server"] * 1000 / max(total, 1)
    print(
        f"\nCPU: server (gunicorn master + workers) {cpu['server']:.1f} s = "
        f"{per_request:.1f} ms per request; load client {cpu['client']:.1f} s"
    )
    capacity = os.cpu_count() * 1000 / max(per_request, 0.001)
    print(f"Server capacity on {os.cpu_count()} idle cores: ~{capacity:.0f} requests/s of this mix")
    print(f"\nErrors: {errors} {dict(stats.errors) if errors else ''}")
    for sample in stats.samples:
        print("  " + sample)
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--photos-per-user", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be between 0 and 600")

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="pikoshi-load-") as tmp:
        media_root = str(Path(tmp) / "media")
        env = production_env(media_root, port)
        print("Migrating and collecting static files ...", flush=True)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        run_id = secrets.token_hex(4)
        print(f"Seeding {args.users} people x {args.photos_per_user} photos ...", flush=True)
        people = json.loads(
            run(
                [PYTHON, "-c", SEED_CODE, run_id, str(args.users), str(args.photos_per_user)],
                env,
            )
            .strip()
            .splitlines()[-1]
        )
        log_path = Path(tmp) / "gunicorn.log"
        proc = start_gunicorn(env, log_path, port)
        try:
            print(f"gunicorn on 127.0.0.1:{port}; {args.users} users for {args.seconds:g} s ...")
            load_before = os.getloadavg()[0]
            client_before = cpu_seconds(resource.RUSAGE_SELF)
            server_before = group_cpu_seconds(proc.pid)
            started = time.monotonic()
            stats = asyncio.run(drive(f"http://127.0.0.1:{port}", people, args.seconds, args.seed))
            elapsed = time.monotonic() - started
            client_cpu = cpu_seconds(resource.RUSAGE_SELF) - client_before
            server_cpu = group_cpu_seconds(proc.pid) - server_before
            load_after = os.getloadavg()[0]
        finally:
            stop_gunicorn(proc)
        cpu = {"server": server_cpu, "client": client_cpu}
        code = report(stats, elapsed, args, load_before, load_after, cpu)
        if code:
            print("\nLast lines of the gunicorn log:")
            print("\n".join(log_path.read_text(errors="replace").splitlines()[-30:]))
        return code


if __name__ == "__main__":
    sys.exit(main())
