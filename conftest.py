"""Fixtures every app's tests share: the three people of every suite."""

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.http import HttpResponseBase

PASSWORD = "Correct-Horse-42!"  # noqa: S105 - test password that meets every rule
NGINX = "127.0.0.1"  # the proxy as Pikoshi sees it: every request comes from here


def via_nginx(address: str, *, forged: str = "") -> dict:
    """Request META as deploy/nginx.conf hands it on: the visitor's own header, if any, plus
    the address nginx saw appended ($proxy_add_x_forwarded_for), from nginx's address."""
    forwarded = f"{forged}, {address}" if forged else address
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": forwarded}


@pytest.fixture
def make_user(db):
    def make(email: str, *, display_name: str = "", verified: bool = True, password=PASSWORD):
        from accounts.models import User

        user = User.objects.create_user(email=email, password=password, display_name=display_name)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def owner(make_user):
    return make_user("olivia@example.com", display_name="Olivia Owner")


@pytest.fixture
def guest(make_user):
    return make_user("gabriel@example.com", display_name="Gabriel Guest")


@pytest.fixture
def stranger(make_user):
    return make_user("sam@example.com", display_name="Sam Stranger")


@pytest.fixture
def behind_nginx(settings):
    """Pikoshi as deployed behind the documented nginx: one trusted proxy in front."""
    settings.PIKOSHI_TRUSTED_PROXIES = 1
    return settings


@pytest.fixture(autouse=True)
def _upload_dir(settings, tmp_path_factory):
    """Parts of resumable uploads collect in a folder of their own per test."""
    settings.PIKOSHI_UPLOAD_DIR = tmp_path_factory.mktemp("uploads")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _api_answers_match_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every /api/ answer a test client receives must be one the served schema documents."""
    from django.test import Client

    from pikoshi.tests import openapi_contract

    request = Client.request

    def checked(self: Client, **environ: Any) -> HttpResponseBase:
        response = request(self, **environ)
        path = response.request.get("PATH_INFO", "")
        if openapi_contract.is_api_operation(path):
            openapi_contract.check_response(
                response.request.get("REQUEST_METHOD", "GET"),
                path,
                response.request.get("QUERY_STRING", ""),
                response,
            )
        return response

    monkeypatch.setattr(Client, "request", checked)
