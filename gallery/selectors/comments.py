"""Reads of conversation in shared albums: comments, reactions and the album's feed.

Everything is read through permissions.album_comments / album_reactions /
album_activity_entries, so whoever may not see the album (or the photo in it) gets
nothing, and names are as permissions.person_name gives them to the reader.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.http import Http404

from accounts.models import User, Viewer
from gallery import permissions
from gallery.models import Album, Comment, Photo, Reaction

ACTIVITY_LIMIT = 50
# Photos one person adds within this long of each other are one line of the feed.
ACTIVITY_BATCH = timedelta(hours=1)


@dataclass(frozen=True)
class CommentView:
    comment: Comment
    author: str  # as the reader may name them
    mine: bool
    can_delete: bool


@dataclass(frozen=True)
class Reactions:
    counts: dict[str, int]  # every kind, 0 when nobody chose it
    mine: str | None


@dataclass
class Activity:
    kind: str  # "added" or "comment"
    who: str
    at: datetime
    photos: list[Photo] = field(default_factory=list)  # "added": the photos, newest first
    count: int = 0
    comment: Comment | None = None


def _namer(reader: Viewer) -> Callable[[User | None], str]:
    """person_name for one reader, asked once per person however often they appear."""
    names: dict[int | None, str] = {}

    def name(person: User | None) -> str:
        key = person.pk if person is not None else None
        if key not in names:
            names[key] = permissions.person_name(reader, person) or "Someone"
        return names[key]

    return name


def comment_for_deletion(*, user: Viewer, public_id: uuid.UUID | str) -> Comment:
    comment = (
        permissions.deletable_comments(user)
        .filter(public_id=public_id)
        .select_related("album")
        .first()
    )
    if comment is None:
        raise Http404("No such comment.")
    return comment


def comments_of(*, user: Viewer, album: Album, photo: Photo | None = None) -> list[CommentView]:
    comments = list(
        permissions.album_comments(user, album, photo)
        .select_related("author")
        .order_by("created_at", "id")
    )
    name = _namer(user)
    views = []
    for comment in comments:
        views.append(
            CommentView(
                comment=comment,
                author=name(comment.author),
                mine=comment.author_id == getattr(user, "pk", None),
                can_delete=permissions.may_delete_listed_comment(user, comment, album),
            )
        )
    return views


def reactions_of(*, user: Viewer, album: Album, photo: Photo | None = None) -> Reactions:
    reactions = permissions.album_reactions(user, album, photo)
    counts = dict.fromkeys(Reaction.Kind.values, 0)
    mine = None
    me = user.pk if permissions.is_person(user) else None
    for row in reactions.values("kind").annotate(
        n=Count("id"), mine=Count("id", filter=Q(user_id=me))
    ):
        counts[row["kind"]] = row["n"]
        if row["mine"]:
            mine = row["kind"]
    return Reactions(counts=counts, mine=mine)


def album_activity(*, user: Viewer, album: Album, limit: int = ACTIVITY_LIMIT) -> list[Activity]:
    """Who added what and who commented, newest first: photos one person added within an
    hour of each other are one line ("Bob added 20 photos")."""
    entries = (
        permissions.album_activity_entries(user, album)
        .select_related("photo", "added_by")
        .order_by("-added_at", "-id")[: limit * 20]
    )
    name = _namer(user)
    items: list[Activity] = []
    for entry in entries:
        last = items[-1] if items else None
        if (
            last is not None
            and last.who == name(entry.added_by)
            and last.at - entry.added_at <= ACTIVITY_BATCH
        ):
            last.count += 1
            if len(last.photos) < 6:
                last.photos.append(entry.photo)
            continue
        items.append(
            Activity(
                kind="added",
                who=name(entry.added_by),
                at=entry.added_at,
                photos=[entry.photo],
                count=1,
            )
        )
    comments = (
        permissions.album_comments_all(user, album)
        .select_related("author", "photo")
        .order_by("-created_at", "-id")[:limit]
    )
    items += [
        Activity(kind="comment", who=name(c.author), at=c.created_at, comment=c) for c in comments
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


@dataclass(frozen=True)
class Conversation:
    """What a page shows of the talk about an album or one of its photos."""

    album: Album
    photo: Photo | None
    comments: list[CommentView]
    reactions: list[tuple[str, str, int]]  # (kind, emoji, count) for every kind
    mine: str | None
    can_converse: bool


def conversation_of(*, user: Viewer, album: Album, photo: Photo | None = None) -> Conversation:
    found = reactions_of(user=user, album=album, photo=photo)
    return Conversation(
        album=album,
        photo=photo,
        comments=comments_of(user=user, album=album, photo=photo),
        reactions=[(kind, label, found.counts[kind]) for kind, label in Reaction.Kind.choices],
        mine=found.mine,
        can_converse=permissions.can_converse(user, album, photo),
    )
