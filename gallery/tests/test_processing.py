"""Variant generation off the request path, with Django's dummy task backend as the queue.

The dummy backend records what was enqueued without running it, so these tests play the
worker by calling the job themselves. test_tasks_rq.py runs real RQ workers.
"""

import base64
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone

from gallery import processing
from gallery.imaging.variants import VARIANT_SIZES
from gallery.models import Photo
from gallery.services import photos as photo_services
from gallery.services.photos import photo_upload
from gallery.tasks import render_variants
from gallery.tests.factories import (  # noqa: F401
    album_of,
    jpeg_bytes,
    make_photo,
    media_root_fixture,
    page_upload,
    page_uploader_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queue(settings):
    settings.TASKS = DUMMY
    backend = task_backends["default"]
    backend.clear()
    return backend


def upload(owner, data=None, capture=None):
    data = data or jpeg_bytes(900, 600)
    file = SimpleUploadedFile("beach.jpg", data, content_type="image/jpeg")
    if capture is None:
        return photo_upload(owner=owner, file=file).photo
    with capture(execute=True):
        return photo_upload(owner=owner, file=file).photo


def stored_files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def enqueued(queue) -> list[tuple]:
    return [(r.task.name, tuple(r.args)) for r in queue.results]


def test_every_variant_rendered_has_a_file_and_a_size_on_the_photo():
    """The variant list lives in one place; the model must have room for each of them."""
    fields = {field.name for field in Photo._meta.get_fields()}

    for name in VARIANT_SIZES:
        assert {name, f"{name}_width", f"{name}_height"} <= fields


def test_inline_backend_makes_photos_ready_at_upload(owner, media_root):
    photo = upload(owner)
    assert photo.status == Photo.Status.READY
    assert len(stored_files(media_root)) == 4
    assert not photo_services.runs_in_background()


def test_a_ready_photo_has_its_thumbhash_placeholder(owner, media_root):
    """A few bytes in the row that the grid shows while the thumbnail loads."""
    photo = upload(owner)
    raw = base64.b64decode(photo.thumbhash, validate=True)
    assert 5 < len(raw) <= 32
    landscape = raw[4] >> 7
    assert landscape == int(photo.width > photo.height)


def test_photos_from_before_placeholders_get_theirs_from_the_stored_thumbnail(owner, media_root):
    """`fill_placeholders` reads the thumbnail a photo already has; one whose thumbnail is
    gone is left for the next run, and the count says so."""
    fresh, old, lost = (
        upload(owner, jpeg_bytes(900, 600, color=(c, 90, 30))) for c in (20, 120, 220)
    )
    expected = fresh.thumbhash
    Photo.objects.filter(pk__in=[fresh.pk, old.pk, lost.pk]).update(thumbhash="")
    default_storage.delete(lost.thumb.name)
    out = io.StringIO()
    call_command("fill_placeholders", stdout=out)
    assert out.getvalue().strip() == ("Filled 2 placeholders; 1 thumbnail could not be read.")
    fresh.refresh_from_db()
    old.refresh_from_db()
    lost.refresh_from_db()
    assert fresh.thumbhash == expected  # the same answer as at upload
    assert old.thumbhash and lost.thumbhash == ""
    out = io.StringIO()
    call_command("fill_placeholders", stdout=out)
    assert out.getvalue().strip() == "Filled 0 placeholders; 1 thumbnail could not be read."


def test_thumbhash_matches_its_format_byte_for_byte():
    """Known answers from the format's own encoder (the vendored thumbhash.js): a flat
    grey, and a red-to-blue gradient whose lower half is half transparent."""
    from gallery.imaging.thumbhash import rgba_to_thumbhash

    grey = bytes([128, 128, 128, 255]) * 12
    assert rgba_to_thumbhash(4, 3, grey).hex() == "200802058068655b89878884889888700000000000"
    gradient = bytes(
        value
        for y in range(6)
        for x in range(8)
        for value in (x * 32, 40, 255 - x * 32, 255 if y < 3 else 128)
    )
    assert rgba_to_thumbhash(8, 6, gradient).hex() == (
        "d8858274942b4b99858774f808888670678887f87878888507"
    )
    with pytest.raises(ValueError, match="does not fit"):
        rgba_to_thumbhash(101, 1, bytes(404))


def test_with_a_queue_upload_stores_the_original_and_enqueues_after_commit(
    owner, queue, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo = upload(owner)
        assert queue.results == []  # nothing leaves before the row is committed
    for callback in callbacks:
        callback()

    photo.refresh_from_db()
    assert photo.status == Photo.Status.PENDING
    assert photo.queued_at is not None
    assert (photo.width, photo.height) == (900, 600)
    assert not photo.thumb.name and not photo.display.name
    assert stored_files(media_root) == {photo.original.name}
    assert enqueued(queue) == [("render_variants", (photo.pk,))]


def test_the_job_makes_the_variants_and_the_photo_ready(
    owner, queue, media_root, django_capture_on_commit_callbacks
):
    photo = upload(owner, capture=django_capture_on_commit_callbacks)
    assert render_variants.call(photo.pk) == "ready"

    photo.refresh_from_db()
    assert photo.status == Photo.Status.READY and photo.attempts == 1
    assert (photo.display_width, photo.display_height) == (900, 600)
    assert (photo.thumb_width, photo.thumb_height) == (300, 200)
    assert stored_files(media_root) == {
        photo.original.name,
        photo.thumb.name,
        photo.mobile.name,
        photo.display.name,
    }
    assert render_variants.call(photo.pk) == "nothing to do"


def test_pages_and_api_show_a_placeholder_until_ready(
    owner, queue, client, django_capture_on_commit_callbacks
):
    photo = upload(owner, capture=django_capture_on_commit_callbacks)
    client.force_login(owner)

    api = client.get(f"/api/photos/{photo.public_id}/").json()
    assert api["status"] == "processing"
    assert set(api["urls"]) == {"original"}
    page = client.get(reverse("photo_detail", args=[photo.public_id])).content.decode()
    assert "still being processed" in page
    assert "viewer-image" not in page
    grid = client.get(reverse("home")).content.decode()
    assert "tile-pending" in grid

    render_variants.call(photo.pk)
    api = client.get(f"/api/photos/{photo.public_id}/").json()
    assert api["status"] == "ready"
    assert set(api["urls"]) == {"thumb", "mobile", "display", "original"}
    assert "failure_reason" not in api
    assert (
        "viewer-image"
        in client.get(reverse("photo_detail", args=[photo.public_id])).content.decode()
    )


def test_the_upload_answer_says_processing(owner, queue, client):
    client.force_login(owner)
    file = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    answer = page_upload(page_uploader_client(owner), file)
    assert answer.status_code == 201
    assert answer.json()["status"] == "processing"
    # No thumbnail yet: the page's JS shows its "Processing…" tile for this answer.
    assert "thumb" not in answer.json()["urls"]
    assert answer.json()["web_url"].endswith(reverse("photo_detail", args=[answer.json()["id"]]))

    file = SimpleUploadedFile("b.jpg", jpeg_bytes(color=(1, 2, 3)), content_type="image/jpeg")
    answer = client.post("/api/photos/", {"file": file})
    assert answer.status_code == 201
    assert answer.json()["status"] == "processing"


def test_a_corrupt_image_fails_at_once_with_a_reason_only_its_owner_sees(
    owner, guest, queue, client, django_capture_on_commit_callbacks
):
    data = jpeg_bytes(900, 600)
    photo = upload(owner, data[: len(data) // 2], capture=django_capture_on_commit_callbacks)
    assert photo.status == Photo.Status.PENDING  # the header was fine

    assert render_variants.call(photo.pk) == "failed"
    photo.refresh_from_db()
    assert photo.status == Photo.Status.FAILED and photo.attempts == 1
    assert "damaged" in photo.failure_reason or "corrupt" in photo.failure_reason.lower()
    assert enqueued(queue) == [("render_variants", (photo.pk,))]  # no pointless retry

    client.force_login(owner)
    api = client.get(f"/api/photos/{photo.public_id}/").json()
    assert api["status"] == "failed" and api["failure_reason"] == photo.failure_reason
    page = client.get(reverse("photo_detail", args=[photo.public_id])).content.decode()
    assert "could not be processed" in page and photo.failure_reason in page


def test_a_failing_job_is_retried_then_the_photo_is_marked_failed(
    owner, queue, settings, media_root, django_capture_on_commit_callbacks
):
    settings.PIKOSHI_TASK_ATTEMPTS = 3
    photo = upload(owner, capture=django_capture_on_commit_callbacks)
    original = media_root / photo.original.name
    data = original.read_bytes()
    original.unlink()  # storage trouble: the job cannot read the file

    assert render_variants.call(photo.pk) == "retry"
    assert render_variants.call(photo.pk) == "retry"
    assert len(queue.results) == 3  # the upload's job and two retries
    assert render_variants.call(photo.pk) == "failed"
    photo.refresh_from_db()
    assert photo.status == Photo.Status.FAILED
    assert photo.failure_reason == processing.GENERIC_FAILURE
    assert len(queue.results) == 3

    # Trouble gone before the last attempt: the retry succeeds.
    second = upload(owner, jpeg_bytes(color=(9, 9, 9)), capture=django_capture_on_commit_callbacks)
    path = media_root / second.original.name
    kept = path.read_bytes()
    path.unlink()
    assert render_variants.call(second.pk) == "retry"
    path.write_bytes(kept)
    assert render_variants.call(second.pk) == "ready"
    assert data  # the first photo's bytes were real


def test_retries_wait_longer_each_time(
    owner, queue, settings, media_root, django_capture_on_commit_callbacks
):
    """A job that failed for a passing reason (storage down a moment) is not run again at
    once: each retry waits four times longer than the last, and requeue_stuck leaves a
    photo alone until its retry is overdue."""
    settings.PIKOSHI_TASK_ATTEMPTS = 4
    settings.PIKOSHI_TASK_RETRY_SECONDS = 30
    photo = upload(owner, capture=django_capture_on_commit_callbacks)
    (media_root / photo.original.name).unlink()

    waits = []
    for _ in range(3):
        before = timezone.now()
        assert render_variants.call(photo.pk) == "retry"
        run_after = queue.results[-1].task.run_after
        assert run_after is not None
        waits.append(round((run_after - before).total_seconds()))
    assert waits == [30, 120, 480]
    photo.refresh_from_db()
    assert photo.queued_at == run_after  # not "stuck" before its retry is due
    assert photo_services.requeue_stuck(older_than=timedelta(minutes=5)) == 0
    assert render_variants.call(photo.pk) == "failed"


def test_a_rerun_after_a_killed_run_removes_its_leftovers(
    owner, queue, media_root, django_capture_on_commit_callbacks
):
    photo = upload(owner, capture=django_capture_on_commit_callbacks)
    folder = processing._variant_folder(photo)
    # What a worker killed half-way through leaves behind.
    default_storage.save(f"{folder}/display-leftover.webp", io.BytesIO(b"half"))

    assert render_variants.call(photo.pk) == "ready"
    photo.refresh_from_db()
    _, files = default_storage.listdir(folder)
    assert sorted(f"{folder}/{name}" for name in files) == sorted(
        [photo.thumb.name, photo.mobile.name, photo.display.name]
    )


def test_a_job_for_a_photo_deleted_meanwhile_stores_nothing(
    owner, queue, media_root, django_capture_on_commit_callbacks
):
    photo = upload(owner, capture=django_capture_on_commit_callbacks)
    Photo.objects.filter(pk=photo.pk).delete()
    default_storage.delete(photo.original.name)
    assert render_variants.call(photo.pk) == "nothing to do"
    assert stored_files(media_root) == set()


def test_requeue_stuck_enqueues_only_photos_pending_too_long(
    owner, queue, django_capture_on_commit_callbacks
):
    stuck = upload(owner, capture=django_capture_on_commit_callbacks)
    fresh = upload(owner, jpeg_bytes(color=(5, 5, 5)), capture=django_capture_on_commit_callbacks)
    Photo.objects.filter(pk=stuck.pk).update(queued_at=timezone.now() - timedelta(minutes=30))
    queue.clear()

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_stuck", stdout=out)
    assert enqueued(queue) == [("render_variants", (stuck.pk,))]
    assert "Queued 1 stuck photo again" in out.getvalue()
    assert Photo.objects.get(pk=stuck.pk).queued_at > timezone.now() - timedelta(minutes=1)
    assert fresh.pk not in [args[0] for _, args in enqueued(queue)]


def test_purge_trash_runs_from_the_scheduler_as_a_command(owner, settings, media_root):
    old = make_photo(owner, deleted_at=timezone.now() - timedelta(days=40))
    out = io.StringIO()
    call_command("purge_trash", stdout=out)
    assert "Removed 1 photo " in out.getvalue()
    assert not Photo.objects.filter(pk=old.pk).exists()


def test_share_link_pages_get_no_variant_urls_for_a_pending_photo(
    owner, queue, django_capture_on_commit_callbacks
):
    from gallery import media
    from gallery.services.sharing import share_link_create, share_link_default_expiry

    photo = upload(owner, capture=django_capture_on_commit_callbacks)
    link = share_link_create(
        user=owner, album=album_of(photo), expires_at=share_link_default_expiry()
    ).link
    assert media.media_url(photo=photo, variant="thumb", link=link) == ""
    render_variants.call(photo.pk)
    photo.refresh_from_db()
    assert media.media_url(photo=photo, variant="thumb", link=link).startswith("/media/")


def test_a_photo_whose_runs_keep_dying_fails_after_the_last_attempt(
    owner, queue, settings, django_capture_on_commit_callbacks
):
    settings.PIKOSHI_TASK_ATTEMPTS = 3
    photo = upload(owner, capture=django_capture_on_commit_callbacks)
    # Three runs claimed it and were killed before they could say anything.
    Photo.objects.filter(pk=photo.pk).update(attempts=3)

    assert render_variants.call(photo.pk) == "failed"
    photo.refresh_from_db()
    assert photo.status == Photo.Status.FAILED
    assert photo.failure_reason == processing.GENERIC_FAILURE
