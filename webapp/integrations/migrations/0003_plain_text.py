"""Webhooks stored before every way in refused control characters (issue 17 item 6). An address
or a secret that held one is not guessed at: the characters are taken out (NUL cannot even be
stored on PostgreSQL) and the webhook is paused, its last outcome saying why, until the person
checks it and turns it on again (a changed secret would break the receiver's signature check, a
changed address could name another place). Idempotent (a clean row is not written)."""

from django.db import migrations

PAUSED = (
    "Paused: the stored {what} held an invisible control character, now removed. Check the "
    "webhook's settings, then turn it on again."
)


def clean_webhooks(apps, schema_editor) -> int:  # noqa: ANN001, ARG001
    from webapp.text import strip_forbidden

    Webhook = apps.get_model("integrations", "Webhook")
    changed = []
    for hook in Webhook.objects.iterator(chunk_size=500):
        url, secret = strip_forbidden(hook.url).strip(), strip_forbidden(hook.secret).strip()
        result = strip_forbidden(hook.last_result, " ")
        if result != hook.last_result:
            result = " ".join(result.split())
        broken = [
            what for what, old, new in (("address", hook.url, url), ("secret", hook.secret, secret)) if old != new
        ]
        if broken:
            hook.url, hook.secret, hook.is_active = url, secret, False
            result = PAUSED.format(what=" and ".join(broken))
        if broken or result != hook.last_result:
            hook.last_result = result[:300]
            changed.append(hook)
    Webhook.objects.bulk_update(changed, ["url", "secret", "is_active", "last_result"], batch_size=500)
    return len(changed)


class Migration(migrations.Migration):
    dependencies = [("integrations", "0002_delivery_outbox")]
    operations = [migrations.RunPython(clean_webhooks, migrations.RunPython.noop, elidable=True)]
