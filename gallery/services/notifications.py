"""Notifications: made where things happen (comments, shares, invitations, new photos),
shown in the bell, and emailed when their recipient chose email (docs/sharing.md,
"Notifications").

Nothing is made for whoever caused it, nor about an album its recipient may not see.
New photos are batched: one notification per album and person adding them for an hour,
its count growing, and its email sent by the digest (`manage.py send_notification_digests`,
every few minutes from cron or a scheduled task) once the burst is over, so twenty photos
make one email and an album sends at most one an hour. Every email names its kind's
one-click unsubscribe address (RFC 8058) and the settings page.
"""

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from gallery import permissions
from gallery.models import Album, Comment, Notification, NotificationSetting, Photo
from gallery.selectors.notifications import (
    DEFAULTS,
    UNSUBSCRIBE_SALT,
    describe,
    unsubscribe_subject,
)

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Channel = NotificationSetting.Channel
PHOTOS_BATCH = timedelta(hours=1)
DIGEST_QUIET = timedelta(minutes=10)  # a burst of uploads is over after this long


def channel_for(*, user: User, kind: str) -> str:
    chosen = (
        NotificationSetting.objects.filter(user=user, kind=kind)
        .values_list("channel", flat=True)
        .first()
    )
    return chosen or DEFAULTS[Kind(kind)]


def settings_update(*, user: User, channels: dict[str, str]) -> None:
    """Set how `user` hears about each kind given (unknown kinds or channels are refused)."""
    for kind, channel in channels.items():
        if kind not in Kind.values or channel not in Channel.values:
            raise ValidationError({kind: "Choose email, in Pikoshi only, or off."})
    for kind, channel in channels.items():
        NotificationSetting.objects.update_or_create(
            user=user, kind=kind, defaults={"channel": channel}
        )


def notify(
    *,
    recipient: User,
    kind: str,
    actor: User | None = None,
    album: Album | None = None,
    photo: Photo | None = None,
    role: str = "",
    count: int = 1,
) -> Notification | None:
    """Tell `recipient` (in the bell, and by email if they chose it) unless they caused it,
    turned this kind off, or may not see the album it is about."""
    if not recipient.is_active or (actor is not None and actor.pk == recipient.pk):
        return None
    if album is not None and not permissions.can_view_album(recipient, album):
        return None
    channel = channel_for(user=recipient, kind=kind)
    if channel == Channel.OFF:
        return None
    now = timezone.now()
    if kind == Kind.PHOTOS:
        batched = Notification.objects.filter(
            recipient=recipient,
            kind=kind,
            album=album,
            actor=actor,
            created_at__gte=now - PHOTOS_BATCH,
        ).update(count=F("count") + count, updated_at=now, read_at=None)
        if batched:
            return None
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        album=album,
        photo=photo,
        role=role,
        count=count,
        created_at=now,
        updated_at=now,
    )
    if channel == Channel.EMAIL and kind != Kind.PHOTOS:  # new photos go by the digest
        transaction.on_commit(partial(_email, notification.pk), robust=True)
    return notification


# --- What happened ---------------------------------------------------------------------------


def photos_added(*, album: Album, actor: User, count: int) -> None:
    """`actor` put `count` photos into `album`: everyone it is shared with hears of it."""
    if count <= 0:
        return
    for person in permissions.album_people(album).exclude(pk=actor.pk):
        notify(recipient=person, kind=Kind.PHOTOS, actor=actor, album=album, count=count)


def comment_made(*, comment: Comment) -> None:
    """The photo's owner (or the album's, for a comment on the album) hears of a comment;
    the others who commented on the same photo or album there hear of a reply."""
    told = {comment.author_id}
    owner = comment.photo.owner if comment.photo is not None else comment.album.owner
    if owner.pk not in told:
        notify(
            recipient=owner,
            kind=Kind.COMMENT,
            actor=comment.author,
            album=comment.album,
            photo=comment.photo,
        )
        told.add(owner.pk)
    earlier = (
        Comment.objects.filter(album=comment.album, photo=comment.photo)
        .exclude(author_id__in=told)
        .values_list("author_id", flat=True)
        .distinct()
    )
    for person in User.objects.filter(pk__in=list(earlier)):
        notify(
            recipient=person,
            kind=Kind.REPLY,
            actor=comment.author,
            album=comment.album,
            photo=comment.photo,
        )


def mark_read(*, user: User, ids: list | None = None) -> int:
    """Mark this person's notifications read: those ids, or all of them."""
    mine = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        mine = mine.filter(pk__in=ids)
    return mine.update(read_at=timezone.now())


# --- Email -------------------------------------------------------------------------------------


def unsubscribe_token(*, user: User, kind: str) -> str:
    return signing.dumps({"u": str(user.uuid), "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe(*, token: str) -> tuple[User, str] | None:
    """Turn email off (in Pikoshi only) for the kind this token names, for its recipient
    alone; None for a token that is not one. Works without signing in, as RFC 8058 asks."""
    subject = unsubscribe_subject(token=token)
    if subject is None:
        return None
    user, kind = subject
    if channel_for(user=user, kind=kind) == Channel.EMAIL:
        NotificationSetting.objects.update_or_create(
            user=user, kind=kind, defaults={"channel": Channel.APP}
        )
    return user, kind


def _email(notification_id: int) -> bool:
    """Send one notification by email, if it is still to be seen and still wanted."""
    notification = (
        Notification.objects.filter(pk=notification_id, emailed_at__isnull=True)
        .select_related("recipient", "actor", "album", "photo")
        .first()
    )
    if notification is None:
        return False
    recipient = notification.recipient
    still_seen = permissions.visible_notifications(recipient).filter(pk=notification.pk).exists()
    if not still_seen or channel_for(user=recipient, kind=notification.kind) != Channel.EMAIL:
        # Access ended or email turned off meanwhile: settled, never sent.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        return False
    token = unsubscribe_token(user=recipient, kind=notification.kind)
    unsubscribe_url = settings.SITE_ROOT + reverse("notifications_unsubscribe", args=[token])
    item = describe(notification, viewer=recipient)
    context = {
        "text": item.text,
        "url": settings.SITE_ROOT + item.url,
        "settings_url": settings.SITE_ROOT + reverse("notification_settings"),
        "unsubscribe_url": unsubscribe_url,
        "kind_label": notification.get_kind_display(),
        "site_name": settings.SITE_NAME,
        "recipient": recipient,
    }
    message = EmailMessage(
        subject=" ".join(
            render_to_string("gallery/email/notification_subject.txt", context).split()
        ),
        body=render_to_string("gallery/email/notification_message.txt", context),
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def digest_send(*, now: datetime | None = None) -> int:
    """Email the batched new-photo notifications whose burst is over (quiet for
    DIGEST_QUIET); returns how many emails went. One album emails a person at most once
    per PHOTOS_BATCH: later photos join the notification already sent."""
    now = now or timezone.now()
    sent = 0
    waiting = Notification.objects.filter(
        kind=Kind.PHOTOS, emailed_at__isnull=True, updated_at__lte=now - DIGEST_QUIET
    ).values_list("pk", flat=True)
    for pk in list(waiting):
        try:
            sent += _email(pk)
        except Exception:  # one recipient's failure must not stop the others
            logger.exception("Sending notification %s failed", pk)
    return sent
