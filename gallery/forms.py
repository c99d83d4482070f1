"""HTML forms of the gallery pages. They parse input only; services decide and save."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from gallery.models import Album, Photo


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


class OwnPhotosSharingForm(forms.Form):
    """A member's say over the photos they put in someone else's album (off by default)."""

    share_camera = forms.BooleanField(required=False, label="Show the camera")
    share_location = forms.BooleanField(required=False, label="Show where they were taken")
    allow_download = forms.BooleanField(
        required=False, label="Let download links hand out my originals"
    )
