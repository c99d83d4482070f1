import json
import logging
import re
import time

import corsheaders.middleware
from django.conf import settings
from django.core.exceptions import ObjectNotUpdated
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape

from pikoshi.clientip import client_ip
from pikoshi.errors import ServiceUnavailable

logger = logging.getLogger("pikoshi.requests")

# Paths whose next segment is a credential: capability URLs (media, share links, a public
# album's address, an export download) and the keys of emailed links. The log keeps the
# place, never the value. pikoshi/tests/test_request_log_secrets.py walks every URL
# pattern, so a new route with a token in its path fails there until it is listed here.
CREDENTIAL_PATHS = (
    "media",
    "s",
    "p",
    "accounts/export",
    "accounts/confirm-email",
    "accounts/password/reset/key",
    "notifications/unsubscribe",
)
SECRET_PATHS = re.compile(rf"^/({'|'.join(map(re.escape, CREDENTIAL_PATHS))})/[^/]+")


def loggable_path(path: str) -> str:
    return SECRET_PATHS.sub(lambda m: f"/{m.group(1)}/<token>", path)


class RequestLogMiddleware:
    """One JSON line per request on stdout: method, path, status, duration, user, client ip.

    Query strings are left out and path tokens masked: both can carry credentials.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": loggable_path(request.path),
                    "status": response.status_code,
                    "ms": round((time.monotonic() - started) * 1000, 1),
                    "user": str(user.uuid) if user is not None and user.is_authenticated else None,
                    "ip": client_ip(request),
                }
            )
        )
        return response


DATABASE_RETRY_AFTER = 5  # seconds; a restarting PostgreSQL is usually back within that
DATABASE_UNAVAILABLE = "Pikoshi cannot reach its database right now. Please try again in a moment."


def _unavailable_page(message: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Back in a moment — Pikoshi</title>"
        '<link rel="stylesheet" href="/static/css/pikoshi.css"></head>\n'
        '<body><main id="main"><section class="empty-state"><h1>Back in a moment</h1>\n'
        f"<p>{escape(message)} Nothing you stored was lost.</p>"
        '<p><a class="button" href="">Try again</a></p>\n'
        "</section></main></body></html>\n"
    )


def _outage(exception) -> tuple[str, str, int] | None:
    """(message, code, retry after) when the error is a service being away, not a bug."""
    from django.db import InterfaceError, OperationalError

    if isinstance(exception, OperationalError | InterfaceError):
        return DATABASE_UNAVAILABLE, "database_unavailable", DATABASE_RETRY_AFTER
    if isinstance(exception, ServiceUnavailable):
        return str(exception), exception.code, exception.retry_after
    return None


class ServiceUnavailableMiddleware:
    """A database or storage outage answers 503 with Retry-After, not the 500 page.

    Without this the person sees the generic 500 page and a client does not know that
    trying again shortly is the right move. Only outages qualify: a lost database
    connection (a restart, a failover) or a storage write that failed; a bad query
    (ProgrammingError, IntegrityError) is still a bug and still a 500. The next request
    gets a fresh connection (CONN_HEALTH_CHECKS), so the outage heals by itself. The
    answer is built without touching the database or templates that might.

    A save that found its row deleted by someone else meanwhile (Model.NotUpdated) is
    neither an outage nor a bug: the thing is gone, so the page answers 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ObjectNotUpdated):
            # The row was deleted between the page's lookup and its save (another tab,
            # another person): to this request it no longer exists.
            raise Http404("It was deleted meanwhile.") from exception
        outage = _outage(exception)
        if outage is None:
            return None
        message, code, retry_after = outage
        logger.warning(
            json.dumps({"path": loggable_path(request.path), code: str(exception)[:200]})
        )
        wants_json = request.path.startswith(("/api/", "/_allauth/")) or (
            "application/json" in request.headers.get("Accept", "")
        )
        response: HttpResponse
        if wants_json:
            response = JsonResponse({"detail": message, "code": code}, status=503)
        else:
            response = HttpResponse(_unavailable_page(message), status=503)
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
        return response


# Keep search engines out of everything but the front page. Public albums are "anyone with
# the URL", never "anyone with a search engine": every album, photo, link and media
# response says noindex, and so does every other page, since nothing behind the front page
# is meant to be found by searching.
INDEXABLE_PATHS = frozenset({"/"})


class NoIndexMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path not in INDEXABLE_PATHS:
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class CorsMiddleware(corsheaders.middleware.CorsMiddleware):
    """django-cors-headers, silent while PIKOSHI_CORS_ORIGINS names no origin.

    The library answers every preflight on the matching paths itself, allowed origin or
    not; with no origin configured Pikoshi should behave as if it were not installed.
    """

    def is_enabled(self, request: HttpRequest) -> bool:
        return bool(settings.CORS_ALLOWED_ORIGINS) and super().is_enabled(request)
