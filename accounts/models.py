import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser needs is_staff and is_superuser.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with a Pikoshi account; the email address is the login.

    The sequential primary key never leaves the server: URLs and the API use `uuid`.
    """

    # No username and no first/last names: the email address is the login, and a person
    # chooses one display name.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(max_length=150, blank=True)
    storage_quota_bytes = models.PositiveBigIntegerField(
        "storage quota (bytes)",
        null=True,
        blank=True,
        help_text="Empty: the site default (PIKOSHI_DEFAULT_QUOTA_BYTES). 0: unlimited.",
    )
    deletion_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The person asked to delete the account; it is purged after the grace "
        "period unless they sign in again.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.display_name or self.email

    @property
    def public_name(self) -> str:
        """The name people who are not connections may see: the display name, or nothing.

        Never the email address (`__str__` falls back to it, for the person themselves,
        their connections and the admin)."""
        return self.display_name.strip()

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@", 1)[0]


def export_upload_to(export: "Export", filename: str) -> str:
    # Random per file, like photo variants: a guessed name finds nothing.
    return f"exports/{export.user.uuid}/{export.public_id}.zip"


class Export(models.Model):
    """One "download everything" archive: every original plus a JSON description.

    Built in the background; the file is deleted once the link has expired.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=export_upload_to, max_length=255, blank=True)
    bytes = models.PositiveBigIntegerField(default=0)
    photo_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Export {self.public_id} ({self.status})"


# Whoever is asking: a signed-in person or an anonymous visitor, as `request.user` is. The
# rules in gallery/permissions.py take one and answer "nothing" for a visitor.
type Viewer = User | AnonymousUser
