"""Forgot password -> email -> new password; change password; manage email addresses."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.tests.conftest import NEW_PASSWORD, first_link, html_part, main_text, path_of, sent_to
from conftest import PASSWORD


def signed_in_pk(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_password_reset_round_trip(client, owner, login):
    response = client.post("/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"

    [message] = sent_to(owner.email)
    assert "Pikoshi" in message.subject
    assert "Reset your password" in message.subject
    assert "Pikoshi" in message.body
    link = first_link(message.body, "/accounts/password/reset/key/")
    assert f'href="{link}"' in html_part(message)

    # allauth moves the key from the URL into the session before showing the form.
    form_page = client.get(path_of(link), follow=True)
    assert form_page.status_code == 200
    assert 'name="password1"' in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/key/done/"
    assert signed_in_pk(client) is None

    login(owner.email, PASSWORD)
    assert signed_in_pk(client) is None
    login(owner.email, NEW_PASSWORD)
    assert signed_in_pk(client) == str(owner.pk)
    # The link works once.
    client.logout()
    reused = client.get(path_of(link), follow=True)
    assert "Bad Token" in main_text(reused)


@pytest.mark.django_db
def test_reset_link_refuses_a_weak_new_password(client, owner):
    client.post("/accounts/password/reset/", {"email": owner.email})
    link = first_link(mail.outbox[0].body, "/accounts/password/reset/key/")
    form_url = client.get(path_of(link), follow=True).redirect_chain[-1][0]

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
    assert main_text(unknown_page) == main_text(known_page)
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
    address = EmailAddress.objects.get(email="olivia.work@example.com")
    assert address.user == owner
    assert not address.verified
    [message] = sent_to("olivia.work@example.com")
    assert message.subject == "[Pikoshi] Confirm your email address"
    link = path_of(first_link(message.body, "/accounts/confirm-email/"))
    client.post(link)
    address.refresh_from_db()
    assert address.verified
