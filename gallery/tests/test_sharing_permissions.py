"""The access rules sharing adds to permissions.py: audiences, members, links, details."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from gallery import permissions
from gallery.models import AlbumMember, Audience, Circle, Connection, Invitation, ShareLink
from gallery.tests.factories import make_album, make_photo
from gallery.tokens import hash_token, new_token

pytestmark = pytest.mark.django_db


def connect(a, b, *, a_files_b=Circle.FRIEND, b_files_a=Circle.FRIEND):
    Connection.objects.create(user=a, contact=b, circle=a_files_b)
    Connection.objects.create(user=b, contact=a, circle=b_files_a)


def visible(user, album) -> bool:
    return permissions.can_view_album(user, album)


def test_private_album_is_seen_by_its_owner_only(owner, guest, stranger):
    album = make_album(owner)
    connect(owner, guest, a_files_b=Circle.FAMILY)
    assert visible(owner, album)
    assert not visible(guest, album)
    assert not visible(stranger, album)
    assert not visible(AnonymousUser(), album)
    assert not visible(None, album)


def test_family_album_is_seen_by_family_only(owner, guest, stranger, make_user):
    friend = make_user("fran@example.com")
    album = make_album(owner, audience=Audience.FAMILY)
    connect(owner, guest, a_files_b=Circle.FAMILY)
    connect(owner, friend, a_files_b=Circle.FRIEND)
    assert visible(guest, album)
    assert not visible(friend, album)
    assert not visible(stranger, album)


def test_the_owners_filing_decides_not_the_guests(owner, guest):
    """Guest files the owner as family, but the owner files guest as friend: no family album."""
    album = make_album(owner, audience=Audience.FAMILY)
    connect(owner, guest, a_files_b=Circle.FRIEND, b_files_a=Circle.FAMILY)
    assert not visible(guest, album)


def test_friends_album_is_seen_by_friends_and_family(owner, guest, stranger, make_user):
    friend = make_user("fran@example.com")
    album = make_album(owner, audience=Audience.FRIENDS)
    connect(owner, guest, a_files_b=Circle.FAMILY)
    connect(owner, friend, a_files_b=Circle.FRIEND)
    assert visible(guest, album)
    assert visible(friend, album)
    assert not visible(stranger, album)


def test_public_album_is_seen_by_anyone_signed_in_but_not_anonymous(owner, stranger):
    album = make_album(owner, audience=Audience.PUBLIC)
    assert visible(stranger, album)
    assert not visible(AnonymousUser(), album)


def test_member_sees_private_album_until_the_grant_ends(owner, guest):
    album = make_album(owner)
    member = AlbumMember.objects.create(album=album, user=guest)
    assert visible(guest, album)
    member.until = timezone.now() + timedelta(minutes=1)
    member.save()
    assert visible(guest, album)
    member.until = timezone.now() - timedelta(seconds=1)
    member.save()
    assert not visible(guest, album)


def test_visible_albums_has_no_duplicates_when_several_rules_match(owner, guest):
    album = make_album(owner, audience=Audience.FRIENDS)
    connect(owner, guest, a_files_b=Circle.FAMILY)
    AlbumMember.objects.create(album=album, user=guest)
    assert list(permissions.visible_albums(guest).filter(owner=owner)) == [album]


def test_only_active_contributors_may_contribute(owner, guest, stranger):
    album = make_album(owner)
    assert permissions.can_contribute(owner, album)
    member = AlbumMember.objects.create(album=album, user=guest)
    assert not permissions.can_contribute(guest, album)
    member.role = AlbumMember.Role.CONTRIBUTOR
    member.save()
    assert permissions.can_contribute(guest, album)
    assert not permissions.can_edit_album(guest, album)
    assert not permissions.can_share_album(guest, album)
    member.until = timezone.now() - timedelta(seconds=1)
    member.save()
    assert not permissions.can_contribute(guest, album)
    assert not permissions.can_contribute(stranger, album)
    assert not permissions.can_contribute(AnonymousUser(), album)


def test_album_role_names_what_the_person_may_do(owner, guest, stranger):
    album = make_album(owner)
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.CONTRIBUTOR)
    assert permissions.album_role(owner, album) == "owner"
    assert permissions.album_role(guest, album) == "contributor"
    assert permissions.album_role(stranger, album) is None


def test_shared_photos_are_visible_but_not_trashed_ones(owner, guest):
    album = make_album(owner, audience=Audience.FRIENDS)
    connect(owner, guest)
    shown = make_photo(owner, album=album)
    make_photo(owner, album=album, deleted_at=timezone.now())
    assert list(permissions.visible_photos(guest).filter(albums=album)) == [shown]
    assert not permissions.can_view_original(guest, shown)


def test_contributors_keep_seeing_their_own_photos_after_the_grant_ends(owner, guest):
    album = make_album(owner)
    member = AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.CONTRIBUTOR)
    photo = make_photo(guest, album=album)
    make_photo(owner, album=album)
    member.delete()
    assert list(permissions.visible_photos(guest).filter(albums=album)) == [photo]


def test_only_the_side_that_filed_a_connection_manages_it(owner, guest, stranger):
    connect(owner, guest)
    mine = Connection.objects.get(user=owner, contact=guest)
    theirs = Connection.objects.get(user=guest, contact=owner)
    assert list(permissions.own_connections(owner)) == [mine]
    assert permissions.can_manage_connection(owner, mine)
    assert permissions.can_manage_connection(guest, theirs)
    assert not permissions.can_manage_connection(guest, mine)
    assert not permissions.can_manage_connection(owner, theirs)
    assert not permissions.can_manage_connection(stranger, mine)
    assert not permissions.can_manage_connection(AnonymousUser(), mine)
    assert not permissions.can_manage_connection(None, mine)
    assert not permissions.own_connections(AnonymousUser()).exists()


def test_a_connection_ended_meanwhile_is_managed_by_nobody(owner, guest):
    connect(owner, guest)
    mine = Connection.objects.get(user=owner, contact=guest)
    Connection.objects.filter(pk=mine.pk).delete()
    assert not permissions.can_manage_connection(owner, mine)


def _invite(inviter, email: str) -> Invitation:
    return Invitation.objects.create(inviter=inviter, email=email)


def test_only_the_invited_verified_address_answers_an_invitation(owner, guest, stranger, make_user):
    invitation = _invite(owner, guest.email)
    unverified = make_user("una@example.com", verified=False)
    for_una = _invite(owner, "una@example.com")
    assert permissions.can_answer_invitation(guest, invitation)
    assert list(permissions.answerable_invitations(guest)) == [invitation]
    assert not permissions.can_answer_invitation(owner, invitation)  # the inviter
    assert not permissions.can_answer_invitation(stranger, invitation)
    assert not permissions.can_answer_invitation(unverified, for_una)
    assert not permissions.can_answer_invitation(AnonymousUser(), invitation)
    assert not permissions.can_answer_invitation(None, invitation)
    EmailAddress.objects.filter(user=unverified).update(verified=True)
    assert permissions.can_answer_invitation(unverified, for_una)


def test_a_second_verified_address_counts_whatever_its_case(owner, guest):
    invitation = _invite(owner, "gabe.work@example.com")
    assert not permissions.can_answer_invitation(guest, invitation)
    EmailAddress.objects.create(user=guest, email="Gabe.Work@Example.com", verified=True)
    assert permissions.can_answer_invitation(guest, invitation)


def test_nobody_answers_their_own_invitation_even_to_their_own_address(owner, guest):
    EmailAddress.objects.create(user=owner, email="olivia.home@example.com", verified=True)
    invitation = _invite(owner, "olivia.home@example.com")
    assert not permissions.can_answer_invitation(owner, invitation)
    assert not permissions.answerable_invitations(owner).exists()


@pytest.mark.parametrize(
    "status",
    [Invitation.Status.ACCEPTED, Invitation.Status.DECLINED, Invitation.Status.CANCELLED],
)
def test_an_answered_invitation_is_answered_or_cancelled_by_nobody(owner, guest, status):
    invitation = _invite(owner, guest.email)
    Invitation.objects.filter(pk=invitation.pk).update(status=status)
    assert not permissions.can_answer_invitation(guest, invitation)
    assert not permissions.can_cancel_invitation(owner, invitation)


def test_only_the_inviter_cancels_a_pending_invitation(owner, guest, stranger):
    invitation = _invite(owner, guest.email)
    assert permissions.can_cancel_invitation(owner, invitation)
    assert list(permissions.cancellable_invitations(owner)) == [invitation]
    assert not permissions.can_cancel_invitation(guest, invitation)  # the invitee declines
    assert not permissions.can_cancel_invitation(stranger, invitation)
    assert not permissions.can_cancel_invitation(AnonymousUser(), invitation)
    assert not permissions.cancellable_invitations(guest).exists()


def _link(album, **fields) -> ShareLink:
    return ShareLink.objects.create(album=album, token_hash=hash_token(new_token()), **fields)


def test_link_photos_follow_revocation_and_expiry(owner):
    album = make_album(owner)
    photo = make_photo(owner, album=album)
    make_photo(owner, album=make_album(owner, title="Other"))
    link = _link(album, expires_at=timezone.now() + timedelta(days=1))
    assert list(permissions.link_photos(link)) == [photo]
    assert permissions.active_share_links().filter(pk=link.pk).exists()
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert not permissions.link_photos(link).exists()
    assert not permissions.active_share_links().filter(pk=link.pk).exists()
    link.expires_at = None
    link.revoked_at = timezone.now()
    link.save()
    assert not permissions.link_photos(link).exists()


def test_a_link_is_unlocked_only_by_its_own_password_while_it_lives(owner):
    link = _link(make_album(owner), password=make_password("open sesame"))
    assert permissions.can_unlock_link(link, "open sesame")
    assert not permissions.can_unlock_link(link, "open sesam")
    assert not permissions.can_unlock_link(link, "")
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert not permissions.can_unlock_link(link, "open sesame")
    link.expires_at = None
    link.revoked_at = timezone.now()
    link.save()
    assert not permissions.can_unlock_link(link, "open sesame")
    assert not permissions.can_unlock_link(None, "open sesame")


def test_a_link_without_a_password_has_none_to_unlock_it(owner):
    link = _link(make_album(owner))
    assert not permissions.can_unlock_link(link, "")
    assert not permissions.can_unlock_link(link, "anything at all")
    assert permissions.link_is_unlocked(link, mark=None)


def test_a_password_link_opens_only_with_the_mark_for_its_current_password(owner, guest):
    mine = _link(make_album(owner), password=make_password("open sesame"))
    theirs = _link(make_album(guest), password=make_password("open sesame"))
    mark = permissions.link_unlock_mark(mine)
    assert permissions.link_is_unlocked(mine, mark=mark)
    assert not permissions.link_is_unlocked(mine, mark=None)
    assert not permissions.link_is_unlocked(mine, mark="")
    assert not permissions.link_is_unlocked(
        mine, mark=mark[:-1] + ("1" if mark[-1] == "0" else "0")
    )
    # The same password on another person's link is another lock.
    assert not permissions.link_is_unlocked(theirs, mark=mark)
    assert not permissions.link_is_unlocked(None, mark=mark)
    mine.password = make_password("open sesame")  # set again: a new salt, a new hash
    mine.save()
    assert not permissions.link_is_unlocked(mine, mark=mark)


def test_download_through_a_link_needs_the_owner_to_allow_it(owner):
    album = make_album(owner)
    photo = make_photo(owner, album=album)
    link = _link(album)
    assert not permissions.can_download_via_link(link, photo)
    link.allow_download = True
    link.save()
    assert permissions.can_download_via_link(link, photo)


def test_no_original_is_ever_public(owner, guest):
    album = make_album(owner, audience=Audience.PUBLIC)
    photo = make_photo(owner, album=album)
    make_photo(guest, album=make_album(guest, audience=Audience.PUBLIC))
    assert list(permissions.public_photos(album)) == [photo]
    assert not permissions.public_originals().exists()


def test_details_policy_owner_sees_all_others_what_album_or_link_allows(owner, guest):
    album = make_album(owner, share_location=True)
    assert permissions.details_policy(user=owner, album=album) == permissions.DetailsPolicy(
        camera=True, location=True
    )
    assert permissions.details_policy(user=guest, album=album) == permissions.DetailsPolicy(
        camera=False, location=True
    )
    link = _link(album, share_camera=True)
    assert permissions.details_policy(user=None, album=album, link=link) == (
        permissions.DetailsPolicy(camera=True, location=False)
    )
