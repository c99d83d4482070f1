"""Search over what a person may see: words in titles, file names and album titles and
descriptions, a date range, camera model (own photos only), favorites and archived.

On PostgreSQL words are matched by full-text search with GIN indexes (the vectors are
`gallery.models.PHOTO_SEARCH_VECTOR` and `ALBUM_SEARCH_VECTOR`, the same expressions the
indexes of migration 0011 are built on), each word as a prefix: "harb" finds "Harbour".
The embedded SQLite has no such search: there each word must appear in one of the same
texts (case-insensitive substring). Results are cursor-paged like the timeline.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from gallery import permissions
from gallery.models import ALBUM_SEARCH_VECTOR, PHOTO_SEARCH_VECTOR, Favorite, Photo
from gallery.selectors.photos import DEFAULT_PAGE_SIZE, PhotoPage, photo_page

MAX_WORDS = 8
# Letters and digits of any script; everything else separates words, as the parser does.
WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class SearchFilters:
    text: str = ""
    taken_from: datetime | None = None
    taken_to: datetime | None = None
    camera: str = ""
    favorites: bool = False
    archived: bool = False

    @property
    def words(self) -> list[str]:
        return [word.lower() for word in WORD.findall(self.text)][:MAX_WORDS]

    @property
    def empty(self) -> bool:
        return (
            not (self.words or self.taken_from or self.taken_to or self.camera or self.favorites)
            and not self.archived
        )


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def fulltext_matches(photos: QuerySet[Photo], user: User, words: list[str]) -> QuerySet[Photo]:
    """PostgreSQL: every word a prefix of a word of the photo's texts or of an album of it
    the person may see, through the GIN indexes."""
    query = SearchQuery(
        " & ".join(f"{word}:*" for word in words), config="simple", search_type="raw"
    )
    own_text = Photo.objects.annotate(_vector=PHOTO_SEARCH_VECTOR).filter(_vector=query)
    albums = permissions.visible_albums(user)
    matching_albums = albums.annotate(_vector=ALBUM_SEARCH_VECTOR).filter(_vector=query)
    in_album = permissions.entries_in(matching_albums).values("photo_id")
    # One IN over a UNION, not an OR of two: PostgreSQL then starts from the few matches
    # (both halves use their indexes) instead of testing every visible photo (932 ms at
    # 100,000 photos with the OR). What may be seen is still `photos`'s condition.
    return photos.filter(pk__in=own_text.values("pk").union(in_album))


def substring_matches(photos: QuerySet[Photo], user: User, words: list[str]) -> QuerySet[Photo]:
    """Anywhere else: every word inside one of the same texts (a scan; fine at home sizes)."""
    albums = permissions.visible_albums(user)
    for word in words:
        named = albums.filter(Q(title__icontains=word) | Q(description__icontains=word))
        entry = permissions.entries_in(named).filter(photo=OuterRef("pk"))
        photos = photos.filter(
            Q(title__icontains=word) | Q(original_name__icontains=word) | Exists(entry)
        )
    return photos


def search_page(
    *,
    user: User,
    filters: SearchFilters,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> PhotoPage:
    """The photos this person may see that match every filter given, newest taken first.

    Archived photos are found like any other (archive only keeps them out of the
    timeline); `archived` narrows to the person's own archived photos."""
    photos = permissions.visible_photos(user)
    if filters.words:
        matches = fulltext_matches if _postgres() else substring_matches
        photos = matches(photos, user, filters.words)
    if filters.taken_from is not None:
        photos = photos.filter(taken_at__gte=filters.taken_from)
    if filters.taken_to is not None:
        photos = photos.filter(taken_at__lt=filters.taken_to)
    if filters.camera:
        # Camera details are the owner's: others' photos never match on them.
        photos = photos.filter(owner=user, camera_model__icontains=filters.camera)
    if filters.favorites:
        photos = photos.filter(Exists(Favorite.objects.filter(user=user, photo=OuterRef("pk"))))
    if filters.archived:
        photos = photos.filter(owner=user, archived_at__isnull=False)
    return photo_page(photos, cursor=cursor, limit=limit, user=user)


def camera_models(*, user: User) -> list[str]:
    """The camera models of this person's own photos, for the search form's choices."""
    return list(
        permissions.owned_photos(user)
        .exclude(camera_model="")
        .order_by("camera_model")
        .values_list("camera_model", flat=True)
        .distinct()[:50]
    )
