"""The gallery's JSON API: thin views over gallery.selectors and gallery.services.

Access rules live in gallery.permissions alone. Selectors raise Http404 for anything the
caller may not see (404, never 403), services raise ValidationError (400) or
ImageRejected (413/415/422); pikoshi.api turns each into {"detail", "code"}.
"""

from django.conf import settings
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from gallery import selectors, services
from gallery.api.serializers import AlbumSerializer, PhotoPageSerializer, PhotoSerializer
from pikoshi.api import ClientScopedRateThrottle, error_responses

ALBUM_ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
PHOTO_ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
PAGE_PARAMETERS = [
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        description="Opaque position from a previous page's `next` URL.",
    ),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": selectors.MAX_PAGE_SIZE},
        description="Photos per page, 1–100 (default 30).",
    ),
]

EXAMPLE_PHOTO = {
    "id": "9b2f4c1e-5d3a-4f7e-8a21-3c6b0d9e7f10",
    "title": "Harbour at dawn",
    "album": "3f0b3a52-6a6e-4d7b-9d5c-0f7c3d1f8e21",
    "width": 4032,
    "height": 3024,
    "taken_at": "2026-08-14T06:12:09Z",
    "uploaded_at": "2026-08-15T19:03:44Z",
    "mime_type": "image/jpeg",
    "bytes": 3481122,
    "deleted_at": None,
    "urls": {
        "thumb": "https://photos.example.org/media/eyJwIjoi...thumb/",
        "mobile": "https://photos.example.org/media/eyJwIjoi...mobile/",
        "display": "https://photos.example.org/media/eyJwIjoi...display/",
        "original": "https://photos.example.org/media/eyJwIjoi...original/",
    },
    "camera": {"make": "Pixelmaker", "model": "P7"},
    "location": {"latitude": 59.9139, "longitude": 10.7522},
}
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
PHOTO_EXAMPLE = OpenApiExample("Photo (owner's view)", value=EXAMPLE_PHOTO, response_only=True)
ALBUM_EXAMPLE = OpenApiExample("Album", value=EXAMPLE_ALBUM, response_only=True)
PAGE_EXAMPLE = OpenApiExample(
    "Page",
    value={
        "results": [EXAMPLE_PHOTO],
        "next": "https://photos.example.org/api/photos/?cursor=WyIyMDI2LTA4...&limit=30",
    },
    response_only=True,
)


class PageQuery(serializers.Serializer):
    cursor = serializers.CharField(required=False, allow_blank=True, max_length=500)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=selectors.MAX_PAGE_SIZE)


def _page_query(request) -> dict:
    query = PageQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return {
        "cursor": query.validated_data.get("cursor") or None,
        "limit": query.validated_data.get("limit", selectors.DEFAULT_PAGE_SIZE),
    }


def _page_response(request, page) -> Response:
    next_url = None
    if page.next_cursor:
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", page.next_cursor)
    data = {"results": page.photos, "next": next_url}
    return Response(PhotoPageSerializer(data, context={"request": request}).data)


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
    def get(self, request):
        albums = selectors.albums_for_owner(user=request.user)
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
    def post(self, request):
        body = self.AlbumCreateInput(data=request.data)
        body.is_valid(raise_exception=True)
        album = services.album_create(owner=request.user, **body.validated_data)
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
    def get(self, request, public_id):
        album = selectors.album_for_viewer(user=request.user, public_id=public_id)
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
    def patch(self, request, public_id):
        album = selectors.album_for_editor(user=request.user, public_id=public_id)
        body = self.AlbumUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        album = services.album_update(user=request.user, album=album, **body.validated_data)
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
    def delete(self, request, public_id):
        album = selectors.album_for_editor(user=request.user, public_id=public_id)
        trashed = services.album_delete(user=request.user, album=album)
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
    def get(self, request, public_id):
        query = _page_query(request)
        album = selectors.album_for_viewer(user=request.user, public_id=public_id)
        page = selectors.album_photos_page(user=request.user, album=album, **query)
        return _page_response(request, page)


# --- Photos -------------------------------------------------------------------------------


class UploadOutput(PhotoSerializer):
    duplicate = serializers.BooleanField(
        help_text="True when these exact bytes were already in the library (status 200)."
    )


class PhotoListApi(APIView):
    """GET: the caller's timeline. POST: upload one photo (multipart)."""

    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "upload"

    class PhotoUploadInput(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True, help_text="One image file.")
        album = serializers.UUIDField(
            required=False, allow_null=True, help_text="Target album; default 'My photos'."
        )
        title = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def get_throttles(self):
        if self.request.method == "POST":
            return [ClientScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        tags=["photos"],
        operation_id="photos_list",
        parameters=PAGE_PARAMETERS,
        responses={
            200: OpenApiResponse(PhotoPageSerializer, examples=[PAGE_EXAMPLE]),
            **error_responses(400, 401, 429),
        },
        description="The caller's own photos, newest taken first. Follow `next` for more.",
    )
    def get(self, request):
        page = selectors.timeline_page(user=request.user, **_page_query(request))
        return _page_response(request, page)

    @extend_schema(
        tags=["photos"],
        operation_id="photos_upload",
        request={"multipart/form-data": PhotoUploadInput},
        responses={
            201: OpenApiResponse(UploadOutput, description="Stored.", examples=[PHOTO_EXAMPLE]),
            200: OpenApiResponse(
                UploadOutput,
                description="Already in the library: the existing photo, duplicate=true.",
            ),
            **error_responses(400, 401, 403, 404, 413, 415, 422, 429),
        },
        description=(
            "One file per request (JPEG, PNG, WebP, GIF, HEIC), at most "
            f"{settings.PIKOSHI_MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Errors: 413 too large, "
            "415 not an image we read, 422 damaged or empty, 404 unknown album."
        ),
    )
    def post(self, request):
        body = self.PhotoUploadInput(data=request.data)
        body.is_valid(raise_exception=True)
        album = None
        if body.validated_data.get("album"):
            # Whether the caller may add photos there is photo_upload's decision.
            album = selectors.album_for_viewer(
                user=request.user, public_id=body.validated_data["album"]
            )
        result = services.photo_upload(
            owner=request.user,
            file=body.validated_data["file"],
            album=album,
            title=body.validated_data.get("title", ""),
        )
        data = dict(PhotoSerializer(result.photo, context={"request": request}).data)
        data["duplicate"] = not result.created
        return Response(
            data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class PhotoDetailApi(APIView):
    """One photo: read, retitle or move (PATCH), put in the trash (DELETE)."""

    parser_classes = [JSONParser]

    class PhotoUpdateInput(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False, allow_blank=True)
        album = serializers.UUIDField(required=False, help_text="Move into this album.")

    @extend_schema(
        tags=["photos"],
        operation_id="photos_retrieve",
        parameters=[PHOTO_ID],
        responses={
            200: OpenApiResponse(PhotoSerializer, examples=[PHOTO_EXAMPLE]),
            **error_responses(401, 404, 429),
        },
    )
    def get(self, request, public_id):
        photo = selectors.photo_for_viewer(user=request.user, public_id=public_id)
        return Response(PhotoSerializer(photo, context={"request": request}).data)

    @extend_schema(
        tags=["photos"],
        operation_id="photos_update",
        parameters=[PHOTO_ID],
        request=PhotoUpdateInput,
        responses={
            200: OpenApiResponse(PhotoSerializer, examples=[PHOTO_EXAMPLE]),
            **error_responses(400, 401, 403, 404, 429),
        },
        examples=[
            OpenApiExample(
                "Move and retitle",
                value={"title": "Harbour", "album": "3f0b3a52-6a6e-4d7b-9d5c-0f7c3d1f8e21"},
                request_only=True,
            )
        ],
    )
    def patch(self, request, public_id):
        photo = selectors.photo_for_viewer(user=request.user, public_id=public_id)
        body = self.PhotoUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        changes = {}
        if "title" in body.validated_data:
            changes["title"] = body.validated_data["title"]
        if "album" in body.validated_data:
            changes["album"] = selectors.album_for_viewer(
                user=request.user, public_id=body.validated_data["album"]
            )
        photo = services.photo_update(user=request.user, photo=photo, **changes)
        return Response(PhotoSerializer(photo, context={"request": request}).data)

    @extend_schema(
        tags=["photos"],
        operation_id="photos_trash",
        parameters=[PHOTO_ID],
        responses={
            200: OpenApiResponse(
                PhotoSerializer, description="In the trash now (deleted_at set); restorable."
            ),
            **error_responses(401, 403, 404, 429),
        },
        description="Moves the photo to the trash; POST .../restore/ brings it back.",
    )
    def delete(self, request, public_id):
        photo = selectors.photo_for_viewer(user=request.user, public_id=public_id)
        photo = services.photo_trash(user=request.user, photo=photo)
        return Response(PhotoSerializer(photo, context={"request": request}).data)


class PhotoRestoreApi(APIView):
    """Take a photo out of the trash."""

    @extend_schema(
        tags=["photos"],
        operation_id="photos_restore",
        parameters=[PHOTO_ID],
        request=None,
        responses={
            200: OpenApiResponse(PhotoSerializer, examples=[PHOTO_EXAMPLE]),
            **error_responses(401, 403, 404, 429),
        },
    )
    def post(self, request, public_id):
        photo = selectors.photo_for_owner(
            user=request.user, public_id=public_id, include_trashed=True
        )
        photo = services.photo_restore(user=request.user, photo=photo)
        return Response(PhotoSerializer(photo, context={"request": request}).data)


class TrashApi(APIView):
    """The caller's trash, most recently deleted first."""

    @extend_schema(
        tags=["photos"],
        operation_id="trash_list",
        responses={
            200: OpenApiResponse(
                inline_serializer("TrashList", {"results": PhotoSerializer(many=True)}),
                examples=[
                    OpenApiExample(
                        "Trash",
                        value={
                            "results": [{**EXAMPLE_PHOTO, "deleted_at": "2026-08-20T08:00:00Z"}]
                        },
                    )
                ],
            ),
            **error_responses(401, 429),
        },
        description=(
            f"Photos stay here for {settings.PIKOSHI_TRASH_DAYS} days, then are deleted for good."
        ),
    )
    def get(self, request):
        photos = selectors.trash_for_owner(user=request.user)
        data = PhotoSerializer(photos, many=True, context={"request": request}).data
        return Response({"results": data})

    @extend_schema(
        tags=["photos"],
        operation_id="trash_empty",
        request=None,
        responses={
            200: OpenApiResponse(
                inline_serializer("TrashEmptied", {"deleted": serializers.IntegerField()}),
                examples=[OpenApiExample("Emptied", value={"deleted": 3})],
            ),
            **error_responses(401, 403, 429),
        },
        description="Deletes every photo in the caller's trash for good, files included.",
    )
    def delete(self, request):
        return Response({"deleted": services.trash_empty(user=request.user)})


class TrashPhotoApi(APIView):
    """One photo in the caller's trash."""

    @extend_schema(
        tags=["photos"],
        operation_id="trash_photo_destroy",
        parameters=[PHOTO_ID],
        responses={204: None, **error_responses(401, 403, 404, 429)},
        description=(
            "Deletes a trashed photo for good: its row and every stored file. Photos not in "
            "the trash answer 404; move them to the trash first (DELETE /api/photos/{id}/)."
        ),
    )
    def delete(self, request, public_id):
        photo = selectors.photo_for_owner(
            user=request.user, public_id=public_id, include_trashed=True
        )
        if not photo.in_trash:
            raise Http404("No such photo in the trash.")
        services.photo_delete_forever(user=request.user, photo=photo)
        return Response(status=status.HTTP_204_NO_CONTENT)
