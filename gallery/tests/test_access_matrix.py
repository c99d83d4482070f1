"""Who gets what: every album/photo URL (HTML, API, media) for every kind of person.

One world is built per persona: Olivia owns a private album named to a contributor, a
viewer and someone whose grant has ended; a family album; a friends album; a public
album; and links to the private album (live, expired, revoked, password-protected).
Each persona then requests every URL and the statuses are compared as one table, so a
failure lists every cell that is wrong.

Allowed reads answer 200 (POSTs a redirect or 2xx); everything denied answers 404 —
exactly what an id that does not exist answers. Anonymous visitors get the login
redirect on pages (whether or not the album exists) and 401 from the API.
"""

import secrets
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery import media
from gallery.models import AlbumMember, Audience, Circle, Connection, ShareLink
from gallery.services import sharing as sharing_services
from gallery.tests.factories import jpeg_bytes, make_album, make_photo

pytestmark = pytest.mark.django_db

OK = "ok"  # 200, 201, 204 or a redirect that is not to the login page
DENIED = 404
LOGIN = "login"  # redirect to the login page
UNAUTHENTICATED = 401
PROMPT = "password prompt"  # redirect to a link's landing page, which asks for the password

PEOPLE = [
    "owner",
    "contributor",
    "viewer",
    "family",
    "friend",
    "stranger",
    "expired_member",
]
LINK_PERSONAS = ["link_holder", "expired_link", "revoked_link", "wrong_password"]
PERSONAS = [*PEOPLE, "anonymous", *LINK_PERSONAS]

# Who sees each album (besides everything the owner sees).
VISIBLE = {
    "private": {"owner", "contributor", "viewer"},
    "family": {"owner", "family"},
    "friends": {"owner", "family", "friend"},
    "public": set(PEOPLE),
}
CONTRIBUTE = {"private": {"owner", "contributor"}}


class World:
    def __init__(self, make_user):
        self.users = {
            name: make_user(f"{name}@example.com", display_name=name.title()) for name in PEOPLE
        }
        owner = self.users["owner"]
        for name, circle in (("family", Circle.FAMILY), ("friend", Circle.FRIEND)):
            other = self.users[name]
            Connection.objects.create(user=owner, contact=other, circle=circle)
            Connection.objects.create(user=other, contact=owner, circle=Circle.FRIEND)
        self.albums = {
            audience: make_album(owner, title=f"{audience} album", audience=audience)
            for audience in (Audience.PRIVATE, Audience.FAMILY, Audience.FRIENDS, Audience.PUBLIC)
        }
        self.photos = {key: make_photo(owner, album=album) for key, album in self.albums.items()}
        private = self.albums["private"]
        AlbumMember.objects.create(
            album=private, user=self.users["contributor"], role=AlbumMember.Role.CONTRIBUTOR
        )
        AlbumMember.objects.create(album=private, user=self.users["viewer"])
        AlbumMember.objects.create(
            album=private,
            user=self.users["expired_member"],
            role=AlbumMember.Role.CONTRIBUTOR,
            until=timezone.now() - timedelta(minutes=1),
        )

        def link(**options):
            return sharing_services.share_link_create(
                user=owner,
                album=private,
                **options,
                expires_at=sharing_services.share_link_default_expiry(),
            )

        self.links = {
            "link_holder": link(allow_download=True),
            "expired_link": link(allow_download=True),
            "revoked_link": link(allow_download=True),
            "wrong_password": link(allow_download=True, password="open sesame"),
        }
        ShareLink.objects.filter(pk=self.links["expired_link"].link.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        sharing_services.share_link_revoke(user=owner, link=self.links["revoked_link"].link)


@pytest.fixture
def world(make_user):
    return World(make_user)


def _client(world, persona) -> Client:
    client = Client()
    if persona in world.users:
        client.force_login(world.users[persona])
    return client


def _upload():
    color = tuple(secrets.randbelow(256) for _ in range(3))
    return SimpleUploadedFile("new.jpg", jpeg_bytes(color=color), content_type="image/jpeg")


def person_urls(world, persona):
    """(label, method, url, data, kind, album key) for every album and the missing ids."""
    rows = []
    user = world.users.get(persona)
    targets = [(key, world.albums[key].public_id, world.photos[key]) for key in world.albums]
    for key, album_id, photo in targets:
        photo_id = photo.public_id
        album_rows = [
            ("album page", "get", reverse("album_detail", args=[album_id]), None, "view"),
            ("photo page", "get", reverse("photo_detail", args=[photo_id]), None, "view"),
            ("album edit", "get", reverse("album_edit", args=[album_id]), None, "edit"),
            ("album delete", "get", reverse("album_delete", args=[album_id]), None, "edit"),
            (
                "photo title",
                "post",
                reverse("photo_edit", args=[photo_id]),
                {"title": "x"},
                "edit",
            ),
            ("share dialog", "get", reverse("album_share", args=[album_id]), None, "share"),
            (
                "set audience",
                "post",
                reverse("album_share_audience", args=[album_id]),
                {"audience": key},
                "share",
            ),
            (
                "make link",
                "post",
                reverse("share_link_create", args=[album_id]),
                {"label": "x"},
                "share",
            ),
            ("api album", "get", reverse("api_album_detail", args=[album_id]), None, "view"),
            (
                "api album photos",
                "get",
                reverse("api_album_photos", args=[album_id]),
                None,
                "view",
            ),
            ("api photo", "get", reverse("api_photo_detail", args=[photo_id]), None, "view"),
            (
                "api rename album",
                "patch",
                reverse("api_album_detail", args=[album_id]),
                {"description": "x"},
                "edit",
            ),
            (
                "api retitle photo",
                "patch",
                reverse("api_photo_detail", args=[photo_id]),
                {"title": "x"},
                "edit",
            ),
            ("api sharing", "get", reverse("api_album_sharing", args=[album_id]), None, "share"),
            (
                "api set audience",
                "patch",
                reverse("api_album_sharing", args=[album_id]),
                {"audience": key},
                "share",
            ),
            ("api members", "get", reverse("api_album_members", args=[album_id]), None, "share"),
            ("api links", "get", reverse("api_album_links", args=[album_id]), None, "share"),
            (
                "api upload from the upload page into album",
                "post_page_upload",
                reverse("api_photo_list"),
                {"album": str(album_id)},
                "contribute",
            ),
            (
                "api upload into album",
                "post_api_upload",
                reverse("api_photo_list"),
                {"album": str(album_id)},
                "contribute",
            ),
        ]
        if user is not None:
            for variant in ("thumb", "display"):
                url = media.media_url(photo=photo, variant=variant, user=user)
                album_rows.append((f"media {variant}", "get", url, None, "view"))
            url = media.media_url(photo=photo, variant="original", user=user)
            album_rows.append(("media original", "get", url, None, "original"))
        rows += [(f"{key}: {label}", *rest, key) for label, *rest in album_rows]
    missing_album, missing_photo = uuid.uuid4(), uuid.uuid4()
    rows += [
        ("missing: album page", "get", reverse("album_detail", args=[missing_album]), None,
         "missing", None),
        ("missing: photo page", "get", reverse("photo_detail", args=[missing_photo]), None,
         "missing", None),
        ("missing: share dialog", "get", reverse("album_share", args=[missing_album]), None,
         "missing", None),
        ("missing: api album", "get", reverse("api_album_detail", args=[missing_album]), None,
         "missing", None),
        ("missing: api photo", "get", reverse("api_photo_detail", args=[missing_photo]), None,
         "missing", None),
        ("missing: api sharing", "get", reverse("api_album_sharing", args=[missing_album]),
         None, "missing", None),
    ]  # fmt: skip
    return rows


def expected_for_person(persona, kind, key):
    if persona == "anonymous":
        return UNAUTHENTICATED if "api" in kind else LOGIN
    if kind == "missing":
        return DENIED
    allowed = {
        "view": VISIBLE[key],
        "edit": {"owner"},
        "share": {"owner"},
        "original": {"owner"},
        "contribute": CONTRIBUTE.get(key, {"owner"}),
    }[kind]
    return OK if persona in allowed else DENIED


def request(client, method, url, data):
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url, data)
    if method == "patch":
        return client.patch(url, data, content_type="application/json")
    if method == "post_page_upload":
        # As the upload page's JS sends it: the session, the CSRF header, asking for JSON.
        headers = {"Accept": "application/json", "X-CSRFToken": client.cookies.get("csrftoken", "")}
        return client.post(url, {**data, "file": _upload()}, headers=headers)
    if method == "post_api_upload":
        return client.post(url, {**data, "file": _upload()})
    raise AssertionError(method)


def outcome(response):
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return LOGIN
        return PROMPT if location.startswith("/s/") else OK
    if status in (200, 201, 204):
        return OK
    return status


def api_kind(label, kind):
    # Anonymous callers of the API get 401; pages redirect to the login form.
    return f"api {kind}" if (" api " in f" {label.split(': ', 1)[1]}") else kind


@pytest.mark.parametrize("persona", [*PEOPLE, "anonymous"])
def test_people_see_exactly_what_they_are_allowed(world, persona):
    client = _client(world, persona)
    expected, actual = {}, {}
    for label, method, url, data, kind, key in person_urls(world, persona):
        want_kind = api_kind(label, kind) if persona == "anonymous" else kind
        expected[label] = expected_for_person(persona, want_kind, key)
        actual[label] = outcome(request(client, method, url, data))
    assert actual == expected


def test_anonymous_media_requests_without_a_valid_token_are_404(world, client):
    photo = world.photos["public"]
    good = media.media_url(photo=photo, variant="thumb", user=world.users["owner"])
    forged = good.replace(good.split("/")[-2][:8], "AAAAAAAA")
    assert client.get(forged).status_code == 404
    assert client.get(reverse("media", args=["nonsense"])).status_code == 404


@pytest.mark.parametrize("persona", LINK_PERSONAS)
def test_link_personas(world, persona):
    created = world.links[persona]
    client = Client()
    private = world.albums["private"]
    photo = world.photos["private"]
    other = world.photos["public"]
    landing = client.get(created.path)
    page = client.get(reverse("share_link_photo", args=[created.token, photo.public_id]))
    foreign = client.get(reverse("share_link_photo", args=[created.token, other.public_id]))
    link_media = {
        variant: client.get(media.media_url(photo=photo, variant=variant, link=created.link))
        for variant in ("thumb", "display", "original")
    }
    other_media = client.get(media.media_url(photo=other, variant="thumb", link=created.link))
    regular = {
        "album page": outcome(client.get(reverse("album_detail", args=[private.public_id]))),
        "api album": outcome(client.get(reverse("api_album_detail", args=[private.public_id]))),
    }
    actual = {
        "landing": outcome(landing),
        "album shown": private.title in landing.content.decode(),
        "photo page": outcome(page),
        "photo of another album": outcome(foreign),
        **{f"media {k}": outcome(v) for k, v in link_media.items()},
        "media of another album": outcome(other_media),
        **regular,
    }
    live = persona == "link_holder"
    gated = persona == "wrong_password"
    dead = DENIED if not gated else PROMPT
    expected = {
        "landing": OK if (live or gated) else DENIED,
        "album shown": live,
        # Without the password every page of the link sends the visitor to the prompt.
        "photo page": OK if live else dead,
        "photo of another album": dead,
        # A media URL is handed out only after the page check passed; it is a capability
        # for its ten minutes, and it dies with the link.
        "media thumb": OK if (live or gated) else DENIED,
        "media display": OK if (live or gated) else DENIED,
        "media original": OK if (live or gated) else DENIED,
        "media of another album": DENIED,
        "album page": LOGIN,
        "api album": UNAUTHENTICATED,
    }
    assert actual == expected
    if gated:
        assert "open sesame" not in landing.content.decode()
        wrong = client.post(created.path, {"password": "nope"})
        assert wrong.status_code == 403 and private.title not in wrong.content.decode()


@pytest.mark.parametrize("audience", list(VISIBLE))
def test_visitors_without_an_account_see_only_public_albums_at_their_public_address(
    world, client, audience
):
    album, photo = world.albums[audience], world.photos[audience]
    urls = [
        reverse("public_album", args=[album.public_id]),
        reverse("public_photo", args=[album.public_id, photo.public_id]),
        media.media_url(photo=photo, variant="display", anyone=True, album=album),
        media.media_url(photo=photo, variant="original", anyone=True, album=album),
    ]
    statuses = [client.get(url).status_code for url in urls]
    if audience == Audience.PUBLIC:
        assert statuses == [200, 200, 200, DENIED]  # never the original
    else:
        assert statuses == [DENIED] * 4


def test_unknown_expired_and_revoked_links_look_the_same(world, client):
    responses = [
        client.get(reverse("share_link", args=["A" * 43])),
        client.get(world.links["expired_link"].path),
        client.get(world.links["revoked_link"].path),
    ]
    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
