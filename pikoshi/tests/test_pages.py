from django.urls import reverse


def test_visitor_sees_landing_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"private" in response.content
    assert reverse("account_signup").encode() in response.content


def test_signed_in_person_goes_from_landing_to_home(client, owner):
    client.force_login(owner)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"not shared with you" in response.content


def test_home_requires_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
