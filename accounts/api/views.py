"""Token endpoints for apps and SPAs.

Signing in happens through allauth.headless (/_allauth/app/v1/...), which answers with a
simplejwt pair. These endpoints keep that pair alive (refresh), end it (logout), move it
into HttpOnly cookies for single-page apps (cookie) and say who is calling (context).
"""

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ValidationError as DjangoValidationError
from django.middleware.csrf import get_token
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import Token

from accounts.api.authentication import (
    JWTBearerOrCookieAuthentication,
    RefreshTokenCredential,
    RefreshTokenOrCookieCredential,
    enforce_csrf,
    enforce_login_csrf,
)
from accounts.api.serializers import (
    BearerTokenPairSerializer,
    CookieTokenPairSerializer,
    TokenPairSerializer,
    UserContextSerializer,
    token_pair_data,
)
from accounts.api.tokens import (
    TokenPair,
    access_token_revoke,
    allauth_session_end,
    may_hold_tokens,
    set_auth_cookies,
    token_pair_issue,
    token_pair_rotate,
    token_revoke,
)
from accounts.forms import clean_display_name
from accounts.models import User
from accounts.services import user_rename, user_sessions, user_sign_out_everywhere
from accounts.typing import AuthenticatedRequest
from pikoshi.api import ClientScopedRateThrottle, error_responses

AUTH_TAG = ["auth"]
TOKEN_EXAMPLE = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI...signature"  # noqa: S105 - documentation example


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4096,
        help_text="The refresh token. Leave out to use the refresh cookie (SPA mode).",
    )


def _refresh_from(request: Request) -> tuple[str, bool]:
    """The refresh token from the body, else from the cookie (then CSRF applies)."""
    body = RefreshInput(data=request.data)
    body.is_valid(raise_exception=True)
    raw = body.validated_data.get("refresh") or ""
    if raw:
        return raw, False
    raw = request.COOKIES.get(settings.JWT_COOKIE_REFRESH, "")
    if raw:
        enforce_csrf(request)
    return raw, bool(raw)


def _rotate_or_401(raw: str) -> tuple[TokenPair, User]:
    try:
        return token_pair_rotate(refresh=raw)
    except TokenError as exc:
        raise InvalidToken(
            {
                "detail": "The refresh token is expired, revoked or invalid.",
                "code": "token_not_valid",
            }
        ) from exc


class TokenRefreshApi(APIView):
    """Trade a refresh token for a new pair; the old refresh token stops working."""

    authentication_classes = [RefreshTokenOrCookieCredential]
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "auth"

    Input = RefreshInput
    Output = TokenPairSerializer

    @extend_schema(
        tags=AUTH_TAG,
        operation_id="auth_token_refresh",
        request=Input,
        responses={
            200: OpenApiResponse(
                Output,
                examples=[
                    OpenApiExample(
                        "Bearer mode",
                        value={
                            "mode": "bearer",
                            "access": TOKEN_EXAMPLE,
                            "refresh": TOKEN_EXAMPLE,
                            "access_expires_at": "2026-11-27T10:05:00Z",
                            "refresh_expires_at": "2026-12-11T10:00:00Z",
                        },
                    ),
                    OpenApiExample(
                        "Cookie mode (no body sent; cookies re-set)",
                        value={
                            "mode": "cookie",
                            "access_expires_at": "2026-11-27T10:05:00Z",
                            "refresh_expires_at": "2026-12-11T10:00:00Z",
                        },
                    ),
                ],
            ),
            **error_responses(400, 401, 403, 429),
        },
        examples=[OpenApiExample("Bearer mode", value={"refresh": TOKEN_EXAMPLE})],
        description=(
            'Send `{"refresh": ...}` to get a new pair in the body (apps). Send no refresh '
            "and the refresh cookie is used instead; the new pair is set as cookies and the "
            "body carries only the expiry times (SPAs; the CSRF token header is required)."
        ),
    )
    def post(self, request: Request) -> Response:
        raw, cookie_mode = _refresh_from(request)
        if not raw:
            raise NotAuthenticated("Send the refresh token, or call with the refresh cookie.")
        pair, _user = _rotate_or_401(raw)
        shape = CookieTokenPairSerializer if cookie_mode else BearerTokenPairSerializer
        response = Response(shape(token_pair_data(pair, cookie=cookie_mode)).data)
        if cookie_mode:
            set_auth_cookies(response, pair)
        return response


class LogoutApi(APIView):
    """Sign out: every credential the caller holds ends, not only the refresh token."""

    authentication_classes = [RefreshTokenOrCookieCredential]
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "auth"

    Input = RefreshInput

    @extend_schema(
        tags=AUTH_TAG,
        operation_id="auth_logout",
        request=Input,
        parameters=[
            OpenApiParameter(
                "X-Session-Token",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="The allauth app session token of the sign-in flow (its "
                "`meta.session_token`); when sent, that session ends too.",
            )
        ],
        responses={
            204: OpenApiResponse(description="Signed out (also when the token was already dead)."),
            **error_responses(400, 403, 429),
        },
        examples=[OpenApiExample("App", value={"refresh": TOKEN_EXAMPLE})],
        description=(
            "Blacklists the refresh token from the body or the refresh cookie, and the access "
            "token from the `Authorization` header or the access cookie, so neither works "
            "again. A browser's Django session ends too and the auth cookies are cleared; "
            "when any cookie credential is present the `X-CSRFToken` header is required. "
            "Send the app's `X-Session-Token` header too and its allauth session ends "
            "as well (same as DELETE /_allauth/app/v1/auth/session)."
        ),
    )
    def post(self, request: Request) -> Response:
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        django_request = request._request
        browser = bool(
            request.COOKIES.get(settings.JWT_COOKIE_REFRESH)
            or request.COOKIES.get(settings.JWT_COOKIE_ACCESS)
            or django_request.user.is_authenticated
        )
        if browser:
            # A cross-site form must not be able to sign the visitor out either.
            enforce_csrf(request)
        raw = body.validated_data.get("refresh") or ""
        if raw:
            token_revoke(refresh=raw)
        header = JWTBearerOrCookieAuthentication().get_header(request)
        if header is not None:
            bearer = JWTBearerOrCookieAuthentication().get_raw_token(header)
            if bearer:
                access_token_revoke(access=bearer.decode())
        session_token = request.headers.get("X-Session-Token")
        if session_token:
            allauth_session_end(session_token=session_token)
        # Ends the Django session; the sign-out receiver revokes the cookies' tokens and
        # has the response clear them (browser_credentials_end).
        logout(django_request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CookieLoginApi(APIView):
    """Move a token pair into HttpOnly cookies, so a single-page app never holds tokens."""

    # RefreshTokenCredential first: its WWW-Authenticate header keeps refusals at 401.
    authentication_classes = [RefreshTokenCredential, SessionAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "auth"

    Input = RefreshInput
    Output = UserContextSerializer

    @extend_schema(
        tags=AUTH_TAG,
        operation_id="auth_cookie",
        request=Input,
        responses={200: Output, **error_responses(400, 401, 403, 429)},
        examples=[OpenApiExample("Exchange a pair", value={"refresh": TOKEN_EXAMPLE})],
        description=(
            "Post the refresh token from the headless app sign-in: it is rotated and the "
            "new pair is set as HttpOnly cookies (access on /, refresh on /api/auth/). Send "
            "it as JSON (a browser's `Origin`, when sent, must be this site) or with the "
            "`X-CSRFToken` header: a cross-site form cannot sign a browser in. A "
            "browser already signed in with a Django session may post an empty body. "
            "Afterwards send the CSRF token (cookie `csrftoken`, header `X-CSRFToken`) on "
            "every unsafe request."
        ),
    )
    def post(self, request: Request) -> Response:
        enforce_login_csrf(request)
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        raw = body.validated_data.get("refresh") or ""
        if raw:
            pair, user = _rotate_or_401(raw)
        elif may_hold_tokens(request.user):
            user = request.user
            pair = token_pair_issue(user=user)
        else:
            raise NotAuthenticated("Send the refresh token of the pair to move into cookies.")
        get_token(request)  # the SPA needs the CSRF cookie from now on
        response = Response(self.Output(user).data)
        set_auth_cookies(response, pair)
        return response


class AuthContextApi(APIView):
    """Who am I. Also renews an expired access cookie from the refresh cookie."""

    permission_classes = [IsAuthenticated]

    Output = UserContextSerializer

    @extend_schema(
        tags=AUTH_TAG,
        operation_id="auth_context",
        responses={
            200: OpenApiResponse(
                Output,
                examples=[
                    OpenApiExample(
                        "Signed in",
                        value={
                            "uuid": "3f0b3a52-6a6e-4d7b-9d5c-0f7c3d1f8e21",
                            "email": "olivia@example.com",
                            "display_name": "Olivia",
                            "email_verified": True,
                        },
                    )
                ],
            ),
            **error_responses(401, 403),
        },
        description=(
            "Answers for a Bearer token, the access cookie or a browser session. When the "
            "access cookie has expired but the refresh cookie is valid, new cookies are set "
            "in the answer. Also sets the `csrftoken` cookie."
        ),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return self._answer(request)

    @extend_schema(
        tags=AUTH_TAG,
        operation_id="auth_context_renew",
        request=None,
        responses={200: Output, **error_responses(401, 403)},
        description="Same as GET; POST is the form to use when renewing cookies (CSRF applies).",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        return self._answer(request)

    def _answer(self, request: Request) -> Response:
        get_token(request)
        # A renewed pair is set as cookies by AuthCookiesMiddleware, as on every API call.
        return Response(self.Output(request.user).data)


class ProfileApi(APIView):
    """The caller's name, as people they share with see it."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        display_name = serializers.CharField(
            max_length=150,
            allow_blank=True,
            trim_whitespace=True,
            help_text="Shown to people you share with instead of your email address; "
            "empty shows no name to people outside your connections.",
        )

        def validate_display_name(self, value: str) -> str:
            try:
                return clean_display_name(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from exc

    @extend_schema(
        tags=AUTH_TAG,
        operation_id="auth_profile_update",
        request=Input,
        responses={200: UserContextSerializer, **error_responses(400, 401, 403)},
    )
    def patch(self, request: AuthenticatedRequest) -> Response:
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        user = user_rename(user=request.user, display_name=body.validated_data["display_name"])
        return Response(UserContextSerializer(user).data)


# --- Sessions ------------------------------------------------------------------------------


class SessionsApi(APIView):
    """Where the account is signed in: browsers and app sign-in flows."""

    class Output(serializers.Serializer):
        id = serializers.CharField(source="public_id", help_text="Opaque; not the session key.")
        ip = serializers.CharField()
        user_agent = serializers.CharField()
        created_at = serializers.DateTimeField()
        last_seen_at = serializers.DateTimeField()
        is_current = serializers.BooleanField(
            help_text="The browser session this request came with (cookie callers only)."
        )

    @extend_schema(
        tags=AUTH_TAG,
        operation_id="auth_sessions_list",
        responses={200: Output(many=True), **error_responses(401, 403)},
        description=(
            "Sessions of the calling account, most recently seen first. API tokens are not "
            "sessions: revoke them all with POST /api/auth/sessions/sign-out-everywhere/."
        ),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        session = getattr(request._request, "session", None)
        rows = user_sessions(
            user=request.user, current_session_key=getattr(session, "session_key", None)
        )
        return Response(self.Output(rows, many=True).data)


class SignOutEverywhereApi(APIView):
    """End every session and revoke every refresh token of the calling account."""

    class Output(serializers.Serializer):
        sessions_ended = serializers.IntegerField()
        refresh_tokens_revoked = serializers.IntegerField()

    @extend_schema(
        tags=AUTH_TAG,
        operation_id="auth_sign_out_everywhere",
        request=None,
        responses={200: Output, **error_responses(401, 403)},
        description=(
            "Every refresh token of the account is blacklisted (this app's too: sign in "
            "again) and every browser and app session ends, except the browser session of "
            "a caller authenticated by session cookie. Access tokens already issued stop at "
            "their short expiry."
        ),
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        django_request = request._request
        session = getattr(django_request, "session", None)
        keep = None
        if isinstance(request.successful_authenticator, SessionAuthentication):
            keep = getattr(session, "session_key", None)
        result = user_sign_out_everywhere(user=request.user, keep_session=keep)
        if isinstance(request.auth, Token):
            access_token_revoke(access=str(request.auth))
        if keep is None:
            # This browser is "everywhere" too: its session (the one an SPA signed in
            # with before moving to cookies) ends and its cookies are cleared.
            logout(django_request)
        return Response(
            self.Output(
                {"sessions_ended": result.sessions, "refresh_tokens_revoked": result.tokens}
            ).data
        )
