"""The admin for albums and photos.

Previews: admins are not owners, and nothing in permissions.py lets them see other
people's photos. The admin shows a thumbnail anyway, through a media URL issued for the
photo's OWNER as subject, because only staff reach the admin and moderating a report
needs to see the picture. The URL still expires after PIKOSHI_MEDIA_URL_MAX_AGE, still
404s once the photo is trashed, and never covers the original (GPS and all). Files are
never edited here: uploads go through photo_upload, and deleting a photo here removes
its files too, like the purge does.
"""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import format_html

from gallery.media import media_url
from gallery.models import Album, AlbumMember, Connection, Invitation, Photo, ShareLink
from gallery.services import photos as photo_services


def _preview(photo: Photo | None, size: int):
    if photo is None or not photo.thumb.name:
        return "—"
    if photo.in_trash:
        return "in trash"
    # Sized by attributes: the CSP blocks inline style attributes.
    width, height = photo.thumb_width or size, photo.thumb_height or size
    scale = min(size / width, size / height, 1)
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy">',
        media_url(photo=photo, variant="thumb", user=photo.owner),
        round(width * scale),
        round(height * scale),
    )


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    list_display = [
        "cover_preview",
        "title",
        "owner",
        "audience",
        "photo_count",
        "trashed_count",
        "updated_at",
    ]
    list_display_links = ["cover_preview", "title"]
    list_filter = ["audience", "created_at"]
    search_fields = ["title", "owner__email", "owner__display_name", "=public_id"]
    list_select_related = ["owner", "cover", "cover__owner"]
    fields = [
        "public_id",
        "owner",
        "title",
        "description",
        "audience",
        "share_camera",
        "share_location",
        "cover_preview",
        "cover",
        "created_at",
        "updated_at",
    ]
    # Who sees an album is the owner's decision alone; staff may only fix a title.
    readonly_fields = [name for name in fields if name not in {"title", "description"}]  # type: ignore[misc]  # fields is a plain list of names
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                photo_total=Count("photos", filter=Q(photos__deleted_at__isnull=True)),
                trashed_total=Count("photos", filter=Q(photos__deleted_at__isnull=False)),
            )
        )

    def has_add_permission(self, request):
        return False  # albums belong to a person: they make them in the app

    def has_delete_permission(self, request, obj=None):
        # Who sees what is the owner's decision: owners delete albums in the app.
        return False

    @admin.display(description="Photos", ordering="photo_total")
    def photo_count(self, album):
        return album.photo_total

    @admin.display(description="In trash", ordering="trashed_total")
    def trashed_count(self, album):
        return album.trashed_total

    @admin.display(description="Cover")
    def cover_preview(self, album):
        return _preview(album.cover, 80)


class InTrashFilter(admin.SimpleListFilter):
    title = "trash"
    parameter_name = "trash"

    def lookups(self, request, model_admin):
        return [("no", "Not in trash"), ("yes", "In trash")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = [
        "preview",
        "__str__",
        "owner",
        "mime_type",
        "size",
        "dimensions",
        "taken_at",
        "uploaded_at",
        "deleted_at",
    ]
    list_display_links = ["preview", "__str__"]
    list_filter = [InTrashFilter, "mime_type", "taken_at_from_exif", "uploaded_at"]
    search_fields = [
        "title",
        "original_name",
        "owner__email",
        "albums__title",
        "=public_id",
        "=sha256",
    ]
    list_select_related = ["owner"]
    date_hierarchy = "taken_at"
    ordering = ["-uploaded_at"]
    fields = [
        "preview",
        "public_id",
        "owner",
        "title",
        "original_name",
        "mime_type",
        "bytes",
        "width",
        "height",
        "sha256",
        "taken_at",
        "taken_at_from_exif",
        "uploaded_at",
        "deleted_at",
        "camera_make",
        "camera_model",
        "latitude",
        "longitude",
    ]
    readonly_fields = [name for name in fields if name != "title"]  # type: ignore[misc]  # fields is a plain list of names

    def has_add_permission(self, request):
        return False  # photos arrive through photo_upload, which makes the variants

    # Both the delete button and the "delete selected" action come here: rows and files go.
    def delete_model(self, request, obj):
        photo_services.photos_delete_forever(photos=Photo.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        photo_services.photos_delete_forever(photos=queryset)

    @admin.display(description="Preview")
    def preview(self, photo):
        return _preview(photo, 80)

    @admin.display(description="Size", ordering="bytes")
    def size(self, photo):
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(photo.bytes)

    @admin.display(description="Pixels")
    def dimensions(self, photo):
        return f"{photo.width}×{photo.height}"


# Sharing models (connections, invitations, members, links) register themselves here.

# --- Sharing: see and end shares, never create them ---------------------------------------
#
# Shares are made by their owners through the services (which check connections, send
# emails and generate tokens); the admin lists them for support and lets staff end one —
# delete a connection or membership, or revoke a link — when a report calls for it.


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
