"""Reads of albums, always scoped to the person asking: what does not exist for them
answers Http404.
"""

import uuid
from collections.abc import Iterable

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from gallery import permissions
from gallery.models import Album, AlbumEntry, Photo, TimelineAlbum
from gallery.selectors import uuid_or_404


def with_cover(albums: QuerySet[Album]) -> QuerySet[Album]:
    """Each album with `cover_photo_id`: the cover its owner picked while that photo is
    still in the album and not in the trash, else the album's newest photo, else None.
    `attach_covers` then loads those photos in one query."""
    live = AlbumEntry.objects.filter(album=OuterRef("pk"), photo__deleted_at__isnull=True)
    chosen = live.filter(photo_id=OuterRef("cover_id")).values("photo_id")[:1]
    newest = live.order_by("-photo__taken_at", "-photo_id").values("photo_id")[:1]
    return albums.annotate(cover_photo_id=Coalesce(Subquery(chosen), Subquery(newest)))


def attach_covers(albums: Iterable[Album]) -> list[Album]:
    """Set `shown_cover` (a Photo or None) on albums read through `with_cover`."""
    albums = list(albums)
    ids = {getattr(album, "cover_photo_id", None) for album in albums} - {None}
    photos = Photo.objects.in_bulk(ids) if ids else {}
    for album in albums:
        album.shown_cover = photos.get(getattr(album, "cover_photo_id", None))  # type: ignore[attr-defined]
    return albums


def album_for_viewer(*, user: User, public_id: str | uuid.UUID) -> Album:
    """The album if this person may see it, else 404."""
    album_id = uuid_or_404(public_id)
    album = (
        with_cover(permissions.visible_albums(user))
        .select_related("owner")
        .filter(public_id=album_id)
        .first()
    )
    if album is None:
        raise Http404("No such album.")
    return attach_covers([album])[0]


def album_for_editor(*, user: User, public_id: str | uuid.UUID) -> Album:
    """The album if this person may change it; viewers who may not edit get 404 too."""
    album = album_for_viewer(user=user, public_id=public_id)
    if not permissions.can_edit_album(user, album):
        raise Http404("No such album.")
    return album


def with_reach(albums: QuerySet[Album]) -> QuerySet[Album]:
    """Albums with `people_count` (named people whose grant has not ended) and
    `link_count` (links that still open), for the owner's audience badges."""

    def counted(rows: QuerySet) -> Coalesce:
        return Coalesce(
            Subquery(
                rows.filter(album=OuterRef("pk"))
                .order_by()
                .values("album")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        )

    return albums.annotate(
        people_count=counted(permissions.live_memberships()),
        link_count=counted(permissions.active_share_links()),
    )


def albums_for_owner(*, user: User) -> QuerySet[Album]:
    """The person's own albums with .photo_count (trash not counted), `cover_photo_id` and
    their reach (`with_reach`)."""
    return with_reach(
        with_cover(
            permissions.visible_albums(user)
            .filter(owner=user)
            .annotate(photo_count=Count("photos", filter=Q(photos__deleted_at__isnull=True)))
            # Said again: a query with a count does not follow Meta.ordering.
            .order_by("-updated_at", "-pk")
        )
    )


def album_reach(*, album: Album) -> Album:
    """The album with `people_count` and `link_count` set, for its owner's badge."""
    counted = with_reach(Album.objects.filter(pk=album.pk)).get()
    album.people_count = counted.people_count  # type: ignore[attr-defined]
    album.link_count = counted.link_count  # type: ignore[attr-defined]
    return album


def album_choices(*, user: User) -> QuerySet[Album]:
    """The person's own albums by title, for "add to album" lists (no counts: cheap)."""
    return permissions.visible_albums(user).filter(owner=user).order_by("title", "pk")


def album_photo_count(*, album: Album) -> int:
    """Photos in an album that are not in the trash (whoever may see the album sees them all)."""
    return album.photos.filter(deleted_at__isnull=True).count()


def shows_in_timeline(*, user: User, album: Album) -> bool:
    """Whether this person switched "show in my timeline" on for this album."""
    return TimelineAlbum.objects.filter(user=user, album=album).exists()


def albums_for_upload(*, user: User) -> QuerySet[Album]:
    """Albums this person may add photos to: their own and those they contribute to."""
    return (
        permissions.contributable_albums(user)
        .select_related("owner")
        # Own albums first, then those shared with the uploader, each by title.
        .order_by(Case(When(owner=user, then=0), default=1), "owner_id", "title", "pk")
    )


def album_with_cover(*, album: Album) -> Album:
    """One album with `shown_cover` set, for callers that did not read it through with_cover."""
    found = with_cover(Album.objects.filter(pk=album.pk)).first()
    album.cover_photo_id = getattr(found, "cover_photo_id", None)  # type: ignore[attr-defined]
    return attach_covers([album])[0]
