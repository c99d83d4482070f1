"""A missing trailing slash under /api/ never turns a write into a read."""

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from gallery.models import Album


@pytest.fixture
def bearer(owner: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(owner)}"}


def test_post_without_trailing_slash_creates_the_album_when_followed(
    owner: User, bearer: dict[str, str]
) -> None:
    before = Album.objects.filter(owner=owner).count()
    response = Client().post(
        "/api/albums", {"title": "Typed by hand"}, content_type="application/json", **bearer
    )
    assert response.status_code == 308
    assert response["Location"] == "/api/albums/"
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "append_slash"
    assert Album.objects.filter(owner=owner).count() == before

    followed = Client().post(
        "/api/albums",
        {"title": "Typed by hand"},
        content_type="application/json",
        follow=True,
        **bearer,
    )
    assert followed.status_code == 201, followed.content
    assert followed.json()["title"] == "Typed by hand"
    assert Album.objects.filter(owner=owner).count() == before + 1


def test_missing_slash_keeps_the_query_string(owner: User, bearer: dict[str, str]) -> None:
    response = Client().get("/api/photos", {"limit": "2"}, **bearer)
    assert response.status_code == 308
    assert response["Location"] == "/api/photos/?limit=2"


def test_missing_slash_on_an_unknown_path_is_a_json_404(
    owner: User, bearer: dict[str, str]
) -> None:
    response = Client().delete("/api/no-such-thing", **bearer)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
