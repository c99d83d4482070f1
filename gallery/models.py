import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gallery.imaging.sniff import EXTENSIONS, VIDEO_EXTENSIONS

# What search matches, word by word ("simple": no language's stemming, names stay names).
# The same expressions build the GIN indexes and the queries, so PostgreSQL uses the index.
# The indexes (SEARCH_INDEXES) exist on PostgreSQL only and are not in the models' state:
# migration 0011 makes them there, the embedded SQLite searches without them.
PHOTO_SEARCH_VECTOR = SearchVector("title", "original_name", config="simple")
ALBUM_SEARCH_VECTOR = SearchVector("title", "description", config="simple")
SEARCH_INDEXES = {
    "photo": GinIndex(PHOTO_SEARCH_VECTOR, name="photo_search_idx"),
    "album": GinIndex(ALBUM_SEARCH_VECTOR, name="album_search_idx"),
}


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
    # While public: the random address anyone may see it at (/p/<address>/), new each time
    # it becomes public and whenever its owner changes it; None otherwise.
    public_address = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    cover = models.ForeignKey(
        "Photo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The owner's choice among the album's photos; empty means the newest.",
    )
    # Details policy for everyone the album is shared with (people and audiences; each
    # share link has its own pair). Off by default: others see photos and dates only.
    share_camera = models.BooleanField(
        default=False, help_text="People the album is shared with see camera make and model."
    )
    share_location = models.BooleanField(
        default=False, help_text="People the album is shared with see where photos were taken."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A public album always has an address, any other none (the sharing service gives
        # a new one each time an album becomes public again; so does the admin).
        if self.audience == Audience.PUBLIC and self.public_address is None:
            self.public_address = uuid.uuid4()
        elif self.audience != Audience.PUBLIC:
            self.public_address = None
        fields = kwargs.get("update_fields")
        if fields is not None and "audience" in fields:
            kwargs["update_fields"] = {*fields, "public_address"}
        super().save(*args, **kwargs)


def original_upload_to(photo: "Photo", filename: str) -> str:
    # The stored name never reveals the uploaded file name or the owner's email.
    return f"originals/{photo.owner.uuid}/{photo.public_id}{photo.original_extension}"


class Photo(models.Model):
    """One uploaded image or video. The original is kept byte for byte and shown only to
    its owner. A video is the same item with a poster frame in the variants and a
    web-playable rendition in `video` (docs/video.md). A Live Photo is a photo whose MOV
    (its few seconds of motion) is kept in `motion_original`, with the motion's rendition
    in `video`."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "Photo"
        VIDEO = "video", "Video"

    class Status(models.TextChoices):
        PENDING = "pending", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be processed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="photos"
    )
    # An album is a collection, not a folder: a photo is in any number of albums (or none;
    # the owner's library holds every photo they own), each entry saying who added it.
    albums = models.ManyToManyField(Album, through="AlbumEntry", related_name="photos")
    title = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PHOTO)

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
    # The blurred placeholder a tile shows while its thumbnail loads (base64 ThumbHash,
    # gallery/imaging/thumbhash.py); "" until the variants exist.
    thumbhash = models.CharField(max_length=64, blank=True, default="")
    # Videos only: the H.264 + AAC MP4 everyone but the owner plays (no metadata at all).
    video = models.FileField(max_length=255, blank=True)
    video_bytes = models.PositiveBigIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # Live Photos: the identifier Apple gives a still and its MOV (private, for pairing the
    # two), and the MOV as uploaded, for its owner; its rendition is `video` above.
    content_id = models.CharField(max_length=64, blank=True, default="")
    motion_original = models.FileField(max_length=255, blank=True)
    motion_sha256 = models.CharField(max_length=64, blank=True, default="")
    motion_bytes = models.PositiveBigIntegerField(default=0)

    taken_at = models.DateTimeField(help_text="EXIF DateTimeOriginal, else the upload time.")
    taken_at_from_exif = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # For the owner's eyes only: never in shared responses or files.
    camera_make = models.CharField(max_length=100, blank=True)
    camera_model = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Hidden from the owner's timeline; kept in albums and search.",
    )

    # Variants are made at upload, or by a worker when a task queue is configured: until
    # then the photo is pending and pages show a placeholder.
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.READY)
    failure_reason = models.CharField(
        max_length=300, blank=True, help_text="Why the variants could not be made, for the owner."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When variant generation was last put on the queue."
    )

    class Meta:
        ordering = ["-taken_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256"], name="unique_photo_per_owner")
        ]
        indexes = [
            models.Index(fields=["owner", "-taken_at", "-id"]),
            # requeue_stuck looks for pending photos only.
            models.Index(
                fields=["queued_at"], condition=Q(status="pending"), name="photo_pending_idx"
            ),
            # Pairing a Live Photo's still and motion looks them up by their identifier.
            models.Index(
                fields=["owner", "content_id"],
                condition=~Q(content_id=""),
                name="photo_content_id_idx",
            ),
        ]

    def __str__(self):
        return self.title or self.original_name or str(self.public_id)

    @property
    def original_extension(self) -> str:
        return EXTENSIONS.get(self.mime_type) or VIDEO_EXTENSIONS.get(self.mime_type, "")

    @property
    def motion_extension(self) -> str:
        """A Live Photo's MOV's extension, as it is stored (".mov" for most)."""
        name = str(self.motion_original.name or "")
        return name[name.rfind(".") :] if "." in name.rsplit("/", 1)[-1] else ""

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_video(self) -> bool:
        return self.kind == self.Kind.VIDEO

    @property
    def is_live(self) -> bool:
        """A Live Photo: a still with its motion kept (played once `video` is made)."""
        return self.kind == self.Kind.PHOTO and bool(self.motion_original)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def shows_variants(self) -> bool:
        """Its thumb, mobile and display files can be shown: it is ready, or it is a video
        whose poster is made while its playable rendition is still being made."""
        if self.is_ready:
            return True
        return self.is_video and self.status == self.Status.PENDING and bool(self.thumb)

    def variant_file(self, name: str):
        return {
            "thumb": self.thumb,
            "mobile": self.mobile,
            "display": self.display,
            "video": self.video,
        }[name]


class AlbumEntry(models.Model):
    """A photo in an album: who put it there and when.

    Removing an entry takes the photo out of that album only; the photo stays in its
    owner's library and in its other albums. Who may add and remove entries is decided in
    permissions.py (`can_add_to_album`, `removable_entries`)."""

    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="entries")
    photo = models.ForeignKey("Photo", on_delete=models.CASCADE, related_name="entries")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(fields=["album", "photo"], name="one_entry_per_album_photo")
        ]
        indexes = [models.Index(fields=["photo", "album"])]
        verbose_name_plural = "album entries"

    def __str__(self) -> str:
        return f"photo {self.photo_id} in album {self.album_id}"


class Favorite(models.Model):
    """One person's heart on a photo they may see (their own or one shared with them)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorites"
    )
    photo = models.ForeignKey("Photo", on_delete=models.CASCADE, related_name="favorites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "photo"], name="one_favorite")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.photo_id}"


class TimelineAlbum(models.Model):
    """An album shared with `user` whose photos they chose to see in their own timeline
    ("show in my timeline", off until they switch it on). Access is still asked of
    permissions.visible_albums on every read, so a share that ends ends this too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timeline_albums"
    )
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "album"], name="one_timeline_switch")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} shows album {self.album_id} in their timeline"


class SharedOriginal(models.Model):
    """A photo's original as it is handed to others: stripped for one policy (camera and
    location kept or not), made once, stored beside the variants and served like them.

    Making one can take a HEIC re-encode of many seconds, so it is never done twice for
    the same policy; `version` is `gallery.imaging.strip.VERSION` when it was made, and a
    copy of an older version is made again rather than served."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="shared_originals")
    keep_camera = models.BooleanField()
    keep_location = models.BooleanField()
    version = models.PositiveSmallIntegerField()
    file = models.FileField(max_length=255)
    bytes = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "keep_camera", "keep_location", "version"],
                name="shared_original_once_per_policy",
            )
        ]

    def __str__(self) -> str:
        return f"{self.photo_id}: camera={self.keep_camera} location={self.keep_location}"


# --- Sharing -------------------------------------------------------------------------------


class Circle(models.TextChoices):
    FAMILY = "family", "Family"
    FRIEND = "friend", "Friend"


class Invitation(models.Model):
    """A request to connect, sent to an email address that may not have an account yet.

    It is matched to a person by verified email address when they look, so it survives
    sign-up: whoever later verifies that address sees the invitation and may answer it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent"
    )
    email = models.EmailField(help_text="Stored lower-case; matched to verified addresses.")
    circle = models.CharField(
        max_length=16,
        choices=Circle.choices,
        default=Circle.FRIEND,
        help_text="Where the inviter files the invitee once accepted.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["inviter", "email"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]
        indexes = [models.Index(fields=["email", "status"])]

    def __str__(self):
        return f"{self.inviter} -> {self.email} ({self.status})"


class Connection(models.Model):
    """One side of a consented link: `user` files `contact` under a circle.

    A connection is always two rows, one per side, created together when an invitation
    is accepted and deleted together when either side ends it; each side chooses its
    own circle for the other.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connections"
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    circle = models.CharField(max_length=16, choices=Circle.choices, default=Circle.FRIEND)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["circle", "contact__display_name", "contact__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "contact"], name="one_connection_per_pair"),
            models.CheckConstraint(
                condition=~Q(user=models.F("contact")), name="no_connection_to_self"
            ),
        ]
        indexes = [models.Index(fields=["contact", "user", "circle"])]

    def __str__(self):
        return f"{self.user} files {self.contact} under {self.circle}"


class AlbumMember(models.Model):
    """An album shared with one named connection, as viewer or contributor, maybe until a date."""

    class Role(models.TextChoices):
        VIEWER = "viewer", "Can view"
        CONTRIBUTOR = "contributor", "Can add photos"

    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="album_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    until = models.DateTimeField(
        null=True, blank=True, help_text="Access ends at this moment; empty means no end."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The member's own say over the photos *they* put in this album (off by default): the
    # album's and links' switches never reach a contributor's camera, place or original
    # unless the contributor turned the same switch on here (permissions.details_policy).
    share_camera = models.BooleanField(
        default=False, help_text="Others may see the camera of this member's photos here."
    )
    share_location = models.BooleanField(
        default=False, help_text="Others may see where this member's photos here were taken."
    )
    allow_download = models.BooleanField(
        default=False,
        help_text="Links that allow downloads may hand out this member's originals.",
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["album", "user"], name="one_membership_per_person")
        ]
        indexes = [models.Index(fields=["user", "album"])]

    def __str__(self):
        return f"{self.user} {self.role} of {self.album}"


class ShareLink(models.Model):
    """A capability URL for people without an account.

    Only a SHA-256 of the token is stored, so a leaked database does not leak working
    links; the owner copies the link when it is created and makes a new one if it is lost.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(
        max_length=100, blank=True, help_text="Who the link is for, e.g. 'Grandma'."
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty means the link never expires."
    )
    password = models.CharField(
        max_length=128, blank=True, help_text="A password hash; empty means no password."
    )
    allow_download = models.BooleanField(default=False)
    share_camera = models.BooleanField(default=False)
    share_location = models.BooleanField(default=False)
    show_comments = models.BooleanField(
        default=False, help_text="Link holders read the album's comments (never write)."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    # Wrong passwords typed at the prompt, kept for good (the limiter's counters expire),
    # so the owner can see a link being guessed at and change its password or revoke it.
    failed_password_attempts = models.PositiveIntegerField(default=0)
    last_accessed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.label or str(self.public_id)

    @property
    def has_password(self) -> bool:
        return bool(self.password)


class Upload(models.Model):
    """A resumable upload in progress (the tus protocol under /api/uploads/, docs/uploads.md).

    Its bytes collect in a file of their own under PIKOSHI_UPLOAD_DIR, outside the media
    storage (S3 cannot append); the file's size is how much has arrived. Once all of it
    has, the file goes through the same upload service as a one-shot POST, and the row
    keeps the outcome (the photo, or why it was refused) until it expires, so a client
    whose connection dropped on the last part can still learn it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads"
    )
    length = models.PositiveBigIntegerField()
    filename = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=200, blank=True)
    album_public_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    photo = models.ForeignKey(
        Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    duplicate = models.BooleanField(default=False)
    error_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_detail = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="upload_expires_idx")]

    def __str__(self):
        return f"Upload {self.public_id} ({self.length} bytes)"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class Comment(models.Model):
    """A remark on a photo as it is seen in one album, or on the album as a whole (photo
    None). It belongs to the album: whoever sees the album sees it, and nobody else (the
    same photo in an album with another audience carries other comments)."""

    MAX_LENGTH = 2000

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="comments")
    photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["album", "photo", "created_at"])]

    def __str__(self) -> str:
        return self.body[:50]


class Reaction(models.Model):
    """One person's reaction to a photo in an album, or to the album (photo None): at most
    one each, changed or taken back at will."""

    class Kind(models.TextChoices):
        HEART = "heart", "❤️"
        LAUGH = "laugh", "😂"
        WOW = "wow", "😮"
        SAD = "sad", "😢"
        CLAP = "clap", "👏"

    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="reactions")
    photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["album", "photo", "user"],
                condition=Q(photo__isnull=False),
                name="one_reaction_per_photo",
            ),
            models.UniqueConstraint(
                fields=["album", "user"],
                condition=Q(photo__isnull=True),
                name="one_reaction_per_album",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Notification(models.Model):
    """Something that happened that its recipient may want to know (docs/sharing.md,
    "Notifications"). Its text is made when it is read, from what the recipient may see
    then: one about an album they no longer see is not shown at all."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", "Someone accepted your invitation"
        SHARED = "shared", "An album is shared with you, or your role changed"
        PHOTOS = "photos", "New photos in an album shared with you"
        COMMENT = "comment", "Comments on your photos and albums"
        REPLY = "reply", "Replies where you commented"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    album = models.ForeignKey(
        Album, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(default=1, help_text="New photos: how many, batched.")
    role = models.CharField(max_length=16, blank=True, help_text="Shared: the role given.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-updated_at"]),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class NotificationSetting(models.Model):
    """How one person wants one kind of notification; none stored means the default."""

    class Channel(models.TextChoices):
        EMAIL = "email", "In Pikoshi and by email"
        APP = "app", "In Pikoshi only"
        OFF = "off", "Off"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    kind = models.CharField(max_length=16, choices=Notification.Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_setting_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"
