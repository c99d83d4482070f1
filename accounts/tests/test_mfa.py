"""Two-factor sign-in: authenticator app codes (RFC 6238), recovery codes, passkey pages.

Codes are computed here from the secret with hmac, independently of allauth, the way an
authenticator app would. Passkey registration and sign-in run in e2e/test_passkeys.py.
"""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.test_api_auth import HEADLESS, app_login
from accounts.tests.test_pages import assert_our_page_without_inline_code
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def totp(secret: str, *, offset: int = 0, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows (RFC 6238, SHA-1, 30 s steps)."""
    counter = int(at if at is not None else time.time()) // 30 + offset
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    start = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[start : start + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@pytest.fixture
def tolerant_totp(settings):
    """Accept the next 30 s step too, so a test can sign in "a little later" than it
    activated the app without sleeping; codes still work once only."""
    settings.MFA_TOTP_TOLERANCE = 1


def activate_totp_in_browser(client: Client, user) -> str:
    """What a person does: confirm the password, scan the secret, type the current code."""
    client.force_login(user)
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert_our_page_without_inline_code(page)
    secret = page.context["form"].secret
    assert secret in page.content.decode()  # shown for typing into the app by hand
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 302, response.content.decode()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.logout()
    return secret


def recovery_codes(user) -> list[str]:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(authenticator).get_unused_codes()


def password_step(client: Client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def test_sign_in_asks_for_the_authenticator_code_after_the_password(client, owner, tolerant_totp):
    secret = activate_totp_in_browser(client, owner)

    response = password_step(client, owner)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/photos/").status_code == 302  # not signed in yet
    page = client.get("/accounts/2fa/authenticate/")
    assert_our_page_without_inline_code(page)
    response = client.post("/accounts/2fa/authenticate/", {"code": totp(secret, offset=1)})
    assert response.status_code == 302
    assert client.get("/photos/").status_code == 200


def test_a_wrong_or_replayed_code_is_refused(client, owner, tolerant_totp):
    secret = activate_totp_in_browser(client, owner)
    code = totp(secret, offset=1)
    password_step(client, owner)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302

    other = Client()
    password_step(other, owner)
    response = other.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200  # the same code a second time: refused
    assert other.get("/photos/").status_code == 302


def test_activating_the_app_gives_recovery_codes_that_work_once(client, owner):
    activate_totp_in_browser(client, owner)
    codes = recovery_codes(owner)
    assert len(codes) == 10

    password_step(client, owner)
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert client.get("/photos/").status_code == 200
    assert codes[0] not in recovery_codes(owner)

    again = Client()
    password_step(again, owner)
    response = again.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 200
    assert again.get("/photos/").status_code == 302
    assert again.post("/accounts/2fa/authenticate/", {"code": codes[1]}).status_code == 302


def test_recovery_codes_page_renders_in_our_layout(client, owner):
    activate_totp_in_browser(client, owner)
    client.force_login(owner)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    page = client.get("/accounts/2fa/recovery-codes/")

    assert_our_page_without_inline_code(page)
    assert recovery_codes(owner)[0] in page.content.decode()


def test_app_sign_in_hands_out_tokens_only_after_the_second_factor(client, owner, tolerant_totp):
    secret = activate_totp_in_browser(client, owner)

    response = app_login(client, owner.email)

    assert response.status_code == 401
    body = response.json()
    assert "access_token" not in body["meta"]
    assert any(f["id"] == "mfa_authenticate" and f.get("is_pending") for f in body["data"]["flows"])
    response = client.post(
        f"{HEADLESS}/auth/2fa/authenticate",
        {"code": totp(secret, offset=1)},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=body["meta"]["session_token"],
    )
    assert response.status_code == 200, response.content
    access = response.json()["meta"]["access_token"]
    assert AccessToken(access)["sub"] == str(owner.uuid)  # simplejwt's, not allauth's
    answer = client.get("/api/auth/context/", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert answer.json()["uuid"] == str(owner.uuid)


MFA_PAGES = [
    "/accounts/2fa/",
    "/accounts/2fa/webauthn/",
]


@pytest.mark.parametrize("url", MFA_PAGES)
def test_two_factor_pages_use_our_layout_without_inline_code(client, owner, url):
    client.force_login(owner)
    assert_our_page_without_inline_code(client.get(url))


def test_passkey_pages_load_allauths_scripts_as_same_origin_files(client, owner):
    client.force_login(owner)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    page = client.get("/accounts/2fa/webauthn/add/")

    assert_our_page_without_inline_code(page)
    html = page.content.decode()
    for script in ("mfa/js/webauthn-json.js", "mfa/js/webauthn.js", "account/js/onload.js"):
        assert f'<script src="/static/{script}"></script>' in html
    # Options travel as JSON data blocks, which CSP does not run as scripts.
    assert 'type="application/json"' in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_login_page_offers_passkey_sign_in_with_its_form_inside_body(client):
    html = client.get("/accounts/login/").content.decode()

    assert 'id="passkey_login"' in html
    head = html[: html.index("</head>")]
    assert 'id="mfa_login"' not in head  # a <form> in <head> would be invalid HTML
    assert re.search(r'<form id="mfa_login"[^>]*action="/accounts/2fa/webauthn/login/"', html)
