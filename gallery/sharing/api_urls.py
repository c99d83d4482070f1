"""API routes for sharing, included from gallery/api/urls.py."""

from django.urls import path

from gallery.api import sharing as views

urlpatterns = [
    path("connections/", views.ConnectionListApi.as_view(), name="api_connections"),
    path(
        "connections/<uuid:user_uuid>/",
        views.ConnectionDetailApi.as_view(),
        name="api_connection_detail",
    ),
    path("invitations/", views.InvitationListApi.as_view(), name="api_invitations"),
    path(
        "invitations/received/",
        views.InvitationReceivedApi.as_view(),
        name="api_invitations_received",
    ),
    path(
        "invitations/<uuid:invitation_id>/",
        views.InvitationDetailApi.as_view(),
        name="api_invitation_detail",
    ),
    path(
        "invitations/<uuid:invitation_id>/accept/",
        views.InvitationAcceptApi.as_view(),
        name="api_invitation_accept",
    ),
    path(
        "invitations/<uuid:invitation_id>/decline/",
        views.InvitationDeclineApi.as_view(),
        name="api_invitation_decline",
    ),
    path(
        "albums/<uuid:public_id>/sharing/",
        views.AlbumSharingApi.as_view(),
        name="api_album_sharing",
    ),
    path(
        "albums/<uuid:public_id>/members/",
        views.AlbumMemberListApi.as_view(),
        name="api_album_members",
    ),
    path(
        "albums/<uuid:public_id>/members/<uuid:user_uuid>/",
        views.AlbumMemberDetailApi.as_view(),
        name="api_album_member_detail",
    ),
    path(
        "albums/<uuid:public_id>/links/",
        views.AlbumLinkListApi.as_view(),
        name="api_album_links",
    ),
    path("share-links/<uuid:link_id>/", views.ShareLinkDetailApi.as_view(), name="api_share_link"),
    path("shared-with-me/", views.SharedWithMeApi.as_view(), name="api_shared_with_me"),
    path("sharing/", views.SharingOverviewApi.as_view(), name="api_sharing_overview"),
    path("sharing/make-private/", views.MakePrivateApi.as_view(), name="api_sharing_make_private"),
]
