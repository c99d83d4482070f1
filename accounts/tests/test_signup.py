"""Sign-up by email: mandatory verification by link or pasted code, password rules,
no answer that tells whether an address is already registered."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.tests.conftest import first_link, html_part, main_text, path_of, sent_to
from conftest import PASSWORD
from gallery.models import Album

User = get_user_model()
NEWCOMER = "nina@example.com"


def signed_in_email(client) -> str | None:
    user_pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_pk).email if user_pk else None


@pytest.mark.django_db
def test_signup_sends_a_pikoshi_verification_email_with_link_and_code(signup):
    response = signup(NEWCOMER)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    [message] = mail.outbox
    assert message.to == [NEWCOMER]
    assert "Pikoshi" in message.subject
    assert "Confirm your email" in message.subject
    link = first_link(message.body, "/accounts/confirm-email/")
    key = path_of(link).removeprefix("/accounts/confirm-email/").strip("/")
    code_page = "http://testserver/accounts/confirm-email/code/"
    # The text part names Pikoshi, carries the link, the code and where to paste it.
    assert "Pikoshi" in message.body
    assert f"\n{key}\n" in message.body
    assert code_page in message.body
    # So does the HTML part.
    html = html_part(message)
    assert "Pikoshi" in html
    assert f'href="{link}"' in html
    assert key in html
    assert f'href="{code_page}"' in html


@pytest.mark.django_db
def test_signup_creates_an_unverified_account_with_its_default_album(signup):
    signup(NEWCOMER)

    user = User.objects.get(email=NEWCOMER)
    assert not EmailAddress.objects.get(user=user, email=NEWCOMER).verified
    assert Album.objects.filter(owner=user, is_default=True, title="My photos").count() == 1


@pytest.mark.django_db
def test_verification_sent_page_tells_where_to_paste_the_code(client, signup):
    response = client.get(signup(NEWCOMER)["Location"])

    assert response.status_code == 200
    text = main_text(response)
    assert "Check your email" in text
    assert "enter the code here" in text
    assert 'href="/accounts/confirm-email/code/"' in response.content.decode()


@pytest.mark.django_db
def test_following_the_email_link_confirms_and_signs_in(client, signup):
    signup(NEWCOMER)
    link = path_of(first_link(mail.outbox[0].body, "/accounts/confirm-email/"))

    page = client.get(link)
    assert page.status_code == 200
    assert NEWCOMER in main_text(page)
    # Opening the link alone (mail scanners do) confirms nothing.
    assert not EmailAddress.objects.get(email=NEWCOMER).verified
    assert signed_in_email(client) is None

    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == "/photos/"
    assert EmailAddress.objects.get(email=NEWCOMER).verified
    assert signed_in_email(client) == NEWCOMER


@pytest.mark.django_db
def test_pasting_the_code_confirms_and_signs_in(client, signup):
    signup(NEWCOMER)
    body = mail.outbox[0].body
    code = re.search(r"paste this code:\s+(\S+)", body).group(1)

    forwarded = client.get("/accounts/confirm-email/code/", {"code": f"  {code} "})
    assert forwarded.status_code == 302
    assert forwarded["Location"] == f"/accounts/confirm-email/{code}/"
    response = client.post(forwarded["Location"])

    assert response["Location"] == "/photos/"
    assert EmailAddress.objects.get(email=NEWCOMER).verified
    assert signed_in_email(client) == NEWCOMER


@pytest.mark.django_db
def test_a_wrong_code_confirms_nothing(client, signup):
    signup(NEWCOMER)

    page = client.get("/accounts/confirm-email/code/", {"code": "not a code"})
    assert "That code is not valid" in page.content.decode()
    forwarded = client.get("/accounts/confirm-email/code/", {"code": "MQ:1abc:forged"})
    assert "expired or is invalid" in main_text(client.get(forwarded["Location"]))

    assert client.post(forwarded["Location"]).status_code == 404
    assert not EmailAddress.objects.get(email=NEWCOMER).verified


@pytest.mark.django_db
def test_unverified_user_cannot_sign_in_and_gets_a_new_email(client, make_user, login):
    make_user("una@example.com", verified=False)

    response = login("una@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert signed_in_email(client) is None
    [message] = sent_to("una@example.com")
    assert "/accounts/confirm-email/" in message.body


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt!pw", "This password is too short. It must contain at least 10 characters."),
        ("no-upper-case-42", "Your password needs at least one upper-case letter (A–Z)."),
        ("NO-LOWER-CASE-42", "Your password needs at least one lower-case letter (a–z)."),
        ("No-Digits-At-All", "Your password needs at least one digit (0–9)."),
        ("NoSymbolsHere42", "Your password needs at least one symbol, such as ! ? # or %."),
    ],
)
@pytest.mark.django_db
def test_each_weak_password_rule_is_refused_with_its_message(signup, password, message):
    response = signup(NEWCOMER, password)

    assert response.status_code == 200
    html = response.content.decode()
    errors = re.search(r'<ul class="errorlist" id="id_password1_error">(.*?)</ul>', html, re.S)
    assert errors, "the password errors are shown next to the password field"
    assert message.replace("’", "&#x27;") in errors.group(1) or message in errors.group(1)
    assert not User.objects.filter(email=NEWCOMER).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_mismatched_passwords_are_refused(signup):
    response = signup(NEWCOMER, "Correct-Horse-42!", "Correct-Horse-43!")

    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.filter(email=NEWCOMER).exists()


@pytest.mark.django_db
def test_duplicate_signup_answers_exactly_like_a_new_one(client, owner, signup):
    new = signup(NEWCOMER)
    new_page = client.get(new["Location"])
    client.logout()
    duplicate = signup(owner.email)
    duplicate_page = client.get(duplicate["Location"])

    assert (duplicate.status_code, duplicate["Location"]) == (new.status_code, new["Location"])
    assert duplicate_page.status_code == new_page.status_code
    assert main_text(duplicate_page) == main_text(new_page)
    # The existing owner learns someone tried; their account is untouched.
    [message] = sent_to(owner.email)
    assert "Pikoshi" in message.subject
    assert "already have an account" in message.subject
    assert "/accounts/password/reset/" in message.body
    assert "Pikoshi" in html_part(message)
    assert User.objects.filter(email=owner.email).count() == 1
    owner.refresh_from_db()
    assert owner.check_password("Correct-Horse-42!")


@pytest.mark.django_db
def test_signup_page_asks_for_a_name(client):
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="display_name"' in page
    assert "instead of your email address" in page


@pytest.mark.django_db
def test_signup_keeps_the_name_given(client):
    client.post(
        "/accounts/signup/",
        {
            "email": NEWCOMER,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "  Nina   Newcomer ",
        },
    )
    assert User.objects.get(email=NEWCOMER).display_name == "Nina Newcomer"


@pytest.mark.django_db
def test_signup_refuses_an_address_as_a_name(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": NEWCOMER,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "nina@example.com",
        },
    )
    assert response.status_code == 200
    assert "Use a name, not an email address." in response.content.decode()
    assert not User.objects.filter(email=NEWCOMER).exists()


@pytest.mark.django_db
def test_app_signup_keeps_the_name_given(client):
    response = client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": NEWCOMER, "password": PASSWORD, "display_name": "Nina"},
        content_type="application/json",
    )
    assert response.status_code == 401  # verification pending
    assert User.objects.get(email=NEWCOMER).display_name == "Nina"
