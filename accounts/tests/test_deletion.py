"""Deleting an account: re-authenticate, type the address, 7 days of grace, then nothing left."""

import io
import os
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import DELETION, LogEntry
from django.core import mail
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import Export, User
from accounts.services import user_deletion_request
from accounts.tests.test_api_auth import tokens_for
from conftest import PASSWORD
from gallery.models import Album, AlbumMember, Connection, Photo, ShareLink
from gallery.services.sharing import share_link_create, share_link_default_expiry
from gallery.tests.factories import make_album, make_photo
from gallery.tests.factories import media_root_fixture as media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def signed_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def reauthenticated(user) -> Client:
    """Signed in and just confirmed the password, as the delete page demands."""
    client = signed_in(user)
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    return client


def stored_files(root) -> set[str]:
    """Every file in the storage folder, walked on disk rather than taken from the database."""
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


def storage_files_under(prefix: str) -> list[str]:
    """Files under a folder, asked through the storage API (listdir), recursively."""
    from django.core.files.storage import default_storage

    if not default_storage.exists(prefix):
        return []
    folders, files = default_storage.listdir(prefix)
    found = [f"{prefix}/{name}" for name in files]
    for folder in folders:
        found += storage_files_under(f"{prefix}/{folder}")
    return found


def test_delete_page_asks_to_confirm_the_password_first(owner):
    client = Client()
    client.force_login(owner)

    response = client.get("/accounts/delete/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_wrong_address_deletes_nothing(owner):
    client = reauthenticated(owner)

    response = client.post("/accounts/delete/", {"email": "someone@example.com"})

    assert response.status_code == 200
    assert "not this account" in response.content.decode()
    owner.refresh_from_db()
    assert owner.deletion_requested_at is None


def test_confirmed_deletion_marks_the_account_and_signs_out_everywhere(owner):
    client = reauthenticated(owner)
    phone = signed_in(owner)
    _, refresh = tokens_for(Client(), owner)

    response = client.post("/accounts/delete/", {"email": owner.email.upper()}, follow=True)

    assert "will be deleted for good on" in response.content.decode()
    owner.refresh_from_db()
    assert owner.deletion_requested_at is not None
    assert owner.is_active  # signing in again must stay possible, to cancel
    assert client.get("/photos/").status_code == 302
    assert phone.get("/photos/").status_code == 302
    assert (
        Client()
        .post("/api/auth/token/refresh/", {"refresh": refresh}, content_type="application/json")
        .status_code
        == 401
    )
    [notice] = [m for m in mail.outbox if "will be deleted" in m.subject]
    assert notice.to == [owner.email]


def test_signing_in_during_the_grace_period_cancels_the_deletion(owner):
    user_deletion_request(user=owner)
    client = Client()

    response = client.post(
        "/accounts/login/", {"login": owner.email, "password": PASSWORD}, follow=True
    )

    assert "deletion of your account is cancelled" in response.content.decode()
    owner.refresh_from_db()
    assert owner.deletion_requested_at is None
    call_command("purge_deleted_accounts", stdout=io.StringIO())
    assert User.objects.filter(pk=owner.pk).exists()


def test_app_sign_in_during_the_grace_period_cancels_it_too(owner):
    user_deletion_request(user=owner)

    tokens_for(Client(), owner)

    owner.refresh_from_db()
    assert owner.deletion_requested_at is None


def test_nothing_is_purged_before_the_grace_period_ends(owner):
    user_deletion_request(user=owner)
    User.objects.filter(pk=owner.pk).update(
        deletion_requested_at=timezone.now() - timedelta(days=6, hours=23)
    )

    call_command("purge_deleted_accounts", stdout=io.StringIO())

    assert User.objects.filter(pk=owner.pk).exists()


@pytest.fixture
def two_people(owner, guest, media_root):
    """Olivia (to be deleted) and Gabriel, who share albums with each other both ways."""
    olivia_album = make_album(owner, title="Olivia's trip")
    gabriel_album = make_album(guest, title="Gabriel's party")
    AlbumMember.objects.create(album=olivia_album, user=guest, role="contributor")
    AlbumMember.objects.create(album=gabriel_album, user=owner, role="contributor")
    Connection.objects.create(user=owner, contact=guest)
    Connection.objects.create(user=guest, contact=owner)
    olivia = [
        make_photo(owner, album=olivia_album),
        make_photo(owner),
        make_photo(owner, deleted_at=timezone.now()),
        make_photo(owner, album=gabriel_album),  # contributed to Gabriel's album
    ]
    gabriel_in_olivias = make_photo(guest, album=olivia_album)  # contributed to Olivia's
    gabriel_own = make_photo(guest, album=gabriel_album)
    share_link_create(
        user=owner, album=olivia_album, label="for mum", expires_at=share_link_default_expiry()
    )
    share_link_create(
        user=guest, album=gabriel_album, label="for dad", expires_at=share_link_default_expiry()
    )
    SocialAccount.objects.create(user=owner, provider="google", uid="1234567890")
    tokens_for(Client(), owner)
    signed_in(owner)
    TOTP.activate(owner, generate_totp_secret())
    with TestCase.captureOnCommitCallbacks(execute=True):
        client = Client()
        client.force_login(owner)
        client.post("/accounts/export/")
    assert Export.objects.get(user=owner).file
    return {
        "olivia": olivia,
        "gabriel_in_olivias": gabriel_in_olivias,
        "gabriel_own": gabriel_own,
        "gabriel_album": gabriel_album,
        "files_before": stored_files(media_root),
    }


def purge_after_grace(user):
    user_deletion_request(user=user)
    User.objects.filter(pk=user.pk).update(deletion_requested_at=timezone.now() - timedelta(days=8))
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("purge_deleted_accounts", stdout=io.StringIO())


def test_purge_leaves_no_row_and_no_file_of_the_person(owner, guest, two_people, media_root):
    uuid, pk = owner.uuid, owner.pk

    purge_after_grace(owner)

    assert not User.objects.filter(pk=pk).exists()
    assert not Photo.objects.filter(owner_id=pk).exists()
    assert not Album.objects.filter(owner_id=pk).exists()
    assert not AlbumMember.objects.filter(user_id=pk).exists()
    assert not Connection.objects.filter(contact_id=pk).exists()
    assert not ShareLink.objects.filter(label="for mum").exists()
    assert not SocialAccount.objects.filter(user_id=pk).exists()
    assert not EmailAddress.objects.filter(email=owner.email).exists()
    assert not Authenticator.objects.filter(user_id=pk).exists()
    assert not UserSession.objects.filter(user_id=pk).exists()
    assert not OutstandingToken.objects.filter(user_id=pk).exists()
    assert not Export.objects.filter(user_id=pk).exists()
    for prefix in ("originals", "variants", "exports"):
        assert storage_files_under(f"{prefix}/{uuid}") == []
    assert not any(str(uuid) in name for name in stored_files(media_root))


def test_purge_leaves_the_other_persons_data_untouched(owner, guest, two_people, media_root):
    theirs = [two_people["gabriel_in_olivias"], two_people["gabriel_own"]]
    their_files = {
        getattr(photo, field).name
        for photo in theirs
        for field in ("original", "thumb", "mobile", "display")
    }

    purge_after_grace(owner)

    assert set(Photo.objects.filter(owner=guest)) == set(theirs)
    # Gabriel's photo from Olivia's (now gone) album stays in his library, in no album.
    kept = Photo.objects.get(pk=two_people["gabriel_in_olivias"].pk)
    assert kept.owner == guest and not kept.albums.exists() and not kept.in_trash
    assert Album.objects.filter(pk=two_people["gabriel_album"].pk).exists()
    # Olivia's contribution to Gabriel's album went with her.
    assert not Photo.objects.filter(albums=two_people["gabriel_album"]).exclude(owner=guest)
    assert ShareLink.objects.filter(label="for dad").exists()
    assert their_files <= stored_files(media_root)
    client = Client()
    client.force_login(guest)
    assert client.get("/photos/").status_code == 200


def test_admin_delete_now_purges_everything_and_is_logged(owner, guest, two_people, media_root):
    admin = User.objects.create_superuser(email="ada@example.com", password=PASSWORD)
    client = Client()
    client.force_login(admin)
    uuid = owner.uuid

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/admin/accounts/user/", {"action": "delete_now", "_selected_action": [owner.pk]}
        )

    assert response.status_code == 302
    assert not User.objects.filter(uuid=uuid).exists()
    assert not any(str(uuid) in name for name in stored_files(media_root))
    entry = LogEntry.objects.get(action_flag=DELETION)
    assert entry.user == admin and entry.object_repr == str(owner)
