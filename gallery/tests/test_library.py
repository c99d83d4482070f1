"""The library: one photo in many albums, adding without uploading, removing entries,
favorites, archive, "show in my timeline", search and actions on a selection, through
the JSON API with a second and third person."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gallery import media
from gallery.models import AlbumMember, Audience, Circle, Photo
from gallery.services import sharing as sharing_services
from gallery.tests.factories import connect, jpeg_upload, make_album, make_photo, media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def as_person(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def bulk(client, action, photos, album=None):
    body = {"action": action, "ids": [str(p.public_id) for p in photos]}
    if album is not None:
        body["album"] = str(album.public_id)
    return client.post("/api/photos/bulk/", body, content_type="application/json")


def test_one_photo_in_three_albums_is_seen_by_each_audience_through_its_own_album(
    as_person, owner, guest, stranger, make_user
):
    friend = make_user("frank@example.com", display_name="Frank Friend")
    connect(owner, guest, Circle.FAMILY)
    connect(owner, friend, Circle.FRIEND)
    family = make_album(owner, title="Family", audience=Audience.FAMILY, share_location=True)
    friends = make_album(owner, title="Friends", audience=Audience.FRIENDS)
    public = make_album(owner, title="Best of 2026", audience=Audience.PUBLIC)
    photo = make_photo(owner, title="Harbour")
    Photo.objects.filter(pk=photo.pk).update(latitude=59.9, longitude=10.7)
    client = as_person(owner)
    for album in (family, friends, public):
        added = client.post(
            f"/api/albums/{album.public_id}/photos/",
            {"photos": [str(photo.public_id)]},
            content_type="application/json",
        )
        assert added.json()["results"][0]["outcome"] == "done"
    assert photo.albums.count() == 3

    # Gabriel (family) sees it in all three; its place only through "Family".
    client = as_person(guest)
    for album in (family, friends, public):
        assert ids(client.get(f"/api/albums/{album.public_id}/photos/")) == [str(photo.public_id)]
    seen = client.get(f"/api/photos/{photo.public_id}/", {"album": str(family.public_id)})
    assert seen.json()["location"] == {"latitude": 59.9, "longitude": 10.7}
    seen = client.get(f"/api/photos/{photo.public_id}/", {"album": str(public.public_id)})
    assert "location" not in seen.json()
    assert set(seen.json()["albums"]) == {str(a.public_id) for a in (family, friends, public)}

    # Frank (a friend) through "Friends" and the public album, never through "Family".
    client = as_person(friend)
    assert client.get(f"/api/albums/{family.public_id}/photos/").status_code == 404
    wrong_route = client.get(f"/api/photos/{photo.public_id}/", {"album": str(family.public_id)})
    assert wrong_route.status_code == 404
    seen = client.get(f"/api/photos/{photo.public_id}/")
    assert set(seen.json()["albums"]) == {str(friends.public_id), str(public.public_id)}

    # Sam (signed in, no tie) only through the public album; taking it out of that album
    # ends his access at the next request, the media URL he was handed included.
    client = as_person(stranger)
    assert ids(client.get(f"/api/albums/{public.public_id}/photos/")) == [str(photo.public_id)]
    url = client.get(f"/api/photos/{photo.public_id}/").json()["urls"]["display"]
    assert client.get(url).status_code == 200
    client = as_person(owner)
    gone = client.delete(f"/api/albums/{public.public_id}/photos/{photo.public_id}/")
    assert gone.status_code == 204
    client = as_person(stranger)
    assert client.get(url).status_code == 404
    assert client.get(f"/api/photos/{photo.public_id}/").status_code == 404
    assert Photo.objects.filter(pk=photo.pk, deleted_at__isnull=True).exists()


def test_a_contributor_adds_from_their_library_and_the_owner_removes_it(
    as_person, owner, guest, stranger
):
    trip = make_album(owner, title="Trip")
    AlbumMember.objects.create(album=trip, user=guest, role=AlbumMember.Role.CONTRIBUTOR)
    viewer_only = make_album(owner, title="Look only")
    AlbumMember.objects.create(album=viewer_only, user=guest, role=AlbumMember.Role.VIEWER)
    theirs = make_photo(guest, title="Gabriel's")
    mine = make_photo(owner)
    client = as_person(guest)
    added = client.post(
        f"/api/albums/{trip.public_id}/photos/",
        {"photos": [str(theirs.public_id), str(mine.public_id)]},
        content_type="application/json",
    )
    # His own photo goes in; someone else's is "not found", as if it did not exist.
    assert {r["id"]: r["outcome"] for r in added.json()["results"]} == {
        str(theirs.public_id): "done",
        str(mine.public_id): "not_found",
    }
    refused = client.post(
        f"/api/albums/{viewer_only.public_id}/photos/",
        {"photos": [str(theirs.public_id)]},
        content_type="application/json",
    )
    assert refused.status_code == 404
    # The album's people see who added it.
    client = as_person(owner)
    listed = client.get(f"/api/albums/{trip.public_id}/photos/").json()["results"]
    assert [(p["id"], p["added_by"]) for p in listed] == [(str(theirs.public_id), "Gabriel Guest")]
    # A stranger may not take it out; the owner may, and it stays in Gabriel's library.
    assert bulk(as_person(stranger), "remove_from_album", [theirs], trip).status_code == 404
    client = as_person(owner)
    gone = client.delete(f"/api/albums/{trip.public_id}/photos/{theirs.public_id}/")
    assert gone.status_code == 204
    assert not trip.photos.exists()
    client = as_person(guest)
    assert ids(client.get("/api/photos/")) == [str(theirs.public_id)]


def test_uploading_a_photo_already_in_the_library_into_an_album_adds_it(as_person, owner):
    album = make_album(owner, title="Garden")
    client = as_person(owner)
    first = client.post("/api/photos/", {"file": jpeg_upload(seed=3)})
    assert first.status_code == 201 and first.json()["albums"] == []
    Photo.objects.filter(public_id=first.json()["id"]).update(deleted_at=timezone.now())
    again = client.post(
        "/api/photos/", {"file": jpeg_upload(seed=3), "album": str(album.public_id)}
    )
    assert again.status_code == 200
    body = again.json()
    assert (body["duplicate"], body["restored"], body["added"]) == (True, True, True)
    assert body["albums"] == [str(album.public_id)]


def test_two_hundred_photos_go_into_an_album_in_one_action_in_constant_queries(
    as_person, owner, stranger
):
    album = make_album(owner, title="Picked")
    photos = [make_photo(owner) for _ in range(200)]
    others = make_photo(stranger)
    client = as_person(owner)
    # The session's first request does its own bookkeeping: not counted.
    assert bulk(client, "add_to_album", photos[:5], album).status_code == 200
    with CaptureQueriesContext(connection) as few:
        assert bulk(client, "add_to_album", photos[5:10], album).status_code == 200
    with CaptureQueriesContext(connection) as many:
        response = bulk(client, "add_to_album", [*photos[10:], others], album)
    shapes = "\n".join(q["sql"][:70] for q in many.captured_queries)
    assert len(many.captured_queries) == len(few.captured_queries), shapes
    work = [q for q in many.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(work) <= 10, shapes  # the person, the album, the photos, the entries
    outcome = {r["id"]: r["outcome"] for r in response.json()["results"]}
    assert outcome[str(others.public_id)] == "not_found"
    assert sum(1 for value in outcome.values() if value == "done") == 190
    assert album.photos.count() == 200
    # Again: nothing changes, each says so.
    again = bulk(client, "add_to_album", photos[:3], album).json()["results"]
    assert {r["outcome"] for r in again} == {"unchanged"}


def test_bulk_actions_are_atomic_and_speak_only_of_what_the_person_may_touch(
    as_person, owner, stranger
):
    mine = [make_photo(owner) for _ in range(3)]
    theirs = make_photo(stranger)
    client = as_person(owner)
    trashed = bulk(client, "trash", [*mine, theirs]).json()["results"]
    assert [r["outcome"] for r in trashed] == ["done", "done", "done", "not_found"]
    assert Photo.objects.filter(owner=owner, deleted_at__isnull=False).count() == 3
    assert Photo.objects.get(pk=theirs.pk).deleted_at is None
    restored = bulk(client, "restore", mine[:2]).json()["results"]
    assert {r["outcome"] for r in restored} == {"done"}
    # Deleting for good takes only what is in the trash.
    forever = bulk(client, "delete_forever", mine).json()["results"]
    assert [r["outcome"] for r in forever] == ["not_found", "not_found", "done"]
    assert Photo.objects.filter(owner=owner).count() == 2
    too_many = client.post(
        "/api/photos/bulk/",
        {"action": "trash", "ids": [str(mine[0].public_id)] * 501},
        content_type="application/json",
    )
    assert too_many.status_code == 400
    no_album = bulk(client, "add_to_album", mine[:1])
    assert no_album.status_code == 400 and "album" in no_album.json()["errors"]


def test_favorites_on_shared_photos_and_archive_hides_from_the_timeline_only(
    as_person, owner, guest
):
    album = make_album(owner, title="Shared")
    AlbumMember.objects.create(album=album, user=guest)
    photo = make_photo(owner, album=album, title="Lighthouse")
    client = as_person(guest)
    assert client.put(f"/api/photos/{photo.public_id}/favorite/").json() == {"favorite": True}
    listed = client.get(f"/api/albums/{album.public_id}/photos/").json()["results"]
    assert listed[0]["favorite"] is True and "archived" not in listed[0]
    assert ids(client.get("/api/search/", {"favorites": "true"})) == [str(photo.public_id)]
    # Gabriel may not archive Olivia's photo.
    assert bulk(client, "archive", [photo]).json()["results"][0]["outcome"] == "not_found"
    client = as_person(owner)
    assert client.get(f"/api/photos/{photo.public_id}/").json()["favorite"] is False
    assert bulk(client, "archive", [photo]).json()["results"][0]["outcome"] == "done"
    assert ids(client.get("/api/photos/")) == []
    assert ids(client.get(f"/api/albums/{album.public_id}/photos/")) == [str(photo.public_id)]
    assert ids(client.get("/api/search/", {"q": "lighthouse"})) == [str(photo.public_id)]
    assert ids(client.get("/api/search/", {"archived": "true"})) == [str(photo.public_id)]
    assert bulk(client, "unarchive", [photo]).json()["results"][0]["outcome"] == "done"
    assert ids(client.get("/api/photos/")) == [str(photo.public_id)]


def test_show_in_my_timeline_is_off_by_default_and_ends_with_the_share(as_person, owner, guest):
    album = make_album(owner, title="Family")
    member = AlbumMember.objects.create(album=album, user=guest)
    photo = make_photo(owner, album=album)
    own = make_photo(guest)
    client = as_person(guest)
    assert ids(client.get("/api/photos/")) == [str(own.public_id)]
    switched = client.put(
        f"/api/albums/{album.public_id}/timeline/", {"show": True}, content_type="application/json"
    )
    assert switched.json() == {"show": True}
    assert set(ids(client.get("/api/photos/"))) == {str(own.public_id), str(photo.public_id)}
    sharing_services.album_member_remove(user=owner, membership=member)
    assert ids(client.get("/api/photos/")) == [str(own.public_id)]
    # Not for one's own albums.
    mine = make_album(guest, title="Mine")
    refused = as_person(guest).put(
        f"/api/albums/{mine.public_id}/timeline/", {"show": True}, content_type="application/json"
    )
    assert refused.status_code == 404


def test_search_finds_words_dates_and_cameras_only_among_what_the_person_may_see(
    as_person, owner, guest, stranger
):
    summer = make_album(owner, title="Lofoten summer", description="Midnight sun")
    AlbumMember.objects.create(album=summer, user=guest)
    boat = make_photo(owner, album=summer, title="Fishing boats at dawn")
    Photo.objects.filter(pk=boat.pk).update(camera_model="X100V", original_name="DSCF0042.JPG")
    hidden = make_photo(owner, title="Fishing licence scan")
    make_photo(stranger, title="Fishing trip")
    client = as_person(owner)
    assert set(ids(client.get("/api/search/", {"q": "fishing"}))) == {
        str(boat.public_id),
        str(hidden.public_id),
    }
    assert ids(client.get("/api/search/", {"q": "fish dawn"})) == [str(boat.public_id)]
    assert ids(client.get("/api/search/", {"q": "midnight"})) == [str(boat.public_id)]
    assert ids(client.get("/api/search/", {"q": "dscf0042"})) == [str(boat.public_id)]
    assert ids(client.get("/api/search/", {"camera": "x100"})) == [str(boat.public_id)]
    future = (timezone.now() + timezone.timedelta(days=1)).isoformat()
    assert ids(client.get("/api/search/", {"taken_from": future})) == []
    # Gabriel finds the shared photo by its words, never Olivia's others, and never by
    # its camera (camera details are its owner's).
    client = as_person(guest)
    assert ids(client.get("/api/search/", {"q": "fishing"})) == [str(boat.public_id)]
    assert ids(client.get("/api/search/", {"camera": "x100"})) == []
    assert ids(as_person(stranger).get("/api/search/", {"q": "boats"})) == []


def test_a_removed_photos_media_url_captured_before_stops_working(as_person, owner, guest):
    album = make_album(owner)
    AlbumMember.objects.create(album=album, user=guest)
    photo = make_photo(owner, album=album)
    url = media.media_url(photo=photo, variant="thumb", user=guest)
    client = as_person(guest)
    assert client.get(url).status_code == 200
    photo.entries.filter(album=album).delete()
    assert client.get(url).status_code == 404


def test_a_bad_id_in_a_list_is_a_400_in_the_documented_shape(as_person, owner):
    response = as_person(owner).post(
        "/api/photos/bulk/", {"action": "trash", "ids": [""]}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {"ids": ["0: Must be a valid UUID."]}
    assert body["error_codes"] == {"ids": ["invalid"]}


def test_a_new_album_is_made_from_a_selection_on_the_page(client, owner, stranger):
    """Select photos, name an album, and they are in it: then it can be shared."""
    from gallery.models import Album

    mine = [make_photo(owner) for _ in range(3)]
    theirs = make_photo(stranger)
    client.force_login(owner)
    ids = [str(p.public_id) for p in [*mine, theirs]]
    response = client.post(
        "/photos/selection/",
        {"action": "new_album", "new_album_title": "Wedding", "ids": ids, "next": "/photos/"},
        follow=True,
    )
    album = Album.objects.get(owner=owner, title="Wedding")
    assert set(album.photos.all()) == set(mine)
    assert response.redirect_chain[-1][0] == f"/albums/{album.public_id}/"
    assert "New album “Wedding” with 3 photos." in response.content.decode()
    # No title, or nothing of the person's own: no album, a message, nothing lost.
    untitled = client.post(
        "/photos/selection/", {"action": "new_album", "ids": ids, "next": "/photos/"}, follow=True
    )
    assert "Give the new album a title." in untitled.content.decode()
    other = client.post(
        "/photos/selection/",
        {"action": "new_album", "new_album_title": "Theirs", "ids": [str(theirs.public_id)]},
        follow=True,
    )
    assert "None of the selected photos can go into a new album." in other.content.decode()
    assert list(Album.objects.filter(owner=owner).values_list("title", flat=True)) == ["Wedding"]
