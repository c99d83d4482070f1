"""Writes to albums: create, rename, delete, the default album and its cover.

Services take keyword-only arguments, check permissions.py before changing anything
(Http404 when the person may not), validate with full_clean and run in a transaction.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from gallery import permissions
from gallery.models import Album, Photo

logger = logging.getLogger(__name__)

DEFAULT_ALBUM_TITLE = "My photos"


# --- Albums -----------------------------------------------------------------------------------


def album_ensure_default(*, owner: User) -> Album:
    """Return the owner's "My photos" album, creating it the first time it is needed."""
    album = Album.objects.filter(owner=owner, is_default=True).first()
    if album is not None:
        return album
    try:
        with transaction.atomic():
            album = Album(owner=owner, title=DEFAULT_ALBUM_TITLE, is_default=True)
            album.full_clean()
            album.save()
            return album
    except IntegrityError:
        # Two requests raced to create it; the other one won.
        return Album.objects.get(owner=owner, is_default=True)


def refuse_nul(**texts: str | None) -> None:
    """PostgreSQL cannot store NUL characters: refuse them as bad input instead of failing
    on save. Forms and the API refuse them already; this covers every other caller."""
    errors = {
        field: "Remove the invisible NUL character from this text."
        for field, value in texts.items()
        if value and "\x00" in value
    }
    if errors:
        raise ValidationError(errors)


def album_create(*, owner: User, title: str, description: str = "") -> Album:
    """A new, private album."""
    refuse_nul(title=title, description=description)
    album = Album(owner=owner, title=(title or "").strip(), description=(description or "").strip())
    with transaction.atomic():
        album.full_clean()
        album.save()
    return album


def album_update(
    *, user: User, album: Album, title: str | None = None, description: str | None = None
) -> Album:
    """Rename an album or change its description."""
    if not permissions.can_edit_album(user, album):
        raise Http404("No such album.")
    refuse_nul(title=title, description=description)
    if title is not None:
        album.title = title.strip()
    if description is not None:
        album.description = description.strip()
    with transaction.atomic():
        album.full_clean()
        album.save(update_fields=["title", "description", "updated_at"])
    return album


def album_delete(*, user: User, album: Album) -> int:
    """Delete an album; its photos go to the trash. Returns how many were trashed.

    Each photo is filed under its owner's "My photos" while in the trash (a contributor's
    photo goes to the contributor's), so restoring it always has an album to go back to
    and the purge still finds it after PIKOSHI_TRASH_DAYS. Photos already in the trash
    move along and keep their date. "My photos" itself cannot be deleted.
    """
    if not permissions.can_edit_album(user, album):
        raise Http404("No such album.")
    if album.is_default:
        raise ValidationError(
            f"“{album.title}” is where your photos live by default, so it cannot be deleted."
        )
    return album_rehome_and_delete(album=album, trash=True)


def album_rehome_and_delete(*, album: Album, trash: bool) -> int:
    """Delete an album after filing every photo in it under its owner's "My photos".

    The album's row is locked before its photos are counted and stays locked until it is
    gone, so a photo added at the same moment (a contributor's upload, a move) either
    comes first and is filed with the rest, or waits and then finds no album: it is never
    deleted with the album. With `trash` the photos also go to the trash (those already
    there keep their date); without, they stay as they were and each "My photos" keeps a
    cover. No permission check: album_delete asks first, the account purge has decided.
    Returns how many photos went to the trash.
    """
    now = timezone.now()
    trashed = 0
    with transaction.atomic():
        locked = Album.objects.select_for_update().filter(pk=album.pk).first()
        if locked is None:
            raise Http404("No such album.")
        owners = get_user_model().objects.filter(
            pk__in=Photo.objects.filter(album=locked).values("owner_id")
        )
        for person in owners:
            default = album_ensure_default(owner=person)
            photos = Photo.objects.filter(album=locked, owner=person)
            if trash:
                trashed += photos.filter(deleted_at__isnull=True).update(
                    deleted_at=now, album=default
                )
            photos.update(album=default)
            if not trash:
                album_fix_cover(default.pk)
        # Only a database that ignores the lock (SQLite has none) can get here with photos
        # left; refusing beats deleting them with the album.
        if Photo.objects.filter(album=locked).exists():
            raise ValidationError("Photos were just added to this album; please try again.")
        locked.delete()
    return trashed


def album_fix_cover(album_id: int) -> None:
    """Keep the cover a photo of this album that is not in the trash, or none at all.

    Runs inside the caller's transaction and locks the album row, so two changes at once
    cannot both decide on a cover and lose one update.
    """
    album = Album.objects.select_for_update().filter(pk=album_id).first()
    if album is None:
        return
    live = Photo.objects.filter(album_id=album.pk, deleted_at__isnull=True)
    if album.cover_id is not None and live.filter(pk=album.cover_id).exists():
        return
    cover_id = live.order_by("-taken_at", "-id").values_list("pk", flat=True).first()
    if cover_id != album.cover_id:
        Album.objects.filter(pk=album.pk).update(cover_id=cover_id)
