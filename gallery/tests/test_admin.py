import re

import pytest
from django.utils import timezone

from gallery.models import Photo
from gallery.tests.factories import make_album, make_photo, media_root_fixture, stored_files  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def staff_client(client, make_user):
    staff = make_user("admin@example.com")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def test_album_list_shows_owner_counts_and_cover(staff_client, owner):
    album = make_album(owner, title="Holidays")
    photo = make_photo(owner, album=album)
    make_photo(owner, album=album, deleted_at=timezone.now())
    album.cover = photo
    album.save()
    response = staff_client.get("/admin/gallery/album/")
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    row = next(a for a in rows if a.pk == album.pk)
    assert (row.photo_total, row.trashed_total) == (1, 1)
    assert b'<img src="/media/' in response.content


def test_album_search_by_owner_email(staff_client, owner, stranger):
    mine = make_album(owner, title="Holidays")
    make_album(stranger, title="Holidays too")
    response = staff_client.get("/admin/gallery/album/", {"q": "olivia@"})
    assert mine in response.context["cl"].result_list
    assert all(a.owner == owner for a in response.context["cl"].result_list)


def test_photo_list_query_count_does_not_grow_with_photos(staff_client, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_photo(owner)
    staff_client.get("/admin/gallery/photo/")  # the first request also records the session
    with CaptureQueriesContext(connection) as few:
        staff_client.get("/admin/gallery/photo/")
    for _ in range(5):
        make_photo(owner)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get("/admin/gallery/photo/")
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_photo_preview_is_a_signed_thumbnail_url_that_works(staff_client, owner):
    photo = make_photo(owner, title="Sunset")
    response = staff_client.get(f"/admin/gallery/photo/{photo.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    src = html.split('<img src="', 1)[1].split('"', 1)[0]
    assert src.startswith("/media/")
    assert staff_client.get(src).status_code == 200
    assert photo.original.name not in html


def test_photo_search_and_trash_filter(staff_client, owner, stranger):
    kept = make_photo(owner, title="Sunset")
    trashed = make_photo(owner, deleted_at=timezone.now())
    make_photo(stranger)
    response = staff_client.get("/admin/gallery/photo/", {"q": "olivia@example.com"})
    assert set(response.context["cl"].result_list) == {kept, trashed}
    response = staff_client.get("/admin/gallery/photo/", {"trash": "yes"})
    assert list(response.context["cl"].result_list) == [trashed]


def test_deleting_photos_in_the_admin_removes_their_files(
    staff_client, owner, media_root, django_capture_on_commit_callbacks
):
    photo = make_photo(owner)
    keep = make_photo(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/gallery/photo/",
            {"action": "delete_selected", "_selected_action": [photo.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert list(Photo.objects.all()) == [keep]
    assert all(str(photo.public_id) not in name for name in stored_files(media_root))
    assert len(stored_files(media_root)) == 4


def test_admin_cannot_add_photos_or_delete_albums(staff_client, owner):
    album = make_album(owner)
    assert staff_client.get("/admin/gallery/photo/add/").status_code == 403
    assert staff_client.get(f"/admin/gallery/album/{album.pk}/delete/").status_code == 403


def test_non_staff_cannot_reach_the_admin(client, owner):
    client.force_login(owner)
    response = client.get("/admin/gallery/photo/")
    assert response.status_code == 302


def test_delete_button_on_a_photo_removes_its_files(
    staff_client, owner, media_root, django_capture_on_commit_callbacks
):
    photo = make_photo(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/gallery/photo/{photo.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_staff_cannot_change_who_sees_an_album(staff_client, owner):
    album = make_album(owner, title="Holidays")
    response = staff_client.post(
        f"/admin/gallery/album/{album.pk}/change/",
        {"title": "Holidays 2026", "description": "", "audience": "public"},
    )
    assert response.status_code == 302
    album.refresh_from_db()
    assert (album.title, album.audience) == ("Holidays 2026", "private")


def test_previews_are_sized_by_attributes_the_csp_lets_through(staff_client, owner):
    """An inline style attribute is blocked by the CSP, which left previews full size;
    width and height attributes are not."""
    photo = make_photo(owner)
    photo.thumb_width, photo.thumb_height = 300, 200
    photo.save()
    html = staff_client.get("/admin/gallery/photo/").content.decode()
    tag = re.search(r'<img src="/media/[^>]+>', html).group(0)
    assert "style=" not in tag
    assert 'width="80"' in tag and 'height="53"' in tag
