"""Comments, reactions and the activity feed of a shared album, in the JSON API.

Each lives inside an album: on the album itself (`/api/albums/<id>/comments/`) or on a
photo as seen in it (`/api/albums/<id>/photos/<photo>/comments/`). Whoever may not see the
album (or the photo in it) gets 404, as for an id that does not exist.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import AuthenticatedRequest
from gallery.api.albums import ALBUM_ID
from gallery.models import Album, Comment, Photo, Reaction
from gallery.selectors import albums as album_selectors
from gallery.selectors import comments as comment_selectors
from gallery.selectors import photos as photo_selectors
from gallery.services import comments as comment_services
from pikoshi.api import error_responses

TAGS = ["comments"]
PHOTO_IN_ALBUM = OpenApiParameter("photo_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


def _target(
    request: AuthenticatedRequest, public_id: str, photo_id: str | None
) -> tuple[Album, Photo | None]:
    album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
    photo = None
    if photo_id is not None:
        photo = photo_selectors.photo_in_album_for_viewer(
            user=request.user, album=album, public_id=photo_id
        )
    return album, photo


class CommentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="comment.public_id")
    photo = serializers.UUIDField(
        source="comment.photo.public_id",
        allow_null=True,
        default=None,
        help_text="The photo it is about; null for a comment on the album.",
    )
    author = serializers.CharField(help_text="The author, as the caller may name them.")
    mine = serializers.BooleanField(help_text="The caller wrote it.")
    can_delete = serializers.BooleanField(
        help_text="The caller may delete it (its author, or the album's owner)."
    )
    body = serializers.CharField(
        source="comment.body", help_text="As typed: escape it wherever it is shown."
    )
    created_at = serializers.DateTimeField(source="comment.created_at")


class CommentInput(serializers.Serializer):
    # Checked by the service, with messages a person can act on.
    body = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"At most {Comment.MAX_LENGTH} characters.",
    )


class CommentListApi(APIView):
    """The comments on an album, or on one of its photos; POST adds one."""

    parser_classes = [JSONParser]

    def _views(self, request: AuthenticatedRequest, album: Album, photo: Photo | None) -> list:
        return comment_selectors.comments_of(user=request.user, album=album, photo=photo)

    @extend_schema(
        tags=TAGS,
        operation_id="comments_list",
        parameters=[ALBUM_ID],
        responses={200: CommentOutput(many=True), **error_responses(401, 404)},
    )
    def get(
        self, request: AuthenticatedRequest, public_id: str, photo_id: str | None = None
    ) -> Response:
        album, photo = _target(request, public_id, photo_id)
        views = self._views(request, album, photo)
        return Response(CommentOutput(views, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="comments_create",
        parameters=[ALBUM_ID],
        request=CommentInput,
        responses={201: CommentOutput, **error_responses(400, 401, 403, 404, 429)},
        description="Everyone the album is shared with by circle or by name may comment; "
        "signed-in strangers of a public album only read.",
    )
    def post(
        self, request: AuthenticatedRequest, public_id: str, photo_id: str | None = None
    ) -> Response:
        album, photo = _target(request, public_id, photo_id)
        body = CommentInput(data=request.data)
        body.is_valid(raise_exception=True)
        comment = comment_services.comment_add(
            user=request.user, album=album, photo=photo, body=body.validated_data["body"]
        )
        [view] = [v for v in self._views(request, album, photo) if v.comment.pk == comment.pk]
        return Response(CommentOutput(view).data, status=status.HTTP_201_CREATED)


def _about_a_photo(
    view: type[APIView], name: str, doc: str, methods: dict[str, str]
) -> type[APIView]:
    """The same view under albums/<id>/photos/<photo>/: its own operation ids, the photo
    among its parameters, everything else as documented on the album's view."""
    documented = {
        method: extend_schema(operation_id=operation, parameters=[ALBUM_ID, PHOTO_IN_ALBUM])
        for method, operation in methods.items()
    }
    photo_view = type(name, (view,), {"__doc__": doc})
    return extend_schema_view(**documented)(photo_view)


PhotoCommentListApi = _about_a_photo(
    CommentListApi,
    "PhotoCommentListApi",
    "The comments on one photo as it is seen in an album; POST adds one.",
    {"get": "photo_comments_list", "post": "photo_comments_create"},
)


class CommentDetailApi(APIView):
    """One comment: its author or the album's owner deletes it."""

    @extend_schema(
        tags=TAGS,
        operation_id="comments_destroy",
        parameters=[OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request: AuthenticatedRequest, public_id: str) -> Response:
        comment = comment_selectors.comment_for_deletion(user=request.user, public_id=public_id)
        comment_services.comment_delete(user=request.user, comment=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReactionCounts(serializers.Serializer):
    heart = serializers.IntegerField()
    laugh = serializers.IntegerField()
    wow = serializers.IntegerField()
    sad = serializers.IntegerField()
    clap = serializers.IntegerField()


class ReactionsOutput(serializers.Serializer):
    counts = ReactionCounts(help_text="How many people chose each reaction.")
    mine = serializers.ChoiceField(
        choices=Reaction.Kind.values, allow_null=True, help_text="The caller's, if any."
    )


class ReactionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Reaction.Kind.values)


class ReactionsApi(APIView):
    """Reactions to an album: GET the counts, PUT the caller's, DELETE takes it back."""

    parser_classes = [JSONParser]

    def _answer(self, request: AuthenticatedRequest, album: Album, photo: Photo | None) -> Response:
        found = comment_selectors.reactions_of(user=request.user, album=album, photo=photo)
        return Response(ReactionsOutput({"counts": found.counts, "mine": found.mine}).data)

    @extend_schema(
        tags=TAGS,
        operation_id="reactions_retrieve",
        parameters=[ALBUM_ID],
        responses={200: ReactionsOutput, **error_responses(401, 404)},
    )
    def get(
        self, request: AuthenticatedRequest, public_id: str, photo_id: str | None = None
    ) -> Response:
        album, photo = _target(request, public_id, photo_id)
        return self._answer(request, album, photo)

    @extend_schema(
        tags=TAGS,
        operation_id="reactions_update",
        parameters=[ALBUM_ID],
        request=ReactionInput,
        responses={200: ReactionsOutput, **error_responses(400, 401, 403, 404, 429)},
    )
    def put(
        self, request: AuthenticatedRequest, public_id: str, photo_id: str | None = None
    ) -> Response:
        album, photo = _target(request, public_id, photo_id)
        body = ReactionInput(data=request.data)
        body.is_valid(raise_exception=True)
        comment_services.reaction_set(
            user=request.user, album=album, photo=photo, kind=body.validated_data["kind"]
        )
        return self._answer(request, album, photo)

    @extend_schema(
        tags=TAGS,
        operation_id="reactions_destroy",
        parameters=[ALBUM_ID],
        responses={200: ReactionsOutput, **error_responses(401, 403, 404)},
    )
    def delete(
        self, request: AuthenticatedRequest, public_id: str, photo_id: str | None = None
    ) -> Response:
        album, photo = _target(request, public_id, photo_id)
        comment_services.reaction_set(user=request.user, album=album, photo=photo, kind=None)
        return self._answer(request, album, photo)


PhotoReactionsApi = _about_a_photo(
    ReactionsApi,
    "PhotoReactionsApi",
    "Reactions to one photo as it is seen in an album.",
    {
        "get": "photo_reactions_retrieve",
        "put": "photo_reactions_update",
        "delete": "photo_reactions_destroy",
    },
)


class ActivityOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["added", "comment"])
    who = serializers.CharField(help_text="Who did it, as the caller may name them.")
    at = serializers.DateTimeField()
    count = serializers.IntegerField(help_text='"added": how many photos.')
    photos = serializers.SerializerMethodField(help_text='"added": up to six of them.')
    comment = serializers.SerializerMethodField(help_text='"comment": its id.')
    photo = serializers.SerializerMethodField(help_text='"comment": the photo it is about.')
    body = serializers.SerializerMethodField(help_text='"comment": its text, as typed.')

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_photos(self, item: Any) -> list[str]:
        return [str(photo.public_id) for photo in item.photos]

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_comment(self, item: Any) -> str | None:
        return str(item.comment.public_id) if item.comment else None

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_photo(self, item: Any) -> str | None:
        if item.comment is None or item.comment.photo is None:
            return None
        return str(item.comment.photo.public_id)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body(self, item: Any) -> str | None:
        return item.comment.body if item.comment else None


class ActivityApi(APIView):
    """An album's feed, newest first: who added photos (batched by the hour), who commented."""

    @extend_schema(
        tags=TAGS,
        operation_id="album_activity_list",
        parameters=[ALBUM_ID],
        responses={200: ActivityOutput(many=True), **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
        items = comment_selectors.album_activity(user=request.user, album=album)
        return Response(ActivityOutput(items, many=True).data)
