"""Media for people and links a photo is shared with: no metadata, and revocation is at once."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from gallery import media
from gallery.models import AlbumMember, Audience, Circle, Connection, ShareLink
from gallery.selectors import sharing as sharing_selectors
from gallery.services import sharing as sharing_services
from gallery.services.photos import photo_upload
from gallery.tests.factories import GPS_LATITUDE, album_of, jpeg_bytes, make_album

pytestmark = pytest.mark.django_db

LAT = GPS_LATITUDE


def tagged_jpeg() -> bytes:
    return jpeg_bytes(
        640, 480, (20, 120, 220), taken=datetime(2024, 5, 6, 7, 8, 9), located=True, quality=75
    )


@pytest.fixture
def shared(owner, guest):
    """A photo with camera and GPS data in an album the guest may see as a friend."""
    Connection.objects.create(user=owner, contact=guest, circle=Circle.FRIEND)
    Connection.objects.create(user=guest, contact=owner, circle=Circle.FRIEND)
    album = make_album(owner, audience=Audience.FRIENDS)
    upload = SimpleUploadedFile("gps.jpg", tagged_jpeg(), content_type="image/jpeg")
    photo = photo_upload(owner=owner, file=upload, album=album).photo
    assert photo.latitude is not None and photo.camera_make == "Pixelmaker"
    return photo


def fetch(url) -> bytes:
    response = Client().get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_no_metadata(data: bytes):
    image = Image.open(io.BytesIO(data))
    image.load()
    exif = image.getexif()
    assert dict(exif.get_ifd(0x8825)) == {}
    assert 0x010F not in exif and 0x0110 not in exif
    assert b"Pixelmaker" not in data
    assert not image.info.get("xmp")


def test_variants_served_to_a_viewer_carry_no_exif_or_gps(shared, guest):
    for variant in ("thumb", "mobile", "display"):
        data = fetch(media.media_url(photo=shared, variant=variant, user=guest))
        assert data[:4] == b"RIFF"
        assert_no_metadata(data)


def test_original_downloaded_through_a_link_is_stripped_unless_switched_on(shared, owner):
    hidden = sharing_services.share_link_create(
        user=owner,
        album=album_of(shared),
        allow_download=True,
        expires_at=sharing_services.share_link_default_expiry(),
    )
    data = fetch(media.media_url(photo=shared, variant="original", link=hidden.link))
    assert_no_metadata(data)
    exif = Image.open(io.BytesIO(data)).getexif()
    assert exif.get_ifd(0x8769)[0x9003] == "2024:05:06 07:08:09"  # the date is shared

    shown = sharing_services.share_link_create(
        user=owner,
        album=album_of(shared),
        allow_download=True,
        share_location=True,
        expires_at=sharing_services.share_link_default_expiry(),
    )
    data = fetch(media.media_url(photo=shared, variant="original", link=shown.link))
    exif = Image.open(io.BytesIO(data)).getexif()
    assert exif.get_ifd(0x8825)[2] == LAT
    assert 0x010F not in exif  # camera still held back


def test_variants_through_a_link_carry_no_metadata_even_with_details_on(shared, owner):
    link = sharing_services.share_link_create(
        user=owner,
        album=album_of(shared),
        share_camera=True,
        share_location=True,
        expires_at=sharing_services.share_link_default_expiry(),
    ).link
    assert_no_metadata(fetch(media.media_url(photo=shared, variant="display", link=link)))


def test_originals_are_not_for_viewers_nor_links_without_download(shared, owner, guest):
    assert gone(media.media_url(photo=shared, variant="original", user=guest))
    link = sharing_services.share_link_create(
        user=owner, album=album_of(shared), expires_at=sharing_services.share_link_default_expiry()
    ).link
    assert gone(media.media_url(photo=shared, variant="original", link=link))


# --- a URL captured before revocation fails after it --------------------------------------


def captured(photo, *, user=None, link=None) -> str:
    url = media.media_url(photo=photo, variant="display", user=user, link=link)
    assert Client().get(url).status_code == 200
    return url


def gone(url) -> bool:
    return Client().get(url).status_code == 404


def test_media_url_dies_when_the_connection_is_removed(shared, owner, guest):
    url = captured(shared, user=guest)
    sharing_services.connection_remove(
        user=owner, connection=sharing_selectors.connection_for(user=owner, contact_uuid=guest.uuid)
    )
    assert gone(url)


def test_media_url_dies_when_the_album_goes_private(shared, owner, guest):
    url = captured(shared, user=guest)
    sharing_services.album_sharing_update(
        user=owner, album=album_of(shared), audience=Audience.PRIVATE
    )
    assert gone(url)


def test_media_url_dies_when_the_member_is_removed_or_the_grant_ends(shared, owner, guest):
    album = album_of(shared)
    sharing_services.album_sharing_update(user=owner, album=album, audience=Audience.PRIVATE)
    membership = sharing_services.album_member_add(user=owner, album=album, member=guest)
    url = captured(shared, user=guest)
    sharing_services.album_member_remove(user=owner, membership=membership)
    assert gone(url)

    membership = sharing_services.album_member_add(
        user=owner, album=album, member=guest, until=timezone.now() + timedelta(hours=1)
    )
    url = captured(shared, user=guest)
    AlbumMember.objects.filter(pk=membership.pk).update(until=timezone.now() - timedelta(seconds=1))
    assert gone(url)


def test_media_url_dies_when_the_link_is_revoked_or_expires(shared, owner):
    link = sharing_services.share_link_create(
        user=owner, album=album_of(shared), expires_at=sharing_services.share_link_default_expiry()
    ).link
    url = captured(shared, link=link)
    sharing_services.share_link_revoke(user=owner, link=link)
    assert gone(url)

    link = sharing_services.share_link_create(
        user=owner, album=album_of(shared), expires_at=sharing_services.share_link_default_expiry()
    ).link
    url = captured(shared, link=link)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert gone(url)


def test_media_url_dies_when_everything_is_made_private(shared, owner, guest):
    link = sharing_services.share_link_create(
        user=owner, album=album_of(shared), expires_at=sharing_services.share_link_default_expiry()
    ).link
    urls = [captured(shared, user=guest), captured(shared, link=link)]
    sharing_services.sharing_make_everything_private(user=owner)
    assert all(gone(url) for url in urls)


def test_media_url_of_a_link_page_works_for_the_link_page_it_came_from(shared, owner):
    """End to end: the landing page hands out URLs that load, and stop after revocation."""
    created = sharing_services.share_link_create(
        user=owner, album=album_of(shared), expires_at=sharing_services.share_link_default_expiry()
    )
    client = Client()
    page = client.get(created.path).content.decode()
    start = page.index('src="/media/') + len('src="')
    url = page[start : page.index('"', start)]
    assert client.get(url).status_code == 200
    sharing_services.share_link_revoke(user=owner, link=created.link)
    assert client.get(url).status_code == 404
