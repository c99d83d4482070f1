"""Infinite scroll keeps its place (issue 16): deep in a long timeline, leaving for a
photo's page and coming back with Back (or reloading) shows the same photos at the same
place, not the first page from its top."""

import pytest
from playwright.sync_api import expect

from gallery.tests.factories import make_photos, media_root_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

TILES = "[data-photo-grid] a.tile"


@pytest.fixture
def olivia(make_user):
    user = make_user("olivia.scroll@example.com")
    make_photos(user, 100)  # four pages of 30
    return user


def _settled(page) -> int:
    """Wait until no page of tiles is on its way (near the end of what is loaded, or on a
    wide first screen, the next page is fetched ahead) and return how many pages beyond
    the first the history entry remembers."""
    page.wait_for_function(
        """() => {
            const more = document.querySelector('[data-more]');
            const tiles = document.querySelectorAll('[data-photo-grid] a.tile').length;
            return !more || (!more.hasAttribute('aria-busy')
                && tiles === 30 * (1 + (history.state?.grid?.pages || 0)));
        }"""
    )
    return page.evaluate("() => history.state?.grid?.pages || 0")


def _scroll_to_tile(page, n: int) -> tuple[float, str]:
    """Scroll until tile `n` is loaded and at the top; return (scrollY, its address)."""
    tiles = page.locator(TILES)
    while tiles.count() <= n:
        page.mouse.wheel(0, 2000)
        page.wait_for_timeout(100)
    tiles.nth(n).evaluate("(el) => el.scrollIntoView({block: 'start', behavior: 'instant'})")
    # The place is written down a moment after scrolling stops.
    page.wait_for_function("() => history.state?.grid?.y === Math.round(window.scrollY)")
    _settled(page)
    return page.evaluate("() => window.scrollY"), tiles.nth(n).get_attribute("href")


def _top_of(page, href: str) -> float:
    """Where the tile of `href` is in the window."""
    return page.locator(f'{TILES}[href="{href}"]').evaluate(
        "(el) => el.getBoundingClientRect().top"
    )


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)])
def test_back_from_a_photos_page_returns_to_the_same_place(signed_in, olivia, viewport):
    width, height = viewport
    # A browser that keeps no page in its back-forward cache rebuilds the timeline on
    # Back: the place must come from the page, not from a frozen copy.
    page = signed_in(olivia, viewport={"width": width, "height": height}).new_page()
    page.add_init_script("window.addEventListener('unload', () => {})")
    page.goto("/photos/")
    expect(page.locator(TILES).first).to_be_visible()
    y, href = _scroll_to_tile(page, 75)
    assert y > 2 * height
    loaded = page.locator(TILES).count()
    assert loaded > 60
    top = _top_of(page, href)
    assert -1 < top < height / 2  # scrollIntoView may leave a fraction of a pixel

    page.goto(href)  # the photo's own page (what "Details" opens)
    expect(page.locator(".viewer-image")).to_be_visible()
    page.go_back()
    expect(page.locator(TILES)).to_have_count(loaded)
    page.wait_for_function("(y) => Math.abs(window.scrollY - y) < 5", arg=y)
    assert abs(_top_of(page, href) - top) < 5

    page.reload()
    expect(page.locator(TILES)).to_have_count(loaded)
    page.wait_for_function("(y) => Math.abs(window.scrollY - y) < 5", arg=y)
    assert abs(_top_of(page, href) - top) < 5


def test_a_new_visit_starts_at_the_top(signed_in, olivia):
    page = signed_in(olivia).new_page()
    page.goto("/photos/")
    _scroll_to_tile(page, 75)
    assert _settled(page) >= 2
    # Following a link to the same address (the menu's "Photos") is a new visit, although
    # Chromium hands it the old entry's state.
    page.goto("/photos/")
    expect(page.locator(TILES).first).to_be_visible()
    assert _settled(page) <= 1  # the first page, and at most the one fetched ahead
    assert page.evaluate("() => window.scrollY") == 0
