"""The OpenAPI document of allauth's headless API as Pikoshi serves it (/_allauth/openapi.*).

allauth builds it from the document it ships, fitted to the settings (the paths that are
mounted, the sign-up fields, the token strategy). Pikoshi amends where the shipped document
and allauth's own answers disagree, so a client generated from it can read every answer:

- `Flow.id` lists every flow allauth sends. The shipped enum lacks `mfa_login_webauthn`,
  `mfa_signup_webauthn`, `mfa_trust` and `password_reset_by_code`, although the shipped
  description names them as flows and allauth lists `mfa_login_webauthn` in every
  anonymous answer while passkey sign-in is on (MFA_PASSKEY_LOGIN_ENABLED).
- `Flow.is_pending` is a boolean: `password_reset_by_code` is listed with `false` while no
  reset is under way; the shipped document allows only `true`.
- `User.id` is the public uuid (accounts.api.headless.HeadlessAdapter), never the
  sequential key.
- The metadata of a signed-in answer names `refresh_token` and `expires_in` beside
  `access_token`: the token strategy (accounts.api.tokens) sends all three, and an app
  needs the refresh token to refresh and to sign out.
- The login body is fitted to ACCOUNT_LOGIN_METHODS as allauth fits the sign-up body to
  its fields: one plain object of the identifier Pikoshi signs in with and the password.
  The shipped `allOf` of the password and an `anyOf` of username, email and phone gives
  generated clients a model with the password alone.

docs/security.md records why; accounts/tests/test_headless_contract.py holds answers to it.
"""

from __future__ import annotations

import json
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.internal.decorators import login_not_required
from allauth.headless.constants import Flow
from allauth.headless.spec.internal.schema import get_schema
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.generic import View


def amend(spec: dict[str, Any]) -> dict[str, Any]:
    """allauth's fitted document, amended to describe the answers the server sends."""
    schemas = spec["components"]["schemas"]
    flow = schemas["Flow"]["properties"]
    listed = flow["id"]["enum"]
    flow["id"]["enum"] = listed + sorted(f.value for f in Flow if f.value not in listed)
    flow["is_pending"] = {"type": "boolean"}
    user_id = schemas["User"]["properties"]["id"]
    user_id.update({"type": "string", "format": "uuid"})
    meta = schemas["BaseAuthenticationMeta"]["properties"]
    meta["refresh_token"] = {
        "$ref": "#/components/schemas/RefreshToken",
        "description": "The refresh token for /api/auth/token/refresh/ (`app` clients only).\n",
    }
    meta["expires_in"] = {
        "type": "integer",
        "description": "Seconds until the access token expires (`app` clients only).\n",
    }
    schemas["Login"] = _login_body(schemas["Login"])
    return spec


def _login_body(shipped: dict[str, Any]) -> dict[str, Any]:
    """The shipped login body with only the ways of signing in that are on, as one object."""
    password, identifiers = shipped["allOf"]
    methods = {getattr(method, "value", method) for method in account_settings.LOGIN_METHODS}
    ways = [way for way in identifiers["anyOf"] if set(way["required"]) <= methods]
    if not ways:
        return shipped
    if len(ways) > 1:
        return {"allOf": [password, {"anyOf": ways}]}
    [way] = ways
    return {
        "type": "object",
        "properties": {**way["properties"], **password["properties"]},
        "required": [*way["required"], *password["required"]],
    }


def served_schema() -> dict[str, Any]:
    return amend(get_schema())


@method_decorator(login_not_required, name="dispatch")
class OpenAPIJSONView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(
            json.dumps(served_schema()),
            content_type="application/vnd.oai.openapi+json",
            headers={"Content-Disposition": "inline; filename=allauth-openapi.json"},
        )


@method_decorator(login_not_required, name="dispatch")
class OpenAPIYAMLView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        import yaml

        return HttpResponse(
            yaml.dump(served_schema(), Dumper=yaml.Dumper),
            content_type="application/vnd.oai.openapi",
            headers={"Content-Disposition": "inline; filename=allauth-openapi.yaml"},
        )
