"""Sign-in by email and password, sign-out, and the rate limit on failed sign-ins."""

import os

import pytest
from django.core.cache import caches
from django.test import Client

from conftest import PASSWORD, via_nginx


def signed_in_pk(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_verified_user_signs_in_with_email_and_password(client, owner, login):
    response = login(owner.email)

    assert response.status_code == 302
    assert response["Location"] == "/photos/"
    assert signed_in_pk(client) == str(owner.pk)


@pytest.mark.django_db
def test_email_is_matched_without_regard_to_case(client, owner, login):
    login(owner.email.upper())

    assert signed_in_pk(client) == str(owner.pk)


@pytest.mark.django_db
def test_wrong_password_does_not_say_which_part_was_wrong(client, owner, login):
    wrong_password = login(owner.email, "Not-The-Password-1")
    unknown_email = login("nobody@example.com")

    message = "The email address and/or password you specified are not correct."
    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert message in response.content.decode()
    assert signed_in_pk(client) is None


@pytest.mark.django_db
def test_inactive_user_cannot_sign_in(client, owner, login):
    owner.is_active = False
    owner.save()

    login(owner.email)

    assert signed_in_pk(client) is None


@pytest.mark.django_db
def test_sign_out_asks_on_get_and_signs_out_on_post(client, owner):
    client.force_login(owner)

    page = client.get("/accounts/logout/")
    assert page.status_code == 200
    assert "Are you sure you want to sign out?" in page.content.decode()
    assert signed_in_pk(client) == str(owner.pk)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert signed_in_pk(client) is None


@pytest.mark.django_db
def test_five_failed_sign_ins_lock_that_email_even_for_the_right_password(client, owner, login):
    for _ in range(5):
        login(owner.email, "Not-The-Password-1")

    response = login(owner.email, PASSWORD)

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert signed_in_pk(client) is None


@pytest.mark.django_db
def test_repeated_failed_sign_ins_from_one_address_get_429(client, owner, login):
    statuses = [login(f"guess{i}@example.com", "Not-The-Password-1").status_code for i in range(30)]
    assert set(statuses) == {200}

    response = login(owner.email, PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert b"Too many attempts" in response.content
    assert signed_in_pk(client) is None
    # The counters live in the shared cache: Redis whenever REDIS_URL names one, so
    # every web process sees the same limit.
    if os.environ.get("REDIS_URL"):
        from django_redis.cache import RedisCache

        assert isinstance(caches["default"], RedisCache)
        assert caches["default"].keys("*:allauth*") != []


def sign_in(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


@pytest.mark.django_db
def test_behind_nginx_failed_sign_ins_count_per_visitor_not_for_the_whole_site(owner, behind_nginx):
    guesser = Client(**via_nginx("203.0.113.7"))
    for i in range(10):
        sign_in(guesser, f"guess{i}@example.com", "Not-The-Password-1")

    visitor = Client(**via_nginx("198.51.100.4"))
    response = sign_in(visitor, owner.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in_pk(visitor) == str(owner.pk)
    # The guesser is still stopped: its budget of ten failures a minute is spent.
    locked = sign_in(guesser, owner.email, PASSWORD)
    assert "Too many failed login attempts" in locked.content.decode()
    assert signed_in_pk(guesser) is None


@pytest.mark.django_db
def test_behind_nginx_a_forged_forwarded_header_does_not_buy_more_guesses(owner, behind_nginx):
    for i in range(10):
        guesser = Client(**via_nginx("203.0.113.7", forged=f"192.0.2.{i}"))
        sign_in(guesser, f"guess{i}@example.com", "Not-The-Password-1")

    guesser = Client(**via_nginx("203.0.113.7", forged="192.0.2.99"))
    response = sign_in(guesser, owner.email, PASSWORD)

    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in_pk(guesser) is None


@pytest.mark.django_db
def test_sign_up_is_rate_limited(client, signup):
    for i in range(20):
        signup(f"newcomer{i}@example.com", "short")

    assert signup("late@example.com").status_code == 429
