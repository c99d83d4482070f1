"""Variant generation off the request path.

With the embedded (immediate) task backend, photo_upload renders the variants itself and
a photo is ready when the upload answers. With a real queue (TASKS_BACKEND=rq), the upload
stores the original and its metadata, the photo is `pending`, and `render_variants` is
enqueued once the row is committed; a worker makes the variants and marks it `ready`.

Failures: a job that raises is put back on the queue until the photo has been tried
PIKOSHI_TASK_ATTEMPTS times, then the photo is `failed` with a reason its owner sees. A
file the image code refuses (corrupt pixels) fails at once: trying again cannot help.
A worker killed mid-job (kill -9, OOM, a lost machine) loses its job in RQ (it ends up in
the failed registry once RQ notices); the photo stays `pending`, and `requeue_stuck`
(manage.py requeue_stuck, run from cron) enqueues it again. Jobs are idempotent: only a
pending photo is rendered, a run that loses a race deletes its own files, and the winner
removes what a killed run left in the photo's variant folder.
"""

import io
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gallery import services
from gallery.imaging.sniff import ImageRejected
from gallery.imaging.variants import process_image
from gallery.models import Photo

logger = logging.getLogger(__name__)

GENERIC_FAILURE = (
    "We could not make the smaller versions of this photo. Delete it and upload it again; "
    "if that fails too, the file may be damaged."
)


def runs_in_background() -> bool:
    """True when tasks go to a queue, False when the backend runs them inline."""
    from gallery.tasks import render_variants

    backend = render_variants.get_backend()
    return "Immediate" not in type(backend).__name__


# --- Queueing ---------------------------------------------------------------------------------


def _enqueue(photo_id: int) -> None:
    from gallery.tasks import render_variants

    render_variants.enqueue(photo_id)


def render_enqueue(*, photo: Photo) -> None:
    """Queue variant generation once the transaction that stored the photo commits."""
    transaction.on_commit(partial(_enqueue, photo.pk), robust=True)


def requeue_stuck(*, older_than: timedelta) -> int:
    """Queue again photos pending for longer than `older_than` (their job was lost)."""
    cutoff = timezone.now() - older_than
    count = 0
    for photo_id in Photo.objects.filter(
        status=Photo.Status.PENDING, queued_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            Photo.objects.filter(pk=photo_id).update(queued_at=timezone.now())
            render_enqueue(photo=Photo(pk=photo_id))
        count += 1
    return count


# --- The job ----------------------------------------------------------------------------------


def _fail(photo_id: int, reason: str) -> None:
    Photo.objects.filter(pk=photo_id, status=Photo.Status.PENDING).update(
        status=Photo.Status.FAILED, failure_reason=reason[:300]
    )


def _retry_or_fail(photo: Photo) -> str:
    if photo.attempts >= settings.PIKOSHI_TASK_ATTEMPTS:
        _fail(photo.pk, GENERIC_FAILURE)
        return "failed"
    Photo.objects.filter(pk=photo.pk).update(queued_at=timezone.now())
    _enqueue(photo.pk)
    return "retry"


def _variant_folder(photo: Photo) -> str:
    return services._variant_name(photo.owner, photo, "x").rsplit("/", 1)[0]


def _sweep_folder(photo: Photo, keep: set[str]) -> None:
    """Remove files an interrupted run left beside the variants that won."""
    storage = services._storage()
    folder = _variant_folder(photo)
    try:
        _, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    services._delete_files(f"{folder}/{name}" for name in files if f"{folder}/{name}" not in keep)


def photo_render_variants(*, photo_id: int) -> str:
    """Make the three WebP variants of a pending photo; returns what happened."""
    claimed = Photo.objects.filter(pk=photo_id, status=Photo.Status.PENDING).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return "nothing to do"
    photo = Photo.objects.select_related("owner").get(pk=photo_id)
    if photo.attempts > settings.PIKOSHI_TASK_ATTEMPTS:
        # Every earlier run died without a word (its worker was killed): stop trying.
        _fail(photo_id, GENERIC_FAILURE)
        return "failed"
    storage = services._storage()
    try:
        with storage.open(photo.original.name, "rb") as stream:
            data = stream.read()
        image = process_image(io.BytesIO(data), max_pixels=settings.PIKOSHI_MAX_IMAGE_PIXELS)
    except ImageRejected as exc:
        _fail(photo_id, str(exc))
        return "failed"
    except Exception:
        logger.exception("Rendering variants of photo %s failed", photo.public_id)
        return _retry_or_fail(photo)

    written: list[str] = []
    try:
        for name, rendered in image.variants.items():
            stored = storage.save(
                services._variant_name(photo.owner, photo, name), ContentFile(rendered.data)
            )
            written.append(stored)
    except Exception:
        logger.exception("Storing variants of photo %s failed", photo.public_id)
        services._delete_files(written)
        return _retry_or_fail(photo)

    names = dict(zip(image.variants, written, strict=True))
    with transaction.atomic():
        current = (
            Photo.objects.select_for_update()
            .filter(pk=photo_id, status=Photo.Status.PENDING)
            .first()
        )
        if current is not None:
            for name, rendered in image.variants.items():
                setattr(current, name, names[name])
                setattr(current, f"{name}_width", rendered.width)
                setattr(current, f"{name}_height", rendered.height)
            current.status = Photo.Status.READY
            current.failure_reason = ""
            current.save(
                update_fields=[
                    *services.VARIANTS,
                    *(f"{v}_{d}" for v in services.VARIANTS for d in ("width", "height")),
                    "status",
                    "failure_reason",
                ]
            )
    if current is None:
        # Deleted meanwhile, or another run finished first: these files belong to nobody.
        services._delete_files(written)
        return "superseded"
    _sweep_folder(photo, set(written))
    return "ready"
