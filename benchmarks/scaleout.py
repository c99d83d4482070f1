"""Scale-out proof: two web instances and a worker sharing PostgreSQL, Redis and S3.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pikoshi_scaleout \\
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python benchmarks/scaleout.py

Everything is configured the way an operator would, with environment variables only:
an S3-compatible server (moto) on a free loopback port with a private bucket, the
database (created if missing) migrated once, then two gunicorn instances on different
ports and one RQ worker, all with DEBUG off. A person signs in through web A (allauth's
app API, JWT), uploads a photo to A's API, waits until web B reports it ready (rendered
by the worker, not by A), views it through B and follows B's media redirect to the
bucket, comparing the bytes with the display variant and the original stored there.

Prints OK and timings; exits non-zero (with the processes' logs) on any failure.
"""

import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import psycopg
from botocore.exceptions import BotoCoreError
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent
BUCKET = "pikoshi-scaleout"
TIMEOUT = float(os.environ.get("SCALEOUT_TIMEOUT", "120"))


class Failed(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http(method: str, url: str, *, body: bytes | None = None, headers=None, ok=(200,)):
    """(status, headers, body) of one request; redirects are returned, not followed."""
    if not url.startswith("http://127.0.0.1:"):
        raise Failed(f"not a loopback URL: {url}")
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with OPENER.open(request, timeout=30) as response:
            status, head, data = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, head, data = exc.code, exc.headers, exc.read()
    if status not in ok:
        raise Failed(f"{method} {url} answered {status}: {data[:300]!r}")
    return status, head, data


def multipart(field: str, filename: str, data: bytes, content_type: str):
    boundary = secrets.token_hex(16)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')  # name from our own environment


class Stack:
    """The processes of the run, stopped together; their output goes to files."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict) -> None:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(  # noqa: S603 - our own commands
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise Failed(f"{name} exited with {proc.returncode}")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    def dump_logs(self) -> None:
        for path in sorted(self.logs.glob("*.log")):
            lines = path.read_text(errors="replace").splitlines()[-30:]
            print(f"--- {path.name} (last {len(lines)} lines)", file=sys.stderr)
            for line in lines:
                print(line, file=sys.stderr)


def run(command: list[str], env: dict) -> str:
    done = subprocess.run(  # noqa: S603 - our own commands
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if done.returncode:
        raise Failed(f"{' '.join(command[1:3])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_for(what: str, check, stack: Stack, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        stack.check_alive()
        try:
            result = check()
        except (OSError, Failed, BotoCoreError):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise Failed(f"timed out waiting for {what}")
        time.sleep(0.1)


def photo_bytes() -> bytes:
    """A 2400×1600 JPEG, so the display variant is a real reduction."""
    image = Image.linear_gradient("L").resize((2400, 1600)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


CREATE_USER = """
from allauth.account.models import EmailAddress
from accounts.models import User
import os
user = User.objects.create_user(email=os.environ["SCALEOUT_EMAIL"],
                                password=os.environ["SCALEOUT_PASSWORD"])
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
"""


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        print("scaleout: set DATABASE_URL (PostgreSQL) and REDIS_URL", file=sys.stderr)
        return 2
    timings: dict[str, float] = {}
    started = time.monotonic()
    logs = Path(tempfile.mkdtemp(prefix="pikoshi-scaleout-"))
    stack = Stack(logs)
    try:
        s3_port, port_a, port_b = free_port(), free_port(), free_port()
        endpoint = f"http://127.0.0.1:{s3_port}"
        stack.start(
            "s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)], {**os.environ}
        )
        keys = {"aws_access_key_id": "scaleout", "aws_secret_access_key": "scaleout-secret"}
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
        wait_for("the S3 server", lambda: s3.list_buckets() is not None, stack)
        s3.create_bucket(Bucket=BUCKET)

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pikoshi.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TASKS_BACKEND": "rq",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": keys["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": keys["aws_secret_access_key"],
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "4",
        }
        ensure_database(database_url)
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
        # No collectstatic: this run touches only JSON endpoints and media, and STATIC_ROOT
        # is shared with anything else running from this checkout.
        email = f"scaleout-{secrets.token_hex(6)}@example.com"
        password = secrets.token_urlsafe(16) + "-Aa1!"
        run(
            [PY, "manage.py", "shell", "-c", CREATE_USER],
            {**env, "SCALEOUT_EMAIL": email, "SCALEOUT_PASSWORD": password},
        )
        timings["setup"] = time.monotonic() - started

        t = time.monotonic()
        gunicorn = [str(BIN / "gunicorn"), "pikoshi.wsgi", "-c", "pikoshi/gunicorn.conf.py"]
        stack.start("web-a", gunicorn, {**env, "BIND": f"127.0.0.1:{port_a}"})
        stack.start("web-b", gunicorn, {**env, "BIND": f"127.0.0.1:{port_b}"})
        stack.start(
            "worker",
            [PY, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job", "default"],
            env,
        )
        web_a, web_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        for base in (web_a, web_b):
            wait_for(f"{base}/readyz", lambda b=base: http("GET", f"{b}/readyz")[0] == 200, stack)
        timings["start two web instances and a worker"] = time.monotonic() - t

        t = time.monotonic()
        _, _, body = http(
            "POST",
            f"{web_a}/_allauth/app/v1/auth/login",
            body=json.dumps({"email": email, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
        )
        auth = {"Authorization": f"Bearer {json.loads(body)['meta']['access_token']}"}
        timings["sign in on A"] = time.monotonic() - t

        t = time.monotonic()
        original = photo_bytes()
        form, content_type = multipart("file", "scaleout.jpg", original, "image/jpeg")
        _, _, body = http(
            "POST",
            f"{web_a}/api/photos/",
            body=form,
            headers={**auth, "Content-Type": content_type},
            ok=(201,),
        )
        uploaded = json.loads(body)
        if uploaded["status"] != "processing":
            raise Failed(f"A rendered the upload itself: {uploaded['status']}")
        timings["upload to A"] = time.monotonic() - t

        t = time.monotonic()
        photo_url = f"{web_b}/api/photos/{uploaded['id']}/"

        def ready():
            photo = json.loads(http("GET", photo_url, headers=auth)[2])
            if photo["status"] == "failed":
                raise SystemExit(f"scaleout: FAILED processing: {photo.get('failure_reason')}")
            return photo if photo["status"] == "ready" else None

        photo = wait_for("the worker to make the variants", ready, stack)
        timings["processing seen on B"] = time.monotonic() - t

        t = time.monotonic()
        for variant, expected in (("display", None), ("original", original)):
            status, head, _ = http("GET", photo["urls"][variant], ok=(302,))
            location = head["Location"]
            if not location.startswith(f"{endpoint}/{BUCKET}/"):
                raise Failed(f"{variant} did not redirect to the bucket: {location}")
            _, s3_head, served = http("GET", location)
            if expected is None:
                listing = s3.list_objects_v2(Bucket=BUCKET, Prefix="variants/")["Contents"]
                key = next(
                    o["Key"]
                    for o in listing
                    if uploaded["id"] in o["Key"] and "/display-" in o["Key"]
                )
                expected = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
                if Image.open(io.BytesIO(served)).size != (1600, 1067):
                    raise Failed("the display variant has the wrong size")
            if served != expected:
                raise Failed(f"{variant}: the bytes from the bucket differ")
            print(
                f"scaleout: {variant} via B -> 302 -> S3 {s3_head['Content-Type']}, "
                f"{len(served)} bytes identical"
            )
        timings["view through B"] = time.monotonic() - t
    except (Failed, KeyError, StopIteration, subprocess.TimeoutExpired) as exc:
        print(f"scaleout: FAILED: {exc!r}", file=sys.stderr)
        stack.stop()
        stack.dump_logs()
        return 1
    finally:
        stack.stop()
    shutil.rmtree(logs, ignore_errors=True)
    for step, seconds in timings.items():
        print(f"scaleout: {step}: {seconds:.2f}s")
    print(f"scaleout: OK in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
