"""purge_trash runs outside any request: real commits, so files go when rows go."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gallery.models import Photo
from gallery.tests.factories import make_photo, media_root_fixture, stored_files  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]


def files_of(photo):
    return [photo.original.name] + [
        photo.variant_file(v).name for v in ("thumb", "mobile", "display")
    ]


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_trash", *args, stdout=out)
    return out.getvalue()


def test_purge_removes_old_trash_and_its_files_and_keeps_the_rest(owner, stranger, media_root):
    now = timezone.now()
    old = make_photo(owner, deleted_at=now - timedelta(days=31))
    old_theirs = make_photo(stranger, deleted_at=now - timedelta(days=45))
    recent = make_photo(owner, deleted_at=now - timedelta(days=29))
    live = make_photo(owner)

    assert purge() == "Removed 2 photos that were in the trash over 30 days.\n"

    assert set(Photo.objects.all()) == {recent, live}
    assert stored_files(media_root) == sorted(files_of(recent) + files_of(live))
    assert not any(
        str(p.public_id) in f for p in (old, old_theirs) for f in stored_files(media_root)
    )


def test_days_option_overrides_the_setting(owner, media_root):
    now = timezone.now()
    make_photo(owner, deleted_at=now - timedelta(days=8))
    kept = make_photo(owner, deleted_at=now - timedelta(days=6))
    assert purge("--days", "7") == "Removed 1 photo that were in the trash over 7 days.\n"
    assert list(Photo.objects.all()) == [kept]
    assert stored_files(media_root) == sorted(files_of(kept))


def test_setting_decides_by_default(owner, settings):
    settings.PIKOSHI_TRASH_DAYS = 2
    make_photo(owner, deleted_at=timezone.now() - timedelta(days=3))
    assert purge().startswith("Removed 1 photo ")
    assert not Photo.objects.exists()


def test_nothing_to_purge(owner):
    make_photo(owner)
    assert purge() == "Removed 0 photos that were in the trash over 30 days.\n"
    assert Photo.objects.count() == 1


def test_negative_days_are_refused(owner):
    with pytest.raises(CommandError):
        purge("--days", "-1")


def test_purge_works_through_several_batches(owner, media_root, monkeypatch):
    from gallery.services import photos as photo_services

    monkeypatch.setattr(photo_services, "DELETE_BATCH", 2)
    old = timezone.now() - timedelta(days=40)
    for _ in range(5):
        make_photo(owner, deleted_at=old)
    assert purge() == "Removed 5 photos that were in the trash over 30 days.\n"
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []
