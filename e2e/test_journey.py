"""The whole life of a Pikoshi user, in a real browser.

Olivia signs up, types the code from the email, uploads by dropping files, browses,
files a photo into an album, shares it with her family (Gabriel) but not with a stranger
(Sam), hands a password-protected link to someone without an account, revokes it and signs
out. Each step asserts what a person would see and saves a screenshot.
"""

import base64
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from conftest import PASSWORD
from gallery.tests import imagegen

pytestmark = pytest.mark.django_db(transaction=True)

OLIVIA = "olivia.e2e@example.com"
GABRIEL = "gabriel.e2e@example.com"
SAM = "sam.e2e@example.com"
LINK_PASSWORD = "grandma-loves-owls"
JUNE, MAY = "Photo taken 1 June 2024", "Photo taken 1 May 2024"


def _jpeg(seed: int, taken_at: str) -> bytes:
    return imagegen.jpeg(image=imagegen.photo_like((960, 640), seed=seed), taken_at=taken_at)


def _path(url: str) -> str:
    """The path and query of a URL, so links from emails open on the live server."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _goto(page, url: str, status: int = 200):
    response = page.goto(url)
    assert response is not None
    assert response.status == status, f"{url} answered {response.status}, expected {status}"
    return response


def _sign_in(page, email: str, password: str = PASSWORD):
    _goto(page, "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/photos/")
    expect(page.get_by_role("navigation", name="Main").locator("summary")).to_be_visible()


def _drop_files(page, files: list[tuple[str, bytes]]) -> bool:
    """Drag files over the drop zone and drop them there, as a file manager would.

    Returns whether the page accepted the drag (cancelled dragover) and lit up the zone.
    """
    payload = [{"name": name, "b64": base64.b64encode(data).decode()} for name, data in files]
    return page.locator("[data-drop-zone]").evaluate(
        """(zone, files) => {
            const transfer = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], f.name, { type: "image/jpeg" }));
            }
            const fire = (type) => zone.dispatchEvent(
                new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer })
            );
            fire("dragenter");
            const accepted = !fire("dragover");
            const highlighted = zone.classList.contains("is-dragging");
            fire("drop");
            return accepted && highlighted;
        }""",
        payload,
    )


def live_server_url(page) -> str:
    """The scheme and host the page is on."""
    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}"


def _natural_widths(locator) -> list[int]:
    """Wait until every image of the locator has loaded and decoded; their natural widths."""
    expect(locator.first).to_be_visible()
    locator.evaluate_all("(imgs) => Promise.all(imgs.map((img) => img.decode().catch(() => 0)))")
    return locator.evaluate_all("(imgs) => imgs.map((img) => img.naturalWidth)")


def _all_shown(locator, count: int):
    expect(locator).to_have_count(count)
    widths = _natural_widths(locator)
    assert len(widths) == count and all(width > 0 for width in widths), widths


def test_journey_from_sign_up_to_sign_out(new_context, shot, make_user):
    mail.outbox.clear()

    # --- Sign up -------------------------------------------------------------------------
    signup = new_context().new_page()
    _goto(signup, "/")
    signup.get_by_role("link", name="Create account").click()
    signup.get_by_label("Email").fill(OLIVIA)
    signup.get_by_label("Password", exact=True).fill(PASSWORD)
    signup.get_by_label("Password (again)").fill(PASSWORD)
    shot(signup, "signup-form")
    signup.get_by_role("button", name="Sign up").click()
    signup.wait_for_url("**/confirm-email/**")
    expect(signup.get_by_role("heading", name="Enter email verification code")).to_be_visible()
    shot(signup, "enter-the-code")

    # --- The code from the email, typed where the page asks for it ----------------------
    assert [m.to for m in mail.outbox] == [[OLIVIA]]
    match = re.search(r"^([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})+)$", mail.outbox[0].body, re.M)
    assert match, mail.outbox[0].body
    signup.locator("input[name=code]").fill(match.group(1))
    signup.get_by_role("button", name="Confirm").click()
    signup.wait_for_url("**/photos/")
    expect(signup.get_by_text(f"You have confirmed {OLIVIA}")).to_be_visible()
    shot(signup, "confirmed")
    signup.context.close()
    olivia = new_context().new_page()

    # --- Sign in ---------------------------------------------------------------------------
    _sign_in(olivia, OLIVIA)
    expect(olivia.get_by_role("heading", name="No photos yet")).to_be_visible()
    shot(olivia, "signed-in-empty-library")

    # --- Drop two photos on the upload page ------------------------------------------------
    _goto(olivia, "/upload/")
    photos = [
        ("harbour.jpg", _jpeg(1, "2024:05:01 12:00:00")),
        ("meadow.jpg", _jpeg(2, "2024:06:01 12:00:00")),
    ]
    assert _drop_files(olivia, photos), "the page did not take the dragged files"
    expect(olivia.locator("[data-upload-summary]")).to_have_text("2 of 2 finished · 2 uploaded")
    expect(olivia.locator("[data-upload-list] li")).to_contain_text(
        ["harbour.jpg Uploaded", "meadow.jpg Uploaded"], use_inner_text=True
    )
    _all_shown(olivia.locator("[data-upload-results] img"), 2)
    shot(olivia, "uploaded-by-drop")

    # --- Their thumbnails in the library, newest first -------------------------------------
    _goto(olivia, "/photos/")
    tiles = olivia.locator("[data-photo-grid] a.tile img")
    _all_shown(tiles, 2)
    expect(tiles.nth(0)).to_have_attribute("alt", JUNE)
    expect(tiles.nth(1)).to_have_attribute("alt", MAY)
    shot(olivia, "library-thumbnails")

    # --- The overlay viewer, stepped with the arrow keys; its address is the photo's page --
    tiles.first.click()
    overlay = olivia.locator(".pswp")
    expect(overlay).to_be_visible()
    olivia.wait_for_function("() => window.pswp && window.pswp.opener.isOpen")
    expect(olivia.locator(".pswp-caption")).to_have_text(JUNE)
    meadow_url = olivia.url
    assert "/photos/" in meadow_url and meadow_url != live_server_url(olivia) + "/photos/"
    shot(olivia, "viewer-meadow")
    olivia.keyboard.press("ArrowRight")
    expect(olivia.locator(".pswp-caption")).to_have_text(MAY)
    harbour_url = olivia.url
    assert harbour_url != meadow_url
    shot(olivia, "viewer-harbour-after-arrow-right")
    olivia.keyboard.press("ArrowLeft")
    expect(olivia.locator(".pswp-caption")).to_have_text(JUNE)
    assert olivia.url == meadow_url
    olivia.keyboard.press("Escape")
    expect(overlay).to_have_count(0)
    assert olivia.url.endswith("/photos/")

    # --- The same addresses are the photo's own pages, stepped with the arrow keys too -------
    _goto(olivia, meadow_url)
    viewer_image = olivia.locator("img.viewer-image")
    expect(viewer_image).to_have_attribute("alt", JUNE)
    assert _natural_widths(viewer_image)[0] > 0
    olivia.keyboard.press("ArrowRight")
    expect(viewer_image).to_have_attribute("alt", MAY)
    assert olivia.url == harbour_url

    # --- A new album, and the harbour photo added to it -------------------------------------
    _goto(olivia, "/albums/")
    olivia.get_by_role("link", name="New album").click()
    olivia.get_by_label("Title").fill("Family summer")
    olivia.get_by_role("button", name="Create album").click()
    expect(olivia.get_by_role("heading", name="Family summer")).to_be_visible()
    expect(olivia.get_by_text("This album is empty")).to_be_visible()
    album_url = olivia.url
    shot(olivia, "album-created")
    _goto(olivia, harbour_url)
    olivia.get_by_label("Add to album").select_option(label="Family summer")
    olivia.get_by_role("button", name="Add", exact=True).click()
    expect(olivia.get_by_text("1 photo added to “Family summer”.")).to_be_visible()
    expect(olivia.get_by_role("definition").get_by_role("link")).to_have_text("Family summer")
    _goto(olivia, album_url)
    expect(olivia.get_by_text("1 photo · Only me")).to_be_visible()
    album_tiles = olivia.locator("[data-photo-grid] a.tile img")
    _all_shown(album_tiles, 1)
    expect(album_tiles).to_have_attribute("alt", MAY)
    shot(olivia, "album-with-added-photo")

    # --- Gabriel becomes family: invitation, accepted in his own browser -------------------
    make_user(GABRIEL, display_name="Gabriel Guest")
    make_user(SAM, display_name="Sam Stranger")
    mail.outbox.clear()
    _goto(olivia, "/connections/")
    invite = olivia.get_by_role("region", name="Invite someone")
    invite.get_by_label("Email").fill(GABRIEL)
    invite.get_by_label("File them under").select_option(label="Family")
    invite.get_by_role("button", name="Send invitation").click()
    expect(olivia.get_by_text(f"Invitation sent to {GABRIEL}.")).to_be_visible()
    shot(olivia, "invitation-sent")
    assert [m.to for m in mail.outbox] == [[GABRIEL]]
    invite_link = re.search(r"https?://\S+/connections/\S*", mail.outbox[0].body)
    assert invite_link, mail.outbox[0].body

    gabriel = new_context().new_page()
    _sign_in(gabriel, GABRIEL)
    _goto(gabriel, _path(invite_link.group(0)))
    invitation = gabriel.get_by_role("region", name="Invitations for you").get_by_role("listitem")
    expect(invitation).to_contain_text(f"{OLIVIA} wants to connect")
    shot(gabriel, "gabriel-sees-invitation")
    invitation.get_by_role("button", name="Accept").click()
    expect(gabriel.get_by_role("status")).to_contain_text("You are now connected with")
    expect(gabriel.get_by_role("region", name="Your people")).to_contain_text(OLIVIA)
    shot(gabriel, "gabriel-connected")

    # --- Olivia shares the album with her family --------------------------------------------
    _goto(olivia, album_url)
    olivia.get_by_role("link", name="Share", exact=True).click()
    family = olivia.get_by_role("radio", name="Family", exact=True)
    expect(olivia.get_by_role("radio", name="Only me")).to_be_checked()
    family.check()
    olivia.get_by_role("region", name="Who can see it").get_by_role("button", name="Save").click()
    expect(olivia.get_by_role("status")).to_contain_text("Sharing settings saved.")
    expect(family).to_be_checked()
    share_url = olivia.url
    shot(olivia, "album-shared-with-family")

    # --- Gabriel sees it; Sam, a stranger, gets 404 ----------------------------------------
    _goto(gabriel, "/shared/")
    gabriel.get_by_role("link", name="Family summer").click()
    expect(gabriel.get_by_role("heading", name="Family summer")).to_be_visible()
    assert gabriel.url == album_url
    expect(gabriel.get_by_text("1 photo · Family · shared by")).to_be_visible()
    _all_shown(gabriel.locator("[data-photo-grid] a.tile img"), 1)
    shot(gabriel, "gabriel-sees-shared-album")

    sam = new_context().new_page()
    _sign_in(sam, SAM)
    _goto(sam, album_url, status=404)
    expect(sam.get_by_role("heading", name="Nothing here")).to_be_visible()
    shot(sam, "sam-gets-404")
    _goto(sam, "/shared/")
    expect(sam.get_by_text("Nothing shared with you yet")).to_be_visible()

    # --- A password-protected link, opened by someone signed out ----------------------------
    _goto(olivia, share_url)
    links = olivia.get_by_role("region", name="Links for people without an account")
    links.get_by_label("Label (who it is for)").fill("Grandma")
    links.get_by_label("Password (optional)").fill(LINK_PASSWORD)
    links.get_by_role("button", name="Create link").click()
    expect(olivia.get_by_role("status")).to_contain_text("Link created.")
    link_url = olivia.get_by_label("Share link").input_value()
    assert "/s/" in link_url
    shot(olivia, "link-created")

    visitor = new_context().new_page()
    _goto(visitor, _path(link_url))
    expect(visitor.get_by_role("heading", name="This album is protected")).to_be_visible()
    shot(visitor, "visitor-asked-for-password")
    visitor.get_by_label("Password").fill("not-the-password")
    with visitor.expect_navigation() as wrong:
        visitor.get_by_role("button", name="Open").click()
    assert wrong.value.status == 403
    expect(visitor.get_by_role("alert")).to_have_text("That password is not right.")
    visitor.get_by_label("Password").fill(LINK_PASSWORD)
    with visitor.expect_navigation(url=_path(link_url)) as right:
        visitor.get_by_role("button", name="Open").click()
    assert right.value.status == 200
    expect(visitor.get_by_role("heading", name="Family summer")).to_be_visible()
    link_tiles = visitor.locator("a.tile img")
    _all_shown(link_tiles, 1)
    image_url = link_tiles.first.evaluate("(img) => img.currentSrc || img.src")
    assert visitor.request.get(image_url).status == 200
    shot(visitor, "visitor-sees-album")

    # --- Revoked: the page and the captured image URL are gone ------------------------------
    _goto(olivia, share_url)
    links = olivia.get_by_role("region", name="Links for people without an account")
    row = links.get_by_role("row", name=re.compile("Grandma"))
    row.get_by_text("Revoke…").click()  # it asks first
    expect(row.locator(".confirm-body")).to_contain_text("Everyone who has it loses access")
    row.get_by_role("button", name="Revoke the link").click()
    expect(olivia.get_by_role("status")).to_contain_text("Link revoked.")
    expect(links).to_contain_text("No live links.")
    shot(olivia, "link-revoked")
    response = visitor.reload()
    assert response is not None and response.status == 404
    expect(visitor.get_by_role("heading", name="Nothing here")).to_be_visible()
    shot(visitor, "visitor-after-revoke")
    assert visitor.request.get(image_url).status == 404

    # --- Sign out -------------------------------------------------------------------------
    olivia.get_by_role("navigation", name="Main").locator("summary").click()
    olivia.get_by_role("button", name="Sign out").click()
    nav = olivia.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
    expect(nav.locator("summary")).to_have_count(0)
    shot(olivia, "signed-out")
    response = olivia.goto(album_url)
    assert response is not None and response.status == 200
    assert "/accounts/login/" in olivia.url


_FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        type: el.getAttribute("type") || "",
        text: (el.innerText || el.value || "").trim().slice(0, 40),
        menu: Boolean(el.closest("details.account-menu")),
        ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    };
}"""


def _tab_to(page, wanted, limit: int = 25) -> tuple[dict, list[str]]:
    """Press Tab until `wanted(focused)` holds; the focused element and the path taken."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        path.append(f"{focused['tag']}:{focused['text'] or focused['type']}")
        if wanted(focused):
            return focused, path
    raise AssertionError(f"not reached with {limit} presses of Tab: {' → '.join(path)}")


def test_keyboard_reaches_upload_control_and_account_menu(new_context, shot, make_user):
    make_user(OLIVIA, display_name="Olivia Owner")
    page = new_context().new_page()
    # Playwright turns on file-chooser interception only when the first listener is added,
    # and tells Chromium without waiting: a key pressed right after expect_file_chooser()
    # can open the (headless, invisible) native dialog before interception is on, and the
    # event never comes. A listener added now has it on long before the Space below.
    page.on("filechooser", lambda _chooser: None)
    _sign_in(page, OLIVIA)
    _goto(page, "/upload/")

    # The first stop is the skip link, and it shows itself when focused.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    # The account menu: a real disclosure that opens with Enter and closes with Escape.
    summary, path = _tab_to(page, lambda f: f["tag"] == "summary")
    assert summary["text"] == "Olivia Owner" and summary["ring"], summary
    assert "a:Upload" in path, path  # the main navigation came before it
    menu = page.locator("details.account-menu")
    expect(menu).not_to_have_attribute("open", "")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link").first).to_be_focused()
    focused, _ = _tab_to(page, lambda f: f["text"] == "Connections")
    assert focused["menu"] and focused["ring"], focused
    shot(page, "account-menu-open-by-keyboard")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(menu.locator("summary")).to_be_focused()

    # On to the upload control; the closed menu's links are not in the way.
    control, path = _tab_to(page, lambda f: f["type"] == "file")
    assert control["ring"], control
    assert not any(step in path for step in ("a:What I share", "button:Sign out")), path
    expect(page.get_by_label("Drop photos here")).to_be_focused()
    shot(page, "upload-control-focused")

    # Space opens the file chooser, and the chosen file uploads with no pointer at all.
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    assert chooser.value.is_multiple()
    chooser.value.set_files(
        {
            "name": "keyboard.jpg",
            "mimeType": "image/jpeg",
            "buffer": _jpeg(3, "2024:07:01 12:00:00"),
        }
    )
    expect(page.locator("[data-upload-summary]")).to_have_text("1 of 1 finished · 1 uploaded")
    _all_shown(page.locator("[data-upload-results] img"), 1)
    shot(page, "uploaded-by-keyboard")
