"""Forgot password -> emailed code -> new password; change password; manage email addresses."""

from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.http import HttpResponse
from django.test import Client

from accounts.models import User
from accounts.tests.conftest import NEW_PASSWORD, code_in, html_part, main_text, sent_to
from conftest import PASSWORD


def signed_in_pk(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_password_reset_round_trip(
    client: Client, owner: User, login: Callable[..., HttpResponse]
) -> None:
    response = client.post("/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/confirm/"

    [message] = sent_to(owner.email)
    assert "Pikoshi" in message.subject
    assert "password reset code" in message.subject
    assert "Pikoshi" in message.body
    code = code_in(message)
    assert code in html_part(message)
    assert 'href="http://testserver/accounts/password/reset/confirm/"' in html_part(message)

    # The code opens the form for the new password, in this browser.
    code_page = client.get("/accounts/password/reset/confirm/")
    assert 'name="code"' in code_page.content.decode()
    form_page = client.post("/accounts/password/reset/confirm/", {"code": code}, follow=True)
    assert form_page.status_code == 200
    assert 'name="password1"' in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/done/"
    assert signed_in_pk(client) is None

    login(owner.email, PASSWORD)
    assert signed_in_pk(client) is None
    login(owner.email, NEW_PASSWORD)
    assert signed_in_pk(client) == str(owner.pk)
    # The code works once.
    client.logout()
    reused = client.post("/accounts/password/reset/confirm/", {"code": code}, follow=True)
    assert 'name="password1"' not in reused.content.decode()


@pytest.mark.django_db
def test_a_wrong_reset_code_changes_nothing_and_three_end_the_reset(
    client: Client, owner: User
) -> None:
    client.post("/accounts/password/reset/", {"email": owner.email})
    code = code_in(mail.outbox[0])

    wrong = client.post("/accounts/password/reset/confirm/", {"code": "BCDF-GHJK"})
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    client.post("/accounts/password/reset/confirm/", {"code": "BCDF-GHJK"})
    ended = client.post("/accounts/password/reset/confirm/", {"code": "BCDF-GHJK"})
    assert ended.status_code == 302

    late = client.post("/accounts/password/reset/confirm/", {"code": code})
    assert late.status_code == 302
    assert "password1" not in client.get(late["Location"]).content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


@pytest.mark.django_db
def test_reset_code_refuses_a_weak_new_password(client: Client, owner: User) -> None:
    client.post("/accounts/password/reset/", {"email": owner.email})
    code = code_in(mail.outbox[0])
    form_page = client.post("/accounts/password/reset/confirm/", {"code": code}, follow=True)
    form_url = form_page.redirect_chain[-1][0]

    response = client.post(form_url, {"password1": "weakpassword", "password2": "weakpassword"})

    assert response.status_code == 200
    assert "at least one upper-case letter" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


@pytest.mark.django_db
def test_reset_for_an_unknown_email_answers_like_a_known_one(client, owner):
    known = client.post("/accounts/password/reset/", {"email": owner.email})
    known_page = client.get(known["Location"])
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    unknown_page = client.get(unknown["Location"])

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    # The code page names the address the visitor typed, and nothing else differs.
    assert main_text(unknown_page).replace("nobody@example.com", "ADDRESS") == main_text(
        known_page
    ).replace(owner.email, "ADDRESS")
    # The unknown address is told there is no account, with a way to create one.
    [message] = sent_to("nobody@example.com")
    assert "Pikoshi" in message.subject
    assert "no Pikoshi account" in message.body
    assert "/accounts/signup/" in message.body
    assert "Pikoshi" in html_part(message)


@pytest.mark.django_db
def test_password_reset_requests_are_rate_limited_per_address(client, owner):
    for _ in range(5):
        client.post("/accounts/password/reset/", {"email": owner.email})
    mail.outbox.clear()

    response = client.post("/accounts/password/reset/", {"email": owner.email})

    assert response.status_code == 429
    assert mail.outbox == []


@pytest.mark.django_db
def test_change_password_keeps_the_session_and_notifies_by_email(client, owner, login):
    client.force_login(owner)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert signed_in_pk(client) == str(owner.pk)
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    [message] = sent_to(owner.email)
    assert "Your password was changed" in message.subject
    assert "Pikoshi" in message.body
    assert "Pikoshi" in html_part(message)


@pytest.mark.django_db
def test_change_password_needs_the_current_one(client, owner):
    client.force_login(owner)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "Not-The-Password-1", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


@pytest.mark.django_db
def test_change_password_requires_sign_in(client):
    response = client.get("/accounts/password/change/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_adding_an_email_address_sends_a_verification_email(client, owner):
    client.force_login(owner)
    page = client.get("/accounts/email/")
    assert owner.email in main_text(page)

    response = client.post(
        "/accounts/email/", {"action_add": "", "email": "olivia.work@example.com"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    # With codes, allauth records the address only once its code is typed.
    assert not EmailAddress.objects.filter(email="olivia.work@example.com", verified=True)
    [message] = sent_to("olivia.work@example.com")
    assert message.subject == "[Pikoshi] Confirm your email address"
    client.post("/accounts/confirm-email/", {"code": code_in(message)})
    address = EmailAddress.objects.get(email="olivia.work@example.com")
    assert address.user == owner
    assert address.verified
