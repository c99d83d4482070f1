"""Resumable uploads (the tus 1.0 protocol, docs/uploads.md): create, append, finish,
cancel and purge.

The bytes of an upload collect in one file per upload under PIKOSHI_UPLOAD_DIR (a local
folder: appending is what S3 cannot do). The file's size is the offset: what arrived before
a connection dropped stays, and the client continues from there. One request at a time
appends (an exclusive lock on the file; a second one at once is told 423 and retries).
When the last byte arrives the file is handed to photo_upload, exactly as a one-shot
POST's file, so the duplicate check, quota, album rule, limits and refusals are the same.
"""

import fcntl
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from gallery import permissions
from gallery.models import Album, Upload
from gallery.services.photos import photo_upload, storage_check_quota
from pikoshi.errors import Refused

logger = logging.getLogger(__name__)
CHUNK = 1024 * 1024  # bytes read from the request and written at a time
MAX_OPEN = 20  # unfinished uploads one person may have at once
MAX_METADATA_BYTES = 4096


def max_length() -> int:
    """The largest file an upload may announce: the video limit, or the photo one."""
    return max(settings.PIKOSHI_MAX_VIDEO_BYTES, settings.PIKOSHI_MAX_UPLOAD_BYTES)


def upload_dir() -> Path:
    folder = Path(settings.PIKOSHI_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def part_path(upload: Upload) -> Path:
    return upload_dir() / f"{upload.public_id}.part"


def received(upload: Upload) -> int:
    """How many bytes have arrived (the whole length once it is finished)."""
    if upload.finished:
        return upload.length
    try:
        return part_path(upload).stat().st_size
    except FileNotFoundError:
        return 0


def upload_create(
    *,
    owner: User,
    length: int,
    filename: str = "",
    title: str = "",
    album: Album | None = None,
) -> Upload:
    """Announce a file of `length` bytes. Refused before a byte is sent when it is larger
    than any file Pikoshi keeps (413), would not fit in the quota (413), names an album
    the person cannot add to (404), or when they already have MAX_OPEN unfinished ones."""
    if album is not None and not permissions.can_contribute(owner, album):
        raise Http404("No such album.")
    if length <= 0:
        raise Refused("The file is empty.", status=422, code="empty_file")
    if length > max_length():
        limit = max_length() // (1024 * 1024)
        raise Refused(
            f"This file is larger than the largest Pikoshi keeps ({limit} MB).",
            status=413,
            code="file_too_large",
        )
    storage_check_quota(user=owner, adding=length)
    uploads_purge(owner=owner)
    now = timezone.now()
    with transaction.atomic():
        # Locks the person's row: two creations at once are counted one after the other.
        User.objects.select_for_update().filter(pk=owner.pk).first()
        if Upload.objects.filter(owner=owner, finished_at__isnull=True).count() >= MAX_OPEN:
            raise Refused(
                f"You have {MAX_OPEN} unfinished uploads. Let them finish, or cancel some, "
                "before starting more.",
                status=429,
                code="too_many_uploads",
            )
        upload = Upload.objects.create(
            owner=owner,
            length=length,
            filename=filename[:255],
            title=title[:200],
            album_public_id=album.public_id if album is not None else None,
            created_at=now,
            expires_at=now + timedelta(hours=settings.PIKOSHI_UPLOAD_HOURS),
        )
    part_path(upload).touch()
    return upload


@contextmanager
def _appending(upload: Upload) -> Iterator[IO[bytes]]:
    """The part file opened for appending, locked against a second request at once."""
    path = part_path(upload)
    with path.open("ab") as part:
        try:
            fcntl.flock(part, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Refused(
                "This upload is receiving data in another request; try again in a moment.",
                status=423,
                code="upload_busy",
            ) from None
        try:
            yield part
        finally:
            fcntl.flock(part, fcntl.LOCK_UN)


def upload_append(
    *, user: User, public_id: uuid.UUID, offset: int, size: int, read: Callable[[int], bytes]
) -> Upload:
    """Append `size` bytes read with `read` at `offset`, which must be where the upload
    stands (409 otherwise: the client asks HEAD and continues from there). Whatever
    arrives before a connection drops is kept. The last byte finishes the upload."""
    upload = permissions.own_uploads(user).filter(public_id=public_id).first()
    if upload is None:
        raise Http404("No such upload.")
    if upload.finished:
        raise Refused(
            "This upload is complete; nothing more can be added to it.",
            status=409,
            code="upload_finished",
        )
    with _appending(upload) as part:
        # Cancelled between the lookup above and the lock: opening the part made it again.
        if not Upload.objects.filter(pk=upload.pk).exists():
            part_path(upload).unlink(missing_ok=True)
            raise Http404("No such upload.")
        current = part.tell()
        if offset != current:
            raise Refused(
                f"This upload stands at byte {current}, not {offset}; continue from there.",
                status=409,
                code="offset_mismatch",
            )
        if current + size > upload.length:
            raise Refused(
                f"This part would take the file past the {upload.length} bytes announced.",
                status=413,
                code="past_upload_length",
            )
        left = size
        try:
            while left:
                chunk = read(min(CHUNK, left))
                if not chunk:
                    break
                part.write(chunk[:left])
                left -= len(chunk[:left])
        except OSError as exc:  # the client went away mid-part: keep what arrived
            logger.info("Upload %s interrupted after %s bytes: %s", public_id, part.tell(), exc)
        finally:
            part.flush()
            os.fsync(part.fileno())
        if part.tell() == upload.length:
            # Still under the lock: a second request cannot finish the same file twice.
            return _finish(upload)
    return upload


def _album_of(upload: Upload) -> Album | None:
    if upload.album_public_id is None:
        return None
    album = Album.objects.filter(public_id=upload.album_public_id).first()
    if album is None:
        raise Refused(
            "The album this upload was meant for has been deleted. Upload the file again.",
            status=404,
            code="album_not_found",
        )
    return album


class _PartFile(File):
    """The finished part as an upload: FFmpeg and the hash read it where it lies."""

    def __init__(self, path: Path, name: str):
        super().__init__(path.open("rb"), name=name)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def _finish(upload: Upload) -> Upload:
    """Hand the complete file to photo_upload and keep the outcome on the row."""
    path = part_path(upload)
    outcome: dict[str, object] = {"finished_at": timezone.now()}
    try:
        file = _PartFile(path, upload.filename or "upload")
        try:
            result = photo_upload(
                owner=upload.owner, file=file, album=_album_of(upload), title=upload.title
            )
        finally:
            file.close()
        outcome |= {"photo": result.photo, "duplicate": not result.created}
    except Refused as exc:
        outcome |= {"error_status": exc.status, "error_code": exc.code, "error_detail": str(exc)}
        raise
    except Http404:
        outcome |= {
            "error_status": 404,
            "error_code": "album_not_found",
            "error_detail": "You can no longer add photos to the album this upload was meant for.",
        }
        raise
    finally:
        if "error_status" in outcome or "photo" in outcome:
            Upload.objects.filter(pk=upload.pk).update(**outcome)
            for name, value in outcome.items():
                setattr(upload, name, value)
            path.unlink(missing_ok=True)
    return upload


def upload_cancel(*, user: User, public_id: uuid.UUID) -> None:
    """Forget an upload and whatever of it arrived (tus termination). A finished one's
    photo stays; only the record of how it went is gone."""
    upload = permissions.own_uploads(user).filter(public_id=public_id).first()
    if upload is None:
        raise Http404("No such upload.")
    with _appending(upload):
        part_path(upload).unlink(missing_ok=True)
        Upload.objects.filter(pk=upload.pk).delete()


def uploads_purge(*, owner: User | None = None, now: datetime | None = None) -> int:
    """Delete expired uploads and their parts (everyone's, or one person's), and part files
    no upload names any more (their account was deleted). Returns how many uploads."""
    now = now or timezone.now()
    expired = Upload.objects.filter(expires_at__lte=now)
    if owner is not None:
        expired = expired.filter(owner=owner)
    count = 0
    for upload in list(expired):
        part_path(upload).unlink(missing_ok=True)
        count += Upload.objects.filter(pk=upload.pk).delete()[0]
    if owner is None:
        known = {str(value) for value in Upload.objects.values_list("public_id", flat=True)}
        cutoff = (now - timedelta(hours=settings.PIKOSHI_UPLOAD_HOURS)).timestamp()
        for part in upload_dir().glob("*.part"):
            if part.stem not in known and part.stat().st_mtime < cutoff:
                part.unlink(missing_ok=True)
    return count
