from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils.crypto import get_random_string

from pikoshi.clientip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # allauth's rate limits and the sessions page key on this: the visitor's own address,
        # not the proxy's (one budget for the whole site) nor a forged header.
        return client_ip(request)

    def send_mail(self, template_prefix, email, context):
        # Links in an email point where the request came from, as allauth's own links do,
        # so the paste-the-code page is on the same host as the confirmation link.
        request = allauth_context.request
        site_root = build_absolute_uri(request, "/").rstrip("/") if request else settings.SITE_ROOT
        context = {
            **context,
            "site_name": settings.SITE_NAME,
            "site_root": site_root,
            "confirm_code_url": site_root + reverse("account_confirm_email_code"),
            "password_reset_page_url": site_root + reverse("account_reset_password"),
        }
        super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            _on_account_created(user)
        return user

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

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        _on_account_created(user)
        return user


def _on_account_created(user) -> None:
    """Give every new account what it needs before its first page (its default album)."""
    from accounts.services import user_setup

    user_setup(user=user)
