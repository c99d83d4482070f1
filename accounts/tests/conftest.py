"""Helpers for the browser flows: read links and codes out of the emails Pikoshi sends."""

import re

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from conftest import PASSWORD

NEW_PASSWORD = "Brand-New-Secret-7?"  # noqa: S105 - test password that meets every rule


def html_part(message) -> str:
    """The HTML alternative of a sent email (every Pikoshi email has one)."""
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def first_link(text: str, path_fragment: str) -> str:
    """The first absolute http(s) URL in `text` whose path contains `path_fragment`."""
    for url in re.findall(r"https?://[^\s\"<>]+", text):
        if path_fragment in url:
            return url
    raise AssertionError(f"no link containing {path_fragment!r} in:\n{text}")


# allauth's codes: letters or digits in groups joined by dashes, on a line of their own.
CODE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})+)\s*$", re.M)


def code_in(message: EmailMessage) -> str:
    """The code a person is to type, from an email's text part."""
    match = CODE.search(message.body)
    assert match, f"no code in:\n{message.body}"
    return match.group(1)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def main_text(response) -> str:
    """The visible text of the page's <main>, whitespace collapsed, for comparing answers."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<input[^>]*csrfmiddlewaretoken[^>]*>", "", main)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


@pytest.fixture
def signup(client):
    """Post the sign-up form as a browser would."""

    def post(email: str, password: str = PASSWORD, password2: str | None = None):
        return client.post(
            "/accounts/signup/",
            {"email": email, "password1": password, "password2": password2 or password},
        )

    return post


@pytest.fixture
def login(client):
    def post(email: str, password: str = PASSWORD):
        return client.post("/accounts/login/", {"login": email, "password": password})

    return post
