"""Results stored before plans were (issue 18): the data migration gives each a plan made from
its stored instances (no model runs), so the suggestion exists in every language; the stored
English texts stay, and a second run changes nothing."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from tests.webapp.stored import stored_photo
from webapp.photos.models import Photo
from webapp.photos.results import suggestion

pytestmark = pytest.mark.django_db

add_plans = importlib.import_module("webapp.photos.migrations.0006_plans_for_stored_results").add_plans


def without_plan(photo: Photo, plan: object = None) -> Photo:
    """``photo`` as a release before plans stored it (or with ``plan`` of another version)."""
    result = photo.result
    result["description"].pop("plan")
    if plan is not None:
        result["description"]["plan"] = plan
    Photo.objects.filter(pk=photo.pk).update(result=result)
    return Photo.objects.get(pk=photo.pk)


def test_old_results_get_a_plan_and_every_language(user) -> None:  # noqa: ANN001
    old = without_plan(stored_photo(user, "old.jpg", ("dog", "dog", "person")))
    older_version = without_plan(stored_photo(user, "v0.jpg", ("horse",)), plan={"version": 0, "plan": {}})
    current = stored_photo(user, "new.jpg", ("cat",))
    unreadable = stored_photo(user, "broken.jpg", ("bus",))
    no_instances = {"description": unreadable.result["description"] | {"plan": None}}
    Photo.objects.filter(pk=unreadable.pk).update(result=no_instances)
    untouched = {p: Photo.objects.get(pk=p).result for p in (current.pk, unreadable.pk)}
    english = {p.pk: (p.suggested_alt, p.long_description) for p in (old, older_version)}

    # Before: only the stored English, whatever language is asked for.
    assert suggestion(old, "de").lang == "en"
    assert suggestion(old, "de").alt_text == old.suggested_alt

    assert add_plans(apps, None) == 2

    old = Photo.objects.get(pk=old.pk)
    german = suggestion(old, "de")
    assert german.lang == "de" and "zwei Hunde" in german.alt_text, german
    assert "Person" in german.alt_text
    assert "deux chiens" in suggestion(old, "fr").alt_text, suggestion(old, "fr")
    assert "dos perros" in suggestion(old, "es").alt_text, suggestion(old, "es")
    assert "Pferd" in suggestion(Photo.objects.get(pk=older_version.pk), "de").alt_text
    # The stored texts are what a reader of English saw before.
    for pk, texts in english.items():
        photo = Photo.objects.get(pk=pk)
        assert (photo.suggested_alt, photo.long_description) == texts
        assert suggestion(photo, "en").alt_text == texts[0]
    # A result with a readable plan, and one that does not read, are not written.
    for pk, result in untouched.items():
        assert Photo.objects.get(pk=pk).result == result

    assert add_plans(apps, None) == 0  # safe to run again
