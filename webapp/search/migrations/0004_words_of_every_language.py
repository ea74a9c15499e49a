"""Every photo's rows rewritten: alt-text words are now indexed in the form that all four search
languages share (case and accents folded, "-s"/"-es" plurals met, no small word of any language:
``webapp/search/vocabulary.py``), so "Pelouses", "pelouse" and "Strände"/"Strand" find the same
photos. No schema change."""

from importlib import import_module

from django.db import migrations

# The rewrite of 0003, unchanged: every photo's rows from ``webapp.search.terms.photo_terms``.
reindex = import_module("webapp.search.migrations.0003_combined_keys").reindex


class Migration(migrations.Migration):
    dependencies = [("search", "0003_combined_keys")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
