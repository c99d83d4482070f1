"""Serializers shared by the account endpoints."""

from allauth.account.models import EmailAddress
from rest_framework import serializers


class UserContextSerializer(serializers.Serializer):
    """Who is calling. The sequential id never leaves the server; `uuid` is the public id."""

    uuid = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    email_verified = serializers.SerializerMethodField()

    def get_email_verified(self, user) -> bool:
        return EmailAddress.objects.filter(
            user=user, email__iexact=user.email, verified=True
        ).exists()


class TokenPairSerializer(serializers.Serializer):
    """A new pair. In cookie mode the tokens travel only in HttpOnly cookies, not here."""

    mode = serializers.ChoiceField(choices=["bearer", "cookie"])
    access = serializers.CharField(required=False, help_text="Bearer mode only.")
    refresh = serializers.CharField(required=False, help_text="Bearer mode only.")
    access_expires_at = serializers.DateTimeField()
    refresh_expires_at = serializers.DateTimeField()


def token_pair_data(pair, *, cookie: bool) -> dict:
    data = {
        "mode": "cookie" if cookie else "bearer",
        "access_expires_at": pair.access_expires_at,
        "refresh_expires_at": pair.refresh_expires_at,
    }
    if not cookie:
        data.update(access=pair.access, refresh=pair.refresh)
    return data
