"""PostgreSQL restarted in the middle of a run of uploads.

A private PostgreSQL cluster (initdb in a temporary folder, its own loopback port) serves a
gunicorn instance of Pikoshi; uploads keep arriving while that cluster is restarted. The
requests caught by the restart must fail cleanly (503 with a message), the ones after it
must succeed again without restarting Pikoshi, and every upload that answered 201 must be
in the database with all its files. The shared PostgreSQL other runs use is never touched.

Defined only where the tests run on PostgreSQL (CI), whose server binaries it borrows.
"""

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from gallery.tests.factories import jpeg_bytes

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
IS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(*command: str) -> None:
    """Run a server binary as the postgres user (initdb refuses root)."""
    prefix = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*prefix, *command],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )


def _jpeg(seed: int) -> bytes:
    return jpeg_bytes(seed=seed, quality=90)


def _upload(base: str, token: str, seed: int) -> tuple[int, dict]:
    boundary = f"----pikoshi{seed}"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="p{seed}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + _jpeg(seed)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/api/photos/",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


if IS_POSTGRES and PG_BIN:

    @pytest.fixture
    def private_cluster():
        folder = Path(tempfile.mkdtemp(prefix="pikoshi-pg-"))
        shutil.chown(folder, "postgres", "postgres") if os.geteuid() == 0 else None
        data = folder / "data"
        port = _free_port()
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        bin_dir = PG_BIN[-1]
        # The server's own log keeps it off our pipes (pg_ctl would otherwise never return).
        pg_ctl = [f"{bin_dir}/pg_ctl", "-D", str(data), "-l", str(folder / "log")]
        _as_postgres(f"{bin_dir}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres")
        _as_postgres(*pg_ctl, "-o", options, "-w", "start")

        def restart():
            _as_postgres(*pg_ctl, "-o", options, "-m", "fast", "-w", "restart")

        yield f"postgres://postgres@127.0.0.1:{port}/postgres", restart
        _as_postgres(*pg_ctl, "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)

    def test_uploads_survive_a_postgresql_restart(private_cluster, tmp_path):
        database_url, restart = private_cluster
        media = tmp_path / "media"
        port = _free_port()
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media),
            "REDIS_URL": "",
            "ALLOWED_HOSTS": "127.0.0.1",
            "THROTTLE_UPLOAD": "100000/min",
            "REQUEST_LOG": "0",
            "DJANGO_SETTINGS_MODULE": "pikoshi.settings",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=120)
        token = (
            subprocess.run(
                [
                    *manage,
                    "shell",
                    "-c",
                    "from accounts.models import User;"
                    "from accounts.api.tokens import token_pair_issue;"
                    "u = User.objects.create_user(email='pg@example.com', password='x');"
                    "print(token_pair_issue(user=u).access)",
                ],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "pikoshi.wsgi"]
        server = subprocess.Popen(
            [*gunicorn, "-b", f"127.0.0.1:{port}", "-w", "1", "--threads", "4", "-t", "60"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)

            results: list[tuple[float, int, dict]] = []
            stop = threading.Event()

            def uploader(offset: int):
                seed = offset
                while not stop.is_set():
                    status, body = _upload(base, token, seed)
                    results.append((time.monotonic(), status, body))
                    seed += 2

            threads = [threading.Thread(target=uploader, args=(n,)) for n in (1, 2)]
            for thread in threads:
                thread.start()
            time.sleep(1.5)
            restart()
            restarted_at = time.monotonic()
            time.sleep(2.5)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            server.terminate()
            server.wait(timeout=30)

        statuses = [status for _, status, _ in results]
        assert set(statuses) <= {201, 503}, statuses
        assert 503 in statuses, "no request was caught by the restart"
        for _, status, body in results:
            if status == 503:
                assert body["code"] == "database_unavailable"
                assert "try again" in body["detail"]
        assert any(at > restarted_at and status == 201 for at, status, _ in results)

        created = {body["id"] for _, status, body in results if status == 201}
        import psycopg

        with psycopg.connect(database_url) as conn:
            rows = conn.execute(
                "SELECT public_id::text, original, thumb, mobile, display FROM gallery_photo"
            ).fetchall()
        stored = {row[0]: row[1:] for row in rows}
        assert created <= set(stored)
        for photo_id in created:
            for name in stored[photo_id]:
                assert (media / name).is_file(), name
