"""Variant generation by real RQ workers on the Redis named by REDIS_URL.

Most tests run a worker in this process in burst mode (it shares the test's database
connection). The kill test runs `manage.py rqworker` as a separate process on the test
database, kills it with SIGKILL in the middle of a job, and shows the photo still ends
ready after `requeue_stuck` and a new worker.
"""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import django_rq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django_tasks_rq import Job
from PIL import Image
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry, StartedJobRegistry

from gallery.models import Photo
from gallery.services.photos import photo_upload
from gallery.tests.factories import jpeg_bytes, media_root_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture
def rq_queue(settings):
    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = {"default": {"URL": os.environ["REDIS_URL"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    _clear(queue)
    yield queue
    _clear(queue)


def _clear(queue):
    """Forget every queue, job and registry (RQ keeps them all under "rq:")."""
    keys = list(queue.connection.scan_iter("rq:*"))
    if keys:
        queue.connection.delete(*keys)


def work(queue) -> None:
    """An RQ worker in this process until the queue is empty."""
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(
        burst=True, logging_level="WARNING"
    )


def upload(owner, data: bytes, capture):
    file = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
    with capture(execute=True):
        return photo_upload(owner=owner, file=file).photo


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db
@pytest.mark.usefixtures("media_root")
def test_a_worker_makes_the_variants_of_an_upload(
    owner, rq_queue, media_root, django_capture_on_commit_callbacks
):
    photo = upload(owner, jpeg_bytes(900, 600), django_capture_on_commit_callbacks)
    assert photo.status == Photo.Status.PENDING
    assert rq_queue.count == 1

    work(rq_queue)

    photo.refresh_from_db()
    assert photo.status == Photo.Status.READY
    assert rq_queue.count == 0
    assert files(media_root) == {
        photo.original.name,
        photo.thumb.name,
        photo.mobile.name,
        photo.display.name,
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("media_root")
def test_a_job_that_keeps_failing_is_retried_on_the_queue_then_the_photo_fails(
    owner, rq_queue, settings, media_root, django_capture_on_commit_callbacks
):
    """Each retry is a scheduled job, due four times later than the last (a worker started
    with --with-scheduler enqueues it when due; here the test does, at once)."""
    settings.PIKOSHI_TASK_ATTEMPTS = 3
    settings.PIKOSHI_TASK_RETRY_SECONDS = 60
    photo = upload(owner, jpeg_bytes(900, 600), django_capture_on_commit_callbacks)
    (media_root / photo.original.name).unlink()

    work(rq_queue)
    scheduled = ScheduledJobRegistry(queue=rq_queue)
    for attempts, wait in ((1, 60), (2, 240)):
        photo.refresh_from_db()
        assert photo.status == Photo.Status.PENDING and photo.attempts == attempts
        (job_id,) = scheduled.get_job_ids()
        due = scheduled.get_scheduled_time(job_id)
        assert abs((due - datetime.now(UTC)).total_seconds() - wait) < 5
        assert rq_queue.count == 0  # nothing runs before it is due
        job = Job.fetch(job_id, connection=rq_queue.connection)
        scheduled.remove(job)
        rq_queue.enqueue_job(job)
        work(rq_queue)

    photo.refresh_from_db()
    assert photo.status == Photo.Status.FAILED
    assert photo.attempts == 3
    assert photo.failure_reason
    assert rq_queue.count == 0


def _big_png() -> bytes:
    """Slow enough to render (about half a second) that a worker can be killed mid-job."""
    out = io.BytesIO()
    Image.linear_gradient("L").resize((8000, 6000)).convert("RGB").save(
        out, "PNG", compress_level=1
    )
    return out.getvalue()


def _worker(media_root: Path, *extra: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pikoshi.settings",
        "DEBUG": "1",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/"
            f"{db['NAME']}"
        ),
        "MEDIA_ROOT": str(media_root),
        "TASKS_BACKEND": "rq",
        "REQUEST_LOG": "0",
    }
    command = [sys.executable, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [*command, *extra, "default"],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: SIGKILL reaches the work horse too
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill_9(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its work horse, as when their machine dies.

    RQ forks a work horse per job into a process group of its own; killing only the
    worker would let the horse finish the job, which is not the case under test.
    """
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    assert children, "no work horse running"
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    os.killpg(worker.pid, signal.SIGKILL)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("media_root")
def test_a_photo_whose_worker_is_killed_mid_job_still_ends_ready(owner, rq_queue, media_root):
    file = SimpleUploadedFile("big.png", _big_png(), content_type="image/png")
    photo = photo_upload(owner=owner, file=file).photo  # committed: the job is queued
    job_id = rq_queue.job_ids[0]
    started = StartedJobRegistry(queue=rq_queue)

    worker = _worker(media_root)
    try:
        deadline = time.monotonic() + 60
        # Mid-job: RQ has started it and the job has claimed the photo (attempt 1).
        while not (
            job_id in started.get_job_ids(cleanup=False)
            and Photo.objects.filter(pk=photo.pk, attempts=1).exists()
        ):
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.005)
        _kill_9(worker)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    photo.refresh_from_db()
    assert photo.status == Photo.Status.PENDING, "the job finished before the kill"
    assert photo.attempts == 1
    assert rq_queue.count == 0  # the job went down with the worker

    out = io.StringIO()
    call_command("requeue_stuck", "--minutes", "0", stdout=out)
    assert "Queued 1 stuck photo again" in out.getvalue()
    assert rq_queue.count == 1

    second = _worker(media_root, "--burst")
    try:
        assert second.wait(timeout=120) == 0, second.stderr.read().decode()
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)

    photo.refresh_from_db()
    assert photo.status == Photo.Status.READY
    assert photo.attempts == 2
    assert files(media_root) == {
        photo.original.name,
        photo.thumb.name,
        photo.mobile.name,
        photo.display.name,
    }
