"""Photo pages: the timeline, upload, the viewer and its actions, the trash, and the
helpers every gallery page shares.
"""

from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.typing import AuthenticatedHttpRequest
from gallery import permissions
from gallery.forms import PhotoEditForm, UploadForm
from gallery.imaging.sniff import ImageRejected
from gallery.imaging.variants import VARIANT_SIZES
from gallery.selectors import albums as album_selectors
from gallery.selectors import photos as photo_selectors
from gallery.selectors.albums import albums_for_upload
from gallery.services import photos as photo_services

UNDO_SESSION_KEY = "gallery_undo_trash"


# --- Helpers --------------------------------------------------------------------------------


def _next_url(request, default: str) -> str:
    """Where to go after a POST: the page it came from if that is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def error_messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def form_error_messages(request: HttpRequest, form: forms.Form) -> None:
    """Each of a form's messages, shown on the next page as a service's message would be."""
    for errors in form.errors.as_data().values():
        for error in errors:
            for message in error.messages:
                messages.error(request, message)


def _pop_undo(request):
    """The photo just moved to the trash, offered once as "Undo" on the next grid page."""
    public_id = request.session.pop(UNDO_SESSION_KEY, None)
    return {"public_id": public_id} if public_id else None


def photo_grid(request, *, template: str, page, context: dict):
    """Render a page of the photo grid, or only its tiles for the infinite scroll."""
    context = {
        **context,
        "photos": page.photos,
        "next_cursor": page.next_cursor,
        "more_query": urlencode({"cursor": page.next_cursor}) if page.next_cursor else "",
    }
    if request.GET.get("fragment"):
        return render(request, "gallery/_fragment.html", context)
    context["undo_photo"] = _pop_undo(request)
    return render(request, template, context)


def bad_cursor(request, exc):
    return render(
        request,
        "gallery/message.html",
        {"heading": "This page link has expired", "text": str(exc), "back_url": request.path},
        status=400,
    )


# --- Timeline and albums ----------------------------------------------------------------------


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All of the person's photos, newest taken first, grouped by month."""
    try:
        page = photo_selectors.timeline_page(
            user=request.user, cursor=request.GET.get("cursor") or None
        )
    except photo_selectors.InvalidCursor as exc:
        return bad_cursor(request, exc)
    return photo_grid(request, template="gallery/home.html", page=page, context={})


# --- Upload -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload page. Its JS posts one file per request to POST /api/photos/ (the API's
    throttle and error shape, one upload path to maintain); without JS the form posts
    many files here at once and gets a redirect with messages."""
    # Own albums plus those shared with the uploader as a contributor.
    albums = albums_for_upload(user=request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, albums=albums)
        if form.is_valid():
            return _upload_many(request, form)
        status = 400
    else:
        default = next((album for album in albums if album.is_default), None)
        wanted = request.GET.get("album")
        initial = next((a for a in albums if str(a.public_id) == wanted), default)
        form = UploadForm(albums=albums, initial={"album": initial})
        status = 200
    context = {
        "form": form,
        "max_mb": settings.PIKOSHI_MAX_UPLOAD_BYTES // (1024 * 1024),
        # The JS builds the grid tiles of new uploads; srcset needs the variants' widths.
        "tile_widths": {name: VARIANT_SIZES[name][0] for name in ("thumb", "mobile")},
    }
    return render(request, "gallery/upload.html", context, status=status)


def _upload_many(request, form):
    album = form.cleaned_data["album"]
    created = 0
    for file in form.cleaned_data["file"]:
        try:
            result = photo_services.photo_upload(owner=request.user, file=file, album=album)
        except ImageRejected as exc:
            messages.error(request, f"{file.name}: {exc}")
        except ValidationError as exc:
            messages.error(request, f"{file.name}: {error_messages(exc)}")
        else:
            if result.created:
                created += 1
                album = album or result.photo.album
            elif result.restored:
                messages.info(request, f"{file.name} was in the trash; it is back in your library.")
            else:
                messages.info(request, f"{file.name} is already in your library.")
    if not created:
        return redirect("upload")
    messages.success(request, f"Uploaded {created} photo{'s' if created != 1 else ''}.")
    return redirect("album_detail", public_id=album.public_id)


# --- Viewer and photo actions -------------------------------------------------------------------


@login_required
@require_GET
def photo_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """One photo, with previous/next inside the album it was opened from (or the timeline)."""
    photo = photo_selectors.photo_for_viewer(user=request.user, public_id=public_id)
    album = None
    if request.GET.get("album"):
        album = album_selectors.album_for_viewer(user=request.user, public_id=request.GET["album"])
        if album.pk != photo.album_id:
            album = None  # moved since the link was made: browse the timeline instead
    newer, older = photo_selectors.photo_neighbours(user=request.user, photo=photo, album=album)
    can_edit = permissions.can_edit_photo(request.user, photo)
    context = {
        "photo": photo,
        "newer": newer,
        "older": older,
        "context_query": f"?album={album.public_id}" if album else "",
        "back_url": (reverse("album_detail", args=[album.public_id]) if album else reverse("home")),
        "back_label": album.title if album else "All photos",
        "can_edit": can_edit,
        "show_private_details": permissions.can_view_original(request.user, photo),
        "details": permissions.details_policy(user=request.user, album=photo.album, photo=photo),
        "albums": album_selectors.albums_for_owner(user=request.user) if can_edit else [],
        "trash_days": settings.PIKOSHI_TRASH_DAYS,
    }
    return render(request, "gallery/photo_detail.html", context)


@login_required
@require_POST
def photo_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Rename and/or move a photo; only the fields present in the POST change."""
    photo = photo_selectors.photo_for_owner(user=request.user, public_id=public_id)
    form = PhotoEditForm(request.POST, albums=album_selectors.albums_for_owner(user=request.user))
    detail_url = reverse("photo_detail", args=[photo.public_id])
    if not form.is_valid():
        form_error_messages(request, form)
        return HttpResponseRedirect(_next_url(request, detail_url))
    changes = form.changes()
    try:
        photo = photo_services.photo_update(user=request.user, photo=photo, **changes)
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
        return HttpResponseRedirect(_next_url(request, detail_url))
    if "album" in changes:
        messages.success(request, f"Moved to “{photo.album.title}”.")
        # The album context of the old page no longer holds this photo.
        return redirect("photo_detail", public_id=photo.public_id)
    messages.success(request, "Title saved." if photo.title else "Title removed.")
    return HttpResponseRedirect(_next_url(request, detail_url))


@login_required
@require_POST
def photo_trash(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    photo = photo_selectors.photo_for_owner(user=request.user, public_id=public_id)
    photo_services.photo_trash(user=request.user, photo=photo)
    request.session[UNDO_SESSION_KEY] = str(photo.public_id)
    return HttpResponseRedirect(_next_url(request, reverse("home")))


@login_required
@require_POST
def photo_restore(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    photo = photo_selectors.photo_for_owner(
        user=request.user, public_id=public_id, include_trashed=True
    )
    if photo.in_trash:
        photo = photo_services.photo_restore(user=request.user, photo=photo)
        messages.success(request, f"Photo restored to “{photo.album.title}”.")
    request.session.pop(UNDO_SESSION_KEY, None)
    return HttpResponseRedirect(_next_url(request, reverse("trash")))


@login_required
@require_POST
def photo_delete_forever(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    photo = photo_selectors.trashed_photo_for_owner(user=request.user, public_id=public_id)
    photo_services.photo_delete_forever(user=request.user, photo=photo)
    messages.success(request, "Photo deleted for good.")
    return redirect("trash")


# --- Trash ----------------------------------------------------------------------------------------


@login_required
@require_GET
def trash(request: AuthenticatedHttpRequest) -> HttpResponse:
    photos = list(photo_selectors.trash_for_owner(user=request.user))
    context = {"photos": photos, "trash_days": settings.PIKOSHI_TRASH_DAYS}
    return render(request, "gallery/trash.html", context)


@login_required
@require_POST
def trash_empty(request: AuthenticatedHttpRequest) -> HttpResponse:
    deleted = photo_services.trash_empty(user=request.user)
    if deleted:
        messages.success(request, f"{deleted} photo{'s' if deleted != 1 else ''} deleted for good.")
    else:
        messages.info(request, "The trash was already empty.")
    return redirect("trash")
