"""Every write to an account: setup, sessions, storage quota, export requests, deletion.

Building the "download everything" archive lives in accounts/exports.py, which the task
calls; the request that queues it is here, so the two never import each other.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import Export, User

logger = logging.getLogger(__name__)


# --- Sessions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionInfo:
    """One place the account is signed in, as the person sees it.

    `public_id` is a digest of the session key: the key itself is a credential and
    never goes into a page or a URL.
    """

    public_id: str
    ip: str
    user_agent: str
    created_at: object
    last_seen_at: object
    is_current: bool


def _session_public_id(session_key: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:session:{session_key}".encode())
    return digest.hexdigest()[:24]


def user_sessions(*, user: User, current_session_key: str | None = None) -> list[SessionInfo]:
    """Where this account is signed in (browsers and app sign-in flows), newest first.

    Sessions that ended on their own (expired, signed out) are dropped on the way.
    """
    from allauth.usersessions.models import UserSession

    rows = UserSession.objects.purge_and_list(user)
    rows.sort(key=lambda row: row.last_seen_at, reverse=True)
    return [
        SessionInfo(
            public_id=_session_public_id(row.session_key),
            ip=row.ip,
            user_agent=row.user_agent,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            is_current=bool(current_session_key) and row.session_key == current_session_key,
        )
        for row in rows
    ]


def session_public_id(session_key: str | None) -> str:
    return _session_public_id(session_key) if session_key else ""


def user_session_end(*, user: User, public_id: str) -> None:
    """Sign out one session of this account; Http404 when it is not one of theirs."""
    from allauth.usersessions.models import UserSession

    for row in UserSession.objects.filter(user=user):
        if _session_public_id(row.session_key) == public_id:
            row.end()
            logger.info("Session ended for user %s", user.uuid)
            return
    raise Http404("No such session.")


def refresh_tokens_revoke_all(*, user: User) -> int:
    """Blacklist every refresh token of this account that could still be used."""
    live = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now()).exclude(
        pk__in=BlacklistedToken.objects.values("token_id")
    )
    ids = list(live.values_list("pk", flat=True))
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token_id=pk) for pk in ids], ignore_conflicts=True
    )
    return len(ids)


@dataclass(frozen=True)
class SignOutResult:
    sessions: int  # sessions ended
    tokens: int  # refresh tokens revoked


def user_sign_out_everywhere(*, user: User, keep_session: str | None = None) -> SignOutResult:
    """End every session of the account except `keep_session` (a session key) and revoke
    all its API refresh tokens.

    Access tokens already handed out stop at their own short expiry
    (SIMPLE_JWT ACCESS_TOKEN_LIFETIME, minutes); no new ones can be obtained.
    """
    from allauth.usersessions.models import UserSession

    ended = 0
    for row in UserSession.objects.filter(user=user):
        if keep_session and row.session_key == keep_session:
            continue
        row.end()
        ended += 1
    revoked = refresh_tokens_revoke_all(user=user)
    logger.info(
        "Signed out everywhere: user %s, %d sessions ended, %d refresh tokens revoked",
        user.uuid,
        ended,
        revoked,
    )
    return SignOutResult(sessions=ended, tokens=revoked)


def user_rename(*, user: User, display_name: str) -> User:
    """Change the name other people see; empty means no name outside one's connections."""
    user.display_name = " ".join(display_name.split())[:150]
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["display_name"])
    return user


def user_set_quota(*, user: User, quota_bytes: int | None) -> User:
    """Set a person's storage quota (None: the site default, 0: unlimited)."""
    if quota_bytes is not None and quota_bytes < 0:
        raise ValueError("A quota cannot be negative.")
    with transaction.atomic():
        user.storage_quota_bytes = quota_bytes
        user.full_clean()
        user.save(update_fields=["storage_quota_bytes"])
    return user


# --- Deletion ----------------------------------------------------------------------------------


def user_deletion_due_at(*, user: User) -> datetime | None:
    if user.deletion_requested_at is None:
        return None
    return user.deletion_requested_at + timedelta(days=settings.PIKOSHI_DELETION_GRACE_DAYS)


def user_deletion_request(*, user: User) -> User:
    """Mark the account for deletion after the grace period and sign it out everywhere.

    Albums, photos and shares stay as they are until the purge, so changing one's mind
    (by signing in again) restores everything exactly.
    """
    from allauth.account.adapter import get_adapter

    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(deletion_requested_at=timezone.now())
        user.refresh_from_db(fields=["deletion_requested_at"])
    user_sign_out_everywhere(user=user)
    due = user_deletion_due_at(user=user)
    logger.info("Account deletion requested: user %s, purge after %s", user.uuid, due)
    get_adapter().send_mail(
        "account/email/deletion_requested", user.email, {"user": user, "due_at": due}
    )
    return user


def user_deletion_cancel(*, user: User) -> bool:
    """Keep the account after all; True when a deletion was pending."""
    cancelled = bool(
        User.objects.filter(pk=user.pk, deletion_requested_at__isnull=False).update(
            deletion_requested_at=None
        )
    )
    user.deletion_requested_at = None
    if cancelled:
        logger.info("Account deletion cancelled: user %s", user.uuid)
    return cancelled


def user_deactivate(*, user: User) -> User:
    """An admin stops an account: no sign-in, no API, every session and token ended."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
    user_sign_out_everywhere(user=user)
    logger.info("Account deactivated: user %s", user.uuid)
    return user


def user_purge(*, user: User) -> None:
    """Delete the account and everything of it, files included, for good.

    Its photos go wherever they are, also out of other people's albums. Its albums go;
    photos other people added to them stay in their owners' libraries. Shares, links,
    connections, sessions, authenticators and social accounts go with the account row.
    """
    from allauth.usersessions.models import UserSession

    from accounts.exports import exports_delete
    from gallery.models import Album, Photo
    from gallery.services.photos import photos_delete_forever

    uuid = user.uuid
    photos_delete_forever(photos=Photo.objects.filter(owner=user))
    # Entries go with the albums; the photos in them belong to their owners and stay.
    Album.objects.filter(owner=user).delete()
    exports_delete(exports=user.exports.all())
    for row in UserSession.objects.filter(user=user):
        row.end()
    with transaction.atomic():
        OutstandingToken.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).delete()
    logger.info("Account purged: user %s", uuid)


def users_purge_due(*, now: datetime | None = None) -> int:
    """Purge every account whose grace period is over; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PIKOSHI_DELETION_GRACE_DAYS)
    count = 0
    for user in User.objects.filter(deletion_requested_at__lte=cutoff):
        user_purge(user=user)
        count += 1
    return count


# --- Download everything ------------------------------------------------------------------

EXPORT_REQUEST_INTERVAL = timedelta(minutes=10)


def export_request(*, user: User) -> Export:
    """Start building an archive of everything the person owns; an email follows.

    One archive per ten minutes: each is a full copy of the library, so repeated clicks
    must not fill the storage.
    """
    from accounts.tasks import export_build_task

    recent = (
        Export.objects.filter(user=user, created_at__gte=timezone.now() - EXPORT_REQUEST_INTERVAL)
        .exclude(status=Export.Status.FAILED)
        .exists()
    )
    if recent:
        raise ValidationError(
            "An archive was requested a few minutes ago: use the link in that email, or try "
            "again in ten minutes."
        )
    with transaction.atomic():
        export = Export(user=user)
        export.full_clean()
        export.save()
        transaction.on_commit(lambda: export_build_task.enqueue(export_id=export.pk))
    logger.info("Export requested: user %s, export %s", user.uuid, export.public_id)
    return export
