from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/token/refresh/", views.TokenRefreshApi.as_view(), name="api_token_refresh"),
    path("auth/logout/", views.LogoutApi.as_view(), name="api_logout"),
    path("auth/cookie/", views.CookieLoginApi.as_view(), name="api_auth_cookie"),
    path("auth/context/", views.AuthContextApi.as_view(), name="api_auth_context"),
    path("auth/profile/", views.ProfileApi.as_view(), name="api_auth_profile"),
    path("auth/sessions/", views.SessionsApi.as_view(), name="api_auth_sessions"),
    path(
        "auth/sessions/sign-out-everywhere/",
        views.SignOutEverywhereApi.as_view(),
        name="api_auth_sign_out_everywhere",
    ),
]
