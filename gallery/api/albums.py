"""Albums in the JSON API: list, create, read, rename, delete, and an album's photos.

Thin views over gallery.selectors and gallery.services; access rules live in
gallery.permissions alone, and anything the caller may not see answers 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import AuthenticatedRequest
from gallery import permissions
from gallery.api.library import BulkResult, outcome_response
from gallery.api.photos import PAGE_EXAMPLE, PAGE_PARAMETERS, page_query, page_response
from gallery.api.serializers import AlbumSerializer, PhotoPageSerializer
from gallery.selectors import albums as album_selectors
from gallery.selectors import photos as photo_selectors
from gallery.services import albums as album_services
from gallery.services import bulk as bulk_services
from pikoshi.api import error_responses

ALBUM_ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
EXAMPLE_ALBUM = {
    "id": "3f0b3a52-6a6e-4d7b-9d5c-0f7c3d1f8e21",
    "title": "Summer 2026",
    "description": "Two weeks by the sea.",
    "audience": "private",
    "photo_count": 42,
    "cover": {
        "thumb": "https://photos.example.org/media/eyJwIjoi...thumb/",
        "mobile": "https://photos.example.org/media/eyJwIjoi...mobile/",
        "display": "https://photos.example.org/media/eyJwIjoi...display/",
    },
    "created_at": "2026-07-01T10:00:00Z",
    "updated_at": "2026-08-15T19:03:44Z",
}
ALBUM_EXAMPLE = OpenApiExample("Album", value=EXAMPLE_ALBUM, response_only=True)


# --- Albums -------------------------------------------------------------------------------


class AlbumListApi(APIView):
    """The caller's albums; create a new one."""

    parser_classes = [JSONParser]

    class AlbumCreateInput(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        description = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    @extend_schema(
        tags=["albums"],
        operation_id="albums_list",
        responses={
            200: OpenApiResponse(AlbumSerializer(many=True), examples=[ALBUM_EXAMPLE]),
            **error_responses(401, 429),
        },
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        albums = album_selectors.albums_for_owner(user=request.user)
        return Response(AlbumSerializer(albums, many=True, context={"request": request}).data)

    @extend_schema(
        tags=["albums"],
        operation_id="albums_create",
        request=AlbumCreateInput,
        responses={
            201: OpenApiResponse(AlbumSerializer, examples=[ALBUM_EXAMPLE]),
            **error_responses(400, 401, 403, 429),
        },
        examples=[
            OpenApiExample(
                "New album",
                value={"title": "Summer 2026", "description": "Two weeks by the sea."},
                request_only=True,
            )
        ],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        body = self.AlbumCreateInput(data=request.data)
        body.is_valid(raise_exception=True)
        album = album_services.album_create(owner=request.user, **body.validated_data)
        data = AlbumSerializer(album, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class AlbumDetailApi(APIView):
    """One album: read it, rename it or pick its cover, delete it (its photos stay)."""

    # JSON only: in form data DRF reads an empty optional field as "not sent".
    parser_classes = [JSONParser]

    class AlbumUpdateInput(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
        cover = serializers.UUIDField(
            required=False,
            allow_null=True,
            help_text="A photo of the album to show as its cover; null: the newest photo.",
        )

    @extend_schema(
        tags=["albums"],
        operation_id="albums_retrieve",
        parameters=[ALBUM_ID],
        responses={
            200: OpenApiResponse(AlbumSerializer, examples=[ALBUM_EXAMPLE]),
            **error_responses(401, 404, 429),
        },
    )
    def get(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
        return Response(AlbumSerializer(album, context={"request": request}).data)

    @extend_schema(
        tags=["albums"],
        operation_id="albums_update",
        parameters=[ALBUM_ID],
        request=AlbumUpdateInput,
        responses={
            200: OpenApiResponse(AlbumSerializer, examples=[ALBUM_EXAMPLE]),
            **error_responses(400, 401, 403, 404, 429),
        },
        examples=[
            OpenApiExample("Rename", value={"title": "Summer by the sea"}, request_only=True)
        ],
    )
    def patch(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = album_selectors.album_for_editor(user=request.user, public_id=public_id)
        body = self.AlbumUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        touched = not changes or set(changes) != {"cover"}
        if "cover" in changes:
            cover_id = changes.pop("cover")
            cover = None
            if cover_id is not None:
                cover = photo_selectors.photo_in_album_for_viewer(
                    user=request.user, album=album, public_id=cover_id
                )
            album = album_services.album_set_cover(user=request.user, album=album, photo=cover)
        if touched:  # a rename, or nothing: saved all the same (an album gone is a 404)
            album = album_services.album_update(user=request.user, album=album, **changes)
        album = album_selectors.album_with_cover(album=album)
        return Response(AlbumSerializer(album, context={"request": request}).data)

    @extend_schema(
        tags=["albums"],
        operation_id="albums_destroy",
        parameters=[ALBUM_ID],
        responses={
            200: OpenApiResponse(
                inline_serializer("AlbumDeleted", {"photos": serializers.IntegerField()}),
                description="Deleted; the `photos` that were in it stay in their owners' "
                "libraries and other albums.",
                examples=[OpenApiExample("Deleted", value={"photos": 12})],
            ),
            **error_responses(401, 403, 404, 429),
        },
    )
    def delete(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = album_selectors.album_for_editor(user=request.user, public_id=public_id)
        count = album_services.album_delete(user=request.user, album=album)
        return Response({"photos": count})


class AlbumPhotosApi(APIView):
    """Photos of one album, newest taken first, a page at a time; add photos to it."""

    parser_classes = [JSONParser]

    class AddInput(serializers.Serializer):
        photos = serializers.ListField(
            child=serializers.UUIDField(),
            min_length=1,
            max_length=bulk_services.MAX_IDS,
            help_text="Ids of your own photos (not in the trash) to put into the album.",
        )

    @extend_schema(
        tags=["albums"],
        operation_id="albums_photos_list",
        parameters=[ALBUM_ID, *PAGE_PARAMETERS],
        responses={
            200: OpenApiResponse(PhotoPageSerializer, examples=[PAGE_EXAMPLE]),
            **error_responses(400, 401, 404, 429),
        },
    )
    def get(self, request: AuthenticatedRequest, public_id: str) -> Response:
        query = page_query(request)
        album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
        page = photo_selectors.album_photos_page(user=request.user, album=album, **query)
        return page_response(request, page, album=album, added_by=True)

    @extend_schema(
        tags=["albums"],
        operation_id="albums_photos_add",
        parameters=[ALBUM_ID],
        request=AddInput,
        responses={200: BulkResult, **error_responses(400, 401, 403, 404, 429)},
        description="Photos already in your library go into the album without uploading; "
        "a photo may be in any number of albums. Each id answers done, unchanged (already "
        "there) or not_found.",
    )
    def post(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
        if not permissions.can_contribute(request.user, album):
            raise NotFound("No such album.")
        body = self.AddInput(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = bulk_services.photos_bulk(
            user=request.user,
            action=bulk_services.Action.ADD_TO_ALBUM,
            ids=body.validated_data["photos"],
            album=album,
        )
        return outcome_response(outcome)


class AlbumPhotoApi(APIView):
    """One photo's entry in an album."""

    @extend_schema(
        tags=["albums"],
        operation_id="albums_photos_remove",
        parameters=[ALBUM_ID, OpenApiParameter("photo_id", OpenApiTypes.UUID, "path")],
        responses={204: None, **error_responses(401, 403, 404, 429)},
        description="Takes the photo out of this album (the album's owner: any photo; "
        "others: their own). The photo stays in its owner's library and other albums.",
    )
    def delete(self, request: AuthenticatedRequest, public_id: str, photo_id: str) -> Response:
        album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
        photo = photo_selectors.photo_in_album_for_viewer(
            user=request.user, album=album, public_id=photo_id
        )
        result = album_services.album_remove_photos(user=request.user, album=album, photos=[photo])
        if result.count("removed") != 1:
            raise NotFound("No such photo in this album.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class TimelineSwitch(serializers.Serializer):
    show = serializers.BooleanField()


class AlbumTimelineApi(APIView):
    """ "Show in my timeline" for an album shared with the caller (off by default)."""

    parser_classes = [JSONParser]

    @extend_schema(
        tags=["albums"],
        operation_id="albums_timeline_set",
        parameters=[ALBUM_ID],
        request=TimelineSwitch,
        responses={200: TimelineSwitch, **error_responses(400, 401, 403, 404, 429)},
        description="The album's photos appear among your own in GET /api/photos/ while "
        "the album is shared with you. Not for your own albums (404).",
    )
    def put(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
        body = TimelineSwitch(data=request.data)
        body.is_valid(raise_exception=True)
        show = album_services.album_show_in_timeline(
            user=request.user, album=album, show=body.validated_data["show"]
        )
        return Response({"show": show})
