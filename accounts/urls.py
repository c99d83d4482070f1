from django.urls import path

from accounts import views

urlpatterns = [
    path("confirm-email/code/", views.confirm_email_code, name="account_confirm_email_code"),
]
