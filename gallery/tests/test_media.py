import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import User
from gallery import media
from gallery.services.photos import photo_trash
from gallery.tests.factories import album_of, make_photo, media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def photo(owner):
    return make_photo(owner, title="Sunset")


def get(client, url, **headers):
    return client.get(url, headers=headers)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def travel(monkeypatch, seconds):
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + seconds)


# --- URLs -------------------------------------------------------------------------------------


def test_url_is_relative_and_hides_everything_sequential(owner, photo):
    url = media.media_url(photo=photo, variant="thumb", user=owner)
    assert url.startswith("/media/") and url.endswith("/")
    assert photo.thumb.name not in url
    assert f"/{photo.pk}/" not in url


def test_urls_from_the_same_minute_are_identical_so_browsers_can_cache(owner, photo, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)
    first = media.media_url(photo=photo, variant="thumb", user=owner)
    monkeypatch.setattr(time, "time", lambda: 1_800_000_030.0)
    assert media.media_url(photo=photo, variant="thumb", user=owner) == first


def test_owner_gets_every_variant_and_the_original(owner, photo):
    assert set(media.media_urls(photo=photo, user=owner)) == {
        "thumb",
        "mobile",
        "display",
        "original",
    }


def test_others_get_no_original_url(owner, stranger, photo):
    assert "original" not in media.media_urls(photo=photo, user=stranger)


def test_anonymous_gets_no_urls(photo):
    assert media.media_urls(photo=photo, user=AnonymousUser()) == {}
    assert media.media_url(photo=photo, variant="thumb", user=AnonymousUser()) == ""


def test_unknown_variant_is_a_programming_error(owner, photo):
    with pytest.raises(ValueError):
        media.media_url(photo=photo, variant="huge", user=owner)


# --- Serving ----------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["thumb", "mobile", "display"])
def test_owner_gets_variant_with_private_caching_headers(client, owner, photo, variant):
    response = get(client, media.media_url(photo=photo, variant=variant, user=owner))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private, max-age=")
    assert 500 <= int(response["Cache-Control"].rsplit("=", 1)[1]) <= 600
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert response["Content-Disposition"] == f'inline; filename="{photo.public_id}-{variant}.webp"'
    with photo.variant_file(variant).open("rb") as stored:
        assert body(response) == stored.read()


def test_each_variant_has_its_own_etag(client, owner, photo):
    etags = {
        get(client, media.media_url(photo=photo, variant=v, user=owner))["ETag"]
        for v in ("thumb", "mobile", "display", "original")
    }
    assert len(etags) == 4


def test_owner_downloads_original_byte_for_byte_as_attachment(client, owner, photo):
    response = get(client, media.media_url(photo=photo, variant="original", user=owner))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="IMG_0001.jpg"'
    assert response["ETag"] == f'"{photo.sha256}"'
    with photo.original.open("rb") as stored:
        assert body(response) == stored.read()


def test_original_download_name_is_made_safe(client, owner, photo):
    photo.original_name = '"><script>x</script>.html'
    photo.save()
    response = get(client, media.media_url(photo=photo, variant="original", user=owner))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert disposition.endswith('.jpg"')
    assert "<" not in disposition and ".html" not in disposition


def test_original_with_an_unexpected_type_is_never_rendered(client, owner, photo):
    photo.mime_type = "text/html"
    photo.save()
    response = get(client, media.media_url(photo=photo, variant="original", user=owner))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_matching_if_none_match_gets_304(client, owner, photo):
    url = media.media_url(photo=photo, variant="thumb", user=owner)
    etag = get(client, url)["ETag"]
    response = get(client, url, if_none_match=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response["Cache-Control"].startswith("private, max-age=")
    assert get(client, url, if_none_match=f'"other", {etag}').status_code == 304
    assert get(client, url, if_none_match='"other"').status_code == 200


def test_head_is_allowed_and_writes_are_not(client, owner, photo):
    url = media.media_url(photo=photo, variant="thumb", user=owner)
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_url_is_the_credential_so_an_img_without_cookies_works(client, owner, photo):
    url = media.media_url(photo=photo, variant="thumb", user=owner)
    assert get(client, url).status_code == 200  # this client is not signed in


def test_x_accel_redirect_hands_the_file_to_nginx(client, owner, photo, settings):
    settings.PIKOSHI_X_ACCEL_REDIRECT = "/protected-media/"
    response = get(client, media.media_url(photo=photo, variant="display", user=owner))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.display.name}"
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"].startswith("private, max-age=")
    assert response.content == b""


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["thumb", "original"])
def test_url_issued_to_a_stranger_is_404(client, stranger, photo, variant):
    url = media.media_url(photo=photo, variant=variant, user=stranger)
    assert get(client, url).status_code == 404


def test_url_issued_to_a_guest_without_a_share_is_404(client, guest, photo):
    assert (
        get(client, media.media_url(photo=photo, variant="display", user=guest)).status_code == 404
    )


def test_tampered_token_is_404(client, owner, photo):
    url = media.media_url(photo=photo, variant="thumb", user=owner)
    token = url.split("/")[2]
    for bad in [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token.replace(".thumb.", ".original.", 1),
        token.replace(photo.public_id.hex, "0" * 32, 1),
        "nonsense",
        "a:b:c",
    ]:
        assert client.get(f"/media/{bad}/").status_code == 404, bad


def test_token_signed_for_another_purpose_is_404(client, owner, photo):
    from django.core import signing

    forged = signing.TimestampSigner(salt="something.else").sign(
        f"{photo.public_id.hex}.thumb.u{owner.uuid.hex}"
    )
    assert client.get(f"/media/{forged}/").status_code == 404


def test_expired_url_is_404(client, owner, photo, settings, monkeypatch):
    url = media.media_url(photo=photo, variant="thumb", user=owner)
    travel(monkeypatch, settings.PIKOSHI_MEDIA_URL_MAX_AGE + media.SIGNING_BUCKET_SECONDS + 1)
    assert get(client, url).status_code == 404


def test_url_near_its_end_is_cached_only_for_what_is_left(client, owner, photo, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)
    url = media.media_url(photo=photo, variant="thumb", user=owner)
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0 + 590)
    response = get(client, url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=10"


def test_trashed_photo_is_404_at_once_for_everyone_but_its_owner(
    client, owner, guest, photo, shared_with_guest
):
    guest_url = media.media_url(photo=photo, variant="thumb", user=guest)
    owner_url = media.media_url(photo=photo, variant="thumb", user=owner)
    assert get(client, guest_url).status_code == 200
    photo_trash(user=owner, photo=photo)
    assert get(client, guest_url).status_code == 404
    # The owner's trash page still shows what would be lost.
    assert get(client, owner_url).status_code == 200


def test_deleted_photo_is_404(client, owner, photo):
    url = media.media_url(photo=photo, variant="thumb", user=owner)
    photo.delete()
    assert get(client, url).status_code == 404


def test_deactivated_subject_loses_access_at_once(client, owner, photo):
    url = media.media_url(photo=photo, variant="thumb", user=owner)
    owner.is_active = False
    owner.save()
    assert get(client, url).status_code == 404


def test_missing_file_in_storage_is_404(client, owner, photo):
    url = media.media_url(photo=photo, variant="thumb", user=owner)
    photo.thumb.storage.delete(photo.thumb.name)
    assert get(client, url).status_code == 404


def test_photo_in_the_trash_stays_hidden_from_strangers(client, owner, stranger):
    trashed = make_photo(owner, deleted_at=timezone.now())
    assert (
        get(client, media.media_url(photo=trashed, variant="original", user=owner)).status_code
        == 200
    )
    url = media.media_url(photo=trashed, variant="thumb", user=stranger)
    assert get(client, url).status_code == 404


# --- Sharing: the subject's access is checked again on every request ---------------------------


def _read_exif(data: bytes):
    import io

    from PIL import Image

    exif = Image.open(io.BytesIO(data)).getexif()
    return exif, dict(exif.get_ifd(0x8825))


@pytest.fixture
def shared_with_guest(owner, guest, photo):
    from gallery.models import AlbumMember

    return AlbumMember.objects.create(album=album_of(photo), user=guest)


def test_guest_named_on_the_album_sees_variants_but_not_the_original(
    client, guest, photo, shared_with_guest
):
    assert (
        get(client, media.media_url(photo=photo, variant="display", user=guest)).status_code == 200
    )
    assert "original" not in media.media_urls(photo=photo, user=guest)
    url = media.media_url(photo=photo, variant="original", user=guest)
    assert get(client, url).status_code == 404


def test_removing_the_guest_breaks_urls_already_handed_out(client, guest, photo, shared_with_guest):
    url = media.media_url(photo=photo, variant="thumb", user=guest)
    assert get(client, url).status_code == 200
    shared_with_guest.delete()
    assert get(client, url).status_code == 404


def _link(album, **fields):
    import secrets

    from gallery.models import ShareLink

    return ShareLink.objects.create(album=album, token_hash=secrets.token_hex(32), **fields)


def test_share_link_serves_variants_of_its_album_only(client, owner, photo):
    from gallery.tests.factories import make_album

    link = _link(album_of(photo))
    assert get(client, media.media_url(photo=photo, variant="thumb", link=link)).status_code == 200
    other = make_photo(owner, album=make_album(owner, title="Elsewhere"))
    assert get(client, media.media_url(photo=other, variant="thumb", link=link)).status_code == 404


def test_revoked_or_expired_link_breaks_its_media_urls(client, photo):
    from datetime import timedelta

    link = _link(album_of(photo))
    url = media.media_url(photo=photo, variant="thumb", link=link)
    link.revoked_at = timezone.now()
    link.save()
    assert get(client, url).status_code == 404
    expired = _link(album_of(photo), expires_at=timezone.now() - timedelta(minutes=1))
    assert (
        get(client, media.media_url(photo=photo, variant="thumb", link=expired)).status_code == 404
    )


def test_link_original_needs_allow_download(client, photo):
    link = _link(album_of(photo))
    assert (
        get(client, media.media_url(photo=photo, variant="original", link=link)).status_code == 404
    )


def test_link_original_loses_location_and_camera_unless_allowed(
    client: Client, owner: User
) -> None:
    from gallery.tests.factories import jpeg_with_gps_bytes

    data = jpeg_with_gps_bytes()
    photo = make_photo(owner, original=data)
    plain = _link(album_of(photo), allow_download=True)
    response = get(client, media.media_url(photo=photo, variant="original", link=plain))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'attachment; filename="photo-{photo.public_id}.jpg"'
    exif, gps = _read_exif(body(response))
    assert gps == {} and 0x010F not in exif
    assert response["ETag"] != f'"{photo.sha256}"'

    generous = _link(album_of(photo), allow_download=True, share_camera=True, share_location=True)
    response = get(client, media.media_url(photo=photo, variant="original", link=generous))
    exif, gps = _read_exif(body(response))
    assert gps and exif[0x010F] == "Pixelmaker"
    assert response["ETag"] != plain and response.status_code == 200


def test_link_original_is_handed_to_nginx_only_as_its_stripped_copy(
    client: Client, owner: User, settings: Settings
) -> None:
    from django.core.files.storage import default_storage

    from gallery.tests.factories import jpeg_with_gps_bytes

    settings.PIKOSHI_X_ACCEL_REDIRECT = "/protected-media/"
    photo = make_photo(owner, original=jpeg_with_gps_bytes())
    link = _link(album_of(photo), allow_download=True)
    response = get(client, media.media_url(photo=photo, variant="original", link=link))
    (copy,) = photo.shared_originals.all()
    assert response["X-Accel-Redirect"] == f"/protected-media/{copy.file.name}"
    assert photo.original.name not in response["X-Accel-Redirect"]
    with default_storage.open(copy.file.name, "rb") as stream:
        assert _read_exif(stream.read())[1] == {}
