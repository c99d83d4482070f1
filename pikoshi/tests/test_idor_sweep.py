"""Every URL that takes an id, found by walking the URL configuration, refuses a stranger.

The access matrix (gallery/tests/test_access_matrix.py) states who may do what on the
routes it lists; this sweep makes sure no route slips past that list. It fills each id in
each route with every id the owner has (albums, photos, links, invitations, the owner
themself) and asks as a second, signed-in person and as an anonymous visitor, with GET,
POST, PATCH and DELETE. A route added tomorrow is covered without anyone remembering to add it here.
"""

import itertools
import re
import secrets
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from gallery.models import Album, AlbumMember, Circle, Connection, ShareLink
from gallery.services import sharing as sharing_services
from gallery.services import uploads as upload_services
from gallery.tests.factories import make_album, make_photo, media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

# Capability URLs: the token is the credential, so "another person" means "another token".
# Each has its own tests for forged, expired and revoked tokens.
CAPABILITY_ROUTES = {
    "media/<str:token>/": "gallery/tests/test_media.py",
    "s/<str:token>/": "gallery/tests/test_sharing_views.py",
    "s/<str:token>/photos/<uuid:photo_id>/": "gallery/tests/test_sharing_views.py",
    "accounts/export/<str:token>/": "accounts/tests (export download tests)",
}
# Third-party apps' own routes (Django admin, allauth) are theirs to guard.
FOREIGN_PREFIXES = ("admin/", "_allauth/", "accounts/")
# What counts as "refused": not found, or not signed in.
REFUSED = {404}
REFUSED_ANONYMOUS = {302, 401, 404}


def _routes(patterns=None, prefix=""):
    """Every route string in the project, e.g. 'albums/<uuid:public_id>/share/'."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _id_routes():
    routes = sorted({r for r in _routes() if "<" in r})
    return [r for r in routes if r not in CAPABILITY_ROUTES and not r.startswith(FOREIGN_PREFIXES)]


@pytest.fixture
def owners_ids(owner, guest):
    """Every kind of id the owner has, each one something a stranger must not reach."""
    album = make_album(owner, title="Private album")
    shared = make_album(owner, title="Shared with Gabriel")
    photo = make_photo(owner, album=album)
    trashed = make_photo(owner, album=album, deleted_at=timezone.now())
    invitation_to_guest = sharing_services.invitation_create(inviter=owner, email=guest.email)
    sharing_services.invitation_accept(
        user=guest, invitation=invitation_to_guest, circle=Circle.FAMILY
    )
    AlbumMember.objects.create(album=shared, user=guest)
    link = ShareLink.objects.create(
        album=album, token_hash=secrets.token_hex(32), expires_at=timezone.now() + timedelta(days=1)
    )
    invitation = sharing_services.invitation_create(inviter=owner, email="friend@example.com")
    upload = upload_services.upload_create(owner=owner, length=1000)
    ids = [
        upload.public_id,
        album.public_id,
        shared.public_id,
        photo.public_id,
        trashed.public_id,
        link.public_id,
        invitation.public_id,
        guest.uuid,
        owner.uuid,
    ]
    assert Album.objects.filter(owner=owner).count() >= 2
    assert Connection.objects.filter(user=owner, contact=guest).exists()
    return ids


def _fill(route: str, values) -> str:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    url = route
    for name, value in zip(names, values, strict=True):
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url, count=1)
    return "/" + url


def _urls_for(route: str, ids):
    count = len(re.findall(r"<", route))
    return [_fill(route, combo) for combo in itertools.product(ids, repeat=count)]


def test_the_sweep_finds_the_routes_it_must_guard():
    routes = _id_routes()
    for expected in (
        "albums/<uuid:public_id>/",
        "photos/<uuid:public_id>/",
        "api/albums/<uuid:public_id>/",
        "api/photos/<uuid:public_id>/",
        "api/trash/<uuid:public_id>/",
        "connections/<uuid:user_uuid>/remove/",
        "share-links/<uuid:link_id>/revoke/",
        "api/uploads/<uuid:public_id>/",
    ):
        assert expected in routes
    assert len(routes) >= 25


def test_a_stranger_is_refused_on_every_route_with_an_id(stranger, owners_ids):
    client = Client()
    client.force_login(stranger)
    wrong = []
    for route in _id_routes():
        answered_404 = False
        for url in _urls_for(route, owners_ids):
            for method in ("get", "post", "put", "patch", "delete"):
                status = getattr(client, method)(url).status_code
                if status == 405:
                    continue
                answered_404 |= status == 404
                if status not in REFUSED:
                    wrong.append(f"{method.upper()} {url} ({route}) -> {status}")
        if not answered_404:
            wrong.append(f"{route}: never answered 404")
    assert wrong == []


def test_an_anonymous_visitor_is_refused_on_every_route_with_an_id(db, owners_ids):
    client = Client()
    wrong = []
    for route in _id_routes():
        for url in _urls_for(route, owners_ids):
            for method in ("get", "post", "put", "patch", "delete"):
                response = getattr(client, method)(url)
                if response.status_code == 405:
                    continue
                public = route.startswith("p/")  # public albums: 404 unless audience is public
                if response.status_code not in REFUSED_ANONYMOUS or (
                    response.status_code == 302
                    and "/accounts/login/" not in response["Location"]
                    and not public
                ):
                    wrong.append(f"{method.upper()} {url} ({route}) -> {response.status_code}")
    assert wrong == []
