"""How the API knows who is calling: a simplejwt access token, from a header or a cookie."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, InvalidToken, TokenError
from rest_framework_simplejwt.tokens import Token

from accounts.api.tokens import RevocableAccessToken, RevokedTokenError, cookie_pair_renew


def enforce_csrf(request: HttpRequest | Request) -> None:
    """Cookies ride along on any request the browser makes, so unsafe methods need the
    CSRF token exactly as DRF's SessionAuthentication demands it."""

    def dummy_get_response(request: HttpRequest) -> HttpResponse:  # pragma: no cover
        return HttpResponse()  # never called

    check = CSRFCheck(dummy_get_response)
    check.process_request(request)
    reason = check.process_view(request, dummy_get_response, (), {})
    if reason:
        raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


def _origin_is_this_site(request: HttpRequest | Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not sent by a browser on a cross-origin request
    return origin == f"{request.scheme}://{request.get_host()}" or (
        origin in settings.CSRF_TRUSTED_ORIGINS
    )


def enforce_login_csrf(request: HttpRequest | Request) -> None:
    """Guard an endpoint that sets the auth cookies against login CSRF.

    A page elsewhere could otherwise post its own refresh token as a plain form and sign
    the victim's browser in as the attacker (whose uploads would then land in the
    attacker's account). Such an answer needs Django's CSRF token, or a JSON body, which
    a cross-site form cannot send, from this site's origin when the browser names one.
    """
    media_type = (request.content_type or "").partition(";")[0].strip().lower()
    if media_type == "application/json" and _origin_is_this_site(request):
        return
    enforce_csrf(request)


EXPIRED_DETAIL = (
    "The access token has expired: renew it with the refresh token (POST /api/auth/token/refresh/)."
)
REVOKED_DETAIL = "The access token was signed out: sign in again."
INVALID_DETAIL = "The access token is not valid (altered, or not an access token)."


class JWTBearerOrCookieAuthentication(JWTAuthentication):
    """`Authorization: Bearer <access>` (mobile apps) or the HttpOnly access cookie (SPAs).

    The header wins when both are present. A cookie-authenticated request with an
    unsafe method must pass Django's CSRF check. An expired access cookie is renewed from
    the refresh cookie on whichever API call meets it, so an SPA never has to notice.
    """

    # A renewal authenticates by the refresh cookie, with no access token to hand on.
    def authenticate(self, request: Request) -> tuple[Any, Token | None] | None:  # type: ignore[override]
        header = self.get_header(request)
        if header is not None:
            raw_token = self.get_raw_token(header)
            if raw_token is not None:
                validated = self.get_validated_token(raw_token)
                return self.get_user(validated), validated
        return self._authenticate_cookies(request)

    def get_validated_token(self, raw_token: bytes) -> Token:
        """simplejwt's check, answered with a sentence that says what went wrong.

        simplejwt's own detail ("Given token not valid for any token type") reads as if the
        token had been tampered with when it has merely expired.
        """
        try:
            return RevocableAccessToken(raw_token)  # type: ignore[arg-type]  # the encoded bytes
        except ExpiredTokenError as exc:
            detail = EXPIRED_DETAIL
            cause: TokenError = exc
        except RevokedTokenError as exc:
            detail, cause = REVOKED_DETAIL, exc
        except TokenError as exc:
            detail, cause = INVALID_DETAIL, exc
        raise InvalidToken({"detail": detail, "code": "token_not_valid"}) from cause

    def _authenticate_cookies(self, request: Request) -> tuple[Any, Token | None] | None:
        raw_access = request.COOKIES.get(settings.JWT_COOKIE_ACCESS)
        raw_refresh = request.COOKIES.get(settings.JWT_COOKIE_REFRESH)
        if raw_access:
            try:
                validated = self.get_validated_token(raw_access.encode())
            except InvalidToken:
                if not raw_refresh:
                    raise
            else:
                user = self.get_user(validated)
                enforce_csrf(request)
                return user, validated
        if not raw_refresh:
            return None
        # Renewing rotates the refresh token, a write: a cross-site request must not.
        enforce_csrf(request)
        return self._renew(request, raw_refresh)

    def _renew(self, request: Request, raw_refresh: str) -> tuple[Any, None]:
        """New cookies from the refresh cookie; the pair waits on the request for
        AuthCookiesMiddleware to set on the response, whatever the view answers."""
        try:
            pair, user = cookie_pair_renew(refresh=raw_refresh)
        except TokenError as exc:
            raise InvalidToken(
                {
                    "detail": "The refresh cookie is expired, revoked or invalid: sign in again.",
                    "code": "token_not_valid",
                }
            ) from exc
        if pair is not None:
            request._request.pikoshi_renewed_pair = pair  # type: ignore[attr-defined]
        return user, None


class RefreshTokenCredential(JWTBearerOrCookieAuthentication):
    """For endpoints whose credential is the refresh token itself (refresh, logout).

    It authenticates nobody, so a stale access token cannot get in the way, but it keeps
    the `WWW-Authenticate: Bearer` header so refused requests answer 401, not 403.
    """

    def authenticate(self, request: Request) -> None:
        return None


class RefreshTokenOrCookieCredential(RefreshTokenCredential):
    """Refresh and logout: the refresh token from the body, or else from its cookie.

    Only so the schema says so; like its parent it authenticates nobody.
    """


# --- OpenAPI: how each authenticator appears in the schema ------------------------------------


class JWTBearerOrCookieScheme(OpenApiAuthenticationExtension):
    target_class = JWTBearerOrCookieAuthentication
    match_subclasses = True
    name = ["jwtBearer", "jwtCookie"]

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        # Either one is enough: a list means "or" in OpenAPI.
        return [{"jwtBearer": []}, {"jwtCookie": []}]

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        bearer = build_bearer_security_scheme_object(
            header_name="AUTHORIZATION",
            token_prefix="Bearer",  # noqa: S106 - the scheme's name, not a secret
            bearer_format="JWT",
        )
        bearer["description"] = (
            "simplejwt access token from the allauth headless app flow "
            "(meta.access_token of /_allauth/app/v1/auth/login, .../email/verify or "
            ".../provider/token)."
        )
        cookie = {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.JWT_COOKIE_ACCESS,
            "description": "HttpOnly access cookie set by /api/auth/cookie/ (SPAs). Unsafe "
            "methods also need the X-CSRFToken header.",
        }
        return [bearer, cookie]


class RefreshTokenCredentialScheme(OpenApiAuthenticationExtension):
    target_class = RefreshTokenCredential
    name = []
    priority = 1

    def get_security_requirement(self, auto_schema: Any) -> None:  # type: ignore[override]  # None: no requirement
        return None  # the refresh token travels in the body

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return []


class RefreshCookieScheme(OpenApiAuthenticationExtension):
    """No access token: the refresh token in the body (the `{}` the view's AllowAny adds),
    or the HttpOnly refresh cookie, so a generated client asks for neither credential."""

    target_class = RefreshTokenOrCookieCredential
    name = "jwtRefreshCookie"
    priority = 2

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[str]]]:
        return [{"jwtRefreshCookie": []}]

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.JWT_COOKIE_REFRESH,
            "description": "HttpOnly refresh cookie (path /api/auth/) set by /api/auth/cookie/ "
            "(SPAs), used when the body names no refresh token. Needs the X-CSRFToken header.",
        }
