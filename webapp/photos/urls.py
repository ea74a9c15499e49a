from __future__ import annotations

from django.urls import path

from webapp.photos import views

app_name = "photos"

urlpatterns = [
    path("", views.library, name="library"),
    path("upload/", views.upload, name="upload"),
    path("photos/status/", views.status, name="status"),
    path("photos/<int:pk>/", views.detail, name="detail"),
    path("photos/<int:pk>/retry/", views.retry, name="retry"),
    path("photos/<int:pk>/delete/", views.delete, name="delete"),
    path("photos/<int:pk>/image/", views.image, {"kind": "full"}, name="image"),
    path("photos/<int:pk>/overlay/", views.overlay_image, name="overlay"),
    path("photos/<int:pk>/thumb/", views.image, {"kind": "thumb"}, name="thumb"),
]
