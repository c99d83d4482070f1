"""The account page and its neighbours: our layout, no inline code, links where they belong."""

import pytest

from accounts.tests.test_pages import assert_our_page_without_inline_code
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/accounts/profile/", "/accounts/sessions/", "/accounts/export/", "/accounts/delete/"]
)
def test_account_pages_use_our_layout_without_inline_code(client, owner, url):
    client.force_login(owner)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    assert_our_page_without_inline_code(client.get(url))


@pytest.mark.parametrize(
    "url", ["/accounts/profile/", "/accounts/sessions/", "/accounts/export/", "/accounts/delete/"]
)
def test_account_pages_need_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_account_page_links_to_two_factor_sessions_export_and_deletion(client, owner):
    client.force_login(owner)

    html = client.get("/accounts/profile/").content.decode()

    for href in ("/accounts/2fa/", "/accounts/sessions/", "/accounts/export/", "/accounts/delete/"):
        assert f'href="{href}"' in html
    assert 'href="/accounts/profile/"' in client.get("/photos/").content.decode()  # menu


def test_profile_page_changes_the_name(client, owner):
    client.force_login(owner)
    page = client.get("/accounts/profile/").content.decode()
    assert 'value="Olivia Owner"' in page

    response = client.post("/accounts/profile/", {"display_name": " Olivia  O. "})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.display_name == "Olivia O."
    assert "Your name is saved." in client.get("/accounts/profile/").content.decode()


def test_profile_page_refuses_an_address_as_a_name_and_keeps_the_old_one(client, owner):
    client.force_login(owner)
    response = client.post("/accounts/profile/", {"display_name": "olivia@example.com"})
    assert response.status_code == 200
    assert "Use a name, not an email address." in response.content.decode()
    owner.refresh_from_db()
    assert owner.display_name == "Olivia Owner"


def test_profile_name_can_be_emptied(client, owner):
    client.force_login(owner)
    client.post("/accounts/profile/", {"display_name": ""})
    owner.refresh_from_db()
    assert owner.display_name == ""
    assert owner.public_name == ""
