"""Large files from the upload page go in parts (tus, /api/uploads/): a connection that
drops costs only the part on its way, and a file chosen again after a reload continues
where it stopped. The server keeps what arrived of a part whose connection dropped."""

import socket
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from rest_framework_simplejwt.tokens import AccessToken

from gallery.models import Photo, Upload
from gallery.services.uploads import received
from gallery.tests import videogen

pytestmark = pytest.mark.django_db(transaction=True)
PART = 1024


@pytest.fixture
def in_parts(settings):
    """Files from 2 KB on go in 1 KB parts, so a small real clip takes several."""
    settings.PIKOSHI_RESUMABLE_UPLOAD_BYTES = 2 * PART
    settings.PIKOSHI_UPLOAD_PART_BYTES = PART


def _patches(page, seen: list) -> None:
    def record(request):
        if request.method in {"PATCH", "HEAD"} and "/api/uploads/" in request.url:
            seen.append((request.method, request.headers.get("upload-offset")))

    page.on("request", record)


def test_a_dropped_part_is_sent_again_and_the_video_arrives_whole(
    signed_in, make_user, in_parts, tmp_path
):
    olivia = make_user("olivia.parts@example.com")
    data = videogen.clip("mov", seconds=3, fps=10, rotation=90)
    page = signed_in(olivia).new_page()
    seen: list = []
    _patches(page, seen)
    dropped = []

    def drop_third_part(route):
        request = route.request
        if request.method == "PATCH" and request.headers.get("upload-offset") == str(2 * PART):
            if not dropped:
                dropped.append(request.url)
                route.abort("connectionreset")
                return
        route.continue_()

    page.route("**/api/uploads/**", drop_third_part)
    page.goto("/upload/")
    clip = tmp_path / "IMG_0042.MOV"
    clip.write_bytes(data)
    page.locator("input[type=file]").set_input_files(str(clip))
    row = page.locator("[data-upload-list] li")
    expect(row).to_contain_text("Uploaded", timeout=20_000)
    expect(page.locator("[data-upload-results] .tile img")).to_have_count(1)
    assert dropped
    video = Photo.objects.get(owner=olivia)
    assert video.original.open("rb").read() == data
    assert video.kind == Photo.Kind.VIDEO
    # After the drop the page asked where the upload stood, then sent that part again.
    after = seen[seen.index(("PATCH", str(2 * PART))) + 1 :]
    assert after[0] == ("HEAD", None) and after[1] == ("PATCH", str(2 * PART)), seen
    patches = [offset for method, offset in seen if method == "PATCH"]
    assert len(patches) == -(-len(data) // PART) + 1  # every part once, the dropped one twice
    assert not Upload.objects.filter(finished_at__isnull=True).exists()


def test_after_a_reload_the_same_file_continues_where_it_stopped(
    signed_in, make_user, in_parts, tmp_path
):
    olivia = make_user("olivia.reload@example.com")
    data = videogen.clip("mp4", seconds=4, fps=10, size=(320, 240))
    clip = tmp_path / "VID_20240506.mp4"
    clip.write_bytes(data)
    page = signed_in(olivia).new_page()

    def offline_after_three_parts(route):
        offset = route.request.headers.get("upload-offset")
        if route.request.method == "PATCH" and int(offset) >= 3 * PART:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/uploads/**", offline_after_three_parts)
    page.goto("/upload/")
    page.locator("input[type=file]").set_input_files(str(clip))
    row = page.locator("[data-upload-list] li")
    expect(row).to_contain_text("Connection lost — trying again", timeout=10_000)
    upload = Upload.objects.get(owner=olivia)
    assert upload.finished_at is None

    # Reload while still offline: the old page's retry timer must not get through first.
    page.reload()
    page.unroute("**/api/uploads/**")
    assert received(upload) == 3 * PART
    seen: list = []
    _patches(page, seen)
    page.locator("input[type=file]").set_input_files(str(clip))
    expect(page.locator("[data-upload-list] li")).to_contain_text("Uploaded", timeout=20_000)
    assert seen[0] == ("HEAD", None) and seen[1] == ("PATCH", str(3 * PART)), seen
    assert Photo.objects.get(owner=olivia).original.open("rb").read() == data
    assert Upload.objects.get(owner=olivia).pk == upload.pk  # the same upload, finished


def test_the_server_keeps_what_arrived_of_a_part_cut_off_midway(live_server, make_user):
    """Real HTTP: a PATCH that announces 3000 bytes, sends 1200 and hangs up."""
    olivia = make_user("olivia.socket@example.com")
    token = AccessToken.for_user(olivia)
    from django.test import Client

    api = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_TUS_RESUMABLE": "1.0.0"}
    created = api.post("/api/uploads/", HTTP_UPLOAD_LENGTH="5000", **auth)
    assert created.status_code == 201
    path = urlsplit(created["Location"]).path
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(
            (
                f"PATCH {path} HTTP/1.1\r\nHost: {address.netloc}\r\n"
                f"Authorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\n"
                "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                "Content-Length: 3000\r\n\r\n"
            ).encode()
            + b"a" * 1200
        )
        conn.shutdown(socket.SHUT_WR)
        conn.recv(4096)  # the server answers (or closes) once it sees the end
    state = api.head(path, **auth)
    assert state.status_code == 200 and state["Upload-Offset"] == "1200"
    rest = api.generic(
        "PATCH",
        path,
        b"b" * 3800,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="1200",
        **auth,
    )
    # All 5000 bytes arrived: letters are no photo, refused as a one-shot POST would be.
    assert rest.status_code == 415 and rest.json()["code"] == "unsupported_type"
