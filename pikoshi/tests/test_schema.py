"""The OpenAPI schema validates, documents every answer, and Swagger UI works offline."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User

API_ERROR_STATUSES = {"400", "401", "403", "404", "413", "415", "422", "429"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_validates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    document = yaml.safe_load(target.read_text())
    assert document["openapi"].startswith("3.")
    assert "/api/photos/" in document["paths"]


def test_schema_is_served(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = response.json()
    expected = {
        "/api/auth/token/refresh/",
        "/api/auth/logout/",
        "/api/auth/cookie/",
        "/api/auth/context/",
        "/api/albums/",
        "/api/albums/{public_id}/",
        "/api/albums/{public_id}/photos/",
        "/api/photos/",
        "/api/photos/{public_id}/",
        "/api/photos/{public_id}/restore/",
        "/api/trash/",
    }
    assert expected <= set(document["paths"])
    assert {"jwtBearer", "jwtCookie"} <= set(document["components"]["securitySchemes"])


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_operation_documents_success_and_error_shapes(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        where = f"{method.upper()} {path}"
        assert any(code.startswith("2") for code in responses), where
        errors = set(responses) & API_ERROR_STATUSES
        assert errors, f"{where} documents no error answer"
        for code in errors:
            content = responses[code]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (where, code)
            assert content.get("examples"), f"{where} {code} has no example"


def test_protected_operations_document_401_and_id_operations_404(schema):
    for path, method, operation in _operations(schema):
        where = f"{method.upper()} {path}"
        if operation.get("security") and {} not in operation["security"]:
            assert "401" in operation["responses"], where
        if "{public_id}" in path:
            assert "404" in operation["responses"], where


def test_upload_documents_every_rejection(schema):
    upload = schema["paths"]["/api/photos/"]["post"]
    assert {"200", "201", "400", "401", "404", "413", "415", "422", "429"} <= set(
        upload["responses"]
    )
    assert "multipart/form-data" in upload["requestBody"]["content"]


def test_error_component_is_detail_and_code(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}


def test_swagger_ui_loads_its_assets_locally_without_inline_script(client, db, settings):
    # pytest runs with DEBUG off, so let WhiteNoise serve from the finders as after
    # collectstatic: the point is that the project itself serves every asset.
    settings.WHITENOISE_USE_FINDERS = True
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # No inline script: every <script> has a src, so the CSP keeps script-src 'self'.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attrs for attrs in scripts)
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert script_src.split() == ["'self'"]

    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    sidecar = [s for s in sources if s.startswith("/static/drf_spectacular_sidecar/")]
    assert any(s.endswith("swagger-ui-bundle.js") for s in sidecar)
    assert any(s.endswith("swagger-ui.css") for s in sidecar)
    for asset in sidecar:
        served = client.get(asset)
        assert served.status_code == 200, asset
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]

    init_script = next(s for s in sources if s.startswith("/api/docs/") and "script" in s)
    script = client.get(init_script.replace("&amp;", "&"))
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
    assert "/api/schema/" in script.content.decode()


def test_account_flows_publish_their_own_openapi_document_for_app_clients(client, db):
    response = client.get("/_allauth/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for flow in ("/auth/signup", "/auth/login", "/auth/email/verify", "/auth/provider/token"):
        assert any(path.endswith(flow) for path in paths), flow
    # Its HTML viewer would load scripts from a CDN: not served.
    assert client.get("/_allauth/openapi.html").status_code == 404


# --- OpenAPI 3.1: nullable objects that strict validators accept ------------------------------


def test_served_schema_is_openapi_3_1(client: Client, db: None) -> None:
    document = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert document["openapi"] == "3.1.0"


def test_photo_location_declares_null_once(schema: dict[str, Any]) -> None:
    location = schema["components"]["schemas"]["Photo"]["properties"]["location"]
    branches = location.get("oneOf") or location.get("anyOf") or [location]
    nulls = [b for b in branches if b.get("type") == "null" or "null" in (b.get("type") or [])]
    assert len(nulls) == 1, location
    assert "nullable" not in location


def test_album_without_cover_and_photo_without_gps_pass_a_strict_validator(
    owner: User, tmp_path: Path, settings: Settings
) -> None:
    from rest_framework_simplejwt.tokens import AccessToken

    from gallery.tests.factories import make_album, make_photo
    from pikoshi.tests.openapi_contract import check_response

    settings.MEDIA_ROOT = str(tmp_path)
    album = make_album(owner, title="No cover yet")
    photo = make_photo(owner, album=album)
    assert album.cover is None and photo.latitude is None
    headers = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(owner)}"}
    client = Client()
    for path in (f"/api/albums/{album.public_id}/", f"/api/photos/{photo.public_id}/"):
        response = client.get(path, **headers)
        assert response.status_code == 200
        check_response("get", path, "", response)


# --- What generated clients need to know ------------------------------------------------------


def test_every_photo_list_is_a_page_with_its_next_cursor(schema: dict[str, Any]) -> None:
    page = schema["components"]["schemas"]["PhotoPage"]
    assert {"results", "next", "next_cursor"} <= set(page["required"])
    assert page["properties"]["next_cursor"]["type"] == ["string", "null"]
    for path in ("/api/photos/", "/api/albums/{public_id}/photos/", "/api/trash/"):
        listing = schema["paths"][path]["get"]
        assert {"cursor", "limit"} <= {p["name"] for p in listing["parameters"]}, path
        ref = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/PhotoPage", path


def test_album_audience_is_an_enum(schema: dict[str, Any]) -> None:
    from gallery.models import Audience

    audience = schema["components"]["schemas"]["Album"]["properties"]["audience"]
    if "$ref" in audience:
        audience = schema["components"]["schemas"][audience["$ref"].rsplit("/", 1)[1]]
    elif "allOf" in audience:
        ref = audience["allOf"][0]["$ref"]
        audience = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert audience["enum"] == [value for value, _label in Audience.choices]


def test_logout_declares_the_session_token_header_it_reads(schema: dict[str, Any]) -> None:
    logout = schema["paths"]["/api/auth/logout/"]["post"]
    [header] = [p for p in logout.get("parameters", []) if p["in"] == "header"]
    assert header["name"] == "X-Session-Token"
    assert header.get("required", False) is False


def test_refresh_and_logout_take_the_refresh_token_in_the_body_or_its_cookie(
    schema: dict[str, Any], settings: Settings
) -> None:
    cookie = schema["components"]["securitySchemes"]["jwtRefreshCookie"]
    assert cookie == {**cookie, "type": "apiKey", "in": "cookie", "name": "pikoshi_refresh"}
    assert settings.JWT_COOKIE_REFRESH == "pikoshi_refresh"
    for path in ("/api/auth/token/refresh/", "/api/auth/logout/"):
        operation = schema["paths"][path]["post"]
        # No access token: the body's refresh token, or else the refresh cookie.
        assert len(operation["security"]) == 2, path
        assert {} in operation["security"], path
        assert {"jwtRefreshCookie": []} in operation["security"], path


def test_refresh_answers_one_of_two_complete_shapes_told_apart_by_mode(
    schema: dict[str, Any],
) -> None:
    refresh = schema["paths"]["/api/auth/token/refresh/"]["post"]
    answer = refresh["responses"]["200"]["content"]["application/json"]["schema"]
    answer = schema["components"]["schemas"][answer["$ref"].rsplit("/", 1)[1]]
    assert answer["discriminator"]["propertyName"] == "mode"
    shapes = {
        mode: schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        for mode, ref in answer["discriminator"]["mapping"].items()
    }
    assert set(shapes) == {"bearer", "cookie"}
    # Nothing optional: a generated client narrows on `mode` and never casts.
    assert set(shapes["bearer"]["required"]) == set(shapes["bearer"]["properties"])
    assert {"access", "refresh"} <= set(shapes["bearer"]["required"])
    assert set(shapes["cookie"]["required"]) == set(shapes["cookie"]["properties"])
    assert "access" not in shapes["cookie"]["properties"]


# --- Links: how a stateful client (or schemathesis) walks from a create to what it made ----------


def _links(schema: dict[str, Any], operation_id: str, status: str) -> dict[str, str]:
    for _path, _method, operation in _operations(schema):
        if operation["operationId"] == operation_id:
            links = operation["responses"][status].get("links", {})
            return {name: link["operationId"] for name, link in links.items()}
    raise AssertionError(f"no operation {operation_id}")


@pytest.mark.parametrize(
    ("source", "status", "targets"),
    [
        ("albums_create", "201", {"albums_retrieve", "albums_update", "albums_destroy"}),
        ("albums_create", "201", {"album_members_list", "album_links_create"}),
        ("photos_upload", "201", {"photos_retrieve", "photos_update", "photos_trash"}),
        ("photos_trash", "200", {"photos_restore", "trash_photo_destroy"}),
        ("trash_list", "200", {"trash_list", "photos_restore", "trash_photo_destroy"}),
        ("photos_list", "200", {"photos_list", "photos_retrieve"}),
        ("album_members_create", "201", {"album_members_update", "album_members_destroy"}),
        ("connections_list", "200", {"album_members_create", "connections_update"}),
        ("album_links_create", "201", {"share_links_update", "share_links_destroy"}),
        ("invitations_create", "201", {"invitations_destroy"}),
        ("invitations_received", "200", {"invitations_accept", "invitations_decline"}),
    ],
)
def test_links_lead_from_what_makes_a_thing_to_what_reads_changes_and_deletes_it(
    schema: dict[str, Any], source: str, status: str, targets: set[str]
) -> None:
    assert targets <= set(_links(schema, source, status).values())


def test_every_link_names_a_real_operation_and_its_parameters(schema: dict[str, Any]) -> None:
    operations = {op["operationId"]: (path, op) for path, _m, op in _operations(schema)}
    count = 0
    for _path, _method, operation in _operations(schema):
        for status, response in operation["responses"].items():
            for name, link in response.get("links", {}).items():
                where = f"{operation['operationId']} {status} {name}"
                assert link["operationId"] in operations, where
                target_path, target = operations[link["operationId"]]
                names = {p["name"] for p in target.get("parameters", [])}
                for parameter, expression in link.get("parameters", {}).items():
                    assert parameter in names, where
                    assert expression.startswith("$"), where
                required_path = set(re.findall(r"{(\w+)}", target_path))
                assert required_path <= set(link.get("parameters", {})) or (
                    "requestBody" in link
                ), where
                count += 1
    assert count >= 30
