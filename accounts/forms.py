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
