"""The JSON API under /api/: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("gallery.api.urls")),
]
