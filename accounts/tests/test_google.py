"""Google sign-up / sign-in through allauth's real OAuth views.

Only Google itself is replaced: its token endpoint (and user-info and certificate
endpoints, should allauth ask) are answered at the HTTP transport with responses shaped
like Google's. The flow starts at our login view, so the `state` and PKCE verifier are
the real ones allauth stored in the session.
"""

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.contrib.auth import get_user_model

from gallery.models import Album

User = get_user_model()
CLIENT_ID = "1234567890-pikoshitest.apps.googleusercontent.com"
GOOGLE_SUB = "109876543210987654321"
KID = "pikoshi-test-key"


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def certs_response(signing_key):
    """Google's v1 certs document: {kid: PEM certificate} for the test key."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test.googleapis.com")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(signing_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(signing_key, hashes.SHA256())
    )
    return {KID: cert.public_bytes(serialization.Encoding.PEM).decode()}


@pytest.fixture
def google_app(settings):
    settings.GOOGLE_CLIENT_ID = CLIENT_ID
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {
            **settings.SOCIALACCOUNT_PROVIDERS["google"],
            "APPS": [{"client_id": CLIENT_ID, "secret": "test-secret", "key": ""}],
        }
    }


@pytest.fixture
def google(monkeypatch, signing_key, certs_response):
    """Answer Google's endpoints at requests' transport; refuse every other host."""

    class FakeGoogle:
        profile = {
            "sub": GOOGLE_SUB,
            "email": "gina.google@gmail.com",
            "email_verified": True,
            "name": "Gina Google",
            "given_name": "Gina",
            "family_name": "Google",
            "picture": "https://lh3.googleusercontent.com/a/test-picture",
        }
        calls: list = []

        def id_token(self):
            now = int(dt.datetime.now(dt.UTC).timestamp())
            claims = {
                "iss": "https://accounts.google.com",
                "azp": CLIENT_ID,
                "aud": CLIENT_ID,
                "at_hash": "HK6E_P6Dh8Y93mRNtsDB1Q",
                "iat": now,
                "exp": now + 3599,
                **self.profile,
            }
            return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": KID})

        def answer(self, request):
            url = urlsplit(request.url)
            self.calls.append((request.method, f"{url.scheme}://{url.netloc}{url.path}", request))
            if (url.netloc, url.path) == ("oauth2.googleapis.com", "/token"):
                return 200, {
                    "access_token": "ya29.a0-test-access-token",
                    "expires_in": 3599,
                    "scope": "openid https://www.googleapis.com/auth/userinfo.email "
                    "https://www.googleapis.com/auth/userinfo.profile",
                    "token_type": "Bearer",
                    "id_token": self.id_token(),
                }
            if (url.netloc, url.path) == ("www.googleapis.com", "/oauth2/v2/userinfo"):
                p = self.profile
                return 200, {
                    "id": p["sub"],
                    "email": p["email"],
                    "verified_email": p["email_verified"],
                    "name": p["name"],
                    "given_name": p["given_name"],
                    "family_name": p["family_name"],
                    "picture": p["picture"],
                }
            if (url.netloc, url.path) == ("www.googleapis.com", "/oauth2/v1/certs"):
                return 200, certs_response
            raise AssertionError(f"unexpected outbound request: {request.method} {request.url}")

    fake = FakeGoogle()
    fake.calls = []

    def send(adapter, request, **kwargs):
        status, body = fake.answer(request)
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json; charset=utf-8"
        response.url = request.url
        response.request = request
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return fake


def sign_in_with_google(client):
    """Press "Continue with Google", come back from Google with a code; return the response."""
    start = client.post("/accounts/google/login/?process=login")
    assert start.status_code == 302
    authorize = urlsplit(start["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == (
        "https://accounts.google.com/o/oauth2/v2/auth"
    )
    params = parse_qs(authorize.query)
    assert params["client_id"] == [CLIENT_ID]
    assert params["redirect_uri"] == ["http://testserver/accounts/google/login/callback/"]
    assert params["code_challenge_method"] == ["S256"]
    return client.get(
        "/accounts/google/login/callback/",
        {
            "state": params["state"][0],
            "code": "4/0AVG7fiQ-test-authorization-code",
            "scope": "email profile openid",
            "authuser": "0",
            "prompt": "consent",
        },
    )


def signed_in_pk(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_google_button_is_hidden_until_google_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {**settings.SOCIALACCOUNT_PROVIDERS["google"], "APPS": []}
    }
    for url in ("/accounts/login/", "/accounts/signup/"):
        assert "Continue with Google" not in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("google_app")
def test_google_button_is_shown_when_google_is_configured(client):
    for url in ("/accounts/login/", "/accounts/signup/"):
        html = client.get(url).content.decode()
        assert "Continue with Google" in html
        assert 'href="/accounts/google/login/?process=login"' in html
    # The link leads to a page with a POST button (no sign-in starts from a bare GET).
    page = client.get("/accounts/google/login/?process=login")
    assert page.status_code == 200
    assert '<form method="post"' in page.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("google_app")
def test_google_sign_in_creates_and_signs_in_a_user(client, google):
    response = sign_in_with_google(client)

    assert response.status_code == 302
    assert response["Location"] == "/photos/"
    user = User.objects.get(email="gina.google@gmail.com")
    assert signed_in_pk(client) == str(user.pk)
    assert user.display_name == "Gina Google"
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("google", GOOGLE_SUB)
    assert not Album.objects.filter(owner=user).exists()  # an empty library, no album
    # Our server traded the code at Google's token endpoint with the PKCE verifier.
    [(method, url, request)] = google.calls
    assert (method, url) == ("POST", "https://oauth2.googleapis.com/token")
    sent = parse_qs(request.body)
    assert sent["code"] == ["4/0AVG7fiQ-test-authorization-code"]
    assert sent["grant_type"] == ["authorization_code"]
    assert sent["client_id"] == [CLIENT_ID]
    assert len(sent["code_verifier"][0]) >= 43


@pytest.mark.django_db
@pytest.mark.usefixtures("google_app")
def test_second_google_sign_in_signs_in_the_same_user(client, google):
    sign_in_with_google(client)
    first = User.objects.get(email="gina.google@gmail.com")
    client.post("/accounts/logout/")
    assert signed_in_pk(client) is None

    response = sign_in_with_google(client)

    assert response["Location"] == "/photos/"
    assert signed_in_pk(client) == str(first.pk)
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1
    assert not Album.objects.filter(owner=first).exists()  # nothing made twice, nor once


@pytest.mark.django_db
@pytest.mark.usefixtures("google_app")
def test_google_sign_in_with_a_registered_email_signs_in_that_account(client, google, owner):
    google.profile = {**google.profile, "email": owner.email}

    sign_in_with_google(client)

    assert signed_in_pk(client) == str(owner.pk)
    assert SocialAccount.objects.get(uid=GOOGLE_SUB).user == owner
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("google_app")
def test_callback_with_a_forged_state_signs_in_nobody(client, google):
    client.post("/accounts/google/login/?process=login")

    response = client.get(
        "/accounts/google/login/callback/", {"state": "forged", "code": "4/0AVG7fiQ-test"}
    )

    assert response.status_code == 401
    assert "Third-Party login failure" in response.content.decode()
    assert signed_in_pk(client) is None
    assert google.calls == []
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("google_app")
def test_google_id_token_sign_in_checks_the_signature_against_googles_certificates(client, google):
    client.cookies["g_csrf_token"] = "double-submit-value"

    response = client.post(
        "/accounts/google/login/token/",
        {"credential": google.id_token(), "g_csrf_token": "double-submit-value"},
    )

    assert response.status_code == 302
    user = User.objects.get(email="gina.google@gmail.com")
    assert signed_in_pk(client) == str(user.pk)
    assert [(m, u) for m, u, _ in google.calls] == [
        ("GET", "https://www.googleapis.com/oauth2/v1/certs")
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("google_app")
def test_google_id_token_signed_by_another_key_is_refused(client, google):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        jwt.decode(google.id_token(), options={"verify_signature": False}),
        other_key,
        algorithm="RS256",
        headers={"kid": KID},
    )
    client.cookies["g_csrf_token"] = "double-submit-value"

    response = client.post(
        "/accounts/google/login/token/",
        {"credential": forged, "g_csrf_token": "double-submit-value"},
    )

    assert response.status_code == 401
    assert signed_in_pk(client) is None
    assert not User.objects.exists()
