"""Serializers shared by the account endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from accounts.models import User

if TYPE_CHECKING:
    from accounts.api.tokens import TokenPair


class UserContextSerializer(serializers.Serializer):
    """Who is calling. The sequential id never leaves the server; `uuid` is the public id."""

    uuid = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    email_verified = serializers.SerializerMethodField()

    def get_email_verified(self, user: User) -> bool:
        return EmailAddress.objects.filter(
            user=user, email__iexact=user.email, verified=True
        ).exists()


class CookieTokenPairSerializer(serializers.Serializer):
    """A new pair in cookie mode: the tokens travel only in HttpOnly cookies, never here."""

    mode = serializers.ChoiceField(choices=["cookie"])
    access_expires_at = serializers.DateTimeField()
    refresh_expires_at = serializers.DateTimeField()


class BearerTokenPairSerializer(CookieTokenPairSerializer):
    """A new pair for an app, in the body."""

    mode = serializers.ChoiceField(choices=["bearer"])
    access = serializers.CharField(help_text="Send as `Authorization: Bearer <access>`.")
    refresh = serializers.CharField(help_text="For the next refresh; the old one is dead.")


# One answer with two complete shapes, told apart by `mode`, rather than one shape whose
# tokens are optional: a generated client narrows on `mode` instead of casting.
TokenPairSerializer = PolymorphicProxySerializer(
    component_name="TokenPair",
    serializers={"bearer": BearerTokenPairSerializer, "cookie": CookieTokenPairSerializer},
    resource_type_field_name="mode",
)


def token_pair_data(pair: TokenPair, *, cookie: bool) -> dict[str, Any]:
    data = {
        "mode": "cookie" if cookie else "bearer",
        "access_expires_at": pair.access_expires_at,
        "refresh_expires_at": pair.refresh_expires_at,
    }
    if not cookie:
        data.update(access=pair.access, refresh=pair.refresh)
    return data
