"""`make run` serves the product itself: what a refused visitor sees is the product's 404.

People run `make run` at home and send links from it, so it must not show Django's debug
pages (they list every URL pattern). These tests start `make run` as the README says, on a
free loopback port with the instance's files in a temporary folder, and stop it after.
"""

import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
START_SECONDS = 180  # migrate on a fresh SQLite file, collectstatic, then the server
TECHNICAL_PAGE_MARKERS = ("DEBUG = True", "URLconf", "Django tried these URL patterns")

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: str):
        self.status, self.headers, self.body = status, headers, body


def fetch(url: str) -> Answer:
    """GET without following redirects, so an HTTPS redirect shows as itself."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return Answer(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read().decode())


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    """`make run` on a free port; yields (base URL, instance folder). Stopped afterwards."""
    data = tmp_path_factory.mktemp("make-run")
    port = free_port()
    venv = Path(sys.prefix)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        # The instance's files, so the test leaves the checkout's own ones alone.
        "SQLITE_PATH": str(data / "db.sqlite3"),
        "MEDIA_ROOT": str(data / "media"),
        "STATIC_ROOT": str(data / "staticfiles"),
        "SECRET_KEY_FILE": str(data / "secret.key"),
    }
    log = (data / "make-run.log").open("w")
    # The interpreter running the tests, never an install: -o keeps make off the venv stamp.
    command = ["make", "-s", "-o", f"{venv}/.installed", "run", f"PORT={port}", f"VENV={venv}"]
    server = subprocess.Popen(  # noqa: S603 - make and our own Makefile
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped as one below
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"make run stopped:\n{(data / 'make-run.log').read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"make run not answering:\n{(data / 'make-run.log').read_text()}")
            try:
                if fetch(f"{base}/healthz").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        yield base, data
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        log.close()


def assert_products_404(answer: Answer) -> None:
    assert answer.status == 404
    assert "not shared with you" in answer.body
    for marker in TECHNICAL_PAGE_MARKERS:
        assert marker not in answer.body


def test_make_run_answers_an_unknown_address_with_the_products_404(make_run):
    base, _data = make_run

    assert_products_404(fetch(f"{base}/this-does-not-exist/"))


def test_make_run_answers_a_revoked_share_link_with_the_products_404(make_run):
    base, _data = make_run

    assert_products_404(fetch(f"{base}/s/revoked-or-never-issued-token/"))


def test_make_run_answers_a_stranger_on_a_private_album_with_the_products_404(make_run):
    base, _data = make_run

    # An album that is not shared with the visitor answers exactly as one that does not exist.
    assert_products_404(fetch(f"{base}/p/{uuid.uuid4()}/"))


def test_make_run_serves_pages_and_static_files_over_plain_http(make_run):
    base, _data = make_run

    landing = fetch(f"{base}/")
    signup = fetch(f"{base}/accounts/signup/")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', landing.body)

    assert landing.status == 200  # not a redirect to https
    assert "Strict-Transport-Security" not in landing.headers
    assert signup.status == 200
    assert stylesheet, landing.body
    assert fetch(base + stylesheet.group(1)).status == 200


def test_make_run_keeps_its_secret_key_in_a_private_file(make_run):
    _base, data = make_run
    key_file = data / "secret.key"

    assert len(key_file.read_text().strip()) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
