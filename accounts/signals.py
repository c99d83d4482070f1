"""Signal receivers. Only glue: the decisions live in accounts.services."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest


def cancel_deletion_on_sign_in(sender, request, user, **kwargs):
    """Signing in during the grace period means the person wants the account after all.

    allauth sends user_logged_in once every stage (second factor included) has passed, for
    browser and app sign-ins alike.
    """
    from accounts.services import user_deletion_cancel

    if getattr(user, "deletion_requested_at", None) is None:
        return
    if user_deletion_cancel(user=user) and hasattr(request, "_messages"):
        messages.success(
            request,
            "Welcome back: the deletion of your account is cancelled and everything is "
            "as you left it.",
        )


def end_browser_credentials_on_sign_out(
    sender: type | None, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Every sign-out of a browser (the pages, allauth's headless browser client, the API)
    also ends the JWT cookies an SPA got in that browser, so nothing of it stays signed in."""
    from accounts.api.tokens import browser_credentials_end

    if request is not None:
        browser_credentials_end(request)
