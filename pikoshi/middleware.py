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
