"""Reads an owner makes of their sharing: connections, invitations, members, links, what
is shared with them and the overview.
"""

import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User, Viewer
from gallery import permissions
from gallery.models import (
    Album,
    AlbumMember,
    Audience,
    Connection,
    Invitation,
    ShareLink,
    TimelineAlbum,
)
from gallery.selectors import uuid_or_404
from gallery.selectors.albums import album_for_viewer, attach_covers, with_cover

# --- connections --------------------------------------------------------------------------


def connections_for(*, user: User) -> QuerySet[Connection]:
    """The people this person is connected with, as they filed them; with how many of this
    person's albums name them (`their_albums`) and of theirs name this person (`my_albums`),
    which ending the connection takes them off."""

    def memberships(**where: object) -> Coalesce:
        counted = (
            AlbumMember.objects.filter(**where)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        return Coalesce(Subquery(counted), 0)

    return (
        permissions.own_connections(user)
        .select_related("contact")
        .annotate(
            their_albums=memberships(album__owner=user, user=OuterRef("contact")),
            my_albums=memberships(album__owner=OuterRef("contact"), user=user),
        )
    )


def connection_for(*, user: User, contact_uuid: str | uuid.UUID) -> Connection:
    """This person's side of the connection with `contact_uuid`, else 404."""
    connection = connections_for(user=user).filter(contact__uuid=uuid_or_404(contact_uuid)).first()
    if connection is None:
        raise Http404("No such connection.")
    return connection


def invitations_received(*, user: User) -> QuerySet[Invitation]:
    """Pending invitations to any of this person's verified addresses, so they survive sign-up."""
    return permissions.answerable_invitations(user).select_related("inviter")


def invitations_sent(*, user: User) -> QuerySet[Invitation]:
    """Invitations this person sent that nobody has answered yet."""
    return permissions.cancellable_invitations(user)


def invitation_for_invitee(*, user: User, public_id: str | uuid.UUID) -> Invitation:
    """An invitation this person may accept or decline, else 404."""
    invitation = invitations_received(user=user).filter(public_id=uuid_or_404(public_id)).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def invitation_for_inviter(*, user: User, public_id: str | uuid.UUID) -> Invitation:
    """An invitation this person sent and may still take back, else 404."""
    invitation = invitations_sent(user=user).filter(public_id=uuid_or_404(public_id)).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


# --- albums ----------------------------------------------------------------------------------


def album_for_sharer(*, user: User, public_id: str | uuid.UUID) -> Album:
    """An album whose sharing this person manages (its owner), else 404."""
    album = (
        permissions.visible_albums(user)
        .filter(public_id=uuid_or_404(public_id))
        .select_related("owner")
        .first()
    )
    if album is None or not permissions.can_share_album(user, album):
        raise Http404("No such album.")
    return album


def own_photos_sharing(*, user: User, public_id: str | uuid.UUID) -> AlbumMember:
    """The caller's membership of an album they can see, for the switches over their own
    photos in it; 404 for an album they cannot see or are not a member of."""
    album = album_for_viewer(user=user, public_id=public_id)
    membership = permissions.own_photos_membership(user, album)
    if membership is None:
        raise Http404("No such album.")
    return membership


def members_of(*, album: Album) -> QuerySet[AlbumMember]:
    """Everyone named on the album, expired grants included so the owner can renew them."""
    return album.members.select_related("user").order_by("created_at")


def membership_for_sharer(
    *, user: User, album_public_id: str | uuid.UUID, user_uuid: str | uuid.UUID
) -> AlbumMember:
    album = album_for_sharer(user=user, public_id=album_public_id)
    membership = members_of(album=album).filter(user__uuid=uuid_or_404(user_uuid)).first()
    if membership is None:
        raise Http404("No such person on this album.")
    return membership


def links_of(*, album: Album) -> QuerySet[ShareLink]:
    """The album's links that still work, newest first."""
    return permissions.active_share_links().filter(album=album)


def link_for_sharer(*, user: User, public_id: str | uuid.UUID) -> ShareLink:
    link = (
        ShareLink.objects.filter(public_id=uuid_or_404(public_id), album__owner=user)
        .select_related("album")
        .first()
        if permissions.is_person(user)
        else None
    )
    if link is None or not permissions.can_share_album(user, link.album):
        raise Http404("No such link.")
    return link


def shareable_contacts(*, user: User, album: Album) -> QuerySet[Connection]:
    """Connections not yet named on the album: the choices for "add a person"."""
    return connections_for(user=user).exclude(contact__album_memberships__album=album)


@dataclass
class SharedGroup:
    owner: object
    albums: list[Album] = field(default_factory=list)


def shared_with_me(*, user: Viewer) -> list[SharedGroup]:
    """Albums other people share with this person, grouped by the person who shares.

    Public albums of strangers are visible by URL but never listed: only albums whose owner
    is a connection, or that name this person, appear here.
    """
    if not permissions.is_person(user):
        return []
    connected_owner_ids = Connection.objects.filter(contact=user).values("user_id")
    named = permissions.active_memberships(user).filter(album=OuterRef("pk"))
    albums = with_cover(
        permissions.visible_albums(user)
        .exclude(owner=user)
        .filter(Q(owner_id__in=connected_owner_ids) | Exists(named))
        .select_related("owner")
        .annotate(
            photo_count=Count("photos", filter=Q(photos__deleted_at__isnull=True)),
            in_my_timeline=Exists(TimelineAlbum.objects.filter(user=user, album=OuterRef("pk"))),
        )
        .order_by("owner__display_name", "owner__email", "-updated_at")
    )
    groups: dict[int, SharedGroup] = {}
    for album in attach_covers(albums):
        # For the template and the API: which buttons this person gets on the album.
        album.my_role = permissions.album_role(user, album)  # type: ignore[attr-defined]
        groups.setdefault(album.owner_id, SharedGroup(owner=album.owner)).albums.append(album)
    return list(groups.values())


# --- overview ------------------------------------------------------------------------------


@dataclass
class SharingOverview:
    albums: list[Album]  # not private, grouped by audience in the template
    members: list[AlbumMember]
    links: list[ShareLink]

    @property
    def is_empty(self) -> bool:
        return not (self.albums or self.members or self.links)


def sharing_overview(*, user: Viewer) -> SharingOverview:
    """Everything of this person's that someone else can see, for one page of revoke buttons."""
    if not permissions.is_person(user):
        return SharingOverview(albums=[], members=[], links=[])
    albums = list(
        Album.objects.filter(owner=user)
        .exclude(audience=Audience.PRIVATE)
        .order_by("audience", "title")
    )
    members = list(
        AlbumMember.objects.filter(album__owner=user)
        .select_related("album", "user")
        .order_by("album__title", "created_at")
    )
    links = list(
        ShareLink.objects.filter(album__owner=user, revoked_at__isnull=True)
        .select_related("album")
        .order_by("album__title", "-created_at")
    )
    return SharingOverview(albums=albums, members=members, links=links)
