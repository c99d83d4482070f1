"""App and SPA authentication: allauth.headless flows that end in simplejwt tokens."""

import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from allauth.socialaccount.providers.google import views as google_views
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core import mail
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import User
from accounts.tests.conftest import code_in
from conftest import PASSWORD, via_nginx

HEADLESS = "/_allauth/app/v1"
ACCESS = "pikoshi_access"
REFRESH = "pikoshi_refresh"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def app_login(client, email, password=PASSWORD):
    response = client.post(
        f"{HEADLESS}/auth/login",
        {"email": email, "password": password},
        content_type="application/json",
    )
    return response


def tokens_for(client, user) -> tuple[str, str]:
    response = app_login(client, user.email)
    assert response.status_code == 200, response.content
    meta = response.json()["meta"]
    return meta["access_token"], meta["refresh_token"]


def code_from_last_email() -> str:
    """The code the app asks its user to type (allauth's short code, not a link's key)."""
    return code_in(mail.outbox[-1])


# --- headless sign-up, verification, login -----------------------------------------------


@pytest.mark.django_db
def test_signup_gives_no_tokens_until_the_email_is_verified(client):
    response = client.post(
        f"{HEADLESS}/auth/signup",
        {"email": "nina@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 401
    body = response.json()
    assert "access_token" not in body["meta"]
    assert any(f["id"] == "verify_email" and f.get("is_pending") for f in body["data"]["flows"])
    session_token = body["meta"]["session_token"]

    # Logging in before verifying still gives no token.
    assert "access_token" not in app_login(client, "nina@example.com").json().get("meta", {})

    response = client.post(
        f"{HEADLESS}/auth/email/verify",
        {"key": code_from_last_email()},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    assert response.status_code == 200, response.content
    meta = response.json()["meta"]
    user = User.objects.get(email="nina@example.com")
    # The headless payload names people by uuid, never by sequential id.
    assert response.json()["data"]["user"]["id"] == str(user.uuid)
    access = AccessToken(meta["access_token"])
    assert access["sub"] == str(user.uuid)
    RefreshToken(meta["refresh_token"])  # simplejwt's own format, verifies


@pytest.mark.django_db
def test_a_mobile_clients_whole_life(client):
    """Sign up, verify by the emailed code, upload, list, refresh, log out: refresh refused."""
    from gallery.tests import imagegen

    signup = client.post(
        f"{HEADLESS}/auth/signup",
        {"email": "mo@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    assert signup.status_code == 401
    session_token = signup.json()["meta"]["session_token"]
    assert "access_token" not in signup.json()["meta"]

    verified = client.post(
        f"{HEADLESS}/auth/email/verify",
        {"key": code_from_last_email()},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    assert verified.status_code == 200
    access = verified.json()["meta"]["access_token"]
    refresh = verified.json()["meta"]["refresh_token"]

    upload = client.post(
        "/api/photos/",
        {"file": imagegen.uploaded(imagegen.jpeg((64, 48)), "first.jpg")},
        **bearer(access),
    )
    assert upload.status_code == 201, upload.content
    photo_id = upload.json()["id"]
    listed = client.get("/api/photos/", **bearer(access))
    assert [p["id"] for p in listed.json()["results"]] == [photo_id]
    assert listed.json()["next"] is None

    refreshed = client.post(
        "/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    assert refreshed.status_code == 200
    new_access, new_refresh = refreshed.json()["access"], refreshed.json()["refresh"]
    albums = client.get("/api/albums/", **bearer(new_access))
    assert albums.status_code == 200 and albums.json() == []  # a new library has no album

    logout = client.post(
        "/api/auth/logout/", {"refresh": new_refresh}, content_type="application/json"
    )
    assert logout.status_code == 204
    refused = client.post(
        "/api/auth/token/refresh/", {"refresh": new_refresh}, content_type="application/json"
    )
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"


def test_login_answers_with_a_simplejwt_pair_that_the_api_accepts(client, owner):
    access, _refresh = tokens_for(client, owner)
    response = client.get("/api/auth/context/", **bearer(access))
    assert response.status_code == 200
    assert response.json() == {
        "uuid": str(owner.uuid),
        "email": owner.email,
        "display_name": owner.display_name,
        "email_verified": True,
    }


def test_unverified_account_gets_no_tokens_on_login(client, make_user):
    make_user("unverified@example.com", verified=False)
    response = app_login(client, "unverified@example.com")
    assert response.status_code == 401
    assert "access_token" not in response.json().get("meta", {})


def test_allauth_refresh_endpoint_rotates_simplejwt_tokens_too(client, owner):
    _access, refresh = tokens_for(client, owner)
    response = client.post(
        f"{HEADLESS}/tokens/refresh", {"refresh_token": refresh}, content_type="application/json"
    )
    assert response.status_code == 200
    AccessToken(response.json()["data"]["access_token"])
    again = client.post(
        "/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    assert again.status_code == 401


def test_password_reset_through_the_app_then_login_gives_tokens(client, owner):
    _old_access, old_refresh = tokens_for(client, owner)
    response = client.post(
        f"{HEADLESS}/auth/password/request", {"email": owner.email}, content_type="application/json"
    )
    # The reset now waits for the emailed code, in this app session.
    assert response.status_code == 401
    assert any(
        f["id"] == "password_reset_by_code" and f.get("is_pending")
        for f in response.json()["data"]["flows"]
    )
    session_token = response.json()["meta"]["session_token"]
    new_password = "Another-Horse-73!"
    response = client.post(
        f"{HEADLESS}/auth/password/reset",
        {"key": code_from_last_email(), "password": new_password},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    # ACCOUNT_LOGIN_ON_PASSWORD_RESET is off: a reset alone hands out no tokens.
    assert response.status_code == 401
    assert "access_token" not in response.json().get("meta", {})

    # The pair from before the reset is dead: a lost phone stops working.
    refused = client.post(
        "/api/auth/token/refresh/", {"refresh": old_refresh}, content_type="application/json"
    )
    assert refused.status_code == 401
    assert app_login(client, owner.email).status_code == 400
    access = app_login(client, owner.email, new_password).json()["meta"]["access_token"]
    assert client.get("/api/auth/context/", **bearer(access)).status_code == 200


def test_access_token_from_before_a_password_change_is_refused(client, owner):
    access, _refresh = tokens_for(client, owner)
    owner.set_password("Changed-Horse-99!")
    owner.save()
    response = client.get("/api/auth/context/", **bearer(access))
    assert response.status_code == 401


def error_codes(response) -> list[str]:
    return [error["code"] for error in response.json().get("errors", [])]


def test_allauth_rate_limits_failed_app_logins(client, owner):
    for _ in range(5):
        assert error_codes(app_login(client, owner.email, "wrong-password")) == [
            "email_password_mismatch"
        ]
    locked = app_login(client, owner.email, "wrong-password")
    assert error_codes(locked) == ["too_many_login_attempts"]
    # While locked, even the right password gets no tokens.
    right = app_login(client, owner.email)
    assert error_codes(right) == ["too_many_login_attempts"]
    assert "access_token" not in right.json().get("meta", {})


# --- refresh and logout ----------------------------------------------------------------------


def test_refresh_rotates_and_the_old_refresh_token_is_refused(client, owner):
    _access, refresh = tokens_for(client, owner)
    response = client.post(
        "/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "bearer"
    assert body["refresh"] != refresh
    assert client.get("/api/auth/context/", **bearer(body["access"])).status_code == 200

    reused = client.post(
        "/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_not_valid"


def test_refresh_without_any_token_is_401(client, db):
    response = client.post("/api/auth/token/refresh/", {}, content_type="application/json")
    assert response.status_code == 401
    assert set(response.json()) >= {"detail", "code"}


def test_logout_revokes_the_refresh_token(client, owner):
    _access, refresh = tokens_for(client, owner)
    response = client.post(
        "/api/auth/logout/", {"refresh": refresh}, content_type="application/json"
    )
    assert response.status_code == 204
    refused = client.post(
        "/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    assert refused.status_code == 401


def test_logout_with_session_token_also_ends_the_allauth_session(client, owner):
    login = app_login(client, owner.email)
    meta = login.json()["meta"]
    session_token = meta["session_token"]
    assert (
        client.get(f"{HEADLESS}/auth/session", HTTP_X_SESSION_TOKEN=session_token).status_code
        == 200
    )
    response = client.post(
        "/api/auth/logout/",
        {"refresh": meta["refresh_token"]},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    assert response.status_code == 204
    gone = client.get(f"{HEADLESS}/auth/session", HTTP_X_SESSION_TOKEN=session_token)
    assert gone.status_code == 410


def test_refresh_token_of_a_deactivated_account_is_refused(client, owner):
    _access, refresh = tokens_for(client, owner)
    owner.is_active = False
    owner.save()
    response = client.post(
        "/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    assert response.status_code == 401


# --- refused tokens ----------------------------------------------------------------------------


def test_anonymous_context_is_401(client, db):
    response = client.get("/api/auth/context/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_access_token_is_401(client, owner):
    token = AccessToken.for_user(owner)
    token.set_exp(lifetime=-timedelta(seconds=1))
    response = client.get("/api/auth/context/", **bearer(str(token)))
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_tampered_access_token_is_401(client, owner, stranger):
    token = str(AccessToken.for_user(owner))
    header, payload, signature = token.split(".")
    other_payload = str(AccessToken.for_user(stranger)).split(".")[1]
    forged = f"{header}.{other_payload}.{signature}"
    assert client.get("/api/auth/context/", **bearer(forged)).status_code == 401
    flipped = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get("/api/auth/context/", **bearer(flipped)).status_code == 401


def test_refresh_token_is_not_an_access_token(client, owner):
    refresh = str(RefreshToken.for_user(owner))
    assert client.get("/api/auth/context/", **bearer(refresh)).status_code == 401


def test_access_token_of_a_deleted_user_is_401(client, owner):
    access = str(AccessToken.for_user(owner))
    owner.delete()
    assert client.get("/api/auth/context/", **bearer(access)).status_code == 401


# --- cookie mode (SPA) -------------------------------------------------------------------------


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def cookie_session(csrf_client, user) -> str:
    """Sign in like an SPA: headless login, then trade the refresh token for cookies."""
    _access, refresh = tokens_for(csrf_client, user)
    response = csrf_client.post(
        "/api/auth/cookie/", {"refresh": refresh}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["uuid"] == str(user.uuid)
    for name in (ACCESS, REFRESH):
        morsel = response.cookies[name]
        assert morsel["httponly"]
        assert morsel["samesite"] == "Lax"
        assert morsel["secure"]  # pytest runs with DEBUG off, as production does
    # The refresh cookie goes to the API only (any call there may renew), never to pages.
    assert response.cookies[REFRESH]["path"] == "/api/"
    # The pair that was in the script's hands is dead now.
    assert (
        csrf_client.post(
            "/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json"
        ).status_code
        == 401
    )
    return csrf_client.cookies["csrftoken"].value


def test_cookie_mode_cookies_are_not_secure_over_local_http(csrf_client, owner, settings):
    settings.PIKOSHI_LOCAL_HTTP = True  # `make run`: DEBUG off, plain HTTP on localhost
    _access, refresh = tokens_for(csrf_client, owner)
    response = csrf_client.post(
        "/api/auth/cookie/", {"refresh": refresh}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert not response.cookies[ACCESS]["secure"]
    assert not response.cookies[REFRESH]["secure"]


def test_cookie_mode_reads_need_no_csrf_token(csrf_client, owner):
    cookie_session(csrf_client, owner)
    response = csrf_client.get("/api/auth/context/")
    assert response.status_code == 200
    assert response.json()["uuid"] == str(owner.uuid)


def test_cookie_mode_unsafe_request_without_csrf_token_is_403(csrf_client, owner):
    cookie_session(csrf_client, owner)
    response = csrf_client.post("/api/auth/context/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]


def test_cookie_mode_unsafe_request_with_csrf_token_passes(csrf_client, owner):
    csrf = cookie_session(csrf_client, owner)
    response = csrf_client.post("/api/auth/context/", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200


def test_cookie_refresh_needs_csrf_and_resets_cookies(csrf_client, owner):
    csrf = cookie_session(csrf_client, owner)
    old_refresh = csrf_client.cookies[REFRESH].value
    assert csrf_client.post("/api/auth/token/refresh/").status_code == 403
    response = csrf_client.post("/api/auth/token/refresh/", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "cookie"
    assert "access" not in body and "refresh" not in body
    assert response.cookies[REFRESH].value not in ("", old_refresh)


def test_context_renews_an_expired_access_cookie_from_the_refresh_cookie(csrf_client, owner):
    csrf = cookie_session(csrf_client, owner)
    expired = AccessToken.for_user(owner)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    csrf_client.cookies[ACCESS] = str(expired)
    # The context endpoint renews it, as every API call does (test_spa_auth.py).
    response = csrf_client.post("/api/auth/context/", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200
    new_access = response.cookies[ACCESS].value
    assert AccessToken(new_access)["sub"] == str(owner.uuid)
    assert csrf_client.get("/api/auth/context/").status_code == 200


def test_context_without_valid_refresh_cookie_is_401(csrf_client, owner):
    csrf_client.cookies[REFRESH] = "not-a-token"
    response = csrf_client.get("/api/auth/context/")
    assert response.status_code == 401


def test_cookie_logout_clears_cookies_and_revokes(csrf_client, owner):
    csrf = cookie_session(csrf_client, owner)
    refresh = csrf_client.cookies[REFRESH].value
    response = csrf_client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 204
    assert response.cookies[ACCESS].value == ""
    assert response.cookies[REFRESH].value == ""
    refused = csrf_client.post(
        "/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    assert refused.status_code == 401


def test_browser_session_can_get_cookies_and_use_the_api(csrf_client, owner):
    csrf_client.force_login(owner)
    # The session is accepted by the API directly...
    assert csrf_client.get("/api/auth/context/").status_code == 200
    csrf = csrf_client.cookies["csrftoken"].value
    # ...and may be traded for JWT cookies, with the CSRF token.
    assert csrf_client.post("/api/auth/cookie/").status_code == 403
    response = csrf_client.post("/api/auth/cookie/", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200
    assert AccessToken(response.cookies[ACCESS].value)["sub"] == str(owner.uuid)


def test_cross_site_form_cannot_sign_a_browser_in_as_someone_else(csrf_client, owner, stranger):
    """Login CSRF: a page elsewhere posts the attacker's refresh token as a plain form."""
    _access, attackers_refresh = tokens_for(Client(), stranger)

    response = csrf_client.post(
        "/api/auth/cookie/",
        {"refresh": attackers_refresh},
        HTTP_ORIGIN="https://evil.example",
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert ACCESS not in response.cookies and REFRESH not in response.cookies


def test_form_post_without_an_origin_still_needs_the_csrf_token(csrf_client, stranger):
    _access, attackers_refresh = tokens_for(Client(), stranger)

    response = csrf_client.post("/api/auth/cookie/", {"refresh": attackers_refresh})

    assert response.status_code == 403
    assert ACCESS not in response.cookies


def test_json_from_another_origin_cannot_set_the_cookies(csrf_client, stranger):
    _access, attackers_refresh = tokens_for(Client(), stranger)

    response = csrf_client.post(
        "/api/auth/cookie/",
        {"refresh": attackers_refresh},
        content_type="application/json",
        HTTP_ORIGIN="https://evil.example",
    )

    assert response.status_code == 403
    assert ACCESS not in response.cookies


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_json_from_this_site_sets_the_cookies(csrf_client, owner, content_type):
    _access, refresh = tokens_for(Client(), owner)

    response = csrf_client.post(
        "/api/auth/cookie/",
        {"refresh": refresh},
        content_type=content_type,
        HTTP_ORIGIN="http://testserver",
    )

    assert response.status_code == 200
    assert AccessToken(response.cookies[ACCESS].value)["sub"] == str(owner.uuid)


def test_cookie_endpoint_without_credentials_is_401(client, db):
    response = client.post("/api/auth/cookie/", {}, content_type="application/json")
    assert response.status_code == 401


# --- throttling -------------------------------------------------------------------------------


def test_refresh_is_throttled_with_retry_after(client, owner, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "auth", "2/min")
    for _ in range(2):
        response = client.post(
            "/api/auth/token/refresh/", {"refresh": "x"}, content_type="application/json"
        )
        assert response.status_code == 401
    response = client.post(
        "/api/auth/token/refresh/", {"refresh": "x"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def refresh_statuses(requests: list[dict]) -> list[int]:
    """Post a dead refresh token once per entry, each from a fresh client with that META."""
    return [
        Client(**meta)
        .post("/api/auth/token/refresh/", {"refresh": "x"}, content_type="application/json")
        .status_code
        for meta in requests
    ]


def test_a_forged_forwarded_header_does_not_escape_the_refresh_throttle(db):
    # The auth scope allows 30 a minute; each request forges a different header.
    forged = [{"HTTP_X_FORWARDED_FOR": f"192.0.2.{i}"} for i in range(31)]
    statuses = refresh_statuses(forged)
    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429


def test_behind_nginx_a_forged_header_does_not_escape_the_refresh_throttle(db, behind_nginx):
    forged = [via_nginx("203.0.113.7", forged=f"192.0.2.{i}") for i in range(31)]
    statuses = refresh_statuses(forged)
    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429
    # Another visitor behind the same nginx keeps a budget of its own.
    assert refresh_statuses([via_nginx("198.51.100.4")]) == [401]


def test_rotating_addresses_inside_one_ipv6_network_does_not_escape_the_throttle(db):
    rotating = [{"REMOTE_ADDR": f"2001:db8:1:2::{i:x}"} for i in range(31)]
    statuses = refresh_statuses(rotating)
    assert statuses[30] == 429
    assert refresh_statuses([{"REMOTE_ADDR": "2001:db8:1:3::1"}]) == [401]


def test_access_token_lifetime_is_minutes_not_days(client, owner):
    access, _ = tokens_for(client, owner)
    assert AccessToken(access)["exp"] - time.time() <= 15 * 60


# --- Google sign-in by ID token ------------------------------------------------------------

GOOGLE_CLIENT_ID = "1234567890-pikoshi.apps.googleusercontent.com"


class GoogleCerts:
    """Google's certificate endpoint, answered on loopback with a test RSA certificate."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test.googleapis.invalid")])
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        self.kid = uuid.uuid4().hex
        # The shape of https://www.googleapis.com/oauth2/v1/certs: {kid: PEM certificate}.
        body = json.dumps(
            {self.kid: cert.public_bytes(serialization.Encoding.PEM).decode()}
        ).encode()
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/oauth2/v1/certs"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def id_token(self, *, email, sub="108234567890123456789", aud=GOOGLE_CLIENT_ID, key=None):
        now = int(time.time())
        claims = {
            "iss": "https://accounts.google.com",
            "azp": aud,
            "aud": aud,
            "sub": sub,
            "email": email,
            "email_verified": True,
            "name": "Gina Google",
            "given_name": "Gina",
            "family_name": "Google",
            "iat": now,
            "exp": now + 3600,
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def google(settings, monkeypatch):
    certs = GoogleCerts()
    monkeypatch.setattr(google_views, "CERTS_URL", certs.url)
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {
            **settings.SOCIALACCOUNT_PROVIDERS["google"],
            "APPS": [{"client_id": GOOGLE_CLIENT_ID, "secret": "test-secret", "key": ""}],
        }
    }
    yield certs
    certs.close()


def post_google_token(client, id_token):
    return client.post(
        f"{HEADLESS}/auth/provider/token",
        {
            "provider": "google",
            "process": "login",
            "token": {"client_id": GOOGLE_CLIENT_ID, "id_token": id_token},
        },
        content_type="application/json",
    )


@pytest.mark.django_db
def test_google_id_token_signs_up_and_returns_simplejwt_tokens(client, google):
    response = post_google_token(client, google.id_token(email="gina@example.com"))
    assert response.status_code == 200, response.content
    assert google.requests == 1  # the signature was checked against the certificate endpoint
    meta = response.json()["meta"]
    user = User.objects.get(email="gina@example.com")
    assert user.display_name == "Gina Google"
    assert AccessToken(meta["access_token"])["sub"] == str(user.uuid)
    context = client.get("/api/auth/context/", **bearer(meta["access_token"]))
    assert context.json()["email_verified"] is True
    # A new account's library is empty: no album is made for it.
    assert not user.albums.exists() and not user.photos.exists()


def test_google_id_token_signs_in_existing_verified_account(client, google, owner):
    response = post_google_token(client, google.id_token(email=owner.email))
    assert response.status_code == 200, response.content
    assert AccessToken(response.json()["meta"]["access_token"])["sub"] == str(owner.uuid)


@pytest.mark.django_db
def test_google_id_token_signed_by_another_key_is_refused(client, google):
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = google.id_token(email="mallory@example.com", key=impostor)
    response = post_google_token(client, token)
    assert response.status_code == 400
    assert "access_token" not in response.json().get("meta", {})
    assert not User.objects.filter(email="mallory@example.com").exists()


@pytest.mark.django_db
def test_google_id_token_for_another_client_is_refused(client, google):
    token = google.id_token(email="mallory@example.com", aud="someone-else.apps.example")
    response = post_google_token(client, token)
    assert response.status_code == 400
    assert not User.objects.filter(email="mallory@example.com").exists()


@pytest.mark.django_db
def test_app_changes_the_name_through_the_api(client, owner):
    token = app_login(client, owner.email).json()["meta"]["access_token"]
    response = client.patch(
        "/api/auth/profile/",
        {"display_name": "Liv"},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Liv"
    assert client.get("/api/auth/context/", **bearer(token)).json()["display_name"] == "Liv"

    refused = client.patch(
        "/api/auth/profile/",
        {"display_name": "liv@example.com"},
        content_type="application/json",
        **bearer(token),
    )
    assert refused.status_code == 400
    assert "not an email address" in str(refused.json())
    owner.refresh_from_db()
    assert owner.display_name == "Liv"


@pytest.mark.django_db
def test_profile_api_needs_a_signed_in_caller(client):
    response = client.patch(
        "/api/auth/profile/", {"display_name": "X"}, content_type="application/json"
    )
    assert response.status_code == 401
