"""ZIP archives written as a stream: the account export's file and a selection's download.

`stream_zip` yields the archive piece by piece while it reads each member in chunks, so
neither the server nor the browser waits for (or holds) the whole archive. Every type we
accept is compressed already, so members are stored, not deflated: as small, far cheaper.
"""

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from django.utils import timezone

COPY_CHUNK = 1024 * 1024


def safe_name(name: str) -> str:
    """A folder or file name that works on every desktop (no slashes, no control chars)."""
    cleaned = re.sub(r'[\x00-\x1f<>:"/\\|?*]+', "_", name).strip(" .")
    return cleaned[:100] or "Untitled"


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    if local.year < 1980:  # the ZIP format starts in 1980
        return (1980, 1, 1, 0, 0, 0)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)


@dataclass(frozen=True)
class Member:
    """One file of an archive: its path inside, its date, and how to open its bytes."""

    path: str
    modified: datetime
    open: Callable[[], IO[bytes]]
    deflate: bool = False  # for text, such as a manifest


class _Pieces(io.RawIOBase):
    """A write-only, unseekable sink whose bytes are taken out as they are written."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        return data


def stream_zip(
    members: Iterable[Member], *, skip: Callable[[Member, Exception], None] | None = None
) -> Iterator[bytes]:
    """The archive of `members`, as pieces of at most about COPY_CHUNK bytes.

    A member that cannot be opened (its file went missing) is left out and reported to
    `skip`, so one lost file does not cut the whole download short.
    """
    sink = _Pieces()
    with zipfile.ZipFile(sink, "w", allowZip64=True) as archive:
        for member in members:
            try:
                source = member.open()
            except (FileNotFoundError, OSError) as exc:
                if skip is None:
                    raise
                skip(member, exc)
                continue
            info = zipfile.ZipInfo(member.path, date_time=zip_time(member.modified))
            info.compress_type = zipfile.ZIP_DEFLATED if member.deflate else zipfile.ZIP_STORED
            with source, archive.open(info, "w", force_zip64=True) as target:
                while chunk := source.read(COPY_CHUNK):
                    target.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


def unique_path(path: str, used: set[str], *, suffix: str) -> str:
    """`path`, or `path` with `suffix` before its extension when another member has it."""
    if path.lower() in used:
        stem, dot, extension = path.rpartition(".")
        path = f"{stem}-{suffix}.{extension}" if dot else f"{path}-{suffix}"
    used.add(path.lower())
    return path
