"""Admin for sharing: see and end shares, never create them.

Shares are made by their owners through the services (which check connections, send
emails and generate tokens); the admin lists them for support and lets staff end one —
delete a connection or membership, or revoke a link — when a report calls for it.
"""

from django.contrib import admin, messages
from django.utils import timezone

from gallery.models import AlbumMember, Connection, Invitation, ShareLink


class _NoAdd(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False


@admin.register(Connection)
class ConnectionAdmin(_NoAdd):
    list_display = ["user", "contact", "circle", "created_at"]
    list_filter = ["circle"]
    search_fields = ["user__email", "contact__email"]
    list_select_related = ["user", "contact"]
    readonly_fields = ["user", "contact", "created_at"]


@admin.register(Invitation)
class InvitationAdmin(_NoAdd):
    list_display = ["inviter", "email", "circle", "status", "created_at", "responded_at"]
    list_filter = ["status", "circle"]
    search_fields = ["inviter__email", "email"]
    list_select_related = ["inviter"]
    readonly_fields = ["public_id", "inviter", "email", "accepted_by", "created_at"]


@admin.register(AlbumMember)
class AlbumMemberAdmin(_NoAdd):
    list_display = ["album", "user", "role", "until", "created_at"]
    list_filter = ["role"]
    search_fields = ["album__title", "album__owner__email", "user__email"]
    list_select_related = ["album", "user"]
    readonly_fields = ["album", "user", "created_at"]


@admin.register(ShareLink)
class ShareLinkAdmin(_NoAdd):
    list_display = [
        "album",
        "label",
        "expires_at",
        "revoked_at",
        "view_count",
        "failed_password_attempts",
        "last_accessed_at",
        "created_at",
    ]
    list_filter = ["allow_download", "created_at"]
    search_fields = ["album__title", "album__owner__email", "label", "=public_id"]
    list_select_related = ["album"]
    # The token itself is never stored; its digest is of no use to anyone reading it here.
    exclude = ["token_hash", "password"]
    readonly_fields = [
        "public_id",
        "album",
        "view_count",
        "failed_password_attempts",
        "last_accessed_at",
        "created_at",
    ]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected links now")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} link(s).", messages.SUCCESS)
