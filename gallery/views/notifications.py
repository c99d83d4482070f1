"""The bell's pages: the list, the settings, and one-click unsubscribe from an email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.typing import AuthenticatedHttpRequest
from gallery.models import Notification, NotificationSetting
from gallery.selectors import notifications as notification_selectors
from gallery.services import notifications as notification_services
from gallery.views.photos import error_messages


@login_required
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list, newest first; what it shows is read once shown (the bell clears)."""
    items = notification_selectors.notifications_of(user=request.user)
    unread = [item.notification.pk for item in items if item.unread]
    if unread:
        notification_services.mark_read(user=request.user, ids=unread)
    return render(request, "gallery/notifications.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        channels = {
            kind: request.POST[kind] for kind in Notification.Kind.values if kind in request.POST
        }
        try:
            notification_services.settings_update(user=request.user, channels=channels)
        except ValidationError as exc:
            messages.error(request, error_messages(exc))
        else:
            messages.success(request, "Notification settings saved.")
        return redirect("notification_settings")
    context = {
        "rows": notification_selectors.settings_of(user=request.user),
        "channels": NotificationSetting.Channel.choices,
    }
    return render(request, "gallery/notification_settings.html", context)


# One-click unsubscribe (RFC 8058): mail programs POST to the address in List-Unsubscribe
# without cookies or a CSRF token, so the signed token alone decides, for its recipient
# alone. A GET (a person clicking the link) shows a button that posts the same form.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notifications_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        subject = notification_selectors.unsubscribe_subject(token=token)
        label = Notification.Kind(subject[1]).label if subject else None
        status = 200 if subject else 404
        return render(request, "gallery/unsubscribe.html", {"target": label}, status=status)
    done = notification_services.unsubscribe(token=token)
    if done is None:
        return render(request, "gallery/unsubscribe.html", {"target": None}, status=404)
    user, kind = done
    label = Notification.Kind(kind).label
    return render(request, "gallery/unsubscribe.html", {"done": True, "label": label})


@login_required
@require_POST
def notifications_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    notification_services.mark_read(user=request.user)
    return redirect("notifications")
