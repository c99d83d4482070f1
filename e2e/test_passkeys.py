"""Passkeys in a real browser: Chromium's virtual authenticator (DevTools WebAuthn domain)
stands in for a phone or security key, so registration and sign-in run allauth's own
scripts under our Content-Security-Policy, end to end.
"""

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import TIMEOUT_MS

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "petra.e2e@example.com"


@pytest.fixture
def new_context(browser, live_server):
    """Like the shared fixture, but on http://localhost: a WebAuthn relying party must be a
    domain (an IP address is refused), and localhost counts as a secure origin."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server.url.replace("127.0.0.1", "localhost"),
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def _virtual_authenticator(context, page) -> tuple[object, str]:
    """A platform authenticator that holds discoverable credentials and always verifies
    the user, as a phone with a fingerprint reader would."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    created = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, created["authenticatorId"]


def _goto(page, url: str):
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)


def _password_sign_in(page):
    _goto(page, "/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _sign_out(page):
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")


def _add_passkey(page, shot):
    _goto(page, "/accounts/2fa/webauthn/add/")
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    page.get_by_label("Name").fill("My phone")
    page.get_by_label("Passwordless").check()
    shot(page, "add-passkey")
    page.get_by_role("button", name="Add", exact=True).click()
    # The first key also brings recovery codes, for the day the phone is lost.
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    shot(page, "recovery-codes")


def test_register_a_passkey_then_sign_in_with_it_alone(new_context, shot, make_user):
    user = make_user(EMAIL, display_name="Petra")
    context = new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    cdp, authenticator_id = _virtual_authenticator(context, page)

    _password_sign_in(page)
    page.wait_for_url("**/photos/")
    _add_passkey(page, shot)

    key = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "My phone"
    assert key.wrap().is_passwordless
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]
    assert credential["isResidentCredential"]

    _sign_out(page)
    _goto(page, "/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url("**/photos/")
    expect(page.get_by_role("navigation", name="Main").locator("summary")).to_have_text("Petra")
    shot(page, "signed-in-with-passkey")
    _goto(page, "/accounts/profile/")
    expect(page.get_by_text("passkeys added")).to_be_visible()
    shot(page, "account-page")
    page.get_by_role("link", name="Where you are signed in").click()
    expect(page.get_by_text("This browser")).to_be_visible()
    shot(page, "sessions-page")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_passkey_is_the_second_factor_after_the_password(new_context, shot, make_user):
    make_user(EMAIL, display_name="Petra")
    context = new_context()
    page = context.new_page()
    _virtual_authenticator(context, page)
    _password_sign_in(page)
    page.wait_for_url("**/photos/")
    _add_passkey(page, shot)
    _sign_out(page)

    _password_sign_in(page)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    shot(page, "second-factor")
    page.get_by_role("button", name="Use a security key").click()

    page.wait_for_url("**/photos/")
    expect(page.get_by_role("navigation", name="Main").locator("summary")).to_have_text("Petra")
