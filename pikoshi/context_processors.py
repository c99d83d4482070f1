from django.conf import settings


def site(request):
    """Expose what every page needs to know about the installation."""
    return {
        "site_name": settings.SITE_NAME,
        "google_enabled": bool(settings.GOOGLE_CLIENT_ID),
    }
