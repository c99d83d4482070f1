"""How the API knows who is calling: a simplejwt access token, from a header or a cookie."""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck
from rest_framework_simplejwt.authentication import JWTAuthentication


def enforce_csrf(request) -> None:
    """Cookies ride along on any request the browser makes, so unsafe methods need the
    CSRF token exactly as DRF's SessionAuthentication demands it."""

    def dummy_get_response(request):  # pragma: no cover - never called
        return None

    check = CSRFCheck(dummy_get_response)
    check.process_request(request)
    reason = check.process_view(request, None, (), {})
    if reason:
        raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


class JWTBearerOrCookieAuthentication(JWTAuthentication):
    """`Authorization: Bearer <access>` (mobile apps) or the HttpOnly access cookie (SPAs).

    The header wins when both are present. A cookie-authenticated request with an
    unsafe method must pass Django's CSRF check.
    """

    def authenticate(self, request):
        header = self.get_header(request)
        if header is not None:
            raw_token = self.get_raw_token(header)
            if raw_token is not None:
                validated = self.get_validated_token(raw_token)
                return self.get_user(validated), validated
        raw_cookie = request.COOKIES.get(settings.JWT_COOKIE_ACCESS)
        if not raw_cookie:
            return None
        validated = self.get_validated_token(raw_cookie.encode())
        user = self.get_user(validated)
        enforce_csrf(request)
        return user, validated


class RefreshTokenCredential(JWTBearerOrCookieAuthentication):
    """For endpoints whose credential is the refresh token itself (refresh, logout).

    It authenticates nobody, so a stale access token cannot get in the way, but it keeps
    the `WWW-Authenticate: Bearer` header so refused requests answer 401, not 403.
    """

    def authenticate(self, request):
        return None
