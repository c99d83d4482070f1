"""One action on many photos at once: what the selection bar and `POST /api/photos/bulk/`
do. Atomic (all of it or none), answering per id, in a number of queries that does not
grow with the number of ids.

Each action looks the ids up among the photos the person may act on that way (a
permissions.py scope); every other id answers "not_found", whether it exists or not, so
the answer tells nobody which of someone else's photos exist.
"""

import uuid
from collections.abc import Callable
from enum import StrEnum

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from gallery import permissions
from gallery.models import Album, Favorite, Photo
from gallery.services import albums as album_services
from gallery.services import photos as photo_services

MAX_IDS = 500


class Action(StrEnum):
    ADD_TO_ALBUM = "add_to_album"
    REMOVE_FROM_ALBUM = "remove_from_album"
    TRASH = "trash"
    RESTORE = "restore"
    DELETE_FOREVER = "delete_forever"
    FAVORITE = "favorite"
    UNFAVORITE = "unfavorite"
    ARCHIVE = "archive"
    UNARCHIVE = "unarchive"


ALBUM_ACTIONS = {Action.ADD_TO_ALBUM, Action.REMOVE_FROM_ALBUM}

# What each outcome means to the person who asked.
DONE, UNCHANGED, NOT_FOUND = "done", "unchanged", "not_found"


class BulkRefused(ValueError):
    """The request as a whole cannot be carried out (too many ids, no album given)."""


def _scope(user: User, action: Action) -> QuerySet[Photo]:
    """The photos this action may touch for this person."""
    if action in (Action.RESTORE, Action.DELETE_FOREVER):
        return permissions.trashed_photos(user)
    if action in (Action.FAVORITE, Action.UNFAVORITE):
        return permissions.favorable_photos(user)
    if action is Action.REMOVE_FROM_ALBUM:
        return permissions.visible_photos(user)
    return permissions.addable_photos(user)  # add, trash, archive: the owner's live photos


def _update(
    photos: list[Photo], changed: Callable[[Photo], bool], **values: object
) -> dict[str, str]:
    to_change = [photo.pk for photo in photos if changed(photo)]
    if to_change:
        Photo.objects.filter(pk__in=to_change).update(**values)
    return {str(photo.public_id): DONE if photo.pk in to_change else UNCHANGED for photo in photos}


def photos_bulk(
    *, user: User, action: Action, ids: list[uuid.UUID], album: Album | None = None
) -> dict[str, str]:
    """Apply `action` to the photos `ids` name; returns each id's outcome."""
    if len(ids) > MAX_IDS:
        raise BulkRefused(f"Select at most {MAX_IDS} photos at a time.")
    if action in ALBUM_ACTIONS and album is None:
        raise BulkRefused("Choose the album first.")
    wanted = list(dict.fromkeys(str(value) for value in ids))
    outcome = dict.fromkeys(wanted, NOT_FOUND)
    now = timezone.now()
    with transaction.atomic():
        photos = list(_scope(user, action).filter(public_id__in=wanted).select_for_update())
        if album is not None and action in ALBUM_ACTIONS:
            service = (
                album_services.album_add_photos
                if action is Action.ADD_TO_ALBUM
                else album_services.album_remove_photos
            )
            try:
                result = service(user=user, album=album, photos=photos)
            except Http404:
                return outcome  # an album they may not use: nothing anywhere is found
            for key, value in result.outcome.items():
                outcome[key] = {"not_found": NOT_FOUND, "already": UNCHANGED}.get(value, DONE)
        elif action is Action.TRASH:
            outcome.update(_update(photos, lambda p: True, deleted_at=now))
        elif action is Action.RESTORE:
            outcome.update(_update(photos, lambda p: True, deleted_at=None))
        elif action is Action.ARCHIVE:
            outcome.update(_update(photos, lambda p: p.archived_at is None, archived_at=now))
        elif action is Action.UNARCHIVE:
            outcome.update(_update(photos, lambda p: p.archived_at is not None, archived_at=None))
        elif action is Action.DELETE_FOREVER:
            photo_services.photos_delete_forever(
                photos=Photo.objects.filter(pk__in=[photo.pk for photo in photos])
            )
            outcome.update({str(photo.public_id): DONE for photo in photos})
        else:
            outcome.update(photos_favorite(user=user, photos=photos, on=action is Action.FAVORITE))
    return outcome


def photos_favorite(*, user: User, photos: list[Photo], on: bool) -> dict[str, str]:
    """Mark or unmark photos (already checked visible) as this person's favorites."""
    marked = set(
        Favorite.objects.filter(user=user, photo__in=[p.pk for p in photos]).values_list(
            "photo_id", flat=True
        )
    )
    if on:
        Favorite.objects.bulk_create(
            [Favorite(user=user, photo=photo) for photo in photos if photo.pk not in marked],
            ignore_conflicts=True,
        )
        return {str(p.public_id): UNCHANGED if p.pk in marked else DONE for p in photos}
    Favorite.objects.filter(user=user, photo_id__in=marked).delete()
    return {str(p.public_id): DONE if p.pk in marked else UNCHANGED for p in photos}


def photo_favorite(*, user: User, photo: Photo, on: bool) -> bool:
    """One photo's heart, for the viewer's button; 404 for a photo they may not see."""
    if not permissions.favorable_photos(user).filter(pk=photo.pk).exists():
        raise Http404("No such photo.")
    photos_favorite(user=user, photos=[photo], on=on)
    return on


class _NothingToAdd(Exception):
    """Rolls back an album that would have stayed empty."""


def photos_into_new_album(
    *, user: User, title: str, ids: list[uuid.UUID]
) -> tuple[Album | None, dict[str, str]]:
    """A new album of the person's own photos among `ids`, and each id's outcome; no album
    (None) when none of them can go in. ValidationError for a title the album refuses."""
    try:
        with transaction.atomic():
            album = album_services.album_create(owner=user, title=title)
            outcome = photos_bulk(user=user, action=Action.ADD_TO_ALBUM, ids=ids, album=album)
            if DONE not in outcome.values():
                raise _NothingToAdd
    except _NothingToAdd:
        return None, outcome
    return album, outcome
