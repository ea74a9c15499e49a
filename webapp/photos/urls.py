from __future__ import annotations

from django.urls import path

from webapp import ids  # noqa: F401 - registers the <id:…> path converter
from webapp.photos import views

app_name = "photos"

urlpatterns = [
    path("", views.library, name="library"),
    path("upload/", views.upload, name="upload"),
    path("photos/status/", views.status, name="status"),
    path("photos/<id:pk>/", views.detail, name="detail"),
    path("photos/<id:pk>/retry/", views.retry, name="retry"),
    path("photos/<id:pk>/delete/", views.delete, name="delete"),
    path("photos/<id:pk>/image/", views.image, {"kind": "full"}, name="image"),
    path("photos/<id:pk>/overlay/", views.overlay_image, name="overlay"),
    path("photos/<id:pk>/thumb/", views.image, {"kind": "thumb"}, name="thumb"),
]
