"""Sharing pages for owners: the share dialog, connections and invitations, what is
shared with me, the overview and "make everything private".
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.typing import AuthenticatedHttpRequest
from gallery.forms import (
    AlbumAudienceForm,
    AlbumMemberAddForm,
    AlbumMemberUpdateForm,
    CircleForm,
    InvitationAnswerForm,
    InvitationForm,
    MakePrivateForm,
    OwnPhotosSharingForm,
    ReturnToForm,
    ShareLinkCreateForm,
)
from gallery.models import AlbumMember, Audience, Circle
from gallery.selectors import albums as album_selectors
from gallery.selectors import sharing as sharing_selectors
from gallery.services import sharing as sharing_services
from gallery.views.photos import error_messages, form_error_messages

# --- share dialog --------------------------------------------------------------------------


@login_required
@require_GET
def album_share(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
    created = request.session.pop("pikoshi_new_link", None)
    new_link_url = None
    if created and created.get("album") == str(album.public_id):
        new_link_url = request.build_absolute_uri(created["path"])
    context = {
        "album": album,
        "audiences": Audience.choices,
        "members": sharing_selectors.members_of(album=album),
        "contacts": sharing_selectors.shareable_contacts(user=request.user, album=album),
        "roles": AlbumMember.Role.choices,
        "links": sharing_selectors.links_of(album=album),
        "new_link_url": new_link_url,
        "public_url": (
            request.build_absolute_uri(reverse("public_album", args=[album.public_address]))
            if album.audience == Audience.PUBLIC
            else None
        ),
        "default_expiry": timezone.localdate(
            sharing_services.share_link_default_expiry()
        ).isoformat(),
        "now": timezone.now(),
    }
    return render(request, "gallery/sharing/album_share.html", context)


@login_required
@require_POST
def album_share_audience(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
    form = AlbumAudienceForm(request.POST)
    form.is_valid()  # free text and checkboxes: always valid; the service judges the audience
    try:
        sharing_services.album_sharing_update(user=request.user, album=album, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, "Sharing settings saved.")
    return redirect("album_share", public_id=album.public_id)


@login_required
@require_POST
def album_public_address_change(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
    try:
        sharing_services.album_public_address_change(user=request.user, album=album)
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(
            request, "The album has a new public address; the old one no longer works."
        )
    return redirect("album_share", public_id=album.public_id)


@login_required
@require_POST
def album_member_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
    form = AlbumMemberAddForm(request.POST)
    if not form.is_valid():
        form_error_messages(request, form)
        return redirect("album_share", public_id=album.public_id)
    try:
        contact = sharing_selectors.connection_for(
            user=request.user, contact_uuid=form.cleaned_data["user"]
        ).contact
    except Http404:
        contact = None  # album_member_add says why: not one of the owner's connections
    try:
        sharing_services.album_member_add(
            user=request.user,
            album=album,
            member=contact,
            role=form.cleaned_data["role"],
            until=form.cleaned_data["until"],
        )
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, f"Shared with {contact}.")
    return redirect("album_share", public_id=album.public_id)


@login_required
@require_POST
def album_member_update(
    request: AuthenticatedHttpRequest, public_id: UUID, user_uuid: UUID
) -> HttpResponse:
    membership = sharing_selectors.membership_for_sharer(
        user=request.user, album_public_id=public_id, user_uuid=user_uuid
    )
    form = AlbumMemberUpdateForm(request.POST)
    if not form.is_valid():
        form_error_messages(request, form)
        return redirect("album_share", public_id=membership.album.public_id)
    try:
        sharing_services.album_member_update(
            user=request.user, membership=membership, **form.changes()
        )
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, f"Updated {membership.user}.")
    return redirect("album_share", public_id=membership.album.public_id)


@login_required
@require_POST
def album_member_remove(
    request: AuthenticatedHttpRequest, public_id: UUID, user_uuid: UUID
) -> HttpResponse:
    membership = sharing_selectors.membership_for_sharer(
        user=request.user, album_public_id=public_id, user_uuid=user_uuid
    )
    sharing_services.album_member_remove(user=request.user, membership=membership)
    messages.success(request, f"{membership.user} no longer sees this album.")
    if ReturnToForm(request.POST).to_overview():
        return redirect("sharing_overview")
    return redirect("album_share", public_id=membership.album.public_id)


@login_required
@require_POST
def share_link_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    album = sharing_selectors.album_for_sharer(user=request.user, public_id=public_id)
    form = ShareLinkCreateForm(request.POST)
    if not form.is_valid():
        form_error_messages(request, form)
        return redirect("album_share", public_id=album.public_id)
    try:
        created = sharing_services.share_link_create(
            user=request.user, album=album, **form.link_options()
        )
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
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
def share_link_revoke(request: AuthenticatedHttpRequest, link_id: UUID) -> HttpResponse:
    link = sharing_selectors.link_for_sharer(user=request.user, public_id=link_id)
    sharing_services.share_link_revoke(user=request.user, link=link)
    messages.success(request, "Link revoked. It stopped working for everyone who has it.")
    if ReturnToForm(request.POST).to_overview():
        return redirect("sharing_overview")
    return redirect("album_share", public_id=link.album.public_id)


# --- connections ---------------------------------------------------------------------------


@login_required
@require_GET
def connections(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "connections": sharing_selectors.connections_for(user=request.user),
        "received": sharing_selectors.invitations_received(user=request.user),
        "sent": sharing_selectors.invitations_sent(user=request.user),
        "circles": Circle.choices,
    }
    return render(request, "gallery/sharing/connections.html", context)


@login_required
@require_POST
def connection_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    form.is_valid()  # free text: always valid; the service judges the address and circle
    try:
        invitation = sharing_services.invitation_create(
            inviter=request.user,
            email=form.cleaned_data["email"],
            circle=form.cleaned_data["circle"],
        )
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, f"Invitation sent to {invitation.email}.")
    return redirect("sharing_connections")


@login_required
@require_POST
def invitation_accept(request: AuthenticatedHttpRequest, invitation_id: UUID) -> HttpResponse:
    invitation = sharing_selectors.invitation_for_invitee(
        user=request.user, public_id=invitation_id
    )
    form = InvitationAnswerForm(request.POST)
    form.is_valid()  # free text: always valid; the service judges the circle
    try:
        sharing_services.invitation_accept(
            user=request.user, invitation=invitation, circle=form.cleaned_data["circle"]
        )
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, f"You are now connected with {invitation.inviter}.")
    return redirect("sharing_connections")


@login_required
@require_POST
def invitation_decline(request: AuthenticatedHttpRequest, invitation_id: UUID) -> HttpResponse:
    invitation = sharing_selectors.invitation_for_invitee(
        user=request.user, public_id=invitation_id
    )
    sharing_services.invitation_decline(user=request.user, invitation=invitation)
    messages.success(request, "Invitation declined.")
    return redirect("sharing_connections")


@login_required
@require_POST
def invitation_cancel(request: AuthenticatedHttpRequest, invitation_id: UUID) -> HttpResponse:
    invitation = sharing_selectors.invitation_for_inviter(
        user=request.user, public_id=invitation_id
    )
    sharing_services.invitation_cancel(user=request.user, invitation=invitation)
    messages.success(request, "Invitation withdrawn.")
    return redirect("sharing_connections")


@login_required
@require_POST
def connection_update(request: AuthenticatedHttpRequest, user_uuid: UUID) -> HttpResponse:
    connection = sharing_selectors.connection_for(user=request.user, contact_uuid=user_uuid)
    form = CircleForm(request.POST)
    form.is_valid()  # free text: always valid; the service judges the circle
    try:
        sharing_services.connection_update(
            user=request.user, connection=connection, circle=form.cleaned_data["circle"]
        )
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, f"{connection.contact} is now filed under {connection.circle}.")
    return redirect("sharing_connections")


@login_required
@require_POST
def connection_remove(request: AuthenticatedHttpRequest, user_uuid: UUID) -> HttpResponse:
    connection = sharing_selectors.connection_for(user=request.user, contact_uuid=user_uuid)
    sharing_services.connection_remove(user=request.user, connection=connection)
    messages.success(request, f"You are no longer connected with {connection.contact}.")
    return redirect("sharing_connections")


# --- shared with me and the overview ------------------------------------------------------


@login_required
@require_GET
def shared_with_me(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "groups": sharing_selectors.shared_with_me(user=request.user),
        "invitation_count": sharing_selectors.invitations_received(user=request.user).count(),
    }
    return render(request, "gallery/sharing/shared_with_me.html", context)


@login_required
@require_GET
def sharing_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    overview = sharing_selectors.sharing_overview(user=request.user)
    return render(
        request,
        "gallery/sharing/overview.html",
        {"overview": overview, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_make_private(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST" and MakePrivateForm(request.POST).is_valid():
        result = sharing_services.sharing_make_everything_private(user=request.user)
        messages.success(
            request,
            f"Everything is private again: {result.albums} album(s) made private, "
            f"{result.members} person grant(s) removed, {result.links} link(s) revoked.",
        )
        return redirect("sharing_overview")
    return render(request, "gallery/sharing/make_private.html")


@login_required
@require_POST
def album_contributor_sharing(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A member's own switches for the photos they put in this album."""
    album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
    form = OwnPhotosSharingForm(request.POST)
    form.is_valid()  # three checkboxes: always valid, unchecked means off
    sharing_services.contributor_sharing_update(user=request.user, album=album, **form.cleaned_data)
    messages.success(request, "Saved: what others see of your photos in this album.")
    return redirect("album_detail", public_id=album.public_id)
