"""Who gets what: every album/photo URL (HTML, API, media) for every kind of person.

One world is built per persona: Olivia owns a private album named to a contributor, a
viewer and someone whose grant has ended; a family album; a friends album; a public
album; and links to the private album (live, expired, revoked, password-protected).
Each persona then requests every URL and the statuses are compared as one table, so a
failure lists every cell that is wrong.

The library's rows (favorite, a selection's actions and download, search, cover, "show
in my timeline", adding and removing entries) sit beside each album's, and a second
table follows one photo in two albums with different audiences, a contributor's photo
the owner took out and an owner's photo taken out of the shared album, with media URLs
captured before.

Allowed reads answer 200 (POSTs a redirect or 2xx); everything denied answers 404 —
exactly what an id that does not exist answers. Anonymous visitors get the login
redirect on pages (whether or not the album exists) and 401 from the API.
"""

import secrets
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery import media
from gallery.models import AlbumEntry, AlbumMember, Audience, Circle, Connection, ShareLink
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
# Comments and reactions: the people an album is shared with by circle or by name; other
# people who see a public album read them, and writing is refused (403: they know it).
CONVERSE = {
    "private": {"owner", "contributor", "viewer"},
    "family": {"owner", "family"},
    "friends": {"owner", "family", "friend"},
    "public": {"owner", "family", "friend"},
}
FORBIDDEN = 403
# "Show in my timeline": for albums shared with the person, not their own.
TIMELINE = {key: people - {"owner"} for key, people in VISIBLE.items()}


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
        # Each person's own photo, in no album: what they would add to one.
        self.mine = {name: make_photo(user) for name, user in self.users.items()}
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
            (
                "change public address",
                "post",
                reverse("album_public_address_change", args=[album_id]),
                None,
                "share",
            ),
            ("api members", "get", reverse("api_album_members", args=[album_id]), None, "share"),
            ("api comments", "get", reverse("api_album_comments", args=[album_id]), None, "view"),
            (
                "api comment on album",
                "post_json",
                reverse("api_album_comments", args=[album_id]),
                {"body": "Lovely!"},
                "converse",
            ),
            (
                "api photo comments",
                "get",
                reverse("api_photo_comments", args=[album_id, photo_id]),
                None,
                "view",
            ),
            (
                "api comment on photo",
                "post_json",
                reverse("api_photo_comments", args=[album_id, photo_id]),
                {"body": "<b>Lovely</b>"},
                "converse",
            ),
            (
                "api react to photo",
                "put",
                reverse("api_photo_reactions", args=[album_id, photo_id]),
                {"kind": "heart"},
                "converse",
            ),
            (
                "api photo reactions",
                "get",
                reverse("api_photo_reactions", args=[album_id, photo_id]),
                None,
                "view",
            ),
            ("api activity", "get", reverse("api_album_activity", args=[album_id]), None, "view"),
            (
                "page comment",
                "post",
                reverse("comment_add", args=[album_id]),
                {"body": "Lovely!", "photo": str(photo_id)},
                "view",
            ),
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
        if key == "public":  # only a public album has an address to change
            url = reverse("api_album_public_address", args=[album_id])
            album_rows.append(("api change public address", "post", url, None, "share"))
        if user is not None:
            for variant in ("thumb", "display"):
                url = media.media_url(photo=photo, variant=variant, user=user)
                album_rows.append((f"media {variant}", "get", url, None, "view"))
            url = media.media_url(photo=photo, variant="original", user=user)
            album_rows.append(("media original", "get", url, None, "original"))
        mine = world.mine[persona].public_id if user is not None else uuid.uuid4()
        album_rows += [
            ("api favorite", "put", reverse("api_photo_favorite", args=[photo_id]), None, "view"),
            ("api bulk favorite", "post_bulk", reverse("api_photo_bulk"),
             {"action": "favorite", "ids": [str(photo_id)]}, "view"),
            ("api search", "search", reverse("api_search"), {"q": f"{key} album",
             "found": str(photo_id)}, "view"),
            ("api download", "post_json", reverse("api_photo_download"),
             {"ids": [str(photo_id)]}, "view"),
            ("api show in my timeline", "put", reverse("api_album_timeline", args=[album_id]),
             {"show": True}, "timeline"),
            ("api cover", "patch", reverse("api_album_detail", args=[album_id]),
             {"cover": str(photo_id)}, "edit"),
            ("api add my photo", "post_json", reverse("api_album_photos", args=[album_id]),
             {"photos": [str(mine)]}, "contribute"),
            ("page cover", "post", reverse("album_cover", args=[album_id]),
             {"photo": str(photo_id)}, "edit"),
            ("page show in my timeline", "post", reverse("album_timeline", args=[album_id]),
             {"show": "1"}, "timeline"),
            # Last: it takes the photo out of the album.
            ("api remove from album", "delete",
             reverse("api_album_photo", args=[album_id, photo_id]), None, "edit"),
        ]  # fmt: skip
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
    if kind == "converse":
        if persona in CONVERSE[key]:
            return OK
        return FORBIDDEN if persona in VISIBLE[key] else DENIED
    allowed = {
        "view": VISIBLE[key],
        "edit": {"owner"},
        "share": {"owner"},
        "original": {"owner"},
        "contribute": CONTRIBUTE.get(key, {"owner"}),
        "timeline": TIMELINE.get(key, set()),
    }[kind]
    return OK if persona in allowed else DENIED


class Answer:
    """A per-id answer read as the status it stands for: found is 200, not found 404."""

    def __init__(self, response, found: bool):
        self.status_code = response.status_code
        if self.status_code == 200:
            self.status_code = 200 if found else DENIED


def request(client, method, url, data):
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url, data)
    if method == "patch":
        return client.patch(url, data, content_type="application/json")
    if method == "put":
        return client.put(url, data, content_type="application/json")
    if method == "delete":
        return client.delete(url)
    if method == "post_json":
        return client.post(url, data, content_type="application/json")
    if method == "post_bulk":
        response = client.post(url, data, content_type="application/json")
        found = response.status_code == 200 and {
            r["outcome"] for r in response.json()["results"]
        } <= {"done", "unchanged"}
        return Answer(response, found)
    if method == "search":
        response = client.get(url, {"q": data["q"]})
        # The album's other photos (uploaded by earlier rows) match too.
        found = response.status_code == 200 and data["found"] in {
            r["id"] for r in response.json()["results"]
        }
        return Answer(response, found)
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
    # An album that is not public has no address: try its id, as the address once was.
    address = album.public_address or album.public_id
    seen_at = SimpleNamespace(public_address=address)
    urls = [
        reverse("public_album", args=[address]),
        reverse("public_photo", args=[address, photo.public_id]),
        media.media_url(photo=photo, variant="display", anyone=True, album=seen_at),
        media.media_url(photo=photo, variant="original", anyone=True, album=seen_at),
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


@pytest.mark.parametrize("persona", [*PEOPLE, "anonymous"])
def test_library_routes_each_audience_through_its_own_album(world, persona):
    """A photo in two albums with different audiences is seen through each, and only there;
    a contributor's photo the owner took out, and an owner's photo taken out of the shared
    album, end access at once, media URLs captured before included."""
    owner, contributor = world.users["owner"], world.users["contributor"]
    private, family = world.albums["private"], world.albums["family"]
    both = make_photo(owner, album=family)
    AlbumEntry.objects.create(album=private, photo=both, added_by=owner)
    theirs = make_photo(contributor, album=private)
    taken_out = make_photo(owner, album=private)
    user = world.users.get(persona)
    captured = {}
    if user is not None:
        for name, photo in (("theirs", theirs), ("taken out", taken_out)):
            captured[name] = media.media_url(photo=photo, variant="thumb", user=user)
    client = _client(world, persona)
    owner_client = _client(world, "owner")
    assert (
        owner_client.delete(
            reverse("api_album_photo", args=[private.public_id, theirs.public_id])
        ).status_code
        == 204
    )
    assert (
        owner_client.delete(
            reverse("api_album_photo", args=[private.public_id, taken_out.public_id])
        ).status_code
        == 204
    )

    def detail(photo, album=None):
        query = f"?album={album.public_id}" if album is not None else ""
        return reverse("api_photo_detail", args=[photo.public_id]) + query

    rows = {
        "both: api photo": (detail(both), VISIBLE["family"] | VISIBLE["private"]),
        "both: through the family album": (detail(both, family), VISIBLE["family"]),
        "both: through the private album": (detail(both, private), VISIBLE["private"]),
        "theirs: api photo": (detail(theirs), {"contributor"}),
        "theirs: through the album": (detail(theirs, private), set()),
        "taken out: api photo": (detail(taken_out), {"owner"}),
        "taken out: through the album": (detail(taken_out, private), set()),
    }
    if user is not None:
        rows["both: media"] = (
            media.media_url(photo=both, variant="thumb", user=user),
            VISIBLE["family"] | VISIBLE["private"],
        )
        rows["theirs: media captured before"] = (captured["theirs"], {"contributor"})
        rows["taken out: media captured before"] = (captured["taken out"], {"owner"})
    expected, actual = {}, {}
    for label, (url, allowed) in rows.items():
        if persona == "anonymous":
            expected[label] = UNAUTHENTICATED
        else:
            expected[label] = OK if persona in allowed else DENIED
        actual[label] = outcome(client.get(url))
    assert actual == expected


def test_a_link_holders_media_url_stops_when_the_photo_leaves_the_album(world, client):
    private = world.albums["private"]
    photo = make_photo(world.users["owner"], album=private)
    link = world.links["link_holder"].link
    urls = [media.media_url(photo=photo, variant=v, link=link) for v in ("thumb", "original")]
    assert [client.get(url).status_code for url in urls] == [200, 200]
    owner = _client(world, "owner")
    removed = owner.delete(reverse("api_album_photo", args=[private.public_id, photo.public_id]))
    assert removed.status_code == 204
    assert [client.get(url).status_code for url in urls] == [404, 404]
