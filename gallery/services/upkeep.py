"""Upkeep the scheduler runs: the stored files compared with the rows that name them.

An upload writes its files before its transaction commits, and nothing in a process can
act on a transaction that never commits because the process was killed (SIGKILL, out of
memory, a lost machine) or because its caller rolled it back. So instead of guarding each
upload, `media_prune` lists what the photo folders hold, as healthchecks' pruneobjects
does, and removes the files no row names once they are older than an upload can take.
Every model with a FileField is read (Photo's original and variants, SharedOriginal's
stripped copies, Export's archives), so a file type added later is known without a change.
Every listed name is held in memory for the run: some 250 bytes per stored file.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gallery.models import Photo
from gallery.storage import (
    PHOTO_FOLDERS,
    StorageUnavailable,
    file_storage,
    list_files,
)

CHECK_BATCH = 500  # names per query when checking files again just before removing them


@dataclass(frozen=True)
class StoredFile:
    name: str
    bytes: int
    modified: datetime


@dataclass(frozen=True)
class MissingFile:
    photo: UUID  # the photo's public id
    field: str  # "original" or a variant
    name: str


@dataclass
class PruneReport:
    older_than: timedelta
    dry_run: bool
    folders: tuple[str, ...] = PHOTO_FOLDERS
    listed: int = 0  # files found in the folders
    named: int = 0  # of those, files a row names
    removed: list[StoredFile] = field(default_factory=list)  # in a dry run: would be
    young: list[StoredFile] = field(default_factory=list)  # named by nothing, kept for now
    missing: list[MissingFile] = field(default_factory=list)  # named by a photo, not stored
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, what went wrong)


def _file_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with a FileField, and those fields: Photo, Export, any added later."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if names:
            found.append((model, names))
    return found


def _compare(listed: set[str]) -> tuple[set[str], int, list[MissingFile]]:
    """Read every row that names a file: what is listed and unnamed, how many listed files
    are named, and which files photo rows name that were not listed."""
    unnamed = set(listed)
    suspects = []
    for model, fields in _file_fields():
        key = "public_id" if model is Photo else "pk"
        # The base manager: a manager that hides rows (say, soft-deleted ones) must not
        # hide their files from this comparison.
        rows = model._base_manager.values_list(key, *fields).order_by("pk")
        for row_key, *names in rows.iterator(chunk_size=2000):
            for field_name, name in zip(fields, names, strict=True):
                if name in listed:
                    unnamed.discard(name)
                elif name and model is Photo:
                    suspects.append(MissingFile(row_key, field_name, name))
    return unnamed, len(listed) - len(unnamed), suspects


def _named_now(names: list[str]) -> set[str]:
    """Which of `names` a row names at this moment (rows may have come since the list)."""
    named: set[str] = set()
    for start in range(0, len(names), CHECK_BATCH):
        batch = names[start : start + CHECK_BATCH]
        for model, fields in _file_fields():
            match = Q()
            for name in fields:
                match |= Q(**{f"{name}__in": batch})
            for row in model._base_manager.filter(match).values_list(*fields):
                named.update(row)
    return named


def _list(storage: Storage) -> set[str]:
    listed: set[str] = set()
    try:
        for folder in PHOTO_FOLDERS:
            listed.update(list_files(storage, folder))
    except Exception as exc:  # a bucket that is down, a folder that cannot be read
        raise StorageUnavailable(f"The media storage could not be listed ({exc}).") from exc
    return listed


def _stat(storage: Storage, name: str, report: PruneReport) -> StoredFile | None:
    try:
        return StoredFile(name, storage.size(name), storage.get_modified_time(name))
    except FileNotFoundError:  # removed since it was listed: nothing left to do
        return None
    except Exception as exc:
        report.failed.append((name, f"could not be checked: {exc}"))
        return None


def _confirm_missing(storage: Storage, suspects: list[MissingFile]) -> list[MissingFile]:
    """The suspects still missing: the photo may be gone, or its file stored, since the list."""
    missing = []
    for start in range(0, len(suspects), CHECK_BATCH):
        batch = suspects[start : start + CHECK_BATCH]
        ids = {m.photo for m in batch}
        still = set(Photo.objects.filter(public_id__in=ids).values_list("public_id", flat=True))
        missing += [m for m in batch if m.photo in still and not storage.exists(m.name)]
    return missing


def media_prune(*, older_than: timedelta, dry_run: bool) -> PruneReport:
    """Remove stored photo files no row names and older than `older_than`; report the rest.

    Raises StorageUnavailable when the storage cannot be listed; nothing is removed then.
    """
    report = PruneReport(older_than=older_than, dry_run=dry_run)
    storage = file_storage()
    # List first, then read the rows: a file whose row commits in between is named, and
    # one whose row is deleted in between is being deleted with it anyway.
    listed = _list(storage)
    unnamed, report.named, suspects = _compare(listed)
    report.listed = len(listed)

    cutoff = timezone.now() - older_than
    old: list[StoredFile] = []
    for name in sorted(unnamed):
        stored = _stat(storage, name, report)
        if stored is None:
            continue
        (report.young if stored.modified > cutoff else old).append(stored)
    # An old file may have been given to a row since the rows were read; ask once more.
    claimed = _named_now([f.name for f in old])
    for stored in old:
        if stored.name in claimed:
            continue
        if not dry_run:
            try:
                storage.delete(stored.name)
            except Exception as exc:
                report.failed.append((stored.name, f"could not be removed: {exc}"))
                continue
        report.removed.append(stored)
    try:
        report.missing = _confirm_missing(storage, suspects)
    except Exception as exc:
        report.failed.append(("(missing files)", f"could not be checked: {exc}"))
    return report
