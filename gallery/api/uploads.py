"""Resumable uploads: the tus 1.0.0 core protocol with the creation, expiration and
termination extensions (https://tus.io/protocols/resumable-upload), docs/uploads.md.

    POST   /api/uploads/       Upload-Length, Upload-Metadata -> 201, Location
    HEAD   /api/uploads/<id>/  -> Upload-Offset, Upload-Length
    PATCH  /api/uploads/<id>/  Upload-Offset, application/offset+octet-stream -> 204
    DELETE /api/uploads/<id>/  -> 204
    GET    /api/uploads/<id>/  -> JSON: how far it is, and the photo once it is finished

The last PATCH hands the file to the same upload service as POST /api/photos/ and answers
204 with `Pikoshi-Photo: <id>`, or that service's refusal (413/415/422, JSON). Every
request but OPTIONS and GET carries `Tus-Resumable: 1.0.0` (412 otherwise). Someone
else's upload, or an expired one, is a 404.
"""

import base64
import binascii
import uuid
from typing import Any, cast

from django.http import Http404, HttpRequest
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts.typing import AuthenticatedRequest
from gallery import permissions
from gallery.api.photos import ALBUM_GONE, UploadOutput, photo_response
from gallery.models import Upload
from gallery.selectors import albums as album_selectors
from gallery.services import uploads as upload_services
from pikoshi.api import ClientScopedRateThrottle, error_responses
from pikoshi.errors import Refused

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,expiration,termination"
PART_TYPE = "application/offset+octet-stream"
UPLOAD_ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
TUS_RESUMABLE = OpenApiParameter(
    "Tus-Resumable",
    {"type": "string", "enum": [TUS_VERSION]},
    OpenApiParameter.HEADER,
    required=True,
    description="The tus protocol version the client speaks.",
)


def _refuse(message: str, status: int, code: str) -> Refused:
    return Refused(message, status=status, code=code)


def _header_int(request: Request, name: str) -> int:
    raw = request.headers.get(name, "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 15:
        raise _refuse(f"Send {name} as a whole number of bytes.", 400, "invalid_header")
    return int(raw)


def _metadata(request: Request) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs."""
    raw = request.headers.get("Upload-Metadata", "")
    if len(raw) > upload_services.MAX_METADATA_BYTES:
        raise _refuse("Upload-Metadata is too long.", 400, "invalid_metadata")
    values: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in raw.split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            values[key] = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise _refuse(
                f"Upload-Metadata {key!r} is not base64 of UTF-8 text.", 400, "invalid_metadata"
            ) from None
        if "\x00" in values[key]:
            raise _refuse(f"Upload-Metadata {key!r} holds a NUL.", 400, "invalid_metadata")
    return values


class TusView(APIView):
    """What every tus answer shares: the version check and headers."""

    throttle_scope = "upload_part"

    def get_throttles(self) -> list[BaseThrottle]:
        return [ClientScopedRateThrottle()]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method is None or not hasattr(self, request.method.lower()):
            return  # 405 follows
        if request.method != "OPTIONS":
            # Someone else's upload is a 404 before anything else is said about the request.
            self.check_owner(request, **kwargs)
        if request.method not in {"OPTIONS", "GET"}:
            if request.headers.get("Tus-Resumable") != TUS_VERSION:
                raise _refuse(
                    f"Pikoshi speaks tus {TUS_VERSION}: send Tus-Resumable: {TUS_VERSION}.",
                    412,
                    "tus_version",
                )

    def check_owner(self, request: Request, **kwargs: Any) -> None:
        """Raise NotFound unless the upload in the URL (if any) is the caller's."""

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = TUS_VERSION
        if response.status_code == 412:
            response["Tus-Version"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response

    def options(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        response = Response(status=204)
        response["Tus-Version"] = TUS_VERSION
        response["Tus-Extension"] = EXTENSIONS
        response["Tus-Max-Size"] = str(upload_services.max_length())
        return response


def _expires(upload: Upload) -> str:
    return http_date(upload.expires_at.timestamp())


class UploadCreateApi(TusView):
    throttle_scope = "upload"

    @extend_schema(
        tags=["uploads"],
        operation_id="uploads_create",
        request=None,
        parameters=[
            TUS_RESUMABLE,
            OpenApiParameter(
                "Upload-Length",
                {"type": "integer", "minimum": 0},
                OpenApiParameter.HEADER,
                required=True,
                description="The whole file's size in bytes.",
            ),
            OpenApiParameter(
                "Upload-Metadata",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="`filename`, `title` and `album` (an album id), each as "
                "`key base64(value)`, comma-separated.",
            ),
        ],
        responses={
            201: OpenApiResponse(
                description="Created: `Location` is the upload's URL, `Upload-Expires` when "
                "an unfinished one is forgotten."
            ),
            **error_responses(400, 401, 403, 404, 412, 413, 422, 429),
        },
        description="Start a resumable upload (tus creation). The limits and the quota are "
        "checked now, before a byte is sent; the file type once it is complete.",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if request.headers.get("Upload-Defer-Length"):
            raise _refuse("Send Upload-Length: deferred lengths are not taken.", 400, "invalid")
        length = _header_int(request, "Upload-Length")
        metadata = _metadata(request)
        album = None
        if metadata.get("album"):
            try:
                album = album_selectors.album_for_viewer(
                    user=request.user, public_id=uuid.UUID(metadata["album"])
                )
            except (Http404, ValueError):
                raise NotFound(ALBUM_GONE, code="album_not_found") from None
        upload = upload_services.upload_create(
            owner=request.user,
            length=length,
            filename=metadata.get("filename") or metadata.get("name") or "",
            title=metadata.get("title", ""),
            album=album,
        )
        response = Response(status=201)
        response["Location"] = request.build_absolute_uri(f"{upload.public_id}/")
        response["Upload-Expires"] = _expires(upload)
        return response


class UploadStateOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    length = serializers.IntegerField()
    offset = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    status = serializers.ChoiceField(
        choices=["receiving", "done", "refused"],
        help_text="receiving until the last byte; done with `photo`; refused with `error`.",
    )
    photo = UploadOutput(allow_null=True)
    error = serializers.DictField(allow_null=True, help_text="{status, code, detail}")


class UploadDetailApi(TusView):
    def check_owner(self, request: Request, **kwargs: Any) -> None:
        self._upload(cast(AuthenticatedRequest, request), kwargs["public_id"])

    def _upload(self, request: AuthenticatedRequest, public_id: uuid.UUID) -> Upload:
        upload = permissions.own_uploads(request.user).filter(public_id=public_id).first()
        if upload is None:
            raise NotFound("No such upload.")
        return upload

    def head(self, request: AuthenticatedRequest, public_id: uuid.UUID) -> Response:
        upload = self._upload(request, public_id)
        response = Response(status=200)
        response["Upload-Offset"] = str(upload_services.received(upload))
        response["Upload-Length"] = str(upload.length)
        response["Upload-Expires"] = _expires(upload)
        return response

    @extend_schema(
        tags=["uploads"],
        operation_id="uploads_retrieve",
        parameters=[UPLOAD_ID],
        responses={200: UploadStateOutput, **error_responses(401, 404)},
        description="How far a resumable upload is and, once finished, the photo it made "
        "(or why the file was refused): for a client whose connection dropped on the last "
        "part. tus clients ask HEAD instead.",
    )
    def get(self, request: AuthenticatedRequest, public_id: uuid.UUID) -> Response:
        upload = self._upload(request, public_id)
        photo = None
        if upload.photo is not None and permissions.can_edit_photo(request.user, upload.photo):
            photo = photo_response(
                request, upload.photo, duplicate=upload.duplicate, restored=False, added=False
            )
        error = None
        if upload.error_status:
            error = {
                "status": upload.error_status,
                "code": upload.error_code,
                "detail": upload.error_detail,
            }
        status = "receiving" if not upload.finished else ("refused" if error else "done")
        return Response(
            {
                "id": str(upload.public_id),
                "length": upload.length,
                "offset": upload_services.received(upload),
                "expires_at": upload.expires_at.isoformat(),
                "status": status,
                "photo": photo,
                "error": error,
            }
        )

    @extend_schema(
        tags=["uploads"],
        operation_id="uploads_append",
        parameters=[
            UPLOAD_ID,
            TUS_RESUMABLE,
            OpenApiParameter(
                "Upload-Offset",
                {"type": "integer", "minimum": 0},
                OpenApiParameter.HEADER,
                required=True,
                description="Where this part starts: the offset HEAD gave.",
            ),
        ],
        request={PART_TYPE: OpenApiTypes.BINARY},
        responses={
            204: OpenApiResponse(
                description="Appended: `Upload-Offset` is the new offset. With the last byte "
                "the file is stored as a photo or video, named by `Pikoshi-Photo`."
            ),
            **error_responses(400, 401, 403, 404, 409, 411, 412, 413, 415, 422, 423, 429),
        },
        description="Append the next part of the file (tus core). Whatever arrives before a "
        "connection drops is kept; ask HEAD and continue from there.",
    )
    def patch(self, request: AuthenticatedRequest, public_id: uuid.UUID) -> Response:
        if request.content_type.split(";")[0].strip() != PART_TYPE:
            raise _refuse(f"Send the part as {PART_TYPE}.", 415, "unsupported_media_type")
        offset = _header_int(request, "Upload-Offset")
        if not request.headers.get("Content-Length"):
            raise _refuse("Send the part with a Content-Length header.", 411, "length_required")
        size = _header_int(request, "Content-Length")
        upload = upload_services.upload_append(
            user=request.user,
            public_id=public_id,
            offset=offset,
            size=size,
            read=request._request.read,
        )
        response = Response(status=204)
        response["Upload-Offset"] = str(upload_services.received(upload))
        response["Upload-Expires"] = _expires(upload)
        if upload.photo is not None:
            response["Pikoshi-Photo"] = str(upload.photo.public_id)
        return response

    @extend_schema(
        tags=["uploads"],
        operation_id="uploads_destroy",
        parameters=[UPLOAD_ID, TUS_RESUMABLE],
        request=None,
        responses={
            204: OpenApiResponse(description="Cancelled."),
            **error_responses(401, 404, 412, 423),
        },
        description="Cancel an upload and forget what of it arrived (tus termination). A "
        "photo it already made stays.",
    )
    def delete(self, request: AuthenticatedRequest, public_id: uuid.UUID) -> Response:
        upload_services.upload_cancel(user=request.user, public_id=public_id)
        return Response(status=204)


def add_tus_operations(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Document HEAD and OPTIONS of the tus endpoints (drf-spectacular writes neither),
    with the security and error answers of the operations beside them."""
    paths = result.get("paths", {})
    detail = paths.get("/api/uploads/{public_id}/")
    create = paths.get("/api/uploads/")
    if not detail or not create:
        return result
    cancel = detail["delete"]
    header = {"schema": {"type": "string"}}
    detail["head"] = {
        "operationId": "uploads_offset",
        "description": "Where the upload stands (tus core): `Upload-Offset` is the byte to "
        "continue from.",
        "tags": ["uploads"],
        "parameters": cancel["parameters"],
        "security": cancel["security"],
        "responses": {
            "200": {
                "description": "The upload's offset and length.",
                "headers": {
                    "Upload-Offset": {"schema": {"type": "integer"}},
                    "Upload-Length": {"schema": {"type": "integer"}},
                    "Upload-Expires": header,
                },
            },
            # An answer to HEAD has no body, errors included.
            **{
                code: {"description": cancel["responses"][code]["description"]}
                for code in ("401", "404", "412")
            },
        },
    }
    for item, name in ((create, "uploads_discover"), (detail, "uploads_discover_one")):
        item["options"] = {
            "operationId": name,
            "description": "What this tus server supports: `Tus-Version`, `Tus-Extension`, "
            "`Tus-Max-Size`.",
            "tags": ["uploads"],
            "parameters": [p for p in cancel["parameters"] if p["in"] == "path"]
            if item is detail
            else [],
            "security": cancel["security"],
            "responses": {
                "204": {
                    "description": "Supported.",
                    "headers": {
                        name: header for name in ("Tus-Version", "Tus-Extension", "Tus-Max-Size")
                    },
                },
                "401": cancel["responses"]["401"],
                **({"404": cancel["responses"]["404"]} if item is detail else {}),
            },
        }
    return result
