from typing import Any
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils.crypto import get_random_string

from pikoshi.clientip import client_ip


def on_site_root(value: Any) -> Any:
    """An absolute http(s) URL moved onto SITE_ROOT, path and query kept; anything else as is."""
    if not isinstance(value, str):
        return value
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return value
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{settings.SITE_ROOT}{parts.path}{query}{fragment}"


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # allauth's rate limits and the sessions page key on this: the visitor's own address,
        # not the proxy's (one budget for the whole site) nor a forged header.
        return client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Every link in an email starts at SITE_ROOT: the address the request came in on
        # may be an internal host or plain http behind the proxy, and allauth's own links
        # take the request's host with ACCOUNT_DEFAULT_HTTP_PROTOCOL.
        site_root = settings.SITE_ROOT
        context = {
            **{
                key: on_site_root(value) if key.endswith("_url") else value
                for key, value in context.items()
            },
            "site_name": settings.SITE_NAME,
            "site_root": site_root,
            # Where to type a code: in the browser that asked for it (the code belongs to
            # that browser's flow), or in the app.
            "confirm_code_url": site_root + reverse("account_email_verification_sent"),
            "password_reset_page_url": site_root + reverse("account_reset_password"),
        }
        if account_settings.PASSWORD_RESET_BY_CODE_ENABLED:
            context["reset_code_url"] = site_root + reverse("account_confirm_password_reset_code")
        if "code" in context:
            timeout = (
                account_settings.PASSWORD_RESET_BY_CODE_TIMEOUT
                if template_prefix.startswith("account/email/password_reset")
                else account_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT
            )
            context["code_minutes"] = timeout // 60
        super().send_mail(template_prefix, email, context)

    def respond_email_verification_sent(self, request, user):
        # A sign-up for a registered address creates nobody, so it arrives here (user=None)
        # without the password hash a new account costs: hash once anyway, or the quicker
        # answer would tell that the address has an account.
        if user is None:
            make_password(get_random_string(16))
        return super().respond_email_verification_sent(request, user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if not user.display_name:
            user.display_name = (data.get("name") or "").strip()[:150] or (
                " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)[:150]
            )
        return user
