"""The overlay viewer over the grid (issue 16): it opens on a click, moves with keys and
swipes, zooms, has its own address so Back closes it where the grid was, and the same
viewer works for a link holder. Without JavaScript the tile is the photo's page."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from gallery.models import Photo
from gallery.services.photos import photo_upload
from gallery.tests import imagegen
from gallery.tests.factories import make_album, make_link

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gallery(make_user):
    """Olivia's 24 wide photos, one day apart, in an album with a link."""
    olivia = make_user("olivia.viewer@example.com")
    album = make_album(olivia, title="Coast")
    now = timezone.now()
    photos = []
    for i in range(24):
        data = imagegen.jpeg(image=imagegen.photo_like((1600, 900), seed=i))
        file = SimpleUploadedFile(f"coast-{i}.jpg", data, content_type="image/jpeg")
        photo = photo_upload(owner=olivia, file=file, album=album).photo
        Photo.objects.filter(pk=photo.pk).update(taken_at=now - timedelta(days=i))
        photos.append(photo)
    return {"olivia": olivia, "album": album, "photos": photos, "link": make_link(olivia, album)}


def _open(page, nth: int):
    tiles = page.locator("[data-photo-grid] a.tile")
    expect(page.locator("[data-photo-grid][data-viewer-ready]")).to_have_count(1)
    tiles.nth(nth).click()
    expect(page.locator(".pswp")).to_be_visible()
    page.wait_for_function("() => window.pswp && window.pswp.opener.isOpen")  # opened, not opening
    return tiles


def test_the_viewer_opens_moves_zooms_and_back_closes_it_in_place(signed_in, gallery):
    page = signed_in(gallery["olivia"], viewport={"width": 1366, "height": 700}).new_page()
    page.goto("/photos/")
    photos = gallery["photos"]
    page.locator("[data-photo-grid] a.tile").nth(9).scroll_into_view_if_needed()
    scrolled = page.evaluate("() => window.scrollY")
    assert scrolled > 300  # down the grid, not at its top
    _open(page, 9)
    expect(page).to_have_url(re.compile(f"/photos/{photos[9].public_id}/$"))
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(f"/photos/{photos[10].public_id}/$"))
    # A swipe (a drag, with a mouse) to the left moves on again.
    box = page.locator(".pswp").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.7, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.2, y, steps=8)
    page.mouse.up()
    expect(page).to_have_url(re.compile(f"/photos/{photos[11].public_id}/$"))
    # Zoom into the display variant.
    fit = page.evaluate("() => pswp.currSlide.currZoomLevel")
    page.keyboard.press("z")
    page.wait_for_function("(fit) => pswp.currSlide.currZoomLevel > fit", arg=fit)
    # Back closes it, at the same place in the grid.
    page.go_back()
    expect(page.locator(".pswp")).to_have_count(0)
    assert page.url.endswith("/photos/")
    assert abs(page.evaluate("() => window.scrollY") - scrolled) < 5
    # Its address opened anywhere is the photo's page.
    other = signed_in(gallery["olivia"]).new_page()
    other.goto(f"/photos/{photos[11].public_id}/")
    expect(other.locator(".viewer-image")).to_be_visible()


def test_a_link_holder_gets_the_same_viewer_and_the_owner_a_download(
    new_context, signed_in, gallery
):
    visitor = new_context().new_page()
    visitor.goto(gallery["link"].path)
    _open(visitor, 0)
    expect(visitor.locator(".pswp__img").first).to_be_visible()
    expect(visitor.locator(".pswp__button--download")).to_be_hidden()
    visitor.keyboard.press("Escape")
    expect(visitor.locator(".pswp")).to_have_count(0)
    owner = signed_in(gallery["olivia"]).new_page()
    owner.goto(f"/albums/{gallery['album'].public_id}/")
    _open(owner, 0)
    expect(owner.locator(".pswp__button--download")).to_be_visible()
    expect(owner.locator(".pswp__button--details")).to_have_attribute(
        "href", f"/photos/{gallery['photos'][0].public_id}/?album={gallery['album'].public_id}"
    )


def test_without_javascript_a_tile_is_the_photos_page(browser, live_server, gallery):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(gallery["link"].path)
    page.locator("a.tile").first.click()
    expect(page.locator(".share-photo img")).to_be_visible()
    context.close()


def test_the_info_panel_follows_the_details_policy(new_context, signed_in, make_user):
    """The owner reads camera and place in the viewer's panel; a member of an album that
    shares neither reads the date only; so does a link holder, until the owner's link
    shares the place."""
    from gallery.models import AlbumMember
    from gallery.tests import planted

    olivia = make_user("olivia.info@example.com")
    gabriel = make_user("gabriel.info@example.com")
    album = make_album(olivia, title="Secret spot")
    AlbumMember.objects.create(album=album, user=gabriel)
    data = planted.jpeg(image=imagegen.photo_like((1200, 800), seed=3), orientation=1)
    file = SimpleUploadedFile("spot.jpg", data, content_type="image/jpeg")
    photo_upload(owner=olivia, file=file, album=album)
    quiet = make_link(olivia, album)
    telling = make_link(olivia, album, share_location=True)

    def panel_of(page):
        _open(page, 0)
        page.keyboard.press("i")
        panel = page.locator(".pswp-info")
        expect(panel).to_contain_text("Taken")
        return panel

    for person, sees_all in ((olivia, True), (gabriel, False)):
        page = signed_in(person).new_page()
        page.goto(f"/albums/{album.public_id}/")
        panel = panel_of(page)
        if sees_all:
            expect(panel).to_contain_text(f"{planted.MAKE} {planted.MODEL}")
            expect(panel).to_contain_text("Location")
        else:
            expect(panel).not_to_contain_text(planted.MODEL)
            expect(panel).not_to_contain_text("Location")
        page.keyboard.press("i")
        expect(panel).to_be_hidden()
    for link, sees_place in ((quiet, False), (telling, True)):
        page = new_context().new_page()
        page.goto(link.path)
        panel = panel_of(page)
        expect(panel).not_to_contain_text(planted.MODEL)
        if sees_place:
            expect(panel).to_contain_text("Location")
        else:
            expect(panel).not_to_contain_text("Location")


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)])
def test_the_open_viewer_and_its_panel_pass_axe_and_take_the_keyboard(signed_in, gallery, viewport):
    from .test_layout import axe_problems

    width, height = viewport
    page = signed_in(
        gallery["olivia"], viewport={"width": width, "height": height}, bypass_csp=True
    ).new_page()
    page.goto(f"/albums/{gallery['album'].public_id}/")
    _open(page, 2)
    page.keyboard.press("i")
    expect(page.locator(".pswp-info")).to_contain_text("Taken")
    assert axe_problems(page) == []
    # Every control of the viewer is reached with Tab and shows where the focus is.
    seen = set()
    for _ in range(14):
        page.keyboard.press("Tab")
        name = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el.closest('.pswp')) return null;
                const style = getComputedStyle(el);
                const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
                const name = el.getAttribute('aria-label') || el.title;
                if (ring || style.boxShadow !== 'none') return name;
                return `${el.tagName}.${el.className} has no focus ring`;
            }"""
        )
        assert not (name or "").endswith("has no focus ring"), name
        if name:
            seen.add(name)
    assert {"Details", "Download the original", "Slideshow", "Fullscreen"} <= seen, seen
