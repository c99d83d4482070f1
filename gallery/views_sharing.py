"""Sharing pages: the share dialog, connections, shared-with-me, the overview and /s/ links.

Thin views: they parse a form, call one service or selector and render or redirect.
"""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gallery import media, permissions
from gallery.models import AlbumMember, Audience, Circle
from gallery.sharing import selectors, services
from pikoshi.clientip import client_ip

SESSION_UNLOCKED = "pikoshi_links_unlocked"
LINK_PAGE_SIZE = 60
SESSION_MAX = 50


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _checked(request, name: str) -> bool:
    return request.POST.get(name) in {"on", "1", "true", "yes"}


def _parse_date_end(value: str):
    """A date typed in a form means "until the end of that day" in the site's time zone."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError("Enter the date as YYYY-MM-DD.") from None
    moment = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(moment)


def _noindex(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- share dialog --------------------------------------------------------------------------


@login_required
@require_GET
def album_share(request, public_id):
    album = selectors.album_for_sharer(user=request.user, public_id=public_id)
    created = request.session.pop("pikoshi_new_link", None)
    new_link_url = None
    if created and created.get("album") == str(album.public_id):
        new_link_url = request.build_absolute_uri(created["path"])
    context = {
        "album": album,
        "audiences": Audience.choices,
        "members": selectors.members_of(album=album),
        "contacts": selectors.shareable_contacts(user=request.user, album=album),
        "roles": AlbumMember.Role.choices,
        "links": selectors.links_of(album=album),
        "new_link_url": new_link_url,
        "public_url": (
            request.build_absolute_uri(reverse("public_album", args=[album.public_id]))
            if album.audience == Audience.PUBLIC
            else None
        ),
        "default_expiry": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "now": timezone.now(),
    }
    return render(request, "gallery/sharing/album_share.html", context)


@login_required
@require_POST
def album_share_audience(request, public_id):
    album = selectors.album_for_sharer(user=request.user, public_id=public_id)
    try:
        services.album_sharing_update(
            user=request.user,
            album=album,
            audience=request.POST.get("audience") or None,
            share_camera=_checked(request, "share_camera"),
            share_location=_checked(request, "share_location"),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "Sharing settings saved.")
    return redirect("album_share", public_id=album.public_id)


@login_required
@require_POST
def album_member_add(request, public_id):
    album = selectors.album_for_sharer(user=request.user, public_id=public_id)
    try:
        contact = selectors.connection_for(
            user=request.user, contact_uuid=request.POST.get("user", "")
        ).contact
    except Http404:
        contact = None
    try:
        services.album_member_add(
            user=request.user,
            album=album,
            member=contact,
            role=request.POST.get("role") or AlbumMember.Role.VIEWER,
            until=_parse_date_end(request.POST.get("until", "")),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"Shared with {contact}.")
    return redirect("album_share", public_id=album.public_id)


@login_required
@require_POST
def album_member_update(request, public_id, user_uuid):
    membership = selectors.membership_for_sharer(
        user=request.user, album_public_id=public_id, user_uuid=user_uuid
    )
    try:
        services.album_member_update(
            user=request.user,
            membership=membership,
            role=request.POST.get("role") or None,
            until=_parse_date_end(request.POST.get("until", "")),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"Updated {membership.user}.")
    return redirect("album_share", public_id=membership.album.public_id)


@login_required
@require_POST
def album_member_remove(request, public_id, user_uuid):
    membership = selectors.membership_for_sharer(
        user=request.user, album_public_id=public_id, user_uuid=user_uuid
    )
    services.album_member_remove(user=request.user, membership=membership)
    messages.success(request, f"{membership.user} no longer sees this album.")
    if request.POST.get("next") == "overview":
        return redirect("sharing_overview")
    return redirect("album_share", public_id=membership.album.public_id)


@login_required
@require_POST
def share_link_create(request, public_id):
    album = selectors.album_for_sharer(user=request.user, public_id=public_id)
    try:
        expires = request.POST.get("expires", "")
        expires_at = None if _checked(request, "never_expires") else _parse_date_end(expires)
        if expires_at is None and not _checked(request, "never_expires"):
            expires_at = services.DEFAULT
        created = services.share_link_create(
            user=request.user,
            album=album,
            label=request.POST.get("label", ""),
            expires_at=expires_at,
            password=request.POST.get("password", ""),
            allow_download=_checked(request, "allow_download"),
            share_camera=_checked(request, "share_camera"),
            share_location=_checked(request, "share_location"),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        # The token is shown once, on the next page, and never stored in the clear.
        request.session["pikoshi_new_link"] = {
            "album": str(album.public_id),
            "path": created.path,
        }
        messages.success(request, "Link created. Copy it now: it is shown only once.")
    return redirect("album_share", public_id=album.public_id)


@login_required
@require_POST
def share_link_revoke(request, link_id):
    link = selectors.link_for_sharer(user=request.user, public_id=link_id)
    services.share_link_revoke(user=request.user, link=link)
    messages.success(request, "Link revoked. It stopped working for everyone who has it.")
    if request.POST.get("next") == "overview":
        return redirect("sharing_overview")
    return redirect("album_share", public_id=link.album.public_id)


# --- connections ---------------------------------------------------------------------------


@login_required
@require_GET
def connections(request):
    context = {
        "connections": selectors.connections_for(user=request.user),
        "received": selectors.invitations_received(user=request.user),
        "sent": selectors.invitations_sent(user=request.user),
        "circles": Circle.choices,
    }
    return render(request, "gallery/sharing/connections.html", context)


@login_required
@require_POST
def connection_invite(request):
    try:
        invitation = services.invitation_create(
            inviter=request.user,
            email=request.POST.get("email", ""),
            circle=request.POST.get("circle") or Circle.FRIEND,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"Invitation sent to {invitation.email}.")
    return redirect("sharing_connections")


@login_required
@require_POST
def invitation_accept(request, invitation_id):
    invitation = selectors.invitation_for_invitee(user=request.user, public_id=invitation_id)
    try:
        services.invitation_accept(
            user=request.user,
            invitation=invitation,
            circle=request.POST.get("circle") or Circle.FRIEND,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"You are now connected with {invitation.inviter}.")
    return redirect("sharing_connections")


@login_required
@require_POST
def invitation_decline(request, invitation_id):
    invitation = selectors.invitation_for_invitee(user=request.user, public_id=invitation_id)
    services.invitation_decline(user=request.user, invitation=invitation)
    messages.success(request, "Invitation declined.")
    return redirect("sharing_connections")


@login_required
@require_POST
def invitation_cancel(request, invitation_id):
    invitation = selectors.invitation_for_inviter(user=request.user, public_id=invitation_id)
    services.invitation_cancel(user=request.user, invitation=invitation)
    messages.success(request, "Invitation withdrawn.")
    return redirect("sharing_connections")


@login_required
@require_POST
def connection_update(request, user_uuid):
    connection = selectors.connection_for(user=request.user, contact_uuid=user_uuid)
    try:
        services.connection_update(
            user=request.user, connection=connection, circle=request.POST.get("circle", "")
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"{connection.contact} is now filed under {connection.circle}.")
    return redirect("sharing_connections")


@login_required
@require_POST
def connection_remove(request, user_uuid):
    connection = selectors.connection_for(user=request.user, contact_uuid=user_uuid)
    services.connection_remove(user=request.user, connection=connection)
    messages.success(request, f"You are no longer connected with {connection.contact}.")
    return redirect("sharing_connections")


# --- shared with me and the overview ------------------------------------------------------


@login_required
@require_GET
def shared_with_me(request):
    context = {
        "groups": selectors.shared_with_me(user=request.user),
        "invitation_count": selectors.invitations_received(user=request.user).count(),
    }
    return render(request, "gallery/sharing/shared_with_me.html", context)


@login_required
@require_GET
def sharing_overview(request):
    overview = selectors.sharing_overview(user=request.user)
    return render(
        request,
        "gallery/sharing/overview.html",
        {"overview": overview, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_make_private(request):
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        result = services.sharing_make_everything_private(user=request.user)
        messages.success(
            request,
            f"Everything is private again: {result.albums} album(s) made private, "
            f"{result.members} person grant(s) removed, {result.links} link(s) revoked.",
        )
        return redirect("sharing_overview")
    return render(request, "gallery/sharing/make_private.html")


# --- share links, for whoever holds one --------------------------------------------------


def _unlock_mark(link) -> str:
    # Tied to the password hash: change the password and earlier unlocks stop counting.
    return salted_hmac(
        "pikoshi.sharelink.unlock", f"{link.pk}:{link.password}", algorithm="sha256"
    ).hexdigest()


def _is_unlocked(request, link) -> bool:
    if not link.has_password:
        return True
    mark = request.session.get(SESSION_UNLOCKED, {}).get(str(link.public_id))
    return bool(mark) and constant_time_compare(mark, _unlock_mark(link))


def _link_response(request, template, context, status=200):
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return _noindex(response)


@never_cache
@require_http_methods(["GET", "POST"])
def share_link(request, token):
    link = selectors.share_link_for_token(token=token)
    if not _is_unlocked(request, link):
        error = ""
        status = 200
        if request.method == "POST":
            try:
                ok = services.share_link_check_password(
                    link=link, password=request.POST.get("password", ""), client=client_ip(request)
                )
            except services.TooManyAttempts:
                ok, status = False, 429
                error = "Too many wrong passwords. Wait a few minutes and try again."
            if ok:
                unlocked = request.session.get(SESSION_UNLOCKED, {})
                unlocked.pop(str(link.public_id), None)
                unlocked[str(link.public_id)] = _unlock_mark(link)
                # Remember the most recent few; an old unlock only costs a new prompt.
                request.session[SESSION_UNLOCKED] = dict(list(unlocked.items())[-SESSION_MAX:])
                return redirect("share_link", token=token)
            if not error:
                error, status = "That password is not right.", 403
        return _link_response(
            request, "gallery/sharing/link_password.html", {"error": error}, status=status
        )
    if request.method == "POST":
        return redirect("share_link", token=token)
    services.share_link_record_view(link=link)
    page = Paginator(selectors.link_photos(link=link), LINK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    tiles = [
        {
            "photo": photo,
            "thumb": media.media_url(photo=photo, variant="thumb", link=link),
            "url": reverse("share_link_photo", args=[token, photo.public_id]),
        }
        for photo in page
    ]
    context = {"link": link, "album": link.album, "page": page, "tiles": tiles, "token": token}
    return _link_response(request, "gallery/sharing/link_album.html", context)


@never_cache
@require_GET
def share_link_photo(request, token, photo_id):
    link = selectors.share_link_for_token(token=token)
    if not _is_unlocked(request, link):
        return redirect("share_link", token=token)
    photo = selectors.link_photo(link=link, public_id=photo_id)
    policy = permissions.details_policy(user=None, album=link.album, link=link)
    context = {
        "link": link,
        "album": link.album,
        "photo": photo,
        "back_url": reverse("share_link", args=[token]),
        "policy": policy,
        "display": media.media_url(photo=photo, variant="display", link=link),
        "original": (
            media.media_url(photo=photo, variant="original", link=link)
            if link.allow_download
            else None
        ),
    }
    return _link_response(request, "gallery/sharing/link_photo.html", context)


# --- public albums, for anyone with the address -------------------------------------------


def _public_response(request, template, context):
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-cache"
    return _noindex(response)


@require_GET
def public_album(request, public_id):
    """A public album for visitors without an account; people signed in get the full page."""
    album = selectors.public_album(public_id=public_id)
    if request.user.is_authenticated:
        return redirect("album_detail", public_id=album.public_id)
    page = Paginator(selectors.public_photos(album=album), LINK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    tiles = [
        {
            "photo": photo,
            "thumb": media.media_url(photo=photo, variant="thumb", anyone=True),
            "url": reverse("public_photo", args=[album.public_id, photo.public_id]),
        }
        for photo in page
    ]
    context = {"album": album, "page": page, "tiles": tiles}
    return _public_response(request, "gallery/sharing/link_album.html", context)


@require_GET
def public_photo(request, public_id, photo_id):
    album = selectors.public_album(public_id=public_id)
    photo = selectors.public_photo(album=album, public_id=photo_id)
    if request.user.is_authenticated:
        return redirect("photo_detail", public_id=photo.public_id)
    context = {
        "album": album,
        "photo": photo,
        "back_url": reverse("public_album", args=[album.public_id]),
        "policy": permissions.details_policy(user=None, album=album),
        "display": media.media_url(photo=photo, variant="display", anyone=True),
        "original": None,
    }
    return _public_response(request, "gallery/sharing/link_photo.html", context)
