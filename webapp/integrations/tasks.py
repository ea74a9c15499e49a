"""Celery tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from webapp.integrations import webhooks

# Exponential backoff with jitter, bounded: 2, 4, 8 … s (at most WEBHOOK_RETRY_BACKOFF_MAX) for
# WEBHOOK_MAX_RETRIES retries, then the delivery is given up (the settings page shows the last result).
WEBHOOK_MAX_RETRIES = int(getattr(settings, "WEBHOOK_MAX_RETRIES", 6))
WEBHOOK_RETRY_BACKOFF = int(getattr(settings, "WEBHOOK_RETRY_BACKOFF", 2))
WEBHOOK_RETRY_BACKOFF_MAX = int(getattr(settings, "WEBHOOK_RETRY_BACKOFF_MAX", 600))


@shared_task(
    name="integrations.send_webhook",
    autoretry_for=(webhooks.WebhookRetry,),
    retry_backoff=WEBHOOK_RETRY_BACKOFF,
    retry_backoff_max=WEBHOOK_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=WEBHOOK_MAX_RETRIES,
)
def send_webhook(photo_id: int) -> str:
    return webhooks.deliver_webhook(photo_id)
