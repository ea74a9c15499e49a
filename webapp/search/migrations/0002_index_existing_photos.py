"""Index the photos that were described before search existed (same terms as services.index_photo)."""

from django.db import migrations


def index_existing(apps, schema_editor):
    from webapp.photos.results import read_description
    from webapp.search.terms import photo_terms

    Photo = apps.get_model("photos", "Photo")
    SearchTerm = apps.get_model("search", "SearchTerm")
    rows = []
    for photo in Photo.objects.filter(status="done").iterator(chunk_size=500):
        alt = photo.accepted_alt if photo.alt_source else photo.suggested_alt
        for key, count in photo_terms(read_description(photo.result), alt).items():
            rows.append(SearchTerm(photo_id=photo.pk, owner_id=photo.owner_id, key=key, count=count))
        if len(rows) > 5000:
            SearchTerm.objects.bulk_create(rows)
            rows = []
    SearchTerm.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("photos", "0001_initial")]

    operations = [migrations.RunPython(index_existing, migrations.RunPython.noop)]
