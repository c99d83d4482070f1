"""Names, not addresses: nobody who is not a connection sees a person's email address."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from gallery import permissions
from gallery.models import Audience, Circle, Connection
from gallery.services import sharing as sharing_services
from gallery.tests.factories import make_album, make_photo

pytestmark = pytest.mark.django_db

ADDRESS = "nora.nameless@example.com"


@pytest.fixture
def nameless(make_user):
    """An owner who signed up before sign-up asked for a name."""
    return make_user(ADDRESS)


def _shared_album(owner, audience=Audience.PUBLIC):
    album = make_album(owner, title="Summer")
    make_photo(owner, album=album)
    sharing_services.album_sharing_update(user=owner, album=album, audience=audience)
    return album


def _link(owner, album):
    created = sharing_services.share_link_create(
        user=owner, album=album, expires_at=timezone.now() + timedelta(days=7)
    )
    return created.token


def test_link_page_never_shows_the_owners_address(client, nameless):
    album = _shared_album(nameless, Audience.PRIVATE)
    page = client.get(reverse("share_link", args=[_link(nameless, album)]))
    assert page.status_code == 200
    assert ADDRESS not in page.content.decode()
    assert "nora.nameless" not in page.content.decode()


def test_link_page_shows_the_owners_name(client, owner):
    album = _shared_album(owner, Audience.PRIVATE)
    page = client.get(reverse("share_link", args=[_link(owner, album)]))
    assert "Shared by Olivia Owner" in page.content.decode()
    assert owner.email not in page.content.decode()


def test_public_album_never_shows_the_address_to_a_visitor(client, nameless):
    album = _shared_album(nameless)
    page = client.get(reverse("public_album", args=[album.public_address]))
    assert page.status_code == 200
    assert ADDRESS not in page.content.decode()


def test_public_album_never_shows_the_address_to_a_signed_in_stranger(client, nameless, stranger):
    album = _shared_album(nameless)
    client.force_login(stranger)
    page = client.get(reverse("album_detail", args=[album.public_id]))
    assert page.status_code == 200
    assert ADDRESS not in page.content.decode()
    assert "shared by" not in page.content.decode()


def test_a_connection_still_knows_who_shares(client, nameless, guest):
    Connection.objects.create(user=nameless, contact=guest, circle=Circle.FAMILY)
    Connection.objects.create(user=guest, contact=nameless, circle=Circle.FAMILY)
    album = _shared_album(nameless, Audience.FAMILY)
    client.force_login(guest)
    page = client.get(reverse("album_detail", args=[album.public_id]))
    assert f"shared by {ADDRESS}" in page.content.decode()


def test_may_see_address_only_oneself_and_connections(nameless, guest, stranger):
    Connection.objects.create(user=nameless, contact=guest, circle=Circle.FRIEND)
    assert permissions.may_see_address(nameless, nameless)
    assert permissions.may_see_address(guest, nameless)
    assert permissions.may_see_address(nameless, guest)
    assert not permissions.may_see_address(stranger, nameless)
    assert not permissions.may_see_address(None, nameless)


def test_person_name_for_strangers_is_the_display_name_or_nothing(nameless, owner, stranger):
    assert permissions.person_name(stranger, nameless) == ""
    assert permissions.person_name(stranger, owner) == "Olivia Owner"
    assert permissions.person_name(nameless, nameless) == ADDRESS


def test_invitation_email_names_the_inviter(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sharing_services.invitation_create(inviter=owner, email="newcomer@example.com")
    message = mail.outbox[-1]
    assert "Olivia Owner" in message.subject
    assert "Olivia Owner" in message.body
