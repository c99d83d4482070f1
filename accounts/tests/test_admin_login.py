"""The admin has no sign-in of its own: it sends people to allauth's, so the authenticator
code and the failed-sign-in limits guard it like every other door into an account."""

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.tests.conftest import code_in
from accounts.tests.test_mfa import activate_totp_in_browser, totp
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Not-The-Password-1"  # noqa: S105 - a wrong guess that meets every rule


@pytest.fixture
def staff(make_user):
    user = make_user("stella@example.com", display_name="Stella Staff")
    user.is_staff = True
    user.save()
    return user


def signed_in_pk(client):
    return client.session.get("_auth_user_id")


def admin_door(client) -> str:
    """Where /admin/ sends a visitor to sign in: the page whose form a person fills in."""
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    return response.redirect_chain[-1][0]


def sign_in_at(client, door: str, email: str, password: str = PASSWORD):
    """Fill in the form at the door, whichever form it is (the admin's asks for a
    "username", allauth's for a "login")."""
    return client.post(door, {"username": email, "login": email, "password": password})


def test_the_admin_sends_visitors_to_allauths_sign_in_and_back(client):
    assert client.get("/admin/login/")["Location"] == "/accounts/login/?next=%2Fadmin%2Flogin%2F"
    assert admin_door(client) == "/accounts/login/?next=%2Fadmin%2F"


def test_a_password_posted_to_the_admin_gives_no_session_to_staff_with_an_authenticator(
    client, staff
):
    activate_totp_in_browser(client, staff)

    client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD})

    assert signed_in_pk(client) is None
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_staff_with_an_authenticator_reach_the_admin_only_after_the_code(client, staff, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # sign in "a little later" without sleeping
    secret = activate_totp_in_browser(client, staff)

    response = sign_in_at(client, admin_door(client), staff.email)

    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert signed_in_pk(client) is None
    response = client.post("/accounts/2fa/authenticate/", {"code": totp(secret, offset=1)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_eleventh_wrong_password_in_a_minute_is_refused_and_so_is_the_right_one(client, staff):
    door = admin_door(client)
    for i in range(10):
        response = sign_in_at(client, door, f"guess{i}@example.com", WRONG)
        assert "Too many failed" not in response.content.decode()

    eleventh = sign_in_at(client, door, "guess10@example.com", WRONG)
    right = sign_in_at(client, door, staff.email)

    assert "Too many failed login attempts" in eleventh.content.decode()
    assert "Too many failed login attempts" in right.content.decode()
    assert signed_in_pk(client) is None
    assert client.get("/admin/").status_code == 302


def test_thirty_wrong_passwords_then_the_right_one_gets_429(client, staff):
    door = admin_door(client)
    for i in range(30):
        sign_in_at(client, door, f"guess{i}@example.com", WRONG)

    response = sign_in_at(client, door, staff.email)

    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert signed_in_pk(client) is None


def test_staff_without_two_factor_sign_in_through_allauth_and_reach_the_admin(client, staff):
    response = sign_in_at(client, admin_door(client), staff.email)

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_person_who_is_not_staff_gets_a_plain_refusal(client, owner):
    client.force_login(owner)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert "Pikoshi" in response.content.decode()
    assert client.get("/admin/login/").status_code == 403


def test_a_superuser_from_createsuperuser_confirms_the_email_once_then_reaches_the_admin(
    client, monkeypatch
):
    """README: "To reach the admin, create an account with createsuperuser"."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--email", "ada@example.com", verbosity=0)
    door = admin_door(client)

    response = sign_in_at(client, door, "ada@example.com")

    assert response["Location"] == "/accounts/confirm-email/"
    assert signed_in_pk(client) is None
    [message] = mail.outbox
    client.post("/accounts/confirm-email/", {"code": code_in(message)})
    client.logout()
    assert sign_in_at(client, door, "ada@example.com")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
