import logging

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse

from accounts import services
from accounts.forms import AdminChangeForm, AdminCreationForm, QuotaForm
from accounts.models import Export, User
from gallery.selectors import photos as photo_selectors

logger = logging.getLogger(__name__)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AdminChangeForm
    add_form = AdminCreationForm
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "is_active",
        "is_staff",
        "storage_used",
        "date_joined",
        "last_login",
        "deletion_requested_at",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", "date_joined", "deletion_requested_at"]
    actions = ["deactivate", "delete_now", "set_quota"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["uuid", "date_joined", "last_login", "deletion_requested_at", "storage_used"]
    fieldsets = [
        (None, {"fields": ["email", "password", "uuid"]}),
        ("Profile", {"fields": ["display_name"]}),
        (
            "Storage and lifecycle",
            {"fields": ["storage_used", "storage_quota_bytes", "deletion_requested_at"]},
        ),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_storage_used=Sum("photos__bytes"))

    @admin.display(description="storage used", ordering="_storage_used")
    def storage_used(self, user):
        used = getattr(user, "_storage_used", None)
        if used is None and user.pk:
            used = photo_selectors.user_storage_used(user=user)
        return filesizeformat(used or 0)

    def _log(self, request, user, message: str) -> None:
        self.log_change(request, user, message)
        logger.info("Admin %s: %s (user %s)", request.user.uuid, message, user.uuid)

    @admin.action(description="Deactivate and sign out everywhere")
    def deactivate(self, request, queryset):
        for user in queryset:
            services.user_deactivate(user=user)
            self._log(request, user, "Deactivated and signed out everywhere.")
        self.message_user(request, f"Deactivated {queryset.count()} account(s).")

    @admin.action(description="Delete now, with every photo and file")
    def delete_now(self, request, queryset):
        users = [user for user in queryset if user.pk != request.user.pk]
        if len(users) != queryset.count():
            self.message_user(request, "You cannot delete your own account here.", messages.ERROR)
        # Logged before the rows go (Django's rule for log_deletions): entries keep the repr.
        self.log_deletions(request, queryset.filter(pk__in=[user.pk for user in users]))
        for user in users:
            logger.info("Admin %s: deleting user %s now", request.user.uuid, user.uuid)
            services.user_purge(user=user)
        self.message_user(request, f"Deleted {len(users)} account(s) and all their data.")

    @admin.action(description="Set storage quota")
    def set_quota(self, request, queryset):
        form = QuotaForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            megabytes = form.cleaned_data["quota_mb"]
            quota = None if megabytes is None else megabytes * 1024 * 1024
            if quota is None:
                label = "the default"
            else:
                label = filesizeformat(quota) if quota else "unlimited"
            for user in queryset:
                services.user_set_quota(user=user, quota_bytes=quota)
                self._log(request, user, f"Storage quota set to {label}.")
            self.message_user(request, f"Quota set for {queryset.count()} account(s).")
            return None
        return TemplateResponse(
            request,
            "admin/accounts/user/set_quota.html",
            {
                **self.admin_site.each_context(request),
                "title": "Set storage quota",
                "form": form,
                "users": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["public_id", "user", "status", "photo_count", "created_at", "expires_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = [f.name for f in Export._meta.fields]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False
