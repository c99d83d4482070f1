"""Writes to photos: upload, edit, trash, restore, delete for good, the quota check and
variant rendering (inline, or queued for a worker).

Services take keyword-only arguments, check permissions.py before changing anything
(Http404 when the person may not), validate with full_clean and run in a transaction.
Files go through gallery/storage.py only, so S3 can replace the local folder.
"""

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import PurePath
from typing import BinaryIO, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from accounts.models import User
from gallery import permissions
from gallery.imaging import strip
from gallery.imaging.sniff import VIDEO_EXTENSIONS, ImageRejected, check_size
from gallery.imaging.thumbhash import placeholder, thumbhash_of
from gallery.imaging.variants import ProcessedImage, inspect_image, process_image
from gallery.imaging.video import VideoInfo, sniff_video, strip_container
from gallery.models import Album, AlbumEntry, Photo, SharedOriginal
from gallery.processing import probe_video
from gallery.selectors import photos as photo_selectors
from gallery.services import motion, notifications
from gallery.services.albums import album_add_photos, refuse_nul
from gallery.storage import (
    StorageUnavailable,
    delete_files,
    delete_files_after_commit,
    file_storage,
    local_copy,
    photo_files,
    shared_original_name,
    variant_name,
)
from gallery.tasks import render_variants

logger = logging.getLogger(__name__)
DELETE_BATCH = 200  # rows per transaction when deleting many photos for good


@dataclass
class UploadResult:
    photo: Photo
    created: bool  # False: the same bytes were already in the library
    restored: bool = False  # True: that copy was in the trash and is back in the library
    added: bool = False  # True: that copy was put into the album the upload was aimed at


# --- Storage quota ------------------------------------------------------------------------------


def storage_check_quota(*, user: User, adding: int) -> None:
    """Refuse (413, "quota_exceeded") an upload of `adding` bytes that would pass the quota.

    Locks the person's row until the caller's transaction ends, so two uploads at once
    are counted one after the other and cannot both slip under the limit.
    """
    with transaction.atomic():
        fresh = User.objects.select_for_update().filter(pk=user.pk).first()
        if fresh is None:
            raise Http404("No such account.")
        quota = photo_selectors.user_storage_quota(user=fresh)
        if quota is None:
            return
        used = photo_selectors.user_storage_used(user=fresh)
        if used + adding <= quota:
            return
    left = max(quota - used, 0)
    raise ImageRejected(
        f"This file ({filesizeformat(adding)}) does not fit in your storage: "
        f"{filesizeformat(left)} left of {filesizeformat(quota)}. Photos in the trash "
        "count too; empty the trash or delete photos to make room.",
        status=413,
        code="quota_exceeded",
    )


# --- Variant rendering: inline, or queued for a worker (gallery/processing.py) ---------------


def runs_in_background() -> bool:
    """True when tasks go to a queue, False when the backend runs them inline."""
    backend = render_variants.get_backend()
    return "Immediate" not in type(backend).__name__


def _enqueue(photo_id: int) -> None:
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


def placeholders_fill(*, batch: int = 500) -> tuple[int, int]:
    """Give ready photos that have none (uploaded before placeholders existed) a ThumbHash
    read from their stored thumbnail. Returns (filled, skipped): a thumbnail that cannot be
    read is skipped and tried again on the next run; nothing else about the photo changes."""
    filled = skipped = 0
    last = 0
    storage = file_storage()
    while True:
        rows = list(
            Photo.objects.filter(pk__gt=last, status=Photo.Status.READY, thumbhash="")
            .exclude(thumb="")
            .order_by("pk")
            .values_list("pk", "thumb")[:batch]
        )
        if not rows:
            return filled, skipped
        for pk, name in rows:
            last = pk
            try:
                with storage.open(name, "rb") as stored:
                    value = thumbhash_of(stored.read())
            except (OSError, ValueError) as exc:  # missing, unreadable or not an image
                logger.warning("No placeholder for photo %s: %s", pk, exc)
                skipped += 1
                continue
            filled += Photo.objects.filter(pk=pk, thumbhash="").update(thumbhash=value)


# --- Upload -----------------------------------------------------------------------------------


def _sha256(file: File) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _original_name(file: File) -> str:
    name = PurePath(str(getattr(file, "name", "") or "").replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:255]


def _existing(owner: User, sha256: str, album: Album | None) -> UploadResult | None:
    """The photo these bytes already are (or the Live Photo they are the motion of): back
    from the trash if it was there, and put into the album the upload was aimed at
    (uploading again is how people add it)."""
    photo = Photo.objects.filter(Q(sha256=sha256) | Q(motion_sha256=sha256), owner=owner).first()
    if photo is None:
        return None
    if photo.is_live and not photo.video:
        motion.motion_enqueue(photo=photo)  # its motion could not be made before: try again
    restored = photo.in_trash
    if restored:
        photo = _restore(photo)
    added = False
    if album is not None:
        result = album_add_photos(user=owner, album=album, photos=[photo])
        added = result.outcome[str(photo.public_id)] == "added"
    return UploadResult(photo=photo, created=False, restored=restored, added=added)


def photo_upload(
    *, owner: User, file: File, album: Album | None = None, title: str = ""
) -> UploadResult:
    """Store an uploaded image once: the original byte for byte plus three WebP variants.

    Without an album the photo is in the owner's library only. Uploading bytes the owner
    already has returns that photo (back from the trash if it was there, and added to
    `album`) and stores nothing new. A failure half-way leaves neither a row nor a file.
    Files of an upload whose transaction never commits (its caller rolls back, its process
    is killed) are left to `manage.py prune_media`.
    """
    video_type = _video_type(file)
    check_size(
        file.size,
        max_bytes=settings.PIKOSHI_MAX_VIDEO_BYTES
        if video_type
        else settings.PIKOSHI_MAX_UPLOAD_BYTES,
    )
    if album is not None and not permissions.can_contribute(owner, album):
        raise Http404("No such album.")

    sha256 = _sha256(file)
    existing = _existing(owner, sha256, album)
    if existing is not None:
        return existing
    # Early answer before the costly decode; checked again under a lock below.
    storage_check_quota(user=owner, adding=file.size)

    file.seek(0)
    if video_type:
        return _video_upload(
            owner=owner, file=file, album=album, title=title, sha256=sha256, mime_type=video_type
        )
    # With a task queue the variants are made by a worker (gallery/processing.py).
    queued = runs_in_background()
    inspect = inspect_image if queued else process_image
    # Django's File proxies the binary file object it wraps; the imaging code reads that.
    image = inspect(cast(BinaryIO, file), max_pixels=settings.PIKOSHI_MAX_IMAGE_PIXELS)
    photo = _new_photo(
        owner=owner, file=file, title=title, sha256=sha256, described=image, queued=queued
    )
    for name, rendered in image.variants.items():
        setattr(photo, f"{name}_width", rendered.width)
        setattr(photo, f"{name}_height", rendered.height)
    photo.thumbhash = placeholder(image.variants)

    result = _store_upload(
        photo=photo,
        file=file,
        album=album,
        variants={name: rendered.data for name, rendered in image.variants.items()},
        queued=queued,
    )
    if result.created and motion.pairs(content_id=photo.content_id):
        # Its MOV came first (or at the same time), as a video: fold it in.
        if motion.motion_pair(owner_id=owner.pk, content_id=photo.content_id):
            result.photo.refresh_from_db()
    return result


def _new_photo(
    *,
    owner: User,
    file: File,
    title: str,
    sha256: str,
    described: ProcessedImage | VideoInfo,
    queued: bool,
    **fields: object,
) -> Photo:
    """The unsaved row of an upload, from what its bytes say about themselves."""
    now = timezone.now()
    taken_at = described.taken_at
    if taken_at is not None and timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at)
    return Photo(
        owner=owner,
        title=(title or "").strip(),
        original_name=_original_name(file),
        sha256=sha256,
        mime_type=described.mime_type,
        bytes=file.size,
        width=described.width,
        height=described.height,
        taken_at=taken_at or now,
        taken_at_from_exif=taken_at is not None,
        camera_make=(described.camera_make or "")[:100],
        camera_model=(described.camera_model or "")[:100],
        latitude=described.latitude,
        longitude=described.longitude,
        content_id=described.content_id,
        status=Photo.Status.PENDING if queued else Photo.Status.READY,
        queued_at=now if queued else None,
        **fields,
    )


def _store_upload(
    *, photo: Photo, file: File, album: Album | None, variants: dict[str, bytes], queued: bool
) -> UploadResult:
    """Store the original (and any variants already made) and the row, all or nothing."""
    owner, sha256, now = photo.owner, photo.sha256, photo.queued_at or timezone.now()
    written: list[str] = []
    storage = file_storage()
    try:
        with transaction.atomic():
            storage_check_quota(user=owner, adding=file.size)
            file.seek(0)
            try:
                photo.original.save(photo.original_extension or ".bin", file, save=False)
                written.append(str(photo.original.name))
                for name, data in variants.items():
                    stored = storage.save(variant_name(owner, photo, name), ContentFile(data))
                    written.append(stored)
                    setattr(photo, name, stored)
            except Exception as exc:  # a full disk, a bucket that is down: any storage error
                logger.error("Storage write failed during an upload: %r", exc)
                raise StorageUnavailable(
                    "Pikoshi cannot store files right now. Nothing was kept; "
                    "please try this upload again in a few minutes."
                ) from exc
            # Uniqueness is left to the database: only it settles two uploads racing.
            photo.full_clean(validate_unique=False, validate_constraints=False)
            photo.save()
            if album is not None:
                # Locks the album's row: one deleted meanwhile (album_delete holds it
                # locked) is not there, and nothing is kept, as for any unknown album.
                if not Album.objects.filter(pk=album.pk).update(updated_at=now):
                    raise Http404("No such album.")
                AlbumEntry.objects.create(album=album, photo=photo, added_by=owner, added_at=now)
                notifications.photos_added(album=album, actor=owner, count=1)
            if queued:
                render_enqueue(photo=photo)
    except IntegrityError:
        delete_files(written)
        existing = _existing(owner, sha256, album)
        if existing is None:
            raise
        return existing
    except BaseException:
        delete_files(written)
        raise
    return UploadResult(photo=photo, created=True)


# --- Video upload (docs/video.md) ---------------------------------------------------------------


def _video_type(file: File) -> str | None:
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    return sniff_video(head)


@contextmanager
def local_path(file: File) -> Iterator[str]:
    """A path on this machine holding the file's bytes (FFmpeg opens videos by name): the
    upload's own temporary file when it has one, else a copy removed afterwards."""
    path = getattr(file, "temporary_file_path", None)
    if callable(path):
        yield path()
        return
    with tempfile.NamedTemporaryFile(prefix="pikoshi-video-") as copy:
        file.seek(0)
        shutil.copyfileobj(file, copy, 1024 * 1024)
        copy.flush()
        file.seek(0)
        yield copy.name


def _video_upload(
    *, owner: User, file: File, album: Album | None, title: str, sha256: str, mime_type: str
) -> UploadResult:
    """Keep a video's original and its private details; its poster and playable rendition
    are made by the render task (a worker, or inline on the embedded default right after
    the upload commits). Refused (415/422/413) before anything is stored."""
    with local_path(file) as path:
        info = probe_video(path, mime_type=mime_type)
    if motion.pairs(content_id=info.content_id, duration_ms=info.duration_ms):
        paired = _motion_upload(owner=owner, file=file, album=album, sha256=sha256, info=info)
        if paired is not None:
            return paired
    photo = _new_photo(
        owner=owner,
        file=file,
        title=title,
        sha256=sha256,
        described=info,
        queued=True,
        kind=Photo.Kind.VIDEO,
        duration_ms=info.duration_ms,
    )
    result = _store_upload(photo=photo, file=file, album=album, variants={}, queued=True)
    if result.created and motion.pairs(content_id=info.content_id, duration_ms=info.duration_ms):
        # Its still arrived meanwhile (the two files were sent at the same time).
        still = motion.motion_pair(owner_id=owner.pk, content_id=info.content_id)
        if still is not None:
            return UploadResult(photo=still, created=True)
    if result.created and not runs_in_background():
        try:
            result.photo.refresh_from_db()  # rendered inline as the upload committed
        except Photo.DoesNotExist:  # folded into its still, whose upload finished meanwhile
            still = Photo.objects.filter(owner=owner, motion_sha256=sha256).first()
            if still is None:
                raise
            return UploadResult(photo=still, created=True)
    return result


def _motion_upload(
    *, owner: User, file: File, album: Album | None, sha256: str, info: VideoInfo
) -> UploadResult | None:
    """Keep a Live Photo's MOV with its still, when the still is here already (None: it is
    not, and the MOV is stored as a video until its still arrives)."""
    still = motion.motion_still(owner_id=owner.pk, content_id=info.content_id)
    if still is None:
        return None
    paired = motion.motion_attach(
        still=still,
        file=file,
        sha256=sha256,
        duration_ms=info.duration_ms,
        extension=VIDEO_EXTENSIONS.get(info.mime_type, ".mov"),
        check_quota=partial(storage_check_quota, user=owner, adding=file.size),
    )
    if paired is None:
        return None
    added = False
    if album is not None:
        outcome = album_add_photos(user=owner, album=album, photos=[paired])
        added = outcome.outcome[str(paired.public_id)] == "added"
    if not runs_in_background():
        paired.refresh_from_db()  # its motion was rendered inline as the pairing committed
    return UploadResult(photo=paired, created=True, added=added)


# --- Photos -----------------------------------------------------------------------------------


def _check_photo_editor(user: User, photo: Photo) -> None:
    if not permissions.can_edit_photo(user, photo):
        raise Http404("No such photo.")


def photo_update(*, user: User, photo: Photo, title: str | None = None) -> Photo:
    """Retitle a photo. Which albums it is in changes through the album services."""
    _check_photo_editor(user, photo)
    refuse_nul(title=title)
    if photo.in_trash:
        raise ValidationError("This photo is in the trash; restore it before changing it.")
    if title is not None:
        with transaction.atomic():
            photo.title = title.strip()
            photo.full_clean(validate_unique=False, validate_constraints=False)
            photo.save(update_fields=["title"])
    return photo


def photo_trash(*, user: User, photo: Photo) -> Photo:
    """Move a photo to the trash; it can be restored for PIKOSHI_TRASH_DAYS days."""
    _check_photo_editor(user, photo)
    now = timezone.now()
    if Photo.objects.filter(pk=photo.pk, deleted_at__isnull=True).update(deleted_at=now):
        photo.deleted_at = now
    return photo


def _restore(photo: Photo) -> Photo:
    Photo.objects.filter(pk=photo.pk).update(deleted_at=None)
    photo.deleted_at = None
    return photo


def photo_restore(*, user: User, photo: Photo) -> Photo:
    """Take a photo out of the trash, back into the library and every album it is still in
    (an album deleted meanwhile took only its entry with it)."""
    _check_photo_editor(user, photo)
    if not photo.in_trash:
        return photo
    return _restore(photo)


def photo_delete_forever(*, user: User, photo: Photo) -> None:
    """Delete a photo in the trash: the row now, every stored file once that commits."""
    with transaction.atomic():
        # Locked, so a restore at the same moment either comes first (and this is a 404)
        # or finds the photo gone; a shared copy being made waits or comes first too, so
        # the list of files below names it.
        Photo.objects.select_for_update().filter(pk=photo.pk).first()
        if not permissions.can_delete_forever(user, photo):
            raise Http404("No such photo in the trash.")
        files = photo_files(photo)
        Photo.objects.filter(pk=photo.pk).delete()
        delete_files_after_commit(files)


def photos_delete_forever(*, photos: QuerySet[Photo]) -> int:
    """Delete these photos for good, in batches, with their files after commit.

    No permission check: for the purge, the admin and callers that have already decided.
    """
    count = 0
    while True:
        batch = list(photos.order_by("pk")[:DELETE_BATCH])
        if not batch:
            return count
        with transaction.atomic():
            # Locked like photo_delete_forever, so no shared copy is made meanwhile.
            list(Photo.objects.select_for_update().filter(pk__in=[p.pk for p in batch]))
            files = [name for photo in batch for name in photo_files(photo)]
            Photo.objects.filter(pk__in=[photo.pk for photo in batch]).delete()
            delete_files_after_commit(files)
        count += len(batch)


def trash_empty(*, user: User) -> int:
    """Delete everything in this person's trash for good; returns how many photos."""
    return photos_delete_forever(photos=permissions.trashed_photos(user))


def trash_purge(*, older_than: timedelta) -> int:
    """Delete, for everyone, photos that have been in the trash longer than `older_than`."""
    cutoff = timezone.now() - older_than
    return photos_delete_forever(photos=Photo.objects.filter(deleted_at__lt=cutoff))


# --- Shared originals ----------------------------------------------------------------------


def _shared_original(photo: Photo, keep_camera: bool, keep_location: bool) -> SharedOriginal | None:
    return SharedOriginal.objects.filter(
        photo_id=photo.pk,
        keep_camera=keep_camera,
        keep_location=keep_location,
        version=strip.VERSION,
    ).first()


def shared_original_ensure(*, photo: Photo, policy: permissions.DetailsPolicy) -> SharedOriginal:
    """The original as others get it under `policy`, stripped once and then stored.

    Stripping a 12 MP HEIC re-encodes it (tens of seconds of CPU), so it must not happen
    per request: the first request makes the copy while it holds the photo's row lock, and
    whoever waited for that lock finds the copy made. The caller has already decided that
    the copy may be handed out (selectors and permissions.details_policy). Raises
    strip.MetadataError when the original cannot be stripped (nothing is handed out then)
    and Http404 when the photo is gone meanwhile.
    """
    keep = {"keep_camera": policy.camera, "keep_location": policy.location}
    existing = _shared_original(photo, **keep)
    if existing is not None:
        return existing
    storage = file_storage()
    with transaction.atomic():
        if Photo.objects.select_for_update().filter(pk=photo.pk).first() is None:
            raise Http404("No such photo.")
        existing = _shared_original(photo, **keep)
        if existing is not None:
            return existing
        if not photo.original.name:
            raise Http404("No such photo.")
        if photo.is_video:
            name, size = _save_stripped_video(photo, shared_original_name(photo, **keep))
        else:
            with storage.open(photo.original.name, "rb") as stream:
                data = stream.read()
            stripped = strip.strip_metadata(data, photo.mime_type, **keep)
            name = storage.save(shared_original_name(photo, **keep), ContentFile(stripped))
            size = len(stripped)
        try:
            with transaction.atomic():
                copy = SharedOriginal.objects.create(
                    photo=photo, version=strip.VERSION, file=name, bytes=size, **keep
                )
        except IntegrityError:
            # Without row locks (SQLite) two requests can race; the first copy wins.
            delete_files([name])
            winner = _shared_original(photo, **keep)
            if winner is None:
                raise
            return winner
        except Exception:
            delete_files([name])
            raise
    return copy


def _save_stripped_video(photo: Photo, name: str) -> tuple[str, int]:
    """Store a video's original as others get it, returning (stored name, size): its
    packets remuxed into a new file without a single container or stream tag, whatever the
    policy (a video's place and device sit among tags of every other kind; none of them is
    handed out)."""
    with local_copy(str(photo.original.name), suffix=photo.original_extension) as source:
        target = source.with_name(f"stripped{photo.original_extension}")
        try:
            strip_container(str(source), str(target), mime_type=photo.mime_type)
        except Exception as exc:  # anything FFmpeg cannot copy is never handed out
            raise strip.MetadataError(f"Could not remux video {photo.public_id}: {exc}") from exc
        with target.open("rb") as stripped:
            return file_storage().save(name, File(stripped)), target.stat().st_size
