"""Search in photo order with exact totals: index (owner, key, photo, count) next to (owner, key,
count, photo), per-owner key totals (``SearchKeyCount``), and every photo's rows rewritten: keys now
include ``*`` (every described photo), size+place combinations of one instance and relation keys
with sizes (``webapp/search/terms.py``)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def reindex(apps, schema_editor):
    from webapp.photos.results import read_description
    from webapp.search.terms import photo_terms

    Photo = apps.get_model("photos", "Photo")
    SearchTerm = apps.get_model("search", "SearchTerm")
    SearchKeyCount = apps.get_model("search", "SearchKeyCount")
    SearchTerm.objects.all().delete()
    rows = []
    for photo in Photo.objects.filter(status="done").iterator(chunk_size=500):
        alt = photo.accepted_alt if photo.alt_source else photo.suggested_alt
        for key, count in photo_terms(read_description(photo.result), alt).items():
            rows.append(SearchTerm(photo_id=photo.pk, owner_id=photo.owner_id, key=key, count=count))
        if len(rows) > 5000:
            SearchTerm.objects.bulk_create(rows)
            rows = []
    SearchTerm.objects.bulk_create(rows)
    SearchKeyCount.objects.all().delete()
    terms, totals = SearchTerm._meta.db_table, SearchKeyCount._meta.db_table
    q = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(totals)} (owner_id, {q('key')}, photos) "
            f"SELECT owner_id, {q('key')}, COUNT(*) FROM {q(terms)} GROUP BY owner_id, {q('key')}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('photos', '0002_reliability'),
        ('search', '0002_index_existing_photos'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchKeyCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=100)),
                ('photos', models.IntegerField(default=0)),
            ],
        ),
        migrations.RenameIndex(
            model_name='searchterm',
            new_name='search_term_key_count',
            old_name='search_term_lookup',
        ),
        migrations.AddIndex(
            model_name='searchterm',
            index=models.Index(fields=['owner', 'key', 'photo', 'count'], name='search_term_key_photo'),
        ),
        migrations.AddField(
            model_name='searchkeycount',
            name='owner',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='searchkeycount',
            constraint=models.UniqueConstraint(fields=('owner', 'key'), name='search_key_count_owner_key'),
        ),
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
