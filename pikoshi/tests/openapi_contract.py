"""Every /api/ answer the test suite sees is checked against the served OpenAPI document.

schemathesis only explores what it can generate; the suite reaches states it never
does (shared albums, trashed photos, expired links, throttles). A strict validator
(openapi-core, the one generated clients behave like) on every answer there means a
documented shape that a real answer breaks fails the test that produced it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase, StreamingHttpResponse
from openapi_core import OpenAPI
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.testing import MockRequest, MockResponse

# The documents themselves and Swagger UI are not operations of the API.
NOT_OPERATIONS = ("/api/schema/", "/api/docs/")

# How a request outside the contract may be answered: authentication comes before the
# method check, and a malformed id resolves to no view at all.
REFUSALS = (401, 404, 405)

_openapi: OpenAPI | None = None


class ContractViolation(AssertionError):
    """An /api/ answer the served schema does not allow."""


def served_schema() -> dict[str, Any]:
    """The document GET /api/schema/ serves, fetched once per test session."""
    from django.test import Client

    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, response.status_code
    return response.json()


def openapi() -> OpenAPI:
    global _openapi
    if _openapi is None:
        _openapi = OpenAPI.from_dict(served_schema())
    return _openapi


def is_api_operation(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(NOT_OPERATIONS)


def content_of(response: HttpResponseBase) -> bytes:
    return response.content if hasattr(response, "content") else b""


def check_response(method: str, path: str, query: str, response: HttpResponseBase) -> None:
    """Raise ContractViolation unless the schema documents this answer (status and body).

    A path or method the schema does not name is outside the contract: such a request may
    only be refused, as JSON (404 for an unknown path, 405 for a method, 401 first when the
    caller is anonymous), or sent on with a 308 to the same path with its trailing slash.
    """
    if isinstance(response, StreamingHttpResponse):
        return  # media streams are not API answers
    if method.upper() == "OPTIONS" and response.status_code == 200 and not content_of(response):
        # A CORS preflight, answered (with headers for a named origin, without for any
        # other) by django-cors-headers before any API view.
        return
    content = response.content if hasattr(response, "content") else b""
    request = MockRequest(
        "http://testserver", method, path, args=_query_args(query), content_type=""
    )
    answer = MockResponse(
        content,
        status_code=response.status_code,
        headers=dict(response.headers.items()),
        content_type=response.get("Content-Type", ""),
    )
    where = f"{method.upper()} {path} -> {response.status_code}"
    try:
        openapi().validate_response(request, answer)
    except PathNotFound as exc:
        if response.status_code == 308 and response.get("Location", "").startswith(path + "/"):
            return
        if response.status_code not in REFUSALS or not _is_json(response):
            raise ContractViolation(f"{where}: undocumented path answered so") from exc
    except OperationNotFound as exc:
        if response.status_code not in REFUSALS or not _is_json(response):
            raise ContractViolation(f"{where}: undocumented method answered so") from exc
    except Exception as exc:  # every openapi-core validation error
        detail = _explain(exc)
        raise ContractViolation(f"{where}: {detail}\n{content[:800]!r}") from exc


def _is_json(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _query_args(query: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query, keep_blank_values=True))


def _explain(exc: BaseException) -> str:
    """The validator's message with the schema errors underneath it, which name the field."""
    parts = [f"{type(exc).__name__}: {exc}"]
    cause: BaseException | None = exc.__cause__
    while cause is not None:
        parts.append(f"{type(cause).__name__}: {cause}")
        for error in getattr(cause, "schema_errors", ()) or ():
            parts.append(f"  at {list(error.absolute_path)}: {error.message}")
        cause = cause.__cause__
    return "\n".join(parts)
