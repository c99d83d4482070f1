from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus

from allauth.usersessions.internal import usersessionkit
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException

from accounts.api.tokens import clear_auth_cookies, set_auth_cookies

# "Last seen" to the minute is all the sessions page shows.
TRACK_INTERVAL = 60


class UserSessionsMiddleware:
    """allauth's session activity tracking, at most once a minute per session.

    allauth's own middleware writes the session's row on every request; a page of
    thumbnails is dozens of media requests, so here one cache `add` decides whether this
    request is the one that records "last seen" (IP address and browser included).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        key = getattr(session, "session_key", None)
        if (
            key
            and user is not None
            and user.is_authenticated
            and cache.add(f"usersession-seen:{key}", 1, TRACK_INTERVAL)
        ):
            usersessionkit.track_activity(request, user=user, session=session)
        return self.get_response(request)


HEADLESS_PREFIX = "/_allauth/"
# allauth's limits that answer 429 here count per minute (ACCOUNT_RATE_LIMITS), as do the
# pages' (pikoshi.views.too_many_requests); allauth does not say how long is left.
RATE_LIMIT_RETRY_AFTER = 60
ERRORS = {
    400: ("The request could not be read.", "bad_request"),
    403: ("This is not allowed.", "forbidden"),
    404: ("There is nothing at this address.", "not_found"),
    405: ("This address does not take that method.", "method_not_allowed"),
    413: ("The request is too large.", "too_large"),
    429: ("Too many attempts. Please wait a moment and try again.", "too_many_requests"),
    500: ("Something went wrong on our side. Please try again.", "server_error"),
}
INVALID_JSON = ("The request body must be a JSON object.", "invalid_json")


def error_for(request: HttpRequest, status: int) -> tuple[str, str]:
    """The message and code of an error answer that came without one."""
    if status == 400 and request.method != "GET" and not _is_json_object(request):
        # allauth answers a body it cannot parse with an empty 400: say what was wrong.
        return INVALID_JSON
    if status in ERRORS:
        return ERRORS[status]
    return (HTTPStatus(status).phrase if status in HTTPStatus else "Error", "error")


def _is_json_object(request: HttpRequest) -> bool:
    try:
        return isinstance(json.loads(request.body.decode("utf8")), dict)
    except (RawPostDataException, RequestDataTooBig, UnicodeDecodeError, ValueError):
        return False


def headless_envelope(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Rewrite an error answer as allauth's envelope, keeping its headers and cookies."""
    status = response.status_code
    body = None
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
    if isinstance(body, dict) and "status" in body:
        # allauth's own answer (a 401 lists flows, a 409 says conflict): it stays as it is,
        # except that a 429 also says what happened, as every other error does.
        if status != 429 or body.get("errors"):
            return response
        envelope = {**body, "errors": [_error(*ERRORS[429])]}
    elif isinstance(body, dict) and "detail" in body:
        # Pikoshi's own JSON errors ({"detail", "code"}), e.g. the 503 of an outage.
        envelope = {"status": status, "errors": [_error(body["detail"], body.get("code"))]}
    else:
        envelope = {"status": status, "errors": [_error(*error_for(request, status))]}
    response.content = json.dumps(envelope).encode()
    response["Content-Type"] = "application/json"
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response


def _error(message: str, code: str | None) -> dict[str, str]:
    return {"message": str(message), "code": code or "error"}


class HeadlessErrorsMiddleware:
    """Every error under /_allauth/ is JSON in allauth's envelope, whoever produced it.

    allauth's views answer in {"status": N, "errors": [{"message", "code"}]}, but the
    stack around them does not: Django's 404/405/500, an unparseable body (an empty 400)
    and allauth's 429 (no message, no Retry-After). A client generated from allauth's
    document reads all of them the same way. CSRF failures are answered by
    pikoshi.views.csrf_failure in the same envelope.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(HEADLESS_PREFIX)
            or response.status_code < 400
            or response.streaming
        ):
            return response
        response = headless_envelope(request, response)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(RATE_LIMIT_RETRY_AFTER)
        return response


class AuthCookiesMiddleware:
    """Puts what the API decided about the SPA's JWT cookies onto the response.

    Authentication renews an expired access cookie on whichever call meets it, and every
    sign-out revokes the cookies' tokens (accounts.api.tokens); neither can reach the
    response from there, whatever the view answers (a 404 still carries the new pair, as
    the old refresh token is already spent).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "pikoshi_clear_auth_cookies", False):
            if any(
                name in request.COOKIES
                for name in (settings.JWT_COOKIE_ACCESS, settings.JWT_COOKIE_REFRESH)
            ):
                clear_auth_cookies(response)
            return response
        pair = getattr(request, "pikoshi_renewed_pair", None)
        if pair is not None and settings.JWT_COOKIE_ACCESS not in response.cookies:
            set_auth_cookies(response, pair)
        return response
