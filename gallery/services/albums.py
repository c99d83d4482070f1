"""Writes to albums: create, rename, delete, the photos in them (entries), the cover and
"show in my timeline".

Services take keyword-only arguments, check permissions.py before changing anything
(Http404 when the person may not), validate with full_clean and run in a transaction.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from gallery import permissions
from gallery.models import Album, AlbumEntry, Photo, TimelineAlbum
from gallery.services import notifications

logger = logging.getLogger(__name__)


# --- Albums -----------------------------------------------------------------------------------


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
    """Delete an album. Its photos stay in their owners' libraries (and their other albums):
    only the entries go. Returns how many photos were in it."""
    if not permissions.can_edit_album(user, album):
        raise Http404("No such album.")
    with transaction.atomic():
        locked = Album.objects.select_for_update().filter(pk=album.pk).first()
        if locked is None:
            raise Http404("No such album.")
        count = AlbumEntry.objects.filter(album=locked).count()
        locked.delete()
    return count


# --- Entries: photos in albums -----------------------------------------------------------------


@dataclass
class EntryResult:
    """Per photo id: "added" / "removed", "already" (nothing to do) or "not_found"."""

    outcome: dict[str, str]

    def count(self, outcome: str) -> int:
        return sum(1 for value in self.outcome.values() if value == outcome)


def album_add_photos(*, user: User, album: Album, photos: Iterable[Photo]) -> EntryResult:
    """Put photos of this person's library into an album they own or contribute to, without
    uploading anything. A photo may be in any number of albums; one already in this album
    stays as it was. Queries do not grow with the number of photos."""
    if not permissions.can_contribute(user, album):
        raise Http404("No such album.")
    photos = list(photos)
    # can_add_to_album, for many photos in one query: the album was checked above.
    addable = set(
        permissions.addable_photos(user)
        .filter(pk__in=[photo.pk for photo in photos])
        .values_list("pk", flat=True)
    )
    allowed = [photo for photo in photos if photo.pk in addable]
    outcome = {str(photo.public_id): "not_found" for photo in photos}
    now = timezone.now()
    with transaction.atomic():
        # Locked like a delete of the album, so an album deleted meanwhile gets nothing.
        if Album.objects.select_for_update().filter(pk=album.pk).first() is None:
            raise Http404("No such album.")
        present = set(
            AlbumEntry.objects.filter(album=album, photo__in=[p.pk for p in allowed]).values_list(
                "photo_id", flat=True
            )
        )
        AlbumEntry.objects.bulk_create(
            [
                AlbumEntry(album=album, photo=photo, added_by=user, added_at=now)
                for photo in allowed
                if photo.pk not in present
            ],
            ignore_conflicts=True,
        )
        for photo in allowed:
            outcome[str(photo.public_id)] = "already" if photo.pk in present else "added"
        if len(present) < len(allowed):
            Album.objects.filter(pk=album.pk).update(updated_at=now)
            notifications.photos_added(album=album, actor=user, count=len(allowed) - len(present))
    return EntryResult(outcome=outcome)


def album_remove_photos(*, user: User, album: Album, photos: Iterable[Photo]) -> EntryResult:
    """Take photos out of an album: its owner any of them, anyone else the photos they put
    there. The photos stay in their owners' libraries; whoever saw them only through this
    album stops seeing them on their next request (media URLs included)."""
    if not permissions.can_view_album(user, album):
        raise Http404("No such album.")
    photos = list(photos)
    outcome = {str(photo.public_id): "not_found" for photo in photos}
    entries = permissions.removable_entries(user).filter(
        album=album, photo__in=[photo.pk for photo in photos]
    )
    with transaction.atomic():
        removed = set(entries.values_list("photo_id", flat=True))
        AlbumEntry.objects.filter(album=album, photo_id__in=removed).delete()
    for photo in photos:
        if photo.pk in removed:
            outcome[str(photo.public_id)] = "removed"
    return EntryResult(outcome=outcome)


def album_set_cover(*, user: User, album: Album, photo: Photo | None) -> Album:
    """The owner picks the cover among the album's photos; None goes back to the newest."""
    if not permissions.can_edit_album(user, album):
        raise Http404("No such album.")
    if photo is not None and not permissions.can_set_cover(user, album, photo):
        raise Http404("No such photo in this album.")
    with transaction.atomic():
        if not Album.objects.filter(pk=album.pk).update(cover=photo):
            raise Http404("No such album.")
    album.cover = photo
    return album


def album_show_in_timeline(*, user: User, album: Album, show: bool) -> bool:
    """Switch "show in my timeline" for an album shared with this person."""
    if not permissions.can_show_in_timeline(user, album):
        raise Http404("No such album.")
    if show:
        TimelineAlbum.objects.get_or_create(user=user, album=album)
    else:
        TimelineAlbum.objects.filter(user=user, album=album).delete()
    return show
