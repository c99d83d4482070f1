"""CORS: off unless PIKOSHI_CORS_ORIGINS names origins; then only for those, on the API.

The browser half (a page on another port signing in, uploading, signing out) is
e2e/test_cross_origin_spa.py.
"""

from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from accounts.tests.test_api_auth import ACCESS
from accounts.tests.test_spa_auth import spa

SPA = "https://app.example.org"
ELSEWHERE = "https://evil.example"

pytestmark = pytest.mark.django_db


@pytest.fixture
def cors(settings: Settings) -> Settings:
    """What PIKOSHI_CORS_ORIGINS=https://app.example.org makes of the settings."""
    settings.CORS_ALLOWED_ORIGINS = [SPA]
    settings.CSRF_TRUSTED_ORIGINS = [*settings.CSRF_TRUSTED_ORIGINS, SPA]
    return settings


def preflight(path: str, origin: str, method: str = "POST") -> HttpResponse:
    return Client().options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-csrftoken",
    )


def test_without_origins_no_answer_carries_cors_headers() -> None:
    answer = preflight("/api/photos/", SPA)
    assert "access-control-allow-origin" not in answer.headers
    # The API answers the OPTIONS itself, as it did before CORS was installed.
    assert answer.status_code == 401

    plain = Client().get("/api/photos/", HTTP_ORIGIN=SPA)
    assert "access-control-allow-origin" not in plain.headers


@pytest.mark.parametrize(
    "path", ["/api/photos/", "/api/auth/cookie/", "/_allauth/browser/v1/auth/login"]
)
def test_a_named_origin_may_call_the_api_and_allauth_with_credentials(
    cors: Settings, path: str
) -> None:
    answer = preflight(path, SPA)

    assert answer.status_code == 200
    assert answer["access-control-allow-origin"] == SPA
    assert answer["access-control-allow-credentials"] == "true"
    allowed = {h.strip() for h in answer["access-control-allow-headers"].split(",")}
    assert {"content-type", "x-csrftoken", "authorization", "x-session-token"} <= allowed
    assert "origin" in answer["vary"].lower()


def test_any_other_origin_gets_no_cors_headers(cors: Settings) -> None:
    answer = preflight("/api/photos/", ELSEWHERE)
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-credentials" not in answer.headers

    plain = Client().get("/api/photos/", HTTP_ORIGIN=ELSEWHERE)
    assert "access-control-allow-origin" not in plain.headers


@pytest.mark.parametrize("path", ["/photos/", "/accounts/login/", "/admin/login/"])
def test_pages_are_never_shared_cross_origin(cors: Settings, path: str) -> None:
    answer = Client().get(path, HTTP_ORIGIN=SPA)
    assert "access-control-allow-origin" not in answer.headers


def test_refusals_carry_the_cors_headers_so_the_spa_can_read_them(cors: Settings) -> None:
    answer = Client().get("/api/photos/", HTTP_ORIGIN=SPA)
    assert answer.status_code == 401
    assert answer["access-control-allow-origin"] == SPA
    assert answer["access-control-allow-credentials"] == "true"


def test_cookie_auth_from_a_named_origin_still_needs_the_csrf_token(
    cors: Settings, owner: User
) -> None:
    client, csrf = spa(owner)

    refused = client.post(
        "/api/albums/", {"title": "Trip"}, content_type="application/json", HTTP_ORIGIN=SPA
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    created = client.post(
        "/api/albums/",
        {"title": "Trip"},
        content_type="application/json",
        HTTP_ORIGIN=SPA,
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert created.status_code == 201, created.content
    assert created["access-control-allow-origin"] == SPA


def test_cookie_auth_from_another_origin_fails_even_with_the_token(
    cors: Settings, owner: User
) -> None:
    client, csrf = spa(owner)

    refused = client.post(
        "/api/albums/",
        {"title": "Trip"},
        content_type="application/json",
        HTTP_ORIGIN=ELSEWHERE,
        HTTP_X_CSRFTOKEN=csrf,
    )

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert ACCESS in client.cookies


def test_the_cookie_exchange_accepts_json_from_a_named_origin_only(
    cors: Settings, make_user: Callable[..., User]
) -> None:
    from accounts.tests.test_api_auth import tokens_for

    person = make_user("spa@example.com")
    _access, refresh = tokens_for(Client(), person)
    browser = Client(enforce_csrf_checks=True)

    answer = browser.post(
        "/api/auth/cookie/", {"refresh": refresh}, content_type="application/json", HTTP_ORIGIN=SPA
    )

    assert answer.status_code == 200, answer.content
    assert answer["access-control-allow-origin"] == SPA
