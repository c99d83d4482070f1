"""Selecting photos as in a photo app (issue 16): a click on a tile's check, shift-click
for a range, a whole day at once, a long press on a phone; once something is selected,
a tap on a photo selects it instead of opening it; the bar counts and acts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gallery.models import Album
from gallery.tests.factories import make_album, make_photo, media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]


@pytest.fixture
def library(make_user):
    """Olivia's eight photos over three days (newest first on the page) and an album."""
    olivia = make_user("olivia.select@example.com")
    now = timezone.now().replace(hour=12)
    days = [0, 0, 0, 1, 1, 1, 2, 2]
    photos = [
        make_photo(olivia, taken_at=now - timedelta(days=day, minutes=i))
        for i, day in enumerate(days)
    ]
    return {"olivia": olivia, "photos": photos, "album": make_album(olivia, title="Best")}


def long_press(page, tile) -> None:
    """Hold a finger on `tile` past the long-press delay and lift it."""
    tile.dispatch_event("pointerdown", {"pointerType": "touch", "isPrimary": True})
    page.wait_for_timeout(700)
    tile.dispatch_event("pointerup", {"pointerType": "touch", "isPrimary": True})
    tile.dispatch_event("click")


def checks(page):
    return page.locator("[data-photo-grid] .tile-select")


def test_shift_click_selects_a_range_and_the_bar_applies_it(signed_in, library):
    page = signed_in(library["olivia"]).new_page()
    page.goto("/photos/")
    boxes = checks(page)
    expect(boxes).to_have_count(8)
    boxes.nth(1).click()
    boxes.nth(5).click(modifiers=["Shift"])
    checked = boxes.evaluate_all("(els) => els.map((el) => el.checked)")
    assert checked == [False, True, True, True, True, True, False, False]
    expect(page.locator("[data-selection-count]")).to_have_text("5 selected")
    # Now a click on a photo selects it rather than opening it.
    page.locator("[data-photo-grid] .tile").nth(7).click()
    assert page.url.endswith("/photos/")
    expect(page.locator("[data-selection-count]")).to_have_text("6 selected")
    page.get_by_label("With the selected photos").select_option("add_to_album")
    page.locator("#selection-album").select_option(label="Best")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("6 photos added to “Best”")
    assert Album.objects.get(pk=library["album"].pk).photos.count() == 6


def test_a_day_is_selected_at_once_and_cleared_from_the_keyboard(signed_in, library):
    page = signed_in(library["olivia"]).new_page()
    page.goto("/photos/")
    days = page.locator("[data-photo-grid] .day-heading")
    expect(days).to_have_count(3)
    days.nth(1).get_by_role("button").click()
    checked = checks(page).evaluate_all("(els) => els.map((el) => el.checked)")
    assert checked == [False, False, False, True, True, True, False, False]
    expect(page.locator("[data-selection-count]")).to_have_text("3 selected")
    # Keyboard: space on a focused check toggles it, shift+space takes the range.
    checks(page).nth(0).focus()
    page.keyboard.press("Space")
    checks(page).nth(2).focus()
    page.keyboard.press("Shift+Space")
    expect(page.locator("[data-selection-count]")).to_have_text("6 selected")
    page.keyboard.press("Escape")
    expect(page.locator("[data-selection-count]")).to_have_text("")
    assert checks(page).evaluate_all("(els) => els.filter((el) => el.checked).length") == 0


def test_a_long_press_on_a_phone_starts_selecting(signed_in, library):
    page = signed_in(
        library["olivia"], viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    ).new_page()
    page.goto("/photos/")
    tile = page.locator("[data-photo-grid] .tile").nth(2)
    long_press(page, tile)
    assert page.url.endswith("/photos/")
    expect(page.locator("[data-selection-count]")).to_have_text("1 selected")
    page.locator("[data-photo-grid] .tile").nth(4).tap()
    expect(page.locator("[data-selection-count]")).to_have_text("2 selected")
    # The bar stays in reach at the bottom of the screen.
    box = page.locator("[data-selection-bar]").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844 + 1
