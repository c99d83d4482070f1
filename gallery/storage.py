"""The one door to stored files: originals, variants and their names.

Everything goes through Django's storage API, so an S3-compatible bucket can replace the
local folder without another line changing. Nothing here checks who may see a file: the
media view does that before it hands out a single byte.
"""

import logging
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import Storage
from django.db import transaction

from accounts.models import User
from gallery.imaging.variants import VARIANT_SIZES
from gallery.models import Photo, SharedOriginal
from pikoshi.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

VARIANTS = tuple(VARIANT_SIZES)
FILE_FIELDS = ("original", *VARIANTS, "video", "motion_original")
# Where photo files are stored: models.original_upload_to and variant_name below.
PHOTO_FOLDERS = ("originals", "variants")


class StorageUnavailable(ServiceUnavailable):
    """The media storage refused a write. Nothing was kept; trying again later may work."""

    code = "storage_unavailable"
    retry_after = 60


def file_storage() -> Storage:
    return Photo._meta.get_field("original").storage


def variant_name(owner: User, photo: Photo, variant: str) -> str:
    """Where a variant is stored: random per file, so a photo's public id is not enough to
    guess it."""
    return f"variants/{owner.uuid}/{photo.public_id}/{variant}-{secrets.token_urlsafe(16)}.webp"


def rendition_name(owner: User, photo: Photo) -> str:
    """Where a video's web-playable rendition is stored: beside its poster variants."""
    return f"variants/{owner.uuid}/{photo.public_id}/video-{secrets.token_urlsafe(16)}.mp4"


def motion_original_name(photo: Photo, extension: str) -> str:
    """Where a Live Photo's MOV is stored, as uploaded: beside its still's original."""
    return f"originals/{photo.owner.uuid}/{photo.public_id}-motion{extension}"


def motion_rendition_name(photo: Photo) -> str:
    """Where a Live Photo's playable motion is stored: in a folder of its own beside the
    variants, so a variant run (which sweeps the variant folder) leaves it alone."""
    return (
        f"variants/{photo.owner.uuid}/{photo.public_id}/motion/"
        f"video-{secrets.token_urlsafe(16)}.mp4"
    )


def shared_original_name(photo: Photo, *, keep_camera: bool, keep_location: bool) -> str:
    """Where a stripped copy of the original is stored: in its own folder beside the
    variants (a variant run sweeps only the files of the variant folder itself), random per
    file like them."""
    folder = variant_name(photo.owner, photo, "x").rsplit("/", 1)[0]
    policy = f"c{int(keep_camera)}l{int(keep_location)}"
    return (
        f"{folder}/shared/original-{policy}-{secrets.token_urlsafe(16)}{photo.original_extension}"
    )


def photo_files(photo: Photo) -> list[str]:
    """The names of every file stored for a photo: original, variants, shared copies."""
    names = [getattr(photo, field).name for field in FILE_FIELDS if getattr(photo, field).name]
    copies = SharedOriginal.objects.filter(photo_id=photo.pk).values_list("file", flat=True)
    return [*names, *(name for name in copies if name)]


@contextmanager
def local_copy(name: str, *, suffix: str = "") -> Iterator[Path]:
    """A stored file copied to a temporary folder on this machine, for code that opens
    files by path (FFmpeg seeks a great deal, and may write beside it); the folder and
    everything in it are removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="pikoshi-") as folder:
        path = Path(folder) / f"stored{suffix}"
        with file_storage().open(name, "rb") as stream, path.open("wb") as copy:
            shutil.copyfileobj(stream, copy, 1024 * 1024)
        yield path


def list_files(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name below `path`, depth first, in a stable order.

    Through Storage.listdir only, so the local folder and an S3 bucket list alike. A
    folder nothing was ever stored in lists as empty rather than failing.
    """
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:  # a local folder nothing was ever stored in
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from list_files(storage, f"{path}/{directory}" if path else directory)


def delete_files(names: Iterable[str]) -> None:
    """Remove stored files; a missing or stubborn file is logged, never fatal."""
    store = file_storage()
    for name in names:
        if not name:
            continue
        try:
            store.delete(name)
        except Exception:
            logger.exception("Could not delete stored file %s", name)


def delete_files_after_commit(names: Iterable[str]) -> None:
    """Delete files once the row is gone for good; a rollback keeps both row and files."""
    names = list(names)
    if names:
        transaction.on_commit(lambda: delete_files(names), robust=True)
