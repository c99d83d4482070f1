"""Pages for people without an account: a share link (behind its password when it has
one) and a public album.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from gallery import media, permissions
from gallery.forms import LinkPasswordForm
from gallery.selectors import visitors as visitor_selectors
from gallery.services import visitors as visitor_services
from pikoshi.clientip import client_ip

SESSION_UNLOCKED = "pikoshi_links_unlocked"
LINK_PAGE_SIZE = 60
SESSION_MAX = 50


# --- share links, for whoever holds one --------------------------------------------------


def _is_unlocked(request, link) -> bool:
    mark = request.session.get(SESSION_UNLOCKED, {}).get(str(link.public_id))
    return visitor_selectors.share_link_unlocked(link=link, mark=mark)


def _link_response(request, template, context, status=200):
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def share_link(request: HttpRequest, token: str) -> HttpResponse:
    link = visitor_selectors.share_link_for_token(token=token)
    if not _is_unlocked(request, link):
        error = ""
        status = 200
        if request.method == "POST":
            form = LinkPasswordForm(request.POST)
            form.is_valid()  # one free-text box: always valid; the service judges it
            try:
                ok = visitor_services.share_link_check_password(
                    link=link, password=form.cleaned_data["password"], client=client_ip(request)
                )
            except visitor_services.TooManyAttempts:
                ok, status = False, 429
                error = "Too many wrong passwords. Wait a few minutes and try again."
            if ok:
                unlocked = request.session.get(SESSION_UNLOCKED, {})
                unlocked.pop(str(link.public_id), None)
                unlocked[str(link.public_id)] = visitor_selectors.share_link_unlock_mark(link=link)
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
    visitor_services.share_link_record_view(link=link)
    page = Paginator(visitor_selectors.link_photos(link=link), LINK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    tiles = [
        {
            "photo": photo,
            "thumb": media.media_url(photo=photo, variant="thumb", link=link),
            "display": media.media_url(photo=photo, variant="display", link=link),
            "video": media.media_url(photo=photo, variant="video", link=link),
            "url": reverse("share_link_photo", args=[token, photo.public_id]),
        }
        for photo in page
    ]
    context = {"link": link, "album": link.album, "page": page, "tiles": tiles, "token": token}
    return _link_response(request, "gallery/sharing/link_album.html", context)


@never_cache
@require_GET
def share_link_photo(request: HttpRequest, token: str, photo_id: str) -> HttpResponse:
    link = visitor_selectors.share_link_for_token(token=token)
    if not _is_unlocked(request, link):
        return redirect("share_link", token=token)
    photo = visitor_selectors.link_photo(link=link, public_id=photo_id)
    policy = permissions.details_policy(user=None, album=link.album, link=link, photo=photo)
    newer, older = visitor_selectors.link_photo_neighbours(link=link, photo=photo)
    context = {
        "newer_url": reverse("share_link_photo", args=[token, newer.public_id]) if newer else "",
        "older_url": reverse("share_link_photo", args=[token, older.public_id]) if older else "",
        "link": link,
        "album": link.album,
        "photo": photo,
        "back_url": reverse("share_link", args=[token]),
        "policy": policy,
        "display": media.media_url(photo=photo, variant="display", link=link),
        "video": media.media_url(photo=photo, variant="video", link=link),
        "comments": visitor_selectors.link_photo_comments(link=link, photo=photo),
        "show_comments": link.show_comments,
        "original": (
            media.media_url(photo=photo, variant="original", link=link)
            if permissions.can_download_via_link(link, photo)
            else None
        ),
    }
    return _link_response(request, "gallery/sharing/link_photo.html", context)


# --- public albums, for anyone with the address -------------------------------------------


def _public_response(request, template, context):
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def public_album(request: HttpRequest, address: str) -> HttpResponse:
    """A public album for visitors without an account; people signed in get the full page."""
    album = visitor_selectors.public_album(address=address)
    if request.user.is_authenticated:
        return redirect("album_detail", public_id=album.public_id)
    page = Paginator(visitor_selectors.public_photos(album=album), LINK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    tiles = [
        {
            "photo": photo,
            "thumb": media.media_url(photo=photo, variant="thumb", anyone=True, album=album),
            "display": media.media_url(photo=photo, variant="display", anyone=True, album=album),
            "video": media.media_url(photo=photo, variant="video", anyone=True, album=album),
            "url": reverse("public_photo", args=[album.public_address, photo.public_id]),
        }
        for photo in page
    ]
    context = {"album": album, "page": page, "tiles": tiles}
    return _public_response(request, "gallery/sharing/link_album.html", context)


@require_GET
def public_photo(request: HttpRequest, address: str, photo_id: str) -> HttpResponse:
    album = visitor_selectors.public_album(address=address)
    photo = visitor_selectors.public_photo(album=album, public_id=photo_id)
    if request.user.is_authenticated:
        return redirect(
            reverse("photo_detail", args=[photo.public_id]) + f"?album={album.public_id}"
        )
    newer, older = visitor_selectors.public_photo_neighbours(album=album, photo=photo)
    context = {
        "newer_url": reverse("public_photo", args=[album.public_address, newer.public_id])
        if newer
        else "",
        "older_url": reverse("public_photo", args=[album.public_address, older.public_id])
        if older
        else "",
        "album": album,
        "photo": photo,
        "back_url": reverse("public_album", args=[album.public_address]),
        "policy": permissions.details_policy(user=None, album=album, photo=photo),
        "display": media.media_url(photo=photo, variant="display", anyone=True, album=album),
        "video": media.media_url(photo=photo, variant="video", anyone=True, album=album),
        "original": None,
    }
    return _public_response(request, "gallery/sharing/link_photo.html", context)
