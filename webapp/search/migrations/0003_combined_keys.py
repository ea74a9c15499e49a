"""Index in photo order (owner, key, photo, count) and rewrite every photo's rows: the keys now
include ``*`` (every described photo), size+place combinations of one instance and relation
keys with sizes (``webapp/search/terms.py``)."""

from django.db import migrations, models


def reindex(apps, schema_editor):
    from webapp.search.terms import photo_terms

    Photo = apps.get_model("photos", "Photo")
    SearchTerm = apps.get_model("search", "SearchTerm")
    SearchTerm.objects.all().delete()
    rows = []
    for photo in Photo.objects.filter(status="done").iterator(chunk_size=500):
        alt = photo.accepted_alt if photo.alt_source else photo.suggested_alt
        for key, count in photo_terms(photo.result, alt).items():
            rows.append(SearchTerm(photo_id=photo.pk, owner_id=photo.owner_id, key=key, count=count))
        if len(rows) > 5000:
            SearchTerm.objects.bulk_create(rows)
            rows = []
    SearchTerm.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index_existing_photos")]

    operations = [
        migrations.RemoveIndex(model_name="searchterm", name="search_term_lookup"),
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(fields=["owner", "key", "photo", "count"], name="search_term_key_photo"),
        ),
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
