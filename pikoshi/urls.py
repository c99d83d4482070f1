from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from pikoshi import health, views

# The admin's own password form would skip the authenticator code and allauth's limits on
# failed sign-ins; send people to allauth's sign-in instead, as every other door does.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("accounts.api.headless_urls")),
    path("admin/", admin.site.urls),
    path("", include("gallery.urls")),
    path("api/", include("pikoshi.api_urls")),
]

handler404 = "pikoshi.views.page_not_found"
handler500 = "pikoshi.views.server_error"
handler429 = "pikoshi.views.too_many_requests"
