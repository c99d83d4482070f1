"""Who may see and change what: the only place Pikoshi's access rules live.

Everything else (selectors, services, the media view, the API, and accounts for its
archives) asks these functions. A rule is a queryset first where it can be, and the
`can_…` function beside it is written in terms of that queryset, so the rule exists once;
ownership checks compare ids.
An album is visible to its owner, to the people named on it (until their grant ends),
to the owner's connections its audience admits, and to everyone signed in when public.
An album is a collection: a photo is in any number of albums (AlbumEntry), and it is
seen through each of them that the viewer may see, and through nothing else.
Share links grant one album to whoever holds the token (and, if it has one, typed its
password). Anonymous visitors see nothing through `visible_albums`.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import check_password
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import Export, User, Viewer
from gallery.models import (
    Album,
    AlbumEntry,
    AlbumMember,
    Audience,
    Circle,
    Comment,
    Connection,
    Invitation,
    Notification,
    Photo,
    Reaction,
    ShareLink,
    TimelineAlbum,
    Upload,
)

if TYPE_CHECKING:  # typing.TypeIs arrives in Python 3.13
    from typing_extensions import TypeIs


def is_person(user: Viewer | None) -> "TypeIs[User]":
    """A signed-in, active account; anonymous visitors and None see nothing through here."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def visible_albums(user: Viewer) -> QuerySet[Album]:
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


def live_memberships() -> QuerySet[AlbumMember]:
    """Named grants that have not ended: `until` is enforced here, on read."""
    return AlbumMember.objects.filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))


def active_memberships(user: Viewer) -> QuerySet[AlbumMember]:
    """This person's named grants that have not ended."""
    if not is_person(user):
        return AlbumMember.objects.none()
    return live_memberships().filter(user=user)


def can_view_album(user: Viewer, album: Album | None) -> bool:
    """True when `album` is among `visible_albums(user)`, so the rule exists once."""
    if album is None or album.pk is None:
        return False
    return visible_albums(user).filter(pk=album.pk).exists()


def can_edit_album(user: Viewer, album: Album | None) -> bool:
    """Only the owner changes an album (title, deletion); see can_contribute for uploads."""
    return is_person(user) and album is not None and album.owner_id == user.pk


def contributable_albums(user: Viewer) -> QuerySet[Album]:
    """Albums this person may add photos to: their own, and those naming them contributor."""
    if not is_person(user):
        return Album.objects.none()
    contributing = active_memberships(user).filter(role=AlbumMember.Role.CONTRIBUTOR)
    return Album.objects.filter(Q(owner=user) | Q(pk__in=contributing.values("album_id")))


def can_contribute(user: Viewer, album: Album | None) -> bool:
    """True when `album` is among `contributable_albums(user)`, so the rule exists once."""
    if album is None or album.pk is None:
        return False
    return can_edit_album(user, album) or contributable_albums(user).filter(pk=album.pk).exists()


def can_share_album(user: Viewer, album: Album) -> bool:
    """Only the owner decides who else sees an album."""
    return can_edit_album(user, album)


def album_role(user: Viewer, album: Album) -> str | None:
    """ "owner", "contributor", "viewer" or None: for showing the right buttons."""
    if can_edit_album(user, album):
        return "owner"
    if can_contribute(user, album):
        return "contributor"
    if can_view_album(user, album):
        return "viewer"
    return None


# --- Comments and reactions: inside an album, for the people it is shared with -------------


def conversing_albums(user: Viewer) -> QuerySet[Album]:
    """Albums this person may comment and react in: their own, those the owner's circles
    or a named grant share with them. A public album counts only for those people:
    everyone else signed in reads its comments but does not write (no stranger's spam)."""
    if not is_person(user):
        return Album.objects.none()
    connected = Connection.objects.filter(user=OuterRef("owner"), contact=user)
    named = active_memberships(user).filter(album=OuterRef("pk"))
    return Album.objects.filter(
        Q(owner=user)
        | (Q(audience__in=[Audience.FRIENDS, Audience.PUBLIC]) & Exists(connected))
        | (Q(audience=Audience.FAMILY) & Exists(connected.filter(circle=Circle.FAMILY)))
        | Exists(named)
    )


def can_read_conversation(user: Viewer, album: Album | None, photo: Photo | None = None) -> bool:
    """May read the comments and reactions of `album`, or of `photo` as seen in it: whoever
    sees the album (and the photo in it)."""
    if album is None or not can_view_album(user, album):
        return False
    return photo is None or _in_album(album).filter(pk=photo.pk).exists()


def can_converse(user: Viewer, album: Album | None, photo: Photo | None = None) -> bool:
    """May comment and react on `album`, or on `photo` as seen in it. Someone who may read
    (can_read_conversation) but not write is a signed-in stranger of a public album."""
    if album is None or not can_read_conversation(user, album, photo):
        return False
    return conversing_albums(user).filter(pk=album.pk).exists()


def _about[T: (Comment, Reaction)](
    queryset: QuerySet[T], album: Album, photo: Photo | None
) -> QuerySet[T]:
    """The rows about the album itself, or about one photo while it is in the album."""
    if photo is None:
        return queryset.filter(album=album, photo__isnull=True)
    return queryset.filter(album=album, photo__in=_in_album(album).filter(pk=photo.pk))


def album_comments(user: Viewer, album: Album, photo: Photo | None = None) -> QuerySet[Comment]:
    """The comments on the album (photo None) or on one of its photos, for someone who sees
    the album (and the photo in it); none for anyone else."""
    if not can_view_album(user, album):
        return Comment.objects.none()
    return _about(Comment.objects.all(), album, photo)


def album_comments_all(user: Viewer, album: Album) -> QuerySet[Comment]:
    """Every comment of the album a reader may see: on the album, and on its photos that
    are in it now and not in the trash."""
    if not can_view_album(user, album):
        return Comment.objects.none()
    return Comment.objects.filter(album=album).filter(
        Q(photo__isnull=True) | Q(photo__in=_in_album(album))
    )


def link_comments(link: ShareLink | None, photo: Photo) -> QuerySet[Comment]:
    """A photo's comments in the linked album, for its holders, when the owner switched
    that on for the link (read only); none otherwise or once the link is not live."""
    if link is None or not link.show_comments:
        return Comment.objects.none()
    return Comment.objects.filter(
        album_id=link.album_id, photo__in=link_photos(link).filter(pk=photo.pk)
    )


def album_reactions(user: Viewer, album: Album, photo: Photo | None = None) -> QuerySet[Reaction]:
    """Reactions to the album or one of its photos, on the same terms as its comments."""
    if not can_view_album(user, album):
        return Reaction.objects.none()
    return _about(Reaction.objects.all(), album, photo)


def deletable_comments(user: Viewer) -> QuerySet[Comment]:
    """Comments this person may delete: their own and any in their own albums, while they
    still see the album (a removed member's old comments are the owner's to remove)."""
    if not is_person(user):
        return Comment.objects.none()
    return Comment.objects.filter(Q(author=user) | Q(album__owner=user)).filter(
        album__in=visible_albums(user)
    )


def can_delete_comment(user: Viewer, comment: Comment | None) -> bool:
    return comment is not None and deletable_comments(user).filter(pk=comment.pk).exists()


def may_delete_listed_comment(user: Viewer, comment: Comment, album: Album) -> bool:
    """For a comment read through album_comments (so the album is visible to `user`): the
    deletable_comments rule without asking the database again."""
    return is_person(user) and user.pk in (comment.author_id, album.owner_id)


def album_activity_entries(user: Viewer, album: Album) -> QuerySet[AlbumEntry]:
    """The entries of an album as its feed shows them: photos not in the trash, for
    someone who sees the album."""
    if not can_view_album(user, album):
        return AlbumEntry.objects.none()
    return AlbumEntry.objects.filter(album=album, photo__deleted_at__isnull=True)


# --- Notifications ---------------------------------------------------------------------------


def album_people(album: Album) -> QuerySet[User]:
    """Who hears about an album (new photos in it): its owner, the people named on it, and
    the owner's connections its audience admits. A public album's other visitors are not
    told: they are anyone."""
    connected = Connection.objects.filter(user_id=album.owner_id, contact=OuterRef("pk"))
    if album.audience == Audience.FAMILY:
        connected = connected.filter(circle=Circle.FAMILY)
    named = live_memberships().filter(album=album, user=OuterRef("pk"))
    by_circle = Exists(connected) if album.audience != Audience.PRIVATE else Q(pk__in=[])
    return User.objects.filter(is_active=True).filter(
        Q(pk=album.owner_id) | by_circle | Exists(named)
    )


def visible_notifications(user: Viewer) -> QuerySet[Notification]:
    """This person's notifications about what they may still see: one about an album (or a
    photo) they have lost access to is not shown, from the next request on."""
    if not is_person(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).filter(
        Q(album__isnull=True) | Q(album__in=visible_albums(user)),
        Q(photo__isnull=True) | Q(photo__in=visible_photos(user)),
    )


def visible_photos(user: Viewer) -> QuerySet[Photo]:
    """Photos this person may look at: not in the trash, their own, or in an album they may
    see. A photo is seen through each of its albums that the person may see, and through
    nothing else: taking it out of the last such album ends their access at once."""
    if not is_person(user):
        return Photo.objects.none()
    return Photo.objects.filter(deleted_at__isnull=True).filter(
        Q(owner=user) | Exists(entries_in(visible_albums(user)).filter(photo=OuterRef("pk")))
    )


def entries_in(albums: QuerySet[Album]) -> QuerySet[AlbumEntry]:
    """The entries of these albums: how photos are reached through albums."""
    return AlbumEntry.objects.filter(album__in=albums)


def album_photos(user: Viewer, album: Album) -> QuerySet[Photo]:
    """The photos of one album as this person sees them there: all of its entries not in
    the trash when they may see the album, else none (their own photos included)."""
    if not can_view_album(user, album):
        return Photo.objects.none()
    return _in_album(album)


def _in_album(album: Album) -> QuerySet[Photo]:
    """An album's photos not in the trash, for callers that have checked who is asking."""
    return Photo.objects.filter(deleted_at__isnull=True, entries__album=album)


def owned_photos(user: Viewer) -> QuerySet[Photo]:
    """Every photo this person owns, trashed ones included: their library and their trash."""
    if not is_person(user):
        return Photo.objects.none()
    return Photo.objects.filter(owner=user)


def trashed_photos(user: Viewer) -> QuerySet[Photo]:
    """This person's trash: their own photos waiting there to be restored or deleted for good."""
    return owned_photos(user).filter(deleted_at__isnull=False)


def timeline_albums(user: Viewer) -> QuerySet[Album]:
    """Albums shared with this person whose photos they chose to see in their timeline,
    while they may still see them."""
    if not is_person(user):
        return Album.objects.none()
    chosen = TimelineAlbum.objects.filter(user=user).values("album_id")
    return visible_albums(user).filter(pk__in=chosen).exclude(owner=user)


def can_delete_forever(user: Viewer, photo: Photo | None) -> bool:
    """Only the owner deletes a photo for good, and only from the trash, so no single click
    loses a photo: it goes to the trash first and can come back from there."""
    if photo is None or photo.pk is None:
        return False
    return trashed_photos(user).filter(pk=photo.pk).exists()


def can_edit_photo(user: Viewer, photo: Photo) -> bool:
    """Titles, albums, archive, trash and deletion belong to the photo's owner."""
    return is_person(user) and photo is not None and photo.owner_id == user.pk


def addable_photos(user: Viewer) -> QuerySet[Photo]:
    """Photos this person may put into albums: their own, not in the trash."""
    return owned_photos(user).filter(deleted_at__isnull=True)


def can_add_to_album(user: Viewer, photo: Photo, album: Album) -> bool:
    """A person adds their own photos (never anyone else's) to an album they own or
    contribute to; nothing is added from the trash."""
    return can_edit_photo(user, photo) and not photo.in_trash and can_contribute(user, album)


def removable_entries(user: Viewer) -> QuerySet[AlbumEntry]:
    """Entries this person may take out of albums: any entry of an album they own, and
    the entries of their own photos wherever they put them (the photo stays in its
    owner's library either way)."""
    if not is_person(user):
        return AlbumEntry.objects.none()
    return AlbumEntry.objects.filter(Q(album__owner=user) | Q(added_by=user) | Q(photo__owner=user))


def can_remove_entry(user: Viewer, entry: AlbumEntry | None) -> bool:
    """True when `entry` is among `removable_entries(user)`, so the rule exists once."""
    if entry is None or entry.pk is None:
        return False
    return removable_entries(user).filter(pk=entry.pk).exists()


def can_remove_from_album(user: Viewer, album: Album, photo: Photo) -> bool:
    """Whether this person may take `photo` out of `album`: `removable_entries`, for one."""
    return removable_entries(user).filter(album=album, photo=photo).exists()


def can_set_cover(user: Viewer, album: Album, photo: Photo) -> bool:
    """The album's owner picks its cover among the album's photos that are not in the trash."""
    return (
        can_edit_album(user, album)
        and Photo.objects.filter(
            pk=photo.pk, deleted_at__isnull=True, entries__album=album
        ).exists()
    )


def favorable_photos(user: Viewer) -> QuerySet[Photo]:
    """Photos this person may mark as a favorite: any they may see."""
    return visible_photos(user)


def can_show_in_timeline(user: Viewer, album: Album) -> bool:
    """ "Show in my timeline" is offered for albums shared with this person (not their own)."""
    return is_person(user) and album.owner_id != user.pk and can_view_album(user, album)


def downloadable_photos(user: Viewer) -> QuerySet[Photo]:
    """Photos this person may take away in a selection's ZIP: those they may look at, each
    as `can_view_original` allows (their own originals; others' display copies, which carry
    no camera, place or marker whatever the album shares)."""
    return visible_photos(user)


def can_view_original(user: Viewer, photo: Photo) -> bool:
    """The original keeps every byte (GPS included), so only its owner downloads it."""
    return is_person(user) and photo is not None and photo.owner_id == user.pk


# --- Connections and invitations ------------------------------------------------------------


def own_connections(user: Viewer) -> QuerySet[Connection]:
    """This person's side of each of their connections: the rows they filed themselves."""
    if not is_person(user):
        return Connection.objects.none()
    return Connection.objects.filter(user=user)


def can_manage_connection(user: Viewer, connection: Connection | None) -> bool:
    """Only the side that filed a connection moves it to another circle or ends it.

    Ending it ends both sides, so either person can cut the tie, each through their own row.
    """
    if connection is None or connection.pk is None:
        return False
    return own_connections(user).filter(pk=connection.pk).exists()


def _verified_addresses(user: Viewer) -> QuerySet[EmailAddress]:
    return EmailAddress.objects.filter(user=user, verified=True).values(address=Lower("email"))


def answerable_invitations(user: Viewer) -> QuerySet[Invitation]:
    """Pending invitations this person may accept or decline.

    They are matched by verified address, so an invitation waits through sign-up and an
    unverified address never sees it; nobody answers their own invitation.
    """
    if not is_person(user):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        status=Invitation.Status.PENDING, email__in=_verified_addresses(user)
    ).exclude(inviter=user)


def can_answer_invitation(user: Viewer, invitation: Invitation | None) -> bool:
    """True when `invitation` is among `answerable_invitations(user)`, so the rule exists once."""
    if invitation is None or invitation.pk is None:
        return False
    return answerable_invitations(user).filter(pk=invitation.pk).exists()


def cancellable_invitations(user: Viewer) -> QuerySet[Invitation]:
    """Invitations this person sent that nobody has answered yet: theirs to take back."""
    if not is_person(user):
        return Invitation.objects.none()
    return Invitation.objects.filter(inviter=user, status=Invitation.Status.PENDING)


def can_cancel_invitation(user: Viewer, invitation: Invitation | None) -> bool:
    """True when `invitation` is among `cancellable_invitations(user)`."""
    if invitation is None or invitation.pk is None:
        return False
    return cancellable_invitations(user).filter(pk=invitation.pk).exists()


# --- Share links ------------------------------------------------------------------------------


def active_share_links() -> QuerySet[ShareLink]:
    """Links that still open: not revoked and not past their expiry, checked on every read."""
    return ShareLink.objects.filter(revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def can_unlock_link(link: ShareLink | None, password: str) -> bool:
    """Only a live link that has a password is unlocked, and only by that password."""
    if link is None or not link.has_password:
        return False
    if not active_share_links().filter(pk=link.pk).exists():
        return False
    return check_password(password or "", link.password)


def link_unlock_mark(link: ShareLink) -> str:
    """What a visitor keeps once they typed a link's password, to show on later requests.

    It is tied to the password hash: change the password and earlier unlocks stop counting.
    """
    return salted_hmac(
        "pikoshi.sharelink.unlock", f"{link.pk}:{link.password}", algorithm="sha256"
    ).hexdigest()


def link_is_unlocked(link: ShareLink | None, *, mark: str | None) -> bool:
    """A link without a password opens for whoever holds it; one with a password only for
    a visitor holding the mark `link_unlock_mark` gave them for its current password."""
    if link is None:
        return False
    if not link.has_password:
        return True
    return mark is not None and constant_time_compare(mark, link_unlock_mark(link))


def link_photos(link: ShareLink | None) -> QuerySet[Photo]:
    """The photos a link holder may see: its album's, not in the trash, while the link lives."""
    if link is None or not active_share_links().filter(pk=link.pk).exists():
        return Photo.objects.none()
    return Photo.objects.filter(
        Exists(AlbumEntry.objects.filter(album_id=link.album_id, photo=OuterRef("pk"))),
        deleted_at__isnull=True,
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
    """Albums anyone with the address may see, signed in or not: audience public, right now
    (an address changed or taken away answers for nothing from the next request on)."""
    return Album.objects.filter(audience=Audience.PUBLIC, public_address__isnull=False)


def public_photos(album: Album) -> QuerySet[Photo]:
    """Photos of one public album, not in the trash (originals are never public); none
    once the album is no longer public."""
    return Photo.objects.filter(
        Exists(entries_in(public_albums().filter(pk=album.pk)).filter(photo=OuterRef("pk"))),
        deleted_at__isnull=True,
    )


def public_originals() -> QuerySet[Photo]:
    """Originals a visitor of a public album may download: none. An original keeps every
    byte its owner uploaded, and a public address travels further than any link."""
    return Photo.objects.none()


# --- Account archives ------------------------------------------------------------------------


def downloadable_exports(user: Viewer) -> QuerySet[Export]:
    """Archives this person may download: their own, built, until their link expires.

    The archive holds every original with its metadata, so nobody else ever gets one,
    whoever the link was forwarded to.
    """
    if not is_person(user):
        return Export.objects.none()
    return Export.objects.filter(
        user=user, status=Export.Status.READY, expires_at__gt=timezone.now()
    ).exclude(file="")


def own_uploads(user: Viewer) -> QuerySet[Upload]:
    """Resumable uploads this person may continue, ask about or cancel: their own, until
    they expire. Anyone else's, or an expired one, does not exist for them (404)."""
    if not is_person(user):
        return Upload.objects.none()
    return Upload.objects.filter(owner=user, expires_at__gt=timezone.now())


# --- What details a viewer sees ---------------------------------------------------------------


@dataclass(frozen=True)
class DetailsPolicy:
    """Everyone who sees a photo sees it and its date; camera and place only when allowed."""

    camera: bool
    location: bool


def details_policy(
    *,
    user: Viewer | None,
    album: Album | None,
    link: ShareLink | None = None,
    photo: Photo | None = None,
) -> DetailsPolicy:
    """Whose camera and location a viewer sees, through the route they see a photo by.

    A photo's owner sees everything about it; without a photo, the album's owner does.
    Everyone else follows the switches of the album they opened it in (a photo in several
    albums may show its place in one and not in another), and a link holder the link's;
    seen outside any album (a shared album's photo in their timeline) they see no details.
    The caller has checked that the photo is in that album.
    """
    if link is not None:
        shared = DetailsPolicy(camera=link.share_camera, location=link.share_location)
        album = link.album
    else:
        owner_id = photo.owner_id if photo is not None else getattr(album, "owner_id", None)
        if is_person(user) and owner_id == user.pk:
            return DetailsPolicy(camera=True, location=True)
        if album is None:
            return DetailsPolicy(camera=False, location=False)
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


def own_photos_membership(user: Viewer, album: Album) -> AlbumMember | None:
    """The membership through which this person sets switches for their own photos in
    someone else's album: any membership row, current or not, since their photos stay."""
    if not is_person(user) or album.owner_id == user.pk:
        return None
    return AlbumMember.objects.filter(album=album, user=user).first()


# --- who may see a person's email address -------------------------------------------------


def may_see_address(viewer: Viewer, person: User | None) -> bool:
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


def person_name(viewer: Viewer, person: User | None) -> str:
    """How `person` is named to `viewer`: name or address for connections, else the
    display name or an empty string."""
    if person is None:
        return ""
    if may_see_address(viewer, person):
        return str(person)
    return person.public_name
