from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import User


class AdminCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class AdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


NAME_HELP = "Shown to people you share with, instead of your email address."


def clean_display_name(value: str) -> str:
    name = " ".join((value or "").split())
    if "\x00" in name:
        raise forms.ValidationError("Use letters, digits and punctuation only.")
    if "@" in name:
        # A name that is an address would undo the point of having a name.
        raise forms.ValidationError("Use a name, not an email address.")
    return name


class DisplayNameForm(forms.Form):
    """The profile page's "your name"; sign-up asks the same (SignupNameForm)."""

    display_name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        help_text=NAME_HELP + " Leave empty to show no name to people outside your connections.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data.get("display_name", ""))


class SignupNameForm(DisplayNameForm):
    """What allauth's sign-up (pages and headless API) asks beyond email and password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["display_name"]
        field.help_text = NAME_HELP
        field.widget.attrs["placeholder"] = "e.g. Olivia"

    def signup(self, request, user) -> None:
        name = self.cleaned_data.get("display_name", "")
        if name and not user.display_name:
            user.display_name = name
            user.save(update_fields=["display_name"])


class DeleteAccountForm(forms.Form):
    """Typing the address proves the person means it and is looking at the right account."""

    email = forms.EmailField(
        label="Type your email address to confirm",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise forms.ValidationError("That is not this account's email address.")
        return email


class QuotaForm(forms.Form):
    """The admin's "set quota" action: megabytes are what people think in."""

    quota_mb = forms.IntegerField(
        label="Quota in MB",
        required=False,
        min_value=0,
        help_text="Empty: the site default. 0: unlimited.",
    )


class SignOutEverywhereForm(forms.Form):
    """Sign out everywhere: the other sessions always, this browser's too when asked."""

    include_this = forms.BooleanField(required=False)
