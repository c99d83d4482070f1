from django.urls import path

from gallery.api import albums, comments, library, notifications, photos, sharing, uploads

# <uuid:...> makes a malformed id a plain 404 before any view runs.
urlpatterns = [
    path("albums/", albums.AlbumListApi.as_view(), name="api_album_list"),
    path("albums/<uuid:public_id>/", albums.AlbumDetailApi.as_view(), name="api_album_detail"),
    path(
        "albums/<uuid:public_id>/photos/",
        albums.AlbumPhotosApi.as_view(),
        name="api_album_photos",
    ),
    path(
        "albums/<uuid:public_id>/comments/",
        comments.CommentListApi.as_view(),
        name="api_album_comments",
    ),
    path(
        "albums/<uuid:public_id>/reactions/",
        comments.ReactionsApi.as_view(),
        name="api_album_reactions",
    ),
    path(
        "albums/<uuid:public_id>/activity/",
        comments.ActivityApi.as_view(),
        name="api_album_activity",
    ),
    path(
        "albums/<uuid:public_id>/photos/<uuid:photo_id>/comments/",
        comments.PhotoCommentListApi.as_view(),
        name="api_photo_comments",
    ),
    path(
        "albums/<uuid:public_id>/photos/<uuid:photo_id>/reactions/",
        comments.PhotoReactionsApi.as_view(),
        name="api_photo_reactions",
    ),
    path("comments/<uuid:public_id>/", comments.CommentDetailApi.as_view(), name="api_comment"),
    path("notifications/", notifications.NotificationListApi.as_view(), name="api_notifications"),
    path(
        "notifications/read/",
        notifications.NotificationReadApi.as_view(),
        name="api_notifications_read",
    ),
    path(
        "notifications/settings/",
        notifications.NotificationSettingsApi.as_view(),
        name="api_notification_settings",
    ),
    path(
        "albums/<uuid:public_id>/photos/<uuid:photo_id>/",
        albums.AlbumPhotoApi.as_view(),
        name="api_album_photo",
    ),
    path(
        "albums/<uuid:public_id>/timeline/",
        albums.AlbumTimelineApi.as_view(),
        name="api_album_timeline",
    ),
    path(
        "albums/<uuid:public_id>/my-photos/",
        sharing.AlbumOwnPhotosSharingApi.as_view(),
        name="api_album_my_photos_sharing",
    ),
    path("photos/", photos.PhotoListApi.as_view(), name="api_photo_list"),
    path("uploads/", uploads.UploadCreateApi.as_view(), name="api_upload_create"),
    path("uploads/<uuid:public_id>/", uploads.UploadDetailApi.as_view(), name="api_upload"),
    path("photos/bulk/", library.PhotoBulkApi.as_view(), name="api_photo_bulk"),
    path("photos/download/", library.PhotoDownloadApi.as_view(), name="api_photo_download"),
    path("search/", library.SearchApi.as_view(), name="api_search"),
    path(
        "photos/<uuid:public_id>/favorite/",
        library.PhotoFavoriteApi.as_view(),
        name="api_photo_favorite",
    ),
    path("photos/<uuid:public_id>/", photos.PhotoDetailApi.as_view(), name="api_photo_detail"),
    path(
        "photos/<uuid:public_id>/restore/",
        photos.PhotoRestoreApi.as_view(),
        name="api_photo_restore",
    ),
    path("trash/", photos.TrashApi.as_view(), name="api_trash"),
    path("trash/<uuid:public_id>/", photos.TrashPhotoApi.as_view(), name="api_trash_photo"),
    path("connections/", sharing.ConnectionListApi.as_view(), name="api_connections"),
    path(
        "connections/<uuid:user_uuid>/",
        sharing.ConnectionDetailApi.as_view(),
        name="api_connection_detail",
    ),
    path("invitations/", sharing.InvitationListApi.as_view(), name="api_invitations"),
    path(
        "invitations/received/",
        sharing.InvitationReceivedApi.as_view(),
        name="api_invitations_received",
    ),
    path(
        "invitations/<uuid:invitation_id>/",
        sharing.InvitationDetailApi.as_view(),
        name="api_invitation_detail",
    ),
    path(
        "invitations/<uuid:invitation_id>/accept/",
        sharing.InvitationAcceptApi.as_view(),
        name="api_invitation_accept",
    ),
    path(
        "invitations/<uuid:invitation_id>/decline/",
        sharing.InvitationDeclineApi.as_view(),
        name="api_invitation_decline",
    ),
    path(
        "albums/<uuid:public_id>/sharing/",
        sharing.AlbumSharingApi.as_view(),
        name="api_album_sharing",
    ),
    path(
        "albums/<uuid:public_id>/sharing/public-address/",
        sharing.AlbumPublicAddressApi.as_view(),
        name="api_album_public_address",
    ),
    path(
        "albums/<uuid:public_id>/members/",
        sharing.AlbumMemberListApi.as_view(),
        name="api_album_members",
    ),
    path(
        "albums/<uuid:public_id>/members/<uuid:user_uuid>/",
        sharing.AlbumMemberDetailApi.as_view(),
        name="api_album_member_detail",
    ),
    path(
        "albums/<uuid:public_id>/links/",
        sharing.AlbumLinkListApi.as_view(),
        name="api_album_links",
    ),
    path(
        "share-links/<uuid:link_id>/", sharing.ShareLinkDetailApi.as_view(), name="api_share_link"
    ),
    path("shared-with-me/", sharing.SharedWithMeApi.as_view(), name="api_shared_with_me"),
    path("sharing/", sharing.SharingOverviewApi.as_view(), name="api_sharing_overview"),
    path(
        "sharing/make-private/", sharing.MakePrivateApi.as_view(), name="api_sharing_make_private"
    ),
]
