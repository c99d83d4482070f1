"""Storage quota: usage counts every original (trash included); an upload past it is 413."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from gallery.imaging.sniff import ImageRejected
from gallery.models import Photo
from gallery.selectors.photos import user_storage_usage
from gallery.services.photos import photo_upload, storage_check_quota
from gallery.tests.factories import jpeg_bytes, make_photo, page_upload, page_uploader_client
from gallery.tests.factories import media_root_fixture as media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def upload_file(data: bytes, name="beach.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_usage_sums_originals_including_the_trash(owner, stranger):
    from django.utils import timezone

    live = make_photo(owner)
    trashed = make_photo(owner, deleted_at=timezone.now())
    make_photo(stranger)

    usage = user_storage_usage(user=owner)

    assert usage.used == live.bytes + trashed.bytes
    assert usage.quota is None  # PIKOSHI_DEFAULT_QUOTA_BYTES is 0: unlimited


def test_personal_quota_overrides_the_default_and_zero_is_unlimited(owner, settings):
    settings.PIKOSHI_DEFAULT_QUOTA_BYTES = 1000
    assert user_storage_usage(user=owner).quota == 1000
    owner.storage_quota_bytes = 5000
    assert user_storage_usage(user=owner).quota == 5000
    owner.storage_quota_bytes = 0
    assert user_storage_usage(user=owner).quota is None


def test_upload_past_the_quota_is_refused_with_413_and_what_is_left(owner):
    data = jpeg_bytes()
    existing = make_photo(owner)
    owner.storage_quota_bytes = existing.bytes + len(data) - 1
    owner.save()

    with pytest.raises(ImageRejected) as refused:
        photo_upload(owner=owner, file=upload_file(data))

    assert refused.value.status == 413
    assert refused.value.code == "quota_exceeded"
    assert "left" in str(refused.value)
    assert Photo.objects.filter(owner=owner).count() == 1


def test_upload_that_fits_exactly_is_stored(owner):
    data = jpeg_bytes()
    owner.storage_quota_bytes = len(data)
    owner.save()

    result = photo_upload(owner=owner, file=upload_file(data))

    assert result.created
    assert user_storage_usage(user=owner).left == 0


def test_uploading_bytes_already_in_the_library_needs_no_room(owner):
    data = jpeg_bytes()
    photo_upload(owner=owner, file=upload_file(data))
    owner.storage_quota_bytes = len(data)
    owner.save()

    result = photo_upload(owner=owner, file=upload_file(data, name="again.jpg"))

    assert not result.created


def test_quota_check_reads_the_limit_fresh_from_the_database(owner):
    """An admin's change applies to uploads already holding an old copy of the user."""
    from accounts.models import User

    User.objects.filter(pk=owner.pk).update(storage_quota_bytes=10)
    with pytest.raises(ImageRejected):
        storage_check_quota(user=owner, adding=11)
    storage_check_quota(user=owner, adding=10)


def test_page_upload_answers_413_json_with_the_message(owner):
    owner.storage_quota_bytes = 100
    owner.save()

    response = page_upload(page_uploader_client(owner), upload_file(jpeg_bytes()))

    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "quota_exceeded"
    assert "100\xa0bytes left of 100\xa0bytes" in body["detail"]


def test_html_upload_without_script_shows_the_message(client, owner):
    owner.storage_quota_bytes = 100
    owner.save()
    client.force_login(owner)

    response = client.post("/upload/", {"file": upload_file(jpeg_bytes())}, follow=True)

    html = response.content.decode()
    assert "does not fit in your storage" in html
    assert not Photo.objects.filter(owner=owner).exists()


def test_api_upload_answers_413_with_the_message(owner):
    owner.storage_quota_bytes = 100
    owner.save()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(owner)}")

    response = client.post("/api/photos/", {"file": upload_file(jpeg_bytes())})

    assert response.status_code == 413
    assert response.json()["code"] == "quota_exceeded"
    assert "left" in response.json()["detail"]


def test_contributor_uploads_count_against_the_contributors_own_quota(owner, guest):
    from gallery.models import AlbumMember
    from gallery.tests.factories import make_album

    album = make_album(owner, title="Wedding")
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.CONTRIBUTOR)
    guest.storage_quota_bytes = 10
    guest.save()

    with pytest.raises(ImageRejected):
        photo_upload(owner=guest, file=upload_file(jpeg_bytes()), album=album)


def test_usage_is_on_the_upload_and_account_pages(client, owner):
    make_photo(owner)
    owner.storage_quota_bytes = 10 * 1024 * 1024
    owner.save()
    client.force_login(owner)

    for url in ("/upload/", "/accounts/profile/"):
        html = client.get(url).content.decode()
        assert "of 10.0\xa0MB used" in html, url
        assert "trash included" in html
