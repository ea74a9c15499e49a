"""Text stored before every way in refused control characters (issue 17 item 6): the same
characters ``webapp.text.check_plain_text`` now refuses are taken out of the photos' texts.
Idempotent (a clean row is not written); the search index is derived from the alt text by words,
which a removed character never was part of."""

from django.db import migrations

# Each forbidden character becomes a space: "dog\x00cat" must not become one word "dogcat".
FIELDS = ("accepted_alt", "suggested_alt", "long_description", "original_name", "status_message", "last_error")
# Stored whitespace-collapsed by the review form and the API, and shown on one line.
COLLAPSED = ("accepted_alt", "original_name")


def clean_photos(apps, schema_editor) -> int:  # noqa: ANN001, ARG001
    from webapp.text import strip_forbidden

    Photo = apps.get_model("photos", "Photo")
    changed = []
    for photo in Photo.objects.only("pk", *FIELDS).iterator(chunk_size=500):
        dirty = False
        for field in FIELDS:
            value = getattr(photo, field)
            clean = strip_forbidden(value, " ")
            if clean != value:
                if field in COLLAPSED:
                    clean = " ".join(clean.split())
                setattr(photo, field, clean or ("photo" if field == "original_name" else ""))
                dirty = True
        if dirty:
            changed.append(photo)
    Photo.objects.bulk_update(changed, FIELDS, batch_size=500)
    return len(changed)


class Migration(migrations.Migration):
    dependencies = [("photos", "0002_reliability")]
    operations = [migrations.RunPython(clean_photos, migrations.RunPython.noop, elidable=True)]
