"""Album pages: the list, one album's photos, create, edit, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.typing import AuthenticatedHttpRequest
from gallery import permissions
from gallery.forms import AlbumForm, OwnPhotosSharingForm
from gallery.selectors import albums as album_selectors
from gallery.selectors import comments as comment_selectors
from gallery.selectors import photos as photo_selectors
from gallery.services import albums as album_services
from gallery.views.photos import bad_cursor, error_messages, photo_grid


@login_required
@require_GET
def album_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    albums = album_selectors.attach_covers(album_selectors.albums_for_owner(user=request.user))
    return render(request, "gallery/album_list.html", {"albums": albums})


@login_required
@require_http_methods(["GET", "POST"])
def album_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AlbumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            album = album_services.album_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, error_messages(exc))
        else:
            messages.success(request, f"Album “{album.title}” created.")
            return redirect("album_detail", public_id=album.public_id)
    return render(request, "gallery/album_form.html", {"form": form})


@login_required
@require_GET
def album_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
    if album.owner_id == request.user.pk:
        album = album_selectors.album_reach(album=album)
    try:
        page = photo_selectors.album_photos_page(
            user=request.user, album=album, cursor=request.GET.get("cursor") or None
        )
    except photo_selectors.InvalidCursor as exc:
        return bad_cursor(request, exc)
    context = {
        "album": album,
        "album_context": album,
        "can_edit": permissions.can_edit_album(request.user, album),
        "can_contribute": permissions.can_contribute(request.user, album),
        "photo_count": album_selectors.album_photo_count(album=album),
        "added_by_names": photo_selectors.added_by_names(user=request.user, photos=page.photos),
        "can_show_in_timeline": permissions.can_show_in_timeline(request.user, album),
        "in_my_timeline": album_selectors.shows_in_timeline(user=request.user, album=album),
        "conversation": comment_selectors.conversation_of(user=request.user, album=album),
        "activity": comment_selectors.album_activity(user=request.user, album=album),
    }
    membership = permissions.own_photos_membership(request.user, album)
    if membership is not None:
        context["own_sharing"] = OwnPhotosSharingForm(
            initial={
                "share_camera": membership.share_camera,
                "share_location": membership.share_location,
                "allow_download": membership.allow_download,
            }
        )
    return photo_grid(request, template="gallery/album_detail.html", page=page, context=context)


@login_required
@require_http_methods(["GET", "POST"])
def album_edit(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    album = album_selectors.album_for_editor(user=request.user, public_id=public_id)
    initial = {"title": album.title, "description": album.description}
    form = AlbumForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            album_services.album_update(user=request.user, album=album, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, error_messages(exc))
        else:
            messages.success(request, "Album saved.")
            return redirect("album_detail", public_id=album.public_id)
    return render(request, "gallery/album_form.html", {"form": form, "album": album})


@login_required
@require_http_methods(["GET", "POST"])
def album_delete(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """GET asks for confirmation and says the photos stay; POST deletes the album."""
    album = album_selectors.album_for_editor(user=request.user, public_id=public_id)
    if request.method == "POST":
        count = album_services.album_delete(user=request.user, album=album)
        text = f"Album “{album.title}” deleted."
        if count:
            text += f" Its {count} photo{'s are' if count != 1 else ' is'} still in the library."
        messages.success(request, text)
        return redirect("album_list")
    context = {
        "album": album,
        "photo_count": album_selectors.album_photo_count(album=album),
    }
    return render(request, "gallery/album_delete.html", context)
