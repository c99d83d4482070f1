"""The one token format of the API: simplejwt access/refresh pairs.

allauth's headless app flows hand these out when a person becomes fully authenticated
(see SimpleJWTTokenStrategy), the /api/auth/ endpoints rotate and revoke them, and
accounts.api.authentication checks them. allauth's own X-Session-Token still carries the
multi-step flows (sign-up -> verify email, password reset); it never authenticates /api/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token
from rest_framework_simplejwt.utils import get_md5_hash_password

if TYPE_CHECKING:
    from typing_extensions import TypeIs

    from accounts.models import User


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    access_expires_at: datetime
    refresh_expires_at: datetime


class RevokedTokenError(TokenError):
    """The token was ended by a sign-out before its expiry."""


class RevocableAccessToken(AccessToken):
    """An access token that a sign-out ends at once instead of at its expiry minutes later.

    Its jti is looked up in simplejwt's blacklist (one indexed query per API call); only
    the access tokens of a sign-out are ever written there (`access_token_revoke`).
    """

    def verify(self) -> None:
        super().verify()
        if BlacklistedToken.objects.filter(token__jti=self[jwt_settings.JTI_CLAIM]).exists():
            raise RevokedTokenError("Token is blacklisted")


def _expiry(token: Token | dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(token["exp"], tz=UTC)


def may_hold_tokens(user: Any) -> TypeIs[User]:
    """Only active people with a verified address get API credentials."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def token_pair_issue(*, user: User) -> TokenPair:
    """A fresh pair; the refresh token is recorded so logout can revoke it."""
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token
    return TokenPair(
        access=str(access),
        refresh=str(refresh),
        access_expires_at=_expiry(access),
        refresh_expires_at=_expiry(refresh),
    )


def _blacklist_once(refresh: RefreshToken, *, user: User | None = None) -> None:
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


def _holder(payload: dict[str, Any]) -> User:
    """The live account a verified token's claims name, or TokenError."""
    user_id = payload.get(jwt_settings.USER_ID_CLAIM)
    try:
        user = get_user_model().objects.get(**{jwt_settings.USER_ID_FIELD: user_id})
    except (get_user_model().DoesNotExist, ValidationError, ValueError):
        user = None
    if user is None or not may_hold_tokens(user):
        raise TokenError("No active account found for the given token.")
    if jwt_settings.CHECK_REVOKE_TOKEN and payload.get(
        jwt_settings.REVOKE_TOKEN_CLAIM
    ) != get_md5_hash_password(user.password):
        raise TokenError("The password has changed since this token was issued.")
    return user


def user_for_refresh(raw: str) -> tuple[RefreshToken, User]:
    """Validate a refresh token (signature, expiry, blacklist) and return its live user."""
    refresh = RefreshToken(raw)  # type: ignore[arg-type]  # raises TokenError; takes the str
    return refresh, _holder(refresh.payload)


def token_pair_rotate(*, refresh: str) -> tuple[TokenPair, User]:
    """Trade a refresh token for a new pair; the old refresh token is dead afterwards."""
    token, user = user_for_refresh(refresh)
    _blacklist_once(token, user=user)
    return token_pair_issue(user=user), user


def _renewed_key(jti: str) -> str:
    return f"jwt-renewed:{jti}"


def cookie_pair_renew(*, refresh: str) -> tuple[TokenPair | None, User]:
    """Renew an SPA's cookies from its refresh cookie, on whichever API call needs it.

    An SPA fires several calls at once, all with the same expired access cookie and the
    same refresh cookie; the first one rotates the refresh token, which would turn the
    others into 401s. So for PIKOSHI_REFRESH_REUSE_SECONDS after such a rotation the old
    refresh cookie still authenticates (as long as its successor is alive) but gets no
    new pair: `(None, user)`, and the browser keeps the cookies of the first answer.
    Only this cookie path has the grace; the refresh endpoint refuses a reused token.
    """
    try:
        token, user = user_for_refresh(refresh)
    except TokenError:
        holder = _recently_renewed_holder(refresh)
        if holder is None:
            raise
        return None, holder
    try:
        _blacklist_once(token, user=user)
    except TokenError:
        return None, user  # a call racing this one rotated it a moment ago
    pair = token_pair_issue(user=user)
    grace = settings.PIKOSHI_REFRESH_REUSE_SECONDS
    if grace > 0:
        successor = RefreshToken(pair.refresh, verify=False)[  # type: ignore[arg-type]  # the encoded str
            jwt_settings.JTI_CLAIM
        ]
        cache.set(_renewed_key(token[jwt_settings.JTI_CLAIM]), successor, grace)
    return pair, user


def _recently_renewed_holder(raw: str) -> User | None:
    """The account of a refresh token rotated by `cookie_pair_renew` moments ago."""
    try:
        payload = token_backend.decode(raw, verify=True)  # type: ignore[arg-type]  # signature and expiry
    except TokenBackendError:
        return None
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type:
        return None
    successor = cache.get(_renewed_key(str(payload.get(jwt_settings.JTI_CLAIM))))
    if successor is None or BlacklistedToken.objects.filter(token__jti=successor).exists():
        return None  # never renewed here, too long ago, or signed out since
    try:
        return _holder(payload)
    except TokenError:
        return None


def token_revoke(*, refresh: str) -> None:
    """Logout: the refresh token can never be used again. Unknown/dead tokens are fine."""
    try:
        token = RefreshToken(refresh)  # type: ignore[arg-type]  # the encoded str
    except TokenError:
        return
    try:
        _blacklist_once(token)
    except TokenError:
        pass


def access_token_revoke(*, access: str) -> None:
    """Sign-out ends the access token at once, not when it expires minutes later.

    Expired, forged and already revoked tokens need nothing.
    """
    try:
        token = RevocableAccessToken(access)  # type: ignore[arg-type]  # the encoded str
    except TokenError:
        return
    user = (
        get_user_model()
        .objects.filter(**{jwt_settings.USER_ID_FIELD: token[jwt_settings.USER_ID_CLAIM]})
        .first()
    )
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=token[jwt_settings.JTI_CLAIM],
        defaults={"user": user, "token": str(token), "expires_at": _expiry(token)},
    )
    BlacklistedToken.objects.get_or_create(token=outstanding)


def browser_credentials_end(request: HttpRequest) -> None:
    """Every sign-out of a browser also ends the JWT cookies it holds.

    The refresh and access tokens in its cookies (and a pair renewed during this very
    request) are revoked, and the response clears the cookies (AuthCookiesMiddleware).
    The Django session is the caller's to end (django.contrib.auth.logout).
    """
    raw_refresh = request.COOKIES.get(settings.JWT_COOKIE_REFRESH)
    if raw_refresh:
        token_revoke(refresh=raw_refresh)
    raw_access = request.COOKIES.get(settings.JWT_COOKIE_ACCESS)
    if raw_access:
        access_token_revoke(access=raw_access)
    renewed: TokenPair | None = getattr(request, "pikoshi_renewed_pair", None)
    if renewed is not None:
        token_revoke(refresh=renewed.refresh)
        access_token_revoke(access=renewed.access)
    request.pikoshi_renewed_pair = None  # type: ignore[attr-defined]
    request.pikoshi_clear_auth_cookies = True  # type: ignore[attr-defined]


def allauth_session_end(*, session_token: str) -> None:
    """Logout also ends the headless app session the sign-in flow ran in, if named."""
    session = SimpleJWTTokenStrategy().lookup_session(session_token)
    if session is not None:
        session.flush()


# --- cookies (SPA mode) -----------------------------------------------------------------

REFRESH_COOKIE_PATH = "/api/"


def set_auth_cookies(response: HttpResponse, pair: TokenPair) -> None:
    """HttpOnly cookies a script cannot read; Lax keeps them off cross-site POSTs."""
    # Like the session cookie: not Secure over plain HTTP (DEBUG, or `make run` locally).
    secure = not (settings.DEBUG or settings.PIKOSHI_LOCAL_HTTP)
    response.set_cookie(
        settings.JWT_COOKIE_ACCESS,
        pair.access,
        expires=pair.refresh_expires_at,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure,
    )
    # The refresh cookie travels to the API only (never to pages or media), where any call
    # with an expired access cookie renews it (JWTBearerOrCookieAuthentication).
    response.set_cookie(
        settings.JWT_COOKIE_REFRESH,
        pair.refresh,
        expires=pair.refresh_expires_at,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )


def clear_auth_cookies(response: HttpResponse) -> None:
    response.delete_cookie(settings.JWT_COOKIE_ACCESS, path="/", samesite="Lax")
    response.delete_cookie(settings.JWT_COOKIE_REFRESH, path=REFRESH_COOKIE_PATH, samesite="Lax")


# --- allauth headless ---------------------------------------------------------------------


class SimpleJWTTokenStrategy(SessionTokenStrategy):
    """allauth.headless token strategy whose access/refresh tokens are simplejwt's.

    The session token (X-Session-Token) stays allauth's own and drives the flows;
    once a person is fully authenticated the app receives a simplejwt pair in
    meta.access_token / meta.refresh_token, the only credential /api/ accepts.
    """

    def create_access_token_payload(self, request: HttpRequest) -> dict[str, Any] | None:
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
    def openapi_spec(cls) -> dict[str, Any]:
        spec = super().openapi_spec()
        spec["securitySchemes"]["JWT"] = {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "simplejwt access token for /api/.",
        }
        return spec
