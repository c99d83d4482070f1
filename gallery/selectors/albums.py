"""Reads of albums, always scoped to the person asking: what does not exist for them
answers Http404.
"""

import uuid

from django.db.models import Case, Count, Q, QuerySet, When
from django.http import Http404

from accounts.models import User
from gallery import permissions
from gallery.models import Album
from gallery.selectors import uuid_or_404


def album_for_viewer(*, user: User, public_id: str | uuid.UUID) -> Album:
    """The album if this person may see it, else 404."""
    album_id = uuid_or_404(public_id)
    album = (
        permissions.visible_albums(user)
        .select_related("owner", "cover")
        .filter(public_id=album_id)
        .first()
    )
    if album is None:
        raise Http404("No such album.")
    return album


def album_for_editor(*, user: User, public_id: str | uuid.UUID) -> Album:
    """The album if this person may change it; viewers who may not edit get 404 too."""
    album = album_for_viewer(user=user, public_id=public_id)
    if not permissions.can_edit_album(user, album):
        raise Http404("No such album.")
    return album


def albums_for_owner(*, user: User) -> QuerySet[Album]:
    """The person's own albums with .photo_count (trash not counted) and the cover joined."""
    return (
        permissions.visible_albums(user)
        .filter(owner=user)
        .select_related("cover")
        .annotate(photo_count=Count("photos", filter=Q(photos__deleted_at__isnull=True)))
    )


def album_photo_count(*, album: Album) -> int:
    """Photos in an album that are not in the trash (whoever may see the album sees them all)."""
    return album.photos.filter(deleted_at__isnull=True).count()


def albums_for_upload(*, user: User) -> QuerySet[Album]:
    """Albums this person may add photos to: their own and those they contribute to."""
    return (
        permissions.contributable_albums(user)
        .select_related("owner")
        # Own albums first, so the uploader's own "My photos" is the default choice.
        .order_by(Case(When(owner=user, then=0), default=1), "-is_default", "owner_id", "title")
    )
