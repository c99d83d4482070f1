"""Sharing pages: share dialog, connections, shared-with-me, overview and /s/ link pages."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import via_nginx
from gallery import media
from gallery.models import AlbumMember, Audience, Circle, Connection, Invitation, ShareLink
from gallery.services import sharing as sharing_services
from gallery.services import visitors as visitor_services
from gallery.tests.factories import connect, jpeg_bytes, make_album, make_photo

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


# --- share dialog ---------------------------------------------------------------------------


def test_owner_sets_audience_names_a_person_and_makes_a_link(client, owner, guest):
    connect(owner, guest)
    album = make_album(owner, title="Summer")
    client.force_login(owner)
    page = client.get(reverse("album_share", args=[album.public_id]))
    assert page.status_code == 200
    assert "Gabriel Guest" in body(page)

    client.post(
        reverse("album_share_audience", args=[album.public_id]),
        {"audience": "family", "share_camera": "on"},
    )
    album.refresh_from_db()
    assert (album.audience, album.share_camera, album.share_location) == ("family", True, False)

    until = (timezone.localdate() + timedelta(days=3)).isoformat()
    client.post(
        reverse("album_member_add", args=[album.public_id]),
        {"user": str(guest.uuid), "role": "contributor", "until": until},
    )
    member = AlbumMember.objects.get(album=album, user=guest)
    assert member.role == "contributor" and member.until > timezone.now()

    response = client.post(
        reverse("share_link_create", args=[album.public_id]),
        {"label": "Grandma", "expires": "", "password": ""},
        follow=True,
    )
    link = ShareLink.objects.get(album=album)
    assert link.label == "Grandma"
    assert abs((link.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    shown = re.search(r'value="(http://testserver/s/[^"]+/)"', body(response)).group(1)
    # Shown once: the next visit of the dialog no longer has it.
    again = client.get(reverse("album_share", args=[album.public_id]))
    assert shown not in body(again)
    assert client.get(shown).status_code == 200


def test_share_dialog_is_404_for_everyone_but_the_owner(client, owner, guest, stranger):
    connect(owner, guest)
    album = make_album(owner, audience=Audience.FRIENDS)
    sharing_services.album_member_add(
        user=owner, album=album, member=guest, role=AlbumMember.Role.CONTRIBUTOR
    )
    for person in (guest, stranger):
        client.force_login(person)
        assert client.get(reverse("album_share", args=[album.public_id])).status_code == 404
        response = client.post(
            reverse("album_share_audience", args=[album.public_id]), {"audience": "public"}
        )
        assert response.status_code == 404
    album.refresh_from_db()
    assert album.audience == Audience.FRIENDS


# --- connections ---------------------------------------------------------------------------


def test_invite_accept_move_and_remove_through_the_pages(
    client, owner, guest, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("connection_invite"), {"email": guest.email, "circle": "family"})
    assert len(mail.outbox) == 1
    invitation = Invitation.objects.get()

    client.force_login(guest)
    page = client.get(reverse("sharing_connections"))
    assert "Olivia Owner" in body(page)
    client.post(reverse("invitation_accept", args=[invitation.public_id]), {"circle": "friend"})
    assert Connection.objects.get(user=owner, contact=guest).circle == "family"

    client.force_login(owner)
    client.post(reverse("connection_update", args=[guest.uuid]), {"circle": "friend"})
    assert Connection.objects.get(user=owner, contact=guest).circle == "friend"
    client.post(reverse("connection_remove", args=[guest.uuid]))
    assert not Connection.objects.exists()


def test_strangers_cannot_answer_or_withdraw_invitations(client, owner, guest, stranger):
    invitation = sharing_services.invitation_create(inviter=owner, email=guest.email)
    client.force_login(stranger)
    for name in ("invitation_accept", "invitation_decline", "invitation_cancel"):
        assert client.post(reverse(name, args=[invitation.public_id])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


# --- shared with me and overview -------------------------------------------------------


def test_shared_with_me_lists_albums_by_person(client, owner, guest):
    connect(owner, guest)
    make_album(owner, title="Beach", audience=Audience.FRIENDS)
    make_album(owner, title="Secret")
    client.force_login(guest)
    page = body(client.get(reverse("shared_with_me")))
    assert "Olivia Owner" in page and "Beach" in page and "Secret" not in page


def test_overview_shows_shares_and_make_private_needs_confirmation(client, owner, guest):
    connect(owner, guest)
    album = make_album(owner, title="Beach", audience=Audience.PUBLIC)
    sharing_services.album_member_add(user=owner, album=album, member=guest)
    sharing_services.share_link_create(
        user=owner,
        album=album,
        label="Grandma",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    client.force_login(owner)
    page = body(client.get(reverse("sharing_overview")))
    assert "Beach" in page and "Gabriel Guest" in page and "Grandma" in page

    confirm = client.get(reverse("sharing_make_private"))
    assert confirm.status_code == 200
    client.post(reverse("sharing_make_private"))  # no confirm field: nothing happens
    album.refresh_from_db()
    assert album.audience == Audience.PUBLIC

    client.post(reverse("sharing_make_private"), {"confirm": "yes"})
    album.refresh_from_db()
    assert album.audience == Audience.PRIVATE
    assert not AlbumMember.objects.exists()
    assert not ShareLink.objects.filter(revoked_at__isnull=True).exists()


# --- link pages -------------------------------------------------------------------------------


def test_link_landing_shows_the_album_read_only_and_counts_views(client, owner):
    album = make_album(owner, title="Harbour")
    photo = make_photo(owner, album=album)
    created = sharing_services.share_link_create(
        user=owner, album=album, expires_at=sharing_services.share_link_default_expiry()
    )
    response = client.get(created.path)
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex' in body(response)
    assert "Harbour" in body(response)
    assert "upload" not in body(response).lower()
    created.link.refresh_from_db()
    assert created.link.view_count == 1 and created.link.last_accessed_at is not None

    photo_page = client.get(reverse("share_link_photo", args=[created.token, photo.public_id]))
    assert photo_page.status_code == 200
    assert "Download original" not in body(photo_page)


def test_a_short_or_common_link_password_is_refused_with_a_message(client, owner):
    album = make_album(owner)
    client.force_login(owner)
    url = reverse("share_link_create", args=[album.public_id])

    short = client.post(url, {"label": "Grandma", "password": "sesame"}, follow=True)
    common = client.post(url, {"label": "Grandma", "password": "password123"}, follow=True)

    assert "at least 8 characters" in body(short)
    assert "This password is too common." in body(common)
    assert "Link created" not in body(short) + body(common)
    assert not ShareLink.objects.exists()


def test_overview_shows_the_owner_how_often_a_link_password_was_wrong(client, owner):
    album = make_album(owner, title="Locked")
    created = sharing_services.share_link_create(
        user=owner,
        album=album,
        label="Grandma",
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    sharing_services.share_link_create(
        user=owner,
        album=album,
        label="Uncle",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    visitor = Client()
    for _ in range(4):
        visitor.post(created.path, {"password": "wrong guess"})

    client.force_login(owner)
    page = body(client.get(reverse("sharing_overview")))

    assert "Wrong passwords" in page
    row = re.search(r"<tr><td>.*?Grandma.*?</tr>", page, re.S).group(0)
    assert re.search(r'<td class="wrong-passwords">\s*4\s*</td>', row)
    other = re.search(r"<tr><td>.*?Uncle.*?</tr>", page, re.S).group(0)
    assert re.search(r'<td class="wrong-passwords">\s*0\s*</td>', other)


def test_password_prompt_then_remembered_in_the_session(client, owner):
    album = make_album(owner, title="Locked")
    make_photo(owner, album=album)
    created = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    first = client.get(created.path)
    assert first.status_code == 200 and "Locked" not in body(first)
    wrong = client.post(created.path, {"password": "nope"})
    assert wrong.status_code == 403 and "Locked" not in body(wrong)
    right = client.post(created.path, {"password": "open sesame"})
    assert right.status_code == 302
    assert "Locked" in body(client.get(created.path))
    # A new password locks out sessions that knew the old one.
    sharing_services.share_link_update(user=owner, link=created.link, password="new secret")
    assert "Locked" not in body(client.get(created.path))


def test_password_guessing_is_stopped(client, owner):
    album = make_album(owner)
    created = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    for _ in range(visitor_services.LINK_PASSWORD_ATTEMPTS):
        client.post(created.path, {"password": "guess"})
    response = client.post(created.path, {"password": "open sesame"})
    assert response.status_code == 429


def test_behind_nginx_one_visitors_wrong_guesses_do_not_lock_out_another(owner, behind_nginx):
    album = make_album(owner, title="Locked")
    created = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    guesser = Client(**via_nginx("203.0.113.7"))
    for _ in range(visitor_services.LINK_PASSWORD_ATTEMPTS):
        assert guesser.post(created.path, {"password": "guess"}).status_code == 403

    recipient = Client(**via_nginx("198.51.100.4"))
    response = recipient.post(created.path, {"password": "open sesame"})

    assert response.status_code == 302
    assert "Locked" in body(recipient.get(created.path))
    assert guesser.post(created.path, {"password": "open sesame"}).status_code == 429


def test_behind_nginx_a_forged_forwarded_header_does_not_buy_more_guesses(owner, behind_nginx):
    album = make_album(owner)
    created = sharing_services.share_link_create(
        user=owner,
        album=album,
        password="open sesame",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    for i in range(visitor_services.LINK_PASSWORD_ATTEMPTS):
        guesser = Client(**via_nginx("203.0.113.7", forged=f"192.0.2.{i}"))
        guesser.post(created.path, {"password": "guess"})

    guesser = Client(**via_nginx("203.0.113.7", forged="192.0.2.99"))
    response = guesser.post(created.path, {"password": "open sesame"})

    assert response.status_code == 429


def test_link_photo_of_another_album_is_404(client, owner):
    album = make_album(owner)
    other = make_photo(owner, album=make_album(owner, title="Other"))
    created = sharing_services.share_link_create(
        user=owner, album=album, expires_at=sharing_services.share_link_default_expiry()
    )
    url = reverse("share_link_photo", args=[created.token, other.public_id])
    assert client.get(url).status_code == 404


def gps_jpeg() -> bytes:
    return jpeg_bytes(color=(10, 200, 30), located=True, quality=75)


def test_details_on_the_link_photo_page_follow_the_link_switches(client, owner):
    album = make_album(owner)
    photo = make_photo(owner, album=album)
    photo.camera_make, photo.camera_model = "Pixelmaker", "P7"
    photo.latitude, photo.longitude = 59.9139, 10.7522
    photo.save()
    hidden = sharing_services.share_link_create(
        user=owner, album=album, expires_at=sharing_services.share_link_default_expiry()
    )
    page = body(client.get(reverse("share_link_photo", args=[hidden.token, photo.public_id])))
    assert "Pixelmaker" not in page and "59.9139" not in page
    shown = sharing_services.share_link_create(
        user=owner,
        album=album,
        share_camera=True,
        share_location=True,
        expires_at=sharing_services.share_link_default_expiry(),
    )
    page = body(client.get(reverse("share_link_photo", args=[shown.token, photo.public_id])))
    assert "Pixelmaker" in page and "59.9139" in page


# --- public albums are never indexed ------------------------------------------------------


def test_public_album_pages_and_media_say_noindex(client, owner, stranger):
    album = make_album(owner, title="Open", audience=Audience.PUBLIC)
    photo = make_photo(owner, album=album)
    client.force_login(stranger)
    for url in (
        reverse("album_detail", args=[album.public_id]),
        reverse("photo_detail", args=[photo.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in body(response)
    api = client.get(reverse("api_album_detail", args=[album.public_id]))
    assert api["X-Robots-Tag"] == "noindex, nofollow"


def test_front_page_stays_indexable(client):
    response = client.get("/")
    assert "X-Robots-Tag" not in response
    assert 'name="robots"' not in body(response)


def test_photo_page_shows_camera_and_place_only_when_the_album_shares_them(client, owner, guest):
    connect(owner, guest)
    album = make_album(owner, audience=Audience.FRIENDS)
    photo = make_photo(owner, album=album)
    photo.camera_make, photo.camera_model = "Pixelmaker", "P7"
    photo.latitude, photo.longitude = 59.9139, 10.7522
    photo.save()
    client.force_login(guest)
    url = reverse("photo_detail", args=[photo.public_id]) + f"?album={album.public_id}"
    page = body(client.get(url))
    assert "Pixelmaker" not in page and "59.9139" not in page and "IMG_0001" not in page
    sharing_services.album_sharing_update(user=owner, album=album, share_camera=True)
    page = body(client.get(url))
    assert "Pixelmaker" in page and "59.9139" not in page


# --- public albums for visitors without an account -----------------------------------------


def test_public_album_page_for_visitors_without_an_account(client, owner):
    album = make_album(owner, title="Open house", audience=Audience.PUBLIC)
    photo = make_photo(owner, album=album)
    address = reverse("public_album", args=[album.public_address])
    page = client.get(address)
    assert page.status_code == 200
    assert "Open house" in body(page)
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    start = body(page).index('src="/media/') + len('src="')
    thumb = body(page)[start : body(page).index('"', start)]
    assert client.get(thumb).status_code == 200
    photo_url = reverse("public_photo", args=[album.public_address, photo.public_id])
    assert client.get(photo_url).status_code == 200
    assert "Download original" not in body(client.get(photo_url))

    # Back to private: the page and the media URL already handed out are gone at once.
    sharing_services.album_sharing_update(user=owner, album=album, audience=Audience.PRIVATE)
    assert client.get(address).status_code == 404
    assert client.get(photo_url).status_code == 404
    assert client.get(thumb).status_code == 404


def test_public_pages_of_non_public_albums_look_like_missing_ones(client, owner):
    import uuid

    hidden = make_album(owner, audience=Audience.FRIENDS)
    responses = [
        client.get(reverse("public_album", args=[hidden.public_id])),
        client.get(reverse("public_album", args=[uuid.uuid4()])),
    ]
    assert [r.status_code for r in responses] == [404, 404]
    assert responses[0].content == responses[1].content


def test_signed_in_visitors_of_a_public_page_get_the_full_album_page(client, owner, stranger):
    album = make_album(owner, audience=Audience.PUBLIC)
    client.force_login(stranger)
    response = client.get(reverse("public_album", args=[album.public_address]))
    assert response.status_code == 302
    assert response["Location"] == reverse("album_detail", args=[album.public_id])


def test_share_dialog_offers_the_public_address_only_for_public_albums(client, owner):
    album = make_album(owner)
    client.force_login(owner)
    share_page = reverse("album_share", args=[album.public_id])
    assert "/p/" not in body(client.get(share_page))
    sharing_services.album_sharing_update(user=owner, album=album, audience=Audience.PUBLIC)
    album.refresh_from_db()
    public_url = f"http://testserver{reverse('public_album', args=[album.public_address])}"
    assert public_url in body(client.get(share_page))


def test_shared_with_me_points_at_waiting_invitations(client, owner, make_user):
    sharing_services.invitation_create(inviter=owner, email="newcomer@example.com")
    newcomer = make_user("newcomer@example.com")
    client.force_login(newcomer)
    page = body(client.get(reverse("shared_with_me")))
    assert "1 invitation to connect" in page
    assert reverse("sharing_connections") in page


def test_photos_still_processing_wait_before_showing_on_link_pages(client, owner):
    from gallery.models import Photo

    album = make_album(owner, title="Fresh")
    photo = make_photo(owner, album=album)
    Photo.objects.filter(pk=photo.pk).update(status=Photo.Status.PENDING)
    created = sharing_services.share_link_create(
        user=owner, album=album, expires_at=sharing_services.share_link_default_expiry()
    )
    page = client.get(created.path)
    assert "0 photos" in body(page)
    url = reverse("share_link_photo", args=[created.token, photo.public_id])
    assert client.get(url).status_code == 404


def test_contributor_uploads_through_the_plain_form_into_a_shared_album(client, owner, guest):
    from gallery.models import Photo
    from gallery.tests.factories import jpeg_upload

    connect(owner, guest)
    album = make_album(owner, title="Trip")
    sharing_services.album_member_add(
        user=owner, album=album, member=guest, role=AlbumMember.Role.CONTRIBUTOR
    )
    client.force_login(guest)
    detail = body(client.get(reverse("album_detail", args=[album.public_id])))
    assert "Add photos" in detail and "shared by Olivia Owner" in detail
    form = client.get(reverse("upload") + f"?album={album.public_id}")
    assert f'value="{album.public_id}" selected' in body(form)
    response = client.post(
        reverse("upload"), {"album": str(album.public_id), "file": jpeg_upload()}
    )
    assert response.status_code == 302
    photo = Photo.objects.get(albums=album)
    assert photo.owner == guest  # the contributor's own photo, in the owner's album
    client.force_login(owner)
    assert client.get(reverse("photo_detail", args=[photo.public_id])).status_code == 200


# --- what the sharing forms read, and what they say about bad input ------------------------


def said(response) -> list[str]:
    """The messages a sharing action left for the page it redirected to (shown there once)."""
    assert response.status_code == 302, response.status_code
    page = response.client.get(response["Location"])
    return [str(m) for m in page.context["messages"]]


@pytest.fixture
def shared(client, owner, guest):
    """Olivia's album, Gabriel named on it as a viewer, Olivia signed in."""
    connect(owner, guest)
    album = make_album(owner, title="Summer")
    sharing_services.album_member_add(user=owner, album=album, member=guest)
    client.force_login(owner)
    return album


def test_member_forms_say_what_is_wrong_and_change_nothing(client, owner, guest, stranger, shared):
    add = reverse("album_member_add", args=[shared.public_id])
    update = reverse("album_member_update", args=[shared.public_id, guest.uuid])
    membership = AlbumMember.objects.get(album=shared, user=guest)

    response = client.post(update, {"role": "contributor", "until": "03/12/2099"})
    assert response.status_code == 302
    assert said(response) == ["Enter the date as YYYY-MM-DD."]
    response = client.post(update, {"role": "boss"})
    assert said(response) == ["Choose viewer or contributor."]
    membership.refresh_from_db()
    assert (membership.role, membership.until) == (AlbumMember.Role.VIEWER, None)

    connect(owner, stranger)
    for data in (
        {"user": str(stranger.uuid), "until": "next week"},
        {"user": str(stranger.uuid), "role": "boss"},
        {"user": "not-a-uuid"},
        {"user": ""},
    ):
        response = client.post(add, data)
        assert response.status_code == 302
        assert len(said(response)) == 1, data
    assert said(client.post(add, {"user": "not-a-uuid"})) == [
        "You can share only with people you are connected to."
    ]
    assert not AlbumMember.objects.filter(album=shared, user=stranger).exists()


def test_member_update_keeps_the_role_when_none_is_sent_and_an_empty_day_ends_nothing(
    client, guest, shared
):
    update = reverse("album_member_update", args=[shared.public_id, guest.uuid])
    day = timezone.localdate() + timedelta(days=2)
    assert said(client.post(update, {"role": "contributor", "until": day.isoformat()})) == [
        f"Updated {guest}."
    ]
    membership = AlbumMember.objects.get(album=shared, user=guest)
    # "Until" a day means to the end of it, in the site's time zone.
    end = timezone.localtime(membership.until)
    assert (end.date(), end.hour, end.minute) == (day + timedelta(days=1), 0, 0)

    assert said(client.post(update, {"role": "", "until": ""})) == [f"Updated {guest}."]
    membership.refresh_from_db()
    assert (membership.role, membership.until) == (AlbumMember.Role.CONTRIBUTOR, None)


def test_new_member_is_a_viewer_unless_a_role_is_chosen(client, owner, stranger, shared):
    connect(owner, stranger)
    client.post(reverse("album_member_add", args=[shared.public_id]), {"user": str(stranger.uuid)})
    assert AlbumMember.objects.get(album=shared, user=stranger).role == AlbumMember.Role.VIEWER


def test_audience_form_refuses_an_unknown_audience_and_reads_unticked_boxes_as_off(client, shared):
    url = reverse("album_share_audience", args=[shared.public_id])
    response = client.post(url, {"audience": "everyone", "share_camera": "on"})
    assert said(response) == ["Choose private, family, friends or public."]
    shared.refresh_from_db()
    assert (shared.audience, shared.share_camera) == (Audience.PRIVATE, False)

    client.post(url, {"share_camera": "on", "share_location": "on"})
    client.post(url, {"share_location": "on"})  # no audience sent: the audience stays
    shared.refresh_from_db()
    assert (shared.audience, shared.share_camera, shared.share_location) == (
        Audience.PRIVATE,
        False,
        True,
    )


def test_link_form_reads_its_expiry_day_never_or_the_default(client, shared):
    url = reverse("share_link_create", args=[shared.public_id])
    for data, message in (
        ({"expires": "2099-13-01"}, "Enter the date as YYYY-MM-DD."),
        ({"expires": "2001-01-01"}, "Choose a moment in the future."),
        (
            {"password": "short"},
            "This password is too short. It must contain at least 8 characters.",
        ),
    ):
        assert said(client.post(url, data)) == [message], data
    assert not ShareLink.objects.exists()

    day = timezone.localdate() + timedelta(days=5)
    client.post(url, {"label": " dated ", "expires": day.isoformat(), "allow_download": "on"})
    # Whatever the day box holds, "never expires" wins.
    client.post(url, {"label": "forever", "expires": "soon", "never_expires": "on"})
    client.post(url, {"label": "default", "password": " open sesame "})
    dated, forever, default = (
        ShareLink.objects.get(label=x) for x in ("dated", "forever", "default")
    )
    assert timezone.localtime(dated.expires_at).date() == day + timedelta(days=1)
    assert dated.allow_download and not dated.share_camera
    assert forever.expires_at is None
    assert abs((default.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    # Passwords are taken as typed, spaces included.
    assert visitor_services.share_link_check_password(
        link=default, password=" open sesame ", client="192.0.2.1"
    )


def test_share_dialog_offers_the_default_expiry_day(client, shared):
    page = body(client.get(reverse("album_share", args=[shared.public_id])))
    day = timezone.localdate(sharing_services.share_link_default_expiry())
    assert f'name="expires" value="{day.isoformat()}"' in page


def test_circle_forms_default_to_friend_except_when_moving_a_connection(
    client, owner, guest, stranger
):
    client.force_login(owner)
    response = client.post(reverse("connection_invite"), {"email": "sam@example.org"})
    assert said(response) == ["Invitation sent to sam@example.org."]
    assert Invitation.objects.get(email="sam@example.org").circle == Circle.FRIEND
    response = client.post(
        reverse("connection_invite"), {"email": "kim@example.org", "circle": "enemy"}
    )
    assert said(response) == ["Choose family or friend."]
    assert said(client.post(reverse("connection_invite"), {"email": "nope"})) == [
        "Enter a valid email address."
    ]

    connect(owner, guest, circle=Circle.FAMILY)
    move = reverse("connection_update", args=[guest.uuid])
    assert said(client.post(move, {})) == ["Choose family or friend."]
    assert Connection.objects.get(user=owner, contact=guest).circle == Circle.FAMILY


def test_remove_and_revoke_return_to_the_overview_only_when_asked(client, owner, guest, shared):
    link = sharing_services.share_link_create(
        user=owner, album=shared, expires_at=sharing_services.share_link_default_expiry()
    ).link
    revoke = reverse("share_link_revoke", args=[link.public_id])
    assert client.post(revoke, {"next": "/elsewhere/"})["Location"] == reverse(
        "album_share", args=[shared.public_id]
    )
    assert client.post(revoke, {"next": "overview"})["Location"] == reverse("sharing_overview")
    remove = reverse("album_member_remove", args=[shared.public_id, guest.uuid])
    assert client.post(remove, {"next": "overview"})["Location"] == reverse("sharing_overview")


def test_make_private_goes_ahead_only_on_the_pages_own_yes(client, owner, shared):
    url = reverse("sharing_make_private")
    assert client.post(url, {"confirm": "no"}).status_code == 200
    assert AlbumMember.objects.filter(album=shared).exists()
    assert client.post(url, {"confirm": "yes"})["Location"] == reverse("sharing_overview")
    assert not AlbumMember.objects.filter(album=shared).exists()


def test_shared_with_me_shows_cards_with_covers_grouped_by_person(client, owner, guest):
    """'Shared with me' was a text list (issue 16): each album is a card with its cover."""
    from gallery.models import AlbumMember
    from gallery.tests.factories import make_album, make_photo

    album = make_album(owner, title="Garden party")
    AlbumMember.objects.create(album=album, user=guest)
    photo = make_photo(owner, album=album)
    client.force_login(guest)
    html = client.get("/shared/").content.decode()
    card = html.split('class="album-card"', 1)[1].split("</a>", 1)[0]
    assert "Garden party" in card and "1 photo" in card
    assert 'class="album-cover" src="/media/' in card
    cover = card.split('src="', 1)[1].split('"', 1)[0]
    assert client.get(cover).status_code == 200
    assert str(photo.public_id.hex) in cover


# --- public addresses that change (issue 18) --------------------------------------------------


def test_a_public_album_lives_at_a_random_address_not_its_id(client, owner):
    album = make_album(owner, title="Open house")
    sharing_services.album_sharing_update(user=owner, album=album, audience=Audience.PUBLIC)
    album.refresh_from_db()
    assert album.public_address is not None and album.public_address != album.public_id
    assert client.get(reverse("public_album", args=[album.public_address])).status_code == 200
    assert client.get(reverse("public_album", args=[album.public_id])).status_code == 404


def test_public_again_means_a_new_address_and_the_old_one_stays_gone(client, owner):
    album = make_album(owner)
    sharing_services.album_sharing_update(user=owner, album=album, audience=Audience.PUBLIC)
    album.refresh_from_db()
    first = reverse("public_album", args=[album.public_address])
    sharing_services.album_sharing_update(user=owner, album=album, audience=Audience.PRIVATE)
    sharing_services.album_sharing_update(user=owner, album=album, audience=Audience.PUBLIC)
    # Saving other settings of a public album keeps its address.
    sharing_services.album_sharing_update(user=owner, album=album, audience=Audience.PUBLIC)
    sharing_services.album_sharing_update(user=owner, album=album, share_camera=True)
    album.refresh_from_db()
    second = reverse("public_album", args=[album.public_address])
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_changing_the_address_cuts_off_the_old_one_at_once(client, owner, stranger):
    album = make_album(owner, title="Open house", audience=Audience.PUBLIC)
    photo = make_photo(owner, album=album)
    old_page = reverse("public_album", args=[album.public_address])
    old_photo = reverse("public_photo", args=[album.public_address, photo.public_id])
    old_thumb = media.media_url(photo=photo, variant="thumb", anyone=True, album=album)
    assert [client.get(url).status_code for url in (old_page, old_photo, old_thumb)] == [200] * 3

    owner_client = Client()
    owner_client.force_login(owner)
    share_page = reverse("album_share", args=[album.public_id])
    assert "Change address" in body(owner_client.get(share_page))
    done = owner_client.post(
        reverse("album_public_address_change", args=[album.public_id]), follow=True
    )
    assert "new public address" in body(done)
    album.refresh_from_db()
    new_page = reverse("public_album", args=[album.public_address])
    assert new_page != old_page and new_page in body(done)
    assert [client.get(url).status_code for url in (old_page, old_photo, old_thumb)] == [404] * 3
    assert client.get(new_page).status_code == 200

    # Nobody but the owner can change it; a stranger learns nothing of the album.
    other = Client()
    other.force_login(stranger)
    url = reverse("album_public_address_change", args=[album.public_id])
    assert other.post(url).status_code == 404
    album.refresh_from_db()
    assert reverse("public_album", args=[album.public_address]) == new_page


def test_the_api_gives_and_changes_the_public_path(owner, stranger):
    from gallery.tests.test_api import Api

    album = make_album(owner, audience=Audience.PUBLIC)
    api = Api(owner)
    before = api.get(f"/api/albums/{album.public_id}/sharing/").json()["public_path"]
    assert before == reverse("public_album", args=[album.public_address])
    changed = api.post(f"/api/albums/{album.public_id}/sharing/public-address/")
    assert changed.status_code == 200
    after = changed.json()["public_path"]
    assert after.startswith("/p/") and after != before
    assert Client().get(before).status_code == 404 and Client().get(after).status_code == 200
    assert (
        Api(stranger).post(f"/api/albums/{album.public_id}/sharing/public-address/").status_code
        == 404
    )
    private = make_album(owner)
    refused = api.post(f"/api/albums/{private.public_id}/sharing/public-address/")
    assert refused.status_code == 400 and "not public" in refused.content.decode()
    assert api.get(f"/api/albums/{private.public_id}/sharing/").json()["public_path"] is None
