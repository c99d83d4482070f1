"""Writes on behalf of people who hold a share link: password checks (rate-limited per
visitor) and visit counts.
"""

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from gallery import permissions
from gallery.models import ShareLink
from pikoshi.clientip import rate_limit_key
from pikoshi.counters import count_in_window

# Ten guesses per quarter hour per link and visitor address; share_link_check_password
# says why there is no limit per link from all addresses together.
LINK_PASSWORD_ATTEMPTS = 10
LINK_PASSWORD_WINDOW = 15 * 60


class TooManyAttempts(Exception):
    """Raised when a link's password has been guessed at too often."""


def share_link_check_password(*, link: ShareLink, password: str, client: str) -> bool:
    """Check a link password, at most ten wrong guesses per quarter hour from one address.

    There is deliberately no lock per link from all addresses together. Such a lock is a
    switch anyone can flip: fifteen addresses spending their ten guesses shut the real
    recipient out for as long as it lasts, and whoever has enough addresses to threaten a
    password is exactly who can flip it at will. The per-address limit is the protection
    instead, and it is enough: guessing can only start once the 256-bit link itself has
    leaked, the password is at least 8 characters and not a common one, and every wrong
    guess is counted on the link for its owner, who can change the password or revoke.
    An IPv6 client counts by its /64 network, so hopping addresses buys nothing.
    """
    per_client = f"sharelink-pw:{link.pk}:{rate_limit_key(client)}"
    if (cache.get(per_client) or 0) >= LINK_PASSWORD_ATTEMPTS:
        raise TooManyAttempts
    if permissions.can_unlock_link(link, password):
        return True
    count_in_window(per_client, LINK_PASSWORD_WINDOW)
    ShareLink.objects.filter(pk=link.pk).update(
        failed_password_attempts=F("failed_password_attempts") + 1
    )
    return False


def share_link_record_view(*, link: ShareLink) -> None:
    """Count a visit of the link's landing page, for the owner's overview."""
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_accessed_at=timezone.now()
    )
