from django.urls import path
from django.views.generic import RedirectView

from accounts import views

urlpatterns = [
    # Verification emails once sent people here to paste the key of their link; the code
    # they now get is typed on allauth's own page.
    path(
        "confirm-email/code/",
        RedirectView.as_view(pattern_name="account_email_verification_sent"),
        name="account_confirm_email_code",
    ),
    path("profile/", views.profile, name="account_profile"),
    # Before allauth's own sessions page at the same path: this one can also end one
    # session and revoke the API tokens; allauth's links to "usersessions_list" land here.
    path("sessions/", views.sessions, name="account_sessions"),
    path(
        "sessions/sign-out-everywhere/",
        views.sign_out_everywhere,
        name="account_sign_out_everywhere",
    ),
    path(
        "sessions/<str:public_id>/sign-out/",
        views.session_sign_out,
        name="account_session_sign_out",
    ),
    path("export/", views.export, name="account_export"),
    path("export/<str:token>/", views.export_download, name="account_export_download"),
    path("delete/", views.delete_account, name="account_delete"),
]
