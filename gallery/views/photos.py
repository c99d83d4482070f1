"""Photo pages: the timeline, upload, the viewer and its actions, the trash, and the
helpers every gallery page shares.
"""

import re
from datetime import datetime
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.typing import AuthenticatedHttpRequest
from gallery import permissions
from gallery.forms import PhotoEditForm, UploadForm
from gallery.imaging.sniff import (
    ACCEPTED_DESCRIPTION,
    ACCEPTED_TYPES,
    EXTENSIONS,
    VIDEO_DESCRIPTION,
    VIDEO_EXTENSIONS,
    ImageRejected,
)
from gallery.imaging.variants import VARIANT_SIZES
from gallery.selectors import albums as album_selectors
from gallery.selectors import comments as comment_selectors
from gallery.selectors import photos as photo_selectors
from gallery.selectors.albums import albums_for_upload
from gallery.services import photos as photo_services

UNDO_SESSION_KEY = "gallery_undo_trash"


# --- Helpers --------------------------------------------------------------------------------


def next_url(request, default: str) -> str:
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


def photo_grid(request, *, template: str, page, context: dict, query: dict | None = None):
    """Render a page of the photo grid, or only its tiles for the infinite scroll.

    Every grid is also a form: each tile has a checkbox and the action bar under the
    grid posts the selection to `photos_bulk`, with or without JavaScript."""
    more = {**(query or {}), "cursor": page.next_cursor}
    context = {
        **context,
        "photos": page.photos,
        "next_cursor": page.next_cursor,
        "more_query": urlencode(more) if page.next_cursor else "",
        "bulk_albums": album_selectors.albums_for_upload(user=request.user),
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
    """All of the person's photos, newest taken first, grouped by month; `?from=YYYY-MM`
    starts at that month (the year links and the month picker)."""
    wanted = request.GET.get("from") or ""
    before = None
    if wanted:
        match = re.fullmatch(r"(\d{4})-(\d{2})", wanted)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
            return render(
                request,
                "gallery/message.html",
                {
                    "heading": "That is not a month",
                    "text": "Choose a month with the picker, or one of the years.",
                    "back_url": request.path,
                },
                status=400,
            )
        year, month = int(match[1]), int(match[2])
        following = (year + 1, 1) if month == 12 else (year, month + 1)
        if following[0] <= 9999:
            before = timezone.make_aware(datetime(*following, 1))
    try:
        page = photo_selectors.timeline_page(
            user=request.user, cursor=request.GET.get("cursor") or None, before=before
        )
    except photo_selectors.InvalidCursor as exc:
        return bad_cursor(request, exc)
    context = {
        "years": photo_selectors.timeline_years(user=request.user),
        "jumped_to": wanted if before is not None else "",
    }
    return photo_grid(request, template="gallery/home.html", page=page, context=context)


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
        wanted = request.GET.get("album")
        initial = next((a for a in albums if str(a.public_id) == wanted), None)
        form = UploadForm(albums=albums, initial={"album": initial})
        status = 200
    context = {
        "form": form,
        "max_mb": settings.PIKOSHI_MAX_UPLOAD_BYTES // (1024 * 1024),
        "max_bytes": settings.PIKOSHI_MAX_UPLOAD_BYTES,
        "max_video_mb": settings.PIKOSHI_MAX_VIDEO_BYTES // (1024 * 1024),
        # Files from this size on go in parts that survive a dropped connection (tus).
        "resumable_bytes": settings.PIKOSHI_RESUMABLE_UPLOAD_BYTES,
        "part_bytes": settings.PIKOSHI_UPLOAD_PART_BYTES,
        # The page refuses what the server would, before a byte travels.
        "accepted": {
            "types": sorted(ACCEPTED_TYPES),
            "extensions": sorted({*EXTENSIONS.values(), ".jpeg"}),
            "description": ACCEPTED_DESCRIPTION,
            "video_types": sorted(VIDEO_EXTENSIONS),
            "video_extensions": sorted(VIDEO_EXTENSIONS.values()),
            "video_description": VIDEO_DESCRIPTION,
            "max_video_bytes": settings.PIKOSHI_MAX_VIDEO_BYTES,
        },
        # The JS builds the grid tiles of new uploads; srcset needs the variants' widths.
        "tile_widths": {name: VARIANT_SIZES[name][0] for name in ("thumb", "mobile")},
    }
    return render(request, "gallery/upload.html", context, status=status)


def _upload_many(request, form):
    album = form.cleaned_data["album"]
    created = added = 0
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
            elif result.added:
                added += 1
                messages.info(
                    request, f"{file.name} was already in your library; it is now in “{album}”."
                )
            elif result.restored:
                messages.info(request, f"{file.name} was in the trash; it is back in your library.")
            else:
                messages.info(request, f"{file.name} is already in your library.")
    if not created and not added:
        return redirect("upload")
    if created:
        messages.success(request, f"Uploaded {created} photo{'s' if created != 1 else ''}.")
    if album is None:
        return redirect("home")
    return redirect("album_detail", public_id=album.public_id)


# --- Viewer and photo actions -------------------------------------------------------------------


@login_required
@require_GET
def photo_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """One photo, with previous/next inside the album it was opened from (or the timeline).

    Opened from an album (?album=) the photo is seen through that album: it must be in
    it, and camera and place follow that album's sharing."""
    album = None
    if request.GET.get("album"):
        album = album_selectors.album_for_viewer(user=request.user, public_id=request.GET["album"])
        try:
            photo = photo_selectors.photo_in_album_for_viewer(
                user=request.user, album=album, public_id=public_id
            )
        except Http404:
            album = None  # taken out since the link was made: the timeline, if it may be seen
    if album is None:
        photo = photo_selectors.photo_for_viewer(user=request.user, public_id=public_id)
    newer, older = photo_selectors.photo_neighbours(user=request.user, photo=photo, album=album)
    can_edit = permissions.can_edit_photo(request.user, photo)
    entry_removable = album is not None and permissions.can_remove_from_album(
        request.user, album, photo
    )
    context = {
        "photo": photo,
        "newer": newer,
        "older": older,
        "context_query": f"?album={album.public_id}" if album else "",
        "back_url": (reverse("album_detail", args=[album.public_id]) if album else reverse("home")),
        "back_label": album.title if album else "All photos",
        "can_edit": can_edit,
        "show_private_details": permissions.can_view_original(request.user, photo),
        "details": permissions.details_policy(user=request.user, album=album, photo=photo),
        "album": album,
        "photo_albums": photo_selectors.photo_albums_for_viewer(user=request.user, photo=photo),
        "add_albums": album_selectors.albums_for_upload(user=request.user) if can_edit else [],
        "entry_removable": entry_removable,
        "can_set_cover": album is not None
        and permissions.can_set_cover(request.user, album, photo),
        "is_favorite": photo_selectors.is_favorite(user=request.user, photo=photo),
        "trash_days": settings.PIKOSHI_TRASH_DAYS,
        # Comments belong to an album: a photo opened from one shows that album's.
        "conversation": comment_selectors.conversation_of(
            user=request.user, album=album, photo=photo
        )
        if album is not None
        else None,
    }
    return render(request, "gallery/photo_detail.html", context)


@login_required
@require_POST
def photo_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Rename a photo."""
    photo = photo_selectors.photo_for_owner(user=request.user, public_id=public_id)
    form = PhotoEditForm(request.POST)
    detail_url = reverse("photo_detail", args=[photo.public_id])
    if not form.is_valid():
        form_error_messages(request, form)
        return HttpResponseRedirect(next_url(request, detail_url))
    try:
        photo = photo_services.photo_update(
            user=request.user, photo=photo, title=form.cleaned_data["title"]
        )
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
        return HttpResponseRedirect(next_url(request, detail_url))
    messages.success(request, "Title saved." if photo.title else "Title removed.")
    return HttpResponseRedirect(next_url(request, detail_url))


@login_required
@require_POST
def photo_trash(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    photo = photo_selectors.photo_for_owner(user=request.user, public_id=public_id)
    photo_services.photo_trash(user=request.user, photo=photo)
    request.session[UNDO_SESSION_KEY] = str(photo.public_id)
    return HttpResponseRedirect(next_url(request, reverse("home")))


@login_required
@require_POST
def photo_restore(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    photo = photo_selectors.photo_for_owner(
        user=request.user, public_id=public_id, include_trashed=True
    )
    if photo.in_trash:
        photo = photo_services.photo_restore(user=request.user, photo=photo)
        messages.success(request, "Photo restored to your library and its albums.")
    request.session.pop(UNDO_SESSION_KEY, None)
    return HttpResponseRedirect(next_url(request, reverse("trash")))


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
