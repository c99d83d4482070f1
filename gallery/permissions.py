"""Who may see and change what: the only place Pikoshi's access rules live.

Everything else (selectors, services, the media view, the API) asks these functions.
Today an album is visible to its owner only; sharing (members, audiences, share links)
widens `visible_albums` here and nowhere else. Anonymous visitors see nothing.
"""

from django.db.models import QuerySet

from gallery.models import Album, Photo


def _is_person(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def visible_albums(user) -> QuerySet[Album]:
    """The albums this person may look at."""
    if not _is_person(user):
        return Album.objects.none()
    return Album.objects.filter(owner=user)


def can_view_album(user, album: Album) -> bool:
    """True when `album` is among `visible_albums(user)`, so the rule exists once."""
    if album is None or album.pk is None:
        return False
    return visible_albums(user).filter(pk=album.pk).exists()


def can_edit_album(user, album: Album) -> bool:
    """Only the owner changes an album or adds photos to it (contributors come later)."""
    return _is_person(user) and album is not None and album.owner_id == user.pk


def visible_photos(user) -> QuerySet[Photo]:
    """Photos this person may look at: not in the trash, in an album they may see."""
    return Photo.objects.filter(deleted_at__isnull=True, album__in=visible_albums(user))


def owned_photos(user) -> QuerySet[Photo]:
    """Every photo this person owns, trashed ones included: their library and their trash."""
    if not _is_person(user):
        return Photo.objects.none()
    return Photo.objects.filter(owner=user)


def can_edit_photo(user, photo: Photo) -> bool:
    """Titles, moves, trash and deletion belong to the photo's owner."""
    return _is_person(user) and photo is not None and photo.owner_id == user.pk


def can_view_original(user, photo: Photo) -> bool:
    """The original keeps every byte (GPS included), so only its owner downloads it."""
    return _is_person(user) and photo is not None and photo.owner_id == user.pk
