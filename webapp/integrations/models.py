"""A person's webhook: where to POST each finished photo, and the secret that signs it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Webhook(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook")
    url = models.URLField(max_length=500)
    # Kept in clear: the app needs it to sign every delivery (HMAC-SHA256 of the raw body).
    secret = models.CharField(max_length=128)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # The outcome of the last attempt, shown on the settings page and in the API.
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True, blank=True)
    last_result = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.user} → {self.url}"

    @property
    def secret_hint(self) -> str:
        """The first characters of the secret, so a person can tell which one is set."""
        return self.secret[:6] + "…"
