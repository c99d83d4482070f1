"""Reads for people without an account: a share link's album and photos, a public album.
A link that is unknown, expired or revoked answers Http404 like one that never existed.
"""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from gallery import permissions
from gallery.models import (
    Album,
    Comment,
    Photo,
    ShareLink,
)
from gallery.selectors import photos as photo_selectors
from gallery.selectors import uuid_or_404
from gallery.tokens import hash_token

# --- share links, from the holder's side --------------------------------------------------


def share_link_for_token(*, token: str) -> ShareLink:
    """The live link a token opens, else 404 (unknown, revoked and expired look the same)."""
    if not token or len(token) > 128:
        raise Http404("No such link.")
    link = (
        permissions.active_share_links()
        .filter(token_hash=hash_token(token))
        .select_related("album", "album__owner")
        .first()
    )
    if link is None:
        raise Http404("No such link.")
    return link


def share_link_unlocked(*, link: ShareLink, mark: str | None) -> bool:
    """Whether this visitor may see the link's album: at once without a password, else
    only with the mark their session got for typing the current one."""
    return permissions.link_is_unlocked(link, mark=mark)


def share_link_unlock_mark(*, link: ShareLink) -> str:
    """The mark a visitor's session keeps once they typed the link's password."""
    return permissions.link_unlock_mark(link)


def link_photos(*, link: ShareLink) -> QuerySet[Photo]:
    """The link's photos that have their variants (ones still being processed wait)."""
    return permissions.link_photos(link).filter(status=Photo.Status.READY)


def link_photo(*, link: ShareLink, public_id: str | uuid.UUID) -> Photo:
    photo = link_photos(link=link).filter(public_id=uuid_or_404(public_id)).first()
    if photo is None:
        raise Http404("No such photo.")
    return photo


def link_photo_comments(*, link: ShareLink, photo: Photo) -> list[tuple[str, Comment]]:
    """(the author's display name, the comment) for a link holder, when the link shows
    comments; a holder never learns an address (permissions.person_name for nobody)."""
    comments = (
        permissions.link_comments(link, photo).select_related("author").order_by("created_at", "id")
    )
    nobody = AnonymousUser()
    return [(permissions.person_name(nobody, c.author) or "Someone", c) for c in comments]


def link_photo_neighbours(*, link: ShareLink, photo: Photo) -> tuple[Photo | None, Photo | None]:
    """(newer, older) photo next to `photo` among the link's, as its album page orders them."""
    return photo_selectors.neighbours_in(link_photos(link=link), photo)


def link_photo_file(
    *, link_public_id: uuid.UUID, public_id: str | uuid.UUID, original: bool
) -> tuple[Photo, ShareLink]:
    """The photo a media URL issued to a link names, and the link, while the link may show
    that file (the original only when it allows downloads); else 404."""
    link = ShareLink.objects.filter(public_id=link_public_id).first()
    if link is None:
        raise Http404("No such file.")
    photo = permissions.link_photos(link).filter(public_id=public_id).first()
    if photo is None:
        raise Http404("No such file.")
    if original and not permissions.can_download_via_link(link, photo):
        raise Http404("No such file.")
    return photo, link


# --- public albums, for anyone with the address -----------------------------------------


def public_album(*, address: str | uuid.UUID) -> Album:
    """The public album at this address, for a visitor without an account; else 404 like
    any unknown address (an old address of an album included)."""
    album = (
        permissions.public_albums()
        .filter(public_address=uuid_or_404(address))
        .select_related("owner")
        .first()
    )
    if album is None:
        raise Http404("No such album.")
    return album


def public_photos(*, album: Album) -> QuerySet[Photo]:
    return permissions.public_photos(album).filter(status=Photo.Status.READY)


def public_photo_neighbours(*, album: Album, photo: Photo) -> tuple[Photo | None, Photo | None]:
    return photo_selectors.neighbours_in(public_photos(album=album), photo)


def public_photo(*, album: Album, public_id: str | uuid.UUID) -> Photo:
    photo = public_photos(album=album).filter(public_id=uuid_or_404(public_id)).first()
    if photo is None:
        raise Http404("No such photo.")
    return photo


def public_photo_file(
    *, album_address: uuid.UUID, public_id: str | uuid.UUID, original: bool
) -> Photo:
    """The photo a media URL issued at a public album's address names, while the album is
    public at that address; its variants only, never the original (see
    `permissions.public_originals`); else 404."""
    album = permissions.public_albums().filter(public_address=album_address).first()
    if album is None:
        raise Http404("No such file.")
    photos = permissions.public_originals() if original else permissions.public_photos(album)
    photo = photos.filter(public_id=public_id).first()
    if photo is None:
        raise Http404("No such file.")
    return photo
