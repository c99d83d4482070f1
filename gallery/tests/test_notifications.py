"""Notifications (issue 18): the bell and email for comments, replies, shares, accepted
invitations and new photos (batched: twenty uploads, one email); each person chooses per
kind; one-click unsubscribe without signing in, for its recipient alone; and nothing
about an album its recipient can no longer see."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery.models import AlbumMember, Audience, Circle, Notification, NotificationSetting
from gallery.services import comments as comment_services
from gallery.services import notifications as notification_services
from gallery.services import sharing as sharing_services
from gallery.services.albums import album_add_photos
from gallery.tests.factories import connect, make_album, make_photo
from gallery.tests.test_api import Api

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture
def family(owner, guest, django_capture_on_commit_callbacks):
    """Olivia's album shared with Gabriel by name (the email of it sent and cleared)."""
    connect(owner, guest)
    album = make_album(owner, title="Wedding")
    photo = make_photo(owner, album=album)
    with django_capture_on_commit_callbacks(execute=True):
        sharing_services.album_member_add(
            user=owner, album=album, member=guest, role=AlbumMember.Role.CONTRIBUTOR
        )
    mail.outbox.clear()
    return album, photo


def texts(user) -> list[str]:
    return [item["text"] for item in Api(user).get("/api/notifications/").json()["results"]]


def test_sharing_an_album_tells_the_person_in_the_bell_and_by_email(
    owner, guest, django_capture_on_commit_callbacks
):
    connect(owner, guest)
    album = make_album(owner, title="Wedding")
    with django_capture_on_commit_callbacks(execute=True):
        sharing_services.album_member_add(user=owner, album=album, member=guest)
    assert texts(guest) == ["Olivia Owner shared the album “Wedding” with you: you can see it."]
    [email] = mail.outbox
    assert email.to == ["gabriel@example.com"] and "Wedding" in email.subject
    unsubscribe = email.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/notifications/unsubscribe/" in unsubscribe
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/settings/" in email.body
    assert texts(owner) == []  # nothing for whoever did it


def test_a_comment_tells_the_photos_owner_and_a_reply_the_earlier_commenters(
    owner, guest, make_user, family, django_capture_on_commit_callbacks
):
    album, photo = family
    cousin = make_user("cousin@example.com", display_name="Cousin Carl")
    AlbumMember.objects.create(album=album, user=cousin)
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_add(user=guest, album=album, photo=photo, body="Lovely")
        comment_services.comment_add(user=cousin, album=album, photo=photo, body="Agreed")
    assert texts(owner)[:2] == [
        "Cousin Carl commented on your photo in “Wedding”.",
        "Gabriel Guest commented on your photo in “Wedding”.",
    ]
    assert texts(guest)[0] == "Cousin Carl replied where you commented in “Wedding”."
    assert texts(cousin) == []
    # Comments email the owner by default; replies stay in the bell.
    assert sorted(e.to[0] for e in mail.outbox) == ["olivia@example.com"] * 2
    url = Api(owner).get("/api/notifications/").json()["results"][0]["url"]
    assert url.endswith(f"?album={album.public_id}#comments")


def test_twenty_uploads_make_one_notification_and_one_email(
    owner, guest, family, django_capture_on_commit_callbacks
):
    album, _ = family
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(20):
            album_add_photos(user=guest, album=album, photos=[make_photo(guest)])
    assert texts(owner) == ["Gabriel Guest added 20 photos to “Wedding”."]
    assert mail.outbox == []  # the digest sends it, once the burst is over
    soon = timezone.now() + timedelta(minutes=11)
    assert notification_services.digest_send(now=soon) == 1
    assert notification_services.digest_send(now=soon) == 0
    [email] = mail.outbox
    assert email.to == ["olivia@example.com"] and "20 photos" in email.subject
    # More within the hour join the same (already sent) notification: no second email.
    album_add_photos(user=guest, album=album, photos=[make_photo(guest)])
    assert texts(owner) == ["Gabriel Guest added 21 photos to “Wedding”."]
    assert notification_services.digest_send(now=soon + timedelta(minutes=20)) == 0
    # After the hour, a new one.
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=2))
    album_add_photos(user=guest, album=album, photos=[make_photo(guest)])
    assert len(texts(owner)) == 2


def test_new_photos_reach_the_circle_an_album_is_shared_with(owner, guest, make_user):
    sister = make_user("sister@example.com", display_name="Sister")
    connect(owner, sister, circle=Circle.FAMILY)
    friend = make_user("friend@example.com")
    connect(owner, friend)
    album = make_album(owner, title="Us", audience=Audience.FAMILY)
    album_add_photos(user=owner, album=album, photos=[make_photo(owner)])
    assert texts(sister) == ["Olivia Owner added 1 photo to “Us”."]
    assert texts(friend) == [] and texts(owner) == []


def test_nothing_after_access_ended(owner, guest, family):
    album, photo = family
    assert texts(guest)  # "shared with you"
    AlbumMember.objects.filter(user=guest).delete()
    assert texts(guest) == []
    page = Client()
    page.force_login(guest)
    assert "has-unread" not in page.get(reverse("home")).content.decode()
    album_add_photos(user=owner, album=album, photos=[make_photo(owner)])
    comment_services.comment_add(user=owner, album=album, photo=photo, body="x")
    assert not Notification.objects.filter(recipient=guest, kind=Kind.PHOTOS).exists()


def test_each_kind_can_be_email_in_app_only_or_off(owner, guest, family):
    album, photo = family
    api = Api(owner)
    answer = api.json("patch", "/api/notifications/settings/", {"settings": {"comment": "off"}})
    assert answer.status_code == 200
    assert {row["kind"]: row["channel"] for row in answer.json()}["comment"] == "off"
    comment_services.comment_add(user=guest, album=album, photo=photo, body="Lovely")
    assert texts(owner) == []
    bad = api.json("patch", "/api/notifications/settings/", {"settings": {"comment": "loud"}})
    assert bad.status_code == 400


def test_one_click_unsubscribe_works_without_signing_in_for_its_recipient_only(
    owner, guest, family, django_capture_on_commit_callbacks
):
    album, photo = family
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_add(user=guest, album=album, photo=photo, body="Lovely")
    [email] = mail.outbox
    url = email.extra_headers["List-Unsubscribe"].strip("<>")
    path = url.split("://", 1)[1].split("/", 1)[1]
    anonymous = Client(enforce_csrf_checks=True)
    assert "Stop these emails" in anonymous.get(f"/{path}").content.decode()
    done = anonymous.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert NotificationSetting.objects.get(user=owner, kind=Kind.COMMENT).channel == "app"
    assert not NotificationSetting.objects.filter(user=guest).exists()
    # A token altered by one character names nobody.
    forged = f"/{path[:-3]}{'A' if path[-3] != 'A' else 'B'}{path[-2:]}"
    assert anonymous.post(forged).status_code == 404
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_add(user=guest, album=album, photo=photo, body="Again")
    assert mail.outbox == [] and len(texts(owner)) == 2  # still in the bell


def test_an_accepted_invitation_tells_the_inviter(owner, guest, django_capture_on_commit_callbacks):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=guest, email=guest.email, defaults={"verified": True, "primary": True}
    )
    invitation = sharing_services.invitation_create(inviter=owner, email=guest.email)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sharing_services.invitation_accept(user=guest, invitation=invitation)
    assert texts(owner) == ["Gabriel Guest accepted your invitation; you are connected now."]
    assert [e.to for e in mail.outbox] == [["olivia@example.com"]]


def test_the_bell_counts_and_the_list_marks_read(owner, guest, family):
    album, photo = family
    comment_services.comment_add(user=guest, album=album, photo=photo, body="<b>hi</b>")
    page = Client()
    page.force_login(owner)
    home = page.get(reverse("home")).content.decode()
    assert 'aria-label="Notifications, 1 unread"' in home
    listed = page.get(reverse("notifications")).content.decode()
    assert "Gabriel Guest commented on your photo in “Wedding”." in listed
    assert 'aria-label="Notifications"' in page.get(reverse("home")).content.decode()
    assert Api(owner).get("/api/notifications/").json()["unread"] == 0


def test_an_album_title_is_escaped_in_the_list(owner, guest):
    connect(owner, guest)
    album = make_album(owner, title="<img src=x onerror=alert(1)>")
    sharing_services.album_member_add(user=owner, album=album, member=guest)
    page = Client()
    page.force_login(guest)
    html = page.get(reverse("notifications")).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_nobody_reads_or_marks_anyone_elses_notifications(owner, guest, stranger, family):
    album, photo = family
    comment_services.comment_add(user=guest, album=album, photo=photo, body="Lovely")
    ids = list(Notification.objects.filter(recipient=owner).values_list("pk", flat=True))
    answer = Api(stranger).json("post", "/api/notifications/read/", {"ids": ids})
    assert answer.status_code == 200 and answer.json() == {"marked": 0}
    assert Api(stranger).get("/api/notifications/").json() == {"unread": 0, "results": []}
    assert Api(owner).get("/api/notifications/").json()["unread"] == 1
