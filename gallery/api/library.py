"""The library in the JSON API: actions on a selection, favorites and search.

Thin views over gallery.selectors and gallery.services, like the rest of gallery.api;
which photos a person may act on is decided in gallery.permissions.
"""

from typing import Any

from django.http import Http404
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.typing import AuthenticatedRequest
from gallery import media
from gallery.api.photos import (
    ALBUM_GONE,
    PAGE_EXAMPLE,
    PAGE_PARAMETERS,
    PHOTO_ID,
    page_query,
    page_response,
)
from gallery.api.serializers import PhotoPageSerializer
from gallery.selectors import albums as album_selectors
from gallery.selectors import photos as photo_selectors
from gallery.selectors import search as search_selectors
from gallery.services import bulk as bulk_services
from pikoshi.api import ClientScopedRateThrottle, error_responses

OUTCOMES = [bulk_services.DONE, bulk_services.UNCHANGED, bulk_services.NOT_FOUND]


class OutcomeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    outcome = serializers.ChoiceField(
        choices=OUTCOMES,
        help_text="done; unchanged (it already was so); not_found (no such photo that you "
        "may act on this way: the answer never tells which of others' photos exist).",
    )


BulkResult = inline_serializer("BulkResult", {"results": OutcomeSerializer(many=True)})


def photo_ids() -> serializers.ListField:
    """A selection of photos in a request body: 1 to MAX_IDS ids."""
    return serializers.ListField(
        child=serializers.UUIDField(),
        min_length=1,
        max_length=bulk_services.MAX_IDS,
        help_text=f"Photo ids, at most {bulk_services.MAX_IDS}.",
    )


def outcome_response(outcome: dict[str, str]) -> Response:
    return Response({"results": [{"id": key, "outcome": value} for key, value in outcome.items()]})


class PhotoBulkApi(APIView):
    """One action on up to 500 photos, all of it or none."""

    parser_classes = [JSONParser]

    class BulkInput(serializers.Serializer):
        action = serializers.ChoiceField(choices=[action.value for action in bulk_services.Action])
        ids = photo_ids()
        album = serializers.UUIDField(
            required=False, help_text="For add_to_album and remove_from_album: which album."
        )

    @extend_schema(
        tags=["photos"],
        operation_id="photos_bulk",
        request=BulkInput,
        responses={
            200: OpenApiResponse(
                BulkResult,
                examples=[
                    OpenApiExample(
                        "Added",
                        value={
                            "results": [
                                {"id": "9b2f4c1e-5d3a-4f7e-8a21-3c6b0d9e7f10", "outcome": "done"}
                            ]
                        },
                    )
                ],
            ),
            **error_responses(400, 401, 403, 404, 429),
        },
        examples=[
            OpenApiExample(
                "Add to an album",
                value={
                    "action": "add_to_album",
                    "album": "3f0b3a52-6a6e-4d7b-9d5c-0f7c3d1f8e21",
                    "ids": ["9b2f4c1e-5d3a-4f7e-8a21-3c6b0d9e7f10"],
                },
                request_only=True,
            )
        ],
        description=(
            "Actions: add_to_album / remove_from_album (with `album`; adding takes your own "
            "photos into an album you own or contribute to, removing takes out any photo of "
            "your album or your own photos from any album), trash, restore, delete_forever "
            "(from the trash only), favorite / unfavorite (any photo you see), archive / "
            "unarchive (your own). Each id answers done, unchanged or not_found. An album "
            "you may not use answers 404 (code album_not_found)."
        ),
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        body = self.BulkInput(data=request.data)
        body.is_valid(raise_exception=True)
        action = bulk_services.Action(body.validated_data["action"])
        album = None
        if action in bulk_services.ALBUM_ACTIONS:
            if not body.validated_data.get("album"):
                raise ValidationError({"album": ["Choose the album first."]})
            try:
                album = album_selectors.album_for_viewer(
                    user=request.user, public_id=body.validated_data["album"]
                )
            except Http404:
                raise NotFound(ALBUM_GONE, code="album_not_found") from None
        outcome = bulk_services.photos_bulk(
            user=request.user, action=action, ids=body.validated_data["ids"], album=album
        )
        return outcome_response(outcome)


class PhotoDownloadApi(APIView):
    """A selection as one ZIP, streamed."""

    parser_classes = [JSONParser]
    throttle_scope = "download"
    throttle_classes = [ClientScopedRateThrottle]

    class DownloadInput(serializers.Serializer):
        ids = photo_ids()

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The archive is not rendered; errors are JSON whatever the client asked for.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=["photos"],
        operation_id="photos_download",
        request=DownloadInput,
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="A ZIP archive, streamed; X-Pikoshi-Photos says how many photos "
                "it holds.",
            ),
            **error_responses(400, 401, 403, 404, 429),
        },
        description=(
            "Download up to 500 photos as one ZIP. Your own photos come as uploaded, under "
            "their file names; photos others share with you come as the display copy you "
            "see (WebP, at most 1600 px, no camera, place or other metadata), named by id. "
            "Ids you may not download are left out; when none is left the answer is 404."
        ),
    )
    def post(self, request: AuthenticatedRequest) -> HttpResponseBase:
        body = self.DownloadInput(data=request.data)
        body.is_valid(raise_exception=True)
        return media.selection_zip(user=request.user, ids=body.validated_data["ids"])


Favorite = inline_serializer("FavoriteState", {"favorite": serializers.BooleanField()})


class PhotoFavoriteApi(APIView):
    """The caller's heart on one photo they may see."""

    @extend_schema(
        tags=["photos"],
        operation_id="photos_favorite",
        parameters=[PHOTO_ID],
        request=None,
        responses={200: Favorite, **error_responses(401, 403, 404, 429)},
    )
    def put(self, request: AuthenticatedRequest, public_id: str) -> Response:
        photo = photo_selectors.photo_for_viewer(user=request.user, public_id=public_id)
        return Response(
            {"favorite": bulk_services.photo_favorite(user=request.user, photo=photo, on=True)}
        )

    @extend_schema(
        tags=["photos"],
        operation_id="photos_unfavorite",
        parameters=[PHOTO_ID],
        request=None,
        responses={200: Favorite, **error_responses(401, 403, 404, 429)},
    )
    def delete(self, request: AuthenticatedRequest, public_id: str) -> Response:
        photo = photo_selectors.photo_for_viewer(user=request.user, public_id=public_id)
        return Response(
            {"favorite": bulk_services.photo_favorite(user=request.user, photo=photo, on=False)}
        )


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    taken_from = serializers.DateTimeField(required=False)
    taken_to = serializers.DateTimeField(required=False)
    camera = serializers.CharField(required=False, allow_blank=True, max_length=100)
    favorites = serializers.BooleanField(required=False, default=False)
    archived = serializers.BooleanField(required=False, default=False)

    def to_filters(self) -> search_selectors.SearchFilters:
        data = self.validated_data
        return search_selectors.SearchFilters(
            text=data.get("q", ""),
            taken_from=data.get("taken_from"),
            taken_to=data.get("taken_to"),
            camera=data.get("camera", ""),
            favorites=data.get("favorites", False),
            archived=data.get("archived", False),
        )


class SearchApi(APIView):
    """Search the photos the caller may see."""

    @extend_schema(
        tags=["photos"],
        operation_id="photos_search",
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="Words, each matched as a prefix in titles, file names and the "
                "titles and descriptions of albums.",
            ),
            OpenApiParameter("taken_from", OpenApiTypes.DATETIME, description="Taken at or after."),
            OpenApiParameter("taken_to", OpenApiTypes.DATETIME, description="Taken before."),
            OpenApiParameter(
                "camera", OpenApiTypes.STR, description="Camera model; your own photos only."
            ),
            OpenApiParameter("favorites", OpenApiTypes.BOOL, description="Your favorites only."),
            OpenApiParameter(
                "archived", OpenApiTypes.BOOL, description="Your archived photos only."
            ),
            *PAGE_PARAMETERS,
        ],
        responses={
            200: OpenApiResponse(PhotoPageSerializer, examples=[PAGE_EXAMPLE]),
            **error_responses(400, 401, 429),
        },
        description="Newest taken first, a page at a time like the timeline.",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        query = SearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = search_selectors.search_page(
            user=request.user, filters=query.to_filters(), **page_query(request)
        )
        return page_response(request, page)
