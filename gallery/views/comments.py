"""Comments and reactions from the pages (the API's twins are gallery/api/comments.py)."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.typing import AuthenticatedHttpRequest
from gallery.models import Album, Photo
from gallery.selectors import albums as album_selectors
from gallery.selectors import comments as comment_selectors
from gallery.selectors import photos as photo_selectors
from gallery.services import comments as comment_services
from gallery.views.photos import error_messages, next_url
from pikoshi.errors import Refused


def _target(request: AuthenticatedHttpRequest, public_id: UUID) -> tuple[Album, Photo | None]:
    album = album_selectors.album_for_viewer(user=request.user, public_id=public_id)
    photo = None
    if request.POST.get("photo"):
        photo = photo_selectors.photo_in_album_for_viewer(
            user=request.user, album=album, public_id=request.POST["photo"]
        )
    return album, photo


def _back(request: AuthenticatedHttpRequest, album: Album, photo: Photo | None) -> str:
    if photo is not None:
        fallback = f"{reverse('photo_detail', args=[photo.public_id])}?album={album.public_id}"
    else:
        fallback = reverse("album_detail", args=[album.public_id])
    return next_url(request, f"{fallback}#comments")


@login_required
@require_POST
def comment_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    album, photo = _target(request, public_id)
    try:
        comment_services.comment_add(
            user=request.user, album=album, photo=photo, body=request.POST.get("body", "")
        )
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    except (Refused, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect(_back(request, album, photo))


@login_required
@require_POST
def comment_delete(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    comment = comment_selectors.comment_for_deletion(user=request.user, public_id=public_id)
    comment_services.comment_delete(user=request.user, comment=comment)
    messages.success(request, "Comment deleted.")
    return HttpResponseRedirect(_back(request, comment.album, comment.photo))


@login_required
@require_POST
def reaction_set(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A reaction button: choosing the one already chosen takes it back."""
    album, photo = _target(request, public_id)
    try:
        comment_services.reaction_toggle(
            user=request.user, album=album, photo=photo, kind=request.POST.get("kind", "")
        )
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect(_back(request, album, photo))
