import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Audience(models.TextChoices):
    PRIVATE = "private", "Only me"
    FAMILY = "family", "Family"
    FRIENDS = "friends", "Friends and family"
    PUBLIC = "public", "Anyone with the link"


class Album(models.Model):
    """A set of photos with one audience. Private unless the owner says otherwise."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="albums"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.PRIVATE)
    is_default = models.BooleanField(
        default=False, help_text="The owner's 'My photos' album; it cannot be deleted."
    )
    cover = models.ForeignKey(
        "Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=Q(is_default=True), name="one_default_album_per_owner"
            )
        ]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self):
        return self.title


def original_upload_to(photo: "Photo", filename: str) -> str:
    # The stored name never reveals the uploaded file name or the owner's email.
    return f"originals/{photo.owner.uuid}/{photo.public_id}{photo.original_extension}"


class Photo(models.Model):
    """One uploaded image. The original is kept byte for byte and shown only to its owner."""

    class Variant(models.TextChoices):
        THUMB = "thumb"
        MOBILE = "mobile"
        DISPLAY = "display"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="photos"
    )
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="photos")
    title = models.CharField(max_length=200, blank=True)

    original = models.FileField(upload_to=original_upload_to, max_length=255)
    original_name = models.CharField(
        max_length=255, blank=True, help_text="The file name as uploaded, for the owner."
    )
    sha256 = models.CharField(max_length=64)
    mime_type = models.CharField(max_length=64)
    bytes = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(help_text="After EXIF orientation.")
    height = models.PositiveIntegerField(help_text="After EXIF orientation.")

    thumb = models.FileField(max_length=255, blank=True)
    mobile = models.FileField(max_length=255, blank=True)
    display = models.FileField(max_length=255, blank=True)
    thumb_width = models.PositiveIntegerField(default=0)
    thumb_height = models.PositiveIntegerField(default=0)
    mobile_width = models.PositiveIntegerField(default=0)
    mobile_height = models.PositiveIntegerField(default=0)
    display_width = models.PositiveIntegerField(default=0)
    display_height = models.PositiveIntegerField(default=0)

    taken_at = models.DateTimeField(help_text="EXIF DateTimeOriginal, else the upload time.")
    taken_at_from_exif = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # For the owner's eyes only: never in shared responses or files.
    camera_make = models.CharField(max_length=100, blank=True)
    camera_model = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256"], name="unique_photo_per_owner")
        ]
        indexes = [
            models.Index(fields=["owner", "-taken_at", "-id"]),
            models.Index(fields=["album", "-taken_at", "-id"]),
        ]

    def __str__(self):
        return self.title or self.original_name or str(self.public_id)

    @property
    def original_extension(self) -> str:
        return {
            "image/jpeg": ".jpg",
            "image/png": ".png",
            "image/webp": ".webp",
            "image/gif": ".gif",
            "image/heic": ".heic",
            "image/heif": ".heif",
        }.get(self.mime_type, "")

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    def variant_file(self, name: str):
        return {"thumb": self.thumb, "mobile": self.mobile, "display": self.display}[name]
