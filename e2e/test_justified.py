"""A justified grid (issue 16): photos at their own aspect ratio in rows that fill the
width, as Google Photos and Flickr show them, at a laptop's and a phone's width."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from gallery.models import Photo
from gallery.services.photos import photo_upload
from gallery.tests import imagegen

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = [(1600, 900), (900, 1600), (1200, 1200), (1600, 600), (1000, 1500)] * 3


@pytest.fixture
def olivia(make_user):
    user = make_user("olivia.rows@example.com")
    now = timezone.now().replace(hour=12)
    for i, size in enumerate(SIZES):
        data = imagegen.jpeg(image=imagegen.photo_like(size, seed=i))
        file = SimpleUploadedFile(f"p{i}.jpg", data, content_type="image/jpeg")
        photo = photo_upload(owner=user, file=file).photo
        Photo.objects.filter(pk=photo.pk).update(taken_at=now - timedelta(minutes=i))
    return user


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)])
def test_rows_keep_each_photos_shape_and_fill_the_width(signed_in, olivia, viewport):
    width, height = viewport
    page = signed_in(olivia, viewport={"width": width, "height": height}).new_page()
    page.goto("/photos/")
    tiles = page.locator("[data-photo-grid] a.tile")
    expect(tiles).to_have_count(len(SIZES))
    expect(page.locator("[data-photo-grid].is-justified")).to_have_count(1)
    boxes = tiles.evaluate_all("(els) => els.map((el) => el.getBoundingClientRect().toJSON())")
    grid = page.locator("[data-photo-grid]").bounding_box()
    for box, (w, h) in zip(boxes, SIZES, strict=True):  # newest first = upload order here
        assert abs(box["width"] / box["height"] - w / h) < 0.06 * (w / h), (box, w, h)
    rows: dict[int, list[dict]] = {}
    for box in boxes:
        rows.setdefault(round(box["y"]), []).append(box)
    assert len(rows) > 1
    *full, last = [rows[y] for y in sorted(rows)]
    for row in full:  # every row but the last ends at the grid's right edge
        assert abs(max(b["right"] for b in row) - (grid["x"] + grid["width"])) < 3, row
    heights = [row[0]["height"] for row in full]
    assert max(heights) < 2.2 * min(heights)
    assert last[0]["height"] <= max(heights) * 1.05  # the last row is not stretched
