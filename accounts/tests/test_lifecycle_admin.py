"""Admin actions on accounts: deactivate, set a quota (delete now: test_deletion.py)."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import Client

from accounts.models import User
from accounts.tests.test_api_auth import tokens_for
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(db):
    admin = User.objects.create_superuser(email="ada@example.com", password=PASSWORD)
    client = Client()
    client.force_login(admin)
    client.admin = admin
    return client


def refresh_status(refresh: str) -> int:
    return (
        Client()
        .post("/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json")
        .status_code
    )


def test_deactivate_signs_the_person_out_everywhere_and_is_logged(superuser_client, owner, guest):
    browser = Client()
    browser.post("/accounts/login/", {"login": owner.email, "password": PASSWORD})
    _, refresh = tokens_for(Client(), owner)

    response = superuser_client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [owner.pk]}
    )

    assert response.status_code == 302
    owner.refresh_from_db()
    guest.refresh_from_db()
    assert not owner.is_active and guest.is_active
    assert browser.get("/photos/").status_code == 302
    assert refresh_status(refresh) == 401
    entry = LogEntry.objects.get(object_id=str(owner.pk))
    assert entry.action_flag == CHANGE and entry.user == superuser_client.admin
    assert "Deactivated" in entry.get_change_message()


def test_set_quota_asks_for_the_amount_then_applies_and_logs_it(superuser_client, owner, guest):
    chosen = {"action": "set_quota", "_selected_action": [owner.pk, guest.pk]}

    form = superuser_client.post("/admin/accounts/user/", chosen)
    assert form.status_code == 200
    assert "Quota in MB" in form.content.decode()

    response = superuser_client.post(
        "/admin/accounts/user/", {**chosen, "apply": "1", "quota_mb": "250"}
    )

    assert response.status_code == 302
    for person in (owner, guest):
        person.refresh_from_db()
        assert person.storage_quota_bytes == 250 * 1024 * 1024
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 2


def test_set_quota_empty_means_the_site_default(superuser_client, owner):
    owner.storage_quota_bytes = 5
    owner.save()

    superuser_client.post(
        "/admin/accounts/user/",
        {"action": "set_quota", "_selected_action": [owner.pk], "apply": "1", "quota_mb": ""},
    )

    owner.refresh_from_db()
    assert owner.storage_quota_bytes is None


def test_user_list_shows_storage_used(superuser_client, owner):
    response = superuser_client.get("/admin/accounts/user/")

    assert response.status_code == 200
    assert "storage used" in response.content.decode().lower()


def test_admin_cannot_delete_their_own_account_from_the_list(superuser_client):
    admin = superuser_client.admin

    superuser_client.post(
        "/admin/accounts/user/", {"action": "delete_now", "_selected_action": [admin.pk]}
    )

    assert User.objects.filter(pk=admin.pk).exists()
