"""Codes a person can type, and links that start at SITE_ROOT, in every account email.

The page flows are in test_signup.py and test_password.py; here the same codes through the
app API (/_allauth/app/v1/), and the addresses the emails link to.
"""

import io
import re
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import EmailMessage
from django.http import HttpResponse
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from accounts.tests.conftest import code_in, html_part
from conftest import PASSWORD
from pikoshi.mail import ConsoleEmailBackend

APP = "/_allauth/app/v1"
SITE_ROOT = "https://photos.example.org"
NEW_PASSWORD = "Another-Horse-73!"

pytestmark = pytest.mark.django_db


def app_post(
    path: str, body: dict[str, str], session_token: str = "", **headers: str
) -> HttpResponse:
    if session_token:
        headers["HTTP_X_SESSION_TOKEN"] = session_token
    return Client().post(f"{APP}{path}", body, content_type="application/json", **headers)


def links(message: EmailMessage) -> list[str]:
    """Every absolute URL in both parts of an email."""
    text = message.body + html_part(message)
    return re.findall(r"https?://[^\s\"<>]+", text)


def assert_links_on_site_root(message: EmailMessage) -> None:
    found = links(message)
    assert found, message.body
    for url in found:
        on_site_root = url == SITE_ROOT or url.startswith(f"{SITE_ROOT}/")
        assert on_site_root, f"{url} is not on SITE_ROOT in:\n{message.body}"


@pytest.fixture
def site_root(settings: Settings) -> Settings:
    """Pikoshi behind a proxy: requests reach it as http://testserver, people use SITE_ROOT."""
    settings.SITE_ROOT = SITE_ROOT
    return settings


# --- every link on SITE_ROOT --------------------------------------------------------------


def test_the_verification_email_links_to_site_root(
    client: Client, site_root: Settings, signup: Callable[..., HttpResponse]
) -> None:
    signup("nina@example.com")

    [message] = mail.outbox
    assert_links_on_site_root(message)
    assert f"{SITE_ROOT}/accounts/confirm-email/" in message.body


def test_the_reset_email_links_to_site_root(
    client: Client, site_root: Settings, owner: User
) -> None:
    client.post("/accounts/password/reset/", {"email": owner.email})

    [message] = mail.outbox
    assert_links_on_site_root(message)
    assert f"{SITE_ROOT}/accounts/password/reset/confirm/" in message.body


def test_the_already_registered_and_unknown_account_emails_link_to_site_root(
    client: Client, site_root: Settings, owner: User, signup: Callable[..., HttpResponse]
) -> None:
    signup(owner.email)
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    already, unknown = mail.outbox
    assert_links_on_site_root(already)
    assert f"{SITE_ROOT}/accounts/password/reset/" in already.body
    assert_links_on_site_root(unknown)
    assert f"{SITE_ROOT}/accounts/signup/" in unknown.body


def test_notifications_link_to_site_root(client: Client, site_root: Settings, owner: User) -> None:
    client.force_login(owner)
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    [message] = mail.outbox
    assert_links_on_site_root(message)


def test_app_emails_link_to_site_root_too(site_root: Settings) -> None:
    app_post("/auth/signup", {"email": "mo@example.com", "password": PASSWORD})

    [message] = mail.outbox
    assert_links_on_site_root(message)


# --- the app API --------------------------------------------------------------------------


def test_the_app_verifies_an_address_with_the_emailed_code() -> None:
    signup = app_post("/auth/signup", {"email": "mo@example.com", "password": PASSWORD})
    assert signup.status_code == 401
    session_token = signup.json()["meta"]["session_token"]
    code = code_in(mail.outbox[-1])

    verified = app_post("/auth/email/verify", {"key": code.lower()}, session_token)

    assert verified.status_code == 200, verified.content
    assert verified.json()["meta"]["access_token"]
    assert EmailAddress.objects.get(email="mo@example.com").verified


def test_the_app_config_says_codes_are_on() -> None:
    config = Client().get(f"{APP}/config").json()["data"]["account"]
    assert config["email_verification_by_code_enabled"] is True
    assert config["password_reset_by_code_enabled"] is True


def test_a_wrong_code_in_the_app_verifies_nothing_and_three_end_the_flow() -> None:
    signup = app_post("/auth/signup", {"email": "mo@example.com", "password": PASSWORD})
    session_token = signup.json()["meta"]["session_token"]
    code = code_in(mail.outbox[-1])

    wrong = app_post("/auth/email/verify", {"key": "BCDF-GHJK"}, session_token)
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["code"] == "incorrect_code"
    app_post("/auth/email/verify", {"key": "BCDF-GHJK"}, session_token)
    app_post("/auth/email/verify", {"key": "BCDF-GHJK"}, session_token)

    late = app_post("/auth/email/verify", {"key": code}, session_token)
    assert late.status_code in (400, 409, 410)
    assert "access_token" not in late.json().get("meta", {})
    assert not EmailAddress.objects.get(email="mo@example.com").verified


def test_a_code_belongs_to_the_app_session_that_asked_for_it() -> None:
    first = app_post("/auth/signup", {"email": "mo@example.com", "password": PASSWORD})
    code = code_in(mail.outbox[-1])
    assert first.status_code == 401
    stranger = app_login_session("sam@example.org")

    refused = app_post("/auth/email/verify", {"key": code}, stranger)

    assert refused.status_code != 200
    assert not EmailAddress.objects.get(email="mo@example.com").verified


def app_login_session(email: str) -> str:
    """An app session of someone else mid-flow (a sign-up waiting for its own code)."""
    response = app_post("/auth/signup", {"email": email, "password": PASSWORD})
    return response.json()["meta"]["session_token"]


def test_the_app_resets_a_password_with_the_emailed_code(owner: User) -> None:
    request = app_post("/auth/password/request", {"email": owner.email})
    assert request.status_code == 401
    session_token = request.json()["meta"]["session_token"]
    code = code_in(mail.outbox[-1])

    # An app may check the code first, then send the new password.
    checked = Client().get(
        f"{APP}/auth/password/reset",
        HTTP_X_SESSION_TOKEN=session_token,
        HTTP_X_PASSWORD_RESET_KEY=code,
    )
    assert checked.status_code == 200, checked.content
    reset = app_post("/auth/password/reset", {"key": code, "password": NEW_PASSWORD}, session_token)

    assert reset.status_code == 401  # reset, not signed in (ACCOUNT_LOGIN_ON_PASSWORD_RESET)
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    login = app_post("/auth/login", {"email": owner.email, "password": NEW_PASSWORD})
    assert login.json()["meta"]["access_token"]


def test_a_wrong_reset_code_in_the_app_changes_nothing(owner: User) -> None:
    request = app_post("/auth/password/request", {"email": owner.email})
    session_token = request.json()["meta"]["session_token"]
    code = code_in(mail.outbox[-1])

    for _ in range(3):
        wrong = app_post(
            "/auth/password/reset", {"key": "BCDF-GHJK", "password": NEW_PASSWORD}, session_token
        )
        assert wrong.status_code == 400
    late = app_post("/auth/password/reset", {"key": code, "password": NEW_PASSWORD}, session_token)

    assert late.status_code != 401
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_an_app_reset_for_an_unknown_address_answers_like_a_known_one(owner: User) -> None:
    known = app_post("/auth/password/request", {"email": owner.email})
    unknown = app_post("/auth/password/request", {"email": "nobody@example.com"})

    assert unknown.status_code == known.status_code == 401
    assert unknown.json()["data"] == known.json()["data"]
    assert not User.objects.filter(email="nobody@example.com").exists()


# --- the console backend ------------------------------------------------------------------


def test_the_console_prints_a_code_email_readably(signup: Callable[..., HttpResponse]) -> None:
    signup("nina@example.com")
    [message] = mail.outbox
    stream = io.StringIO()

    ConsoleEmailBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert "To: nina@example.com" in printed
    assert f"Subject: {message.subject}\n" in printed
    assert f"\n{code_in(message)}\n" in printed
    assert "http://testserver/accounts/confirm-email/" in printed
    assert "<p" not in printed and "=\n" not in printed  # no HTML, no quoted-printable


def test_codes_asked_for_too_fast_are_refused_not_lost(make_user: Callable[..., User]) -> None:
    """A code lives in the flow that asked for it: one not sent must not look sent."""
    make_user("una@example.com", verified=False)

    first = app_post("/auth/login", {"email": "una@example.com", "password": PASSWORD})
    again = app_post("/auth/login", {"email": "una@example.com", "password": PASSWORD})

    assert first.status_code == 401  # waiting for the emailed code
    assert again.status_code == 400
    assert again.json()["errors"][0]["code"] == "too_many_login_attempts"
    assert len(mail.outbox) == 1
