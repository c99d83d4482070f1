"""Faults with real services: Redis dies, PostgreSQL drops connections, storage fails,
and many uploads arrive at once. Each fault is made on the test's own resources (a private
redis-server on a spare loopback port, the test database's own backends), never on the
shared services other runs use.
"""

import io
import os
import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, close_old_connections, connection
from django.test import Client, override_settings
from django.urls import reverse

from accounts.api.tokens import token_pair_issue
from conftest import PASSWORD
from gallery.models import Album, Photo
from gallery.selectors import albums as album_selectors
from gallery.selectors import photos as photo_selectors
from gallery.services import photos as photo_services
from gallery.tests import imagegen
from gallery.tests.factories import (  # noqa: F401
    media_root_fixture,
    page_upload,
    page_uploader_client,
    stored_files,
)

IS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jpeg_file(seed: int, name: str | None = None):
    data = imagegen.jpeg((48, 32), color=((seed * 37) % 256, (seed * 91) % 256, seed % 256))
    file = io.BytesIO(data)
    file.name = name or f"photo-{seed}.jpg"
    return file


def stored_names(photo) -> list[str]:
    return [photo.original.name] + [
        photo.variant_file(v).name for v in ("thumb", "mobile", "display")
    ]


# --- Redis stops ---------------------------------------------------------------------------------


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of our own on a free loopback port; yields (port, stop)."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server must be installed (apt-get install redis-server)"
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603 - fixed arguments, our own binary
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--daemonize", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "private redis-server did not start"
            time.sleep(0.05)

    def stop():
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)

    yield port, stop
    stop()


PRIVATE_CACHE = {
    "BACKEND": "pikoshi.cache.RedisCache",
    "KEY_PREFIX": "pikoshi-faults",
    "OPTIONS": {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "SOCKET_CONNECT_TIMEOUT": 1,
        "SOCKET_TIMEOUT": 1,
        "IGNORE_EXCEPTIONS": True,
    },
}


@pytest.fixture
def redis_cache(private_redis):
    """The app's cache (sessions, rate limits, throttles) on the private Redis, configured
    exactly as settings.py does for REDIS_URL, with the outage tolerance on."""
    port, stop = private_redis
    cache_settings = {"default": {**PRIVATE_CACHE, "LOCATION": f"redis://127.0.0.1:{port}/0"}}
    with override_settings(CACHES=cache_settings):  # the setting_changed hook resets caches
        caches["default"].set("probe", "1")
        assert caches["default"].get("probe") == "1"
        assert caches["default"].client.get_client().connection_pool.connection_kwargs["port"] == (
            port
        )
        yield stop
    caches["default"].clear()


def exercise_the_site(owner, *, seed: int) -> None:
    """Sign in with the real form, browse, upload through the page and the API."""
    browser = Client()
    assert browser.get(reverse("account_login")).status_code == 200
    response = browser.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("home")
    for name in ("home", "album_list", "upload", "trash", "shared_with_me"):
        assert browser.get(reverse(name)).status_code == 200, name
    response = page_upload(browser, jpeg_file(seed))  # the upload page's way
    assert response.status_code == 201, response.content[:300]
    api = Client(headers={"authorization": f"Bearer {token_pair_issue(user=owner).access}"})
    assert api.post(reverse("api_photo_list"), {"file": jpeg_file(seed + 1)}).status_code == 201
    assert api.get(reverse("api_photo_list")).status_code == 200
    # A page touches the session again after sign-in: the database copy carries it.
    assert browser.get(reverse("home")).status_code == 200


def test_the_fault_tests_use_the_cache_settings_py_configures_for_redis():
    """The private cache above must be the production configuration, not a kinder one."""
    import json
    import sys

    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = (
        "import json; from pikoshi import settings as s; "
        "print(json.dumps(s.CACHES['default'], default=str))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    configured = json.loads(out.stdout)
    assert configured["BACKEND"] == PRIVATE_CACHE["BACKEND"]
    assert configured["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert configured["OPTIONS"]["CLIENT_CLASS"] == PRIVATE_CACHE["OPTIONS"]["CLIENT_CLASS"]


@pytest.mark.django_db
@pytest.mark.usefixtures("media_root")
def test_pages_login_and_upload_keep_working_when_redis_dies(owner, redis_cache):
    exercise_the_site(owner, seed=1)
    stop_redis = redis_cache
    stop_redis()
    started = time.monotonic()
    exercise_the_site(owner, seed=3)
    # Refused connections on loopback fail fast: no page waited for socket timeouts.
    assert time.monotonic() - started < 20
    assert Photo.objects.filter(owner=owner).count() == 4


@pytest.mark.django_db
def test_a_session_made_while_redis_was_up_survives_its_death(owner, redis_cache):
    browser = Client()
    browser.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD})
    assert browser.get(reverse("home")).status_code == 200
    redis_cache()  # stop it
    assert browser.get(reverse("home")).status_code == 200
    assert browser.get(reverse("album_list")).status_code == 200


# --- the database goes away mid-request ----------------------------------------------------------


def _lose_database():
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
def test_lost_database_answers_503_page_with_retry_after(owner, monkeypatch, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    monkeypatch.setattr(photo_selectors, "timeline_page", lambda **kw: _lose_database())
    response = client.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Back in a moment" in html and "try again" in html.lower()
    assert "Traceback" not in html and "OperationalError" not in html
    assert "<script" not in html and "style=" not in html
    assert response["Content-Security-Policy"]


@pytest.mark.django_db
def test_lost_database_answers_503_json_to_the_api_and_the_uploader(owner, monkeypatch):
    monkeypatch.setattr(photo_services, "photo_upload", lambda **kw: _lose_database())
    api = Client(
        headers={"authorization": f"Bearer {token_pair_issue(user=owner).access}"},
        raise_request_exception=False,
    )
    page = page_uploader_client(owner, raise_request_exception=False)
    answers = [
        api.post(reverse("api_photo_list"), {"file": jpeg_file(1)}),
        page_upload(page, jpeg_file(2)),
    ]
    for response in answers:
        assert response.status_code == 503
        assert response["Retry-After"].isdigit()
        assert response.json()["code"] == "database_unavailable"
        assert "try again" in response.json()["detail"]


@pytest.mark.django_db
def test_other_database_errors_stay_500(owner, monkeypatch, settings):
    """Only a lost connection is "try again"; a broken query is a bug and must stay visible."""
    from django.db import ProgrammingError

    settings.DEBUG = False

    def broken(**kwargs):
        raise ProgrammingError("column does not exist")

    monkeypatch.setattr(photo_selectors, "timeline_page", broken)
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    assert client.get(reverse("home")).status_code == 500


if IS_POSTGRES:
    # Terminating backends needs a real server; SQLite has no connections to lose. The
    # 503 answer itself is tested above on every database.

    def _terminate(pid: int) -> None:
        import psycopg

        params = settings.DATABASES["default"]
        with psycopg.connect(
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
            dbname=connection.settings_dict["NAME"],
            autocommit=True,
        ) as control:
            control.execute("SELECT pg_terminate_backend(%s)", [pid])

    @pytest.mark.django_db(transaction=True)
    def test_uploads_survive_database_connections_being_terminated(
        live_server, owner, media_root, monkeypatch
    ):
        """Every third upload has its connection killed half-way, as a PostgreSQL restart
        would: that request answers 503, the next ones reconnect and succeed, and every 201
        has its row and files while the failed ones left nothing."""
        import requests

        real_process = photo_services.process_image
        calls = {"n": 0}

        def process_then_lose_connection(source, **kwargs):
            result = real_process(source, **kwargs)
            calls["n"] += 1
            if calls["n"] % 3 == 0:
                connection.ensure_connection()
                _terminate(connection.connection.info.backend_pid)
            return result

        monkeypatch.setattr(photo_services, "process_image", process_then_lose_connection)
        token = token_pair_issue(user=owner).access
        statuses, created = [], []
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            for seed in range(9):
                response = http.post(
                    live_server.url + reverse("api_photo_list"),
                    files={"file": (f"p{seed}.jpg", jpeg_file(seed).getvalue(), "image/jpeg")},
                    timeout=30,
                )
                statuses.append(response.status_code)
                if response.status_code == 503:
                    assert response.json()["code"] == "database_unavailable"
                    assert response.headers["Retry-After"].isdigit()
                else:
                    created.append(response.json()["id"])
            timeline = http.get(live_server.url + reverse("api_photo_list"), timeout=30)
        assert statuses == [201, 201, 503] * 3
        assert timeline.status_code == 200
        close_old_connections()
        photos = list(Photo.objects.filter(owner=owner))
        assert sorted(str(p.public_id) for p in photos) == sorted(created)
        assert stored_files(media_root) == sorted(n for p in photos for n in stored_names(p))

    @pytest.mark.django_db(transaction=True)
    def test_pages_answer_503_when_the_connection_dies_and_recover(live_server, owner, monkeypatch):
        import requests

        browser = Client()
        browser.force_login(owner)
        cookie = {settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value}
        real_page = photo_selectors.timeline_page
        armed = {"once": True}

        def page_after_losing_connection(**kwargs):
            if armed.pop("once", False):
                connection.ensure_connection()
                _terminate(connection.connection.info.backend_pid)
            return real_page(**kwargs)

        monkeypatch.setattr(photo_selectors, "timeline_page", page_after_losing_connection)
        url = live_server.url + reverse("home")
        first = requests.get(url, cookies=cookie, timeout=30)
        second = requests.get(url, cookies=cookie, timeout=30)
        assert first.status_code == 503
        assert "Back in a moment" in first.text
        assert first.headers["Retry-After"].isdigit()
        assert second.status_code == 200


# --- storage fails half-way ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["page", "api"])
def test_storage_failure_mid_upload_leaves_no_row_and_no_file(
    owner, media_root, monkeypatch, settings, endpoint
):
    from django.core.files.storage import storages

    settings.DEBUG = False  # the production error page, not the debug one
    storage = storages["default"]
    real_save = storage._save
    calls = []

    def failing_save(name, content):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("No space left on device")
        return real_save(name, content)

    monkeypatch.setattr(storage, "_save", failing_save)
    if endpoint == "page":
        client = page_uploader_client(owner, raise_request_exception=False)
        response = page_upload(client, jpeg_file(1))
    else:
        client = Client(
            headers={"authorization": f"Bearer {token_pair_issue(user=owner).access}"},
            raise_request_exception=False,
        )
        response = client.post(reverse("api_photo_list"), {"file": jpeg_file(1)})
    assert len(calls) == 3
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["code"] == "storage_unavailable"
    assert "try this upload again" in response.json()["detail"]
    assert b"No space left" not in response.content and b"Traceback" not in response.content
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []
    # And the next upload, once the disk is fine again, works.
    monkeypatch.setattr(storage, "_save", real_save)
    assert photo_services.photo_upload(owner=owner, file=_uploaded(jpeg_file(1))).created


def _uploaded(file):
    return SimpleUploadedFile(file.name, file.getvalue(), content_type="image/jpeg")


# --- many uploads at once ------------------------------------------------------------------

# SQLite's in-memory test database shares one cache between threads, where a second writer
# gets "table is locked" at once instead of waiting; real SQLite files and PostgreSQL wait.
# So on SQLite the threads take turns for the database work; on PostgreSQL they truly race.
_SQLITE_TURNS = threading.Lock()


def _parallel_uploads(owner, files, album=None) -> list:
    barrier = threading.Barrier(len(files))
    results, errors = [None] * len(files), []

    def run(index, file):
        try:
            barrier.wait(timeout=30)
            if IS_POSTGRES:
                results[index] = photo_services.photo_upload(owner=owner, file=file, album=album)
            else:
                with _SQLITE_TURNS:
                    results[index] = photo_services.photo_upload(
                        owner=owner, file=file, album=album
                    )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(files)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_uploads_of_the_same_file_make_one_photo(owner, media_root):
    data = jpeg_file(7).getvalue()
    files = [SimpleUploadedFile(f"copy-{i}.jpg", data, "image/jpeg") for i in range(20)]
    results = _parallel_uploads(owner, files)
    [photo] = Photo.objects.filter(owner=owner)
    assert {r.photo.pk for r in results} == {photo.pk}
    assert sum(r.created for r in results) == 1
    assert stored_files(media_root) == sorted(stored_names(photo))


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_different_uploads_make_twenty_photos_and_one_cover(owner, media_root):
    album = Album.objects.create(owner=owner, title="Party")
    files = [_uploaded(jpeg_file(100 + i)) for i in range(20)]
    results = _parallel_uploads(owner, files, album=album)
    assert all(r.created for r in results)
    photos = list(Photo.objects.filter(albums=album))
    assert len(photos) == 20
    # The cover is the newest of them (nobody picked one).
    shown = album_selectors.album_with_cover(album=album).shown_cover
    assert shown == max(photos, key=lambda p: (p.taken_at, p.pk))
    assert len(stored_files(media_root)) == 80
    assert stored_files(media_root) == sorted(n for p in photos for n in stored_names(p))
