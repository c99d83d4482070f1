"""Copy the whole media library between the local folder and the S3 bucket.

    manage.py media_transfer --to s3      # MEDIA_ROOT -> AWS_STORAGE_BUCKET_NAME
    manage.py media_transfer --to local   # and back

Object names are the same on both sides, so the database needs no change: copy, then
switch AWS_STORAGE_BUCKET_NAME on (or off) and restart. Run it again after the switch to
pick up files uploaded in between; it is resumable because a file already present at the
destination with the same size is skipped, and every copy is checked by size. The
source is never changed; remove it by hand once the new side has been verified.
"""

import sys
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.management.base import BaseCommand, CommandError

from gallery.storage import list_files


def local_storage() -> Storage:
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


def bucket_storage() -> Storage:
    """The configured S3 storage; the bucket must be named in the environment."""
    config = cast(dict[str, Any], settings.STORAGES["default"])
    if "s3" not in config["BACKEND"].lower():
        raise ImproperlyConfigured(
            "No bucket is configured: set AWS_STORAGE_BUCKET_NAME (and AWS_S3_ENDPOINT_URL, "
            "AWS_S3_REGION_NAME, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) first."
        )
    return storages.create_storage(config)


def _size(storage: Storage, name: str) -> int | None:
    try:
        return storage.size(name)
    except (FileNotFoundError, OSError):
        return None


class Progress:
    """'412/1000 files 41%' on stderr: one line per percent step, or per file on a terminal."""

    def __init__(self, total: int, stream=None):
        self.total = total
        self.stream = stream or sys.stderr
        self.done = 0
        self._shown = -1
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def step(self) -> None:
        self.done += 1
        percent = self.done * 100 // self.total if self.total else 100
        if not self._tty and percent == self._shown and self.done != self.total:
            return
        self._shown = percent
        line = f"{self.done}/{self.total} files {percent}%"
        self.stream.write(f"\r{line}" if self._tty else f"{line}\n")
        if self._tty and self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def transfer(source: Storage, target: Storage, *, progress_stream=None) -> dict[str, int]:
    """Copy every file of `source` missing (or of another size) in `target`; verify sizes."""
    names = list(list_files(source))
    progress = Progress(len(names), progress_stream)
    counts = {"copied": 0, "skipped": 0, "bytes": 0}
    for name in names:
        size = source.size(name)
        present = _size(target, name)
        if present == size:
            counts["skipped"] += 1
            progress.step()
            continue
        if present is not None:
            # A partial copy from an interrupted run: replace it, keeping the exact name.
            target.delete(name)
        with source.open(name, "rb") as stream:
            stored = target.save(name, stream)
        if stored != name:
            target.delete(stored)
            raise CommandError(f"{name} was stored as {stored}; the destination renamed it.")
        copied = _size(target, name)
        if copied != size:
            raise CommandError(f"{name}: {copied} bytes at the destination, {size} expected.")
        counts["copied"] += 1
        counts["bytes"] += size
        progress.step()
    return counts


class Command(BaseCommand):
    help = "Copy every media file from the local folder to the S3 bucket (--to s3) or back."

    def add_arguments(self, parser):
        parser.add_argument("--to", choices=["s3", "local"], required=True)

    def handle(self, *args, to: str, **options):
        try:
            bucket = bucket_storage()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        local = local_storage()
        source, target = (local, bucket) if to == "s3" else (bucket, local)
        counts = transfer(source, target, progress_stream=self.stderr._out)
        self.stdout.write(
            f"Copied {counts['copied']} files ({counts['bytes']} bytes); "
            f"{counts['skipped']} were already there."
        )
