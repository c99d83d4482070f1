"""A single-page app in a browser: allauth's browser flow, then the API by cookies.

Signing out must end every credential that browser holds (the Django session, the refresh
and access tokens, the cookies), and an expired access cookie must not turn every API call
into a 401 while the refresh cookie is still good.
"""

from datetime import timedelta

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import User
from accounts.tests.test_api_auth import ACCESS, REFRESH, bearer
from conftest import PASSWORD

BROWSER = "/_allauth/browser/v1"

pytestmark = pytest.mark.django_db


def spa(user: User) -> tuple[Client, str]:
    """Sign in as the SPA does: allauth's browser flow, then the session traded for cookies."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # the page hands out the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    login = client.post(
        f"{BROWSER}/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert login.status_code == 200, login.content
    csrf = client.cookies["csrftoken"].value  # signing in rotates the token
    cookies = client.post("/api/auth/cookie/", HTTP_X_CSRFTOKEN=csrf)
    assert cookies.status_code == 200, cookies.content
    return client, client.cookies["csrftoken"].value


def anonymous_with(cookies: dict[str, str]) -> Client:
    """A browser that holds only the given cookies (say, copies taken before a sign-out)."""
    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def refresh_works(refresh: str) -> bool:
    response = Client().post(
        "/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    return response.status_code == 200


def expire_access_cookie(client: Client, user: User) -> None:
    expired = AccessToken.for_user(user)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    client.cookies[ACCESS] = str(expired)


# --- signing out ------------------------------------------------------------------------------


def test_spa_logout_ends_the_session_and_every_token_of_that_browser(owner: User) -> None:
    client, csrf = spa(owner)
    assert client.get("/api/photos/").status_code == 200
    session_id = client.cookies["sessionid"].value
    access = client.cookies[ACCESS].value
    refresh = client.cookies[REFRESH].value

    response = client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=csrf)

    assert response.status_code == 204
    assert response.cookies[ACCESS].value == ""
    assert response.cookies[REFRESH].value == ""
    assert client.get("/api/photos/").status_code == 401
    assert client.get(f"{BROWSER}/auth/session").status_code == 401
    # Copies of what the browser held are worth nothing either.
    assert anonymous_with({"sessionid": session_id}).get("/api/photos/").status_code == 401
    assert anonymous_with({ACCESS: access}).get("/api/photos/").status_code == 401
    assert Client().get("/api/photos/", **bearer(access)).status_code == 401
    assert not refresh_works(refresh)


@pytest.mark.parametrize("how", ["allauth browser client", "sign-out page"])
def test_signing_out_elsewhere_also_ends_the_api_cookies(owner: User, how: str) -> None:
    client, csrf = spa(owner)
    access = client.cookies[ACCESS].value
    refresh = client.cookies[REFRESH].value

    if how == "allauth browser client":
        response = client.delete(f"{BROWSER}/auth/session", HTTP_X_CSRFTOKEN=csrf)
        assert response.status_code == 401  # allauth's "signed out"
    else:
        response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": csrf})
        assert response.status_code == 302

    assert response.cookies[ACCESS].value == ""
    assert response.cookies[REFRESH].value == ""
    assert client.get("/api/photos/").status_code == 401
    assert anonymous_with({ACCESS: access}).get("/api/photos/").status_code == 401
    assert not refresh_works(refresh)


def test_spa_logout_needs_the_csrf_token(owner: User) -> None:
    client, _csrf = spa(owner)

    response = client.post("/api/auth/logout/")

    assert response.status_code == 403
    assert client.get("/api/photos/").status_code == 200


def test_app_logout_makes_the_access_token_unusable(client: Client, owner: User) -> None:
    from accounts.tests.test_api_auth import tokens_for

    access, refresh = tokens_for(client, owner)
    other_access, _other_refresh = tokens_for(Client(), owner)

    response = client.post(
        "/api/auth/logout/", {"refresh": refresh}, content_type="application/json", **bearer(access)
    )

    assert response.status_code == 204
    assert Client().get("/api/photos/", **bearer(access)).status_code == 401
    # Another device of the same person stays signed in.
    assert Client().get("/api/photos/", **bearer(other_access)).status_code == 200


def test_spa_sign_out_everywhere_ends_this_browser_too(owner: User) -> None:
    client, csrf = spa(owner)
    session_id = client.cookies["sessionid"].value
    access = client.cookies[ACCESS].value

    response = client.post("/api/auth/sessions/sign-out-everywhere/", HTTP_X_CSRFTOKEN=csrf)

    assert response.status_code == 200, response.content
    assert response.cookies[ACCESS].value == ""
    assert response.cookies[REFRESH].value == ""
    assert client.get("/api/photos/").status_code == 401
    assert anonymous_with({"sessionid": session_id}).get("/api/photos/").status_code == 401
    assert anonymous_with({ACCESS: access}).get("/api/photos/").status_code == 401


# --- renewing an expired access cookie --------------------------------------------------------


def test_the_refresh_cookie_travels_to_the_whole_api(owner: User) -> None:
    client, _csrf = spa(owner)
    cookie = client.cookies[REFRESH]
    assert cookie["path"] == "/api/"
    assert cookie["httponly"]


def test_any_api_call_renews_an_expired_access_cookie(owner: User) -> None:
    client, _csrf = spa(owner)
    old_refresh = client.cookies[REFRESH].value
    expire_access_cookie(client, owner)

    response = client.get("/api/photos/")

    assert response.status_code == 200, response.content
    assert AccessToken(response.cookies[ACCESS].value)["sub"] == str(owner.uuid)
    new_refresh = response.cookies[REFRESH].value
    assert new_refresh != old_refresh
    RefreshToken(new_refresh)
    assert not refresh_works(old_refresh)  # rotated, as the context endpoint does
    assert client.get("/api/albums/").status_code == 200


def test_an_unsafe_call_renews_only_with_the_csrf_token(owner: User) -> None:
    client, csrf = spa(owner)
    expire_access_cookie(client, owner)

    refused = client.post("/api/albums/", {"title": "Summer"}, content_type="application/json")
    assert refused.status_code == 403
    assert ACCESS not in refused.cookies

    response = client.post(
        "/api/albums/", {"title": "Summer"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201, response.content
    assert AccessToken(response.cookies[ACCESS].value)["sub"] == str(owner.uuid)


def test_calls_racing_with_one_expired_cookie_are_all_answered(owner: User) -> None:
    """An SPA fires several calls at once; the first renews, the others must not be 401."""
    client, _csrf = spa(owner)
    expire_access_cookie(client, owner)
    stale = {ACCESS: client.cookies[ACCESS].value, REFRESH: client.cookies[REFRESH].value}

    first = anonymous_with(stale).get("/api/photos/")
    second = anonymous_with(stale).get("/api/albums/")

    assert first.status_code == 200
    assert second.status_code == 200, second.content


def test_a_rotated_refresh_cookie_stops_working_after_the_grace(
    owner: User, settings: Settings
) -> None:
    settings.PIKOSHI_REFRESH_REUSE_SECONDS = 0
    client, _csrf = spa(owner)
    expire_access_cookie(client, owner)
    stale = {ACCESS: client.cookies[ACCESS].value, REFRESH: client.cookies[REFRESH].value}
    assert anonymous_with(stale).get("/api/photos/").status_code == 200

    response = anonymous_with(stale).get("/api/photos/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_an_expired_access_cookie_without_a_refresh_cookie_says_it_expired(owner: User) -> None:
    client = Client()
    expire_access_cookie(client, owner)

    response = client.get("/api/photos/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert "expired" in response.json()["detail"]


def test_a_dead_refresh_cookie_does_not_renew(owner: User) -> None:
    client, csrf = spa(owner)
    refresh = client.cookies[REFRESH].value
    assert refresh_works(refresh)  # rotated elsewhere: this copy is dead now
    expire_access_cookie(client, owner)
    client.cookies["sessionid"] = ""

    response = client.get("/api/photos/")

    assert response.status_code == 401
    assert ACCESS not in response.cookies
