"""While a thumbnail loads, its tile shows the photo's ThumbHash (issue 16): computed at
upload by Pikoshi's encoder, decoded by the vendored thumbhash.js, and the same bytes as
that package's own encoder makes from the same pixels."""

import base64
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from gallery.imaging.thumbhash import rgba_to_thumbhash
from gallery.services.photos import photo_upload
from gallery.tests import imagegen

pytestmark = pytest.mark.django_db(transaction=True)

COMPARE = """async ({ module, cases }) => {
    const { rgbaToThumbHash } = await import(module);
    return cases.map(({ w, h, rgba }) => Array.from(rgbaToThumbHash(w, h, Uint8Array.from(rgba))));
}"""


def test_the_encoders_agree_byte_for_byte(new_context, live_server):
    page = new_context().new_page()
    page.goto("/")
    rng = random.Random(7)  # noqa: S311 - test pixels, not secrets
    cases = []
    for w, h, alpha in [(32, 21, False), (18, 32, False), (32, 32, True), (7, 5, False)]:
        rgba = []
        for _ in range(w * h):
            rgba += [rng.randrange(256) for _ in range(3)]
            rgba.append(rng.randrange(256) if alpha else 255)
        cases.append({"w": w, "h": h, "rgba": rgba})
    theirs = page.evaluate(
        COMPARE, {"module": "/static/vendor/thumbhash/thumbhash.js", "cases": cases}
    )
    ours = [list(rgba_to_thumbhash(c["w"], c["h"], bytes(c["rgba"]))) for c in cases]
    assert ours == theirs


def test_a_tile_shows_the_placeholder_until_its_thumbnail_arrives(signed_in, make_user):
    olivia = make_user("olivia.placeholder@example.com")
    orange = Image.new("RGB", (900, 600), (240, 140, 20))
    data = imagegen.jpeg(image=orange)
    photo = photo_upload(
        owner=olivia, file=SimpleUploadedFile("o.jpg", data, content_type="image/jpeg")
    ).photo
    assert photo.thumbhash
    page = signed_in(olivia).new_page()
    held = []
    page.route("**/media/**", lambda route: held.append(route))  # thumbnails wait
    page.goto("/photos/")
    tile = page.locator("[data-photo-grid] a.tile").first
    expect(page.locator("[data-photo-grid][data-placeholders-ready]")).to_have_count(1)
    background = tile.evaluate("(el) => getComputedStyle(el).backgroundImage")
    assert background.startswith('url("data:image/png;base64,'), background
    average = page.evaluate(
        """async ({ module, hash }) => {
            const { thumbHashToAverageRGBA } = await import(module);
            const bytes = Uint8Array.from(atob(hash), (c) => c.charCodeAt(0));
            const { r, g, b } = thumbHashToAverageRGBA(bytes);
            return [r * 255, g * 255, b * 255];
        }""",
        {"module": "/static/vendor/thumbhash/thumbhash.js", "hash": photo.thumbhash},
    )
    assert all(abs(got - want) < 20 for got, want in zip(average, (240, 140, 20), strict=True))
    assert base64.b64decode(photo.thumbhash) == base64.b64decode(
        tile.get_attribute("data-thumbhash")
    )
    for route in held:
        route.continue_()
