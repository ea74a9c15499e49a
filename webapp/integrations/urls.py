"""The export page and the webhook settings page (the JSON API is ``webapp.api.urls``)."""

from __future__ import annotations

from django.urls import path

from webapp.integrations import views

app_name = "integrations"


urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/<slug:fmt>/", views.export_download, name="export-download"),
    path("webhook/", views.webhook_settings, name="webhook"),
]
