"""The JSON API under /api/: each app contributes its own routes; the schema documents them."""

import json

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponseBase,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.urls import Resolver404, include, path, re_path, resolve
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Swagger UI runs from files served here (drf-spectacular-sidecar) and its init script is a
# separate same-origin file, so script-src stays 'self'. Only its small inline <style>
# block and the style attributes React sets need 'unsafe-inline' styles, on this page alone.
DOCS_CSP = {**settings.SECURE_CSP, "style-src": ["'self'", "'unsafe-inline'"]}


@csrf_exempt  # nothing here to protect, and a CSRF page would hide the JSON 404
def not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Unknown or malformed API paths (e.g. an id that is not a uuid) answer in JSON too."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


@csrf_exempt  # it changes nothing; the request it points to is checked as usual
def missing_slash(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
    """`/api/albums` for `/api/albums/`: 308, so the client repeats the same method and body.

    Django's APPEND_SLASH answers 301, which every HTTP client follows with a GET: a POST
    that meant to create an album would quietly read the album list instead.
    """
    slashed = request.path_info + "/"
    try:
        match = resolve(slashed)
    except Resolver404:
        match = None
    if match is None or match.func is not_found:
        return not_found(request)
    location = request.get_full_path(force_append_slash=True)
    body = {
        "detail": f"Every API path ends in a slash: send this request to {location}.",
        "code": "append_slash",
    }
    return HttpResponsePermanentRedirect(
        location,
        preserve_request=True,  # 308, not 301
        content=json.dumps(body),
        content_type="application/json",
    )


urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("gallery.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api_docs",
    ),
    # Last: anything under /api/ that matched nothing above, without its slash or with it.
    re_path(r"^[\s\S]*[^/]$", missing_slash),
    re_path(r"^[\s\S]*/$", not_found),
]
