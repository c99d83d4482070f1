from collections.abc import Callable

from allauth.usersessions.internal import usersessionkit
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

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
