"""Sharing through the JSON API: the same operations as the pages, {"detail","code"} errors."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from gallery.models import AlbumMember, Audience, Circle, Connection, Invitation, ShareLink
from gallery.services import sharing as sharing_services
from gallery.tests.factories import connect, make_album, make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_invite_accept_list_move_and_remove(api, owner, guest):
    as_user(api, owner)
    response = api.post(
        reverse("api_invitations"), {"email": guest.email, "circle": "family"}, format="json"
    )
    assert response.status_code == 201
    invitation_id = response.json()["id"]
    assert [i["id"] for i in api.get(reverse("api_invitations")).json()] == [invitation_id]

    as_user(api, guest)
    received = api.get(reverse("api_invitations_received")).json()
    assert received[0]["inviter"]["name"] == "Olivia Owner"
    response = api.post(
        reverse("api_invitation_accept", args=[invitation_id]), {"circle": "friend"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["person"]["id"] == str(owner.uuid)

    as_user(api, owner)
    people = api.get(reverse("api_connections")).json()
    assert [(p["person"]["id"], p["circle"]) for p in people] == [(str(guest.uuid), "family")]
    response = api.patch(
        reverse("api_connection_detail", args=[guest.uuid]), {"circle": "friend"}, format="json"
    )
    assert response.json()["circle"] == "friend"
    assert api.delete(reverse("api_connection_detail", args=[guest.uuid])).status_code == 204
    assert not Connection.objects.exists()


def test_invitation_errors_have_detail_and_code(api, owner, stranger):
    as_user(api, owner)
    response = api.post(reverse("api_invitations"), {"email": owner.email}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"detail", "code"}
    invitation = sharing_services.invitation_create(inviter=owner, email="x@example.com")
    as_user(api, stranger)
    for method, name in (
        ("post", "api_invitation_accept"),
        ("post", "api_invitation_decline"),
        ("delete", "api_invitation_detail"),
    ):
        response = getattr(api, method)(reverse(name, args=[invitation.public_id]))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_owner_patches_audience_and_details(api, owner, guest):
    album = make_album(owner)
    as_user(api, owner)
    url = reverse("api_album_sharing", args=[album.public_id])
    response = api.patch(url, {"audience": "friends", "share_location": True}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "album": str(album.public_id),
        "title": album.title,
        "audience": "friends",
        "share_camera": False,
        "share_location": True,
        "public_path": None,
    }
    assert api.patch(url, {"audience": "everyone"}, format="json").status_code == 400
    as_user(api, guest)
    assert api.patch(url, {"audience": "public"}, format="json").status_code == 404
    album.refresh_from_db()
    assert album.audience == Audience.FRIENDS


def test_members_add_update_remove(api, owner, guest, stranger):
    connect(owner, guest)
    album = make_album(owner)
    as_user(api, owner)
    url = reverse("api_album_members", args=[album.public_id])
    until = (timezone.now() + timedelta(days=7)).isoformat()
    response = api.post(
        url, {"user": str(guest.uuid), "role": "contributor", "until": until}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["role"] == "contributor"
    response = api.post(url, {"user": str(stranger.uuid)}, format="json")
    assert response.status_code == 400

    detail = reverse("api_album_member_detail", args=[album.public_id, guest.uuid])
    response = api.patch(detail, {"role": "viewer", "until": None}, format="json")
    assert response.json()["role"] == "viewer" and response.json()["until"] is None
    assert len(api.get(url).json()) == 1
    assert api.delete(detail).status_code == 204
    assert not AlbumMember.objects.exists()


def test_links_create_shows_url_once_then_revoke(api, owner, guest, client):
    album = make_album(owner)
    make_photo(owner, album=album)
    as_user(api, owner)
    url = reverse("api_album_links", args=[album.public_id])
    response = api.post(url, {"label": "Grandma", "password": "open sesame"}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["url"].startswith("http://testserver/s/")
    assert data["has_password"] is True and "password" not in data
    expires = timezone.datetime.fromisoformat(data["expires_at"])
    assert abs(expires - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    listed = api.get(url).json()
    assert listed[0]["id"] == data["id"] and "url" not in listed[0]

    never = api.post(url, {"expires_at": None}, format="json").json()
    assert never["expires_at"] is None

    link_url = reverse("api_share_link", args=[data["id"]])
    response = api.patch(link_url, {"allow_download": True, "password": ""}, format="json")
    assert response.json()["allow_download"] is True
    assert response.json()["has_password"] is False

    as_user(api, guest)
    assert api.delete(link_url).status_code == 404
    as_user(api, owner)
    assert api.delete(link_url).status_code == 204
    assert ShareLink.objects.get(public_id=data["id"]).revoked_at is not None
    assert client.get(data["url"]).status_code == 404


def test_the_owner_sees_wrong_link_passwords_in_the_api(api, owner, client):
    album = make_album(owner)
    created = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    for _ in range(2):
        client.post(created.path, {"password": "wrong guess"})
    as_user(api, owner)

    [listed] = api.get(reverse("api_album_links", args=[album.public_id])).json()

    assert listed["failed_password_attempts"] == 2


def test_a_short_or_common_link_password_is_a_400_that_says_why(api, owner):
    album = make_album(owner)
    as_user(api, owner)
    url = reverse("api_album_links", args=[album.public_id])

    short = api.post(url, {"password": "sesame"}, format="json")
    assert short.status_code == 400
    assert short.json()["code"] == "invalid"
    assert (
        "This password is too short. It must contain at least 8 characters."
        in short.json()["detail"]
    )
    assert not ShareLink.objects.exists()

    link = api.post(url, {"password": "open sesame"}, format="json").json()
    common = api.patch(
        reverse("api_share_link", args=[link["id"]]), {"password": "password123"}, format="json"
    )
    assert common.status_code == 400
    assert common.json()["detail"] == "This password is too common."


def test_shared_with_me_and_overview(api, owner, guest):
    connect(owner, guest, Circle.FAMILY)
    album = make_album(owner, title="Beach", audience=Audience.FAMILY)
    sharing_services.share_link_create(
        user=owner,
        album=album,
        label="Grandma",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    as_user(api, guest)
    groups = api.get(reverse("api_shared_with_me")).json()
    assert groups[0]["owner"]["id"] == str(owner.uuid)
    assert [a["title"] for a in groups[0]["albums"]] == ["Beach"]
    assert groups[0]["albums"][0]["role"] == "viewer"

    as_user(api, owner)
    overview = api.get(reverse("api_sharing_overview")).json()
    assert [a["title"] for a in overview["albums"]] == ["Beach"]
    assert [link["label"] for link in overview["links"]] == ["Grandma"]
    assert overview["links"][0]["failed_password_attempts"] == 0

    url = reverse("api_sharing_make_private")
    assert api.post(url, {"confirm": False}, format="json").status_code == 400
    response = api.post(url, {"confirm": True}, format="json")
    assert response.json() == {"albums": 1, "members": 0, "links": 1}
    as_user(api, guest)
    assert api.get(reverse("api_shared_with_me")).json() == []


def test_sharing_endpoints_need_a_signed_in_caller(api, owner):
    album = make_album(owner)
    for url in (
        reverse("api_connections"),
        reverse("api_shared_with_me"),
        reverse("api_sharing_overview"),
        reverse("api_album_sharing", args=[album.public_id]),
    ):
        assert api.get(url).status_code == 401


def test_openapi_schema_includes_sharing_and_is_valid(api, owner):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/albums/{public_id}/members/" in schema["paths"]
    assert "/api/sharing/make-private/" in schema["paths"]


def test_photo_details_follow_the_albums_switches(api, owner, guest):
    connect(owner, guest)
    album = make_album(owner, audience=Audience.FRIENDS)
    photo = make_photo(owner, album=album)
    photo.camera_make, photo.latitude, photo.longitude = "Pixelmaker", 59.9, 10.7
    photo.save()
    # Seen through the album: its switches apply.
    url = reverse("api_photo_detail", args=[photo.public_id]) + f"?album={album.public_id}"
    as_user(api, guest)
    data = api.get(url).json()
    assert "camera" not in data and "location" not in data
    assert "original" not in data["urls"]
    sharing_services.album_sharing_update(user=owner, album=album, share_location=True)
    data = api.get(url).json()
    assert data["location"] == {"latitude": 59.9, "longitude": 10.7}
    assert "camera" not in data
    as_user(api, owner)
    assert api.get(url).json()["camera"]["make"] == "Pixelmaker"
