"""Photos in the JSON API: the timeline, upload, one photo, restore and the trash, plus
the cursor paging every photo list shares.

Selectors raise Http404 for anything the caller may not see (404, never 403), services
raise ValidationError (400) or ImageRejected (413/415/422); pikoshi.api turns each into
{"detail", "code"}.
"""

from typing import Any

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
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.typing import AuthenticatedRequest
from gallery.api.serializers import PhotoPageSerializer, PhotoSerializer
from gallery.models import Album, Photo
from gallery.selectors import albums as album_selectors
from gallery.selectors import photos as photo_selectors
from gallery.services import photos as photo_services
from pikoshi.api import ClientScopedRateThrottle, error_responses

PHOTO_ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
PAGE_PARAMETERS = [
    OpenApiParameter(
        "cursor",
        OpenApiTypes.STR,
        description="Opaque position: a previous page's `next_cursor` (also in its `next` URL).",
    ),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": photo_selectors.MAX_PAGE_SIZE},
        description="Photos per page, 1–100 (default 30).",
    ),
]

EXAMPLE_PHOTO = {
    "id": "9b2f4c1e-5d3a-4f7e-8a21-3c6b0d9e7f10",
    "title": "Harbour at dawn",
    "albums": ["3f0b3a52-6a6e-4d7b-9d5c-0f7c3d1f8e21"],
    "favorite": False,
    "archived": False,
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
    "web_url": "https://photos.example.org/photos/9b2f4c1e-5d3a-4f7e-8a21-3c6b0d9e7f10/",
    "camera": {"make": "Pixelmaker", "model": "P7"},
    "location": {"latitude": 59.9139, "longitude": 10.7522},
}
PHOTO_EXAMPLE = OpenApiExample("Photo (owner's view)", value=EXAMPLE_PHOTO, response_only=True)
PAGE_EXAMPLE = OpenApiExample(
    "Page",
    value={
        "results": [EXAMPLE_PHOTO],
        "next": "https://photos.example.org/api/photos/?cursor=WyIyMDI2LTA4...&limit=30",
        "next_cursor": "WyIyMDI2LTA4...",
    },
    response_only=True,
)


class PageQuery(serializers.Serializer):
    cursor = serializers.CharField(required=False, allow_blank=True, max_length=500)
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=photo_selectors.MAX_PAGE_SIZE
    )


def page_query(request: Request) -> dict[str, Any]:
    query = PageQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return {
        "cursor": query.validated_data.get("cursor") or None,
        "limit": query.validated_data.get("limit", photo_selectors.DEFAULT_PAGE_SIZE),
    }


def photo_context(
    request: AuthenticatedRequest,
    photos: list[Photo],
    *,
    album: Album | None = None,
    added_by: bool = False,
) -> dict[str, Any]:
    """What PhotoSerializer needs besides the photos, read once for the whole list: each
    photo's albums the caller may see, the album they are seen through (its details
    policy applies), and for an album's list who added each photo."""
    context: dict[str, Any] = {
        "request": request,
        "album": album,
        "photo_albums": photo_selectors.album_ids_of_photos(user=request.user, photos=photos),
    }
    if added_by:
        context["added_by_names"] = photo_selectors.added_by_names(user=request.user, photos=photos)
    return context


def page_response(
    request: AuthenticatedRequest,
    page: photo_selectors.PhotoPage,
    *,
    album: Album | None = None,
    added_by: bool = False,
) -> Response:
    next_url = None
    if page.next_cursor:
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", page.next_cursor)
    data = {"results": page.photos, "next": next_url, "next_cursor": page.next_cursor}
    context = photo_context(request, page.photos, album=album, added_by=added_by)
    return Response(PhotoPageSerializer(data, context=context).data)


def photo_response(
    request: AuthenticatedRequest, photo: Photo, *, album: Album | None = None, **extra: Any
) -> dict[str, Any]:
    data = dict(PhotoSerializer(photo, context=photo_context(request, [photo], album=album)).data)
    data.update(extra)
    return data


# --- Photos -------------------------------------------------------------------------------


class UploadOutput(PhotoSerializer):
    duplicate = serializers.BooleanField(
        help_text="True when these exact bytes were already in the library (status 200)."
    )
    restored = serializers.BooleanField(
        help_text="True when those bytes were in the trash: the upload brought the photo back."
    )
    added = serializers.BooleanField(
        help_text="True when those bytes were already in the library and the upload put that "
        "photo into the album it named."
    )


ALBUM_GONE = "That album does not exist any more. Reload the page and choose another."


class PhotoListApi(APIView):
    """GET: the caller's timeline. POST: upload one photo (multipart)."""

    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "upload"

    class PhotoUploadInput(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True, help_text="One image file.")
        album = serializers.UUIDField(
            required=False,
            allow_null=True,
            help_text="Also put the photo into this album (own, or one you contribute to); "
            "without it the photo is in your library only.",
        )
        title = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def get_throttles(self) -> list[BaseThrottle]:
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
    def get(self, request: AuthenticatedRequest) -> Response:
        page = photo_selectors.timeline_page(user=request.user, **page_query(request))
        return page_response(request, page)

    @extend_schema(
        tags=["photos"],
        operation_id="photos_upload",
        request={"multipart/form-data": PhotoUploadInput},
        responses={
            201: OpenApiResponse(UploadOutput, description="Stored.", examples=[PHOTO_EXAMPLE]),
            200: OpenApiResponse(
                UploadOutput,
                description="Already in the library: the existing photo, duplicate=true, "
                "added=true when it was put into the album named.",
            ),
            **error_responses(400, 401, 403, 404, 413, 415, 422, 429),
        },
        description=(
            "One file per request: a photo (JPEG, PNG, WebP, GIF, HEIC), at most "
            f"{settings.PIKOSHI_MAX_UPLOAD_BYTES // (1024 * 1024)} MB, or a video (MP4, MOV, "
            "M4V, 3GP, WebM, MKV), at most "
            f"{settings.PIKOSHI_MAX_VIDEO_BYTES // (1024 * 1024)} MB and "
            f"{settings.PIKOSHI_MAX_VIDEO_SECONDS // 60} minutes. A video answers with status "
            "processing until its poster and playable rendition are made. Errors: 413 too "
            "large or too long, 415 not an image or video we read, 422 damaged or empty, 404 "
            "unknown album (code album_not_found)."
        ),
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        body = self.PhotoUploadInput(data=request.data)
        body.is_valid(raise_exception=True)
        album = None
        if body.validated_data.get("album"):
            # Whether the caller may add photos there is photo_upload's decision.
            try:
                album = album_selectors.album_for_viewer(
                    user=request.user, public_id=body.validated_data["album"]
                )
            except Http404:
                # Usually an album deleted while the upload page stayed open: say so.
                raise NotFound(ALBUM_GONE, code="album_not_found") from None
        result = photo_services.photo_upload(
            owner=request.user,
            file=body.validated_data["file"],
            album=album,
            title=body.validated_data.get("title", ""),
        )
        data = photo_response(
            request,
            result.photo,
            duplicate=not result.created,
            restored=result.restored,
            added=result.added,
        )
        return Response(
            data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class RouteQuery(serializers.Serializer):
    album = serializers.UUIDField(required=False)


class PhotoDetailApi(APIView):
    """One photo: read, retitle (PATCH), put in the trash (DELETE)."""

    parser_classes = [JSONParser]

    class PhotoUpdateInput(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False, allow_blank=True)

    @extend_schema(
        tags=["photos"],
        operation_id="photos_retrieve",
        parameters=[
            PHOTO_ID,
            OpenApiParameter(
                "album",
                OpenApiTypes.UUID,
                description="The album the photo is seen through: 404 unless it is in it; "
                "camera and location follow that album's sharing.",
            ),
        ],
        responses={
            200: OpenApiResponse(PhotoSerializer, examples=[PHOTO_EXAMPLE]),
            **error_responses(400, 401, 404, 429),
        },
    )
    def get(self, request: AuthenticatedRequest, public_id: str) -> Response:
        query = RouteQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        album = None
        if query.validated_data.get("album"):
            album = album_selectors.album_for_viewer(
                user=request.user, public_id=query.validated_data["album"]
            )
            photo = photo_selectors.photo_in_album_for_viewer(
                user=request.user, album=album, public_id=public_id
            )
        else:
            photo = photo_selectors.photo_for_viewer(user=request.user, public_id=public_id)
        return Response(photo_response(request, photo, album=album))

    @extend_schema(
        tags=["photos"],
        operation_id="photos_update",
        parameters=[PHOTO_ID],
        request=PhotoUpdateInput,
        responses={
            200: OpenApiResponse(PhotoSerializer, examples=[PHOTO_EXAMPLE]),
            **error_responses(400, 401, 403, 404, 429),
        },
        examples=[OpenApiExample("Retitle", value={"title": "Harbour"}, request_only=True)],
        description="Albums change through /api/albums/{id}/photos/ or /api/photos/bulk/.",
    )
    def patch(self, request: AuthenticatedRequest, public_id: str) -> Response:
        photo = photo_selectors.photo_for_viewer(user=request.user, public_id=public_id)
        body = self.PhotoUpdateInput(data=request.data)
        body.is_valid(raise_exception=True)
        photo = photo_services.photo_update(
            user=request.user, photo=photo, title=body.validated_data.get("title")
        )
        return Response(photo_response(request, photo))

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
    def delete(self, request: AuthenticatedRequest, public_id: str) -> Response:
        photo = photo_selectors.photo_for_viewer(user=request.user, public_id=public_id)
        photo = photo_services.photo_trash(user=request.user, photo=photo)
        return Response(photo_response(request, photo))


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
    def post(self, request: AuthenticatedRequest, public_id: str) -> Response:
        photo = photo_selectors.photo_for_owner(
            user=request.user, public_id=public_id, include_trashed=True
        )
        photo = photo_services.photo_restore(user=request.user, photo=photo)
        return Response(photo_response(request, photo))


class TrashApi(APIView):
    """The caller's trash, most recently deleted first."""

    @extend_schema(
        tags=["photos"],
        operation_id="trash_list",
        parameters=PAGE_PARAMETERS,
        responses={
            200: OpenApiResponse(
                PhotoPageSerializer,
                examples=[
                    OpenApiExample(
                        "Trash",
                        value={
                            "results": [{**EXAMPLE_PHOTO, "deleted_at": "2026-08-20T08:00:00Z"}],
                            "next": None,
                            "next_cursor": None,
                        },
                        response_only=True,
                    )
                ],
            ),
            **error_responses(400, 401, 429),
        },
        description=(
            f"Photos stay here for {settings.PIKOSHI_TRASH_DAYS} days, then are deleted for "
            "good. Most recently deleted first, a page at a time like the timeline."
        ),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        page = photo_selectors.trash_page(user=request.user, **page_query(request))
        return page_response(request, page)

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
    def delete(self, request: AuthenticatedRequest) -> Response:
        return Response({"deleted": photo_services.trash_empty(user=request.user)})


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
    def delete(self, request: AuthenticatedRequest, public_id: str) -> Response:
        photo = photo_selectors.trashed_photo_for_owner(user=request.user, public_id=public_id)
        photo_services.photo_delete_forever(user=request.user, photo=photo)
        return Response(status=status.HTTP_204_NO_CONTENT)
