from django.urls import include, path

from gallery.api import views

# <uuid:...> makes a malformed id a plain 404 before any view runs.
urlpatterns = [
    path("albums/", views.AlbumListApi.as_view(), name="api_album_list"),
    path("albums/<uuid:public_id>/", views.AlbumDetailApi.as_view(), name="api_album_detail"),
    path(
        "albums/<uuid:public_id>/photos/",
        views.AlbumPhotosApi.as_view(),
        name="api_album_photos",
    ),
    path("photos/", views.PhotoListApi.as_view(), name="api_photo_list"),
    path("photos/<uuid:public_id>/", views.PhotoDetailApi.as_view(), name="api_photo_detail"),
    path(
        "photos/<uuid:public_id>/restore/",
        views.PhotoRestoreApi.as_view(),
        name="api_photo_restore",
    ),
    path("trash/", views.TrashApi.as_view(), name="api_trash"),
    path("trash/<uuid:public_id>/", views.TrashPhotoApi.as_view(), name="api_trash_photo"),
    path("", include("gallery.sharing.api_urls")),
]
