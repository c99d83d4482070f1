"""JSON shapes of albums and photos. Output only: writes use the views' Input serializers."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from gallery.media import media_urls
from gallery.models import Album, Audience, Photo
from gallery.permissions import can_view_original, details_policy
from gallery.selectors import albums as album_selectors
from gallery.selectors import photos as photo_selectors


def absolute_media_urls(*, request: Request, photo: Photo, original: bool = True) -> dict[str, str]:
    """Signed, expiring media URLs made absolute: apps load them without the API's host."""
    urls = media_urls(photo=photo, user=request.user)
    if not original:
        urls.pop("original", None)
    return {name: request.build_absolute_uri(url) for name, url in urls.items()}


class PhotoUrlsSerializer(serializers.Serializer):
    """Variant URLs once the photo is ready (status "ready"); a video's poster variants as
    soon as its poster is made, while its rendition (video) is still processing."""

    thumb = serializers.URLField(required=False, help_text="WebP fitting 300×200, for grids.")
    mobile = serializers.URLField(required=False, help_text="WebP fitting 480×320, for phones.")
    display = serializers.URLField(
        required=False, help_text="WebP fitting 1600×1600, for the viewer."
    )
    original = serializers.URLField(
        required=False, help_text="The file as uploaded; only for the owner."
    )
    video = serializers.URLField(
        required=False,
        help_text="Videos (and Live Photos' motion): H.264 + AAC MP4, at most 1080p, without "
        "any metadata; answers HTTP Range requests (206) so players can seek. A video's "
        "image variants are its poster frame; a Live Photo's are the photo.",
    )


class CoverUrlsSerializer(serializers.Serializer):
    thumb = serializers.URLField()
    mobile = serializers.URLField()
    display = serializers.URLField()


class CameraSerializer(serializers.Serializer):
    make = serializers.CharField(allow_blank=True)
    model = serializers.CharField(allow_blank=True)


class LocationSerializer(serializers.Serializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


@extend_schema_field(CameraSerializer)
class CameraField(serializers.Field):
    """Owner only: EXIF camera make and model."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, photo: Photo) -> Any:
        return {"make": photo.camera_make, "model": photo.camera_model}


# The field itself is nullable; saying it on the serializer too would list null twice.
@extend_schema_field(LocationSerializer)
class LocationField(serializers.Field):
    """Owner only: EXIF GPS position, null when the photo has none."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", required=False, allow_null=True, **kwargs)

    def to_representation(self, photo: Photo) -> Any:
        if photo.latitude is None or photo.longitude is None:
            return None
        return {"latitude": photo.latitude, "longitude": photo.longitude}


# Optional fields in the schema: present only for some viewers or lists.
@extend_schema_field(serializers.BooleanField())
class ArchivedField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, photo: Photo) -> Any:
        return photo.archived_at is not None


@extend_schema_field(serializers.CharField())
class AddedByField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, photo: Photo) -> Any:
        names = self.parent.context.get("added_by_names", {})
        return names.get(getattr(photo, "added_by_id", None), "")


class PhotoSerializer(serializers.Serializer):
    """A photo as its viewer may see it. Camera and location only reach the owner."""

    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(
        choices=["photo", "video"], help_text="A video has urls.video and duration_ms."
    )
    duration_ms = serializers.IntegerField(
        allow_null=True,
        help_text="Videos and Live Photos: how long it (or its motion) plays, in milliseconds.",
    )
    live = serializers.BooleanField(
        source="is_live",
        help_text="A Live Photo: a photo with a few seconds of motion, in urls.video once "
        "it is ready (play it muted on hover or press; the photo is what it is).",
    )
    title = serializers.CharField(allow_blank=True)
    albums = serializers.SerializerMethodField(
        help_text="Ids of the photo's albums that the caller may see (a photo is in any "
        "number of albums, or none)."
    )
    favorite = serializers.SerializerMethodField(help_text="The caller marked it a favorite.")
    archived = ArchivedField(
        help_text="Only for the owner: hidden from their timeline, kept in albums and search."
    )
    added_by = AddedByField(
        help_text="Only in an album's photo list: who put the photo in that album, as the "
        "caller may name them."
    )
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    thumbhash = serializers.CharField(
        allow_blank=True,
        help_text="A ThumbHash (base64, https://evanw.github.io/thumbhash/) of the photo: a "
        "blurred placeholder to show while the thumbnail loads; empty until processed.",
    )
    taken_at = serializers.DateTimeField()
    uploaded_at = serializers.DateTimeField()
    mime_type = serializers.CharField()
    bytes = serializers.IntegerField()
    deleted_at = serializers.DateTimeField(
        allow_null=True, help_text="Set while the photo is in the trash."
    )
    status = serializers.ChoiceField(
        choices=["processing", "ready", "failed"],
        help_text="processing while the variants are being made (no variant urls yet; a "
        "video has its poster's as soon as they exist, urls.video once ready), ready, or "
        "failed (failure_reason tells the owner why).",
    )
    failure_reason = serializers.CharField(
        required=False, help_text="Why processing failed; only for the owner."
    )
    urls = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField(
        help_text="The photo's page on the web site, for people signed in there."
    )
    # Not in the answer at all unless the caller owns the photo.
    camera = CameraField(
        help_text="EXIF camera make and model: for the owner, and for others only when "
        "the album shares the camera."
    )
    location = LocationField(
        help_text="EXIF GPS position, null when absent: for the owner, and for others only "
        "when the album shares the location."
    )

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_albums(self, photo: Photo) -> list[str]:
        known = self.context.get("photo_albums")
        if known is None:
            known = photo_selectors.album_ids_of_photos(
                user=self.context["request"].user, photos=[photo]
            )
        return [str(album_id) for album_id in known.get(photo.pk, [])]

    @extend_schema_field(serializers.BooleanField())
    def get_favorite(self, photo: Photo) -> bool:
        known = getattr(photo, "is_favorite", None)
        if known is None:
            return photo_selectors.is_favorite(user=self.context["request"].user, photo=photo)
        return bool(known)

    @extend_schema_field(PhotoUrlsSerializer)
    def get_urls(self, photo: Photo) -> dict:
        return absolute_media_urls(request=self.context["request"], photo=photo)

    @extend_schema_field(serializers.URLField())
    def get_web_url(self, photo: Photo) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(reverse("photo_detail", args=[photo.public_id]))

    def to_representation(self, photo: Photo) -> Any:
        data = super().to_representation(photo)
        if data["status"] == photo.Status.PENDING:
            data["status"] = "processing"
        owner = can_view_original(self.context["request"].user, photo)
        if data["status"] != photo.Status.FAILED or not owner:
            data.pop("failure_reason", None)
        if not owner:
            data.pop("archived", None)
        if "added_by_names" not in self.context:
            data.pop("added_by", None)
        # Where a photo was taken and with what is the owner's business, unless the
        # album it is seen through shares them (and the photo's owner allows it there).
        policy = details_policy(
            user=self.context["request"].user, album=self.context.get("album"), photo=photo
        )
        if not policy.camera:
            data.pop("camera", None)
        if not policy.location:
            data.pop("location", None)
        return data


class AlbumSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    audience = serializers.ChoiceField(
        choices=Audience.choices,
        help_text="Who may see the album; change it with PATCH .../sharing/. Private by default.",
    )
    photo_count = serializers.SerializerMethodField()
    cover = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_photo_count(self, album: Album) -> int:
        count = getattr(album, "photo_count", None)
        return album_selectors.album_photo_count(album=album) if count is None else count

    @extend_schema_field(CoverUrlsSerializer(allow_null=True))
    def get_cover(self, album: Album) -> dict | None:
        """The owner's pick while it is in the album, else the newest photo."""
        if not hasattr(album, "shown_cover"):
            album = album_selectors.album_with_cover(album=album)
        cover = album.shown_cover  # type: ignore[attr-defined]
        if cover is None:
            return None
        return absolute_media_urls(request=self.context["request"], photo=cover, original=False)


class PhotoPageSerializer(serializers.Serializer):
    results = PhotoSerializer(many=True)
    next = serializers.URLField(
        allow_null=True, help_text="Absolute URL of the next page; null on the last page."
    )
    next_cursor = serializers.CharField(
        allow_null=True,
        help_text="Opaque position of the next page, for the `cursor` parameter; null on the "
        "last page. The same page as `next`, for clients that build their own URLs.",
    )
