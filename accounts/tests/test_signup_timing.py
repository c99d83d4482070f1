"""Signing up with a registered address takes as long as with a new one, so the time an
answer takes does not tell whether an address has an account (the answers themselves are
the same: test_signup.py)."""

import statistics
import time
from itertools import count

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from accounts.tests.test_api_auth import HEADLESS
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROUNDS = 15
fresh_addresses = (f"newcomer{i}@example.com" for i in count())


class LightArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 on one thread with 64 MiB (~130 ms a hash here, against ~200 ms for Django's
    default): hashing still outweighs the rest of a sign-up several times over, as in
    production, and one thread keeps it steady on a busy machine. The test settings' MD5
    costs nothing, so under it both answers would take the same time, fix or no fix."""

    time_cost = 2
    memory_cost = 64 * 1024
    parallelism = 1


@pytest.fixture
def argon2(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.LightArgon2PasswordHasher"]
    # The benchmark signs up 30 times from one address, 15 of them with one email address
    # (each sends a code, which the per-address limit would otherwise refuse).
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "signup": "1000/m/ip",
        "confirm_email": "1000/m/key",
    }


def browser_signup(client, email):
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"


def app_signup(client, email):
    response = client.post(
        f"{HEADLESS}/auth/signup",
        {"email": email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 401  # the flow continues with email verification


def elapsed(signup, client, email) -> float:
    client.logout()
    start = time.perf_counter()
    signup(client, email)
    return time.perf_counter() - start


@pytest.mark.parametrize("signup", [browser_signup, app_signup], ids=["browser", "app"])
def test_signup_with_a_registered_address_takes_as_long_as_with_a_new_one(
    client, owner, argon2, signup
):
    signup(client, "warm-up@example.com")  # first-request costs belong to neither side
    registered, new = [], []
    for _ in range(ROUNDS):
        registered.append(elapsed(signup, client, owner.email))
        new.append(elapsed(signup, client, next(fresh_addresses)))

    slow, fast = sorted([statistics.median(registered), statistics.median(new)], reverse=True)
    assert slow <= fast * 1.25, f"registered {registered}\nnew {new}"
