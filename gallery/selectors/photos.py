"""Reads of photos, always scoped to the person asking: single photos (404 otherwise),
keyset-paginated pages of the timeline, an album and the trash, neighbours in the viewer,
and what a person's originals take against their quota.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from gallery import permissions
from gallery.models import Album, AlbumEntry, Favorite, Photo
from gallery.selectors import uuid_or_404
from gallery.zipping import safe_name, unique_path
from pikoshi.errors import Refused

CURSOR_SALT = "pikoshi.cursor"
DEFAULT_PAGE_SIZE = 30
MAX_PAGE_SIZE = 100
BAD_CURSOR = "This page link is not valid; start again from the first page."


class InvalidCursor(Refused):
    """The cursor was not issued by us (tampered, truncated or from another version)."""

    def __init__(self, message: str = BAD_CURSOR) -> None:
        super().__init__(message, status=400, code="invalid_cursor")


@dataclass
class PhotoPage:
    photos: list[Photo]
    next_cursor: str | None


def photo_for_viewer(*, user: User, public_id: str | uuid.UUID) -> Photo:
    """A photo this person may see (never one in the trash), else 404."""
    photo_id = uuid_or_404(public_id)
    photo = (
        permissions.visible_photos(user).select_related("owner").filter(public_id=photo_id).first()
    )
    if photo is None:
        raise Http404("No such photo.")
    return photo


def photo_in_album_for_viewer(*, user: User, album: Album, public_id: str | uuid.UUID) -> Photo:
    """A photo as seen through one album: in that album, which this person may see; else 404."""
    photo = (
        permissions.album_photos(user, album)
        .select_related("owner")
        .filter(public_id=uuid_or_404(public_id))
        .first()
    )
    if photo is None:
        raise Http404("No such photo in this album.")
    return photo


def photo_albums_for_viewer(*, user: User, photo: Photo) -> list[Album]:
    """The albums of this photo that this person may see: the routes they may open it by."""
    return list(
        permissions.visible_albums(user)
        .filter(entries__photo=photo)
        .select_related("owner")
        .order_by("title", "pk")
    )


def photo_for_owner(
    *, user: User, public_id: str | uuid.UUID, include_trashed: bool = False
) -> Photo:
    """One of the person's own photos, for editing; trashed ones only when asked for."""
    photo_id = uuid_or_404(public_id)
    photos = permissions.owned_photos(user).select_related("owner")
    if not include_trashed:
        photos = photos.filter(deleted_at__isnull=True)
    photo = photos.filter(public_id=photo_id).first()
    if photo is None:
        raise Http404("No such photo.")
    return photo


def photo_file_for_person(
    *, person_uuid: uuid.UUID, public_id: str | uuid.UUID, original: bool
) -> Photo:
    """The photo a media URL issued to this person names, if they may have that file; else 404.

    What they may see, plus their own trash (the trash page shows what would be lost); the
    original only when `can_view_original`. The person is asked for again, so one who was
    deactivated since the URL was signed gets nothing.
    """
    user = User.objects.filter(uuid=person_uuid, is_active=True).first()
    if user is None:
        raise Http404("No such file.")
    try:
        photo = photo_for_viewer(user=user, public_id=public_id)
    except Http404:
        photo = photo_for_owner(user=user, public_id=public_id, include_trashed=True)
    if original and not permissions.can_view_original(user, photo):
        raise Http404("No such file.")
    return photo


def trash_for_owner(*, user: User) -> QuerySet[Photo]:
    """The person's trash, most recently deleted first."""
    return (
        permissions.trashed_photos(user).prefetch_related("albums").order_by("-deleted_at", "-id")
    )


def trashed_photo_for_owner(*, user: User, public_id: str | uuid.UUID) -> Photo:
    """One photo of the person's trash, the only place it may be deleted for good; else 404."""
    photo = (
        permissions.trashed_photos(user)
        .select_related("owner")
        .filter(public_id=uuid_or_404(public_id))
        .first()
    )
    if photo is None:
        raise Http404("No such photo in the trash.")
    return photo


# --- Pages of photos ------------------------------------------------------------------------


def _cursor_salt(order_field: str) -> str:
    # A position in one list is no position in another: the trash's cursor names a
    # deletion time, the timeline's a taking time, so each is signed for its own list.
    return CURSOR_SALT if order_field == "taken_at" else f"{CURSOR_SALT}.{order_field}"


def _encode_cursor(photo: Photo, *, order_field: str = "taken_at") -> str:
    # The public id, not the sequential key, marks the position: the cursor travels in URLs.
    moment = getattr(photo, order_field)
    return signing.dumps([moment.isoformat(), photo.public_id.hex], salt=_cursor_salt(order_field))


def _decode_cursor(cursor: str, *, order_field: str = "taken_at") -> tuple[datetime, uuid.UUID]:
    try:
        moment, public_id = signing.loads(str(cursor), salt=_cursor_salt(order_field))
        moment = datetime.fromisoformat(moment)
        public_id = uuid.UUID(hex=public_id)
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise InvalidCursor(BAD_CURSOR) from exc
    if moment.tzinfo is None:
        raise InvalidCursor(BAD_CURSOR)
    return moment, public_id


def _clamp_limit(limit: object) -> int:
    try:
        wanted = int(limit)  # type: ignore[call-overload]  # anything a query string holds
    except (TypeError, ValueError):
        wanted = DEFAULT_PAGE_SIZE
    return max(1, min(wanted, MAX_PAGE_SIZE))


def with_favorite(photos: QuerySet[Photo], user: User) -> QuerySet[Photo]:
    """Each photo with `is_favorite`: whether this person marked it (one subquery, no N+1)."""
    return photos.annotate(
        is_favorite=Exists(Favorite.objects.filter(user=user, photo=OuterRef("pk")))
    )


def photo_page(
    photos: QuerySet[Photo],
    *,
    cursor: str | None,
    limit: int | str | None,
    order_field: str = "taken_at",
    user: User | None = None,
) -> PhotoPage:
    """Keyset pagination on (order_field desc, id desc): one query per page, whatever its size.

    If the photo a cursor points at is deleted for good before the next page is asked for,
    the page still starts at the right moment; only photos of that very same microsecond
    could be skipped.
    """
    limit = _clamp_limit(limit)
    photos = photos.order_by(f"-{order_field}", "-id")
    if user is not None:
        photos = with_favorite(photos, user)
    if cursor:
        moment, anchor = _decode_cursor(cursor, order_field=order_field)
        anchor_id = Subquery(Photo.objects.filter(public_id=anchor).values("id")[:1])
        # The redundant `<= moment` bounds the index scan; the OR alone is only a filter.
        photos = photos.filter(**{f"{order_field}__lte": moment}).filter(
            Q(**{f"{order_field}__lt": moment}) | Q(**{order_field: moment, "id__lt": anchor_id})
        )
    rows = list(photos[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        next_cursor = _encode_cursor(rows[limit - 1], order_field=order_field)
    return PhotoPage(photos=rows[:limit], next_cursor=next_cursor)


def _timeline(user: User) -> QuerySet[Photo]:
    # The timeline is the person's own library, archived photos left out, plus the photos
    # of albums shared with them that they chose to show there. Without such albums the
    # filter is on the owner alone, so the (owner, taken_at, id) index serves the page.
    own = Q(owner=user, archived_at__isnull=True)
    shown = permissions.timeline_albums(user)
    if not shown.exists():
        return Photo.objects.filter(own, deleted_at__isnull=True)
    return Photo.objects.filter(
        own | Exists(permissions.entries_in(shown).filter(photo=OuterRef("pk"))),
        deleted_at__isnull=True,
    )


def timeline_page(
    *,
    user: User,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    before: datetime | None = None,
) -> PhotoPage:
    """The person's own photos (and those of albums they show there), newest taken first;
    from `before` (a jump to a month) when given, by the same index."""
    photos = _timeline(user)
    if before is not None and not cursor:
        photos = photos.filter(taken_at__lt=before)
    return photo_page(photos, cursor=cursor, limit=limit, user=user)


def timeline_years(*, user: User) -> list[int]:
    """The years the timeline spans, newest first: its two ends, read off the index."""
    ends = _timeline(user).values_list("taken_at", flat=True)
    newest = ends.order_by("-taken_at").first()
    oldest = ends.order_by("taken_at").first()
    if newest is None or oldest is None:
        return []
    newest_year = timezone.localtime(newest).year
    oldest_year = timezone.localtime(oldest).year
    return list(range(newest_year, oldest_year - 1, -1))


def album_photos_page(
    *, user: User, album: Album, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
) -> PhotoPage:
    """Photos of one album this person may see, newest taken first (empty if not visible),
    each with who added it (`added_by_id`) and when (`added_at`)."""
    entry = AlbumEntry.objects.filter(album=album, photo=OuterRef("pk"))
    photos = permissions.album_photos(user, album).annotate(
        added_by_id=Subquery(entry.values("added_by_id")[:1]),
        added_at=Subquery(entry.values("added_at")[:1]),
    )
    return photo_page(photos, cursor=cursor, limit=limit, user=user)


def trash_page(
    *, user: User, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
) -> PhotoPage:
    """The person's trash, most recently deleted first, a page at a time like the timeline."""
    return photo_page(
        permissions.trashed_photos(user).prefetch_related("albums"),
        cursor=cursor,
        limit=limit,
        order_field="deleted_at",
    )


def photo_neighbours(
    *, user: User, photo: Photo, album: Album | None = None
) -> tuple[Photo | None, Photo | None]:
    """(newer, older) photo next to `photo` in the album, or in the timeline without one."""
    scope = permissions.album_photos(user, album) if album is not None else _timeline(user)
    return neighbours_in(scope, photo)


def neighbours_in(scope: QuerySet[Photo], photo: Photo) -> tuple[Photo | None, Photo | None]:
    """(newer, older) photo next to `photo` among `scope`, in the grids' order."""
    # The redundant bound on taken_at lets the index stop the scan, as for pages.
    newer = (
        scope.filter(taken_at__gte=photo.taken_at)
        .filter(Q(taken_at__gt=photo.taken_at) | Q(taken_at=photo.taken_at, id__gt=photo.pk))
        .order_by("taken_at", "id")
        .first()
    )
    older = (
        scope.filter(taken_at__lte=photo.taken_at)
        .filter(Q(taken_at__lt=photo.taken_at) | Q(taken_at=photo.taken_at, id__lt=photo.pk))
        .order_by("-taken_at", "-id")
        .first()
    )
    return newer, older


# --- Storage quota: what a person's originals take, and their limit ------------------------


def user_storage_used(*, user: User) -> int:
    """Bytes of every original this person owns, photos in the trash included.

    The trash counts because its files are still stored; emptying it frees the space.
    A Live Photo's motion (its MOV) counts too. Variants are not counted: they are small
    and ours to make.
    """
    totals = Photo.objects.filter(owner=user).aggregate(
        photos=Sum("bytes"), motions=Sum("motion_bytes")
    )
    return (totals["photos"] or 0) + (totals["motions"] or 0)


def user_storage_quota(*, user: User) -> int | None:
    """The person's limit in bytes, or None for unlimited (0 means unlimited too)."""
    quota = user.storage_quota_bytes
    if quota is None:
        quota = settings.PIKOSHI_DEFAULT_QUOTA_BYTES
    return quota or None


@dataclass(frozen=True)
class StorageUsage:
    used: int
    quota: int | None  # None: unlimited

    @property
    def left(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.used, 0)

    @property
    def percent(self) -> int | None:
        if not self.quota:
            return None
        return min(100, round(self.used * 100 / self.quota))


def user_storage_usage(*, user: User) -> StorageUsage:
    return StorageUsage(used=user_storage_used(user=user), quota=user_storage_quota(user=user))


# --- What a viewer knows about photos beyond the photo itself -------------------------------


def album_ids_of_photos(*, user: User, photos: list[Photo]) -> dict[int, list[uuid.UUID]]:
    """For each photo, the public ids of its albums this person may see (one query)."""
    rows = (
        permissions.entries_in(permissions.visible_albums(user))
        .filter(photo__in=[photo.pk for photo in photos])
        .order_by("album__title", "album_id")
        .values_list("photo_id", "album__public_id")
    )
    found: dict[int, list[uuid.UUID]] = {}
    for photo_id, album_id in rows:
        found.setdefault(photo_id, []).append(album_id)
    return found


def is_favorite(*, user: User, photo: Photo) -> bool:
    return permissions.is_person(user) and Favorite.objects.filter(user=user, photo=photo).exists()


def added_by_names(*, user: User, photos: list[Photo]) -> dict[int | None, str]:
    """How this person may name whoever added each photo of an album page (`added_by_id`)."""
    ids = {getattr(photo, "added_by_id", None) for photo in photos} - {None}
    people = User.objects.in_bulk(ids) if ids else {}
    return {pk: permissions.person_name(user, person) for pk, person in people.items()}


@dataclass(frozen=True)
class DownloadItem:
    """One photo of a selection's ZIP: which stored file goes in, and under what name."""

    photo: Photo
    file: FieldFile
    path: str


def selection_download(*, user: User, ids: list[uuid.UUID]) -> list[DownloadItem]:
    """What a ZIP of these photos holds for this person, oldest first, in one query.

    Their own photos as uploaded, under the name they gave them (a Live Photo's MOV
    beside its still); anyone else's as the display copy the viewer shows (a new WebP with
    no metadata; for a video its playable MP4, which has none either), named by its id, so
    no one's file names or camera data travel with it. Ids they may not download, and
    others' photos whose copies are still being made, are left out.
    """
    photos = (
        permissions.downloadable_photos(user).filter(public_id__in=ids).order_by("taken_at", "id")
    )
    items: list[DownloadItem] = []
    used: set[str] = set()
    for photo in photos:
        own = permissions.can_view_original(user, photo)
        if own:
            stem = PurePath(photo.original_name or "").stem
            name = f"{safe_name(stem or f'photo-{photo.public_id}')}{photo.original_extension}"
            file = photo.original
        elif photo.is_video and photo.is_ready and photo.video:  # the playable copy
            name, file = f"video-{photo.public_id}.mp4", photo.video
        elif photo.is_ready and photo.display:
            name, file = f"photo-{photo.public_id}.webp", photo.display
        else:
            continue
        files = [(name, file)]
        if own and photo.is_live:  # and its motion, as uploaded
            files.append((PurePath(name).stem + photo.motion_extension, photo.motion_original))
        items += [
            DownloadItem(photo, each, unique_path(path, used, suffix=str(photo.public_id)[:8]))
            for path, each in files
        ]
    return items
