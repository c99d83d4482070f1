"""Signal receivers. Only glue: the decisions live in accounts.services."""

from django.contrib import messages


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
