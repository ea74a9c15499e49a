"""API token names stored before every way in refused control characters (issue 17 item 6): the
characters ``webapp.text.check_plain_text`` now refuses are taken out, and the name cleaned as
``accounts.tokens.clean_token_name`` cleans a new one. Idempotent (a clean row is not written)."""

from django.db import migrations


def clean_token_names(apps, schema_editor) -> int:  # noqa: ANN001, ARG001
    from webapp.accounts.tokens import DEFAULT_NAME
    from webapp.text import strip_forbidden

    ApiToken = apps.get_model("accounts", "ApiToken")
    changed = []
    for token in ApiToken.objects.only("pk", "name").iterator(chunk_size=500):
        clean = strip_forbidden(token.name, " ")
        if clean != token.name:
            token.name = " ".join(clean.split())[:100] or DEFAULT_NAME
            changed.append(token)
    ApiToken.objects.bulk_update(changed, ["name"], batch_size=500)
    return len(changed)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(clean_token_names, migrations.RunPython.noop, elidable=True)]
