"""Live Photos: a still and its motion (a MOV) uploaded as two files become one item.

An iPhone writes the same content identifier into the still's maker note and the MOV's
`com.apple.quicktime.content.identifier` (docs/video.md, "Live Photos"). The two files
arrive one after the other, in either order, through any upload door:

- The MOV after its still: the MOV is kept as the still's `motion_original` and gets no
  item of its own; the render_motion task makes its playable rendition.
- The MOV first (or both at once, as the upload page sends them): it is a video for a
  while (it plays as one). Once both are stored the video is folded into the still: the
  still takes its MOV, its albums and favorites; the video's row goes with its poster and
  rendition, and the motion is rendered again on the still.

Only short clips pair (LIVE_MAX_MS), so no real video ever disappears into a photo, and
only items outside the trash. The upload services (gallery/services/photos.py) call this
module once they know an upload's identifier; permission to upload was checked there.
"""

import logging
from collections.abc import Callable
from functools import partial

from django.core.files.base import File
from django.db import transaction
from django.db.models import QuerySet

from gallery.models import AlbumEntry, Favorite, Photo
from gallery.storage import (
    delete_files,
    delete_files_after_commit,
    file_storage,
    motion_original_name,
    photo_files,
)
from gallery.tasks import render_motion

logger = logging.getLogger(__name__)

LIVE_MAX_MS = 15_000  # an iPhone's motion is about 3 s; anything longer is a video


def _enqueue(photo_id: int) -> None:
    render_motion.enqueue(photo_id)


def motion_enqueue(*, photo: Photo) -> None:
    """Make the still's playable motion once the transaction that paired it commits."""
    transaction.on_commit(partial(_enqueue, photo.pk), robust=True)


def _take_motion(still: Photo, *, name: str, sha256: str, size: int, ms: int) -> None:
    """Make the (locked) still a Live Photo with the stored MOV `name`; its rendition is
    queued for when the transaction commits."""
    still.motion_original = name
    still.motion_sha256 = sha256
    still.motion_bytes = size
    still.duration_ms = ms
    still.save(update_fields=["motion_original", "motion_sha256", "motion_bytes", "duration_ms"])
    motion_enqueue(photo=still)


def pairs(*, content_id: str, duration_ms: int | None = None) -> bool:
    """Whether an upload with this identifier (and, for a MOV, this length) may pair."""
    return bool(content_id) and (duration_ms is None or duration_ms <= LIVE_MAX_MS)


def _unpaired_still(owner_id: int, content_id: str) -> QuerySet[Photo]:
    return Photo.objects.filter(
        owner_id=owner_id,
        kind=Photo.Kind.PHOTO,
        content_id=content_id,
        motion_original="",
        deleted_at__isnull=True,
    )


def motion_still(*, owner_id: int, content_id: str) -> Photo | None:
    """The owner's still waiting for the motion with this identifier, if any."""
    return _unpaired_still(owner_id, content_id).order_by("pk").first()


def motion_attach(
    *,
    still: Photo,
    file: File,
    sha256: str,
    duration_ms: int,
    extension: str,
    check_quota: Callable[[], None],
) -> Photo | None:
    """Keep the MOV `file` as the motion of `still`, and queue its rendition.

    `check_quota` runs under the still's lock, after the file is stored (it raises when the
    MOV does not fit). None: the still was paired, trashed or deleted meanwhile, nothing is
    kept, and the caller stores the MOV as a video of its own.
    """
    file.seek(0)
    name = file_storage().save(motion_original_name(still, extension), file)
    try:
        with transaction.atomic():
            current = (
                _unpaired_still(still.owner_id, still.content_id)
                .select_for_update()
                .filter(pk=still.pk)
                .first()
            )
            if current is None:
                delete_files([name])
                return None
            check_quota()
            _take_motion(current, name=name, sha256=sha256, size=file.size, ms=duration_ms)
    except BaseException:
        delete_files([name])
        raise
    return current


def motion_pair(*, owner_id: int, content_id: str) -> Photo | None:
    """Fold the owner's short video with this identifier into their still with it: the
    still takes its MOV, albums and favorites, and the video's row and derived files go.
    Returns the still, or None when there is not both (nothing changed).

    Both uploads call this once they are committed, so whichever of two files sent at the
    same moment commits last finds the other; the row locks make the second call a no-op.
    """
    if not pairs(content_id=content_id):
        return None
    with transaction.atomic():
        video = (
            Photo.objects.select_for_update()
            .filter(
                owner_id=owner_id,
                kind=Photo.Kind.VIDEO,
                content_id=content_id,
                deleted_at__isnull=True,
                duration_ms__lte=LIVE_MAX_MS,
            )
            .order_by("pk")
            .first()
        )
        if video is None:
            return None
        still = _unpaired_still(owner_id, content_id).select_for_update().order_by("pk").first()
        if still is None:
            return None
        _take_motion(
            still,
            name=str(video.original.name),
            sha256=video.sha256,
            size=video.bytes,
            ms=video.duration_ms or 0,
        )
        for entry in AlbumEntry.objects.filter(photo=video):
            AlbumEntry.objects.get_or_create(
                album_id=entry.album_id,
                photo=still,
                defaults={"added_by_id": entry.added_by_id, "added_at": entry.added_at},
            )
        for user_id in Favorite.objects.filter(photo=video).values_list("user_id", flat=True):
            Favorite.objects.get_or_create(user_id=user_id, photo=still)
        # The MOV is the still's now; the poster, rendition and shared copies go.
        derived = [name for name in photo_files(video) if name != video.original.name]
        Photo.objects.filter(pk=video.pk).delete()
        delete_files_after_commit(derived)
    logger.info("Live Photo %s took its motion from video %s", still.public_id, video.public_id)
    return still
