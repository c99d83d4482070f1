"""Writes an owner makes to share: connections and invitations, audiences, named members,
share links, and "make everything private".
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict, Unpack

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    MinimumLengthValidator,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from gallery import permissions
from gallery.models import (
    Album,
    AlbumMember,
    Audience,
    Circle,
    Connection,
    Invitation,
    Notification,
    ShareLink,
)
from gallery.services import notifications
from gallery.tokens import hash_token, new_token

if TYPE_CHECKING:
    from django.contrib.auth.password_validation import PasswordValidator

LINK_DEFAULT_LIFETIME = timedelta(days=30)
INVITATIONS_PER_DAY = 50


class MemberChanges(TypedDict, total=False):
    """What album_member_update may change; a key left out stays as it is."""

    role: str
    until: datetime | None  # None: no end date


class ShareLinkChanges(TypedDict, total=False):
    """What share_link_update may change; a key left out stays as it is."""

    label: str
    expires_at: datetime | None  # None: never expires
    password: str  # "": no password
    allow_download: bool
    share_camera: bool
    share_location: bool
    show_comments: bool


def _unknown_changes(changes: Mapping[str, object], allowed: type) -> None:
    unknown = set(changes) - set(allowed.__annotations__)
    if unknown:
        raise TypeError(f"Cannot change {', '.join(sorted(unknown))}.")


# --- e-mail --------------------------------------------------------------------------------


def _send(*, template: str, to: str, context: dict) -> None:
    context = {**context, "site_name": settings.SITE_NAME, "site_root": settings.SITE_ROOT}
    subject = render_to_string(f"gallery/email/{template}_subject.txt", context)
    body = render_to_string(f"gallery/email/{template}_message.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])


def _verified_emails(user: User) -> set[str]:
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {e.lower() for e in emails}


def _require_owner(user: User, album: Album) -> None:
    if not permissions.can_share_album(user, album):
        raise Http404


# --- invitations and connections ----------------------------------------------------------


@transaction.atomic
def invitation_create(*, inviter: User, email: str, circle: str = Circle.FRIEND) -> Invitation:
    """Invite someone by email to connect; the email goes out once the row is committed."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter a valid email address."}) from exc
    if circle not in Circle.values:
        raise ValidationError({"circle": "Choose family or friend."})
    if email in _verified_emails(inviter) or email == inviter.email.lower():
        raise ValidationError({"email": "That is your own address."})
    if Connection.objects.filter(user=inviter, contact__email__iexact=email).exists():
        raise ValidationError({"email": "You are already connected with this person."})
    existing = Invitation.objects.filter(
        inviter=inviter, email=email, status=Invitation.Status.PENDING
    ).first()
    if existing is not None:
        if existing.circle != circle:
            existing.circle = circle
            existing.save(update_fields=["circle"])
        return existing
    since = timezone.now() - timedelta(days=1)
    if (
        Invitation.objects.filter(inviter=inviter, created_at__gte=since).count()
        >= INVITATIONS_PER_DAY
    ):
        raise ValidationError("You have sent many invitations today. Try again tomorrow.")
    invitation = Invitation(inviter=inviter, email=email, circle=circle)
    invitation.full_clean()
    invitation.save()
    context = {
        "inviter": inviter,
        "url": settings.SITE_ROOT + reverse("sharing_connections"),
        "signup_url": settings.SITE_ROOT + reverse("account_signup"),
    }
    transaction.on_commit(lambda: _send(template="invitation", to=email, context=context))
    return invitation


def _locked(invitation: Invitation) -> Invitation:
    """The invitation's row, locked until the transaction ends, so two answers (or an
    answer and a cancellation) at once are decided one after the other; 404 once gone."""
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None:
        raise Http404("No such invitation.")
    return locked


@transaction.atomic
def invitation_accept(
    *, user: User, invitation: Invitation, circle: str = Circle.FRIEND
) -> Connection:
    """Accept: both sides are connected, each under the circle it chose."""
    invitation = _locked(invitation)
    if not permissions.can_answer_invitation(user, invitation):
        raise Http404("No such invitation.")
    if circle not in Circle.values:
        raise ValidationError({"circle": "Choose family or friend."})
    inviter = invitation.inviter
    Connection.objects.update_or_create(
        user=inviter, contact=user, defaults={"circle": invitation.circle}
    )
    mine, _ = Connection.objects.update_or_create(
        user=user, contact=inviter, defaults={"circle": circle}
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_by = user
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "responded_at"])
    # Other pending invitations between the same two people are answered by this one.
    Invitation.objects.filter(
        Q(inviter=user, email__in=_verified_emails(inviter))
        | Q(inviter=inviter, email__in=_verified_emails(user)),
        status=Invitation.Status.PENDING,
    ).update(status=Invitation.Status.ACCEPTED, accepted_by=user, responded_at=timezone.now())
    notifications.notify(recipient=inviter, kind=Notification.Kind.ACCEPTED, actor=user)
    return mine


@transaction.atomic
def invitation_decline(*, user: User, invitation: Invitation) -> Invitation:
    """Decline quietly: the inviter sees the invitation was declined, nothing more."""
    invitation = _locked(invitation)
    if not permissions.can_answer_invitation(user, invitation):
        raise Http404("No such invitation.")
    invitation.status = Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def invitation_cancel(*, user: User, invitation: Invitation) -> Invitation:
    """The inviter takes back an invitation that has not been answered."""
    invitation = _locked(invitation)
    if not permissions.can_cancel_invitation(user, invitation):
        raise Http404("No such invitation.")
    invitation.status = Invitation.Status.CANCELLED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def connection_update(*, user: User, connection: Connection, circle: str) -> Connection:
    """Move a connection to the other circle; only the side that owns the filing may."""
    if not permissions.can_manage_connection(user, connection):
        raise Http404("No such connection.")
    if circle not in Circle.values:
        raise ValidationError({"circle": "Choose family or friend."})
    connection.circle = circle
    connection.full_clean()
    connection.save(update_fields=["circle"])
    return connection


@transaction.atomic
def connection_remove(*, user: User, connection: Connection) -> None:
    """End a connection for both sides, and every album membership between them, at once."""
    if not permissions.can_manage_connection(user, connection):
        raise Http404("No such connection.")
    other = connection.contact
    Connection.objects.filter(Q(user=user, contact=other) | Q(user=other, contact=user)).delete()
    AlbumMember.objects.filter(
        Q(album__owner=user, user=other) | Q(album__owner=other, user=user)
    ).delete()


# --- album audience and details policy ---------------------------------------------------


@transaction.atomic
def album_sharing_update(
    *,
    user: User,
    album: Album,
    audience: str | None = None,
    share_camera: bool | None = None,
    share_location: bool | None = None,
) -> Album:
    """Change who sees the album by audience, and what details they see."""
    _require_owner(user, album)
    fields = []
    if audience is not None:
        if audience not in Audience.values:
            raise ValidationError({"audience": "Choose private, family, friends or public."})
        # Album.save gives a public album its address and takes it away otherwise, so
        # public again is a new address: whoever had the old one does not come back.
        album.audience = audience
        fields.append("audience")
    if share_camera is not None:
        album.share_camera = bool(share_camera)
        fields.append("share_camera")
    if share_location is not None:
        album.share_location = bool(share_location)
        fields.append("share_location")
    if fields:
        album.full_clean()
        album.save(update_fields=[*fields, "updated_at"])
    return album


@transaction.atomic
def album_public_address_change(*, user: User, album: Album) -> Album:
    """Give a public album a new random address: the old one answers 404 from the next
    request on (its pages and every media URL issued under it)."""
    _require_owner(user, album)
    locked = Album.objects.select_for_update().get(pk=album.pk)
    if locked.audience != Audience.PUBLIC:
        raise ValidationError(
            {"audience": "This album is not public, so it has no address to change."}
        )
    album.public_address = uuid.uuid4()
    album.save(update_fields=["public_address", "updated_at"])
    return album


# --- named people ------------------------------------------------------------------------


def _check_until(until: datetime | None) -> None:
    if until is not None and until <= timezone.now():
        raise ValidationError({"until": "Choose a moment in the future."})


@transaction.atomic
def album_member_add(
    *,
    user: User,
    album: Album,
    member: User | None,
    role: str = AlbumMember.Role.VIEWER,
    until: datetime | None = None,
) -> AlbumMember:
    """Share an album with one of the owner's connections, and tell them by email."""
    _require_owner(user, album)
    if member is None or not Connection.objects.filter(user=user, contact=member).exists():
        raise ValidationError({"user": "You can share only with people you are connected to."})
    if role not in AlbumMember.Role.values:
        raise ValidationError({"role": "Choose viewer or contributor."})
    _check_until(until)
    existing = AlbumMember.objects.filter(album=album, user=member).first()
    created = existing is None
    role_before = existing.role if existing is not None else None
    membership = existing if existing is not None else AlbumMember(album=album, user=member)
    membership.role = role
    membership.until = until
    membership.full_clean()
    # An existing grant is updated, never re-inserted: removed meanwhile means gone (404).
    membership.save(force_insert=created, force_update=not created)
    if role_before != role:
        notifications.notify(
            recipient=member, kind=Notification.Kind.SHARED, actor=user, album=album, role=role
        )
    return membership


@transaction.atomic
def album_member_update(
    *, user: User, membership: AlbumMember, **changes: Unpack[MemberChanges]
) -> AlbumMember:
    """Change a member's role or end date (only those given); until=None removes the end."""
    _unknown_changes(changes, MemberChanges)
    _require_owner(user, membership.album)
    role_before = membership.role
    if "role" in changes:
        if changes["role"] not in AlbumMember.Role.values:
            raise ValidationError({"role": "Choose viewer or contributor."})
        membership.role = changes["role"]
    if "until" in changes:
        _check_until(changes["until"])
        membership.until = changes["until"]
    membership.full_clean()
    # update_fields: a membership removed meanwhile raises NotUpdated (a 404) instead of
    # being INSERTed again, which would undo its owner's revocation.
    membership.save(update_fields=["role", "until"])
    if membership.role != role_before:
        notifications.notify(
            recipient=membership.user,
            kind=Notification.Kind.SHARED,
            actor=user,
            album=membership.album,
            role=membership.role,
        )
    return membership


@transaction.atomic
def album_member_remove(*, user: User, membership: AlbumMember) -> None:
    """Take an album back from one person; their next request is refused."""
    _require_owner(user, membership.album)
    membership.delete()


def contributor_sharing_update(
    *, user: User, album: Album, share_camera: bool, share_location: bool, allow_download: bool
) -> AlbumMember:
    """A member's own switches for the photos they put in someone else's album."""
    membership = permissions.own_photos_membership(user, album)
    if membership is None:
        raise Http404
    membership.share_camera = bool(share_camera)
    membership.share_location = bool(share_location)
    membership.allow_download = bool(allow_download)
    # update_fields: a membership removed meanwhile raises NotUpdated (a 404), never a new row.
    membership.save(update_fields=["share_camera", "share_location", "allow_download"])
    return membership


# --- share links ---------------------------------------------------------------------------


@dataclass
class CreatedLink:
    link: ShareLink
    token: str  # shown once: only its digest is stored

    @property
    def path(self) -> str:
        return reverse("share_link", kwargs={"token": self.token})


# The link is the first secret; its password only has to hold against someone the link
# leaked to, guessing ten times a quarter hour per address. That rules out short and
# common passwords, not the account rules (character classes, similarity to a user).
LINK_PASSWORD_VALIDATORS: list["PasswordValidator"] = [
    MinimumLengthValidator(8),
    CommonPasswordValidator(),
]


def _link_password(password: str) -> str:
    """The stored form of a link password: a hash, or "" for none."""
    if not password:
        return ""
    try:
        validate_password(password, password_validators=LINK_PASSWORD_VALIDATORS)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    return make_password(password)


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "Choose a moment in the future."})


def share_link_default_expiry() -> datetime:
    """When a new link expires unless its owner chooses: a forwarded link does not live on."""
    return timezone.now() + LINK_DEFAULT_LIFETIME


@transaction.atomic
def share_link_create(
    *,
    user: User,
    album: Album,
    expires_at: datetime | None,
    label: str = "",
    password: str = "",
    allow_download: bool = False,
    share_camera: bool = False,
    share_location: bool = False,
    show_comments: bool = False,
) -> CreatedLink:
    """Make a link to the album, expiring at `expires_at` (None: never)."""
    _require_owner(user, album)
    _check_expiry(expires_at)
    token = new_token()
    link = ShareLink(
        album=album,
        token_hash=hash_token(token),
        label=(label or "").strip(),
        expires_at=expires_at,
        password=_link_password(password),
        allow_download=bool(allow_download),
        share_camera=bool(share_camera),
        share_location=bool(share_location),
        show_comments=bool(show_comments),
    )
    link.full_clean()
    link.save()
    return CreatedLink(link=link, token=token)


SHARE_LINK_EDITABLE = [
    "label",
    "expires_at",
    "password",
    "allow_download",
    "share_camera",
    "share_location",
    "show_comments",
]


@transaction.atomic
def share_link_update(
    *, user: User, link: ShareLink, **changes: Unpack[ShareLinkChanges]
) -> ShareLink:
    """Change a live link (only what is given). expires_at=None removes the expiry;
    password="" removes the password."""
    _unknown_changes(changes, ShareLinkChanges)
    _require_owner(user, link.album)
    if link.revoked_at is not None:
        raise ValidationError("This link was revoked; make a new one instead.")
    if "label" in changes:
        link.label = changes["label"].strip()
    if "expires_at" in changes:
        _check_expiry(changes["expires_at"])
        link.expires_at = changes["expires_at"]
    if "password" in changes:
        link.password = _link_password(changes["password"])
    for name in ("allow_download", "share_camera", "share_location", "show_comments"):
        if name in changes:
            setattr(link, name, bool(changes[name]))
    link.full_clean()
    # update_fields: a link deleted meanwhile (with its album) raises NotUpdated, a 404,
    # instead of being INSERTed again.
    link.save(update_fields=SHARE_LINK_EDITABLE)
    return link


@transaction.atomic
def share_link_revoke(*, user: User, link: ShareLink) -> ShareLink:
    """Revoke at once: pages and media URLs already handed out stop working."""
    _require_owner(user, link.album)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


# --- everything at once ------------------------------------------------------------------


@dataclass
class PrivateResult:
    albums: int
    members: int
    links: int


@transaction.atomic
def sharing_make_everything_private(*, user: User) -> PrivateResult:
    """The panic button: every album private, every member removed, every link revoked."""
    albums = (
        Album.objects.filter(owner=user)
        .exclude(audience=Audience.PRIVATE)
        .update(audience=Audience.PRIVATE, public_address=None, updated_at=timezone.now())
    )
    members, _ = AlbumMember.objects.filter(album__owner=user).delete()
    links = ShareLink.objects.filter(album__owner=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return PrivateResult(albums=albums, members=members, links=links)
