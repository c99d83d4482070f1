"""Comments, reactions and an album's activity (issue 18): for the people an album is shared
with, inside that album only, escaped everywhere, limited in time, deleted by their author
or the album's owner, and gone for anyone whose access ended."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery.models import AlbumEntry, AlbumMember, Audience, Comment, Reaction
from gallery.selectors.comments import album_activity
from gallery.services import comments as comment_services
from gallery.tests.factories import connect, make_album, make_photo
from gallery.tests.test_api import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(owner, guest):
    album = make_album(owner, title="Wedding")
    photo = make_photo(owner, album=album)
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.VIEWER)
    return album, photo


def comments_url(album, photo=None):
    if photo is None:
        return reverse("api_album_comments", args=[album.public_id])
    return reverse("api_photo_comments", args=[album.public_id, photo.public_id])


def test_a_member_comments_and_the_owner_reads_and_deletes(owner, guest, shared):
    album, photo = shared
    posted = Api(guest).post(
        comments_url(album, photo), {"body": "  Lovely!  "}, content_type="application/json"
    )
    assert posted.status_code == 201
    body = posted.json()
    assert body["body"] == "Lovely!" and body["mine"] is True and body["can_delete"] is True
    assert body["photo"] == str(photo.public_id)

    [seen] = Api(owner).get(comments_url(album, photo)).json()
    assert seen["author"] == "Gabriel Guest" and seen["mine"] is False and seen["can_delete"]
    assert Api(owner).get(comments_url(album)).json() == []  # not a comment on the album

    assert Api(owner).delete(reverse("api_comment", args=[seen["id"]])).status_code == 204
    assert not Comment.objects.exists()


def test_only_the_author_or_the_album_owner_deletes(owner, guest, make_user, shared):
    album, photo = shared
    cousin = make_user("cousin@example.com")
    AlbumMember.objects.create(album=album, user=cousin, role=AlbumMember.Role.VIEWER)
    comment = comment_services.comment_add(user=guest, album=album, photo=photo, body="Hi")
    url = reverse("api_comment", args=[comment.public_id])
    assert Api(cousin).delete(url).status_code == 404
    assert Api(guest).delete(url).status_code == 204


def test_a_stranger_and_a_removed_member_get_404_on_all_of_it(owner, guest, stranger, shared):
    album, photo = shared
    comment = comment_services.comment_add(user=guest, album=album, photo=photo, body="Hi")
    urls = [
        comments_url(album),
        comments_url(album, photo),
        reverse("api_album_reactions", args=[album.public_id]),
        reverse("api_photo_reactions", args=[album.public_id, photo.public_id]),
        reverse("api_album_activity", args=[album.public_id]),
    ]
    for person in (stranger, guest):
        if person == guest:
            AlbumMember.objects.filter(user=guest).delete()  # removed mid-thread
        api = Api(person)
        assert [api.get(url).status_code for url in urls] == [404] * 5
        assert (
            api.post(comments_url(album, photo), {"body": "x"}, content_type="application/json")
        ).status_code == 404
        assert api.delete(reverse("api_comment", args=[comment.public_id])).status_code == 404
    assert Comment.objects.count() == 1  # the owner's to remove now


def test_a_public_albums_stranger_reads_but_may_not_write(owner, stranger):
    album = make_album(owner, audience=Audience.PUBLIC)
    photo = make_photo(owner, album=album)
    comment_services.comment_add(user=owner, album=album, photo=photo, body="Welcome")
    api = Api(stranger)
    assert [c["body"] for c in api.get(comments_url(album, photo)).json()] == ["Welcome"]
    refused = api.post(
        comments_url(album, photo), {"body": "spam"}, content_type="application/json"
    )
    assert refused.status_code == 403 and "shared with" in refused.json()["detail"]
    url = reverse("api_photo_reactions", args=[album.public_id, photo.public_id])
    assert api.json("put", url, {"kind": "heart"}).status_code == 403


def test_comments_belong_to_the_album_they_were_made_in(owner, guest, make_user):
    """The same photo in a family album and a friends album: each has its own thread."""
    sister = make_user("sister@example.com")
    connect(owner, sister)
    family = make_album(owner, title="Family", audience=Audience.FAMILY)
    friends = make_album(owner, title="Friends")
    photo = make_photo(owner, album=family)
    AlbumEntry.objects.create(album=friends, photo=photo, added_by=owner)
    AlbumMember.objects.create(album=friends, user=guest)
    comment_services.comment_add(user=guest, album=friends, photo=photo, body="From a friend")
    assert Api(guest).get(comments_url(family, photo)).status_code == 404
    assert [c["body"] for c in Api(owner).get(comments_url(family, photo)).json()] == []
    # Taken out of the album: its comments there are gone with it.
    AlbumEntry.objects.filter(album=friends, photo=photo).delete()
    assert Api(guest).get(comments_url(friends, photo)).status_code == 404


def test_text_is_kept_as_typed_and_escaped_on_the_page(owner, guest, shared):
    album, photo = shared
    nasty = '<script>alert("x")</script>\nline two'
    comment_services.comment_add(user=guest, album=album, photo=photo, body=nasty)
    assert Api(owner).get(comments_url(album, photo)).json()[0]["body"] == nasty
    page = Client()
    page.force_login(owner)
    html = page.get(
        reverse("photo_detail", args=[photo.public_id]) + f"?album={album.public_id}"
    ).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>line two" in html


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write something"), ("x" * 2001, "under 2000"), ("a\x00b", "not allowed")],
)
def test_bad_text_is_refused_with_a_reason(guest, shared, body, message):
    album, photo = shared
    answer = Api(guest).post(
        comments_url(album, photo), {"body": body}, content_type="application/json"
    )
    assert answer.status_code == 400 and message in answer.content.decode()
    assert not Comment.objects.exists()


def test_comments_are_limited_per_person(guest, shared):
    album, photo = shared
    for n in range(comment_services.COMMENTS_PER_WINDOW):
        comment_services.comment_add(user=guest, album=album, photo=photo, body=f"#{n}")
    answer = Api(guest).post(
        comments_url(album, photo), {"body": "one more"}, content_type="application/json"
    )
    assert answer.status_code == 429 and answer.json()["code"] == "too_many_comments"
    assert Comment.objects.count() == comment_services.COMMENTS_PER_WINDOW


def test_reactions_one_each_changed_and_taken_back(owner, guest, shared):
    album, photo = shared
    url = reverse("api_photo_reactions", args=[album.public_id, photo.public_id])
    assert Api(guest).json("put", url, {"kind": "heart"}).json()["mine"] == "heart"
    both = Api(owner).json("put", url, {"kind": "heart"}).json()
    assert both["counts"]["heart"] == 2 and both["counts"]["laugh"] == 0
    changed = Api(guest).json("put", url, {"kind": "laugh"}).json()
    assert changed["counts"] == {"heart": 1, "laugh": 1, "wow": 0, "sad": 0, "clap": 0}
    assert Api(guest).json("put", url, {"kind": "shrug"}).status_code == 400
    gone = Api(guest).delete(url).json()
    assert gone["mine"] is None and gone["counts"]["laugh"] == 0
    assert Reaction.objects.count() == 1
    # On the album as a whole, separately.
    album_url = reverse("api_album_reactions", args=[album.public_id])
    assert Api(guest).json("put", album_url, {"kind": "clap"}).json()["counts"]["clap"] == 1
    assert Api(guest).get(url).json()["counts"]["clap"] == 0


def test_the_activity_batches_an_hour_of_uploads_into_one_line(owner, guest, shared):
    album, _ = shared
    AlbumMember.objects.filter(user=guest).update(role=AlbumMember.Role.CONTRIBUTOR)
    start = timezone.now() - timedelta(hours=3)
    for n in range(20):
        photo = make_photo(guest)
        AlbumEntry.objects.create(
            album=album, photo=photo, added_by=guest, added_at=start + timedelta(minutes=n)
        )
    comment_services.comment_add(user=owner, album=album, body="Thank you all!")
    items = album_activity(user=owner, album=album)
    assert [(item.kind, item.who, item.count) for item in items] == [
        ("comment", "Olivia Owner", 0),
        ("added", "Olivia Owner", 1),  # the fixture's photo, just now
        ("added", "Gabriel Guest", 20),  # one line for twenty photos in twenty minutes
    ]
    feed = Api(guest).get(reverse("api_album_activity", args=[album.public_id])).json()
    assert feed[0]["body"] == "Thank you all!" and feed[2]["count"] == 20
    assert len(feed[2]["photos"]) == 6


def test_the_pages_post_a_comment_and_toggle_a_reaction(owner, guest, shared):
    album, photo = shared
    page = Client()
    page.force_login(guest)
    detail = reverse("photo_detail", args=[photo.public_id]) + f"?album={album.public_id}"
    html = page.get(detail).content.decode()
    assert "No comments yet" in html and 'name="body"' in html
    done = page.post(
        reverse("comment_add", args=[album.public_id]),
        {"body": "So happy for you", "photo": str(photo.public_id), "next": detail},
        follow=True,
    )
    assert "So happy for you" in done.content.decode()
    react = reverse("reaction_set", args=[album.public_id])
    page.post(react, {"kind": "heart", "photo": str(photo.public_id)})
    assert Reaction.objects.get(user=guest).kind == "heart"
    page.post(react, {"kind": "heart", "photo": str(photo.public_id)})  # the same: taken back
    assert not Reaction.objects.exists()
    album_page = page.get(reverse("album_detail", args=[album.public_id])).content.decode()
    assert "Activity" in album_page and "So happy for you" in album_page


def test_link_holders_read_comments_only_when_the_link_shows_them(owner, guest, shared):
    from gallery.services import sharing as sharing_services
    from gallery.tests.factories import make_link

    album, photo = shared
    comment_services.comment_add(user=guest, album=album, photo=photo, body="<i>Lovely</i>")
    quiet = make_link(owner, album)
    talking = make_link(owner, album, show_comments=True)

    def page(created) -> str:
        url = reverse("share_link_photo", args=[created.token, photo.public_id])
        response = Client().get(url)
        assert response.status_code == 200
        return response.content.decode()

    assert "<i>Lovely" not in page(quiet) and "&lt;i&gt;Lovely" not in page(quiet)
    shown = page(talking)
    assert "&lt;i&gt;Lovely&lt;/i&gt;" in shown and "Gabriel Guest" in shown
    assert guest.email not in shown  # names, never addresses
    assert 'name="body"' not in shown  # reading only
    # Switched off again: gone from the next request.
    sharing_services.share_link_update(user=owner, link=talking.link, show_comments=False)
    assert "Lovely" not in page(talking)
    answer = Api(owner).get(reverse("api_album_links", args=[album.public_id])).json()
    assert {item["show_comments"] for item in answer} == {False}
