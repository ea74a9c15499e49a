from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "webapp.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Connects the receivers that remove a deleted user's files (and re-send lost removals).
        from webapp.accounts import deletion  # noqa: F401
