"""Liveness and readiness answers for load balancers.

/healthz says the process answers; /readyz says it can do real work (database, cache and
media storage reachable), so a balancer stops sending traffic to a web process that cannot.
"""

import logging
import time
import uuid

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was written")
    cache.delete(key)


def _check_storage() -> None:
    # Listing the root is cheap on both the file system and S3 and needs no write.
    default_storage.listdir("")


CHECKS = {"database": _check_database, "cache": _check_cache, "storage": _check_storage}


@never_cache
@require_GET
def readyz(request):
    results = {}
    ok = True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # a failed dependency is an answer, not a crash
            logger.warning("readyz: %s unavailable: %s", name, exc)
            results[name] = {"ok": False, "error": exc.__class__.__name__}
            ok = False
        else:
            results[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": results}, status=200 if ok else 503
    )
