"""The sign-in pages speak like the rest of Pikoshi (issue 16): headings and buttons in
sentence case, no "Bad Token", and a way on from every dead end."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def texts(html: str, tag: str) -> list[str]:
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", text).split()) for text in found]


@pytest.mark.parametrize(
    ("url", "heading", "button"),
    [
        ("/accounts/login/", "Sign in", "Sign in"),
        ("/accounts/signup/", "Sign up", "Sign up"),
        ("/accounts/password/reset/", "Password reset", "Reset my password"),
    ],
)
def test_headings_and_buttons_are_in_sentence_case(url, heading, button):
    html = Client().get(url).content.decode()
    assert heading in texts(html, "h1")
    assert button in texts(html, "button")
    title = re.search(r"<title>(.*?) — ", html, re.S).group(1).strip()
    assert title.split()[1:] == [word.lower() for word in title.split()[1:]], title


def test_a_dead_reset_link_says_what_happened_and_offers_a_new_one(rf):
    """The page allauth shows for a reset link that no longer works ("Bad Token")."""
    from django.template.loader import render_to_string

    html = render_to_string(
        "account/password_reset_from_key.html", {"token_fail": True}, request=rf.get("/")
    )
    assert "token" not in " ".join(texts(html, "main")).lower()
    assert texts(html, "h1") == ["This link no longer works"]
    assert 'href="/accounts/password/reset/"' in html


def test_the_changed_password_page_leads_to_sign_in(client):
    html = client.get("/accounts/password/reset/done/").content.decode()
    assert texts(html, "h1") == ["Password changed"]
    assert re.search(r'<a href="/accounts/login/" class="button primary">Sign in</a>', html)
