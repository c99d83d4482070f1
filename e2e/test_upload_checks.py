"""The upload page checks each file before it travels, marks failures red, and keeps the
storage figure true while photos arrive (issue 16)."""

import pytest
from django.template.defaultfilters import filesizeformat
from playwright.sync_api import expect

from gallery.selectors import photos as photo_selectors
from gallery.tests import imagegen

pytestmark = pytest.mark.django_db(transaction=True)


def _choose(page, files: list[tuple[str, str, bytes]]) -> None:
    page.locator("input[type=file]").set_input_files(
        [{"name": name, "mimeType": kind, "buffer": data} for name, kind, data in files]
    )


def test_too_large_and_unknown_files_are_refused_before_they_travel(signed_in, make_user, settings):
    settings.PIKOSHI_MAX_UPLOAD_BYTES = 1024 * 1024
    olivia = make_user("olivia.upload@example.com")
    page = signed_in(olivia).new_page()
    sent = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" else None)
    page.goto("/upload/")
    usage = page.locator(".storage-usage strong")
    expect(usage).to_have_text(filesizeformat(0))
    photo = imagegen.jpeg(image=imagegen.photo_like((640, 480), seed=4))
    _choose(
        page,
        [
            ("huge.jpg", "image/jpeg", b"\xff\xd8" + b"0" * (1024 * 1024 + 10)),
            ("notes.txt", "text/plain", b"shopping list"),
            ("harbour.jpg", "image/jpeg", photo),
        ],
    )
    rows = page.locator("[data-upload-list] li")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("larger than the 1 MB limit")
    expect(rows.nth(1)).to_contain_text("JPEG, PNG, WebP, GIF or HEIC")
    expect(rows.nth(2)).to_contain_text("Uploaded")
    expect(page.locator("[data-upload-summary]")).to_have_text(
        "3 of 3 finished · 1 uploaded · 2 failed"
    )
    assert len(sent) == 1, [r.url for r in sent]  # only the photo went to the server
    # Failed rows are red, to the bar.
    danger = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--danger').trim()"
    )
    bar = rows.nth(0).locator("progress")
    assert bar.evaluate("(el) => el.value") == 0
    colours = rows.nth(0).evaluate(
        "(el) => [getComputedStyle(el.querySelector('progress')).accentColor,"
        " getComputedStyle(el).borderColor]"
    )
    probe = page.evaluate(
        """(c) => { const el = document.createElement('span'); el.style.color = c;
        document.body.append(el); const v = getComputedStyle(el).color; el.remove(); return v; }""",
        danger,
    )
    assert colours == [probe, probe]
    # The figure above counts what arrived, as the account page would.
    used = photo_selectors.user_storage_used(user=olivia)
    assert used == len(photo)
    expect(usage).to_have_text(filesizeformat(used))


def test_leaving_while_photos_are_on_their_way_asks_first(signed_in, make_user):
    olivia = make_user("olivia.leaving@example.com")
    page = signed_in(olivia).new_page()
    held = []
    page.route("**/api/photos/", lambda route: held.append(route))  # the upload hangs
    page.goto("/upload/")
    photo = imagegen.jpeg(image=imagegen.photo_like((640, 480), seed=5))
    _choose(page, [("slow.jpg", "image/jpeg", photo)])
    expect(page.locator("[data-upload-list] li")).to_contain_text("Uploading")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay

    page.on("dialog", answer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Photos").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/upload/")
    link = page.get_by_role("link", name="browse your photos in a new tab")
    assert link.get_attribute("target") == "_blank"
    for route in held:
        route.abort()
