from allauth.account.decorators import reauthentication_required
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import exports, services
from accounts.forms import DeleteAccountForm, DisplayNameForm, SignOutEverywhereForm
from accounts.typing import AuthenticatedHttpRequest
from gallery.selectors import photos as photo_selectors


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account at a glance: name, storage, security, sessions, export and deletion."""
    name_form = DisplayNameForm(
        request.POST if request.method == "POST" else None,
        initial={"display_name": request.user.display_name},
    )
    if request.method == "POST" and name_form.is_valid():
        services.user_rename(user=request.user, display_name=name_form.cleaned_data["display_name"])
        messages.success(request, "Your name is saved.")
        return redirect("account_profile")
    types = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    return render(
        request,
        "account/profile.html",
        {
            "name_form": name_form,
            "usage": photo_selectors.user_storage_usage(user=request.user),
            "has_totp": Authenticator.Type.TOTP in types,
            "has_passkeys": Authenticator.Type.WEBAUTHN in types,
            "session_count": len(services.user_sessions(user=request.user)),
        },
    )


@login_required
def sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where the account is signed in, with sign-out for one or all of them."""
    current = request.session.session_key
    return render(
        request,
        "account/sessions.html",
        {"sessions": services.user_sessions(user=request.user, current_session_key=current)},
    )


@login_required
@require_POST
def session_sign_out(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    if public_id == services.session_public_id(request.session.session_key):
        logout(request)
        messages.success(request, "You are signed out of this browser.")
        return redirect("account_login")
    services.user_session_end(user=request.user, public_id=public_id)
    messages.success(request, "That session is signed out.")
    return redirect("account_sessions")


@login_required
@require_POST
def sign_out_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every other session and every app token ends; with `include_this` this one too."""
    form = SignOutEverywhereForm(request.POST)
    form.is_valid()  # one checkbox: always valid, left out means this browser stays
    include_this = form.cleaned_data["include_this"]
    user = request.user
    keep = None if include_this else request.session.session_key
    ended = services.user_sign_out_everywhere(user=user, keep_session=keep).sessions
    if include_this:
        logout(request)
        messages.success(request, "You are signed out everywhere, including here.")
        return redirect("account_login")
    messages.success(
        request,
        f"Signed out of {ended} other session{'s' if ended != 1 else ''}; apps must sign in again.",
    )
    return redirect("account_sessions")


@login_required
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Request a ZIP of everything; the link arrives by email and is listed here."""
    if request.method == "POST":
        try:
            services.export_request(user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                "Your archive is being prepared. We will email you a download link when it "
                f"is ready; it works for {settings.PIKOSHI_EXPORT_DAYS} days.",
            )
        return redirect("account_export")
    items = [
        (item, exports.export_download_path(export=item) if item.status == "ready" else "")
        for item in exports.exports_for_owner(user=request.user)[:10]
    ]
    return render(
        request,
        "account/export.html",
        {
            "items": items,
            "usage": photo_selectors.user_storage_usage(user=request.user),
            "export_days": settings.PIKOSHI_EXPORT_DAYS,
        },
    )


@login_required
def export_download(request: AuthenticatedHttpRequest, token: str) -> FileResponse:
    """Stream the archive from storage; only its owner, only while the link lasts."""
    item = exports.export_for_download(user=request.user, token=token)
    response = FileResponse(
        item.file.storage.open(str(item.file.name), "rb"),
        as_attachment=True,
        filename=f"pikoshi-export-{item.created_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@reauthentication_required
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Delete the account after re-authentication and typing the email address."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        services.user_deletion_request(user=user)
        due = services.user_deletion_due_at(user=user)
        logout(request)
        messages.success(
            request,
            f"Your account will be deleted for good on {due:%d %B %Y}. Changed your mind? "
            "Sign in before then and everything stays.",
        )
        return redirect("account_login")
    return render(
        request,
        "account/delete.html",
        {"form": form, "grace_days": settings.PIKOSHI_DELETION_GRACE_DAYS},
    )
