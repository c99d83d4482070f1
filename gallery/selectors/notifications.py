"""Reads of notifications: the bell's count, the list, and each one's sentence, made when
it is read from what its reader may see then (permissions.visible_notifications)."""

from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User, Viewer
from gallery import permissions
from gallery.models import Notification, NotificationSetting

LIST_LIMIT = 50
UNSUBSCRIBE_SALT = "pikoshi.unsubscribe"
Kind = Notification.Kind
Channel = NotificationSetting.Channel
# How each kind reaches someone who has not chosen.
DEFAULTS = {
    Kind.ACCEPTED: Channel.EMAIL,
    Kind.SHARED: Channel.EMAIL,
    Kind.PHOTOS: Channel.EMAIL,
    Kind.COMMENT: Channel.EMAIL,
    Kind.REPLY: Channel.APP,
}


@dataclass(frozen=True)
class Item:
    notification: Notification
    text: str
    url: str  # a path on this site
    unread: bool
    at: datetime


def unread_count(*, user: Viewer) -> int:
    return permissions.visible_notifications(user).filter(read_at__isnull=True).count()


def describe(notification: Notification, *, viewer: Viewer) -> Item:
    who = permissions.person_name(viewer, notification.actor) or "Someone"
    album = notification.album
    title = f"“{album.title}”" if album is not None else ""
    kind = notification.kind
    url = reverse("album_detail", args=[album.public_id]) if album is not None else "/"
    if notification.photo is not None and album is not None:
        photo_page = reverse("photo_detail", args=[notification.photo.public_id])
        url = f"{photo_page}?album={album.public_id}"
    if kind == Notification.Kind.ACCEPTED:
        text = f"{who} accepted your invitation; you are connected now."
        url = reverse("sharing_connections")
    elif kind == Notification.Kind.SHARED:
        role = "add photos to" if notification.role == "contributor" else "see"
        text = f"{who} shared the album {title} with you: you can {role} it."
    elif kind == Notification.Kind.PHOTOS:
        photos = f"{notification.count} photo{'s' if notification.count != 1 else ''}"
        text = f"{who} added {photos} to {title}."
    elif kind == Notification.Kind.COMMENT:
        target = "your photo in" if notification.photo is not None else "your album"
        text = f"{who} commented on {target} {title}."
    else:
        text = f"{who} replied where you commented in {title}."
    if kind in (Notification.Kind.COMMENT, Notification.Kind.REPLY):
        url += "#comments"
    return Item(notification, text, url, notification.read_at is None, notification.updated_at)


def notifications_of(*, user: Viewer, limit: int = LIST_LIMIT) -> list[Item]:
    rows = (
        permissions.visible_notifications(user)
        .select_related("actor", "album", "photo")
        .order_by("-updated_at", "-id")[:limit]
    )
    return [describe(row, viewer=user) for row in rows]


def settings_of(*, user: User) -> list[tuple[str, str, str]]:
    """(kind, its label, the channel chosen or the default) for every kind."""
    chosen = dict(NotificationSetting.objects.filter(user=user).values_list("kind", "channel"))
    return [
        (kind, label, chosen.get(kind, DEFAULTS[Kind(kind)]))
        for kind, label in Notification.Kind.choices
    ]


def unsubscribe_subject(*, token: str) -> tuple[User, str] | None:
    """(recipient, kind) an unsubscribe token names, or None for anything else."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.filter(uuid=value["u"], is_active=True).first()
        kind = value["k"]
    except (signing.BadSignature, KeyError, TypeError, ValueError, ValidationError):
        return None
    if user is None or kind not in Kind.values:
        return None
    return user, kind
