"""The one token format of the API: simplejwt access/refresh pairs.

allauth's headless app flows hand these out when a person becomes fully authenticated
(see SimpleJWTTokenStrategy), the /api/auth/ endpoints rotate and revoke them, and
accounts.api.authentication checks them. allauth's own X-Session-Token still carries the
multi-step flows (sign-up -> verify email, password reset); it never authenticates /api/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from allauth.account.models import EmailAddress
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    access_expires_at: datetime
    refresh_expires_at: datetime


def _expiry(token) -> datetime:
    return datetime.fromtimestamp(token["exp"], tz=UTC)


def may_hold_tokens(user) -> bool:
    """Only active people with a verified address get API credentials."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def token_pair_issue(*, user) -> TokenPair:
    """A fresh pair; the refresh token is recorded so logout can revoke it."""
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token
    return TokenPair(
        access=str(access),
        refresh=str(refresh),
        access_expires_at=_expiry(access),
        refresh_expires_at=_expiry(refresh),
    )


def _blacklist_once(refresh: RefreshToken, *, user=None) -> None:
    """Blacklist a refresh token; a second use of the same token fails even in a race."""
    jti = refresh[jwt_settings.JTI_CLAIM]
    with transaction.atomic():
        outstanding, _ = OutstandingToken.objects.get_or_create(
            jti=jti,
            defaults={
                "user": user,
                "token": str(refresh),
                "expires_at": _expiry(refresh),
            },
        )
        try:
            with transaction.atomic():
                BlacklistedToken.objects.create(token=outstanding)
        except IntegrityError as exc:
            raise TokenError("Token is blacklisted") from exc


def user_for_refresh(raw: str):
    """Validate a refresh token (signature, expiry, blacklist) and return its live user."""
    refresh = RefreshToken(raw)  # raises TokenError
    user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
    try:
        user = get_user_model().objects.get(**{jwt_settings.USER_ID_FIELD: user_id})
    except (get_user_model().DoesNotExist, ValidationError, ValueError):
        user = None
    if not may_hold_tokens(user):
        raise TokenError("No active account found for the given token.")
    if jwt_settings.CHECK_REVOKE_TOKEN and refresh.payload.get(
        jwt_settings.REVOKE_TOKEN_CLAIM
    ) != get_md5_hash_password(user.password):
        raise TokenError("The password has changed since this token was issued.")
    return refresh, user


def token_pair_rotate(*, refresh: str) -> tuple[TokenPair, object]:
    """Trade a refresh token for a new pair; the old refresh token is dead afterwards."""
    token, user = user_for_refresh(refresh)
    _blacklist_once(token, user=user)
    return token_pair_issue(user=user), user


def token_revoke(*, refresh: str) -> None:
    """Logout: the refresh token can never be used again. Unknown/dead tokens are fine."""
    try:
        token = RefreshToken(refresh)
    except TokenError:
        return
    try:
        _blacklist_once(token)
    except TokenError:
        pass


def allauth_session_end(*, session_token: str) -> None:
    """Logout also ends the headless app session the sign-in flow ran in, if named."""
    session = SimpleJWTTokenStrategy().lookup_session(session_token)
    if session is not None:
        session.flush()


# --- cookies (SPA mode) -----------------------------------------------------------------


def set_auth_cookies(response: HttpResponse, pair: TokenPair) -> None:
    """HttpOnly cookies a script cannot read; Lax keeps them off cross-site POSTs."""
    common = {
        "httponly": True,
        "samesite": "Lax",
        # Like the session cookie: not Secure over plain HTTP (DEBUG, or `make run` locally).
        "secure": not (settings.DEBUG or settings.PIKOSHI_LOCAL_HTTP),
    }
    response.set_cookie(
        settings.JWT_COOKIE_ACCESS,
        pair.access,
        expires=pair.refresh_expires_at,
        path="/",
        **common,
    )
    # The refresh cookie only travels to the endpoints that can use it.
    response.set_cookie(
        settings.JWT_COOKIE_REFRESH,
        pair.refresh,
        expires=pair.refresh_expires_at,
        path="/api/auth/",
        **common,
    )


def clear_auth_cookies(response: HttpResponse) -> None:
    response.delete_cookie(settings.JWT_COOKIE_ACCESS, path="/", samesite="Lax")
    response.delete_cookie(settings.JWT_COOKIE_REFRESH, path="/api/auth/", samesite="Lax")


# --- allauth headless ---------------------------------------------------------------------


class SimpleJWTTokenStrategy(SessionTokenStrategy):
    """allauth.headless token strategy whose access/refresh tokens are simplejwt's.

    The session token (X-Session-Token) stays allauth's own and drives the flows;
    once a person is fully authenticated the app receives a simplejwt pair in
    meta.access_token / meta.refresh_token, the only credential /api/ accepts.
    """

    def create_access_token_payload(self, request: HttpRequest):
        user = request.user
        if not may_hold_tokens(user):
            return None
        pair = token_pair_issue(user=user)
        lifetime = jwt_settings.ACCESS_TOKEN_LIFETIME
        return {
            "access_token": pair.access,
            "refresh_token": pair.refresh,
            "expires_in": int(lifetime.total_seconds()),
        }

    def create_access_token(self, request: HttpRequest) -> str | None:
        payload = self.create_access_token_payload(request)
        return payload["access_token"] if payload else None

    def refresh_token(self, refresh_token: str) -> tuple[str, str] | None:
        try:
            pair, _ = token_pair_rotate(refresh=refresh_token)
        except TokenError:
            return None
        return pair.access, pair.refresh

    @classmethod
    def openapi_spec(cls):
        spec = super().openapi_spec()
        spec["securitySchemes"]["JWT"] = {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "simplejwt access token for /api/.",
        }
        return spec
