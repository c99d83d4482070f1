"""Each tile downloads the smallest variant that is sharp on the screen it is shown on
(issue 16): on a laptop at 2× and a phone at 3×, in the timeline and on a share link's
page, which is justified like the timeline."""

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

SIZES = [(1600, 900), (900, 1600), (1200, 1200), (2000, 700), (1000, 1500), (1500, 1000)] * 2

# For every tile on screen: the device pixels it covers across, the widths its srcset
# offers, and the width of the one the browser took.
CHOICES = """() => [...document.querySelectorAll('[data-photo-grid] .tile img')]
    .filter((img) => img.getBoundingClientRect().top < window.innerHeight && img.complete)
    .map((img) => {
        const offered = img.srcset.split(',').map((c) => c.trim().split(/\\s+/))
            .map(([url, w]) => ({ url, w: parseInt(w, 10) }));
        const taken = offered.find((c) => new URL(c.url, location.href).href === img.currentSrc);
        return {
            needed: img.getBoundingClientRect().width * devicePixelRatio,
            offered: offered.map((c) => c.w).sort((a, b) => a - b),
            taken: taken ? taken.w : null,
        };
    })"""


@pytest.fixture
def olivia(make_user):
    user = make_user("olivia.sizes@example.com")
    album = make_album(user, title="Shapes")
    now = timezone.now().replace(hour=12)
    for i, size in enumerate(SIZES):
        data = imagegen.jpeg(image=imagegen.photo_like(size, seed=i))
        file = SimpleUploadedFile(f"s{i}.jpg", data, content_type="image/jpeg")
        photo = photo_upload(owner=user, file=file, album=album).photo
        Photo.objects.filter(pk=photo.pk).update(taken_at=now - timedelta(minutes=i))
    return {"user": user, "link": make_link(user, album)}


def _check(page) -> None:
    expect(page.locator("[data-photo-grid].is-justified")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    choices = page.evaluate(CHOICES)
    assert len(choices) >= 4
    for choice in choices:
        offered, needed, taken = choice["offered"], choice["needed"], choice["taken"]
        assert len(offered) == 3, choice  # thumb, mobile and display
        sharp = [w for w in offered if w >= needed - 0.5]
        # The smallest that is sharp, or the largest there is when none is.
        assert taken == (sharp[0] if sharp else offered[-1]), choice


@pytest.mark.parametrize(
    "viewport, ratio",
    [((1366, 900), 1), ((1366, 900), 2), ((390, 844), 2), ((390, 844), 3)],
    ids=["laptop-1x", "laptop-2x", "phone-2x", "phone-3x"],
)
def test_each_tile_takes_the_smallest_sharp_variant(
    signed_in, new_context, olivia, viewport, ratio
):
    width, height = viewport
    options = {"viewport": {"width": width, "height": height}, "device_scale_factor": ratio}
    page = signed_in(olivia["user"], **options).new_page()
    page.goto("/photos/")
    _check(page)
    visitor = new_context(**options).new_page()
    visitor.goto(olivia["link"].path)
    _check(visitor)
