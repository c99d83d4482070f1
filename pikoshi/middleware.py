import json
import logging
import re
import time

logger = logging.getLogger("pikoshi.requests")

# Media URLs and share links carry their credential in the path: log its place, not its value.
SECRET_PATHS = re.compile(r"^/(media|s)/[^/]+")


def loggable_path(path: str) -> str:
    return SECRET_PATHS.sub(lambda m: f"/{m.group(1)}/<token>", path)


class RequestLogMiddleware:
    """One JSON line per request on stdout: method, path, status, duration, user uuid.

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
                }
            )
        )
        return response


DATABASE_RETRY_AFTER = 5  # seconds; a restarting PostgreSQL is usually back within that
DATABASE_UNAVAILABLE = "Pikoshi cannot reach its database right now. Please try again in a moment."
_UNAVAILABLE_PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Back in a moment — Pikoshi</title>"
    '<link rel="stylesheet" href="/static/css/pikoshi.css"></head>\n'
    '<body><main id="main"><section class="empty-state"><h1>Back in a moment</h1>\n'
    f"<p>{DATABASE_UNAVAILABLE} Nothing you stored was lost.</p>"
    '<p><a class="button" href="">Try again</a></p>\n'
    "</section></main></body></html>\n"
)


class DatabaseUnavailableMiddleware:
    """A lost database connection (a restart, a failover) answers 503 with Retry-After.

    Without this the person sees the generic 500 page and a client does not know that
    trying again shortly is the right move. Only connection-level errors qualify: a bad
    query (ProgrammingError, IntegrityError) is still a bug and still a 500. The next
    request gets a fresh connection (CONN_HEALTH_CHECKS), so the outage heals by itself.
    The answer is built without touching the database or templates that might.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning(
            json.dumps({"path": request.path, "database_unavailable": str(exception)[:200]})
        )
        wants_json = request.path.startswith(("/api/", "/_allauth/")) or (
            "application/json" in request.headers.get("Accept", "")
        )
        if wants_json:
            from django.http import JsonResponse

            response = JsonResponse(
                {"detail": DATABASE_UNAVAILABLE, "code": "database_unavailable"}, status=503
            )
        else:
            from django.http import HttpResponse

            response = HttpResponse(_UNAVAILABLE_PAGE, status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response
