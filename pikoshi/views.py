from django.shortcuts import redirect, render
from django.views.decorators.csrf import requires_csrf_token


def landing(request):
    """Visitors see what Pikoshi is; signed-in people go straight to their photos."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html")


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
