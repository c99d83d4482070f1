from django.urls import include, path

from gallery import media, views

urlpatterns = [
    path("media/<str:token>/", media.media_view, name="media"),
    path("photos/", views.home, name="home"),
    path("photos/<uuid:public_id>/", views.photo_detail, name="photo_detail"),
    path("photos/<uuid:public_id>/edit/", views.photo_edit, name="photo_edit"),
    path("photos/<uuid:public_id>/trash/", views.photo_trash, name="photo_trash"),
    path("photos/<uuid:public_id>/restore/", views.photo_restore, name="photo_restore"),
    path(
        "photos/<uuid:public_id>/delete-forever/",
        views.photo_delete_forever,
        name="photo_delete_forever",
    ),
    path("albums/", views.album_list, name="album_list"),
    path("albums/new/", views.album_create, name="album_create"),
    path("albums/<uuid:public_id>/", views.album_detail, name="album_detail"),
    path("albums/<uuid:public_id>/edit/", views.album_edit, name="album_edit"),
    path("albums/<uuid:public_id>/delete/", views.album_delete, name="album_delete"),
    path("upload/", views.upload, name="upload"),
    path("trash/", views.trash, name="trash"),
    path("trash/empty/", views.trash_empty, name="trash_empty"),
    path("", include("gallery.sharing.urls")),
]
