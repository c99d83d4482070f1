"""Notifications in the JSON API: the list (with the unread count), marking read, and
how each kind reaches the caller."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import AuthenticatedRequest
from gallery.models import Notification, NotificationSetting
from gallery.selectors import notifications as notification_selectors
from gallery.services import notifications as notification_services
from pikoshi.api import error_responses

TAGS = ["notifications"]


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField(source="notification.pk")
    kind = serializers.ChoiceField(choices=Notification.Kind.values, source="notification.kind")
    text = serializers.CharField(help_text="The sentence to show, as the caller may read it.")
    url = serializers.CharField(help_text="Where it happened: a path of the web site.")
    unread = serializers.BooleanField()
    at = serializers.DateTimeField()


class NotificationListOutput(serializers.Serializer):
    unread = serializers.IntegerField(help_text="How many are unread: the bell's number.")
    results = NotificationOutput(many=True)


class NotificationListApi(APIView):
    """The caller's notifications, newest first (at most 50), about what they may see."""

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_list",
        responses={200: NotificationListOutput, **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        items = notification_selectors.notifications_of(user=request.user)
        unread = notification_selectors.unread_count(user=request.user)
        return Response(NotificationListOutput({"unread": unread, "results": items}).data)


class ReadInput(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        max_length=500,
        help_text="Which to mark read; all of them when left out.",
    )


class ReadOutput(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationReadApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        operation_id="notifications_read",
        request=ReadInput,
        responses={200: ReadOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        body = ReadInput(data=request.data)
        body.is_valid(raise_exception=True)
        marked = notification_services.mark_read(
            user=request.user, ids=body.validated_data.get("ids")
        )
        return Response({"marked": marked})


class SettingOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Notification.Kind.values)
    label = serializers.CharField(help_text="What the kind covers, for a settings screen.")  # type: ignore[assignment]
    channel = serializers.ChoiceField(choices=NotificationSetting.Channel.values)


class SettingsInput(serializers.Serializer):
    settings = serializers.DictField(
        child=serializers.ChoiceField(choices=NotificationSetting.Channel.values),
        help_text="kind → email, app (in Pikoshi only) or off; kinds left out stay as they are.",
    )


def _settings(request: AuthenticatedRequest) -> Response:
    rows = notification_selectors.settings_of(user=request.user)
    data = [{"kind": kind, "label": label, "channel": channel} for kind, label, channel in rows]
    return Response(SettingOutput(data, many=True).data)


class NotificationSettingsApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        operation_id="notification_settings_list",
        responses={200: SettingOutput(many=True), **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return _settings(request)

    @extend_schema(
        tags=TAGS,
        operation_id="notification_settings_update",
        request=SettingsInput,
        responses={200: SettingOutput(many=True), **error_responses(400, 401, 403)},
    )
    def patch(self, request: AuthenticatedRequest) -> Response:
        body = SettingsInput(data=request.data)
        body.is_valid(raise_exception=True)
        notification_services.settings_update(
            user=request.user, channels=body.validated_data["settings"]
        )
        return _settings(request)
