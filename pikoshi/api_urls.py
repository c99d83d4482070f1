"""The JSON API under /api/: each app contributes its own routes; the schema documents them."""

from django.conf import settings
from django.urls import include, path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Swagger UI runs from files served here (drf-spectacular-sidecar) and its init script is a
# separate same-origin file, so script-src stays 'self'. Only its small inline <style>
# block and the style attributes React sets need 'unsafe-inline' styles, on this page alone.
DOCS_CSP = {**settings.SECURE_CSP, "style-src": ["'self'", "'unsafe-inline'"]}

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("gallery.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api_docs",
    ),
]
