from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe


def landing(request):
    """Visitors see what Pikoshi is; signed-in people go straight to their photos."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon."""
    response = HttpResponsePermanentRedirect(static("img/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    return render(request, "500.html", status=500)


def too_many_requests(request, exception=None):
    """allauth's rate limits answer with this page (pikoshi.urls.handler429)."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: allauth's JSON envelope under /_allauth/, Django's page elsewhere.

    A single-page app signing in through allauth's browser API reads the answer as JSON;
    an HTML page there cannot be parsed by a client generated from allauth's document.
    """
    if request.path.startswith("/_allauth/"):
        message = (
            "The CSRF token is missing or wrong: send the csrftoken cookie's value in X-CSRFToken."
        )
        return JsonResponse(
            {"status": 403, "errors": [{"message": message, "code": "csrf_failed"}]}, status=403
        )
    return django_csrf_failure(request, reason=reason)
