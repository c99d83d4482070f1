"""HTML forms of the gallery pages. They parse input only; services decide and save."""

from datetime import datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from gallery.models import Album, AlbumMember, Circle, Photo
from gallery.services.sharing import share_link_default_expiry


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
    """Album choice plus one or many files; the album list is the uploader's own albums."""

    album = forms.ModelChoiceField(
        queryset=Album.objects.none(), to_field_name="public_id", required=False, empty_label=None
    )
    file = MultipleFileField(
        label="Photos",
        widget=MultipleFileInput(attrs={"accept": "image/*", "multiple": True}),
        error_messages={"required": "Choose one or more photos to upload."},
    )

    def __init__(self, *args: Any, albums: QuerySet[Album], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["album"]).queryset = albums


class PhotoEditForm(forms.Form):
    """Rename or move a photo; a field left out of the POST is left unchanged."""

    title = forms.CharField(required=False, max_length=Photo._meta.get_field("title").max_length)
    album = forms.ModelChoiceField(
        queryset=Album.objects.none(),
        to_field_name="public_id",
        required=False,
        error_messages={"invalid_choice": "Choose one of your albums."},
    )

    def __init__(self, *args: Any, albums: QuerySet[Album], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["album"]).queryset = albums

    def changes(self) -> dict[str, Any]:
        """The keyword arguments of photo_update: the rename box and the move menu are
        separate forms on the page, so a field that was not sent is not a change."""
        changes: dict[str, Any] = {}
        if "title" in self.data:
            changes["title"] = self.cleaned_data["title"]
        if self.cleaned_data["album"] is not None:
            changes["album"] = self.cleaned_data["album"]
        return changes


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
        names = ("label", "expires_at", "password", "allow_download")
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
