"""ZIP exports: "download everything" as one archive of the originals plus a JSON file.

The archive is written to a local temporary file in chunks and handed to the storage
API in chunks, so a library of any size never sits in memory. The link in the email is
signed and expires; the download view also checks that the caller owns the export.
"""

import io
import json
import logging
import tempfile
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Export, User
from gallery.zipping import Member, safe_name, stream_zip, unique_path

if TYPE_CHECKING:
    from gallery.models import Album

logger = logging.getLogger(__name__)

SIGNING_SALT = "pikoshi.export"
MANIFEST_NAME = "pikoshi.json"


def _storage():
    return Export._meta.get_field("file").storage


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _album_folders(albums: Iterable["Album"], *, exporter_id: int) -> dict[int, str]:
    folders: dict[int, str] = {}
    used: set[str] = set()
    for album in albums:
        base = safe_name(album.title)
        if album.owner_id != exporter_id:
            base = safe_name(f"{album.title} (shared by {album.owner})")
        name, n = base, 2
        while name.lower() in used:
            name, n = f"{base} ({n})", n + 1
        used.add(name.lower())
        folders[album.pk] = name
    return folders


def _manifest_and_entries(user: User):
    """What goes in the archive: the JSON description and (photo, path in zip) pairs."""
    from gallery.models import Album, AlbumEntry, AlbumMember, Connection, Photo, ShareLink

    photos = list(Photo.objects.filter(owner=user))
    # Each photo once in the archive: in the folder of its oldest album, "Library" when it
    # is in none; the manifest lists every album it is in.
    photo_albums: dict[int, list[int]] = {}
    for photo_id, album_id in (
        AlbumEntry.objects.filter(photo__owner=user)
        .order_by("album__created_at", "album_id")
        .values_list("photo_id", "album_id")
    ):
        photo_albums.setdefault(photo_id, []).append(album_id)
    album_ids = {album_id for ids in photo_albums.values() for album_id in ids}
    favorites = set(user.favorites.values_list("photo_id", flat=True))
    albums = list(
        Album.objects.filter(pk__in=album_ids).select_related("owner").order_by("created_at")
    )
    own_albums = list(Album.objects.filter(owner=user).order_by("created_at"))
    all_albums = {album.pk: album for album in [*own_albums, *albums]}
    folders = _album_folders(all_albums.values(), exporter_id=user.pk)

    entries: list[tuple[Photo, str]] = []
    motions: dict[int, str] = {}  # a Live Photo's MOV: where it is in the archive
    used_paths: set[str] = set()
    for photo in sorted(photos, key=lambda p: (p.taken_at, p.pk)):
        in_albums = photo_albums.get(photo.pk, [])
        folder = "Trash" if photo.in_trash else (folders[in_albums[0]] if in_albums else "Library")
        stem = safe_name(photo.original_name.rsplit(".", 1)[0] if photo.original_name else "")
        if stem == "Untitled":
            stem = str(photo.public_id)
        path = unique_path(
            f"{folder}/{stem}{photo.original_extension}",
            used_paths,
            suffix=str(photo.public_id)[:8],
        )
        entries.append((photo, path))
        if photo.is_live:  # its MOV beside it, as uploaded
            motions[photo.pk] = unique_path(
                f"{path.rsplit('.', 1)[0]}{photo.motion_extension}",
                used_paths,
                suffix=str(photo.public_id)[:8],
            )

    manifest = {
        "format": "pikoshi-export/1",
        "exported_at": _iso(timezone.now()),
        "account": {
            "uuid": str(user.uuid),
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": _iso(user.date_joined),
        },
        "albums": [
            {
                "id": str(album.public_id),
                "title": album.title,
                "description": album.description,
                "folder": folders[album.pk],
                "owner": "me" if album.owner_id == user.pk else str(album.owner),
                "audience": album.audience if album.owner_id == user.pk else None,
                "created_at": _iso(album.created_at),
            }
            for album in all_albums.values()
        ],
        "photos": [
            {
                "id": str(photo.public_id),
                "file": path,
                "motion_file": motions.get(photo.pk),
                "albums": [str(all_albums[pk].public_id) for pk in photo_albums.get(photo.pk, [])],
                "favorite": photo.pk in favorites,
                "archived": photo.archived_at is not None,
                "title": photo.title,
                "original_name": photo.original_name,
                "kind": photo.kind,
                "duration_ms": photo.duration_ms,
                "mime_type": photo.mime_type,
                "bytes": photo.bytes,
                "sha256": photo.sha256,
                "width": photo.width,
                "height": photo.height,
                "taken_at": _iso(photo.taken_at),
                "taken_at_from_exif": photo.taken_at_from_exif,
                "uploaded_at": _iso(photo.uploaded_at),
                "camera_make": photo.camera_make,
                "camera_model": photo.camera_model,
                "latitude": photo.latitude,
                "longitude": photo.longitude,
                "in_trash_since": _iso(photo.deleted_at),
            }
            for photo, path in entries
        ],
        "shares": {
            "members": [
                {
                    "album": str(member.album.public_id),
                    "person": member.user.email,
                    "role": member.role,
                    "until": _iso(member.until),
                    "since": _iso(member.created_at),
                }
                for member in AlbumMember.objects.filter(album__owner=user).select_related(
                    "album", "user"
                )
            ],
            "links": [
                {
                    "album": str(link.album.public_id),
                    "label": link.label,
                    "created_at": _iso(link.created_at),
                    "expires_at": _iso(link.expires_at),
                    "revoked_at": _iso(link.revoked_at),
                    "has_password": link.has_password,
                    "allow_download": link.allow_download,
                    "view_count": link.view_count,
                }
                for link in ShareLink.objects.filter(album__owner=user).select_related("album")
            ],
            "connections": [
                {
                    "person": connection.contact.email,
                    "circle": connection.circle,
                    "since": _iso(connection.created_at),
                }
                for connection in Connection.objects.filter(user=user).select_related("contact")
            ],
        },
    }
    return manifest, entries, motions


def _open(file: FieldFile) -> IO[bytes]:
    return file.storage.open(str(file.name), "rb")


def _write_zip(target, manifest, entries, motions) -> None:
    members = []
    for photo, path in entries:
        members.append(Member(path, photo.taken_at, partial(_open, photo.original)))
        if photo.pk in motions:
            members.append(
                Member(motions[photo.pk], photo.taken_at, partial(_open, photo.motion_original))
            )
    text = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    members.append(Member(MANIFEST_NAME, timezone.now(), lambda: io.BytesIO(text), deflate=True))
    for piece in stream_zip(members):
        target.write(piece)


def export_build(*, export_id: int) -> Export | None:
    """Write the archive to storage and email the owner a link. Runs as a task."""
    export = Export.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != Export.Status.PENDING:
        return export
    user = export.user
    try:
        manifest, entries, motions = _manifest_and_entries(user)
        with tempfile.TemporaryFile(prefix="pikoshi-export-") as spool:
            _write_zip(spool, manifest, entries, motions)
            size = spool.tell()
            spool.seek(0)
            export.file.save(f"{export.public_id}.zip", File(spool), save=False)
    except Exception:
        logger.exception("Export %s failed", export.public_id)
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED, finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    now = timezone.now()
    export.status = Export.Status.READY
    export.bytes = size
    export.photo_count = len(entries)
    export.finished_at = now
    export.expires_at = now + timedelta(days=settings.PIKOSHI_EXPORT_DAYS)
    try:
        export.save(
            update_fields=["status", "file", "bytes", "photo_count", "finished_at", "expires_at"]
        )
    except Export.NotUpdated:
        # The export (or its whole account) was deleted while the archive was written.
        export.file.delete(save=False)
        return None
    logger.info("Export ready: user %s, %d photos, %d bytes", user.uuid, len(entries), size)
    _email_ready(export)
    return export


def export_token(*, export: Export) -> str:
    return signing.dumps(str(export.public_id), salt=SIGNING_SALT, compress=False)


def export_download_path(*, export: Export) -> str:
    return reverse("account_export_download", args=[export_token(export=export)])


def _email_ready(export: Export) -> None:
    from allauth.account.adapter import get_adapter

    get_adapter().send_mail(
        "account/email/export_ready",
        export.user.email,
        {"export": export, "download_path": export_download_path(export=export)},
    )


def export_for_download(*, user, token: str) -> Export:
    """The export this link names, for its owner only, while the link lasts; else Http404.

    The signature's age is checked as well as the row's expiry, so a link cannot outlive
    PIKOSHI_EXPORT_DAYS even if a row's date were wrong.
    """
    max_age = timedelta(days=settings.PIKOSHI_EXPORT_DAYS)
    try:
        public_id = signing.loads(token, salt=SIGNING_SALT, max_age=max_age)
    except signing.BadSignature as exc:
        raise Http404("No such export.") from exc
    from gallery import permissions

    export = permissions.downloadable_exports(user).filter(public_id=public_id).first()
    if export is None:
        raise Http404("No such export.")
    return export


def exports_for_owner(*, user: User):
    return Export.objects.filter(user=user).order_by("-created_at")


def exports_delete(*, exports) -> int:
    """Remove the rows and their archives from storage."""
    count = 0
    storage = _storage()
    for export in list(exports):
        if export.file:
            try:
                storage.delete(export.file.name)
            except Exception:
                logger.exception("Could not delete export file %s", export.file.name)
        export.delete()
        count += 1
    return count


def exports_purge_expired(*, now=None) -> int:
    """Delete the archives whose links have expired; the row stays, marked expired."""
    now = now or timezone.now()
    storage = _storage()
    count = 0
    for export in Export.objects.filter(status=Export.Status.READY, expires_at__lte=now):
        if export.file:
            try:
                storage.delete(export.file.name)
            except Exception:
                logger.exception("Could not delete export file %s", export.file.name)
        Export.objects.filter(pk=export.pk).update(status=Export.Status.EXPIRED, file="")
        count += 1
    return count
