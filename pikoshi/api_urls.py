"""The JSON API under /api/: each app contributes its own routes; the schema documents them."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Swagger UI runs from files served here (drf-spectacular-sidecar) and its init script is a
# separate same-origin file, so script-src stays 'self'. Only its small inline <style>
# block and the style attributes React sets need 'unsafe-inline' styles, on this page alone.
DOCS_CSP = {**settings.SECURE_CSP, "style-src": ["'self'", "'unsafe-inline'"]}


@csrf_exempt  # nothing here to protect, and a CSRF page would hide the JSON 404
def not_found(request, *args, **kwargs):
    """Unknown or malformed API paths (e.g. an id that is not a uuid) answer in JSON too."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("gallery.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api_docs",
    ),
    # Last: anything under /api/ ending in a slash that matched nothing above.
    re_path(r"^[\s\S]*/$", not_found),
]
