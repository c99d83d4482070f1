"""allauth.headless's routes as Pikoshi offers them: allauth's own, minus phone numbers.

Mounted at /_allauth/ (pikoshi.urls) under allauth's namespace ("headless"), so allauth's
reverse() calls and its OpenAPI generator find every route where allauth put it. The
OpenAPI document is Pikoshi's amendment of allauth's (accounts.api.headless_spec).
"""

from __future__ import annotations

from allauth.headless import urls as allauth_urls
from django.urls import URLPattern, URLResolver, path

from accounts.api import headless_spec
from accounts.api.headless import refuse_keys_without_account, refuse_unknown_methods

# Pikoshi keeps no phone numbers (the adapter has none to give: allauth's default
# get_phone raises), so the routes that read or verify one are not mounted; the served
# document drops them too, since allauth lists only the paths that resolve.
UNOFFERED_ROUTES = frozenset({"manage_phone", "verify_phone", "resend_phone_verification_code"})
SPEC_ROUTES = frozenset({"openapi_yaml", "openapi_json", "openapi_html"})


def without(
    patterns: list[URLPattern | URLResolver], names: frozenset[str]
) -> list[URLPattern | URLResolver]:
    """A copy of a URL tree without the patterns of the given names (at any depth), each
    route behind the guards (guarded)."""
    kept: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            kept.append(
                URLResolver(
                    pattern.pattern,
                    without(pattern.url_patterns, names),
                    pattern.default_kwargs,
                    pattern.app_name,
                    pattern.namespace,
                )
            )
        elif pattern.name not in names:
            kept.append(guarded(pattern))
    return kept


def guarded(pattern: URLPattern) -> URLPattern:
    """The route with its view behind the guards every headless route wears."""
    view = refuse_unknown_methods(pattern.callback)
    if pattern.name == "reset_password":
        view = refuse_keys_without_account(view)
    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


app_name = "headless"
urlpatterns: list[URLPattern | URLResolver] = [
    *without(allauth_urls.urlpatterns, UNOFFERED_ROUTES | SPEC_ROUTES),
    path("openapi.yaml", headless_spec.OpenAPIYAMLView.as_view(), name="openapi_yaml"),
    path("openapi.json", headless_spec.OpenAPIJSONView.as_view(), name="openapi_json"),
]
