"""Pieces shared by every API endpoint: the error shape and its documentation."""

from typing import Any, Literal

from django.core.exceptions import ObjectNotUpdated
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from pikoshi.clientip import client_ip, rate_limit_key
from pikoshi.errors import Refused

GENERIC_SERIALIZER_NAMES = ("Input", "Output", "Filter", "Query", "Update", "Create")


class AutoSchema(openapi.AutoSchema):
    """Schema components named after their view when the serializer is a nested `Input`.

    One APIView per operation with nested Input/Output serializers means many classes
    share a name; `AlbumSharingApi.Input` becomes the component `AlbumSharingInput`.
    """

    def get_serializer_name(self, serializer, direction):
        cls = serializer.__class__
        outer, _, inner = cls.__qualname__.rpartition(".")
        if outer and "<locals>" not in outer and inner.startswith(GENERIC_SERIALIZER_NAMES):
            view = outer.split(".")[-1]
            for suffix in ("APIView", "Api", "View"):
                view = view.removesuffix(suffix)
            return f"{view}{inner}"
        return super().get_serializer_name(serializer, direction)

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        """Every operation that reads a body also answers 415 to a body it cannot parse.

        DRF refuses a content type the view has no parser for before the view runs, so the
        answer belongs in the contract of each such operation, not only of the upload.
        """
        responses = super()._get_response_bodies(direction)
        reads_body = self.method in {"POST", "PUT", "PATCH"} and (
            self.get_request_serializer() is not None
        )
        if reads_body and "415" not in responses:
            responses["415"] = self._get_response_for_code(
                unsupported_media_type_response(), "415", direction=direction
            )
        # Any operation may meet a database or storage outage (ServiceUnavailableMiddleware).
        if "503" not in responses:
            unavailable = self._get_response_for_code(
                service_unavailable_response(), "503", direction=direction
            )
            unavailable["headers"] = {
                "Retry-After": {
                    "schema": {"type": "integer", "minimum": 0},
                    "description": "Seconds to wait before trying again.",
                }
            }
            responses["503"] = unavailable
        return responses


class ClientScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, keyed on the same visitor address as the rest of the site.

    DRF's own get_ident reads X-Forwarded-For in its own way; one helper for every limit
    means a forged header never buys a fresh budget anywhere, nor does hopping between
    the addresses of one IPv6 network.
    """

    def get_ident(self, request):
        return rate_limit_key(client_ip(request))


class InvalidInput(exceptions.APIException):
    status_code = 400
    default_detail = "Some of the values sent are not valid."
    default_code = "invalid"


class Rejected(exceptions.APIException):
    """An upload the image pipeline refused, with its own status (413/415/422) and code."""

    def __init__(self, message: str, *, status: int, code: str):
        super().__init__(message, code)
        self.status_code = status


def _translate(exc):
    """Domain exceptions -> DRF exceptions, so every one answers {"detail", "code"}."""
    if isinstance(exc, DjangoValidationError):
        return InvalidInput(" ".join(exc.messages))
    if isinstance(exc, Refused):
        return Rejected(str(exc), status=exc.status, code=exc.code)
    if isinstance(exc, ObjectNotUpdated):
        # Someone deleted the row between our lookup and our save: it is gone, so 404.
        return exceptions.NotFound()
    return exc


def exception_handler(exc, context):
    """Give every API error the same shape: {"detail": "...", "code": "..."}.

    Field errors keep their per-field messages under "errors" so a client can show them
    beside the right input. Services raise Django's ValidationError with sentences a
    person understands; they become 400s here rather than 500s.
    """
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    code = getattr(exc, "default_code", "error")
    if isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
        code = getattr(detail, "code", None) or code
        response.data = {"detail": str(detail), "code": str(code)}
    else:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        response.data = {
            "detail": _first_message(data) or "Some of the values sent are not valid.",
            "code": "invalid",
            "errors": _per_field(data, numbered=True),
        }
        if isinstance(codes, dict | list):
            response.data["error_codes"] = _per_field(codes, numbered=False)
    return response


def _per_field(data, *, numbered: bool):
    """Each field's messages as a flat list of strings, as the schema says: a list item's
    or a nested field's own errors ({"0": [...]}) become "0: message" (codes stay bare)."""
    if not isinstance(data, dict):
        return data
    return {field: _flatten(value, numbered=numbered) for field, value in data.items()}


def _flatten(value, *, numbered: bool, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        return [
            item
            for key, inner in value.items()
            for item in _flatten(inner, numbered=numbered, prefix=f"{prefix}{key}: ")
        ]
    if isinstance(value, list):
        return [
            item for inner in value for item in _flatten(inner, numbered=numbered, prefix=prefix)
        ]
    return [f"{prefix}{value}" if numbered else str(value)]


def _first_message(data) -> str:
    """The first field message, prefixed by its field, so `detail` alone is useful."""
    if isinstance(data, dict):
        for field, value in data.items():
            message = _first_message(value)
            if message:
                return message if field == "non_field_errors" else f"{field}: {message}"
    elif isinstance(data, list):
        for value in data:
            message = _first_message(value)
            if message:
                return message
    elif data:
        return str(data)
    return ""


class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API."""

    detail = serializers.CharField(help_text="A sentence a person can act on.")
    code = serializers.CharField(help_text="Stable machine-readable reason.")
    errors = serializers.DictField(  # type: ignore[assignment]  # a field named like the attribute
        required=False,
        help_text="Per-field messages (validation errors only).",
        child=serializers.ListField(child=serializers.CharField()),
    )
    error_codes = serializers.DictField(
        required=False,
        help_text="Per-field codes (validation errors only).",
        child=serializers.ListField(child=serializers.CharField()),
    )


_ERROR_EXAMPLES = {
    400: ("Invalid input", "title: This field may not be blank.", "invalid"),
    401: (
        "Not authenticated",
        "Authentication credentials were not provided.",
        "not_authenticated",
    ),
    403: ("CSRF failed", "CSRF Failed: CSRF token missing.", "permission_denied"),
    404: ("Not found", "No Album matches the given query.", "not_found"),
    409: (
        "Conflict",
        "This upload stands at byte 5242880, not 0; continue from there.",
        "offset_mismatch",
    ),
    411: ("Length required", "Send the part with a Content-Length header.", "length_required"),
    412: (
        "Protocol version",
        "Pikoshi speaks tus 1.0.0: send Tus-Resumable: 1.0.0.",
        "tus_version",
    ),
    423: (
        "Busy",
        "This upload is receiving data in another request; try again in a moment.",
        "upload_busy",
    ),
    413: (
        "File too large",
        "This file is 80 MB; the limit is 50 MB. Resize it and try again.",
        "file_too_large",
    ),
    415: (
        "Unsupported type",
        "This file is not a photo Pikoshi can read (JPEG, PNG, WebP, GIF, HEIC).",
        "unsupported_type",
    ),
    422: (
        "Corrupt image",
        "This image is damaged or cut short; upload it again.",
        "corrupt_image",
    ),
    429: (
        "Throttled",
        "Request was throttled. Expected available in 42 seconds.",
        "throttled",
    ),
}


def unsupported_media_type_response() -> OpenApiResponse:
    """415 for a request body in a content type the operation does not read."""
    detail = 'Unsupported media type "text/plain" in request.'
    return OpenApiResponse(
        response=ErrorSerializer,
        description="Unsupported media type",
        examples=[
            OpenApiExample(
                "Unsupported media type",
                value={"detail": detail, "code": "unsupported_media_type"},
                status_codes=["415"],
            )
        ],
    )


def service_unavailable_response() -> OpenApiResponse:
    """503 while the database or the file store cannot be reached; the request may be retried."""
    return OpenApiResponse(
        response=ErrorSerializer,
        description="Service unavailable (an outage); retry after Retry-After seconds",
        examples=[
            OpenApiExample(
                "Database unavailable",
                value={
                    "detail": "Pikoshi cannot reach its database right now. Try again shortly.",
                    "code": "database_unavailable",
                },
                status_codes=["503"],
            )
        ],
    )


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Documented error answers, all of them {"detail", "code"}, with an example each."""
    responses = {}
    for status in statuses:
        name, detail, code = _ERROR_EXAMPLES[status]
        responses[status] = OpenApiResponse(
            response=ErrorSerializer,
            description=name,
            examples=[
                OpenApiExample(
                    name, value={"detail": detail, "code": code}, status_codes=[str(status)]
                )
            ],
        )
    return responses
