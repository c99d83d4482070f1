"""Videos in the browser (issue 17): the grid shows the poster with its length, the overlay
viewer plays it and seeks (byte ranges through the access-checked media view), space plays
and pauses, and a link holder plays the same rendition. Without JavaScript the video's own
page plays it. Chromium here is Debian's, which plays H.264 + AAC as browsers do."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from gallery.services.photos import photo_upload
from gallery.tests import videogen
from gallery.tests.factories import make_album, make_link

pytestmark = pytest.mark.django_db(transaction=True)

VIDEO = ".pswp .pswp-video video"


@pytest.fixture
def filmed(make_user):
    """Olivia's phone video (held on its side, 3 s) in an album with a link."""
    olivia = make_user("olivia.video@example.com")
    album = make_album(olivia, title="Birthday")
    data = videogen.clip("mov", seconds=3, fps=10, rotation=90)
    file = SimpleUploadedFile("IMG_0042.MOV", data, content_type="video/quicktime")
    video = photo_upload(owner=olivia, file=file, album=album).photo
    video.refresh_from_db()
    assert video.is_ready, video.failure_reason
    return {"olivia": olivia, "album": album, "video": video, "link": make_link(olivia, album)}


def _plays_and_seeks(page) -> None:
    video = page.locator(VIDEO)
    expect(video).to_have_count(1)
    page.wait_for_function(
        "() => document.querySelector('.pswp .pswp-video video').readyState >= 1"
    )
    size = page.evaluate(
        "() => { const v = document.querySelector('.pswp .pswp-video video');"
        " return [v.videoWidth, v.videoHeight, Math.round(v.duration)]; }"
    )
    assert size == [videogen.UPRIGHT[0], videogen.UPRIGHT[1], 3]  # upright, whole length
    page.keyboard.press(" ")
    page.wait_for_function(
        "() => { const v = document.querySelector('.pswp .pswp-video video');"
        " return !v.paused && v.currentTime > 0.3; }"
    )
    page.keyboard.press(" ")
    page.wait_for_function("() => document.querySelector('.pswp .pswp-video video').paused")
    page.evaluate("() => { document.querySelector('.pswp .pswp-video video').currentTime = 2.5; }")
    page.wait_for_function(
        "() => { const v = document.querySelector('.pswp .pswp-video video');"
        " return !v.seeking && v.currentTime >= 2.4 && v.readyState >= 2; }"
    )


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)])
def test_the_owner_sees_the_poster_and_plays_the_video_in_the_viewer(signed_in, filmed, viewport):
    width, height = viewport
    page = signed_in(filmed["olivia"], viewport={"width": width, "height": height}).new_page()
    page.goto("/photos/")
    tile = page.locator("[data-photo-grid] a.tile").first
    expect(page.locator(".tile-duration").first).to_have_text("Video, 0:03")
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-photo-grid] a.tile img');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    expect(page.locator("[data-photo-grid][data-viewer-ready]")).to_have_count(1)
    tile.click()
    expect(page.locator(".pswp")).to_be_visible()
    _plays_and_seeks(page)
    # Leaving the slide (closing) pauses it.
    page.evaluate("() => document.querySelector('.pswp .pswp-video video').play()")
    page.keyboard.press("Escape")
    expect(page.locator(".pswp")).to_have_count(0)


def test_a_link_holder_plays_the_same_video(new_context, filmed):
    page = new_context().new_page()
    page.goto(filmed["link"].path)
    expect(page.locator("[data-photo-grid][data-viewer-ready]")).to_have_count(1)
    page.locator("[data-photo-grid] a.tile").first.click()
    _plays_and_seeks(page)


def test_without_javascript_the_videos_page_plays_it(signed_in, filmed):
    page = signed_in(filmed["olivia"], java_script_enabled=False).new_page()
    page.goto(f"/photos/{filmed['video'].public_id}/")
    video = page.locator("video.viewer-video")
    expect(video).to_have_attribute("controls", "")
    assert video.get_attribute("src").startswith("/media/")
    assert page.locator("dd", has_text="0:03").count() == 1
