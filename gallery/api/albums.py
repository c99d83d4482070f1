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
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import AuthenticatedRequest
from gallery.api.photos import PAGE_EXAMPLE, PAGE_PARAMETERS, page_query, page_response
from gallery.api.serializers import AlbumSerializer, PhotoPageSerializer
from gallery.selectors import albums as album_selectors
from gallery.selectors import photos as photo_selectors
from gallery.services import albums as album_services
from pikoshi.api import error_responses

ALBUM_ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
EXAMPLE_ALBUM = {
    "id": "3f0b3a52-6a6e-4d7b-9d5c-0f7c3d1f8e21",
    "title": "Summer 2026",
    "description": "Two weeks by the sea.",
    "audience": "private",
    "is_default": False,
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
    """One album: read it, rename it, delete it (its photos go to the trash)."""

    # JSON only: in form data DRF reads an empty optional field as "not sent".
    parser_classes = [JSONParser]

    class AlbumUpdateInput(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        description = serializers.CharField(max_length=5000, required=False, allow_blank=True)

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
        album = album_services.album_update(user=request.user, album=album, **body.validated_data)
        return Response(AlbumSerializer(album, context={"request": request}).data)

    @extend_schema(
        tags=["albums"],
        operation_id="albums_destroy",
        parameters=[ALBUM_ID],
        responses={
            200: OpenApiResponse(
                inline_serializer("AlbumDeleted", {"trashed": serializers.IntegerField()}),
                description="Deleted; `trashed` photos went to the trash (restorable).",
                examples=[OpenApiExample("Deleted", value={"trashed": 12})],
            ),
            **error_responses(400, 401, 403, 404, 429),
        },
        description="The default album ('My photos') cannot be deleted: 400.",
    )
    def delete(self, request: AuthenticatedRequest, public_id: str) -> Response:
        album = album_selectors.album_for_editor(user=request.user, public_id=public_id)
        trashed = album_services.album_delete(user=request.user, album=album)
        return Response({"trashed": trashed})


class AlbumPhotosApi(APIView):
    """Photos of one album, newest taken first, a page at a time."""

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
        return page_response(request, page)
