"""Sign-up by email: mandatory verification by a typed code, password rules,
no answer that tells whether an address is already registered."""

import re
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.http import HttpResponse
from django.test import Client

from accounts.tests.conftest import code_in, html_part, main_text, sent_to
from conftest import PASSWORD
from gallery.models import Album

User = get_user_model()
NEWCOMER = "nina@example.com"


def signed_in_email(client) -> str | None:
    user_pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_pk).email if user_pk else None


@pytest.mark.django_db
def test_signup_sends_a_pikoshi_verification_email_with_a_code(
    signup: Callable[..., HttpResponse],
) -> None:
    response = signup(NEWCOMER)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    [message] = mail.outbox
    assert message.to == [NEWCOMER]
    assert "Pikoshi" in message.subject
    assert "Confirm your email" in message.subject
    code = code_in(message)
    assert len(code.replace("-", "")) <= 9  # a code a person types, not a 54-character key
    code_page = "http://testserver/accounts/confirm-email/"
    # The text part names Pikoshi, carries the code and where to type it.
    assert "Pikoshi" in message.body
    assert f"\n{code}\n" in message.body
    assert code_page in message.body
    # So does the HTML part.
    html = html_part(message)
    assert "Pikoshi" in html
    assert code in html
    assert f'href="{code_page}"' in html


@pytest.mark.django_db
def test_signup_creates_an_unverified_account_with_an_empty_library(signup):
    signup(NEWCOMER)

    user = User.objects.get(email=NEWCOMER)
    assert not EmailAddress.objects.get(user=user, email=NEWCOMER).verified
    assert not Album.objects.filter(owner=user).exists()


@pytest.mark.django_db
def test_verification_sent_page_asks_for_the_code(
    client: Client, signup: Callable[..., HttpResponse]
) -> None:
    response = client.get(signup(NEWCOMER)["Location"])

    assert response.status_code == 200
    text = main_text(response)
    assert NEWCOMER in text
    html = response.content.decode()
    assert 'name="code"' in html
    assert 'autocomplete="one-time-code"' in html


@pytest.mark.django_db
def test_typing_the_code_confirms_and_signs_in(
    client: Client, signup: Callable[..., HttpResponse]
) -> None:
    signup(NEWCOMER)
    code = code_in(mail.outbox[0])

    page = client.get("/accounts/confirm-email/")
    assert page.status_code == 200
    assert NEWCOMER in main_text(page)
    # Opening the page alone confirms nothing.
    assert not EmailAddress.objects.get(email=NEWCOMER).verified
    assert signed_in_email(client) is None

    response = client.post("/accounts/confirm-email/", {"code": code})

    assert response.status_code == 302
    assert response["Location"] == "/photos/"
    assert EmailAddress.objects.get(email=NEWCOMER).verified
    assert signed_in_email(client) == NEWCOMER


@pytest.mark.django_db
def test_a_code_typed_loosely_still_confirms(
    client: Client, signup: Callable[..., HttpResponse]
) -> None:
    signup(NEWCOMER)
    code = code_in(mail.outbox[0])
    # The old paste-the-key page now leads to the code page.
    assert client.get("/accounts/confirm-email/code/")["Location"] == "/accounts/confirm-email/"

    response = client.post("/accounts/confirm-email/", {"code": f"  {code.replace('-', ' ')} "})

    assert response["Location"] == "/photos/"
    assert EmailAddress.objects.get(email=NEWCOMER).verified
    assert signed_in_email(client) == NEWCOMER


@pytest.mark.django_db
def test_a_wrong_code_confirms_nothing(client: Client, signup: Callable[..., HttpResponse]) -> None:
    signup(NEWCOMER)
    code = code_in(mail.outbox[0])

    page = client.post("/accounts/confirm-email/", {"code": "BCDF-GHJK"})
    assert page.status_code == 200
    assert "Incorrect code." in page.content.decode()
    assert not EmailAddress.objects.get(email=NEWCOMER).verified

    # Three wrong tries end the flow: the right code is worth nothing afterwards.
    client.post("/accounts/confirm-email/", {"code": "BCDF-GHJK"})
    ended = client.post("/accounts/confirm-email/", {"code": "BCDF-GHJK"})
    assert ended.status_code == 302
    client.post("/accounts/confirm-email/", {"code": code})
    assert not EmailAddress.objects.get(email=NEWCOMER).verified
    assert signed_in_email(client) is None


@pytest.mark.django_db
def test_unverified_user_cannot_sign_in_and_gets_a_new_email(client, make_user, login):
    make_user("una@example.com", verified=False)

    response = login("una@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert signed_in_email(client) is None
    [message] = sent_to("una@example.com")
    assert "/accounts/confirm-email/" in message.body
    assert code_in(message)


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
    # The code page names the address the visitor typed, and nothing else differs.
    assert main_text(duplicate_page).replace(owner.email, "ADDRESS") == main_text(new_page).replace(
        NEWCOMER, "ADDRESS"
    )
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


@pytest.mark.django_db
def test_a_newcomer_can_ask_for_a_new_verification_code(signup, client) -> None:
    """The code page offers a new code; asking at once is refused with a page that says to
    wait (one code per 20 s), asking a little later sends one that works."""
    from freezegun import freeze_time

    with freeze_time() as clock:
        signup(NEWCOMER)
        [first] = mail.outbox
        page = client.get("/accounts/confirm-email/")
        assert page.status_code == 200
        assert b"Request new code" in page.content
        refused = client.post("/accounts/confirm-email/", {"action": "resend"})
        assert refused.status_code == 429
        assert b"Please wait a minute and try again" in refused.content
        assert len(mail.outbox) == 1
        clock.tick(21)
        response = client.post("/accounts/confirm-email/", {"action": "resend"})
        assert response.status_code in (200, 302)
        assert len(mail.outbox) == 2
        second = mail.outbox[1]
        assert second.to == [NEWCOMER]
        assert code_in(second) != code_in(first)
        response = client.post("/accounts/confirm-email/", {"code": code_in(second)})
        assert response.status_code == 302
    assert EmailAddress.objects.get(email=NEWCOMER).verified
