"""A person's webhook: where to POST each finished photo, the secret that signs it, and the outbox of
deliveries still owed."""

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


class Delivery(models.Model):
    """One result owed to a webhook (the outbox). Written in the transaction that stores the result,
    so a result is never committed without its delivery being recorded; the queue message sent after
    the commit can be lost (broker down, Redis wiped) and the sweeper sends it again."""

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        REFUSED = "refused"  # the receiver answered 3xx/4xx, or the address is not public
        GIVEN_UP = "given_up"  # still failing after WEBHOOK_MAX_SENDS sends of the retry chain
        SKIPPED = "skipped"  # the webhook was removed or paused, or a newer result replaced it

    photo = models.ForeignKey("photos.Photo", on_delete=models.CASCADE, related_name="deliveries")
    key = models.CharField(max_length=32)  # the payload's "delivery": one per result
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    sends = models.PositiveIntegerField(default=0)  # times the retry chain was queued
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["photo", "key"], name="one_delivery_per_result")]
        indexes = [models.Index(fields=["state", "enqueued_at"], name="delivery_pending")]

    def __str__(self) -> str:
        return f"photo {self.photo_id} {self.key}: {self.state}"
