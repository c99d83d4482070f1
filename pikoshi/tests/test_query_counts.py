"""A page of 30 photos costs as many SQL queries as a page of 3: no query per photo.

Under load (benchmarks/load.py) the timeline is the most requested page, so an N+1 there
would be the first thing to hurt. Counted for the HTML pages and the API, for the owner
and for a guest the album is shared with.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.api.tokens import token_pair_issue
from gallery.models import AlbumMember, Connection
from gallery.tests.factories import make_album, make_photos, media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def library(make_user, email: str, count: int):
    """A person with `count` photos spread over two albums, one shared with a guest."""
    person = make_user(email)
    guest = make_user(f"guest-{email}")
    Connection.objects.create(user=person, contact=guest, circle="friend")
    Connection.objects.create(user=guest, contact=person, circle="friend")
    album = make_album(person, title="Shared")
    AlbumMember.objects.create(album=album, user=guest, role="viewer")
    make_photos(person, count - count // 2, album=album)
    make_photos(person, count // 2)
    return person, guest, album


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm the session, the site and the content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def clients_for(person, guest):
    page, guest_page = Client(), Client()
    page.force_login(person)
    guest_page.force_login(guest)
    api = Client(headers={"authorization": f"Bearer {token_pair_issue(user=person).access}"})
    guest_api = Client(headers={"authorization": f"Bearer {token_pair_issue(user=guest).access}"})
    return page, guest_page, api, guest_api


def all_counts(person, guest, album) -> dict[str, int]:
    page, guest_page, api, guest_api = clients_for(person, guest)
    album_page = reverse("album_detail", args=[album.public_id])
    album_api = reverse("api_album_photos", args=[album.public_id])
    return {
        "html timeline": count_queries(page, reverse("home")),
        "api timeline": count_queries(api, reverse("api_photo_list")),
        "html album": count_queries(page, album_page),
        "api album": count_queries(api, album_api),
        "guest html album": count_queries(guest_page, album_page),
        "guest api album": count_queries(guest_api, album_api),
        "api albums": count_queries(api, reverse("api_album_list")),
        "html albums": count_queries(page, reverse("album_list")),
    }


def test_a_page_of_thirty_photos_costs_the_same_queries_as_three(make_user):
    few = all_counts(*library(make_user, "few@example.com", 6))
    many = all_counts(*library(make_user, "many@example.com", 36))
    assert many == few
    # And the numbers stay small: a handful of queries, not one per photo. An album's page
    # also carries its comments, reactions and activity feed: a dozen more, as many for
    # three photos as for thirty.
    assert max(v for k, v in many.items() if not k.endswith("html album")) <= 15, many
    assert max(many["html album"], many["guest html album"]) <= 28, many


def test_the_api_timeline_answers_thirty_photos_by_default(make_user):
    person, guest, _album = library(make_user, "thirty@example.com", 31)
    _page, _guest_page, api, _guest_api = clients_for(person, guest)
    body = api.get(reverse("api_photo_list")).json()
    assert len(body["results"]) == 30 and body["next"]
