"""Every allauth page we render uses our layout and no inline script or style (CSP)."""

import re

import pytest

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/confirm/",
    "/accounts/password/reset/complete/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/code/",
    "/accounts/inactive/",
]
SIGNED_IN_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/accounts/3rdparty/",
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
INLINE_STYLE = re.compile(r"<style|\sstyle=")
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.I)


def assert_our_page_without_inline_code(response):
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    html = response.content.decode()
    assert '<body class="auth-page">' in html
    assert "/static/css/pikoshi.css" in html
    assert INLINE_SCRIPT.search(html) is None
    assert INLINE_STYLE.search(html) is None
    assert INLINE_HANDLER.search(html) is None


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
@pytest.mark.django_db
def test_anonymous_account_pages_use_our_layout_without_inline_code(client, url):
    assert_our_page_without_inline_code(client.get(url, follow=True))


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
@pytest.mark.django_db
def test_signed_in_account_pages_use_our_layout_without_inline_code(client, owner, url):
    client.force_login(owner)

    assert_our_page_without_inline_code(client.get(url))


@pytest.mark.django_db
def test_the_code_pages_use_our_layout_without_inline_code(client, signup):
    signup("nina@example.com")
    assert_our_page_without_inline_code(client.get("/accounts/confirm-email/"))
    client.post("/accounts/password/reset/", {"email": "nina@example.com"})
    assert_our_page_without_inline_code(client.get("/accounts/password/reset/confirm/"))


@pytest.mark.django_db
def test_email_page_loads_allauths_confirm_before_remove_script_as_a_file(client, owner):
    client.force_login(owner)

    html = client.get("/accounts/email/").content.decode()

    assert '<script src="/static/account/js/onload.js"></script>' in html
    assert 'class="button danger" name="action_remove"' in html


@pytest.mark.django_db
def test_form_fields_have_visible_labels_and_described_errors(client):
    response = client.post("/accounts/signup/", {"email": "not-an-email", "password1": "x"})

    html = response.content.decode()
    for field in ("email", "password1", "password2"):
        assert f'<label for="id_{field}">' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_email_error"' in html
