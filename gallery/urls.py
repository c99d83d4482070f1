from django.urls import path

from gallery import media
from gallery.views import albums, comments, library, notifications, photos, sharing, visitors

urlpatterns = [
    path("media/<str:token>/", media.media_view, name="media"),
    path("photos/", photos.home, name="home"),
    path("photos/<uuid:public_id>/", photos.photo_detail, name="photo_detail"),
    path("photos/<uuid:public_id>/edit/", photos.photo_edit, name="photo_edit"),
    path("photos/<uuid:public_id>/trash/", photos.photo_trash, name="photo_trash"),
    path("photos/<uuid:public_id>/restore/", photos.photo_restore, name="photo_restore"),
    path(
        "photos/<uuid:public_id>/delete-forever/",
        photos.photo_delete_forever,
        name="photo_delete_forever",
    ),
    path("photos/selection/", library.photos_bulk, name="photos_bulk"),
    path("photos/selection/download/", library.photos_download, name="photos_download"),
    path("search/", library.search, name="search"),
    path("albums/", albums.album_list, name="album_list"),
    path("albums/new/", albums.album_create, name="album_create"),
    path("albums/<uuid:public_id>/", albums.album_detail, name="album_detail"),
    path("albums/<uuid:public_id>/edit/", albums.album_edit, name="album_edit"),
    path("albums/<uuid:public_id>/delete/", albums.album_delete, name="album_delete"),
    path("albums/<uuid:public_id>/cover/", library.album_cover, name="album_cover"),
    path("albums/<uuid:public_id>/timeline/", library.album_timeline, name="album_timeline"),
    path("upload/", photos.upload, name="upload"),
    path("trash/", photos.trash, name="trash"),
    path("trash/empty/", photos.trash_empty, name="trash_empty"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.notifications_unsubscribe,
        name="notifications_unsubscribe",
    ),
    path("albums/<uuid:public_id>/comments/", comments.comment_add, name="comment_add"),
    path("albums/<uuid:public_id>/reactions/", comments.reaction_set, name="reaction_set"),
    path("comments/<uuid:public_id>/delete/", comments.comment_delete, name="comment_delete"),
    path("albums/<uuid:public_id>/share/", sharing.album_share, name="album_share"),
    path(
        "albums/<uuid:public_id>/share/audience/",
        sharing.album_share_audience,
        name="album_share_audience",
    ),
    path(
        "albums/<uuid:public_id>/share/address/",
        sharing.album_public_address_change,
        name="album_public_address_change",
    ),
    path(
        "albums/<uuid:public_id>/share/people/", sharing.album_member_add, name="album_member_add"
    ),
    path(
        "albums/<uuid:public_id>/share/people/<uuid:user_uuid>/",
        sharing.album_member_update,
        name="album_member_update",
    ),
    path(
        "albums/<uuid:public_id>/share/people/<uuid:user_uuid>/remove/",
        sharing.album_member_remove,
        name="album_member_remove",
    ),
    path(
        "albums/<uuid:public_id>/my-photos/",
        sharing.album_contributor_sharing,
        name="album_contributor_sharing",
    ),
    path(
        "albums/<uuid:public_id>/share/links/", sharing.share_link_create, name="share_link_create"
    ),
    path("share-links/<uuid:link_id>/revoke/", sharing.share_link_revoke, name="share_link_revoke"),
    path("connections/", sharing.connections, name="sharing_connections"),
    path("connections/invite/", sharing.connection_invite, name="connection_invite"),
    path(
        "connections/invitations/<uuid:invitation_id>/accept/",
        sharing.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "connections/invitations/<uuid:invitation_id>/decline/",
        sharing.invitation_decline,
        name="invitation_decline",
    ),
    path(
        "connections/invitations/<uuid:invitation_id>/cancel/",
        sharing.invitation_cancel,
        name="invitation_cancel",
    ),
    path("connections/<uuid:user_uuid>/", sharing.connection_update, name="connection_update"),
    path(
        "connections/<uuid:user_uuid>/remove/", sharing.connection_remove, name="connection_remove"
    ),
    path("shared/", sharing.shared_with_me, name="shared_with_me"),
    path("sharing/", sharing.sharing_overview, name="sharing_overview"),
    path("sharing/make-private/", sharing.sharing_make_private, name="sharing_make_private"),
    path("p/<uuid:address>/", visitors.public_album, name="public_album"),
    path("p/<uuid:address>/photos/<uuid:photo_id>/", visitors.public_photo, name="public_photo"),
    path("s/<str:token>/", visitors.share_link, name="share_link"),
    path(
        "s/<str:token>/photos/<uuid:photo_id>/", visitors.share_link_photo, name="share_link_photo"
    ),
]
