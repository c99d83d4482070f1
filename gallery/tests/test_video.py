"""Videos (issue 17): what phones write is taken through the same upload, given a poster and
a web-playable rendition, played with byte ranges, and shared without a byte of its place,
device or marker; what cannot be kept is refused with a reason and leaves nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from gallery import media
from gallery.imaging import video as video_imaging
from gallery.models import AlbumMember, Photo
from gallery.services.photos import photo_upload
from gallery.tests import imagegen, planted, videogen
from gallery.tests.factories import album_of, make_album, make_link, stored_files
from gallery.tests.factories import media_root_fixture as media_root_fixture  # noqa: F401
from gallery.tests.test_api import Api
from gallery.tests.test_download import archive_of, download
from gallery.tests.test_privacy_corpus import dominant, fetch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

TYPES = {
    "mov": ("IMG_0042.MOV", "video/quicktime"),
    "mp4": ("VID_20240506.mp4", "video/mp4"),
    "webm": ("screen.webm", "video/webm"),
    "mkv": ("edit.mkv", "video/x-matroska"),
    "3gp": ("old.3gp", "video/3gpp"),
}


def upload(owner, data: bytes, kind: str = "mov", album=None) -> Photo:
    name, content_type = TYPES[kind]
    return photo_upload(
        owner=owner, file=SimpleUploadedFile(name, data, content_type=content_type), album=album
    ).photo


def assert_upright_marked(image: Image.Image, size: tuple[int, int]) -> None:
    assert abs(image.width / image.height - size[0] / size[1]) < 0.05, image.size
    strongest = {k: dominant(v) for k, v in imagegen.corner_colours(image).items()}
    assert strongest["top_left"] == "red" and strongest["top_right"] == "green", strongest


@pytest.fixture
def inline(django_capture_on_commit_callbacks):
    """The embedded default: the render task runs as the upload's transaction commits
    (inside a test's transaction, when this context ends: so refresh after it)."""
    return django_capture_on_commit_callbacks


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_a_phone_video_becomes_a_playable_item_with_its_private_details(owner, kind, inline):
    data = videogen.clip(kind, seconds=1.5, rotation=90 if kind == "mov" else 0)
    with inline(execute=True):
        video = upload(owner, data, kind)
    video.refresh_from_db()
    assert video.kind == Photo.Kind.VIDEO and video.is_ready, video.failure_reason
    assert video.mime_type == TYPES[kind][1]
    assert 1400 <= video.duration_ms <= 1600
    # Upright: the phone held on its side stored the frames turned.
    assert (video.width, video.height) == videogen.UPRIGHT
    if kind == "mov":
        assert video.camera_make == planted.MAKE and video.camera_model == planted.MODEL
        assert round(video.latitude, 3) == round(planted.LATITUDE, 3)
        assert round(video.longitude, 3) == round(planted.LONGITUDE, 3)
        assert video.taken_at.isoformat() == "2024-05-06T07:08:09+00:00"
        assert video.taken_at_from_exif
    assert video.thumb and video.mobile and video.display and video.video
    assert video.video_bytes == video.video.size


@pytest.fixture
def shared_video(owner, guest, django_capture_on_commit_callbacks):
    album = make_album(owner, title="Summer")
    with django_capture_on_commit_callbacks(execute=True):
        video = upload(owner, videogen.clip("mov", seconds=1.5, rotation=90), "mov", album=album)
    video.refresh_from_db()
    assert video.is_ready, video.failure_reason
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.VIEWER)
    return video


def test_nobody_but_the_owner_gets_a_byte_of_the_place_device_or_marker(owner, guest, shared_video):
    video = shared_video
    member = Client()
    member.force_login(guest)
    rendition = fetch(member, media.media_url(photo=video, variant="video", user=guest))
    assert planted.leaks(rendition) == []
    assert b"Lavf" not in rendition and b"2024" not in rendition
    assert rendition[4:8] == b"ftyp" and rendition.index(b"moov") < rendition.index(b"mdat")
    frames = videogen.frames_of(rendition)
    assert len(frames) == 15
    assert_upright_marked(frames[0], videogen.UPRIGHT)
    for variant in media.VARIANTS:  # the poster frame
        poster = fetch(member, media.media_url(photo=video, variant=variant, user=guest))
        assert planted.leaks(poster) == []
        image = Image.open(io.BytesIO(poster))
        assert_upright_marked(image, videogen.UPRIGHT)
    assert (
        member.get(media.media_url(photo=video, variant="original", user=guest)).status_code == 404
    )
    # A member's selection ZIP holds the playable copy, named by its id.
    zipped = archive_of(download(member, [video]))
    assert zipped == {f"video-{video.public_id}.mp4": rendition}

    link = make_link(owner, album_of(video), allow_download=True, share_location=True).link
    visitor = Client()
    original = fetch(visitor, media.media_url(photo=video, variant="original", link=link))
    assert planted.leaks(original) == []
    assert original[4:8] == b"ftyp"
    assert_upright_marked(videogen.frames_of(original, ".mov")[0], videogen.UPRIGHT)
    # The owner keeps the file byte for byte.
    mine = Client()
    mine.force_login(owner)
    assert fetch(mine, media.media_url(photo=video, variant="original", user=owner)) == (
        video.original.open("rb").read()
    )


def test_the_rendition_answers_byte_ranges(guest, shared_video):
    member = Client()
    member.force_login(guest)
    url = media.media_url(photo=shared_video, variant="video", user=guest)
    whole = member.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Type"] == "video/mp4"
    body = b"".join(whole.streaming_content)
    size = len(body)

    part = member.get(url, HTTP_RANGE="bytes=10-99")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-99/{size}"
    assert b"".join(part.streaming_content) == body[10:100]

    tail = member.get(url, HTTP_RANGE="bytes=-16")
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == body[-16:]
    open_ended = member.get(url, HTTP_RANGE=f"bytes={size - 5}-")
    assert b"".join(open_ended.streaming_content) == body[-5:]

    past = member.get(url, HTTP_RANGE=f"bytes={size}-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{size}"

    same = member.get(url, HTTP_RANGE="bytes=0-3", HTTP_IF_RANGE=whole["ETag"])
    assert same.status_code == 206
    changed = member.get(url, HTTP_RANGE="bytes=0-3", HTTP_IF_RANGE='"something-else"')
    assert changed.status_code == 200

    # Access is checked on every range request: a removed member gets nothing more.
    AlbumMember.objects.filter(user=guest).delete()
    assert member.get(url, HTTP_RANGE="bytes=0-3").status_code == 404


@pytest.mark.parametrize(
    ("build", "status", "code"),
    [
        (lambda: videogen.clip("mp4")[: len(videogen.clip("mp4")) // 2], 422, "corrupt_video"),
        (lambda: videogen.audio_only(), 415, "no_video_stream"),
        (
            lambda: b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 200,
            422,
            "corrupt_video",
        ),
        (lambda: b"\x00\x00\x00\x08moov" + bytes(range(256)) * 4, 422, "corrupt_video"),
    ],
    ids=["truncated", "audio-only", "ftyp-only", "moov-of-nothing"],
)
def test_what_cannot_be_played_is_refused_and_nothing_is_stored(
    owner, build, status, code, media_root
):
    api = Api(owner)
    response = api.upload(build(), name="clip.mp4", content_type="video/mp4")
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_video_longer_than_the_limit_is_refused(owner, settings, media_root):
    settings.PIKOSHI_MAX_VIDEO_SECONDS = 2
    response = Api(owner).upload(
        videogen.clip("mp4", seconds=3), name="long.mp4", content_type="video/mp4"
    )
    assert response.status_code == 413
    assert "too long (0:03); the limit is 0:02" in response.json()["detail"]
    assert not Photo.objects.exists() and stored_files(media_root) == []


def test_videos_have_their_own_size_limit(owner, settings, media_root):
    data = videogen.clip("mp4")
    settings.PIKOSHI_MAX_UPLOAD_BYTES = 100  # photos
    settings.PIKOSHI_MAX_VIDEO_BYTES = len(data) - 1
    response = Api(owner).upload(data, name="v.mp4", content_type="video/mp4")
    assert response.status_code == 413 and response.json()["code"] == "file_too_large"
    settings.PIKOSHI_MAX_VIDEO_BYTES = len(data)
    response = Api(owner).upload(data, name="v.mp4", content_type="video/mp4")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "video"


def test_a_frame_count_bomb_fails_with_a_reason(tmp_path):
    """A clip that says it lasts 1 s but holds far more frames than 120 fps allows."""
    source = tmp_path / "bomb.mp4"
    source.write_bytes(videogen.clip("mp4", seconds=1, fps=130, audio=False))
    info = video_imaging.probe(str(source), mime_type="video/mp4", max_seconds=60, max_pixels=10**8)
    lying = video_imaging.VideoInfo(**{**info.__dict__, "duration_ms": 1})
    with pytest.raises(video_imaging.VideoFailed, match="more frames"):
        video_imaging.render(str(source), str(tmp_path / "out.mp4"), info=lying, timeout=60)
    with pytest.raises(video_imaging.VideoFailed, match="longer than 0 s"):
        video_imaging.render(str(source), str(tmp_path / "out.mp4"), info=info, timeout=0)


def test_a_stranger_and_a_revoked_link_get_404_for_the_rendition(owner, stranger, shared_video):
    client = Client()
    client.force_login(stranger)
    url = media.media_url(photo=shared_video, variant="video", user=stranger)
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_RANGE="bytes=0-10").status_code == 404
    link = make_link(owner, album_of(shared_video)).link
    by_link = media.media_url(photo=shared_video, variant="video", link=link)
    assert Client().get(by_link).status_code == 200
    from gallery.services import sharing as sharing_services

    sharing_services.share_link_revoke(user=owner, link=link)
    assert Client().get(by_link, HTTP_RANGE="bytes=0-10").status_code == 404


DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_with_a_queue_the_upload_answers_at_once_and_a_worker_renders(owner, settings):
    from gallery import processing

    settings.TASKS = DUMMY
    response = Api(owner).upload(videogen.clip("mp4"), name="v.mp4", content_type="video/mp4")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "processing" and body["kind"] == "video"
    assert "thumb" not in body["urls"] and "video" not in body["urls"]
    video = Photo.objects.get()
    assert processing.photo_render_variants(photo_id=video.pk) == "ready"
    video.refresh_from_db()
    assert video.is_ready and video.video and video.thumb


def test_a_stored_video_that_no_longer_decodes_fails_with_its_reason(owner, settings):
    from gallery import processing

    settings.TASKS = DUMMY
    video = upload(owner, videogen.clip("mp4"), "mp4")
    video.refresh_from_db()
    with video.original.open("wb") as damaged:  # the stored original went bad meanwhile
        damaged.write(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64)
    assert video.status == Photo.Status.PENDING
    assert processing.photo_render_variants(photo_id=video.pk) == "failed"
    video.refresh_from_db()
    assert video.status == Photo.Status.FAILED
    assert "damaged or incomplete" in video.failure_reason
    assert not video.video


def test_the_poster_shows_in_the_grid_while_the_rendition_is_being_made(
    owner, settings, monkeypatch
):
    """The worker stores the poster before it starts the (long) transcode: by the time the
    transcode runs, the grid and the API show the poster, and no video URL yet."""
    from gallery import processing

    settings.TASKS = DUMMY
    api = Api(owner)
    created = api.upload(videogen.clip("mp4"), name="v.mp4", content_type="video/mp4").json()
    seen = {}
    real_render = processing.render
    browser = Client()
    browser.force_login(owner)

    def render_watched(*args, **kwargs):
        seen["api"] = api.get(f"/api/photos/{created['id']}/").json()
        seen["grid"] = browser.get(reverse("home")).content.decode()
        return real_render(*args, **kwargs)

    monkeypatch.setattr(processing, "render", render_watched)
    assert processing.photo_render_variants(photo_id=Photo.objects.get().pk) == "ready"

    during = seen["api"]
    assert during["status"] == "processing"
    assert {"thumb", "mobile", "display"} <= set(during["urls"]) and "video" not in during["urls"]
    poster = api.client.get(during["urls"]["thumb"])
    assert poster.status_code == 200 and poster["Content-Type"] == "image/webp"
    assert 'class="tile-pending"' not in seen["grid"]
    assert "tile-duration" in seen["grid"]
    after = api.get(f"/api/photos/{created['id']}/").json()
    assert after["status"] == "ready" and "video" in after["urls"]


def test_a_failed_transcode_keeps_no_poster_urls_and_says_why(owner, settings):
    from gallery import processing

    settings.TASKS = DUMMY
    settings.PIKOSHI_VIDEO_TIMEOUT = 0
    api = Api(owner)
    created = api.upload(videogen.clip("mp4"), name="v.mp4", content_type="video/mp4").json()
    assert processing.photo_render_variants(photo_id=Photo.objects.get().pk) == "failed"
    body = api.get(f"/api/photos/{created['id']}/").json()
    assert body["status"] == "failed" and "longer than" in body["failure_reason"]
    assert body["urls"].keys() <= {"original"}


def test_ten_hours_of_black_is_refused_under_the_limit_and_cheap_above_it(owner, settings, inline):
    """Ten hours in a few frames: refused at upload by the 30 min default; allowed by a
    raised limit, it renders in the same few frames (the source's timing is kept, not
    filled up to a constant rate of 36 000 s of frames)."""
    data = videogen.sparse(10 * 3600)
    response = Api(owner).upload(data, name="black.mp4", content_type="video/mp4")
    assert response.status_code == 413 and response.json()["code"] == "video_too_long"
    assert "too long (10:00:01); the limit is 30:00" in response.json()["detail"]
    assert not Photo.objects.exists()

    settings.PIKOSHI_MAX_VIDEO_SECONDS = 11 * 3600
    with inline(execute=True):
        video = upload(owner, data, "mp4")
    video.refresh_from_db()
    assert video.is_ready, video.failure_reason
    assert video.duration_ms == 36_001_000
    with video.video.open("rb") as playable:
        assert len(videogen.frames_of(playable.read())) == 3


def test_absurd_dimensions_are_refused_before_anything_is_decoded(owner, settings, media_root):
    data = videogen.clip("mp4", size=(640, 480), audio=False, tags=False)
    settings.PIKOSHI_MAX_IMAGE_PIXELS = 640 * 480 - 1
    response = Api(owner).upload(data, name="huge.mp4", content_type="video/mp4")
    assert response.status_code == 413 and response.json()["code"] == "too_many_pixels"
    assert not Photo.objects.exists() and stored_files(media_root) == []


def test_a_sliver_of_a_video_still_gets_a_poster(owner, inline):
    """4096 × 8: a poster that fits 300 × 200 is one pixel high, not an error."""
    with inline(execute=True):
        video = upload(owner, videogen.clip("mp4", size=(4096, 8), audio=False), "mp4")
    video.refresh_from_db()
    assert video.is_ready, video.failure_reason
    assert video.thumb_height >= 1 and video.thumb_width == 300


def test_a_gif_named_mp4_is_just_a_photo(owner):
    gif = io.BytesIO()
    imagegen.marked((60, 40)).save(gif, "GIF")
    response = Api(owner).upload(gif.getvalue(), name="funny.mp4", content_type="video/mp4")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "photo" and body.get("duration_ms") is None
    assert "video" not in body["urls"]
    assert Photo.objects.get().mime_type == "image/gif"
