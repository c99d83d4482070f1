"""Does the library stay flat as it grows? Timeline, album page, search and a bulk add of
500 ids, at 1,000 and 100,000 photos (2,000 albums at the largest) for one person.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pikoshi_bench_library \\
    .venv/bin/python benchmarks/library.py [--sizes 1000 100000] [--rounds 15]

PostgreSQL only (the numbers are about its indexes). The database named is emptied of
gallery rows and seeded for each size with bulk inserts (no image files: the requests
measured read rows and sign media URLs, they never open a file). Each request goes through
the whole Django stack in process, with the production settings' middleware, signed in
by session; printed per size and request: p50 and p95 server time over `--rounds`
interleaved rounds, and the number of SQL queries. The reference in the same run is the
naive search, a case-insensitive substring scan over the same texts (what the embedded
SQLite does), next to the full-text search with its GIN indexes.

The run fails if, from the smallest size to the largest, the p50 of the timeline, the
album page or the search grows by more than 1.2 times (plus 2 ms of noise), if the bulk
add takes more than 10 statements (its BEGIN and COMMIT included), or if the search at
the largest size takes 50 ms or more.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pikoshi.settings")
os.environ.setdefault("DEBUG", "1")  # the development key is fine for a local run
os.environ.setdefault("PIKOSHI_MEDIA_URL_MAX_AGE", "3600")

import django  # noqa: E402

django.setup()
# One JSON line per request would drown the table.
logging.getLogger("pikoshi.requests").setLevel(logging.WARNING)

from allauth.account.models import EmailAddress  # noqa: E402
from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from gallery import permissions  # noqa: E402
from gallery.models import Album, AlbumEntry, Photo  # noqa: E402
from gallery.selectors import photos as photo_selectors  # noqa: E402
from gallery.selectors import search as search_selectors  # noqa: E402

# Django forgets the queries at the start of each request; they are counted here.
request_started.disconnect(reset_queries)

WORDS = ["harbour", "meadow", "birthday", "lighthouse", "garden", "market", "glacier", "tram"]
BATCH = 5000


def seed(size: int) -> tuple[User, Album, list[str]]:
    Photo.objects.all().delete()
    Album.objects.all().delete()
    User.objects.filter(email="bench-library@example.com").delete()
    user = User.objects.create_user(email="bench-library@example.com", password=None)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    album_count = max(size // 50, 1)
    albums = Album.objects.bulk_create(
        Album(owner=user, title=f"Album {n} {WORDS[n % len(WORDS)]}") for n in range(album_count)
    )
    now = timezone.now()
    for start in range(0, size, BATCH):
        photos = Photo.objects.bulk_create(
            Photo(
                owner=user,
                title=f"{WORDS[n % len(WORDS)]} {n}" if n % 3 else "",
                original_name=f"IMG_{n:06d}.JPG",
                original=f"originals/bench/{n}.jpg",
                sha256=f"{n:064x}",
                mime_type="image/jpeg",
                bytes=2_000_000,
                width=4032,
                height=3024,
                thumb=f"variants/bench/{n}/thumb.webp",
                mobile=f"variants/bench/{n}/mobile.webp",
                display=f"variants/bench/{n}/display.webp",
                thumb_width=300,
                thumb_height=225,
                mobile_width=480,
                mobile_height=360,
                display_width=1600,
                display_height=1200,
                taken_at=now - timezone.timedelta(minutes=n),
            )
            for n in range(start, min(start + BATCH, size))
        )
        AlbumEntry.objects.bulk_create(
            AlbumEntry(album=albums[(start + i) % album_count], photo=photo, added_by=user)
            for i, photo in enumerate(photos)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The rarest word: a search that finds a few photos among all of them.
    Photo.objects.filter(pk=Photo.objects.order_by("?").values("pk")[:1]).update(
        title="Zanzibar sunrise"
    )
    ids = [
        str(p)
        for p in Photo.objects.order_by("-taken_at").values_list("public_id", flat=True)[:500]
    ]
    return user, albums[len(albums) // 2], ids


def timed(call, rounds: int, before=lambda: None) -> tuple[float, float, int]:
    """p50 and p95 ms of `call` over `rounds`, and its queries; `before` runs untimed."""
    before()
    answer = call()  # warm
    status = getattr(answer, "status_code", 200)
    if status != 200:
        raise SystemExit(f"benchmarks/library.py: a request answered {status}")
    before()
    with CaptureQueriesContext(connection) as queries:
        call()
    times = []
    for _ in range(rounds):
        before()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def naive_search(user: User, word: str) -> int:
    filters = search_selectors.SearchFilters(text=word)
    photos = permissions.visible_photos(user).order_by("-taken_at", "-id")
    return len(search_selectors.substring_matches(photos, user, filters.words)[:31])


def measure(size: int, rounds: int) -> dict[str, tuple[float, float, int]]:
    user, album, ids = seed(size)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    other = Album.objects.create(owner=user, title="Bulk target")
    results = {
        "timeline": timed(lambda: client.get("/api/photos/"), rounds),
        "timeline 95 % deep": None,
        "album page": timed(lambda: client.get(f"/api/albums/{album.public_id}/photos/"), rounds),
        "search (full text)": timed(lambda: client.get("/api/search/", {"q": "zanzibar"}), rounds),
        "search (naive scan)": timed(lambda: naive_search(user, "zanzibar"), rounds),
    }
    deep = Photo.objects.order_by("-taken_at", "-id")[int(size * 0.95)]
    cursor = photo_selectors._encode_cursor(deep)
    results["timeline 95 % deep"] = timed(
        lambda: client.get("/api/photos/", {"cursor": cursor}), rounds
    )

    def reset():
        AlbumEntry.objects.filter(album=other).delete()

    def bulk_add():
        return client.post(
            "/api/photos/bulk/",
            {"action": "add_to_album", "album": str(other.public_id), "ids": ids},
            content_type="application/json",
        )

    reset()
    with CaptureQueriesContext(connection) as queries:
        response = bulk_add()
    if response.status_code != 200:
        raise SystemExit(f"benchmarks/library.py: the bulk add answered {response.status_code}")
    # Every statement of the request, its transaction's BEGIN and COMMIT included.
    work = [q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    if os.environ.get("SHOW_QUERIES"):
        for query in work:
            print("   ", query["sql"][:160])
    median, p95, _ = timed(bulk_add, max(3, rounds // 3), before=reset)
    results["bulk add 500"] = (median, p95, len(work))
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("benchmarks/library.py: set DATABASE_URL to a PostgreSQL database")
        return 2
    table = {size: measure(size, args.rounds) for size in args.sizes}
    names = list(table[args.sizes[0]])
    print(f"\n{'request':<22}" + "".join(f"{f'{s:,} photos':>28}" for s in args.sizes))
    print(f"{'':<22}" + "".join(f"{'p50 ms  p95 ms  queries':>28}" for _ in args.sizes))
    for name in names:
        cells = "".join(
            f"{table[s][name][0]:>10.1f}{table[s][name][1]:>8.1f}{table[s][name][2]:>10}"
            for s in args.sizes
        )
        print(f"{name:<22}{cells}")
    small, large = table[args.sizes[0]], table[args.sizes[-1]]
    failed = []
    for name in ("timeline", "timeline 95 % deep", "album page", "search (full text)"):
        if large[name][0] > small[name][0] * 1.2 + 2:
            failed.append(f"{name} grew from {small[name][0]:.1f} to {large[name][0]:.1f} ms")
    if large["bulk add 500"][2] > 10:
        failed.append(f"the bulk add took {large['bulk add 500'][2]} queries")
    if large["search (full text)"][0] >= 50:
        failed.append("the search took 50 ms or more")
    for line in failed:
        print("FAILED:", line)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
