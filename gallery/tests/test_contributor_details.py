"""Each photo's owner decides: a contributor's camera, location and original reach other
people only under the contributor's own switches, whatever the album owner turned on."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gallery import media, permissions
from gallery.models import AlbumMember, Circle, Connection
from gallery.services import sharing as sharing_services
from gallery.tests.factories import (
    CAMERA_MAKE,
    jpeg_with_gps_bytes,
    make_album,
    make_photo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def album(owner, guest):
    Connection.objects.create(user=owner, contact=guest, circle=Circle.FRIEND)
    Connection.objects.create(user=guest, contact=owner, circle=Circle.FRIEND)
    album = make_album(owner, title="Wedding", share_camera=True, share_location=True)
    sharing_services.album_member_add(
        user=owner, album=album, member=guest, role=AlbumMember.Role.CONTRIBUTOR
    )
    return album


def _located(person, album):
    photo = make_photo(person, album=album, original=jpeg_with_gps_bytes())
    photo.camera_make, photo.camera_model = CAMERA_MAKE, "Model X"
    photo.latitude, photo.longitude = 48.858, 2.294
    photo.save(update_fields=["camera_make", "camera_model", "latitude", "longitude"])
    return photo


def _link(owner, album, **switches):
    return sharing_services.share_link_create(
        user=owner,
        album=album,
        expires_at=timezone.now() + timedelta(days=7),
        allow_download=True,
        share_camera=True,
        share_location=True,
        **switches,
    )


def test_album_switches_do_not_reach_a_contributors_photo(owner, guest, album):
    mine = _located(owner, album)
    theirs = _located(guest, album)
    assert permissions.details_policy(user=owner, album=album, photo=theirs) == (
        permissions.DetailsPolicy(camera=False, location=False)
    )
    # The album owner's own photo still follows her switches for others.
    assert permissions.details_policy(user=guest, album=album, photo=mine).location
    # The contributor always sees their own.
    assert permissions.details_policy(user=guest, album=album, photo=theirs).location


def test_album_owner_gets_no_gps_of_a_contributors_photo_from_the_api(client, owner, guest, album):
    theirs = _located(guest, album)
    client.force_login(owner)
    data = client.get(f"/api/photos/{theirs.public_id}/").json()
    assert "location" not in data
    assert "camera" not in data


def test_link_never_hands_out_a_contributors_original_without_their_yes(
    client, owner, guest, album
):
    theirs = _located(guest, album)
    link = _link(owner, album).link
    assert not permissions.can_download_via_link(link, theirs)
    url = media.media_url(photo=theirs, variant="original", link=link)
    assert client.get(url).status_code == 404
    page = client.get(
        reverse("share_link_photo", args=[_link(owner, album).token, theirs.public_id])
    )
    assert page.status_code == 200
    assert "Download original" not in page.content.decode()


def test_contributor_allows_the_original_but_keeps_the_location(client, owner, guest, album):
    theirs = _located(guest, album)
    link = _link(owner, album).link
    sharing_services.contributor_sharing_update(
        user=guest, album=album, allow_download=True, share_camera=False, share_location=False
    )
    url = media.media_url(photo=theirs, variant="original", link=link)
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert CAMERA_MAKE.encode() not in body
    assert permissions.details_policy(user=None, album=album, link=link, photo=theirs) == (
        permissions.DetailsPolicy(camera=False, location=False)
    )


def test_contributor_switches_location_on_and_others_see_it(client, owner, guest, album):
    theirs = _located(guest, album)
    sharing_services.contributor_sharing_update(
        user=guest, album=album, allow_download=False, share_camera=True, share_location=True
    )
    client.force_login(owner)
    # Details follow the album the photo is seen through...
    data = client.get(f"/api/photos/{theirs.public_id}/", {"album": str(album.public_id)}).json()
    assert data["location"] is not None
    assert data["camera"]
    # ...and outside any album (no route) others see none of them.
    bare = client.get(f"/api/photos/{theirs.public_id}/").json()
    assert "location" not in bare and "camera" not in bare


def test_only_a_member_sets_switches_for_their_photos(owner, stranger, album):
    with pytest.raises(Exception) as refused:
        sharing_services.contributor_sharing_update(
            user=stranger,
            album=album,
            allow_download=True,
            share_camera=True,
            share_location=True,
        )
    assert refused.type.__name__ == "Http404"


def test_contributor_sees_and_changes_their_switches_on_the_album_page(client, guest, album):
    client.force_login(guest)
    page = client.get(reverse("album_detail", args=[album.public_id])).content.decode()
    assert "Your photos in this album" in page
    response = client.post(
        reverse("album_contributor_sharing", args=[album.public_id]),
        {"share_location": "on"},
    )
    assert response.status_code == 302
    membership = AlbumMember.objects.get(album=album, user=guest)
    assert membership.share_location and not membership.share_camera
    assert not membership.allow_download


def test_the_switches_are_off_by_default(guest, album):
    membership = AlbumMember.objects.get(album=album, user=guest)
    assert (membership.share_camera, membership.share_location, membership.allow_download) == (
        False,
        False,
        False,
    )


def test_api_reads_and_sets_the_switches_for_my_photos(client, guest, stranger, album):
    url = f"/api/albums/{album.public_id}/my-photos/"
    client.force_login(guest)
    assert client.get(url).json() == {
        "share_camera": False,
        "share_location": False,
        "allow_download": False,
    }
    answer = client.put(
        url,
        {"share_camera": True, "share_location": False, "allow_download": True},
        content_type="application/json",
    )
    assert answer.status_code == 200
    membership = AlbumMember.objects.get(album=album, user=guest)
    assert membership.share_camera and membership.allow_download and not membership.share_location
    # Someone who is no member of the album learns nothing about it.
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.put(url, {}, content_type="application/json").status_code == 404
