"""Variant generation off the request path: the job a worker runs.

With the embedded (immediate) task backend, photo_upload renders the variants itself and
a photo is ready when the upload answers. With a real queue (TASKS_BACKEND=rq), the upload
stores the original and its metadata, the photo is `pending`, and `render_variants` is
enqueued once the row is committed (gallery/services/photos.py queues it; this module never
does, so the job and the queue do not import each other); a worker makes the variants
and marks it `ready`.

Failures: a job that raises is put back on the queue (by the task, on "retry", to run after
a wait that grows fourfold each time: retry_delay) until the photo has been tried
PIKOSHI_TASK_ATTEMPTS times, then the photo is `failed` with a reason
its owner sees. A file the image code refuses (corrupt pixels) fails at once: trying again
cannot help. A worker killed mid-job (kill -9, OOM, a lost machine) loses its job in RQ
(it ends up in the failed registry once RQ notices); the photo stays `pending`, and
`manage.py requeue_stuck` (run from cron) enqueues it again. Jobs are idempotent: only a
pending photo is rendered, a run that loses a race deletes its own files, and the winner
removes what a killed run left in the photo's variant folder.
"""

import io
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gallery.imaging.sniff import ImageRejected
from gallery.imaging.thumbhash import placeholder
from gallery.imaging.variants import RenderedVariant, process_image
from gallery.imaging.video import VideoFailed, VideoInfo, poster, probe, render
from gallery.models import Photo
from gallery.storage import (
    VARIANTS,
    delete_files,
    file_storage,
    local_copy,
    motion_rendition_name,
    rendition_name,
    variant_name,
)

logger = logging.getLogger(__name__)

GENERIC_FAILURE = (
    "We could not make the smaller versions of this photo. Delete it and upload it again; "
    "if that fails too, the file may be damaged."
)


def probe_video(path: str, *, mime_type: str) -> VideoInfo:
    """imaging.video.probe within this installation's limits (length, pixels)."""
    return probe(
        path,
        mime_type=mime_type,
        max_seconds=settings.PIKOSHI_MAX_VIDEO_SECONDS,
        max_pixels=settings.PIKOSHI_MAX_IMAGE_PIXELS,
    )


# --- The job ----------------------------------------------------------------------------------


def _fail(photo_id: int, reason: str) -> None:
    Photo.objects.filter(pk=photo_id, status=Photo.Status.PENDING).update(
        status=Photo.Status.FAILED, failure_reason=reason[:300]
    )


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before another try after `attempts` failed ones: four times longer
    each time (30 s, 2 min, 8 min, … by default), never more than an hour."""
    seconds = settings.PIKOSHI_TASK_RETRY_SECONDS * 4 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))


def retry_at(photo_id: int) -> datetime | None:
    """When the retry of this photo's job is due (None: it needs none any more)."""
    return (
        Photo.objects.filter(pk=photo_id, status=Photo.Status.PENDING)
        .values_list("queued_at", flat=True)
        .first()
    )


def _retry_or_fail(photo: Photo) -> str:
    if photo.attempts >= settings.PIKOSHI_TASK_ATTEMPTS:
        _fail(photo.pk, GENERIC_FAILURE)
        return "failed"
    # The task puts itself back on the queue, to run at queued_at, when it sees "retry":
    # this module never enqueues, so the job and the queue do not import each other. The
    # time is in the row too, so requeue_stuck leaves the photo alone until it is overdue.
    due = timezone.now() + retry_delay(photo.attempts)
    Photo.objects.filter(pk=photo.pk).update(queued_at=due)
    return "retry"


def _variant_folder(photo: Photo) -> str:
    return variant_name(photo.owner, photo, "x").rsplit("/", 1)[0]


def _sweep_folder(photo: Photo, keep: set[str]) -> None:
    """Remove files an interrupted run left beside the variants that won."""
    storage = file_storage()
    folder = _variant_folder(photo)
    try:
        _, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    delete_files(f"{folder}/{name}" for name in files if f"{folder}/{name}" not in keep)


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
    if photo.is_video:
        return _render_video(photo)
    storage = file_storage()
    try:
        with storage.open(str(photo.original.name), "rb") as stream:
            data = stream.read()
        image = process_image(io.BytesIO(data), max_pixels=settings.PIKOSHI_MAX_IMAGE_PIXELS)
    except ImageRejected as exc:
        _fail(photo_id, str(exc))
        return "failed"
    except Exception:
        logger.exception("Rendering variants of photo %s failed", photo.public_id)
        return _retry_or_fail(photo)

    names: dict[str, str] = {}
    try:
        _store_variants(photo, image.variants, names)
    except Exception:
        logger.exception("Storing variants of photo %s failed", photo.public_id)
        delete_files(names.values())
        return _retry_or_fail(photo)
    return _finish(photo, image.variants, names)


def _store_variants(
    photo: Photo, variants: dict[str, RenderedVariant], names: dict[str, str]
) -> None:
    """Store each variant, recording its stored name in `names` as it goes (so a failure
    half-way leaves the caller the list of what to delete)."""
    storage = file_storage()
    for name, rendered in variants.items():
        names[name] = storage.save(
            variant_name(photo.owner, photo, name), ContentFile(rendered.data)
        )


def _variant_fields(
    current: Photo, variants: dict[str, RenderedVariant], names: dict[str, str]
) -> list[str]:
    """Point `current` at the stored variants; returns the fields that changed."""
    for name, rendered in variants.items():
        setattr(current, name, names[name])
        setattr(current, f"{name}_width", rendered.width)
        setattr(current, f"{name}_height", rendered.height)
    current.thumbhash = placeholder(variants)
    return [
        *VARIANTS,
        *(f"{v}_{d}" for v in VARIANTS for d in ("width", "height")),
        "thumbhash",
    ]


def _show_poster(photo: Photo, variants: dict[str, RenderedVariant], names: dict[str, str]) -> bool:
    """Give a pending video its poster now, while its rendition is still being made, so the
    grid shows the poster within seconds. False: the video is gone or done meanwhile."""
    with transaction.atomic():
        current = (
            Photo.objects.select_for_update()
            .filter(pk=photo.pk, status=Photo.Status.PENDING)
            .first()
        )
        if current is None:
            return False
        current.save(update_fields=_variant_fields(current, variants, names))
    return True


def _finish(
    photo: Photo,
    variants: dict[str, RenderedVariant],
    names: dict[str, str],
    video: tuple[str, int] | None = None,
) -> str:
    """Point the pending photo at the files just stored (the variants under `names`, and a
    video's rendition as (stored name, bytes)) and mark it ready, unless it was deleted or
    finished by another run meanwhile (then the files are removed)."""
    written = [*names.values(), *([video[0]] if video else [])]
    with transaction.atomic():
        current = (
            Photo.objects.select_for_update()
            .filter(pk=photo.pk, status=Photo.Status.PENDING)
            .first()
        )
        if current is not None:
            fields = _variant_fields(current, variants, names)
            current.status = Photo.Status.READY
            current.failure_reason = ""
            fields += ["status", "failure_reason"]
            if video is not None:
                current.video, current.video_bytes = video
                fields += ["video", "video_bytes"]
            current.save(update_fields=fields)
    if current is None:
        # Deleted meanwhile, or another run finished first: these files belong to nobody.
        delete_files(written)
        return "superseded"
    _sweep_folder(photo, set(written))
    return "ready"


def _render_video(photo: Photo) -> str:
    """A video's poster (the same three WebP variants as a photo) and its web-playable
    rendition, made from a local copy of the original (FFmpeg seeks in it)."""
    names: dict[str, str] = {}
    with local_copy(str(photo.original.name), suffix=photo.original_extension) as source:
        target = source.with_name("rendition.mp4")
        try:
            info = probe_video(str(source), mime_type=photo.mime_type)
            frame = poster(str(source), rotation=info.rotation)
            image = process_image(io.BytesIO(frame), max_pixels=settings.PIKOSHI_MAX_IMAGE_PIXELS)
        except (ImageRejected, VideoFailed) as exc:
            _fail(photo.pk, str(exc))
            return "failed"
        except Exception:
            logger.exception("Making the poster of video %s failed", photo.public_id)
            return _retry_or_fail(photo)
        try:
            _store_variants(photo, image.variants, names)
        except Exception:
            logger.exception("Storing the poster of video %s failed", photo.public_id)
            delete_files(names.values())
            return _retry_or_fail(photo)
        if not _show_poster(photo, image.variants, names):
            delete_files(names.values())
            return "superseded"
        try:
            render(str(source), str(target), info=info, timeout=settings.PIKOSHI_VIDEO_TIMEOUT)
        except VideoFailed as exc:
            _fail(photo.pk, str(exc))
            return "failed"
        except Exception:
            logger.exception("Rendering video %s failed", photo.public_id)
            return _retry_or_fail(photo)
        video_name = ""
        try:
            with target.open("rb") as playable:
                video_name = file_storage().save(rendition_name(photo.owner, photo), File(playable))
        except Exception:
            logger.exception("Storing the renditions of video %s failed", photo.public_id)
            delete_files([*names.values(), video_name])
            return _retry_or_fail(photo)
        video = (video_name, target.stat().st_size)
    return _finish(photo, image.variants, names, video)


# --- Live Photos: the motion of a still (gallery/services/motion.py pairs them) ---------------


def photo_render_motion(*, photo_id: int) -> str:
    """Make the playable rendition of a Live Photo's motion (its MOV) and point the still at
    it. The still itself is ready meanwhile and shows as a photo; a MOV that cannot be
    rendered leaves it so (the owner keeps the MOV, in their download and export)."""
    photo = Photo.objects.select_related("owner").filter(pk=photo_id).first()
    if photo is None or not photo.is_live or photo.video:
        return "nothing to do"
    source_name = str(photo.motion_original.name)
    suffix = "." + source_name.rsplit(".", 1)[-1] if "." in source_name else ""
    with local_copy(source_name, suffix=suffix) as source:
        target = source.with_name("motion.mp4")
        try:
            info = probe_video(str(source), mime_type="video/quicktime")
            render(str(source), str(target), info=info, timeout=settings.PIKOSHI_VIDEO_TIMEOUT)
        except (ImageRejected, VideoFailed) as exc:
            logger.warning("The motion of Live Photo %s cannot be played: %s", photo.public_id, exc)
            return "failed"
        with target.open("rb") as playable:
            name = file_storage().save(motion_rendition_name(photo), File(playable))
        size = target.stat().st_size
    with transaction.atomic():
        current = (
            Photo.objects.select_for_update()
            .filter(pk=photo_id, motion_original=source_name, video="")
            .first()
        )
        if current is not None:
            current.video, current.video_bytes = name, size
            current.save(update_fields=["video", "video_bytes"])
    if current is None:  # deleted, or made by another run meanwhile
        delete_files([name])
        return "superseded"
    return "ready"
