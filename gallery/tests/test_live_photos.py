"""Live Photos (issue 17): an iPhone's still and its MOV, uploaded one after the other in
either order, become one item whose few seconds of motion play on hover or press. The
motion is shared as its rendition only (no place, device or marker); its MOV stays the
owner's, counts in the quota, travels in their downloads and export, and goes with the
item."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import User
from gallery import media
from gallery.imaging.exif import read_content_id, read_exif
from gallery.models import AlbumEntry, AlbumMember, Favorite, Photo
from gallery.selectors.photos import user_storage_used
from gallery.services import motion
from gallery.services.photos import photo_delete_forever, photo_trash, photo_upload
from gallery.tests import imagegen, planted, videogen
from gallery.tests.factories import make_album, stored_files
from gallery.tests.factories import media_root_fixture as media_root_fixture  # noqa: F401
from gallery.tests.test_api import Api
from gallery.tests.test_download import archive_of, download
from gallery.tests.test_privacy_corpus import fetch
from gallery.tests.test_video import assert_upright_marked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

CONTENT_ID = "5E3B1C9A-0D7F-4E21-9B6A-2C4D8E0F1A3B"


def live_heic(content_id: str = CONTENT_ID) -> bytes:
    """The still of a Live Photo as an iPhone writes it: the planted place, camera and
    marker, and Apple's maker note with the identifier its MOV carries too."""
    import pillow_heif

    pillow_heif.register_heif_opener(thumbnails=False)
    exif = planted.exif()
    exif.get_ifd(0x8769)[0x927C] = imagegen.apple_maker_note(content_id)
    out = io.BytesIO()
    imagegen.marked((96, 64)).save(out, "HEIF", quality=90, exif=exif.tobytes(), xmp=planted.xmp())
    return out.getvalue()


def live_mov(content_id: str = CONTENT_ID, **kwargs) -> bytes:
    kwargs.setdefault("seconds", 1.5)
    kwargs.setdefault("rotation", 90)
    return videogen.clip("mov", content_id=content_id, **kwargs)


def send(owner: User, data: bytes, name: str, album=None):
    content_type = "video/quicktime" if name.endswith(".MOV") else "image/heic"
    file = SimpleUploadedFile(name, data, content_type=content_type)
    return photo_upload(owner=owner, file=file, album=album)


@pytest.fixture
def inline(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_the_identifier_is_read_from_the_maker_note_and_the_mov():
    still = Image.open(io.BytesIO(live_heic()))
    assert read_content_id(read_exif(still)) == CONTENT_ID
    jpeg = Image.open(io.BytesIO(imagegen.jpeg(content_id=CONTENT_ID)))
    assert read_content_id(read_exif(jpeg)) == CONTENT_ID
    assert read_content_id(read_exif(Image.open(io.BytesIO(imagegen.jpeg())))) == ""


@pytest.mark.parametrize(
    "note",
    [
        b"Apple iOS\x00",  # cut after the header
        b"Apple iOS\x00\x00\x01XX\x00\x01" + bytes(12),  # no byte order
        b"Apple iOS\x00\x00\x01MM\xff\xff" + bytes(30),  # more entries than bytes
        b"Apple iOS\x00\x00\x01MM\x00\x01\x00\x11\x00\x02\x00\x00\x00\x25\xff\xff\xff\xff",
        b"Canon\x00" + bytes(40),
        imagegen.apple_maker_note("<script>alert(1)</script>"),
    ],
)
def test_a_bogus_maker_note_is_no_identifier_and_no_error(note):
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x927C] = note
    still = Image.open(io.BytesIO(imagegen.jpeg(exif=exif)))
    assert read_content_id(read_exif(still)) == ""


def test_the_mov_after_its_still_becomes_its_motion(owner, guest, inline):
    album = make_album(owner, title="Beach")
    with inline(execute=True):
        still = send(owner, live_heic(), "IMG_0042.HEIC", album=album).photo
    assert still.content_id == CONTENT_ID and not still.is_live
    mov = live_mov()
    with inline(execute=True):
        result = send(owner, mov, "IMG_0042.MOV")
    assert result.created and result.photo.pk == still.pk
    assert Photo.objects.count() == 1  # one item, not a photo and a video
    still.refresh_from_db()
    assert still.is_live and still.kind == Photo.Kind.PHOTO
    assert still.motion_original.open("rb").read() == mov
    assert still.motion_bytes == len(mov) and 1400 <= still.duration_ms <= 1600
    assert still.video and still.video_bytes == still.video.size
    assert user_storage_used(user=owner) == still.bytes + len(mov)

    body = Api(owner).get(f"/api/photos/{still.public_id}/").json()
    assert body["kind"] == "photo" and body["live"] is True and "video" in body["urls"]

    # Shared: the motion is its rendition, upright, with no place, device or marker.
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.VIEWER)
    member = Client()
    member.force_login(guest)
    played = fetch(member, media.media_url(photo=still, variant="video", user=guest))
    assert planted.leaks(played) == [] and b"Lavf" not in played
    assert CONTENT_ID.encode() not in played
    assert_upright_marked(videogen.frames_of(played)[0], videogen.UPRIGHT)
    for variant in media.VARIANTS:
        assert (
            planted.leaks(fetch(member, media.media_url(photo=still, variant=variant, user=guest)))
            == []
        )
    # A member's ZIP holds the still (its display copy), never the MOV.
    assert list(archive_of(download(member, [still]))) == [f"photo-{still.public_id}.webp"]


def test_the_mov_before_its_still_is_folded_into_it(owner, guest, media_root, inline):
    album = make_album(owner, title="Beach")
    with inline(execute=True):
        video = send(owner, live_mov(), "IMG_0042.MOV", album=album).photo
    video.refresh_from_db()
    assert video.is_video and video.is_ready and video.content_id == CONTENT_ID
    Favorite.objects.create(user=owner, photo=video)
    video_files = {video.thumb.name, video.mobile.name, video.display.name, video.video.name}
    mov_name = video.original.name

    with inline(execute=True):
        result = send(owner, live_heic(), "IMG_0042.HEIC")
    still = result.photo
    still.refresh_from_db()
    assert list(Photo.objects.all()) == [still]
    assert still.is_live and still.motion_original.name == mov_name and still.video
    # What the video was in, the Live Photo is in now.
    assert AlbumEntry.objects.filter(album=album, photo=still).exists()
    assert Favorite.objects.filter(user=owner, photo=still).exists()
    # The video's own poster and rendition are gone; its MOV is the still's.
    left = set(stored_files(media_root))
    assert not video_files & left
    assert mov_name in left and still.video.name in left


def test_the_same_mov_again_is_a_duplicate_of_its_live_photo(owner, inline):
    with inline(execute=True):
        still = send(owner, live_heic(), "IMG_0042.HEIC").photo
        send(owner, live_mov(), "IMG_0042.MOV")
    response = Api(owner).upload(live_mov(), name="IMG_0042.MOV", content_type="video/quicktime")
    assert response.status_code == 200 and response.json()["duplicate"] is True
    assert response.json()["id"] == str(still.public_id)
    assert Photo.objects.count() == 1


def test_only_a_short_clip_of_the_same_owner_outside_the_trash_pairs(
    owner, stranger, monkeypatch, inline
):
    with inline(execute=True):
        mine = send(owner, live_heic(), "IMG_0042.HEIC").photo
        # Someone else's MOV with the same identifier stays their own video.
        theirs = send(stranger, live_mov(), "IMG_0042.MOV").photo
    assert theirs.owner == stranger and theirs.is_video
    mine.refresh_from_db()
    assert not mine.is_live

    monkeypatch.setattr(motion, "LIVE_MAX_MS", 1000)
    with inline(execute=True):
        long_clip = send(owner, live_mov(seconds=1.5, rotation=0), "IMG_0042.MOV").photo
    assert long_clip.is_video and long_clip.pk != mine.pk

    monkeypatch.setattr(motion, "LIVE_MAX_MS", 15_000)
    photo_trash(user=owner, photo=mine)
    with inline(execute=True):
        clip = send(owner, live_mov(seconds=1, rotation=180), "IMG_0043.MOV").photo
    assert clip.is_video and clip.pk != mine.pk


def test_a_motion_that_does_not_fit_the_quota_is_refused_and_the_still_kept(
    owner, media_root, inline
):
    with inline(execute=True):
        still = send(owner, live_heic(), "IMG_0042.HEIC").photo
    before = stored_files(media_root)
    mov = live_mov()
    owner.storage_quota_bytes = still.bytes + len(mov) - 1
    owner.save()
    response = Api(owner).upload(mov, name="IMG_0042.MOV", content_type="video/quicktime")
    assert response.status_code == 413 and response.json()["code"] == "quota_exceeded"
    still.refresh_from_db()
    assert not still.is_live and stored_files(media_root) == before


def test_the_owner_downloads_and_deletes_both_files(owner, media_root, inline):
    with inline(execute=True):
        still = send(owner, live_heic(), "IMG_0042.HEIC").photo
        send(owner, live_mov(), "IMG_0042.MOV")
    still.refresh_from_db()
    mine = Client()
    mine.force_login(owner)
    zipped = archive_of(download(mine, [still]))
    assert set(zipped) == {"IMG_0042.heic", "IMG_0042.mov"}
    assert zipped["IMG_0042.mov"] == still.motion_original.open("rb").read()

    photo_trash(user=owner, photo=still)
    with inline(execute=True):
        photo_delete_forever(user=owner, photo=still)
    assert stored_files(media_root) == []


def test_a_stranger_gets_404_for_the_motion(owner, stranger, inline):
    with inline(execute=True):
        still = send(owner, live_heic(), "IMG_0042.HEIC").photo
        send(owner, live_mov(), "IMG_0042.MOV")
    still.refresh_from_db()
    other = Client()
    other.force_login(stranger)
    assert (
        other.get(media.media_url(photo=still, variant="video", user=stranger)).status_code == 404
    )
    assert Api(stranger).get(f"/api/photos/{still.public_id}/").status_code == 404


def test_a_still_and_mov_stored_at_the_same_moment_still_pair(owner, monkeypatch, inline):
    """The upload page sends both at once: the MOV may not see the still, committed a moment
    later, so it is stored as a video; the check after its own commit folds it in."""
    with inline(execute=True):
        still = send(owner, live_heic(), "IMG_0042.HEIC").photo
    monkeypatch.setattr(motion, "motion_still", lambda **kwargs: None)  # not visible yet
    with inline(execute=True):
        result = send(owner, live_mov(), "IMG_0042.MOV")
    assert result.created and result.photo.pk == still.pk
    still.refresh_from_db()
    assert list(Photo.objects.all()) == [still] and still.is_live and still.video
    assert motion.motion_pair(owner_id=owner.pk, content_id=CONTENT_ID) is None  # once only
