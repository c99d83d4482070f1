"""Sharing services: invitations, connections, audiences, members, links, the panic button."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from gallery import permissions
from gallery.models import AlbumMember, Audience, Circle, Connection, Invitation, ShareLink
from gallery.selectors import sharing as sharing_selectors
from gallery.selectors import visitors as visitor_selectors
from gallery.services import sharing as sharing_services
from gallery.services import visitors as visitor_services
from gallery.tests.factories import make_album
from gallery.tokens import hash_token

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def connected(owner, guest, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = sharing_services.invitation_create(
            inviter=owner, email=guest.email, circle=Circle.FAMILY
        )
    sharing_services.invitation_accept(user=guest, invitation=invitation, circle=Circle.FRIEND)
    mail.outbox.clear()
    return invitation


# --- invitations and connections ----------------------------------------------------------


def test_invitation_sends_an_email_and_accepting_connects_both_sides(
    owner, guest, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = sharing_services.invitation_create(
            inviter=owner, email=" Gabriel@Example.com ", circle=Circle.FAMILY
        )
    assert invitation.email == "gabriel@example.com"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["gabriel@example.com"]
    assert "Olivia Owner" in mail.outbox[0].subject
    assert "/connections/" in mail.outbox[0].body

    assert list(sharing_selectors.invitations_received(user=guest)) == [invitation]
    sharing_services.invitation_accept(user=guest, invitation=invitation, circle=Circle.FRIEND)

    assert Connection.objects.get(user=owner, contact=guest).circle == Circle.FAMILY
    assert Connection.objects.get(user=guest, contact=owner).circle == Circle.FRIEND
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == guest


def test_invitation_survives_sign_up_and_matches_only_a_verified_address(owner, make_user):
    invitation = sharing_services.invitation_create(inviter=owner, email="newcomer@example.com")
    newcomer = make_user("newcomer@example.com", verified=False)
    assert not sharing_selectors.invitations_received(user=newcomer).exists()
    with pytest.raises(Http404):
        sharing_services.invitation_accept(user=newcomer, invitation=invitation)
    EmailAddress.objects.filter(user=newcomer).update(verified=True)
    assert list(sharing_selectors.invitations_received(user=newcomer)) == [invitation]
    sharing_services.invitation_accept(user=newcomer, invitation=invitation)
    assert Connection.objects.filter(user=owner, contact=newcomer).exists()


def test_a_stranger_cannot_accept_someone_elses_invitation(owner, guest, stranger):
    invitation = sharing_services.invitation_create(inviter=owner, email=guest.email)
    with pytest.raises(Http404):
        sharing_services.invitation_accept(user=stranger, invitation=invitation)
    with pytest.raises(Http404):
        sharing_selectors.invitation_for_invitee(user=stranger, public_id=invitation.public_id)
    with pytest.raises(Http404):
        sharing_services.invitation_cancel(user=stranger, invitation=invitation)


def test_declined_invitation_connects_nobody_and_cannot_be_accepted_later(owner, guest):
    invitation = sharing_services.invitation_create(inviter=owner, email=guest.email)
    sharing_services.invitation_decline(user=guest, invitation=invitation)
    with pytest.raises(Http404):
        sharing_services.invitation_accept(user=guest, invitation=invitation)
    assert not Connection.objects.exists()


def test_inviting_yourself_or_a_connection_is_refused(owner, guest, connected):
    with pytest.raises(ValidationError):
        sharing_services.invitation_create(inviter=owner, email=owner.email)
    with pytest.raises(ValidationError):
        sharing_services.invitation_create(inviter=owner, email=guest.email)
    with pytest.raises(ValidationError):
        sharing_services.invitation_create(inviter=owner, email="not an email")


def test_inviting_twice_keeps_one_pending_invitation(owner):
    first = sharing_services.invitation_create(inviter=owner, email="x@example.com")
    second = sharing_services.invitation_create(
        inviter=owner, email="x@example.com", circle=Circle.FAMILY
    )
    assert first.pk == second.pk
    assert Invitation.objects.get().circle == Circle.FAMILY


def test_cancelled_invitation_is_gone_for_the_invitee(owner, guest):
    invitation = sharing_services.invitation_create(inviter=owner, email=guest.email)
    sharing_services.invitation_cancel(user=owner, invitation=invitation)
    assert not sharing_selectors.invitations_received(user=guest).exists()


def test_moving_a_connection_changes_what_they_see(owner, guest, connected):
    album = make_album(owner, audience=Audience.FAMILY)
    assert permissions.can_view_album(guest, album)
    mine = sharing_selectors.connection_for(user=owner, contact_uuid=guest.uuid)
    sharing_services.connection_update(user=owner, connection=mine, circle=Circle.FRIEND)
    assert not permissions.can_view_album(guest, album)


def test_removing_a_connection_removes_access_at_once_for_both_sides(owner, guest, connected):
    friends_album = make_album(owner, audience=Audience.FRIENDS)
    named = make_album(owner, title="Named")
    theirs = make_album(guest, title="Theirs")
    sharing_services.album_member_add(user=owner, album=named, member=guest)
    sharing_services.album_member_add(user=guest, album=theirs, member=owner)
    assert permissions.can_view_album(guest, friends_album)
    assert permissions.can_view_album(guest, named)

    theirs_side = sharing_selectors.connection_for(user=guest, contact_uuid=owner.uuid)
    sharing_services.connection_remove(user=guest, connection=theirs_side)

    assert not Connection.objects.exists()
    assert not AlbumMember.objects.exists()
    assert not permissions.can_view_album(guest, friends_album)
    assert not permissions.can_view_album(guest, named)
    assert not permissions.can_view_album(owner, theirs)


def test_only_the_filing_side_may_change_or_end_its_row(owner, guest, stranger, connected):
    mine = sharing_selectors.connection_for(user=owner, contact_uuid=guest.uuid)
    with pytest.raises(Http404):
        sharing_services.connection_update(user=stranger, connection=mine, circle=Circle.FAMILY)
    with pytest.raises(Http404):
        sharing_services.connection_remove(user=stranger, connection=mine)
    with pytest.raises(Http404):
        sharing_selectors.connection_for(user=stranger, contact_uuid=guest.uuid)


# --- audience and members ---------------------------------------------------------------


def test_only_the_owner_changes_the_audience(owner, guest):
    album = make_album(owner)
    with pytest.raises(Http404):
        sharing_services.album_sharing_update(user=guest, album=album, audience=Audience.PUBLIC)
    sharing_services.album_sharing_update(
        user=owner, album=album, audience=Audience.FRIENDS, share_location=True
    )
    album.refresh_from_db()
    assert (album.audience, album.share_location, album.share_camera) == ("friends", True, False)
    with pytest.raises(ValidationError):
        sharing_services.album_sharing_update(user=owner, album=album, audience="everyone")


def test_members_must_be_connections_and_are_told_by_email(
    owner, guest, stranger, connected, django_capture_on_commit_callbacks
):
    album = make_album(owner, title="Wedding")
    with pytest.raises(ValidationError):
        sharing_services.album_member_add(user=owner, album=album, member=stranger)
    with django_capture_on_commit_callbacks(execute=True):
        sharing_services.album_member_add(user=owner, album=album, member=guest)
    assert len(mail.outbox) == 1
    assert "Wedding" in mail.outbox[0].subject
    assert str(album.public_id) in mail.outbox[0].body
    assert permissions.can_view_album(guest, album)


def test_member_grant_with_a_past_date_is_refused_and_a_future_one_expires(owner, guest, connected):
    album = make_album(owner)
    with pytest.raises(ValidationError):
        sharing_services.album_member_add(
            user=owner, album=album, member=guest, until=timezone.now() - timedelta(hours=1)
        )
    membership = sharing_services.album_member_add(
        user=owner, album=album, member=guest, until=timezone.now() + timedelta(hours=1)
    )
    assert permissions.can_view_album(guest, album)
    AlbumMember.objects.filter(pk=membership.pk).update(until=timezone.now() - timedelta(seconds=1))
    assert not permissions.can_view_album(guest, album)


def test_member_role_change_and_removal(owner, guest, connected):
    album = make_album(owner)
    membership = sharing_services.album_member_add(user=owner, album=album, member=guest)
    assert not permissions.can_contribute(guest, album)
    sharing_services.album_member_update(
        user=owner, membership=membership, role=AlbumMember.Role.CONTRIBUTOR
    )
    assert permissions.can_contribute(guest, album)
    with pytest.raises(Http404):
        sharing_services.album_member_remove(user=guest, membership=membership)
    sharing_services.album_member_remove(user=owner, membership=membership)
    assert not permissions.can_view_album(guest, album)


def test_member_update_changes_only_what_it_is_given(owner, guest, connected):
    album = make_album(owner)
    until = timezone.now() + timedelta(days=3)
    membership = sharing_services.album_member_add(
        user=owner, album=album, member=guest, until=until
    )
    sharing_services.album_member_update(
        user=owner, membership=membership, role=AlbumMember.Role.CONTRIBUTOR
    )
    membership.refresh_from_db()
    assert (membership.role, membership.until) == (AlbumMember.Role.CONTRIBUTOR, until)
    sharing_services.album_member_update(user=owner, membership=membership, until=None)
    membership.refresh_from_db()
    assert (membership.role, membership.until) == (AlbumMember.Role.CONTRIBUTOR, None)
    with pytest.raises(TypeError, match="album"):
        sharing_services.album_member_update(user=owner, membership=membership, album=album)


def test_shared_with_me_groups_by_owner_and_never_lists_strangers_public_albums(
    owner, guest, stranger, connected
):
    family = make_album(owner, title="Family", audience=Audience.FAMILY)
    friends = make_album(owner, title="Friends", audience=Audience.FRIENDS)
    make_album(owner, title="Private")
    make_album(stranger, title="Stranger public", audience=Audience.PUBLIC)
    named = make_album(owner, title="Named")
    sharing_services.album_member_add(
        user=owner, album=named, member=guest, role=AlbumMember.Role.CONTRIBUTOR
    )
    groups = sharing_selectors.shared_with_me(user=guest)
    assert [g.owner for g in groups] == [owner]
    assert {a.title for a in groups[0].albums} == {"Family", "Friends", "Named"}
    roles = {a.title: a.my_role for a in groups[0].albums}
    assert roles["Named"] == "contributor" and roles["Family"] == "viewer"
    assert family and friends


# --- share links ---------------------------------------------------------------------------


def test_link_defaults_to_thirty_days_and_stores_only_a_digest(owner):
    album = make_album(owner)
    created = sharing_services.share_link_create(
        user=owner,
        album=album,
        label="Grandma",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    link = created.link
    assert len(created.token) >= 43  # 32 random bytes, base64
    assert link.token_hash == hash_token(created.token)
    assert created.token not in link.token_hash
    expected = timezone.now() + timedelta(days=30)
    assert abs((link.expires_at - expected).total_seconds()) < 60
    assert visitor_selectors.share_link_for_token(token=created.token) == link


def test_a_new_link_is_given_its_expiry_explicitly(owner):
    album = make_album(owner)
    with pytest.raises(TypeError, match="expires_at"):
        sharing_services.share_link_create(user=owner, album=album)
    before = timezone.now()
    default = sharing_services.share_link_default_expiry()
    assert before + timedelta(days=30) <= default <= timezone.now() + timedelta(days=30)


def test_link_update_changes_only_what_it_is_given(owner):
    album = make_album(owner)
    expires = timezone.now() + timedelta(days=9)
    link = sharing_services.share_link_create(
        user=owner, album=album, label="Grandma", expires_at=expires, share_camera=True
    ).link
    sharing_services.share_link_update(user=owner, link=link, label=" Gran ")
    link.refresh_from_db()
    assert (link.label, link.expires_at, link.share_camera) == ("Gran", expires, True)
    sharing_services.share_link_update(user=owner, link=link, expires_at=None)
    link.refresh_from_db()
    assert (link.label, link.expires_at, link.share_camera) == ("Gran", None, True)
    with pytest.raises(TypeError, match="revoked_at"):
        sharing_services.share_link_update(user=owner, link=link, revoked_at=None)


def test_link_may_never_expire_and_may_be_changed(owner):
    album = make_album(owner)
    link = sharing_services.share_link_create(user=owner, album=album, expires_at=None).link
    assert link.expires_at is None
    with pytest.raises(ValidationError):
        sharing_services.share_link_update(
            user=owner, link=link, expires_at=timezone.now() - timedelta(days=1)
        )
    sharing_services.share_link_update(
        user=owner, link=link, allow_download=True, password="sesame seeds"
    )
    link.refresh_from_db()
    assert link.allow_download and link.has_password and link.password != "sesame seeds"


def test_expired_and_revoked_links_open_nothing(owner, guest):
    album = make_album(owner)
    created = sharing_services.share_link_create(
        user=owner, album=album, expires_at=sharing_services.share_link_default_expiry()
    )
    ShareLink.objects.filter(pk=created.link.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(Http404):
        visitor_selectors.share_link_for_token(token=created.token)

    other = sharing_services.share_link_create(
        user=owner, album=album, expires_at=sharing_services.share_link_default_expiry()
    )
    with pytest.raises(Http404):
        sharing_services.share_link_revoke(user=guest, link=other.link)
    sharing_services.share_link_revoke(user=owner, link=other.link)
    with pytest.raises(Http404):
        visitor_selectors.share_link_for_token(token=other.token)
    with pytest.raises(Http404):
        visitor_selectors.share_link_for_token(token="x" * 43)


def test_only_the_owner_makes_links(owner, guest, connected):
    album = make_album(owner)
    sharing_services.album_member_add(
        user=owner, album=album, member=guest, role=AlbumMember.Role.CONTRIBUTOR
    )
    with pytest.raises(Http404):
        sharing_services.share_link_create(
            user=guest, album=album, expires_at=sharing_services.share_link_default_expiry()
        )
    with pytest.raises(Http404):
        sharing_selectors.album_for_sharer(user=guest, public_id=album.public_id)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("sesame", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
    ],
)
def test_link_passwords_must_be_long_and_uncommon(owner, password, message):
    album = make_album(owner)
    with pytest.raises(ValidationError) as refused:
        sharing_services.share_link_create(
            user=owner,
            album=album,
            password=password,
            expires_at=sharing_services.share_link_default_expiry(),
        )
    assert message in refused.value.message_dict["password"]
    assert not ShareLink.objects.exists()

    link = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    ).link
    with pytest.raises(ValidationError) as refused:
        sharing_services.share_link_update(user=owner, link=link, password=password)
    assert message in refused.value.message_dict["password"]
    link.refresh_from_db()
    assert visitor_services.share_link_check_password(
        link=link, password="open sesame", client="::1"
    )


def test_a_link_may_still_have_no_password(owner):
    album = make_album(owner)
    link = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="",
        expires_at=sharing_services.share_link_default_expiry(),
    ).link
    assert not link.has_password
    sharing_services.share_link_update(user=owner, link=link, password="open sesame")
    sharing_services.share_link_update(user=owner, link=link, password="")
    link.refresh_from_db()
    assert not link.has_password


def test_link_password_guesses_are_limited(owner):
    album = make_album(owner)
    link = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    ).link
    for _ in range(visitor_services.LINK_PASSWORD_ATTEMPTS):
        assert not visitor_services.share_link_check_password(
            link=link, password="x", client="1.2.3.4"
        )
    with pytest.raises(visitor_services.TooManyAttempts):
        visitor_services.share_link_check_password(
            link=link, password="open sesame", client="1.2.3.4"
        )
    # Another address still gets its own attempts.
    assert visitor_services.share_link_check_password(
        link=link, password="open sesame", client="5.6.7.8"
    )


def test_guesses_from_many_addresses_do_not_lock_out_the_recipient(owner):
    album = make_album(owner)
    link = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    ).link
    # 15 addresses each spend their whole budget: 150 wrong guesses on one link.
    for n in range(15):
        for _ in range(visitor_services.LINK_PASSWORD_ATTEMPTS):
            assert not visitor_services.share_link_check_password(
                link=link, password="x", client=f"203.0.113.{n}"
            )

    assert visitor_services.share_link_check_password(
        link=link, password="open sesame", client="198.51.100.4"
    )
    link.refresh_from_db()
    assert link.failed_password_attempts == 150


def test_addresses_of_one_ipv6_network_share_one_budget_of_guesses(owner):
    # One household or server is handed a whole /64: counting single IPv6 addresses would
    # give it 2**64 budgets.
    album = make_album(owner)
    link = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    ).link
    for i in range(visitor_services.LINK_PASSWORD_ATTEMPTS):
        visitor_services.share_link_check_password(
            link=link, password="x", client=f"2001:db8:1:2::{i}"
        )
    with pytest.raises(visitor_services.TooManyAttempts):
        visitor_services.share_link_check_password(
            link=link, password="open sesame", client="2001:db8:1:2:ffff::1"
        )
    assert visitor_services.share_link_check_password(
        link=link, password="open sesame", client="2001:db8:1:3::1"
    )


def test_wrong_link_passwords_are_counted_on_the_link_for_its_owner(owner):
    album = make_album(owner)
    link = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    ).link
    for client in ("203.0.113.7", "198.51.100.4", "198.51.100.4"):
        visitor_services.share_link_check_password(link=link, password="wrong guess", client=client)
    visitor_services.share_link_check_password(
        link=link, password="open sesame", client="203.0.113.7"
    )

    link.refresh_from_db()
    assert link.failed_password_attempts == 3
    [listed] = sharing_selectors.sharing_overview(user=owner).links
    assert listed.failed_password_attempts == 3


def test_make_everything_private(owner, guest, connected):
    a = make_album(owner, audience=Audience.PUBLIC)
    b = make_album(owner, title="B")
    sharing_services.album_member_add(user=owner, album=b, member=guest)
    created = sharing_services.share_link_create(
        user=owner, album=b, expires_at=sharing_services.share_link_default_expiry()
    )
    theirs = make_album(guest, audience=Audience.FRIENDS)

    result = sharing_services.sharing_make_everything_private(user=owner)

    assert (result.albums, result.members, result.links) == (1, 1, 1)
    assert not permissions.can_view_album(guest, a)
    assert not permissions.can_view_album(guest, b)
    with pytest.raises(Http404):
        visitor_selectors.share_link_for_token(token=created.token)
    assert sharing_selectors.sharing_overview(user=owner).is_empty
    # Other people's sharing is untouched, and so are connections.
    assert permissions.can_view_album(owner, theirs)
