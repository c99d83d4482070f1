"""Fixtures every app's tests share: the three people of every suite."""

import pytest
from allauth.account.models import EmailAddress

from accounts.services import user_setup

PASSWORD = "Correct-Horse-42!"  # noqa: S105 - test password that meets every rule


@pytest.fixture
def make_user(db):
    def make(email: str, *, display_name: str = "", verified: bool = True, password=PASSWORD):
        from accounts.models import User

        user = User.objects.create_user(email=email, password=password, display_name=display_name)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        user_setup(user=user)
        return user

    return make


@pytest.fixture
def owner(make_user):
    return make_user("olivia@example.com", display_name="Olivia Owner")


@pytest.fixture
def guest(make_user):
    return make_user("gabriel@example.com", display_name="Gabriel Guest")


@pytest.fixture
def stranger(make_user):
    return make_user("sam@example.com", display_name="Sam Stranger")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
