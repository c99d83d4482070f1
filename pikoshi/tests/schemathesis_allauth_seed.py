"""Prepare the schemathesis run of allauth's headless API (schemathesis_allauth.sh).

Run once with the same environment as the live server:
    python -m pikoshi.tests.schemathesis_allauth_seed prepare DIR

It writes into DIR the document the run checks against: the OpenAPI document shipped
inside the django-allauth package, not the one Pikoshi serves, with exactly one erratum
(ERRATA). For each client (app, browser) and state (anonymous, signed-in) it writes the
schemathesis config (the {client} path parameter pinned, and what is left unchecked, each
with its reason as a comment) and the headers the run sends: a seeded, verified person's
session when signed in, the CSRF pair an anonymous browser holds.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
from pathlib import Path
from typing import Any

import django

# What the run changes in allauth's shipped document, and why. Only what the server cannot
# follow without breaking allauth's own intent; every other line is checked as shipped.
ERRATA = (
    "Flow.id lists every flow allauth sends and Flow.is_pending is a boolean: the shipped "
    "enum lacks mfa_login_webauthn, mfa_signup_webauthn, mfa_trust and "
    "password_reset_by_code, which the shipped description names as flows and allauth "
    "lists in its answers (docs/security.md)."
)


def packaged_spec_path() -> Path:
    import allauth.headless

    return Path(allauth.headless.__file__).parent / "spec" / "doc" / "openapi.yaml"


def packaged_spec() -> dict[str, Any]:
    """allauth's shipped document with the erratum, ready for a tool that knows OpenAPI."""
    import yaml
    from allauth.headless.constants import Flow

    spec = yaml.safe_load(packaged_spec_path().read_text())
    # The shipped file points its description at a Markdown file beside it ($ref in a
    # place OpenAPI allows none); the text is not part of the contract.
    spec["info"]["description"] = "django-allauth's headless API, as shipped."
    flow = spec["components"]["schemas"]["Flow"]["properties"]
    listed = flow["id"]["enum"]
    flow["id"]["enum"] = listed + sorted(f.value for f in Flow if f.value not in listed)
    flow["is_pending"] = {"type": "boolean"}
    return spec


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def unmounted(spec: dict[str, Any], client: str) -> list[tuple[str, str]]:
    """(method, path) of the shipped operations that Pikoshi does not serve for a client.

    A path is unmounted when it does not resolve (phone numbers, login by code, the app's
    token refresh for the browser, provider redirects for the app), the same test allauth
    uses to leave a path out of the document it serves.
    """
    from django.urls import Resolver404, resolve

    missing = []
    for path, item in spec["paths"].items():
        try:
            resolve(path.replace("{client}", client))
        except Resolver404:
            missing.extend((method, path) for method in item if method in HTTP_METHODS)
    return missing


# Operations that need a signed-in person (or one in the middle of signing in). allauth
# answers an anonymous call with its "not authenticated" 401 listing the flows to sign in,
# which the shipped document leaves out of these operations or documents as
# "reauthentication required" (a body with `user` and `methods`). Anonymous, they are still
# sent every case and checked for server errors, methods and content types; the status code
# and body checks run on them signed in.
NEEDS_A_SESSION = re.compile(
    r"/v1/(account/|auth/sessions$|auth/(2fa/|webauthn/)?reauthenticate|auth/webauthn/authenticate$)"
)
CHECKED_SIGNED_IN_ONLY = ("status_code_conformance", "response_schema_conformance")
# Operations whose answers include a status the shipped document leaves out, with why;
# status_code_conformance is off for them alone (their bodies are still checked wherever
# the document describes the status).
UNDOCUMENTED_STATUS = {
    **dict.fromkeys(
        (
            "POST /_allauth/{client}/v1/account/authenticators/webauthn",
            "PUT /_allauth/{client}/v1/account/authenticators/webauthn",
            "DELETE /_allauth/{client}/v1/account/authenticators/webauthn",
            "DELETE /_allauth/{client}/v1/auth/sessions",
        ),
        "allauth answers input it refuses with its 400 error envelope, which the shipped "
        "document leaves out of this operation",
    ),
    **dict.fromkeys(
        (
            "GET /_allauth/{client}/v1/auth/webauthn/authenticate",
            "POST /_allauth/{client}/v1/auth/webauthn/authenticate",
        ),
        "a step of signing in: with no sign-in waiting for its second factor allauth "
        "answers 401 (the flows), which the shipped document leaves out of this operation",
    ),
    "POST /_allauth/browser/v1/auth/provider/redirect": (
        "a provider or callback it refuses is answered with allauth's authentication error "
        "(401) unless HEADLESS_ONLY, which the shipped document (302 only) leaves out"
    ),
}
# With verification and reset by code (Pikoshi's settings), reading the pending step with
# its key header left out answers 409 (no such flow is pending), as allauth's code mode
# does; the shipped document, written for the key links, expects a 400 there.
CODE_MODE_READS = {
    **dict.fromkeys(
        (
            "GET /_allauth/{client}/v1/auth/email/verify",
            "GET /_allauth/{client}/v1/auth/password/reset",
        ),
        "in code mode a missing key header answers 409 (no code flow pending), not 400",
    ),
}
# Every check schemathesis has runs, except these (listed in schemathesis_allauth.sh too):
# - positive_data_acceptance: the document's schemas cannot say what the server must
#   refuse (an address already taken, a wrong password, a code that is not pending), so
#   schema-valid input is often rightly answered 400/409;
# - use_after_free, ensure_resource_availability: the document declares no links between
#   operations, so these stateful checks have nothing to follow.
CHECKS_OFF = ("positive_data_acceptance", "use_after_free", "ensure_resource_availability")


def toml_string(value: str) -> str:
    return json.dumps(value)


def config(client: str, *, signed_in: bool) -> str:
    """schemathesis.toml for one client: {client} pinned, unserved operations off."""
    spec = packaged_spec()
    lines = [f"[parameters]\n{toml_string('path.client')} = {toml_string(client)}\n"]
    # In the file, not on the command line: schemathesis lets the command line's --checks
    # override every operation's own checks.
    lines.append("[checks]")
    lines.extend(f"{check}.enabled = false" for check in CHECKS_OFF)
    lines.append("")
    switched_off = [
        (method, path, "Pikoshi does not mount it (the served document drops it too)")
        for method, path in unmounted(spec, client)
    ]
    other = "browser" if client == "app" else "app"
    switched_off.extend(
        (method, path, f"the {other} client's own operation; its run covers it")
        for path, item in spec["paths"].items()
        if path.startswith(f"/_allauth/{other}/")
        for method in item
        if method in HTTP_METHODS
    )
    if signed_in:
        switched_off.append(
            (
                "delete",
                "/_allauth/{client}/v1/auth/session",
                "signing out ends the session the run is signed in with; the anonymous "
                "run covers it",
            )
        )
    for name, reason in UNDOCUMENTED_STATUS.items():
        lines.append(f"# {name}: {reason}")
        lines.append("[[operations]]")
        lines.append(f"include-name = {toml_string(name)}")
        lines.append("checks.status_code_conformance.enabled = false\n")
    for name, reason in CODE_MODE_READS.items():
        lines.append(f"# {name}: {reason}")
        lines.append("[[operations]]")
        lines.append(f"include-name = {toml_string(name)}")
        lines.append("checks.missing_required_header.enabled = false\n")
    if not signed_in:
        for path, item in spec["paths"].items():
            if not NEEDS_A_SESSION.search(path):
                continue
            for method in item:
                if method in HTTP_METHODS and (method, path) not in {
                    (m, p) for m, p, _ in switched_off
                }:
                    lines.append(f"# {method.upper()} {path}: needs a session (NEEDS_A_SESSION)")
                    lines.append("[[operations]]")
                    lines.append(f"include-name = {toml_string(f'{method.upper()} {path}')}")
                    for check in CHECKED_SIGNED_IN_ONLY:
                        lines.append(f"checks.{check}.enabled = false")
                    lines.append("")
    for method, path, reason in switched_off:
        lines.append(f"# {method.upper()} {path}: {reason}")
        lines.append("[[operations]]")
        # One filter per entry: separate include-path/include-method filters would each
        # match on their own and switch off every operation of that method.
        lines.append(f"include-name = {toml_string(f'{method.upper()} {path}')}")
        lines.append("enabled = false\n")
    return "\n".join(lines)


def session(client: str) -> dict[str, str]:
    """A verified person signed in for `client`; the headers the run sends to present it."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    email = f"fuzz-{secrets.token_hex(4)}@example.com"
    user = User.objects.create_user(
        email=email, password=secrets.token_urlsafe(16), display_name="Fuzz"
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    browser = Client()
    browser.force_login(user)
    session_key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    if client == "app":
        # allauth's app client names its session by X-Session-Token: the session's key.
        return {"X-Session-Token": session_key}
    # The browser client: the session cookie beside the CSRF pair.
    headers = csrf_pair()
    headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={session_key}; {headers['Cookie']}"
    return headers


def csrf_pair() -> dict[str, str]:
    """A CSRF secret in both the cookie and the header, as an SPA sends them after its
    first GET: without it every unsafe request of the browser client is rightly a 403."""
    from django.conf import settings

    csrf = secrets.token_hex(16)
    return {"Cookie": f"{settings.CSRF_COOKIE_NAME}={csrf}", "X-CSRFToken": csrf}


def prepare(folder: Path) -> None:
    """Everything the four runs need, in one start of Django: the document, and per client
    and state its config file and the headers that present it (one `Name: value` a line)."""
    (folder / "allauth-openapi.json").write_text(json.dumps(packaged_spec()))
    for client in ("app", "browser"):
        for state in ("anonymous", "signed-in"):
            signed_in = state == "signed-in"
            (folder / f"{client}-{state}.toml").write_text(config(client, signed_in=signed_in))
            if signed_in:
                headers = session(client)
            elif client == "browser":
                headers = csrf_pair()
            else:
                headers = {}
            (folder / f"{client}-{state}.headers").write_text(
                "".join(f"{name}: {value}\n" for name, value in headers.items())
            )
    print(f"errata: {ERRATA}")


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pikoshi.settings")
    django.setup()
    if len(argv) != 2 or argv[0] != "prepare":
        raise SystemExit("usage: python -m pikoshi.tests.schemathesis_allauth_seed prepare DIR")
    prepare(Path(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
