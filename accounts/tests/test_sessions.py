"""Where the account is signed in, and signing out one session or all of them (tokens too)."""

import pytest
from django.test import Client

from accounts.tests.test_api_auth import bearer, tokens_for
from conftest import NGINX, PASSWORD, via_nginx

pytestmark = pytest.mark.django_db


def browser(user, agent: str, **meta) -> Client:
    """A real sign-in through the login form, as a browser with its own user agent."""
    client = Client(HTTP_USER_AGENT=agent, **meta)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/photos/").status_code == 200
    return client


def refresh_works(refresh: str) -> bool:
    response = Client().post(
        "/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    return response.status_code == 200


def test_sessions_page_lists_devices_last_seen_and_address(owner):
    laptop = browser(owner, "Firefox on a laptop")
    browser(owner, "Safari on a phone")

    page = laptop.get("/accounts/sessions/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Firefox on a laptop" in html and "Safari on a phone" in html
    assert "127.0.0.1" in html
    assert html.count("This browser") == 1
    assert laptop.session.session_key not in html  # the key is a credential


def test_behind_nginx_the_sessions_page_shows_each_visitors_own_address(owner, behind_nginx):
    from allauth.usersessions.models import UserSession

    laptop = browser(owner, "Firefox on a laptop", **via_nginx("203.0.113.7"))
    browser(owner, "Safari on a phone", **via_nginx("198.51.100.4", forged="192.0.2.55"))

    html = laptop.get("/accounts/sessions/").content.decode()

    assert "203.0.113.7" in html and "198.51.100.4" in html
    assert NGINX not in html and "192.0.2.55" not in html
    assert set(UserSession.objects.values_list("ip", flat=True)) == {
        "203.0.113.7",
        "198.51.100.4",
    }


def test_sign_out_everywhere_else_ends_other_sessions_and_kills_refresh_tokens(owner, stranger):
    laptop = browser(owner, "Firefox on a laptop")
    phone = browser(owner, "Safari on a phone")
    _, refresh = tokens_for(Client(), owner)
    _, strangers_refresh = tokens_for(Client(), stranger)

    response = laptop.post("/accounts/sessions/sign-out-everywhere/")

    assert response.status_code == 302
    assert laptop.get("/photos/").status_code == 200  # this browser stays signed in
    assert phone.get("/photos/").status_code == 302  # the phone must sign in again
    assert not refresh_works(refresh)
    assert refresh_works(strangers_refresh)


def test_sign_out_everywhere_including_here(owner):
    laptop = browser(owner, "Firefox on a laptop")
    phone = browser(owner, "Safari on a phone")

    laptop.post("/accounts/sessions/sign-out-everywhere/", {"include_this": "1"})

    assert laptop.get("/photos/").status_code == 302
    assert phone.get("/photos/").status_code == 302


def test_sign_out_one_session(owner):
    from accounts.services import user_sessions

    laptop = browser(owner, "Firefox on a laptop")
    phone = browser(owner, "Safari on a phone")
    [phone_session] = [s for s in user_sessions(user=owner) if s.user_agent.startswith("Safari")]

    response = laptop.post(f"/accounts/sessions/{phone_session.public_id}/sign-out/")

    assert response.status_code == 302
    assert phone.get("/photos/").status_code == 302
    assert laptop.get("/photos/").status_code == 200


def test_stranger_cannot_sign_out_someone_elses_session(owner, stranger):
    from accounts.services import user_sessions

    phone = browser(owner, "Safari on a phone")
    [session] = user_sessions(user=owner)
    intruder = browser(stranger, "Curl")

    response = intruder.post(f"/accounts/sessions/{session.public_id}/sign-out/")

    assert response.status_code == 404
    assert phone.get("/photos/").status_code == 200


def test_sessions_pages_need_sign_in(client):
    assert client.get("/accounts/sessions/").status_code == 302
    assert client.post("/accounts/sessions/sign-out-everywhere/").status_code == 302


# --- API -------------------------------------------------------------------------------------


def test_api_lists_sessions_of_the_caller_only(owner, stranger):
    browser(owner, "Firefox on a laptop")
    browser(stranger, "Stranger's browser")
    access, _ = tokens_for(Client(), owner)

    response = Client().get("/api/auth/sessions/", **bearer(access))

    assert response.status_code == 200
    agents = [row["user_agent"] for row in response.json()]
    assert "Firefox on a laptop" in agents
    assert "Stranger's browser" not in agents
    assert set(response.json()[0]) == {
        "id",
        "ip",
        "user_agent",
        "created_at",
        "last_seen_at",
        "is_current",
    }


def test_api_sign_out_everywhere_revokes_refresh_tokens_and_ends_sessions(owner, stranger):
    laptop = browser(owner, "Firefox on a laptop")
    access, refresh = tokens_for(Client(), owner)
    _, second_refresh = tokens_for(Client(), owner)
    _, strangers_refresh = tokens_for(Client(), stranger)

    response = Client().post("/api/auth/sessions/sign-out-everywhere/", **bearer(access))

    assert response.status_code == 200
    assert response.json()["refresh_tokens_revoked"] >= 2
    assert not refresh_works(refresh)
    assert not refresh_works(second_refresh)
    assert refresh_works(strangers_refresh)
    assert laptop.get("/photos/").status_code == 302


def test_api_sessions_need_authentication():
    assert Client().get("/api/auth/sessions/").status_code == 401
    assert Client().post("/api/auth/sessions/sign-out-everywhere/").status_code == 401


def test_activity_is_recorded_at_most_once_a_minute_per_session(owner):
    from datetime import timedelta

    from allauth.usersessions.models import UserSession
    from django.core.cache import cache
    from django.utils import timezone

    laptop = browser(owner, "Firefox on a laptop")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    UserSession.objects.filter(user=owner).update(last_seen_at=an_hour_ago)

    laptop.get("/photos/")
    assert UserSession.objects.get(user=owner).last_seen_at == an_hour_ago

    cache.delete(f"usersession-seen:{laptop.session.session_key}")  # a minute later
    laptop.get("/photos/")
    assert UserSession.objects.get(user=owner).last_seen_at > an_hour_ago
