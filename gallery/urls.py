from django.urls import path

from gallery import views

urlpatterns = [
    path("photos/", views.home, name="home"),
]
