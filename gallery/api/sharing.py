"""Sharing in the JSON API: connections, invitations, audiences, members, links, overview.

Thin views over gallery.selectors.sharing and gallery.services.sharing; the access rules
stay in gallery.permissions. Anything the caller may not manage answers 404.
"""

from uuid import UUID

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import AuthenticatedRequest
from gallery.api.albums import ALBUM_ID
from gallery.models import Album, AlbumMember, Audience, Circle
from gallery.selectors import sharing as sharing_selectors
from gallery.services import sharing as sharing_services
from pikoshi.api import error_responses

USER_ID = OpenApiParameter(
    "user_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The person's id."
)
INVITATION_ID = OpenApiParameter("invitation_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
LINK_ID = OpenApiParameter("link_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
TAGS = ["sharing"]


# --- output shapes ------------------------------------------------------------------------


class PersonOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField(source="__str__")
    email = serializers.EmailField()


class ConnectionOutput(serializers.Serializer):
    person = PersonOutput(source="contact")
    circle = serializers.ChoiceField(choices=Circle.choices)
    created_at = serializers.DateTimeField()


class InvitationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    email = serializers.EmailField()
    circle = serializers.ChoiceField(
        choices=Circle.choices, help_text="Where the inviter files the invitee."
    )
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReceivedInvitationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    inviter = PersonOutput()
    created_at = serializers.DateTimeField()


class AlbumSharingOutput(serializers.Serializer):
    album = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    audience = serializers.ChoiceField(choices=Audience.choices)
    share_camera = serializers.BooleanField()
    share_location = serializers.BooleanField()
    public_path = serializers.SerializerMethodField(
        help_text="While the album is public: the path of its public page (on this server) "
        "for anyone, with or without an account. Random, new each time the album becomes "
        "public and when its address is changed; null otherwise."
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_public_path(self, album: Album) -> str | None:
        if album.audience != Audience.PUBLIC or album.public_address is None:
            return None
        return reverse("public_album", args=[album.public_address])


class MemberOutput(serializers.Serializer):
    person = PersonOutput(source="user")
    album = serializers.UUIDField(source="album.public_id")
    role = serializers.ChoiceField(choices=AlbumMember.Role.choices)
    until = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class LinkOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    album = serializers.UUIDField(source="album.public_id")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    expires_at = serializers.DateTimeField(allow_null=True)
    has_password = serializers.BooleanField()
    allow_download = serializers.BooleanField()
    share_camera = serializers.BooleanField()
    share_location = serializers.BooleanField()
    show_comments = serializers.BooleanField(
        help_text="Link holders read the album's comments (they never write)."
    )
    revoked_at = serializers.DateTimeField(allow_null=True)
    view_count = serializers.IntegerField()
    failed_password_attempts = serializers.IntegerField(
        help_text="Wrong passwords typed at the link's prompt since it was made."
    )
    last_accessed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class CreatedLinkOutput(LinkOutput):
    url = serializers.URLField(
        help_text="The link itself. Shown only now: the server keeps only a digest of it."
    )


class SharedAlbumOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    audience = serializers.ChoiceField(choices=Audience.choices)
    photo_count = serializers.IntegerField()
    role = serializers.CharField(source="my_role")


class SharedGroupOutput(serializers.Serializer):
    owner = PersonOutput()
    albums = SharedAlbumOutput(many=True)


class OverviewOutput(serializers.Serializer):
    albums = AlbumSharingOutput(many=True, help_text="Albums whose audience is not private.")
    members = MemberOutput(many=True)
    links = LinkOutput(many=True, help_text="Links not revoked (expired ones included).")


class MadePrivateOutput(serializers.Serializer):
    albums = serializers.IntegerField()
    members = serializers.IntegerField()
    links = serializers.IntegerField()


def _ok(
    serializer_class: type[serializers.Serializer],
    instance: object,
    *,
    many: bool = False,
    code: int = status.HTTP_200_OK,
) -> Response:
    return Response(serializer_class(instance, many=many).data, status=code)


# --- connections and invitations -----------------------------------------------------------


class ConnectionListApi(APIView):
    """The people the caller is connected with, as the caller filed them."""

    @extend_schema(
        tags=TAGS,
        operation_id="connections_list",
        responses={200: ConnectionOutput(many=True), **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return _ok(
            ConnectionOutput, sharing_selectors.connections_for(user=request.user), many=True
        )


class ConnectionDetailApi(APIView):
    """Move a connection between family and friend, or end it for both sides."""

    class Input(serializers.Serializer):
        circle = serializers.ChoiceField(choices=Circle.choices)

    @extend_schema(
        tags=TAGS,
        operation_id="connections_update",
        parameters=[USER_ID],
        request=Input,
        responses={200: ConnectionOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: AuthenticatedRequest, user_uuid: str) -> Response:
        connection = sharing_selectors.connection_for(user=request.user, contact_uuid=user_uuid)
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        connection = sharing_services.connection_update(
            user=request.user, connection=connection, **body.validated_data
        )
        return _ok(ConnectionOutput, connection)

    @extend_schema(
        tags=TAGS,
        operation_id="connections_destroy",
        parameters=[USER_ID],
        responses={204: None, **error_responses(401, 403, 404)},
        description="Ends the connection for both people and every album grant between them.",
    )
    def delete(self, request: AuthenticatedRequest, user_uuid: str) -> Response:
        connection = sharing_selectors.connection_for(user=request.user, contact_uuid=user_uuid)
        sharing_services.connection_remove(user=request.user, connection=connection)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListApi(APIView):
    """Invitations the caller sent that wait for an answer; invite someone by email."""

    class Input(serializers.Serializer):
        email = serializers.EmailField()
        circle = serializers.ChoiceField(choices=Circle.choices, default=Circle.FRIEND)

    @extend_schema(
        tags=TAGS,
        operation_id="invitations_list",
        responses={200: InvitationOutput(many=True), **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return _ok(
            InvitationOutput, sharing_selectors.invitations_sent(user=request.user), many=True
        )

    @extend_schema(
        tags=TAGS,
        operation_id="invitations_create",
        request=Input,
        responses={201: InvitationOutput, **error_responses(400, 401, 403)},
        description="Sends an email. If the address has no account yet, the invitation "
        "waits until someone verifies that address.",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = sharing_services.invitation_create(inviter=request.user, **body.validated_data)
        return _ok(InvitationOutput, invitation, code=status.HTTP_201_CREATED)


class InvitationReceivedApi(APIView):
    """Invitations waiting for the caller, matched on their verified email addresses."""

    @extend_schema(
        tags=TAGS,
        operation_id="invitations_received",
        responses={200: ReceivedInvitationOutput(many=True), **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        invitations = sharing_selectors.invitations_received(user=request.user)
        return _ok(ReceivedInvitationOutput, invitations, many=True)


class InvitationAcceptApi(APIView):
    """Accept an invitation, filing the inviter under a circle of the caller's choice."""

    class Input(serializers.Serializer):
        circle = serializers.ChoiceField(choices=Circle.choices, default=Circle.FRIEND)

    @extend_schema(
        tags=TAGS,
        operation_id="invitations_accept",
        parameters=[INVITATION_ID],
        request=Input,
        responses={201: ConnectionOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: AuthenticatedRequest, invitation_id: str) -> Response:
        invitation = sharing_selectors.invitation_for_invitee(
            user=request.user, public_id=invitation_id
        )
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        connection = sharing_services.invitation_accept(
            user=request.user, invitation=invitation, **body.validated_data
        )
        return _ok(ConnectionOutput, connection, code=status.HTTP_201_CREATED)


class InvitationDeclineApi(APIView):
    """Decline an invitation."""

    @extend_schema(
        tags=TAGS,
        operation_id="invitations_decline",
        parameters=[INVITATION_ID],
        request=None,
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def post(self, request: AuthenticatedRequest, invitation_id: str) -> Response:
        invitation = sharing_selectors.invitation_for_invitee(
            user=request.user, public_id=invitation_id
        )
        sharing_services.invitation_decline(user=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationDetailApi(APIView):
    """Withdraw an invitation the caller sent."""

    @extend_schema(
        tags=TAGS,
        operation_id="invitations_destroy",
        parameters=[INVITATION_ID],
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request: AuthenticatedRequest, invitation_id: str) -> Response:
        invitation = sharing_selectors.invitation_for_inviter(
            user=request.user, public_id=invitation_id
        )
        sharing_services.invitation_cancel(user=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- album audience, members, links ------------------------------------------------------


class AlbumSharingApi(APIView):
    """Who sees an album by audience, and whether they see camera and location."""

    class Input(serializers.Serializer):
        audience = serializers.ChoiceField(choices=Audience.choices, required=False)
        share_camera = serializers.BooleanField(required=False)
        share_location = serializers.BooleanField(required=False)

    @extend_schema(
        tags=TAGS,
        operation_id="album_sharing_retrieve",
        parameters=[ALBUM_ID],
        responses={200: AlbumSharingOutput, **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
        return _ok(AlbumSharingOutput, album)

    @extend_schema(
        tags=TAGS,
        operation_id="album_sharing_update",
        parameters=[ALBUM_ID],
        request=Input,
        responses={200: AlbumSharingOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        album = sharing_services.album_sharing_update(
            user=request.user, album=album, **body.validated_data
        )
        return _ok(AlbumSharingOutput, album)


class AlbumPublicAddressApi(APIView):
    """A public album's address, changed: the old one answers 404 from the next request."""

    @extend_schema(
        tags=TAGS,
        operation_id="album_public_address_change",
        parameters=[ALBUM_ID],
        request=None,
        responses={200: AlbumSharingOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
        album = sharing_services.album_public_address_change(user=request.user, album=album)
        return _ok(AlbumSharingOutput, album)


class OwnPhotosSharingOutput(serializers.Serializer):
    share_camera = serializers.BooleanField(
        help_text="Others may see the camera of my photos in this album."
    )
    share_location = serializers.BooleanField(
        help_text="Others may see where my photos in this album were taken."
    )
    allow_download = serializers.BooleanField(
        help_text="Links that allow downloads may hand out my originals."
    )


class AlbumOwnPhotosSharingApi(APIView):
    """A member's own switches for the photos they added to someone else's album.

    Off by default. Each works only where the album (or a link) also has it on: the
    album's owner decides who sees the album, each photo's owner what they see of it."""

    @extend_schema(
        tags=TAGS,
        operation_id="album_my_photos_sharing_retrieve",
        parameters=[ALBUM_ID],
        responses={200: OwnPhotosSharingOutput, **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, public_id: str) -> Response:
        membership = sharing_selectors.own_photos_sharing(user=request.user, public_id=public_id)
        return _ok(OwnPhotosSharingOutput, membership)

    @extend_schema(
        tags=TAGS,
        operation_id="album_my_photos_sharing_update",
        parameters=[ALBUM_ID],
        request=OwnPhotosSharingOutput,
        responses={200: OwnPhotosSharingOutput, **error_responses(400, 401, 403, 404)},
    )
    def put(self, request: AuthenticatedRequest, public_id: str) -> Response:
        membership = sharing_selectors.own_photos_sharing(user=request.user, public_id=public_id)
        body = OwnPhotosSharingOutput(data=request.data)
        body.is_valid(raise_exception=True)
        membership = sharing_services.contributor_sharing_update(
            user=request.user, album=membership.album, **body.validated_data
        )
        return _ok(OwnPhotosSharingOutput, membership)


class AlbumMemberListApi(APIView):
    """People named on an album; name one more (they must be a connection)."""

    class Input(serializers.Serializer):
        user = serializers.UUIDField(help_text="The connection's person id.")
        role = serializers.ChoiceField(
            choices=AlbumMember.Role.choices, default=AlbumMember.Role.VIEWER
        )
        until = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(
        tags=TAGS,
        operation_id="album_members_list",
        parameters=[ALBUM_ID],
        responses={200: MemberOutput(many=True), **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
        return _ok(MemberOutput, sharing_selectors.members_of(album=album), many=True)

    @extend_schema(
        tags=TAGS,
        operation_id="album_members_create",
        parameters=[ALBUM_ID],
        request=Input,
        responses={201: MemberOutput, **error_responses(400, 401, 403, 404)},
        description="Emails the person. Not a connection of yours: 400.",
    )
    def post(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        contact = (
            sharing_selectors.connections_for(user=request.user)
            .filter(contact__uuid=data["user"])
            .first()
        )
        membership = sharing_services.album_member_add(
            user=request.user,
            album=album,
            member=contact.contact if contact else None,
            role=data["role"],
            until=data["until"],
        )
        return _ok(MemberOutput, membership, code=status.HTTP_201_CREATED)


class AlbumMemberDetailApi(APIView):
    """Change a named person's role or end date, or remove them."""

    class Input(serializers.Serializer):
        role = serializers.ChoiceField(choices=AlbumMember.Role.choices, required=False)
        until = serializers.DateTimeField(
            required=False, allow_null=True, help_text="null removes the end date."
        )

    @extend_schema(
        tags=TAGS,
        operation_id="album_members_update",
        parameters=[ALBUM_ID, USER_ID],
        request=Input,
        responses={200: MemberOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: AuthenticatedRequest, public_id: str, user_uuid: str) -> Response:
        membership = sharing_selectors.membership_for_sharer(
            user=request.user, album_public_id=public_id, user_uuid=user_uuid
        )
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        membership = sharing_services.album_member_update(
            user=request.user, membership=membership, **body.validated_data
        )
        return _ok(MemberOutput, membership)

    @extend_schema(
        tags=TAGS,
        operation_id="album_members_destroy",
        parameters=[ALBUM_ID, USER_ID],
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request: AuthenticatedRequest, public_id: str, user_uuid: str) -> Response:
        membership = sharing_selectors.membership_for_sharer(
            user=request.user, album_public_id=public_id, user_uuid=user_uuid
        )
        sharing_services.album_member_remove(user=request.user, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LinkInput(serializers.Serializer):
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)  # type: ignore[assignment]  # a field named like Field.label
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Omit for the default (30 days from now); null for a link that never expires.",
    )
    password = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Empty string removes the password.",
    )
    allow_download = serializers.BooleanField(required=False)
    share_camera = serializers.BooleanField(required=False)
    share_location = serializers.BooleanField(required=False)
    show_comments = serializers.BooleanField(required=False)


class AlbumLinkListApi(APIView):
    """An album's live links; make a new one (its URL is shown only in this answer)."""

    @extend_schema(
        tags=TAGS,
        operation_id="album_links_list",
        parameters=[ALBUM_ID],
        responses={200: LinkOutput(many=True), **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
        return _ok(LinkOutput, sharing_selectors.links_of(album=album), many=True)

    @extend_schema(
        tags=TAGS,
        operation_id="album_links_create",
        parameters=[ALBUM_ID],
        request=LinkInput,
        responses={201: CreatedLinkOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: AuthenticatedRequest, public_id: UUID) -> Response:
        album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
        body = LinkInput(data=request.data)
        body.is_valid(raise_exception=True)
        options = dict(body.validated_data)
        if "expires_at" not in options:
            options["expires_at"] = sharing_services.share_link_default_expiry()
        created = sharing_services.share_link_create(user=request.user, album=album, **options)
        data = LinkOutput(created.link).data
        data["url"] = request.build_absolute_uri(created.path)
        return Response(data, status=status.HTTP_201_CREATED)


class ShareLinkDetailApi(APIView):
    """Change a live link, or revoke it (it stops working at once)."""

    @extend_schema(
        tags=TAGS,
        operation_id="share_links_update",
        parameters=[LINK_ID],
        request=LinkInput,
        responses={200: LinkOutput, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: AuthenticatedRequest, link_id: UUID) -> Response:
        link = sharing_selectors.link_for_sharer(user=request.user, public_id=link_id)
        body = LinkInput(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        # Only what the request names changes (partial): no key, no change.
        link = sharing_services.share_link_update(
            user=request.user, link=link, **body.validated_data
        )
        return _ok(LinkOutput, link)

    @extend_schema(
        tags=TAGS,
        operation_id="share_links_destroy",
        parameters=[LINK_ID],
        responses={204: None, **error_responses(401, 403, 404)},
        description="Revokes the link; pages and media URLs already handed out stop working.",
    )
    def delete(self, request: AuthenticatedRequest, link_id: str) -> Response:
        link = sharing_selectors.link_for_sharer(user=request.user, public_id=link_id)
        sharing_services.share_link_revoke(user=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- what is shared with me, what I share ------------------------------------------------


class SharedWithMeApi(APIView):
    """Albums other people share with the caller, grouped by the person who shares."""

    @extend_schema(
        tags=TAGS,
        operation_id="shared_with_me",
        responses={200: SharedGroupOutput(many=True), **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return _ok(
            SharedGroupOutput, sharing_selectors.shared_with_me(user=request.user), many=True
        )


class SharingOverviewApi(APIView):
    """Everything of the caller's that someone else can see."""

    @extend_schema(
        tags=TAGS,
        operation_id="sharing_overview",
        responses={200: OverviewOutput, **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return _ok(OverviewOutput, sharing_selectors.sharing_overview(user=request.user))


class MakePrivateApi(APIView):
    """Make everything private at once: audiences, named people and links."""

    class Input(serializers.Serializer):
        confirm = serializers.BooleanField(help_text="Must be true.")

    @extend_schema(
        tags=TAGS,
        operation_id="sharing_make_private",
        request=Input,
        responses={200: MadePrivateOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        body = self.Input(data=request.data)
        body.is_valid(raise_exception=True)
        if not body.validated_data["confirm"]:
            raise serializers.ValidationError({"confirm": ["Send confirm: true to proceed."]})
        result = sharing_services.sharing_make_everything_private(user=request.user)
        return _ok(MadePrivateOutput, result)
