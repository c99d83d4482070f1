"""HTML routes for sharing, included from gallery/urls.py."""

from django.urls import path

from gallery import views_sharing as views

urlpatterns = [
    path("albums/<uuid:public_id>/share/", views.album_share, name="album_share"),
    path(
        "albums/<uuid:public_id>/share/audience/",
        views.album_share_audience,
        name="album_share_audience",
    ),
    path("albums/<uuid:public_id>/share/people/", views.album_member_add, name="album_member_add"),
    path(
        "albums/<uuid:public_id>/share/people/<uuid:user_uuid>/",
        views.album_member_update,
        name="album_member_update",
    ),
    path(
        "albums/<uuid:public_id>/share/people/<uuid:user_uuid>/remove/",
        views.album_member_remove,
        name="album_member_remove",
    ),
    path("albums/<uuid:public_id>/share/links/", views.share_link_create, name="share_link_create"),
    path("share-links/<uuid:link_id>/revoke/", views.share_link_revoke, name="share_link_revoke"),
    path("connections/", views.connections, name="sharing_connections"),
    path("connections/invite/", views.connection_invite, name="connection_invite"),
    path(
        "connections/invitations/<uuid:invitation_id>/accept/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "connections/invitations/<uuid:invitation_id>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    path(
        "connections/invitations/<uuid:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("connections/<uuid:user_uuid>/", views.connection_update, name="connection_update"),
    path("connections/<uuid:user_uuid>/remove/", views.connection_remove, name="connection_remove"),
    path("shared/", views.shared_with_me, name="shared_with_me"),
    path("sharing/", views.sharing_overview, name="sharing_overview"),
    path("sharing/make-private/", views.sharing_make_private, name="sharing_make_private"),
    path("p/<uuid:public_id>/", views.public_album, name="public_album"),
    path("p/<uuid:public_id>/photos/<uuid:photo_id>/", views.public_photo, name="public_photo"),
    path("s/<str:token>/", views.share_link, name="share_link"),
    path("s/<str:token>/photos/<uuid:photo_id>/", views.share_link_photo, name="share_link_photo"),
]
