import json
import logging
import time

logger = logging.getLogger("pikoshi.requests")


class RequestLogMiddleware:
    """One JSON line per request on stdout: method, path, status, duration, user uuid.

    Query strings are left out: they can carry share-link passwords or cursors.
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
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.monotonic() - started) * 1000, 1),
                    "user": str(user.uuid) if user is not None and user.is_authenticated else None,
                }
            )
        )
        return response
