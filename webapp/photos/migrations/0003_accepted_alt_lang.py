# Issue 18: the language a person's alt text is in. Every text reviewed before this was English
# (the only language the app spoke).

from django.db import migrations, models


def reviewed_texts_are_english(apps, schema_editor):  # noqa: ANN001, ANN201
    Photo = apps.get_model("photos", "Photo")
    Photo.objects.filter(alt_source__in=["accepted", "edited"]).update(accepted_alt_lang="en")


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0002_reliability"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="accepted_alt_lang",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.RunPython(reviewed_texts_are_english, migrations.RunPython.noop),
    ]
