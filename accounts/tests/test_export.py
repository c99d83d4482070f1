"""Download everything: a ZIP of the originals by album plus pikoshi.json, by emailed link."""

import io
import json
import re
import time
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from accounts.exports import export_token
from accounts.models import Export
from gallery.models import AlbumMember
from gallery.services.sharing import share_link_create, share_link_default_expiry
from gallery.tests.factories import jpeg_bytes, make_album, make_photo
from gallery.tests.factories import media_root_fixture as media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def request_export(client, user) -> str:
    """Ask for the archive as the person would and return the link path from the email.

    The build is queued with transaction.on_commit; the tests' transaction never commits,
    so the commit callbacks are run by hand, as a real commit would.
    """
    client.force_login(user)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/accounts/export/")
    assert response.status_code == 302
    [message] = [m for m in mail.outbox if user.email in m.to]
    match = re.search(r"https?://[^/\s]+(/accounts/export/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def download(client, path) -> zipfile.ZipFile:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def library(owner, guest):
    holidays = make_album(owner, title="Holidays: 2026/Summer")
    first = make_photo(owner, album=holidays, original=jpeg_bytes(color=(10, 20, 30)))
    second = make_photo(owner, album=holidays, original=jpeg_bytes(color=(40, 50, 60)))
    loose = make_photo(owner, original=jpeg_bytes(color=(70, 80, 90)))
    trashed = make_photo(
        owner, original=jpeg_bytes(color=(1, 2, 3)), deleted_at=timezone.now() - timedelta(days=1)
    )
    AlbumMember.objects.create(album=holidays, user=guest)
    share_link_create(
        user=owner, album=holidays, label="Grandma", expires_at=share_link_default_expiry()
    )
    return {"holidays": holidays, "photos": [first, second, loose, trashed]}


def test_archive_holds_every_original_byte_for_byte_in_album_folders(client, owner, library):
    archive = download(client, request_export(client, owner))

    manifest = json.loads(archive.read("pikoshi.json"))
    by_id = {p["id"]: p for p in manifest["photos"]}
    assert len(by_id) == 4
    for photo in library["photos"]:
        entry = by_id[str(photo.public_id)]
        with default_storage.open(photo.original.name, "rb") as stored:
            assert archive.read(entry["file"]) == stored.read()
        assert archive.getinfo(entry["file"]).compress_type == zipfile.ZIP_STORED
        assert entry["taken_at"] == photo.taken_at.isoformat()
        assert entry["sha256"] == photo.sha256
    folders = {name.split("/")[0] for name in archive.namelist() if "/" in name}
    # Photos in no album are in "Library".
    assert folders == {"Holidays_ 2026_Summer", "Library", "Trash"}
    # Two photos with the same original name in one album both survive.
    assert len([n for n in archive.namelist() if n.startswith("Holidays_")]) == 2


def test_manifest_lists_albums_photos_dates_and_shares(client, owner, guest, library):
    archive = download(client, request_export(client, owner))

    manifest = json.loads(archive.read("pikoshi.json"))
    titles = {album["title"] for album in manifest["albums"]}
    assert titles == {"Holidays: 2026/Summer"}
    assert manifest["account"]["email"] == owner.email
    assert [m["person"] for m in manifest["shares"]["members"]] == [guest.email]
    assert [link["label"] for link in manifest["shares"]["links"]] == ["Grandma"]
    trashed = str(library["photos"][3].public_id)
    assert next(p for p in manifest["photos"] if p["id"] == trashed)["in_trash_since"]


def test_archive_is_written_to_storage_and_recorded(client, owner, library):
    request_export(client, owner)

    export = Export.objects.get(user=owner)
    assert export.status == Export.Status.READY
    assert export.photo_count == 4
    assert default_storage.exists(export.file.name)
    assert export.file.name.startswith(f"exports/{owner.uuid}/")
    assert export.expires_at - export.finished_at == timedelta(days=7)


def test_stranger_gets_404_for_the_owners_link(client, owner, stranger, library):
    path = request_export(client, owner)
    client.force_login(stranger)

    assert client.get(path).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, owner, library):
    path = request_export(client, owner)
    client.logout()

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_expired_link_is_404_and_the_purge_removes_the_file(client, owner, library):
    path = request_export(client, owner)
    export = Export.objects.get(user=owner)
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get(path).status_code == 404
    call_command("purge_deleted_accounts", stdout=io.StringIO())
    assert not default_storage.exists(export.file.name)
    assert Export.objects.get(pk=export.pk).status == Export.Status.EXPIRED


def test_link_signed_more_than_seven_days_ago_is_404(client, owner, library, monkeypatch):
    request_export(client, owner)
    export = Export.objects.get(user=owner)
    eight_days_ago = time.time() - 8 * 24 * 3600
    with monkeypatch.context() as patched:
        patched.setattr("django.core.signing.time.time", lambda: eight_days_ago)
        old_token = export_token(export=export)

    assert client.get(f"/accounts/export/{old_token}/").status_code == 404


def test_tampered_token_is_404(client, owner, library):
    path = request_export(client, owner)

    assert client.get(path.replace(":", "x", 1)).status_code == 404


def test_export_page_lists_ready_archives(client, owner, library):
    path = request_export(client, owner)

    html = client.get("/accounts/export/").content.decode()

    assert path in html
    assert "4 photos" in html


def test_empty_library_still_gets_a_manifest(client, stranger):
    archive = download(client, request_export(client, stranger))

    assert archive.namelist() == ["pikoshi.json"]


def test_a_second_request_within_ten_minutes_makes_no_second_archive(client, owner, library):
    request_export(client, owner)

    response = client.post("/accounts/export/", follow=True)

    assert "requested a few minutes ago" in response.content.decode()
    assert Export.objects.filter(user=owner).count() == 1
    Export.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    request_export(client, owner)
    assert Export.objects.filter(user=owner).count() == 2


def test_videos_are_in_the_archive_as_uploaded(client, owner, django_capture_on_commit_callbacks):
    from gallery.services.photos import photo_upload
    from gallery.tests import imagegen, videogen

    data = videogen.clip("mov", seconds=1.5)
    with django_capture_on_commit_callbacks(execute=True):
        photo_upload(owner=owner, file=imagegen.uploaded(data, "IMG_0042.MOV", "video/quicktime"))
    archive = download(client, request_export(client, owner))

    [entry] = json.loads(archive.read("pikoshi.json"))["photos"]
    assert entry["kind"] == "video" and entry["duration_ms"] == 1500
    assert entry["file"] == "Library/IMG_0042.mov"
    assert archive.read(entry["file"]) == data  # the owner's own file: every tag kept


def test_a_live_photo_is_in_the_archive_with_its_mov(
    client, owner, django_capture_on_commit_callbacks
):
    from gallery.services.photos import photo_upload
    from gallery.tests import imagegen, videogen

    still = imagegen.jpeg(content_id="5E3B1C9A-0D7F-4E21-9B6A-2C4D8E0F1A3B")
    mov = videogen.clip("mov", seconds=1, content_id="5E3B1C9A-0D7F-4E21-9B6A-2C4D8E0F1A3B")
    with django_capture_on_commit_callbacks(execute=True):
        photo_upload(owner=owner, file=imagegen.uploaded(still, "IMG_0042.JPG"))
        photo_upload(owner=owner, file=imagegen.uploaded(mov, "IMG_0042.MOV", "video/quicktime"))
    archive = download(client, request_export(client, owner))

    [entry] = json.loads(archive.read("pikoshi.json"))["photos"]
    assert entry["kind"] == "photo" and entry["duration_ms"] == 1000
    assert entry["file"] == "Library/IMG_0042.jpg"
    assert entry["motion_file"] == "Library/IMG_0042.mov"
    assert archive.read(entry["file"]) == still and archive.read(entry["motion_file"]) == mov
