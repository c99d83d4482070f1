"""The admin lists, searches and filters people; allauth's models are there too."""

import pytest
from allauth.socialaccount.models import SocialAccount


@pytest.fixture
def superuser_client(client, make_user):
    from accounts.models import User

    admin = User.objects.create_superuser(email="ada@example.com", password="Admin-Pass-123!")
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_user_list_renders_for_a_superuser(superuser_client, owner, stranger):
    response = superuser_client.get("/admin/accounts/user/")

    assert response.status_code == 200
    html = response.content.decode()
    assert owner.email in html
    assert stranger.email in html


@pytest.mark.parametrize("query", ["olivia@example", "Olivia Owner", "OWNER"])
@pytest.mark.django_db
def test_user_search_matches_email_and_display_name(superuser_client, owner, stranger, query):
    response = superuser_client.get("/admin/accounts/user/", {"q": query})

    results = [u.email for u in response.context["cl"].result_list]
    assert results == [owner.email]


@pytest.mark.django_db
def test_user_list_filters_by_staff_and_active(superuser_client, owner, stranger):
    stranger.is_active = False
    stranger.save()

    staff = superuser_client.get("/admin/accounts/user/", {"is_staff__exact": "1"})
    inactive = superuser_client.get("/admin/accounts/user/", {"is_active__exact": "0"})

    assert [u.email for u in staff.context["cl"].result_list] == ["ada@example.com"]
    assert [u.email for u in inactive.context["cl"].result_list] == [stranger.email]


@pytest.mark.django_db
def test_user_change_page_shows_uuid_read_only(superuser_client, owner):
    response = superuser_client.get(f"/admin/accounts/user/{owner.pk}/change/")

    assert response.status_code == 200
    assert str(owner.uuid) in response.content.decode()


@pytest.mark.django_db
def test_email_addresses_and_social_accounts_are_in_the_admin(superuser_client, owner):
    SocialAccount.objects.create(user=owner, provider="google", uid="1234567890")

    emails = superuser_client.get("/admin/account/emailaddress/", {"q": "olivia"})
    social = superuser_client.get("/admin/socialaccount/socialaccount/")

    assert emails.status_code == 200
    assert owner.email in emails.content.decode()
    assert social.status_code == 200
    assert "1234567890" in social.content.decode() or owner.email in social.content.decode()


@pytest.mark.django_db
def test_admin_is_closed_to_people_who_are_not_staff(client, owner):
    client.force_login(owner)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
