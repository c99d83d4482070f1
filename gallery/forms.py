"""HTML forms of the gallery pages. They parse input only; services decide and save."""

import uuid
from datetime import datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from gallery.models import Album, AlbumMember, Circle, Photo
from gallery.selectors.search import SearchFilters
from gallery.services import bulk as bulk_services
from gallery.services.sharing import share_link_default_expiry

BULK_ACTION_LABELS = [
    (bulk_services.Action.ADD_TO_ALBUM.value, "Add to album"),
    (bulk_services.Action.REMOVE_FROM_ALBUM.value, "Remove from album"),
    (bulk_services.Action.FAVORITE.value, "Add to favorites"),
    (bulk_services.Action.UNFAVORITE.value, "Remove from favorites"),
    (bulk_services.Action.ARCHIVE.value, "Archive"),
    (bulk_services.Action.UNARCHIVE.value, "Unarchive"),
    (bulk_services.Action.TRASH.value, "Move to trash"),
    (bulk_services.Action.RESTORE.value, "Restore from trash"),
    (bulk_services.Action.DELETE_FOREVER.value, "Delete for good (from the trash)"),
]
# The page's bar also makes a new album of the selection (the API: create, then add).
NEW_ALBUM = "new_album"


class AlbumForm(forms.Form):
    title = forms.CharField(
        max_length=Album._meta.get_field("title").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Give the album a title."},
    )
    description = forms.CharField(
        required=False,
        max_length=Album._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. A line or two about the album.",
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes many files at once (the no-JS upload form)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return [single(None, initial)]  # raises "required"
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    """One or many files, and maybe an album to put them in (own, or contributed to)."""

    album = forms.ModelChoiceField(
        queryset=Album.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label="No album (library only)",
        error_messages={"invalid_choice": "That album is not there any more; choose another."},
    )
    file = MultipleFileField(
        label="Photos",
        widget=MultipleFileInput(attrs={"accept": "image/*,video/*", "multiple": True}),
        error_messages={"required": "Choose one or more photos to upload."},
    )

    def __init__(self, *args: Any, albums: QuerySet[Album], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["album"]).queryset = albums


class PhotoEditForm(forms.Form):
    """Rename a photo."""

    title = forms.CharField(required=False, max_length=Photo._meta.get_field("title").max_length)


class OwnPhotosSharingForm(forms.Form):
    """A member's say over the photos they put in someone else's album (off by default)."""

    share_camera = forms.BooleanField(required=False, label="Show the camera")
    share_location = forms.BooleanField(required=False, label="Show where they were taken")
    allow_download = forms.BooleanField(
        required=False, label="Let download links hand out my originals"
    )


# --- sharing ----------------------------------------------------------------------------------
#
# These forms only read what the sharing pages post. What values are allowed (audiences,
# roles, circles, passwords, dates in the future) is the services' decision, made once for
# the pages and the API alike, so the fields here are lenient and the messages are theirs.


class EndOfDayField(forms.DateField):
    """A day typed in a form means "until the end of that day" in the site's time zone."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": "Enter the date as YYYY-MM-DD."}

    def to_python(self, value: Any) -> datetime | None:
        day = super().to_python(value)
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class AlbumAudienceForm(forms.Form):
    """Who sees the album by audience, and whether they see camera and place."""

    audience = forms.CharField(required=False, empty_value=None)
    share_camera = forms.BooleanField(required=False)
    share_location = forms.BooleanField(required=False)


class AlbumMemberAddForm(forms.Form):
    """Name one of the owner's connections (by public uuid) with a role and an end day."""

    user = forms.CharField(required=False)
    role = forms.CharField(required=False, empty_value=AlbumMember.Role.VIEWER)
    until = EndOfDayField(required=False)


class AlbumMemberUpdateForm(forms.Form):
    """A member's role (left as it is when not sent) and end day (none when left empty)."""

    role = forms.CharField(required=False, empty_value=None)
    until = EndOfDayField(required=False)

    def changes(self) -> dict[str, Any]:
        """The keyword arguments of album_member_update for what this form changes."""
        changes: dict[str, Any] = {"until": self.cleaned_data["until"]}
        if self.cleaned_data["role"] is not None:
            changes["role"] = self.cleaned_data["role"]
        return changes


LINK_DETAIL_SWITCHES = ("share_camera", "share_location")


class ShareLinkCreateForm(forms.Form):
    """A new link: its label, expiry (a day, never, or the default), password and switches."""

    label = forms.CharField(required=False)
    expires = EndOfDayField(required=False)
    never_expires = forms.BooleanField(required=False)
    password = forms.CharField(required=False, strip=False)
    allow_download = forms.BooleanField(required=False)
    share_camera = forms.BooleanField(required=False)
    share_location = forms.BooleanField(required=False)
    show_comments = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("never_expires"):
            # The day box is ignored for a link that never expires, whatever it holds.
            self.errors.pop("expires", None)
            cleaned["expires_at"] = None
        elif "expires" in cleaned:
            cleaned["expires_at"] = cleaned["expires"] or share_link_default_expiry()
        return cleaned

    def link_options(self) -> dict[str, Any]:
        """The keyword arguments of share_link_create, the album and person aside."""
        names = ("label", "expires_at", "password", "allow_download", "show_comments")
        return {name: self.cleaned_data[name] for name in (*names, *LINK_DETAIL_SWITCHES)}


class InvitationForm(forms.Form):
    """Invite someone by email, filed under a circle (friend unless chosen)."""

    email = forms.CharField(required=False, strip=False)
    circle = forms.CharField(required=False, empty_value=Circle.FRIEND)


class InvitationAnswerForm(forms.Form):
    """Accepting an invitation files the inviter under a circle (friend unless chosen)."""

    circle = forms.CharField(required=False, empty_value=Circle.FRIEND)


class CircleForm(forms.Form):
    """Move a connection to another circle; sending none is refused by the service."""

    circle = forms.CharField(required=False)


class ReturnToForm(forms.Form):
    """Where a sharing action returns: the overview it was pressed on, else the album."""

    next = forms.ChoiceField(choices=[("overview", "overview")], required=False)

    def to_overview(self) -> bool:
        return self.is_valid() and self.cleaned_data["next"] == "overview"


class MakePrivateForm(forms.Form):
    """The panic button's confirmation: only the page's own "yes" goes ahead."""

    confirm = forms.ChoiceField(choices=[("yes", "yes")])


class LinkPasswordForm(forms.Form):
    """The password a link visitor types; checked (and counted) by the services."""

    password = forms.CharField(required=False, strip=False)


class UUIDListField(forms.Field):
    """Many ids under one name (checkboxes), each a UUID; at most `max_count`."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_count: int, **kwargs: Any) -> None:
        self.max_count = max_count
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[uuid.UUID]:
        values = [item for item in (value or []) if item]
        if not values:
            raise forms.ValidationError("Select one or more photos first.")
        if len(values) > self.max_count:
            raise forms.ValidationError(f"Select at most {self.max_count} photos at a time.")
        try:
            return [uuid.UUID(str(item)) for item in values]
        except ValueError:
            raise forms.ValidationError("Some of the selected photos are not there.") from None


class BulkForm(forms.Form):
    """The selection bar: an action, the selected photos, and an album when it needs one."""

    action = forms.ChoiceField(
        choices=[*BULK_ACTION_LABELS, (NEW_ALBUM, "New album from the selection")],
        error_messages={"invalid_choice": "Choose what to do with the selected photos."},
    )
    ids = UUIDListField(max_count=bulk_services.MAX_IDS)
    album = forms.ModelChoiceField(
        queryset=Album.objects.none(),
        to_field_name="public_id",
        required=False,
        error_messages={"invalid_choice": "That album is not there any more; choose another."},
    )

    def __init__(self, *args: Any, albums: QuerySet[Album], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["album"]).queryset = albums

    new_album_title = forms.CharField(required=False, max_length=200, strip=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action in bulk_services.ALBUM_ACTIONS and data.get("album") is None:
            self.add_error("album", "Choose the album first.")
        if action == NEW_ALBUM and not data.get("new_album_title"):
            self.add_error("new_album_title", "Give the new album a title.")
        return data


class DownloadForm(forms.Form):
    """The selection bar's "Download": the selected photos."""

    ids = UUIDListField(max_count=bulk_services.MAX_IDS)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Words")
    taken_from = forms.DateField(
        required=False, label="Taken from", widget=forms.DateInput(attrs={"type": "date"})
    )
    taken_to = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )
    camera = forms.CharField(required=False, max_length=100, label="Camera model")
    favorites = forms.BooleanField(required=False, label="Favorites only")
    archived = forms.BooleanField(required=False, label="Archived only")

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        day = timedelta(days=1)
        start = data.get("taken_from")
        end = data.get("taken_to")
        return SearchFilters(
            text=data.get("q") or "",
            taken_from=timezone.make_aware(datetime.combine(start, time.min)) if start else None,
            taken_to=timezone.make_aware(datetime.combine(end + day, time.min)) if end else None,
            camera=data.get("camera") or "",
            favorites=bool(data.get("favorites")),
            archived=bool(data.get("archived")),
        )
