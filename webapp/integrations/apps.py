from __future__ import annotations

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "webapp.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from webapp.integrations import webhooks
        from webapp.photos import signals
        from webapp.photos.models import Photo

        # A finished photo is posted to its owner's webhook (when one is set) through the queue: the
        # delivery is recorded with the result (outbox), queued after the commit, and re-sent by the
        # sweeper when its queue message was lost.
        signals.result_stored.connect(webhooks.record_delivery, sender=Photo, dispatch_uid="integrations-outbox")
        signals.photo_described.connect(webhooks.on_photo_described, sender=Photo, dispatch_uid="integrations-webhook")
        signals.sweeping.connect(webhooks.resend_lost_deliveries, dispatch_uid="integrations-resend")
