"""Live Photos in the browser (issue 17): the still and its MOV, uploaded from the upload
page one after the other, are one tile marked Live; its motion plays over the photo while
the mouse is over it, while a finger holds it, from its Live button and with space, in the
overlay viewer (which still zooms it as a photo) and on its page, for its owner and for a
link holder."""

import pytest
from playwright.sync_api import expect

from gallery.models import Photo
from gallery.tests import imagegen, videogen
from gallery.tests.factories import make_album, make_link

pytestmark = pytest.mark.django_db(transaction=True)

CONTENT_ID = "5E3B1C9A-0D7F-4E21-9B6A-2C4D8E0F1A3B"
MOTION = ".pswp video.pswp-motion"


def _playing(selector: str) -> str:
    return (
        f"() => {{ const v = document.querySelector('{selector}');"
        " return !!v && !v.paused && v.currentTime > 0.2; }"
    )


def _stopped(selector: str) -> str:
    return f"() => {{ const v = document.querySelector('{selector}'); return !v || v.paused; }}"


@pytest.fixture
def live(signed_in, make_user, tmp_path):
    """Olivia's Live Photo, uploaded as an iPhone exports it: IMG_0042.JPG, IMG_0042.MOV."""
    olivia = make_user("olivia.live@example.com")
    album = make_album(olivia, title="Beach")
    still = tmp_path / "IMG_0042.JPG"
    still.write_bytes(
        imagegen.jpeg((96, 64), image=imagegen.marked((96, 64)), content_id=CONTENT_ID)
    )
    mov = tmp_path / "IMG_0042.MOV"
    mov.write_bytes(videogen.clip("mov", seconds=2, fps=10, content_id=CONTENT_ID))
    context = signed_in(olivia)
    page = context.new_page()
    page.goto(f"/upload/?album={album.public_id}")
    page.locator("input[type=file]").set_input_files([str(still), str(mov)])
    rows = page.locator("[data-upload-list] li")
    expect(rows).to_have_count(2)
    for index in range(2):
        expect(rows.nth(index)).to_contain_text("Uploaded", timeout=20_000)
    expect(page.locator("[data-upload-results] .tile")).to_have_count(1)
    photo = Photo.objects.get(owner=olivia)
    assert photo.is_live and photo.video, "the MOV was not paired with its still"
    page.close()
    return {"olivia": olivia, "album": album, "photo": photo, "context": context}


def test_the_viewer_plays_the_motion_on_hover_button_and_space(live):
    page = live["context"].new_page()
    page.goto("/photos/")
    expect(page.locator("[data-photo-grid] a.tile")).to_have_count(1)  # one item, not two
    expect(page.locator(".tile-live")).to_have_text("◉ Live")
    expect(page.locator("[data-photo-grid][data-viewer-ready]")).to_have_count(1)
    page.mouse.move(0, 0)
    page.locator("[data-photo-grid] a.tile").click()
    expect(page.locator(".pswp")).to_be_visible()
    expect(page.locator(".pswp .pswp-video")).to_have_count(0)  # a photo: it still zooms
    image = page.locator(".pswp .pswp__img").last
    expect(image).to_be_visible()
    button = page.locator(".pswp__button--live")
    expect(button).to_be_visible()

    image.hover()
    page.wait_for_function(_playing(MOTION))
    box = page.locator(MOTION).bounding_box()
    shown = image.bounding_box()
    assert box and shown and abs(box["width"] - shown["width"]) < 2  # over the image exactly
    page.mouse.move(2, 2)
    page.wait_for_function(_stopped(MOTION))

    button.click()
    page.wait_for_function(_playing(MOTION))
    page.wait_for_function(_stopped(MOTION), timeout=10_000)  # once through, then the photo
    page.keyboard.press(" ")
    page.wait_for_function(_playing(MOTION))
    page.keyboard.press(" ")
    page.wait_for_function(_stopped(MOTION))


def test_on_a_phone_a_held_finger_plays_it_on_the_photos_page(live, signed_in):
    page = signed_in(
        live["olivia"], viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    ).new_page()
    page.goto(f"/photos/{live['photo'].public_id}/")
    image = page.locator("[data-live] img")
    expect(image).to_be_visible()
    motion = "[data-live] video.live-motion"
    touch = {"pointerType": "touch", "isPrimary": True, "bubbles": True}
    image.dispatch_event("pointerdown", touch)
    page.wait_for_function(_playing(motion))
    image.dispatch_event("pointerup", touch)
    page.wait_for_function(_stopped(motion))
    expect(page.locator("[data-live]")).not_to_have_class("live is-playing")
    # The Live button plays it from the keyboard too.
    page.locator("[data-live-play]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(_playing(motion))
    expect(page.locator("[data-live-play]")).to_have_attribute("aria-pressed", "true")
    assert page.locator("dd", has_text="of motion").count() == 1


def test_a_link_holder_plays_the_same_motion(live, new_context):
    link = make_link(live["olivia"], live["album"])
    page = new_context().new_page()
    page.goto(link.path)
    expect(page.locator(".tile-live")).to_have_count(1)
    expect(page.locator("[data-photo-grid][data-viewer-ready]")).to_have_count(1)
    page.locator("[data-photo-grid] a.tile").first.click()
    page.locator(".pswp__button--live").click()
    page.wait_for_function(_playing(MOTION))
    src = page.locator(MOTION).get_attribute("src")
    assert src and src.startswith("/media/")


def test_a_mov_answered_as_a_video_before_its_still_leaves_one_tile(signed_in, make_user, tmp_path):
    """The MOV arrives first and is answered as a video; its still, held back until then,
    folds it in: the page drops the video's tile and says where the MOV went."""
    olivia = make_user("olivia.order@example.com")
    still = tmp_path / "IMG_0043.JPG"
    still.write_bytes(imagegen.jpeg((96, 64), content_id=CONTENT_ID))
    mov = tmp_path / "IMG_0043.MOV"
    mov.write_bytes(videogen.clip("mov", seconds=1, fps=10, content_id=CONTENT_ID))
    page = signed_in(olivia).new_page()
    held = []

    def hold_the_still(route):
        body = route.request.post_data_buffer or b""
        if b"IMG_0043.JPG" in body and not Photo.objects.filter(owner=olivia).exists():
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/photos/", hold_the_still)
    page.goto("/upload/")
    page.locator("input[type=file]").set_input_files([str(still), str(mov)])
    rows = page.locator("[data-upload-list] li")
    expect(rows.nth(1)).to_contain_text("Uploaded", timeout=20_000)
    expect(page.locator("[data-upload-results] .tile")).to_have_count(1)
    assert Photo.objects.get(owner=olivia).is_video and len(held) == 1
    held[0].continue_()
    expect(rows.nth(0)).to_contain_text("Uploaded — a Live Photo", timeout=20_000)
    expect(rows.nth(1)).to_contain_text("the motion of a Live Photo")
    expect(page.locator("[data-upload-results] .tile")).to_have_count(1)
    photo = Photo.objects.get(owner=olivia)
    assert photo.is_live and photo.kind == Photo.Kind.PHOTO
    href = page.locator("[data-upload-results] .tile").get_attribute("href")
    assert href and str(photo.public_id) in href
