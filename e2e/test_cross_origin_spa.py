"""A single-page app on another origin, in Chromium: sign in, upload, sign out.

The SPA is a page served from a port of its own (another origin on the same site, as
app.example.org beside photos.example.org would be). It signs in with allauth's browser
client, trades the session for the JWT cookies, uploads through the API, and signs out;
every call is a credentialed cross-origin fetch that only CORS for its origin lets through.
A page on an origin Pikoshi was not told about gets nothing.
"""

import base64
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, BrowserContext
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from conftest import PASSWORD
from gallery.tests import imagegen

pytestmark = pytest.mark.django_db(transaction=True)

SPA_HTML = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Photos SPA</title></head>
<body><h1>Photos SPA</h1><output id="log"></output><script src="/spa.js"></script></body>
</html>
"""

# What an SPA does, written as plain fetch calls; the test drives it through `window.spa`.
SPA_JS = b"""
const cookie = (name) => {
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return found ? decodeURIComponent(found.split("=")[1]) : "";
};
const call = async (api, path, { method = "GET", json, form, csrf = true } = {}) => {
  const headers = {};
  if (csrf && method !== "GET") headers["X-CSRFToken"] = cookie("csrftoken");
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  const response = await fetch(api + path, { method, headers, body, credentials: "include" });
  const text = await response.text();
  let data = null;
  try { data = JSON.parse(text); } catch (e) { data = text; }
  document.getElementById("log").textContent += `${method} ${path} ${response.status}\\n`;
  return { status: response.status, data };
};
window.spa = {
  async signIn(api, email, password) {
    await call(api, "/_allauth/browser/v1/config");  // hands out the CSRF cookie
    const login = await call(api, "/_allauth/browser/v1/auth/login", {
      method: "POST", json: { email, password },
    });
    const cookies = await call(api, "/api/auth/cookie/", { method: "POST", json: {} });
    return [login.status, cookies.status, cookies.data];
  },
  async upload(api, name, b64) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const form = new FormData();
    form.append("file", new File([bytes], name, { type: "image/jpeg" }));
    return call(api, "/api/photos/", { method: "POST", form });
  },
  async photos(api) {
    return call(api, "/api/photos/");
  },
  async createAlbumWithoutCsrf(api) {
    return call(api, "/api/albums/", { method: "POST", json: { title: "Trip" }, csrf: false });
  },
  async signOut(api) {
    return call(api, "/api/auth/logout/", { method: "POST", json: {} });
  },
  async session(api) {
    return call(api, "/_allauth/browser/v1/auth/session");
  },
  async tryCall(api, path) {
    try {
      return (await call(api, path)).status;
    } catch (e) {
      return "blocked";
    }
  },
};
"""


class _SpaHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body, kind = (
            (SPA_JS, "text/javascript") if self.path == "/spa.js" else (SPA_HTML, "text/html")
        )
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _serve_spa() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SpaHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def cross_origin(settings: Settings, django_db_setup: None) -> Iterator[tuple[str, str, str]]:
    """(Pikoshi's origin, the SPA's origin, an origin Pikoshi does not know).

    Pikoshi gets a live server of its own, started after PIKOSHI_CORS_ORIGINS is applied,
    because Django's CSRF middleware reads the trusted origins once per server.
    """
    spa, spa_origin = _serve_spa()
    other, other_origin = _serve_spa()
    settings.CORS_ALLOWED_ORIGINS = [spa_origin]
    settings.CSRF_TRUSTED_ORIGINS = [*settings.CSRF_TRUSTED_ORIGINS, spa_origin]
    # Plain HTTP on this machine, as `make run` serves: cookies without Secure.
    settings.PIKOSHI_LOCAL_HTTP = True
    pikoshi = LiveServer("127.0.0.1")
    yield pikoshi.url, spa_origin, other_origin
    pikoshi.stop()
    for server in (spa, other):
        server.shutdown()
        server.server_close()


@pytest.fixture
def context(browser: Browser, cross_origin: tuple[str, str, str]) -> Iterator[BrowserContext]:
    """A browser profile of its own, closed before the servers stop (keep-alive sockets
    would otherwise hold the server's database connection open)."""
    context = browser.new_context()
    yield context
    context.close()


def pikoshi_cookies(context: BrowserContext, api: str) -> set[str]:
    host = api.split("//")[1].split(":")[0]
    return {c["name"] for c in context.cookies() if c["domain"] == host}


def test_an_spa_on_another_origin_signs_in_uploads_and_signs_out(
    context: BrowserContext,
    cross_origin: tuple[str, str, str],
    make_user: Callable[..., User],
    shot: Callable[..., None],
) -> None:
    api, spa_origin, other_origin = cross_origin
    make_user("cora@example.com", display_name="Cora")
    page = context.new_page()
    page.goto(spa_origin + "/")

    login, cookies, who = page.evaluate(
        "([api, e, p]) => spa.signIn(api, e, p)", [api, "cora@example.com", PASSWORD]
    )
    assert (login, cookies) == (200, 200), who
    assert who["email"] == "cora@example.com"
    names = pikoshi_cookies(context, api)
    assert {"sessionid", "pikoshi_access", "pikoshi_refresh"} <= names

    jpeg = base64.b64encode(imagegen.jpeg((640, 480))).decode()
    uploaded = page.evaluate("([api, b]) => spa.upload(api, 'beach.jpg', b)", [api, jpeg])
    assert uploaded["status"] == 201, uploaded
    listed = page.evaluate("(api) => spa.photos(api)", api)
    assert listed["status"] == 200
    assert [p["id"] for p in listed["data"]["results"]] == [uploaded["data"]["id"]]

    # CSRF still holds for cookie auth from the trusted origin, and the SPA can read why.
    refused = page.evaluate("(api) => spa.createAlbumWithoutCsrf(api)", api)
    assert refused["status"] == 403
    assert "CSRF" in refused["data"]["detail"]

    shot(page, "spa-signed-in")
    out = page.evaluate("(api) => spa.signOut(api)", api)
    assert out["status"] == 204
    after = page.evaluate("(api) => spa.photos(api)", api)
    assert after["status"] == 401
    assert page.evaluate("(api) => spa.session(api)", api)["status"] == 401
    names = pikoshi_cookies(context, api)
    assert not names & {"sessionid", "pikoshi_access", "pikoshi_refresh"}
    shot(page, "spa-signed-out")

    # A page on an origin Pikoshi was not told about cannot read a single answer.
    stranger = context.new_page()
    stranger.goto(other_origin + "/")
    assert stranger.evaluate("(api) => spa.tryCall(api, '/api/photos/')", api) == "blocked"
