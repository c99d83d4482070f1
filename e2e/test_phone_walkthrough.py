"""Issue 16's "done when", on a phone with a touch screen: a family member browses the
timeline, selects twenty photos, makes an album of them and shares it with the family,
without a page that overflows, and the family sees it. Only taps and the on-screen
keyboard are used; axe finds nothing serious on any page on the way."""

import pytest
from playwright.sync_api import expect

from gallery.models import Album, Circle, Connection
from gallery.tests.factories import make_photos, media_root_fixture  # noqa: F401

from .test_layout import OFF_SCREEN, axe_problems
from .test_selection import long_press

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media_root")]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "bypass_csp": True,  # for axe-core, added to each page by the test
}


def _fits(page) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate(OFF_SCREEN) == [], page.url
    assert axe_problems(page) == [], page.url


def test_select_twenty_make_an_album_and_share_it_with_the_family(signed_in, make_user):
    olivia = make_user("olivia.walk@example.com", display_name="Olivia")
    gabriel = make_user("gabriel.walk@example.com", display_name="Gabriel")
    Connection.objects.create(user=olivia, contact=gabriel, circle=Circle.FAMILY)
    Connection.objects.create(user=gabriel, contact=olivia, circle=Circle.FAMILY)
    photos = make_photos(olivia, 45)

    page = signed_in(olivia, **PHONE).new_page()
    page.goto("/photos/")
    tiles = page.locator("[data-photo-grid] a.tile")
    expect(tiles).to_have_count(30)
    _fits(page)

    # A long press starts selecting; then each tap adds a photo.
    long_press(page, tiles.nth(0))
    for n in range(1, 20):
        tiles.nth(n).tap()
    expect(page.locator("[data-selection-count]")).to_have_text("20 selected")
    assert page.url.endswith("/photos/")  # no tap opened a photo
    assert page.evaluate(OFF_SCREEN) == []  # the bar fits too

    page.get_by_label("With the selected photos").select_option("new_album")
    title = page.get_by_label("New album's title")
    expect(title).to_be_visible()
    title.tap()
    page.keyboard.type("Grandma's birthday")
    page.get_by_role("button", name="Apply").tap()
    expect(page.get_by_role("status")).to_contain_text(
        "New album “Grandma's birthday” with 20 photos"
    )
    album = Album.objects.get(owner=olivia, title="Grandma's birthday")
    assert set(album.photos.values_list("pk", flat=True)) == {p.pk for p in photos[:20]}
    expect(page.locator("[data-photo-grid] a.tile")).to_have_count(20)
    _fits(page)

    page.get_by_role("link", name="Share", exact=True).tap()
    expect(page.get_by_role("heading", name="Share “Grandma's birthday”")).to_be_visible()
    _fits(page)
    page.get_by_label("Family", exact=False).first.tap()
    page.get_by_role("button", name="Save").first.tap()
    expect(page.get_by_role("status")).to_be_visible()
    album.refresh_from_db()
    assert album.audience == "family"
    _fits(page)

    page.goto("/albums/")
    card = page.locator(".album-card", has_text="Grandma's birthday")
    expect(card.locator(".album-audience")).to_have_text("Family")
    _fits(page)

    # Gabriel, on his phone, finds it under his sister's name and opens it.
    theirs = signed_in(gabriel, **PHONE).new_page()
    theirs.goto("/shared/")
    group = theirs.locator(".share-panel", has_text="Olivia")
    group.locator(".album-card", has_text="Grandma's birthday").tap()
    expect(theirs.locator("[data-photo-grid] a.tile")).to_have_count(20)
    _fits(theirs)
