"""A contributor's upload racing the purge of the album's owner is never deleted with it.

The purge deletes the person's albums, never other people's photos in them: those stay in
their owners' libraries. The test holds the purge while it deletes the purged person's
own photos, and right then Carla, another contributor, uploads into that album from a
second thread with its own connection and real transactions. Either her upload is kept
(in her library) or it is refused with a 404; it must never be told "stored" and then
vanish with the album.

PostgreSQL only: SQLite has one writer at a time, so there is no such moment to race in.
The interleaving is forced, not hoped for: the purge waits until Carla's upload has either
finished or is waiting for a lock the purge holds (`pg_blocking_pids`), then goes on.
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.http import Http404

from accounts.models import User
from accounts.services import user_purge
from gallery.models import Album, AlbumMember, Photo
from gallery.services import photos as photo_services
from gallery.services.photos import photo_upload
from gallery.tests.factories import jpeg_upload, make_album, make_photo
from gallery.tests.factories import media_root_fixture as media_root_fixture  # noqa: F401

IS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_root"),
]

WAIT = 30  # seconds: far beyond what any step takes, only so a bug cannot hang the run


class RacingUpload:
    """Carla's upload into `album`, in a thread of its own with its own connection."""

    def __init__(self, uploader, album):
        self.uploader, self.album = uploader, album
        self.pid: int | None = None
        self.connected = threading.Event()
        self.result = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        try:
            if IS_POSTGRES:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    self.pid = cursor.fetchone()[0]
            self.started = time.monotonic()
            self.connected.set()
            self.result = photo_upload(
                owner=self.uploader, file=jpeg_upload("carla.jpg", seed=7), album=self.album
            )
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.connected.set()
            connection.close()

    def _blocked(self) -> bool:
        """True while the upload's transaction waits for a lock someone else holds.

        PostgreSQL says so; SQLite has one writer at a time and no such view, so there an
        upload still running after a second is taken to wait for the purge's write."""
        if not IS_POSTGRES:
            return time.monotonic() - self.started > 1.0
        with connection.cursor() as cursor:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s))", [self.pid])
            return cursor.fetchone()[0] > 0

    def run_until_done_or_blocked(self) -> None:
        self.thread.start()
        assert self.connected.wait(WAIT), "the upload never reached the database"
        deadline = time.monotonic() + WAIT
        while self.thread.is_alive() and not self._blocked():
            assert time.monotonic() < deadline, "the upload neither finished nor waited"
            time.sleep(0.01)

    def join(self) -> None:
        self.thread.join(WAIT)
        assert not self.thread.is_alive(), "the upload never finished"


def test_an_upload_racing_the_purge_is_filed_away_or_refused_never_lost(
    owner, guest, make_user, monkeypatch
):
    carla = make_user("carla@example.com", display_name="Carla Contributor")
    trip = make_album(owner, title="Olivia's trip")
    for contributor in (guest, carla):
        AlbumMember.objects.create(album=trip, user=contributor, role="contributor")
    make_photo(owner, album=trip)
    gabriels = make_photo(guest, album=trip)
    race = RacingUpload(carla, trip)

    real_delete = photo_services.photos_delete_forever

    def delete_then_race(*, photos):
        # The purge deletes Olivia's own photos first; Carla uploads right then, before
        # the purge has deleted the album.
        if not race.thread.ident:
            race.run_until_done_or_blocked()
        return real_delete(photos=photos)

    monkeypatch.setattr(photo_services, "photos_delete_forever", delete_then_race)

    user_purge(user=owner)
    race.join()

    assert race.thread.ident, "the purge never reached Olivia's photos"
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not Album.objects.filter(pk=trip.pk).exists()
    # Gabriel's photo stays in his library: the album took only its entry with it.
    assert Photo.objects.filter(pk=gabriels.pk, owner=guest, deleted_at__isnull=True).exists()
    if race.error is None:
        # Told "stored": then it is, in her own library.
        kept = Photo.objects.filter(pk=race.result.photo.pk).first()
        assert kept is not None, "Carla's upload was deleted with Olivia's album"
        assert kept.owner == carla and not kept.albums.exists()
    else:
        # Refused: as an album that no longer exists, never as a server error.
        assert isinstance(race.error, Http404), repr(race.error)
        assert not Photo.objects.filter(owner=carla).exists()
