import hashlib
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from gallery.imaging.sniff import ImageRejected
from gallery.models import Album, Photo
from gallery.selectors import albums as album_selectors
from gallery.services import albums as album_services
from gallery.services import photos as photo_services
from gallery.storage import StorageUnavailable
from gallery.tests.factories import (  # noqa: F401
    jpeg_bytes,
    jpeg_upload,
    make_album,
    make_photo,
    media_root_fixture,
    stored_files,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit work (file deletion) the way a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def upload(owner, **kwargs):
    file = kwargs.pop("file", None) or jpeg_upload(**kwargs.pop("image", {}))
    return photo_services.photo_upload(owner=owner, file=file, **kwargs)


def refresh(obj):
    obj.refresh_from_db()
    return obj


# --- Albums -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("media_root")
def test_album_delete_keeps_every_photo_in_the_library_and_its_other_albums(owner):
    album, other = make_album(owner), make_album(owner, title="Other")
    live = [make_photo(owner, album=album) for _ in range(2)]
    already = make_photo(owner, album=album, deleted_at=timezone.now() - timedelta(days=2))
    album_services.album_add_photos(user=owner, album=other, photos=[live[0]])
    assert album_services.album_delete(user=owner, album=album) == 3
    assert not Album.objects.filter(pk=album.pk).exists()
    assert [refresh(photo).in_trash for photo in live] == [False, False]
    assert refresh(already).deleted_at < timezone.now() - timedelta(days=1)  # clock kept
    assert list(other.photos.all()) == [live[0]]
    restored = photo_services.photo_restore(user=owner, photo=already)
    assert not restored.in_trash and not restored.albums.exists()


@pytest.mark.usefixtures("media_root")
def test_stranger_cannot_delete_album(owner, stranger):
    album = make_album(owner)
    photo = make_photo(owner, album=album)
    with pytest.raises(Http404):
        album_services.album_delete(user=stranger, album=album)
    assert Album.objects.filter(pk=album.pk).exists()
    assert not refresh(photo).in_trash


# --- Upload -----------------------------------------------------------------------------------


def test_upload_stores_original_byte_for_byte_and_three_variants(owner, media_root):
    data = jpeg_bytes(64, 48)
    result = upload(owner, file=_file(data, "Beach Day.JPG"))
    photo = refresh(result.photo)
    assert result.created
    assert not photo.albums.exists()  # in the library, in no album
    assert photo.original.read() == data
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert (photo.mime_type, photo.bytes, photo.width, photo.height) == (
        "image/jpeg",
        len(data),
        64,
        48,
    )
    assert photo.original_name == "Beach Day.JPG"
    assert photo.original.name == f"originals/{owner.uuid}/{photo.public_id}.jpg"
    for variant in ("thumb", "mobile", "display"):
        name = photo.variant_file(variant).name
        assert name.startswith(f"variants/{owner.uuid}/{photo.public_id}/{variant}-")
        assert name.endswith(".webp")
        assert photo.variant_file(variant).read(4) == b"RIFF"
        assert getattr(photo, f"{variant}_width") > 0
    assert len(stored_files(media_root)) == 4


def test_variant_names_are_not_guessable(owner, media_root):
    first = upload(owner, image={"color": (10, 20, 30)}).photo
    second = upload(owner, image={"color": (200, 100, 10)}).photo
    suffix = lambda p: p.thumb.name.rsplit("/", 1)[1]  # noqa: E731
    assert suffix(first) != suffix(second)
    assert len(suffix(first)) >= len("thumb-") + 20


def test_upload_into_named_album_with_title(owner, media_root):
    album = make_album(owner)
    photo = upload(owner, album=album, title="  Sunset ").photo
    assert (list(refresh(photo).albums.all()), photo.title) == ([album], "Sunset")


def test_upload_into_strangers_album_is_404_and_stores_nothing(owner, stranger, media_root):
    album = make_album(stranger)
    with pytest.raises(Http404):
        upload(owner, album=album)
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_exif_date_becomes_taken_at_in_current_timezone(owner, media_root, settings):
    settings.TIME_ZONE = "Europe/Paris"
    with timezone.override("Europe/Paris"):
        photo = upload(owner, image={"taken": datetime(2024, 7, 14, 12, 30, 0)}).photo
    photo.refresh_from_db()
    assert photo.taken_at_from_exif
    assert photo.taken_at == datetime(2024, 7, 14, 10, 30, tzinfo=timezone.UTC)


def test_without_exif_date_taken_at_is_upload_time(owner, media_root):
    before = timezone.now()
    photo = refresh(upload(owner).photo)
    assert not photo.taken_at_from_exif
    assert before <= photo.taken_at <= timezone.now()


def test_duplicate_upload_returns_existing_and_stores_nothing(owner, media_root):
    data = jpeg_bytes()
    first = upload(owner, file=_file(data))
    files = stored_files(media_root)
    again = upload(owner, file=_file(data, "copy.jpg"))
    assert (again.created, again.photo.pk) == (False, first.photo.pk)
    assert Photo.objects.count() == 1
    assert stored_files(media_root) == files


def test_same_bytes_from_two_people_are_two_photos(owner, stranger, media_root):
    data = jpeg_bytes()
    assert upload(owner, file=_file(data)).created
    assert upload(stranger, file=_file(data)).created
    assert Photo.objects.count() == 2


def test_duplicate_of_a_trashed_photo_comes_back_from_the_trash(owner, media_root):
    data = jpeg_bytes()
    photo = upload(owner, file=_file(data)).photo
    photo_services.photo_trash(user=owner, photo=photo)
    again = upload(owner, file=_file(data))
    assert (again.created, again.restored, again.photo.pk) == (False, True, photo.pk)
    assert not refresh(photo).in_trash


def test_upload_race_on_same_bytes_returns_winner_and_removes_loser_files(
    owner, media_root, monkeypatch
):
    """The other upload commits between our duplicate check and our insert."""
    data = jpeg_bytes()
    real_process = photo_services.process_image
    winner = {}

    def process_then_lose_race(source, **kwargs):
        result = real_process(source, **kwargs)
        monkeypatch.setattr(photo_services, "process_image", real_process)
        winner["photo"] = upload(owner, file=_file(data)).photo
        return result

    monkeypatch.setattr(photo_services, "process_image", process_then_lose_race)
    winner_files = None
    result = upload(owner, file=_file(data))
    winner_files = sorted(
        [winner["photo"].original.name]
        + [winner["photo"].variant_file(v).name for v in ("thumb", "mobile", "display")]
    )
    assert (result.created, result.photo.pk) == (False, winner["photo"].pk)
    assert Photo.objects.count() == 1
    assert stored_files(media_root) == winner_files


def test_storage_failure_half_way_leaves_no_row_and_no_file(owner, media_root, monkeypatch):
    from django.core.files.storage import storages

    storage = storages["default"]  # the very object behind Photo's FileFields
    real_save = storage._save
    calls = []

    def failing_save(name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(name, content)

    monkeypatch.setattr(storage, "_save", failing_save)
    with pytest.raises(StorageUnavailable, match="try this upload again") as failure:
        upload(owner)
    assert isinstance(failure.value.__cause__, OSError)
    assert len(calls) == 2
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_committed_upload_keeps_its_files(owner, media_root, on_commit):
    with on_commit():
        with transaction.atomic():
            upload(owner)
    assert len(stored_files(media_root)) == 4


def test_rejected_image_stores_nothing(owner, media_root):
    with pytest.raises(ImageRejected) as caught:
        upload(owner, file=_file(b"<html><script>alert(1)</script></html>", "x.jpg"))
    assert caught.value.status == 415
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_upload_over_the_size_limit_is_refused_before_reading(owner, media_root, settings):
    settings.PIKOSHI_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ImageRejected) as caught:
        upload(owner)
    assert (caught.value.status, caught.value.code) == (413, "file_too_large")
    assert stored_files(media_root) == []


def test_empty_upload_is_refused(owner, media_root):
    with pytest.raises(ImageRejected) as caught:
        upload(owner, file=_file(b""))
    assert caught.value.code == "empty_file"


def test_upload_keeps_only_the_base_of_the_uploaded_name(owner, media_root):
    photo = upload(owner, file=_file(jpeg_bytes(), "C:\\Users\\me\\..\\secret\x00.jpg")).photo
    assert refresh(photo).original_name == "secret.jpg"


def _file(data: bytes, name: str = "photo.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


# --- Covers -----------------------------------------------------------------------------------


def _cover(album):
    return album_selectors.album_with_cover(album=refresh(album)).shown_cover


def test_the_newest_photo_is_the_cover_until_the_owner_picks_one(owner, media_root):
    album = make_album(owner)
    start = timezone.now()
    older = make_photo(owner, album=album, taken_at=start - timedelta(days=1))
    newer = make_photo(owner, album=album, taken_at=start)
    assert _cover(album) == newer
    album_services.album_set_cover(user=owner, album=album, photo=older)
    assert _cover(album) == older
    album_services.album_set_cover(user=owner, album=album, photo=None)
    assert _cover(album) == newer


def test_a_cover_in_the_trash_or_taken_out_gives_way_to_the_newest(owner, media_root):
    album = make_album(owner)
    start = timezone.now()
    older = make_photo(owner, album=album, taken_at=start - timedelta(days=1))
    newer = make_photo(owner, album=album, taken_at=start)
    album_services.album_set_cover(user=owner, album=album, photo=older)
    photo_services.photo_trash(user=owner, photo=older)
    assert _cover(album) == newer
    photo_services.photo_restore(user=owner, photo=older)
    assert _cover(album) == older
    album_services.album_remove_photos(user=owner, album=album, photos=[older])
    assert _cover(album) == newer
    album_services.album_remove_photos(user=owner, album=album, photos=[newer])
    assert _cover(album) is None


def test_only_the_owner_picks_a_cover_and_only_among_the_albums_photos(owner, guest, media_root):
    album = make_album(owner)
    inside = make_photo(owner, album=album)
    outside = make_photo(owner)
    with pytest.raises(Http404):
        album_services.album_set_cover(user=owner, album=album, photo=outside)
    with pytest.raises(Http404):
        album_services.album_set_cover(user=guest, album=album, photo=inside)
    assert refresh(album).cover is None


# --- Photos -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("media_root")
def test_photo_update_title(owner):
    photo = make_photo(owner)
    photo_services.photo_update(user=owner, photo=photo, title=" Dawn ")
    assert refresh(photo).title == "Dawn"


@pytest.mark.usefixtures("media_root")
def test_a_photo_cannot_be_added_to_someone_elses_album(owner, stranger):
    photo = make_photo(owner)
    theirs = make_album(stranger)
    with pytest.raises(Http404):
        album_services.album_add_photos(user=owner, album=theirs, photos=[photo])
    assert not refresh(photo).albums.exists()


@pytest.mark.usefixtures("media_root")
def test_stranger_cannot_update_trash_restore_or_delete_a_photo(owner, stranger):
    photo = make_photo(owner)
    for call in (
        lambda: photo_services.photo_update(user=stranger, photo=photo, title="x"),
        lambda: photo_services.photo_trash(user=stranger, photo=photo),
        lambda: photo_services.photo_restore(user=stranger, photo=photo),
        lambda: photo_services.photo_delete_forever(user=stranger, photo=photo),
    ):
        with pytest.raises(Http404):
            call()
    photo.refresh_from_db()
    assert (photo.title, photo.in_trash) == ("", False)


@pytest.mark.usefixtures("media_root")
def test_trashed_photo_must_be_restored_before_editing(owner):
    photo = make_photo(owner, deleted_at=timezone.now())
    with pytest.raises(ValidationError):
        photo_services.photo_update(user=owner, photo=photo, title="x")


@pytest.mark.usefixtures("media_root")
def test_title_too_long_is_refused(owner):
    photo = make_photo(owner)
    with pytest.raises(ValidationError):
        photo_services.photo_update(user=owner, photo=photo, title="x" * 201)
    assert refresh(photo).title == ""


@pytest.mark.usefixtures("media_root")
def test_trash_and_restore(owner):
    photo = make_photo(owner)
    photo_services.photo_trash(user=owner, photo=photo)
    assert refresh(photo).in_trash
    trashed_at = photo.deleted_at
    photo_services.photo_trash(user=owner, photo=photo)  # twice is harmless, the clock is kept
    assert refresh(photo).deleted_at == trashed_at
    photo_services.photo_restore(user=owner, photo=photo)
    assert not refresh(photo).in_trash


def test_delete_forever_removes_row_and_every_file_after_commit(owner, media_root, on_commit):
    photo = upload(owner).photo
    keep = upload(owner, image={"color": (0, 0, 200)}).photo
    photo_services.photo_trash(user=owner, photo=photo)
    with on_commit() as callbacks:
        photo_services.photo_delete_forever(user=owner, photo=photo)
        assert len(stored_files(media_root)) == 8  # nothing deleted before commit
    assert callbacks
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert stored_files(media_root) == sorted(
        [keep.original.name] + [keep.variant_file(v).name for v in ("thumb", "mobile", "display")]
    )


def test_rolled_back_delete_keeps_row_and_files(owner, media_root):
    photo = upload(owner).photo
    photo_services.photo_trash(user=owner, photo=photo)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            photo_services.photo_delete_forever(user=owner, photo=photo)
            raise RuntimeError
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert len(stored_files(media_root)) == 4


def test_a_photo_not_in_the_trash_is_not_deleted_for_good(owner, guest, media_root, on_commit):
    photo = upload(owner).photo
    with on_commit():
        with pytest.raises(Http404):
            photo_services.photo_delete_forever(user=owner, photo=photo)
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert len(stored_files(media_root)) == 4
    photo_services.photo_trash(user=owner, photo=photo)
    with pytest.raises(Http404):
        photo_services.photo_delete_forever(user=guest, photo=photo)
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_trash_empty_removes_only_my_trash(owner, stranger, media_root, on_commit):
    mine = [upload(owner, image={"color": (100 * i, 0, 0)}).photo for i in range(2)]
    kept = upload(owner, image={"color": (0, 200, 0)}).photo
    theirs = upload(stranger).photo
    for photo in mine:
        photo_services.photo_trash(user=owner, photo=photo)
    photo_services.photo_trash(user=stranger, photo=theirs)
    with on_commit():
        assert photo_services.trash_empty(user=owner) == 2
    assert set(Photo.objects.all()) == {kept, theirs}
    assert len(stored_files(media_root)) == 8


def test_trash_purge_removes_only_old_trash(owner, stranger, media_root, on_commit):
    now = timezone.now()
    old = make_photo(owner, deleted_at=now - timedelta(days=31))
    old_theirs = make_photo(stranger, deleted_at=now - timedelta(days=40))
    recent = make_photo(owner, deleted_at=now - timedelta(days=29))
    live = make_photo(owner)
    with on_commit():
        assert photo_services.trash_purge(older_than=timedelta(days=30)) == 2
    assert set(Photo.objects.all()) == {recent, live}
    assert len(stored_files(media_root)) == 8
    assert not any(
        str(old.public_id) in f or str(old_theirs.public_id) in f for f in stored_files(media_root)
    )


# --- Contributors -----------------------------------------------------------------------------


@pytest.fixture
def contributor(owner, guest):
    from gallery.models import AlbumMember

    album = make_album(owner, title="Shared")
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.CONTRIBUTOR)
    return album


def test_contributor_uploads_into_the_shared_album_as_owner_of_the_photo(
    guest, contributor, media_root
):
    photo = upload(guest, album=contributor).photo
    photo.refresh_from_db()
    assert (photo.owner, list(photo.albums.all())) == (guest, [contributor])
    assert photo.original.name.startswith(f"originals/{guest.uuid}/")


def test_viewer_cannot_upload_into_the_album(owner, guest, media_root):
    from gallery.models import AlbumMember

    album = make_album(owner)
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.VIEWER)
    with pytest.raises(Http404):
        upload(guest, album=album)
    assert stored_files(media_root) == []


def test_deleting_a_shared_album_leaves_each_photo_with_its_owner(
    owner, guest, contributor, media_root
):
    theirs = upload(guest, album=contributor, image={"color": (0, 0, 250)}).photo
    mine = upload(owner, album=contributor, image={"color": (250, 0, 0)}).photo
    assert album_services.album_delete(user=owner, album=contributor) == 2
    assert refresh(theirs).owner == guest and refresh(mine).owner == owner
    assert not refresh(theirs).in_trash and not refresh(mine).in_trash
