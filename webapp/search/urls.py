from __future__ import annotations

from django.urls import path

from webapp.search import api, views

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("api/search/", api.search, name="api-search"),
    # The API answers without the trailing slash too (a redirect would drop the Authorization header
    # in some clients); the page relies on APPEND_SLASH.
    path("api/search", api.search, name="api-search-no-slash"),
]
