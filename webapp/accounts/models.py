"""Per-user API tokens. Only a hash is stored: a leaked database leaks no working token."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "alt_"
# Suggestions are in English for an account that never chose (and for one made without sign-up).
DEFAULT_ALT_LANGUAGE = "en"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # The first characters, shown in the UI so people can tell tokens apart.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: object, name: str) -> tuple[ApiToken, str]:
        """Create a token; return it and the raw key, which is never shown again."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name[:100] or "API token", prefix=raw[:10], key_hash=hash_token(raw))
        return token, raw


class Profile(models.Model):
    """A person's settings. Made at sign-up; an account without one (made by an admin or a
    command) reads the defaults (:func:`alt_text_language`)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # The language the suggestions are rendered in (a code of captioning's realisers, checked by
    # the form: no choices here, so adding a language needs no migration). Text a person writes
    # keeps its own language (Photo.accepted_alt_lang).
    alt_text_language = models.CharField(max_length=8, default=DEFAULT_ALT_LANGUAGE)

    def __str__(self) -> str:
        return f"{self.user} ({self.alt_text_language})"


def alt_text_language(user: object) -> str:
    """``user``'s (a user or a user id) alt text language: their setting, else English."""
    user_id = user if isinstance(user, int) else getattr(user, "pk", None)
    if user_id is None:
        return DEFAULT_ALT_LANGUAGE
    language = Profile.objects.filter(user_id=user_id).values_list("alt_text_language", flat=True).first()
    return language or DEFAULT_ALT_LANGUAGE
