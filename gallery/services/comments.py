"""Writes of conversation in shared albums: comments and reactions (docs/sharing.md,
"Comments and reactions").

Who may write is permissions.conversing_albums' decision; a comment on a photo needs the
photo to be in the album as the writer sees it. Bodies are kept as typed (every page,
email and API answer escapes them on the way out) and limited per person in time.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from accounts.models import User
from gallery import permissions
from gallery.models import Album, Comment, Photo, Reaction
from gallery.services import notifications
from pikoshi.counters import count_in_window
from pikoshi.errors import Refused

COMMENTS_PER_WINDOW = 20
COMMENT_WINDOW = 10 * 60  # seconds


def _count_comment(user: User) -> None:
    """At most COMMENTS_PER_WINDOW comments per person per window, from any device."""
    if count_in_window(f"comments:{user.uuid}", COMMENT_WINDOW) > COMMENTS_PER_WINDOW:
        raise Refused(
            "You have written a lot of comments in a short time. Wait a few minutes and try again.",
            status=429,
            code="too_many_comments",
        )


def _check_converse(user: User, album: Album, photo: Photo | None) -> None:
    """404 for whoever may not see the album (or the photo in it); 403 for whoever may read
    but not write (a signed-in visitor of a public album: they know it exists)."""
    if permissions.can_converse(user, album, photo):
        return
    if permissions.can_read_conversation(user, album, photo):
        raise PermissionDenied("Only the people this album is shared with can comment and react.")
    raise Http404("No such album or photo.")


def comment_add(*, user: User, album: Album, photo: Photo | None = None, body: str) -> Comment:
    """A comment by `user` on `album`, or on `photo` as seen in it (see _check_converse)."""
    _check_converse(user, album, photo)
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": "Write something first."})
    if "\x00" in text:
        raise ValidationError({"body": "This text contains a character that is not allowed."})
    if len(text) > Comment.MAX_LENGTH:
        raise ValidationError(
            {"body": f"Keep it under {Comment.MAX_LENGTH} characters ({len(text)} now)."}
        )
    _count_comment(user)
    with transaction.atomic():
        comment = Comment.objects.create(album=album, photo=photo, author=user, body=text)
        notifications.comment_made(comment=comment)
    return comment


def comment_delete(*, user: User, comment: Comment) -> None:
    """Delete a comment: its author, or the album's owner; 404 for anyone else."""
    if not permissions.can_delete_comment(user, comment):
        raise Http404("No such comment.")
    Comment.objects.filter(pk=comment.pk).delete()


def reaction_set(
    *, user: User, album: Album, photo: Photo | None = None, kind: str | None
) -> Reaction | None:
    """Set `user`'s reaction to `album` (or `photo` in it) to `kind`; None takes it back."""
    _check_converse(user, album, photo)
    if kind is not None and kind not in Reaction.Kind.values:
        raise ValidationError({"kind": f"Choose one of {', '.join(Reaction.Kind.values)}."})
    mine = Reaction.objects.filter(album=album, photo=photo, user=user)
    if kind is None:
        mine.delete()
        return None
    try:
        with transaction.atomic():
            reaction, created = mine.get_or_create(
                album=album, photo=photo, user=user, defaults={"kind": kind}
            )
    except IntegrityError:  # the same person, twice at once: the other request won
        reaction, created = mine.get(), False
    if not created and reaction.kind != kind:
        reaction.kind = kind
        reaction.save(update_fields=["kind"])
    return reaction


def reaction_toggle(*, user: User, album: Album, photo: Photo | None = None, kind: str) -> None:
    """A reaction button: `kind`, or taken back when it is the one already chosen."""
    _check_converse(user, album, photo)
    chosen = Reaction.objects.filter(album=album, photo=photo, user=user, kind=kind).exists()
    reaction_set(user=user, album=album, photo=photo, kind=None if chosen else kind)
