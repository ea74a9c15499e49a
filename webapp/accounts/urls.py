from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from webapp import ids  # noqa: F401 - registers the <id:…> path converter
from webapp.accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("", views.account, name="account"),
    path("alt-language/", views.alt_language, name="alt-language"),
    path("tokens/<id:pk>/revoke/", views.revoke, name="revoke"),
    path("delete/", views.delete_account, name="delete"),
]

auth_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
