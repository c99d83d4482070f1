"""Every page fits a phone and a laptop, in a real browser (issue 16).

At 1366×900 and 390×844 each page of a person's library and sharing, and the pages a
link holder sees, is checked for anything wider than the screen or off its edge; the
account menu opens on screen and "Sign out" can be tapped; a touch screen is not told
to press arrow keys; destructive buttons look dangerous and ask first.
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from gallery.models import AlbumMember, Circle, Connection
from gallery.services.photos import photo_upload
from gallery.tests import imagegen
from gallery.tests.factories import make_album, make_link

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}

# Every visible element whose box leaves the viewport, by a selector a person can read.
OFF_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    const hidden = (el) => el.closest('.visually-hidden, .skip-link, [hidden]');
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || hidden(el)) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        if (box.left < -1 || box.right > width + 1) {
            const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
            found.push(`${name} ${Math.round(box.left)}..${Math.round(box.right)}`);
        }
    }
    const page = document.documentElement.scrollWidth;
    if (page > width) found.unshift(`the page is ${page} px wide on a ${width} px screen`);
    return found.slice(0, 8);
}"""


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# Every serious or critical WCAG 2.2 A/AA violation, as "rule: where".
AXE_RUN = """async () => {
    const result = await axe.run(document, { runOnly: { type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}"""


def axe_problems(page) -> list[str]:
    """Run the vendored axe-core on the page as it is now (its context must bypass the CSP)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)


def _landscape(seed: int) -> SimpleUploadedFile:
    data = imagegen.jpeg(image=imagegen.photo_like((1600, 600), seed=seed))
    return SimpleUploadedFile(f"wide-{seed}.jpg", data, content_type="image/jpeg")


@pytest.fixture
def family(make_user):
    """Olivia's library: wide photos in an album shared with Gabriel (connected as family)
    and through a link; an invitation waiting for Sam."""
    olivia = make_user("olivia.layout@example.com", display_name="Olivia Marchetti-Lindqvist")
    gabriel = make_user("gabriel.layout@example.com", display_name="Gabriel")
    Connection.objects.create(user=olivia, contact=gabriel, circle=Circle.FAMILY)
    Connection.objects.create(user=gabriel, contact=olivia, circle=Circle.FAMILY)
    album = make_album(olivia, title="Summer at the lake house with the whole family")
    AlbumMember.objects.create(album=album, user=gabriel)
    photos = [photo_upload(owner=olivia, file=_landscape(i), album=album).photo for i in (1, 2)]
    link = make_link(olivia, album, label="For grandma and grandpa in Lisbon")
    from gallery.services import sharing as sharing_services

    sharing_services.invitation_create(
        inviter=olivia, email="sam.layout@example.com", circle=Circle.FRIEND
    )
    return {"olivia": olivia, "gabriel": gabriel, "album": album, "photos": photos, "link": link}


def _owner_pages(family) -> list[str]:
    album, photo = family["album"].public_id, family["photos"][0].public_id
    return [
        "/photos/",
        f"/photos/?from={timezone.localtime():%Y-%m}",  # the scrubber shows
        "/albums/",
        f"/albums/{album}/",
        f"/albums/{album}/share/",
        f"/photos/{photo}/",
        f"/photos/{photo}/?album={album}",
        "/search/?q=wide",
        "/upload/",
        "/trash/",
        "/connections/",
        "/sharing/",
        "/shared/",
        "/accounts/profile/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/sessions/",
        "/accounts/export/",
        "/accounts/delete/",
        "/sharing/make-private/",
        f"/albums/{album}/edit/",
        f"/albums/{album}/delete/",
        "/albums/new/",
    ]


@pytest.mark.parametrize("size", sorted(SIZES))
def test_no_page_is_wider_than_the_screen(new_context, signed_in, family, size):
    context = signed_in(family["olivia"])
    page = context.new_page()
    page.set_viewport_size(SIZES[size])
    problems = {}
    for url in _owner_pages(family):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("load")
        if found := page.evaluate(OFF_SCREEN):
            problems[url] = found
    # What a link holder sees: the album and one photo.
    visitor = new_context().new_page()
    visitor.set_viewport_size(SIZES[size])
    visitor.goto(family["link"].path)
    # The photo's own page (the grid's tile opens the overlay viewer over the album).
    visitor.goto(visitor.locator("a.tile").first.get_attribute("href"))
    visitor.wait_for_load_state("load")
    expect(visitor.locator(".share-photo img")).to_be_visible()
    if found := visitor.evaluate(OFF_SCREEN):
        problems["link photo page"] = found
    assert problems == {}, "\n".join(f"{url}: {found}" for url, found in problems.items())


def test_the_account_menu_opens_on_a_phone_and_sign_out_can_be_tapped(
    new_context, signed_in, family
):
    # A short name puts the menu's button at the start of the navigation's second line.
    context = signed_in(family["gabriel"], viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.goto("/photos/")
    page.get_by_role("navigation", name="Main").locator("summary").tap()
    items = page.locator(".account-menu .menu, .account-menu .menu a, .account-menu .menu button")
    expect(items.first).to_be_visible()
    for box in items.evaluate_all("(els) => els.map((el) => el.getBoundingClientRect().toJSON())"):
        assert box["left"] >= 0 and box["right"] <= PHONE["width"], box
    page.get_by_role("button", name="Sign out").tap()
    page.wait_for_url("**/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()


def test_a_touch_screen_is_not_told_to_press_arrow_keys(new_context, signed_in, family):
    photo = family["photos"][0]
    touch = signed_in(family["olivia"], viewport=PHONE, has_touch=True, is_mobile=True)
    phone = touch.new_page()
    phone.goto(f"/photos/{photo.public_id}/")
    expect(phone.locator("[data-viewer] [data-prev], [data-viewer] [data-next]")).to_be_visible()
    expect(phone.get_by_text("Use ← and →")).to_be_hidden()
    laptop = signed_in(family["olivia"]).new_page()
    laptop.goto(f"/photos/{photo.public_id}/")
    expect(laptop.get_by_text("Use ← and →")).to_be_visible()


def test_the_link_photo_page_moves_between_photos_with_buttons_and_keys(
    new_context, signed_in, family
):
    page = new_context().new_page()
    page.goto(family["link"].path)
    page.goto(page.locator("a.tile").first.get_attribute("href"))
    first = page.url
    page.get_by_role("link", name="Next photo (older)").click()
    page.wait_for_url(lambda url: url != first)
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(first)


def test_destructive_buttons_look_dangerous_and_ask_first(new_context, signed_in, family):
    page = signed_in(family["olivia"]).new_page()
    page.goto("/connections/")
    row = page.get_by_role("row").filter(has_text="Gabriel")
    remove = row.get_by_text("Remove…")
    assert "danger-outline" in (remove.get_attribute("class") or "")
    accent = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    assert accent
    dialog = row.locator(".confirm-body")
    expect(dialog).to_be_hidden()
    remove.click()
    expect(dialog).to_contain_text("Gabriel will also leave 1 album")
    confirm = dialog.get_by_role("button", name="Remove Gabriel")
    colours = confirm.evaluate(
        "(el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
    )
    probe = page.evaluate(
        """(accent) => { const el = document.createElement('span'); el.style.color = accent;
        document.body.append(el); const c = getComputedStyle(el).color; el.remove(); return c; }""",
        accent,
    )
    assert probe not in colours, colours  # not the primary button's look
    assert Connection.objects.filter(user=family["olivia"]).count() == 1  # nothing yet
    confirm.click()
    expect(page.get_by_text("You are no longer connected with Gabriel.")).to_be_visible()
    assert Connection.objects.filter(user=family["olivia"]).count() == 0


def test_every_page_has_an_icon(new_context):
    page = new_context().new_page()
    response = page.goto("/favicon.ico")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("image/")
    page.goto("/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon and page.goto(icon).status == 200


@pytest.mark.parametrize("size", sorted(SIZES))
def test_axe_finds_nothing_serious_on_any_page(new_context, signed_in, family, size):
    """axe-core (vendored from npm, e2e/vendor/) on every page at both sizes: no serious or
    critical WCAG 2.2 AA violation. The test's own profile lets axe's script in past the
    CSP; the pages are served exactly as to anyone."""
    found = {}

    def check(page, url):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        if problems := axe_problems(page):
            found[url] = problems

    owner = signed_in(family["olivia"], viewport=SIZES[size], bypass_csp=True).new_page()
    for url in _owner_pages(family):
        check(owner, url)
    visitor = new_context(viewport=SIZES[size], bypass_csp=True).new_page()
    for url in ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        check(visitor, url)
    check(visitor, family["link"].path)
    photo = family["photos"][0].public_id
    check(visitor, f"{family['link'].path}photos/{photo}/")
    assert found == {}, "\n".join(f"{url}: {problems}" for url, problems in found.items())
