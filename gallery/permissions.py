"""Who may see and change what: the only place Pikoshi's access rules live.

Everything else (selectors, services, the media view, the API) asks these functions.
An album is visible to its owner, to the people named on it (until their grant ends),
to the owner's connections its audience admits, and to everyone signed in when public.
Share links grant one album to whoever holds the token (see the end of this module).
Anonymous visitors see nothing through `visible_albums`.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from gallery.models import Album, AlbumMember, Audience, Circle, Connection, Photo, ShareLink


def is_person(user) -> bool:
    """A signed-in, active account; anonymous visitors and None see nothing through here."""
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def visible_albums(user) -> QuerySet[Album]:
    """The albums this person may look at."""
    if not is_person(user):
        return Album.objects.none()
    connected = Connection.objects.filter(user=OuterRef("owner"), contact=user)
    named = active_memberships(user).filter(album=OuterRef("pk"))
    return Album.objects.filter(
        Q(owner=user)
        | Q(audience=Audience.PUBLIC)
        | (Q(audience=Audience.FRIENDS) & Exists(connected))
        | (Q(audience=Audience.FAMILY) & Exists(connected.filter(circle=Circle.FAMILY)))
        | Exists(named)
    )


def active_memberships(user) -> QuerySet[AlbumMember]:
    """Named grants of this person that have not ended: `until` is enforced here, on read."""
    if not is_person(user):
        return AlbumMember.objects.none()
    return AlbumMember.objects.filter(user=user).filter(
        Q(until__isnull=True) | Q(until__gt=timezone.now())
    )


def can_view_album(user, album: Album) -> bool:
    """True when `album` is among `visible_albums(user)`, so the rule exists once."""
    if album is None or album.pk is None:
        return False
    return visible_albums(user).filter(pk=album.pk).exists()


def can_edit_album(user, album: Album) -> bool:
    """Only the owner changes an album (title, deletion); see can_contribute for uploads."""
    return is_person(user) and album is not None and album.owner_id == user.pk


def contributable_albums(user) -> QuerySet[Album]:
    """Albums this person may add photos to: their own, and those naming them contributor."""
    if not is_person(user):
        return Album.objects.none()
    contributing = active_memberships(user).filter(role=AlbumMember.Role.CONTRIBUTOR)
    return Album.objects.filter(Q(owner=user) | Q(pk__in=contributing.values("album_id")))


def can_contribute(user, album: Album) -> bool:
    """True when `album` is among `contributable_albums(user)`, so the rule exists once."""
    if album is None or album.pk is None:
        return False
    return can_edit_album(user, album) or contributable_albums(user).filter(pk=album.pk).exists()


def can_share_album(user, album: Album) -> bool:
    """Only the owner decides who else sees an album."""
    return can_edit_album(user, album)


def album_role(user, album: Album) -> str | None:
    """ "owner", "contributor", "viewer" or None: for showing the right buttons."""
    if can_edit_album(user, album):
        return "owner"
    if can_contribute(user, album):
        return "contributor"
    if can_view_album(user, album):
        return "viewer"
    return None


def visible_photos(user) -> QuerySet[Photo]:
    """Photos this person may look at: not in the trash, in an album they may see.

    Their own photos stay visible to them even in someone else's album after their
    contributor grant ended.
    """
    if not is_person(user):
        return Photo.objects.none()
    return Photo.objects.filter(deleted_at__isnull=True).filter(
        Q(album__in=visible_albums(user)) | Q(owner=user)
    )


def owned_photos(user) -> QuerySet[Photo]:
    """Every photo this person owns, trashed ones included: their library and their trash."""
    if not is_person(user):
        return Photo.objects.none()
    return Photo.objects.filter(owner=user)


def can_edit_photo(user, photo: Photo) -> bool:
    """Titles, moves, trash and deletion belong to the photo's owner."""
    return is_person(user) and photo is not None and photo.owner_id == user.pk


def can_view_original(user, photo: Photo) -> bool:
    """The original keeps every byte (GPS included), so only its owner downloads it."""
    return is_person(user) and photo is not None and photo.owner_id == user.pk


# --- Share links ------------------------------------------------------------------------------


def active_share_links() -> QuerySet[ShareLink]:
    """Links that still open: not revoked and not past their expiry, checked on every read."""
    return ShareLink.objects.filter(revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def link_is_active(link: ShareLink) -> bool:
    """Asks the database again, so a revocation a moment ago counts."""
    return link is not None and active_share_links().filter(pk=link.pk).exists()


def link_photos(link: ShareLink) -> QuerySet[Photo]:
    """The photos a link holder may see: its album's, not in the trash, while the link lives."""
    if link is None:
        return Photo.objects.none()
    return Photo.objects.filter(
        deleted_at__isnull=True,
        album_id=link.album_id,
        album__share_links__in=active_share_links().filter(pk=link.pk),
    )


def can_download_via_link(link: ShareLink, photo: Photo) -> bool:
    """Originals go to link holders only when the album owner allowed downloads on that
    link and, for a photo someone else put in the album, that photo's owner allows it too."""
    return (
        link is not None
        and link.allow_download
        and link_photos(link).filter(pk=photo.pk).exists()
        and _photo_owner_switches(link.album, photo).allow_download
    )


# --- Public albums, for visitors without an account ---------------------------------------


def public_albums() -> QuerySet[Album]:
    """Albums anyone with the address may see, signed in or not: audience public, right now."""
    return Album.objects.filter(audience=Audience.PUBLIC)


def public_photos() -> QuerySet[Photo]:
    """Photos of public albums, not in the trash (originals are never public)."""
    return Photo.objects.filter(deleted_at__isnull=True, album__in=public_albums())


# --- What details a viewer sees ---------------------------------------------------------------


@dataclass(frozen=True)
class DetailsPolicy:
    """Everyone who sees a photo sees it and its date; camera and place only when allowed."""

    camera: bool
    location: bool


def details_policy(
    *, user, album: Album, link: ShareLink | None = None, photo: Photo | None = None
) -> DetailsPolicy:
    """Whose camera and location a viewer sees.

    A photo's owner sees everything about it; without a photo, the album's owner does.
    Everyone else follows the album's switches, and a link holder the link's.
    """
    if link is not None:
        shared = DetailsPolicy(camera=link.share_camera, location=link.share_location)
    else:
        owner_id = photo.owner_id if photo is not None else album.owner_id
        if is_person(user) and owner_id == user.pk:
            return DetailsPolicy(camera=True, location=True)
        shared = DetailsPolicy(camera=album.share_camera, location=album.share_location)
    if photo is None:
        return shared
    own = _photo_owner_switches(album, photo)
    return DetailsPolicy(
        camera=shared.camera and own.camera, location=shared.location and own.location
    )


@dataclass(frozen=True)
class _OwnerSwitches:
    camera: bool
    location: bool
    allow_download: bool


_ALL_ON = _OwnerSwitches(camera=True, location=True, allow_download=True)
_ALL_OFF = _OwnerSwitches(camera=False, location=False, allow_download=False)


def _photo_owner_switches(album: Album, photo: Photo) -> _OwnerSwitches:
    """What the photo's own owner lets the album's and links' switches hand out.

    The album owner's photos: everything the album or link allows. Anyone else's: only
    what they switched on for their photos in this album (their membership), else nothing."""
    if photo.owner_id == album.owner_id:
        return _ALL_ON
    membership = AlbumMember.objects.filter(album_id=album.pk, user_id=photo.owner_id).first()
    if membership is None:
        return _ALL_OFF
    return _OwnerSwitches(
        camera=membership.share_camera,
        location=membership.share_location,
        allow_download=membership.allow_download,
    )


def own_photos_membership(user, album: Album) -> AlbumMember | None:
    """The membership through which this person sets switches for their own photos in
    someone else's album: any membership row, current or not, since their photos stay."""
    if not is_person(user) or album.owner_id == user.pk:
        return None
    return AlbumMember.objects.filter(album=album, user=user).first()


# --- who may see a person's email address -------------------------------------------------


def may_see_address(viewer, person) -> bool:
    """A person's email address reaches only themselves and their connections.

    Link holders, public visitors and signed-in strangers see the display name or no name
    at all (docs/sharing.md, "Names, not addresses")."""
    if not is_person(viewer) or person is None:
        return False
    if viewer.pk == person.pk:
        return True
    return Connection.objects.filter(
        Q(user=viewer, contact=person) | Q(user=person, contact=viewer)
    ).exists()


def person_name(viewer, person) -> str:
    """How `person` is named to `viewer`: name or address for connections, else the
    display name or an empty string."""
    if may_see_address(viewer, person):
        return str(person)
    return person.public_name
