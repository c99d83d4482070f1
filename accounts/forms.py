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
