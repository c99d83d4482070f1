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
