"""How a 10,000-photo timeline feels in Chromium: time to the first 30 tiles on screen,
and the frame rate while scrolling through it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pikoshi_bench_browse \\
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python benchmarks/browse.py [--photos 10000]

The database named is emptied and seeded with one person's photos (one real upload
through the codecs; the other rows share its stored variants, so every tile is a real
image over the real media view). gunicorn runs with the production settings, as
`benchmarks/load.py` does; Chromium (the one the browser tests use) opens the timeline
signed in, with an empty cache, at 1366×900 and at 390×844. Printed side by side, from
the same run: the time until the first 30 tiles are decoded and on screen, the floor for
the same 30 files (fetched in parallel by the same page, straight from the media view),
and frames per second over 3 seconds of scrolling (the infinite scroll loading as it
goes) beside the display's own frame rate (requestAnimationFrame on an empty page).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from load import (  # noqa: E402 - the sibling benchmark's server helpers
    PYTHON,
    free_port,
    production_env,
    run,
    start_gunicorn,
    stop_gunicorn,
)

SEED_CODE = r"""
import json, sys
import django
django.setup()
from datetime import timedelta
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from allauth.account.models import EmailAddress
from accounts.models import User
from gallery.models import Photo
from gallery.services.photos import photo_upload
from gallery.tests import imagegen

count = int(sys.argv[1])
Photo.objects.all().delete()
User.objects.filter(email="bench-browse@example.com").delete()
user = User.objects.create_user(email="bench-browse@example.com", password=None)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
data = imagegen.jpeg(image=imagegen.photo_like((2000, 1500), seed=1))
model = photo_upload(owner=user, file=SimpleUploadedFile("a.jpg", data, "image/jpeg")).photo
now = timezone.now()
fields = {f: getattr(model, f) for f in (
    "original", "thumb", "mobile", "display", "mime_type", "bytes", "width", "height",
    "thumb_width", "thumb_height", "mobile_width", "mobile_height", "display_width",
    "display_height", "status")}
Photo.objects.bulk_create(
    [Photo(owner=user, sha256=f"{n:064x}", original_name=f"IMG_{n:05d}.JPG",
           taken_at=now - timedelta(hours=n), **fields) for n in range(1, count)],
    batch_size=5000,
)
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "allauth.account.auth_backends.AuthenticationBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key}))
"""

# Since the navigation began, until every tile on screen among the first 30 is decoded.
FIRST_TILES = """async () => {
    const onScreen = () => Array.from(document.querySelectorAll('[data-photo-grid] a.tile img'))
        .slice(0, 30).filter((img) => img.getBoundingClientRect().top < innerHeight);
    while (!onScreen().length || onScreen().some((img) => !img.complete || !img.naturalWidth)) {
        await new Promise((r) => requestAnimationFrame(r));
    }
    return performance.now();
}"""

FLOOR = """async () => {
    const urls = Array.from(document.querySelectorAll('[data-photo-grid] a.tile img'))
        .slice(0, 30).map((img) => img.currentSrc || img.src);
    const started = performance.now();
    await Promise.all(urls.map((u) => fetch(u, { cache: 'no-store', credentials: 'same-origin' })
        .then((r) => r.blob())));
    return performance.now() - started;
}"""

SCROLL_FPS = """async (scroll) => {
    let frames = 0;
    const started = performance.now();
    while (performance.now() - started < 3000) {
        if (scroll) window.scrollBy(0, 40);
        await new Promise((r) => requestAnimationFrame(r));
        frames += 1;
    }
    return frames / ((performance.now() - started) / 1000);
}"""


def measure(base: str, session: str, viewport: dict, rounds: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("PIKOSHI_CHROMIUM", "/usr/bin/chromium")
    first, floor, fps, idle = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        for attempt in range(rounds + 1):
            context = browser.new_context(base_url=base, viewport=viewport)
            context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            page = context.new_page()
            page.goto("/photos/")
            first.append(page.evaluate(FIRST_TILES))
            floor.append(page.evaluate(FLOOR))
            fps.append(page.evaluate(SCROLL_FPS, True))
            blank = context.new_page()
            blank.goto("/healthz")
            idle.append(blank.evaluate(SCROLL_FPS, False))
            context.close()
            if attempt == 0:  # the first warms the server's workers and the browser: not counted
                for values in (first, floor, fps, idle):
                    values.clear()
        browser.close()
    return {
        "first 30 tiles ms": statistics.median(first),
        "30 files fetched ms": statistics.median(floor),
        "scrolling fps": statistics.median(fps),
        "display fps": statistics.median(idle),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="pikoshi-browse-bench-") as tmp:
        env = production_env(str(Path(tmp) / "media"), port)
        print("Migrating and collecting static files ...", flush=True)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        print(f"Seeding {args.photos:,} photos ...", flush=True)
        seeded = run([PYTHON, "-c", SEED_CODE, str(args.photos)], env)
        session = json.loads(seeded.strip().splitlines()[-1])["session"]
        proc = start_gunicorn(env, Path(tmp) / "gunicorn.log", port)
        try:
            base = f"http://127.0.0.1:{port}"
            results = {
                name: measure(base, session, viewport, args.rounds)
                for name, viewport in (
                    ("laptop 1366x900", {"width": 1366, "height": 900}),
                    ("phone 390x844", {"width": 390, "height": 844}),
                )
            }
        finally:
            stop_gunicorn(proc)
    names = list(next(iter(results.values())))
    print(f"\nTimeline of {args.photos:,} photos, median of {args.rounds} cold loads")
    print(f"{'':<22}" + "".join(f"{name:>22}" for name in names))
    for where, values in results.items():
        print(f"{where:<22}" + "".join(f"{values[name]:>22.1f}" for name in names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
