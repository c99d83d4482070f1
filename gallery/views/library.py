"""Library pages: the selection bar's actions, search, an album's cover and "show in my
timeline". Each works as a plain form post, without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.typing import AuthenticatedHttpRequest
from gallery import media
from gallery.forms import BULK_ACTION_LABELS, NEW_ALBUM, BulkForm, DownloadForm, SearchForm
from gallery.selectors import albums as album_selectors
from gallery.selectors import photos as photo_selectors
from gallery.selectors import search as search_selectors
from gallery.services import albums as album_services
from gallery.services import bulk as bulk_services
from gallery.views.photos import bad_cursor, form_error_messages, next_url, photo_grid

DONE_TEXT = {
    bulk_services.Action.ADD_TO_ALBUM: "added to “{album}”",
    bulk_services.Action.REMOVE_FROM_ALBUM: "taken out of “{album}”",
    bulk_services.Action.FAVORITE: "added to your favorites",
    bulk_services.Action.UNFAVORITE: "removed from your favorites",
    bulk_services.Action.ARCHIVE: "archived",
    bulk_services.Action.UNARCHIVE: "back in your timeline",
    bulk_services.Action.TRASH: "moved to the trash",
    bulk_services.Action.RESTORE: "restored",
    bulk_services.Action.DELETE_FOREVER: "deleted for good",
}


def _photos(count: int) -> str:
    return f"{count} photo{'s' if count != 1 else ''}"


@login_required
@require_POST
def photos_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the selection bar (and the viewer's single-photo buttons) post."""
    form = BulkForm(request.POST, albums=album_selectors.albums_for_upload(user=request.user))
    back = next_url(request, reverse("home"))
    if not form.is_valid():
        form_error_messages(request, form)
        return HttpResponseRedirect(back)
    if form.cleaned_data["action"] == NEW_ALBUM:
        return _new_album(request, form)
    action = bulk_services.Action(form.cleaned_data["action"])
    album = form.cleaned_data.get("album") if action in bulk_services.ALBUM_ACTIONS else None
    outcome = bulk_services.photos_bulk(
        user=request.user, action=action, ids=form.cleaned_data["ids"], album=album
    )
    done = sum(1 for value in outcome.values() if value == bulk_services.DONE)
    unchanged = sum(1 for value in outcome.values() if value == bulk_services.UNCHANGED)
    missing = len(outcome) - done - unchanged
    if done:
        text = DONE_TEXT[action].format(album=album.title if album else "")
        messages.success(request, f"{_photos(done)} {text}.")
    if unchanged:
        messages.info(request, f"{_photos(unchanged)} already were.")
    if missing:
        label = dict(BULK_ACTION_LABELS)[action.value].lower()
        messages.error(request, f"{_photos(missing)} could not be changed ({label}).")
    return HttpResponseRedirect(back)


def _new_album(request: AuthenticatedHttpRequest, form: BulkForm) -> HttpResponse:
    """A new album of the person's own selected photos; none made when none qualifies."""
    back = next_url(request, reverse("home"))
    try:
        album, outcome = bulk_services.photos_into_new_album(
            user=request.user,
            title=form.cleaned_data["new_album_title"],
            ids=form.cleaned_data["ids"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(back)
    if album is None:
        messages.error(request, "None of the selected photos can go into a new album.")
        return HttpResponseRedirect(back)
    added = sum(1 for value in outcome.values() if value == bulk_services.DONE)
    messages.success(request, f"New album “{album.title}” with {_photos(added)}.")
    if added < len(outcome):
        messages.info(request, f"{_photos(len(outcome) - added)} could not be added.")
    return HttpResponseRedirect(reverse("album_detail", args=[album.public_id]))


@login_required
@require_POST
def photos_download(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The selection bar's "Download": the selected photos as one ZIP."""
    form = DownloadForm(request.POST)
    back = next_url(request, reverse("home"))
    if not form.is_valid():
        form_error_messages(request, form)
        return HttpResponseRedirect(back)
    try:
        return media.selection_zip(user=request.user, ids=form.cleaned_data["ids"])
    except Http404:
        messages.error(request, "None of the selected photos can be downloaded.")
        return HttpResponseRedirect(back)


@login_required
@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search what the person may see; the results page is a grid like the timeline."""
    form = SearchForm(request.GET or None)
    context: dict = {"form": form, "searched": False, "cameras": []}
    context["cameras"] = search_selectors.camera_models(user=request.user)
    if not form.is_bound or not form.is_valid():
        return render(request, "gallery/search.html", {**context, "photos": []})
    filters = form.filters()
    if filters.empty:
        return render(request, "gallery/search.html", {**context, "photos": []})
    try:
        page = search_selectors.search_page(
            user=request.user, filters=filters, cursor=request.GET.get("cursor") or None
        )
    except photo_selectors.InvalidCursor as exc:
        return bad_cursor(request, exc)
    query = {key: value for key, value in request.GET.items() if key not in ("cursor", "fragment")}
    context["searched"] = True
    return photo_grid(
        request, template="gallery/search.html", page=page, context=context, query=query
    )


@login_required
@require_POST
def album_cover(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """The owner picks the photo (`photo`) shown on the album's card; empty: the newest."""
    album = album_selectors.album_for_editor(user=request.user, public_id=public_id)
    photo = None
    if request.POST.get("photo"):
        photo = photo_selectors.photo_in_album_for_viewer(
            user=request.user, album=album, public_id=request.POST["photo"]
        )
    album_services.album_set_cover(user=request.user, album=album, photo=photo)
    messages.success(request, "Cover chosen." if photo else "The newest photo is the cover again.")
    return HttpResponseRedirect(next_url(request, reverse("album_detail", args=[album.public_id])))


@login_required
@require_POST
def album_timeline(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """Switch "show in my timeline" for an album shared with the person."""
    album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
    show = request.POST.get("show") == "1"
    album_services.album_show_in_timeline(user=request.user, album=album, show=show)
    messages.success(
        request,
        f"Photos of “{album.title}” now appear in your timeline."
        if show
        else f"Photos of “{album.title}” no longer appear in your timeline.",
    )
    return HttpResponseRedirect(next_url(request, reverse("album_detail", args=[album.public_id])))
