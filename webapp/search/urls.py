from __future__ import annotations

from django.urls import path

from webapp.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    # The JSON API for search lives with the rest of the API in webapp/integrations/api.py.
]
