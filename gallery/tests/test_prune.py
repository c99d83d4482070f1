"""`manage.py prune_media`: an inventory of the photo folders against the rows that name
their files.

An upload writes its files before its transaction commits. When that transaction never
commits (the caller rolls it back, or the process is killed: SIGKILL, out of memory, a
lost machine) the files stay with no row naming them; the prune finds and removes them
once they are older than the grace period. The kill tests run the upload in a real
second process on the test database and kill it with SIGKILL while its INSERT waits,
after every file is written and before anything commits.
"""

import io
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from accounts.models import Export
from gallery.models import Album, Photo
from gallery.services import photos as photo_services
from gallery.services.upkeep import media_prune
from gallery.tests.factories import (  # noqa: F401
    jpeg_upload,
    make_album,
    media_root_fixture,
    stored_files,
)
from gallery.tests.test_s3 import KEYS, bucket, objects, s3_endpoint, s3_settings  # noqa: F401

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
IS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
NOW = timedelta(0)  # no grace: every file no row names goes


def upload(owner, **image):
    return photo_services.photo_upload(owner=owner, file=jpeg_upload(**image)).photo


def names_of(photo) -> list[str]:
    return [photo.original.name] + [
        photo.variant_file(v).name for v in ("thumb", "mobile", "display")
    ]


def age(root: Path, names, hours: float) -> None:
    """Make local files look `hours` old, as a file left since yesterday would be."""
    then = time.time() - hours * 3600
    for name in names:
        os.utime(root / name, (then, then))


def prune(*args: str) -> str:
    out = io.StringIO()
    call_command("prune_media", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def roll_back_an_upload(owner, **image) -> list[str]:
    """An upload whose caller's transaction rolls back; returns the files it left."""
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            photo = upload(owner, **image)
            raise RuntimeError
    assert not Photo.objects.filter(pk=photo.pk).exists()
    return names_of(photo)


# --- uploads rolled back by their caller -------------------------------------------------------


def test_rollback_of_an_outer_transaction_leaves_files_the_prune_removes(owner, media_root):
    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        with transaction.atomic():
            photo = upload(owner)
            assert len(stored_files(media_root)) == 4
            raise Abort
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert len(media_prune(older_than=NOW, dry_run=False).removed) == 4
    assert stored_files(media_root) == []


def test_prune_after_a_rolled_back_upload_keeps_only_the_committed_photos_files(owner, media_root):
    roll_back_an_upload(owner, color=(250, 0, 0))
    kept = upload(owner, color=(0, 250, 0))
    media_prune(older_than=NOW, dry_run=False)
    assert stored_files(media_root) == sorted(names_of(kept))


def test_files_of_a_saved_photo_survive_the_prune(owner, media_root):
    photo = upload(owner)
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert media_prune(older_than=NOW, dry_run=False).removed == []
    assert len(stored_files(media_root)) == 4


def test_prune_keeps_committed_and_trashed_photos_and_every_file_a_row_names(owner, media_root):
    left = roll_back_an_upload(owner, color=(10, 20, 30))
    committed = upload(owner, color=(40, 50, 60))
    trashed = photo_services.photo_trash(user=owner, photo=upload(owner, color=(70, 80, 90)))
    export = Export.objects.create(user=owner, status=Export.Status.READY)
    export.file.save(f"{export.public_id}.zip", ContentFile(b"PK archive"), save=True)
    # A file any table names is kept, whatever folder it is in.
    odd = default_storage.save(f"variants/{owner.uuid}/odd.zip", ContentFile(b"PK"))
    Export.objects.create(user=owner, status=Export.Status.READY, file=odd)
    # Outside the photo folders the prune lists nothing and so removes nothing.
    stray = default_storage.save(f"exports/{owner.uuid}/no-row.zip", ContentFile(b"PK"))
    age(media_root, stored_files(media_root), hours=48)

    report = media_prune(older_than=timedelta(hours=24), dry_run=False)

    assert sorted(f.name for f in report.removed) == sorted(left)
    assert report.named == 9  # 4 + 4 photo files and the odd one; the archives are elsewhere
    assert report.missing == []
    assert stored_files(media_root) == sorted(
        [*names_of(committed), *names_of(trashed), export.file.name, odd, stray]
    )


# --- dry run, grace period, missing files, output -----------------------------------------------


def test_dry_run_removes_nothing_and_says_what_it_would(owner, media_root):
    left = roll_back_an_upload(owner)
    before = stored_files(media_root)

    out = prune("--dry-run", "--older-than", "0")

    assert stored_files(media_root) == before
    assert "Would remove 4 files" in out
    for name in left:
        assert name in out
    assert len(media_prune(older_than=NOW, dry_run=True).removed) == 4
    assert stored_files(media_root) == before


def test_files_younger_than_the_grace_are_kept(owner, media_root):
    left = roll_back_an_upload(owner)
    age(media_root, left, hours=23)

    out = prune()  # the default grace: 24 hours

    assert stored_files(media_root) == sorted(left)
    assert "Removed 0 files" in out
    assert "Kept 4 files no row names, younger than 24 hours" in out

    age(media_root, left, hours=25)
    out = prune()
    assert stored_files(media_root) == []
    assert "Removed 4 files" in out


def test_a_shorter_grace_can_be_asked_for_in_hours(owner, media_root):
    left = roll_back_an_upload(owner)
    age(media_root, left, hours=2)
    assert "Kept 4 files no row names, younger than 3 hours" in prune("--older-than", "3")
    assert stored_files(media_root) == sorted(left)
    assert "Removed 4 files" in prune("--older-than", "1.5")
    assert stored_files(media_root) == []


def test_a_missing_original_is_reported_and_nothing_else_changes(owner, media_root):
    photo = upload(owner)
    (media_root / photo.original.name).unlink()

    report = media_prune(older_than=NOW, dry_run=False)
    out = prune("--older-than", "0")

    assert [(m.photo, m.field, m.name) for m in report.missing] == [
        (photo.public_id, "original", photo.original.name)
    ]
    assert report.removed == []
    assert "1 file named by a photo is missing" in out
    assert f"photo {photo.public_id} original: {photo.original.name}" in out
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert stored_files(media_root) == sorted(names_of(photo)[1:])


def test_the_summary_gives_counts_and_sizes(owner, media_root):
    left = roll_back_an_upload(owner)
    kept = upload(owner, color=(1, 99, 1))
    size = sum((media_root / name).stat().st_size for name in left)

    out = prune("--older-than", "0")

    assert "Listed 8 files in originals/, variants/; 4 are named by a row." in out
    assert f"Removed 4 files no row names, older than 0 hours ({_size(size)})." in out
    assert stored_files(media_root) == sorted(names_of(kept))


def _size(num_bytes: int) -> str:
    from gallery.filesizes import format_size

    return format_size(num_bytes)


def test_a_negative_grace_is_refused(media_root):
    with pytest.raises(CommandError, match="cannot be negative"):
        prune("--older-than", "-1")


def test_an_empty_storage_prunes_nothing(media_root):
    report = media_prune(older_than=NOW, dry_run=False)
    assert (report.listed, report.removed, report.missing, report.failed) == (0, [], [], [])


# --- the same in a bucket -----------------------------------------------------------------------


def test_in_a_bucket_the_prune_keeps_the_young_removes_the_old_and_reports_the_missing(
    bucket,  # noqa: F811 - the fixture imported from test_s3
    owner,
):
    left = roll_back_an_upload(owner, color=(5, 5, 5))
    committed = upload(owner, color=(6, 6, 6))
    trashed = photo_services.photo_trash(user=owner, photo=upload(owner, color=(7, 7, 7)))
    default_storage.delete(committed.display.name)

    young = media_prune(older_than=timedelta(hours=24), dry_run=False)
    assert sorted(f.name for f in young.young) == sorted(left)
    assert young.removed == []
    assert len(objects(bucket)) == 11

    dry = media_prune(older_than=NOW, dry_run=True)
    assert sorted(f.name for f in dry.removed) == sorted(left)
    assert len(objects(bucket)) == 11

    report = media_prune(older_than=NOW, dry_run=False)
    assert sorted(f.name for f in report.removed) == sorted(left)
    assert [(m.photo, m.field) for m in report.missing] == [(committed.public_id, "display")]
    assert sorted(objects(bucket)) == sorted([*names_of(committed)[:3], *names_of(trashed)])


def test_an_unreachable_bucket_is_reported_without_a_traceback(tmp_path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = _child_env(
        tmp_path,
        **KEYS,
        AWS_STORAGE_BUCKET_NAME="pikoshi-media",
        AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        AWS_S3_REGION_NAME="eu-west-1",
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "prune_media"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "The media storage could not be listed" in done.stderr
    assert "Could not connect" in done.stderr
    assert "Nothing was removed" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


# --- an upload killed before it commits ---------------------------------------------------------


def _child_env(tmp_path, **extra: str) -> dict[str, str]:
    """Pikoshi's own settings on the test database, as a second process would run them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in ("DATABASE_URL", "MEDIA_ROOT")
    }
    db = connection.settings_dict
    if IS_POSTGRES:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/"
            f"{db['NAME']}"
        )
    else:
        env["SQLITE_PATH"] = str(tmp_path / "unused.sqlite3")
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "pikoshi.settings",
        "DEBUG": "1",
        "REQUEST_LOG": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }


UPLOAD = """
from django.core.files.uploadedfile import SimpleUploadedFile
from accounts.models import User
from gallery.services.photos import photo_upload
from gallery.tests import imagegen
from gallery.models import Album
owner = User.objects.get(uuid="{owner}")
album = Album.objects.get(public_id="{album}")
data = imagegen.jpeg((64, 48), color=(200, 30, 90))
photo_upload(
    owner=owner, album=album, file=SimpleUploadedFile("killed.jpg", data, "image/jpeg")
)
print("committed", flush=True)
"""


def _backends_waiting_on_a_lock() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is cached per transaction
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return [row[0] for row in cursor.fetchall()]


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def kill_mid_upload(owner, tmp_path, listing, **env: str) -> set[str]:
    """Run photo_upload in another process and SIGKILL it before it commits.

    This test holds the row of the album the upload goes into, so the upload's UPDATE of
    it waits after every file is written; the process is killed there.
    Returns the names of the files it wrote.
    """
    before = set(listing())
    album = make_album(owner)
    with transaction.atomic():
        Album.objects.select_for_update().get(pk=album.pk)
        child = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                UPLOAD.format(owner=owner.uuid, album=album.public_id),
            ],
            cwd=ROOT,
            env=_child_env(tmp_path, **env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 120
            while not (waiting := _backends_waiting_on_a_lock()):
                assert child.poll() is None, child.communicate()
                assert time.monotonic() < deadline, "the upload never reached its INSERT"
                time.sleep(0.1)
            written = set(listing()) - before
        finally:
            child.send_signal(signal.SIGKILL)
            out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, err
    assert b"committed" not in out
    # Its backend ends once it finds the client gone, rolling the transaction back.
    deadline = time.monotonic() + 60
    while any(_backend_alive(pid) for pid in waiting):
        assert time.monotonic() < deadline, "the killed upload's backend lingers"
        time.sleep(0.1)
    assert not Photo.objects.filter(original_name="killed.jpg").exists()
    assert len(written) == 4
    return written


if IS_POSTGRES:
    # A second process needs a database server; the in-memory SQLite test database is
    # this process's own. The rolled-back uploads above show the same on every database.

    @pytest.mark.django_db(transaction=True)
    def test_prune_removes_exactly_the_files_of_an_upload_killed_before_commit(
        owner, media_root, tmp_path
    ):
        committed = upload(owner, color=(40, 50, 60))
        trashed = photo_services.photo_trash(user=owner, photo=upload(owner, color=(9, 9, 9)))

        written = kill_mid_upload(owner, tmp_path, lambda: stored_files(media_root))
        assert all(name.split("/")[0] in ("originals", "variants") for name in written)
        assert set(stored_files(media_root)) == {*names_of(committed), *names_of(trashed)} | (
            written
        )

        out = prune("--older-than", "0")

        assert "Removed 4 files" in out
        assert stored_files(media_root) == sorted([*names_of(committed), *names_of(trashed)])

    @pytest.mark.django_db(transaction=True)
    def test_in_a_bucket_prune_removes_exactly_the_files_of_an_upload_killed_before_commit(
        bucket,  # noqa: F811 - the fixtures imported from test_s3
        owner,
        s3_endpoint,  # noqa: F811
        tmp_path,
    ):
        committed = upload(owner, color=(40, 50, 60))
        trashed = photo_services.photo_trash(user=owner, photo=upload(owner, color=(9, 9, 9)))

        written = kill_mid_upload(
            owner,
            tmp_path,
            lambda: objects(bucket),
            **KEYS,
            AWS_STORAGE_BUCKET_NAME=bucket.name,
            AWS_S3_ENDPOINT_URL=s3_endpoint,
            AWS_S3_REGION_NAME="eu-west-1",
        )
        assert set(objects(bucket)) == {*names_of(committed), *names_of(trashed)} | written

        assert "Removed 4 files" in prune("--older-than", "0")

        assert sorted(objects(bucket)) == sorted([*names_of(committed), *names_of(trashed)])
