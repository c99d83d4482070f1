"""allauth's headless API keeps the contract it publishes at /_allauth/openapi.json.

A client generated from that document must be able to read every answer: each answer here
is validated against the served document with a strict OpenAPI 3.0 validator, the way a
generated client would parse it. Errors under /_allauth/ are JSON in allauth's envelope,
whatever part of the stack produced them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from accounts.models import User
from accounts.tests.test_api_auth import app_login
from accounts.tests.test_mfa import activate_totp_in_browser, tolerant_totp  # noqa: F401
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

CLIENTS = ("app", "browser")


@pytest.fixture
def served_spec(client: Client) -> dict[str, Any]:
    response = client.get("/_allauth/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def assert_answer_follows(spec: dict[str, Any], path: str, method: str, response: Any) -> None:
    """Validate a response body against the operation's documented answer for its status."""
    operation = spec["paths"][path][method]
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (
        f"{method.upper()} {path} answered {response.status_code}, which it does not document"
    )
    if "$ref" in documented:
        documented = spec["components"]["responses"][documented["$ref"].rpartition("/")[2]]
    schema = documented["content"]["application/json"]["schema"]
    # The operation's schema as root, with the document's components beside it, so that
    # "#/components/..." references resolve exactly as they do in the whole document.
    validator = OAS30Validator(
        {**schema, "components": spec["components"]}, format_checker=oas30_format_checker
    )
    errors = sorted(validator.iter_errors(response.json()), key=str)
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors
    )


def assert_envelope(response: Any, status: int) -> dict[str, Any]:
    """allauth's error envelope: {"status": N, "errors": [{"message", "code"}, ...]}."""
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["status"] == status
    assert body["errors"], body
    for error in body["errors"]:
        assert isinstance(error["message"], str) and error["message"]
        assert isinstance(error["code"], str) and error["code"]
    return body


def session_token_for(client: Client, user: User) -> str:
    response = app_login(client, user.email)
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


# --- phone numbers: not offered, so not mounted --------------------------------------------


@pytest.mark.parametrize("kind", CLIENTS)
def test_signed_in_phone_endpoint_is_not_found_not_a_server_error(
    kind: str, client: Client, owner: User
) -> None:
    if kind == "app":
        headers = {"HTTP_X_SESSION_TOKEN": session_token_for(client, owner)}
    else:
        client.force_login(owner)
        headers = {}
    for method in ("get", "post", "patch", "delete"):
        response = getattr(client, method)(
            f"/_allauth/{kind}/v1/account/phone", content_type="application/json", **headers
        )
        assert_envelope(response, 404)


@pytest.mark.parametrize("path", ["account/phone", "auth/phone/verify", "auth/phone/verify/resend"])
@pytest.mark.parametrize("kind", CLIENTS)
def test_anonymous_requests_of_any_method_to_phone_routes_are_404(
    kind: str, path: str, client: Client
) -> None:
    response = client.generic("TRACE", f"/_allauth/{kind}/v1/{path}")
    assert_envelope(response, 404)


def test_the_served_spec_lists_no_phone_operations(served_spec: dict[str, Any]) -> None:
    assert not [path for path in served_spec["paths"] if "phone" in path]
    assert "Account: Phone" not in {tag["name"] for tag in served_spec["tags"]}


def test_the_phone_routes_are_gone_from_the_url_names() -> None:
    for name in ("manage_phone", "verify_phone", "resend_phone_verification_code"):
        for kind in CLIENTS:
            with pytest.raises(NoReverseMatch):
                reverse(f"headless:{kind}:account:{name}")
    # ...while the rest of allauth's headless routes stay where allauth put them.
    assert reverse("headless:app:account:login") == "/_allauth/app/v1/auth/login"
    assert reverse("headless:browser:account:manage_email") == "/_allauth/browser/v1/account/email"


# --- unknown methods -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize("method", ["TRACE", "PUT", "PATCH"])
def test_an_undocumented_method_is_405_json_with_allow(
    kind: str, method: str, client: Client
) -> None:
    response = client.generic(method, f"/_allauth/{kind}/v1/auth/session")
    body = assert_envelope(response, 405)
    assert body["errors"][0]["code"] == "method_not_allowed"
    allowed = {m.strip() for m in response["Allow"].split(",")}
    assert {"GET", "DELETE"} <= allowed
    assert method not in allowed


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("auth/login", "TRACE"),  # allauth read the body first: 400
        ("auth/code/confirm", "TRACE"),  # ...or the sign-in stage: 409
        ("auth/email/verify", "PUT"),
        ("auth/2fa/authenticate", "DELETE"),
    ],
)
def test_an_undocumented_method_is_405_before_allauth_reads_anything(
    path: str, method: str, client: Client
) -> None:
    response = client.generic(
        method,
        f"/_allauth/app/v1/{path}",
        json.dumps({"code": "NQ3TM5", "key": "x"}),
        content_type="application/json",
    )
    assert_envelope(response, 405)
    assert method not in response["Allow"]


def test_options_and_head_still_answer_as_django_does(client: Client) -> None:
    options = client.options("/_allauth/app/v1/auth/login")
    assert options.status_code == 200
    assert "POST" in options["Allow"]
    assert client.head("/_allauth/app/v1/config").status_code == 200


def test_signed_in_undocumented_method_is_405_too(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.generic("TRACE", "/_allauth/browser/v1/account/email")
    assert_envelope(response, 405)


# --- answers follow the served document --------------------------------------------------------


@pytest.mark.parametrize("kind", CLIENTS)
def test_anonymous_session_answer_follows_the_served_spec(
    kind: str, client: Client, served_spec: dict[str, Any]
) -> None:
    response = client.get(f"/_allauth/{kind}/v1/auth/session")
    assert response.status_code == 401
    flows = {flow["id"] for flow in response.json()["data"]["flows"]}
    # Passkey sign-in is on, and the answer says so, as allauth's description promises.
    assert "mfa_login_webauthn" in flows
    assert_answer_follows(served_spec, "/_allauth/{client}/v1/auth/session", "get", response)


def test_signup_answer_follows_the_served_spec(client: Client, served_spec: dict[str, Any]) -> None:
    response = client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "nina@example.com", "password": PASSWORD, "display_name": "Nina"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert_answer_follows(served_spec, "/_allauth/{client}/v1/auth/signup", "post", response)


@pytest.mark.usefixtures("tolerant_totp")
def test_pending_two_factor_answer_follows_the_served_spec(
    client: Client, owner: User, served_spec: dict[str, Any]
) -> None:
    activate_totp_in_browser(client, owner)
    response = app_login(client, owner.email)
    assert response.status_code == 401
    assert any(f["id"] == "mfa_authenticate" for f in response.json()["data"]["flows"])
    assert_answer_follows(served_spec, "/_allauth/{client}/v1/auth/login", "post", response)


def test_signed_in_answer_names_the_user_by_uuid_as_the_spec_says(
    client: Client, owner: User, served_spec: dict[str, Any]
) -> None:
    user_schema = served_spec["components"]["schemas"]["User"]["properties"]["id"]
    assert user_schema["type"] == "string"
    assert user_schema["format"] == "uuid"
    response = app_login(client, owner.email)
    assert response.status_code == 200
    assert response.json()["data"]["user"]["id"] == str(owner.uuid)
    assert_answer_follows(served_spec, "/_allauth/{client}/v1/auth/login", "post", response)
    token = response.json()["meta"]["session_token"]
    session = client.get("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token)
    assert session.status_code == 200
    assert_answer_follows(served_spec, "/_allauth/{client}/v1/auth/session", "get", session)


def test_signed_in_meta_documents_every_token_the_app_must_keep(
    client: Client, owner: User, served_spec: dict[str, Any]
) -> None:
    """The app keeps meta.refresh_token to refresh and sign out: the document must name it,
    or a generated client has no field to read it from."""
    documented = served_spec["components"]["schemas"]["BaseAuthenticationMeta"]["properties"]
    response = app_login(client, owner.email)
    assert response.status_code == 200
    meta = response.json()["meta"]
    assert set(meta) - {"is_authenticated"} <= set(documented), sorted(meta)
    assert {"session_token", "access_token", "refresh_token", "expires_in"} <= set(meta)
    assert documented["expires_in"]["type"] == "integer"
    assert_answer_follows(served_spec, "/_allauth/{client}/v1/auth/login", "post", response)


def test_the_login_body_asks_for_what_pikoshi_signs_in_with(served_spec: dict[str, Any]) -> None:
    """Sign-in is by email only (ACCOUNT_LOGIN_METHODS): the body is the email and password,
    one plain object a generator turns into a model with both fields."""
    login = served_spec["components"]["schemas"]["Login"]
    assert login["type"] == "object"
    assert set(login["properties"]) == {"email", "password"}
    assert set(login["required"]) == {"email", "password"}


def test_served_flow_ids_are_every_flow_the_server_can_send(served_spec: dict[str, Any]) -> None:
    from allauth.headless.constants import Flow

    flow = served_spec["components"]["schemas"]["Flow"]["properties"]
    assert set(flow["id"]["enum"]) == {f.value for f in Flow}
    # password_reset_by_code is listed with is_pending false while no reset is under way.
    assert flow["is_pending"] == {"type": "boolean"}


def test_reset_by_code_answer_follows_the_served_spec(
    client: Client, served_spec: dict[str, Any], settings: Any
) -> None:
    settings.ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
    response = client.get("/_allauth/app/v1/auth/session")
    flows = {flow["id"]: flow for flow in response.json()["data"]["flows"]}
    assert flows["password_reset_by_code"]["is_pending"] is False
    assert_answer_follows(served_spec, "/_allauth/{client}/v1/auth/session", "get", response)


# --- errors are allauth's JSON envelope --------------------------------------------------------


def test_csrf_failure_is_json_403() -> None:
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/_allauth/browser/v1/auth/login",
        {"email": "nobody@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    body = assert_envelope(response, 403)
    assert body["errors"][0]["code"] == "csrf_failed"


def test_csrf_failure_outside_allauth_is_still_the_html_page() -> None:
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_malformed_json_is_a_json_400(kind: str, body: bytes, client: Client) -> None:
    response = client.post(f"/_allauth/{kind}/v1/auth/login", body, content_type="application/json")
    answer = assert_envelope(response, 400)
    assert answer["errors"][0]["code"] == "invalid_json"


def test_not_found_under_allauth_is_json() -> None:
    response = Client().get("/_allauth/app/v1/no-such-thing")
    assert_envelope(response, 404)


@pytest.fixture
def reset_by_key(settings: Any) -> None:
    """The key flow these tests guard is what a deployment gets with reset codes off
    (ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED, on in Pikoshi's settings)."""
    settings.ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False


def test_rate_limited_answer_is_the_envelope_and_says_when_to_retry(
    client: Client, owner: User, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/m/ip"}

    def request_reset() -> Any:
        return client.post(
            "/_allauth/app/v1/auth/password/request",
            {"email": owner.email},
            content_type="application/json",
        )

    for _ in range(2):
        # With reset codes on, a request answers 401: the code flow is now pending.
        assert request_reset().status_code == 401
    response = request_reset()
    body = assert_envelope(response, 429)
    assert body["errors"][0]["code"] == "too_many_requests"
    assert 0 < int(response["Retry-After"]) <= 60


@pytest.mark.parametrize("key", ["-abc", "-", "-0-set-password", " -abc", "\t-x", "1\x00-abc"])
def test_a_reset_key_without_its_account_part_is_a_400_not_a_500(
    key: str, client: Client, reset_by_key: None
) -> None:
    posted = client.post(
        "/_allauth/app/v1/auth/password/reset",
        {"key": key, "password": PASSWORD},
        content_type="application/json",
    )
    body = assert_envelope(posted, 400)
    assert body["errors"][0]["code"] == "invalid_password_reset"
    assert body["errors"][0]["param"] == "key"
    read = client.get("/_allauth/app/v1/auth/password/reset", HTTP_X_PASSWORD_RESET_KEY=key)
    assert_envelope(read, 400)


@pytest.mark.parametrize("key", [-1.175494351e-38, -1])
def test_a_reset_key_that_is_a_negative_number_is_a_400(
    key: float, client: Client, reset_by_key: None
) -> None:
    posted = client.post(
        "/_allauth/app/v1/auth/password/reset",
        {"key": key, "password": PASSWORD},
        content_type="application/json",
    )
    body = assert_envelope(posted, 400)
    assert body["errors"][0]["code"] == "invalid_password_reset"


def test_a_reset_key_of_someone_still_resets_their_password(
    client: Client, owner: User, reset_by_key: None
) -> None:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = f"{user_pk_to_url_str(owner)}-{default_token_generator.make_token(owner)}"
    read = client.get("/_allauth/app/v1/auth/password/reset", HTTP_X_PASSWORD_RESET_KEY=key)
    assert read.status_code == 200
    response = client.post(
        "/_allauth/app/v1/auth/password/reset",
        {"key": key, "password": "Another-Secret-99?"},
        content_type="application/json",
    )
    assert response.status_code == 401  # reset; signing in is a separate step here
    owner.refresh_from_db()
    assert owner.check_password("Another-Secret-99?")


def test_an_anonymous_two_factor_answer_says_not_authenticated_as_a_boolean(
    client: Client, served_spec: dict[str, Any]
) -> None:
    response = client.post(
        "/_allauth/app/v1/auth/2fa/authenticate",
        {"code": "314159"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["meta"]["is_authenticated"] is False
    assert_answer_follows(
        served_spec, "/_allauth/{client}/v1/auth/2fa/authenticate", "post", response
    )


def test_a_lost_database_under_allauth_is_a_503_envelope_with_retry_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from allauth.headless.base.views import ConfigView
    from django.db import OperationalError

    def lose_database(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ConfigView, "get", lose_database)
    response = Client().get("/_allauth/app/v1/config")
    body = assert_envelope(response, 503)
    assert body["errors"][0]["code"] == "database_unavailable"
    assert int(response["Retry-After"]) > 0


def test_a_bug_under_allauth_is_a_500_envelope_without_details(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from allauth.headless.base.views import ConfigView
    from django.db import ProgrammingError

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ProgrammingError('relation "secret_table" does not exist')

    monkeypatch.setattr(ConfigView, "get", broken)
    response = Client(raise_request_exception=False).get("/_allauth/app/v1/config")
    body = assert_envelope(response, 500)
    assert body["errors"][0]["code"] == "server_error"
    assert "secret_table" not in response.content.decode()
