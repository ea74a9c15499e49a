"""Results stored before plans were (issue 18) get one, made by today's captioner from their
stored instances (no model runs), so their suggestion exists in every language, not only in the
English it was stored in. The stored texts are kept. Safe to run again (a result with a readable
plan is not written); a later plan version can call the same function in its own migration."""

from django.db import migrations


def add_plans(apps, schema_editor) -> int:  # noqa: ANN001, ARG001
    from webapp.photos.pipeline import caption
    from webapp.photos.results import add_missing_plans

    return add_missing_plans(apps.get_model("photos", "Photo").objects.all(), caption)


class Migration(migrations.Migration):
    dependencies = [("photos", "0005_folder_removal")]
    operations = [migrations.RunPython(add_plans, migrations.RunPython.noop, elidable=True)]
