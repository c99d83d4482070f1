"""Security headers on every kind of response, no inline code on any page a person can
reach, user text escaped wherever it is shown, and uploads never served as a page.

The pages are found by crawling: start from the navigation, follow every same-site link,
render each page as the owner, as a guest the album is shared with, and as a visitor with
a share link. Script payloads sit in every field people type: album titles and
descriptions, photo titles, display names, share-link labels and invitation addresses.
"""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.api.tokens import token_pair_issue
from gallery.models import Connection
from gallery.services import albums as album_services
from gallery.services import photos as photo_services
from gallery.services import sharing as sharing_services
from gallery.tests import imagegen
from gallery.tests.factories import media_root_fixture  # noqa: F401

BASE_DIR = Path(__file__).resolve().parents[2]

PAYLOADS = {
    "album_title": '<script>alert("album")</script>',
    "album_description": '<img src=x onerror="alert(1)">desc',
    "photo_title": '<script>alert("photo")</script>',
    "owner_name": '<script>alert("owner")</script>',
    "guest_name": '"><svg onload=alert("guest")>',
    "link_label": '<script>alert("label")</script>',
    "invitation_email": '"<script>alert(1)</script>"@example.com',
}


# Never crawled: leaving the site, signing out, the admin, JSON and the API docs (whose
# relaxed style policy is a documented exception tested in test_schema.py).
SKIP_PREFIXES = ("/admin/", "/api/", "/_allauth/", "/static/", "/media/", "/healthz", "/readyz")
MAX_PAGES = 120


# --- the world the crawler walks through ---------------------------------------------------------


@pytest.fixture
def world(make_user, media_root):
    owner = make_user("olivia@example.com", display_name=PAYLOADS["owner_name"])
    guest = make_user("gabriel@example.com", display_name=PAYLOADS["guest_name"])
    Connection.objects.create(user=owner, contact=guest, circle="friend")
    Connection.objects.create(user=guest, contact=owner, circle="family")
    album = album_services.album_create(
        owner=owner, title=PAYLOADS["album_title"], description=PAYLOADS["album_description"]
    )
    photos = []
    for seed in range(3):
        file = imagegen.uploaded(imagegen.jpeg((40, 30), color=(seed * 60, 90, 200)))
        photos.append(
            photo_services.photo_upload(
                owner=owner, file=file, album=album, title=PAYLOADS["photo_title"]
            ).photo
        )
    trashed = photo_services.photo_upload(
        owner=owner, file=imagegen.uploaded(imagegen.png((20, 20))), title=PAYLOADS["photo_title"]
    ).photo
    photo_services.photo_trash(user=owner, photo=trashed)
    sharing_services.album_member_add(user=owner, album=album, member=guest, role="contributor")
    link = sharing_services.share_link_create(
        user=owner,
        album=album,
        label=PAYLOADS["link_label"],
        expires_at=sharing_services.share_link_default_expiry(),
    )
    locked = sharing_services.share_link_create(
        user=owner,
        album=album,
        label=PAYLOADS["link_label"],
        password="open sesame 42",
        expires_at=sharing_services.share_link_default_expiry(),
    )
    sharing_services.invitation_create(inviter=owner, email=PAYLOADS["invitation_email"])
    return {
        "owner": owner,
        "guest": guest,
        "album": album,
        "photo": photos[0],
        "link": link,
        "locked": locked,
    }


# --- checks ----------------------------------------------------------------------------------


def assert_security_headers(response, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, f"{where}: no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{where}: {csp}"
    assert "default-src 'self'" in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "DENY" or "frame-ancestors 'none'" in csp, (
        where
    )


class _PageParser(HTMLParser):
    """Finds inline code and links the way a browser reads the markup (not by regex, so an
    escaped payload inside an attribute value is not mistaken for a handler)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline: list[str] = []
        self.links: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            if attributes.get("type") != "application/json":  # data, not code
                self.inline.append(f"<script> without src: {attrs}")
        if tag == "style":
            self.inline.append("<style> block")
        for name, value in attrs:
            if name == "style":
                self.inline.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.inline.append(f"{name} handler on <{tag}>")
            if name in ("href", "src") and value:
                self.links.add(value)
            if name == "srcset" and value:
                self.links.update(part.strip().split(" ")[0] for part in value.split(","))
            if name in ("href", "src", "action", "formaction") and value:
                assert not value.strip().lower().startswith("javascript:"), (tag, name, value)


def parse(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser


def assert_no_inline_code(page: _PageParser, where: str) -> None:
    assert page.inline == [], f"{where}: {page.inline}"


def assert_payloads_escaped(html: str, where: str, seen: dict) -> None:
    for field, payload in PAYLOADS.items():
        assert payload not in html, f"{where}: raw {field} payload"
        if escape(payload) in html:
            seen.setdefault(field, set()).add(where)


def links_of(page: _PageParser, base: str) -> set[str]:
    urls = set()
    for raw in page.links:
        url = urljoin(base, raw)
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
            continue
        urls.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return urls


def crawl(client: Client, starts: list[str], seen: dict) -> dict:
    """Visit every page reachable from `starts`; returns {"pages": [...], "media": {...}}."""
    queue, visited, media = list(starts), set(), set()
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        response = client.get(url)
        while response.status_code in (301, 302) and len(visited) < MAX_PAGES:
            target = response["Location"]
            if urlsplit(target).netloc or target in visited:
                break
            visited.add(target)
            response = client.get(target)
        if response.status_code in (301, 302):
            continue
        assert response.status_code == 200, f"{url}: {response.status_code}"
        assert_security_headers(response, url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        page = parse(html)
        assert_no_inline_code(page, url)
        assert_payloads_escaped(html, url, seen)
        for link in links_of(page, url):
            if link.startswith("/media/"):
                media.add(link)
            elif not link.startswith(SKIP_PREFIXES) and "logout" not in link:
                queue.append(link)
    return {"pages": sorted(visited), "media": media}


def consume(response) -> None:
    """Read a streamed body through the test client's wrapper, which finishes the request
    without closing the test's database connection (response.close() would)."""
    if response.streaming:
        b"".join(response.streaming_content)


def assert_media_is_never_a_page(client: Client, urls) -> None:
    assert urls, "the crawl found no images"
    for url in sorted(urls):
        response = client.get(url)
        assert response.status_code == 200, url
        content_type = response["Content-Type"]
        assert content_type.startswith("image/"), f"{url}: {content_type}"
        assert "svg" not in content_type and "html" not in content_type
        assert_security_headers(response, url)
        consume(response)


# --- the crawl ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_has_headers_no_inline_code_and_escapes_user_text(world):
    seen: dict = {}
    owner = Client()
    owner.force_login(world["owner"])
    album, photo = world["album"], world["photo"]
    owner_crawl = crawl(
        owner,
        [
            reverse("home"),
            reverse("album_list"),
            reverse("upload"),
            reverse("trash"),
            reverse("album_share", args=[album.public_id]),
            reverse("album_edit", args=[album.public_id]),
            reverse("album_delete", args=[album.public_id]),
            reverse("photo_detail", args=[photo.public_id]),
            reverse("sharing_connections"),
            reverse("sharing_overview"),
            reverse("sharing_make_private"),
            reverse("shared_with_me"),
            "/accounts/email/",
            "/accounts/password/change/",
        ],
        seen,
    )
    guest = Client()
    guest.force_login(world["guest"])
    guest_crawl = crawl(guest, [reverse("shared_with_me"), reverse("home")], seen)
    visitor = Client()
    visitor_crawl = crawl(
        visitor,
        [
            "/",
            reverse("account_login"),
            reverse("account_signup"),
            world["link"].path,
            world["locked"].path,
        ],
        seen,
    )
    assert len(owner_crawl["pages"]) >= 15, owner_crawl["pages"]
    assert any("/s/" in page and "/photos/" in page for page in visitor_crawl["pages"])
    # Every payload was shown somewhere, escaped, so the checks above saw real pages.
    assert set(seen) == set(PAYLOADS), {f: sorted(p)[:3] for f, p in seen.items()}
    where = {field: " ".join(pages) for field, pages in seen.items()}
    assert "/connections/" in where["invitation_email"]
    assert "/share/" in where["link_label"]
    assert f"/photos/{photo.public_id}/" in where["photo_title"]
    assert f"/albums/{album.public_id}/" in where["album_title"]
    assert "/shared/" in where["owner_name"]
    assert "/connections/" in where["guest_name"]

    assert_media_is_never_a_page(owner, owner_crawl["media"])
    assert_media_is_never_a_page(guest, guest_crawl["media"])
    assert_media_is_never_a_page(visitor, visitor_crawl["media"])


# --- one response of each kind ------------------------------------------------------------------


@pytest.mark.django_db
def test_headers_on_each_kind_of_response(world):
    owner = Client()
    owner.force_login(world["owner"])
    api = Client(
        headers={"authorization": f"Bearer {token_pair_issue(user=world['owner']).access}"}
    )
    photo = world["photo"]
    media = api.get(reverse("api_photo_detail", args=[photo.public_id])).json()["urls"]
    responses = {
        "landing": Client().get("/"),
        "login": Client().get(reverse("account_login")),
        "gallery page": owner.get(reverse("album_detail", args=[world["album"].public_id])),
        "api json": api.get(reverse("api_photo_list")),
        "api error": api.get("/api/photos/not-a-uuid/"),
        "media thumb": owner.get(urlsplit(media["thumb"]).path),
        "media original": owner.get(urlsplit(media["original"]).path),
        "404 page": owner.get("/no-such-page/"),
        "static file": Client().get("/static/css/pikoshi.css"),
    }
    expected_types = {
        "landing": "text/html",
        "login": "text/html",
        "gallery page": "text/html",
        "api json": "application/json",
        "api error": "application/json",
        "media thumb": "image/webp",
        "media original": "image/jpeg",
        "404 page": "text/html",
        "static file": "text/css",
    }
    for name, response in responses.items():
        expected_status = 404 if name in ("404 page", "api error") else 200
        assert response.status_code == expected_status, name
        assert response["Content-Type"].startswith(expected_types[name]), name
        assert_security_headers(response, name)
        consume(response)
    assert responses["media original"]["Content-Disposition"].startswith("attachment")


def test_the_policy_itself_allows_no_inline_code_and_no_framing():
    csp = settings.SECURE_CSP
    assert all("unsafe" not in source for sources in csp.values() for source in sources)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF is True


# --- HTTPS in production ----------------------------------------------------------------------

PRODUCTION_PROBE = """
import json, os
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
https = client.get("/healthz", secure=True, headers={"host": "photos.example.org"})
plain = client.get("/healthz", headers={"host": "photos.example.org"})
print(json.dumps({
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "https_status": https.status_code,
    "hsts": https.headers.get("Strict-Transport-Security"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "plain_hsts": plain.headers.get("Strict-Transport-Security"),
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
}))
"""


def test_production_sends_hsts_over_https_and_redirects_plain_http():
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="pikoshi.settings",
        SECRET_KEY="production-like-key-" + "x" * 40,
        ALLOWED_HOSTS="photos.example.org",
        REQUEST_LOG="0",
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["hsts_seconds"] >= 60 * 60 * 24 * 365
    assert probe["https_status"] == 200
    assert "max-age=31536000" in probe["hsts"]
    assert "includeSubDomains" in probe["hsts"] and "preload" in probe["hsts"]
    assert probe["plain_status"] == 301
    assert probe["plain_location"] == "https://photos.example.org/healthz"
    assert probe["plain_hsts"] is None  # browsers ignore HSTS over plain HTTP anyway
    assert probe["session_secure"] is True and probe["csrf_secure"] is True


@pytest.mark.django_db
def test_debug_settings_send_no_hsts(client):
    assert settings.SECURE_HSTS_SECONDS == 0
    assert "Strict-Transport-Security" not in client.get("/healthz", secure=True).headers


@pytest.mark.django_db
def test_sharing_emails_are_plain_text_with_names_verbatim(
    make_user, django_capture_on_commit_callbacks
):
    """Plain text cannot run script, so names are shown as typed (not as &lt;...&gt;), and
    there is no HTML part where they would need escaping."""
    from django.core import mail

    owner = make_user("olivia@example.com", display_name=PAYLOADS["owner_name"])
    guest = make_user("gabriel@example.com", display_name=PAYLOADS["guest_name"])
    Connection.objects.create(user=owner, contact=guest, circle="friend")
    album = album_services.album_create(owner=owner, title=PAYLOADS["album_title"])
    with django_capture_on_commit_callbacks(execute=True):
        sharing_services.invitation_create(inviter=owner, email="new.friend@example.com")
        sharing_services.album_member_add(user=owner, album=album, member=guest)
    invitation, shared = mail.outbox
    for message in (invitation, shared):
        assert not getattr(message, "alternatives", [])
        assert message.content_subtype == "plain"
        assert "&lt;" not in message.body and "&quot;" not in message.body
    assert PAYLOADS["owner_name"] in invitation.body
    assert PAYLOADS["album_title"] in shared.body
