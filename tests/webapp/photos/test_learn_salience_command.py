"""``manage.py learn_salience``: refit the salience model with reviewed alt texts, and the worker's
use of the file through ``CAPTION_SALIENCE_FILE``."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.management import CommandError, call_command

from captioning import describe
from tests.captioning.test_captioning_learning import table_scene
from webapp.photos import pipeline
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db


def add_photo(owner, seed: int, *, alt: str, source: str) -> Photo:  # noqa: ANN001
    instances = table_scene(seed)
    description = describe(instances)
    return Photo.objects.create(
        owner=owner,
        image=f"photos/{seed}.jpg",
        thumbnail=f"thumbs/{seed}.jpg",
        original_name=f"{seed}.jpg",
        width=640,
        height=480,
        status=Photo.Status.DONE,
        model_name=instances.model,
        suggested_alt=description.alt_text,
        long_description=description.long_description,
        result={"instances": instances.to_dict(), "description": description.to_dict()},
        accepted_alt=alt,
        alt_source=source,
    )


@pytest.fixture
def reviewed(user, other_user):  # noqa: ANN001, ANN201
    # Twelve people wrote "bowl" where the suggestion left it out; the deployment learns as a
    # whole, so both owners' reviews count. Decorative and unreviewed photos say nothing.
    for seed in range(12):
        add_photo(user if seed % 2 else other_user, seed, alt="A small bowl on the table.", source="edited")
    add_photo(user, 50, alt="", source="decorative")
    add_photo(user, 51, alt="", source="")


def test_refits_writes_and_the_worker_uses_it(reviewed, tmp_path, settings, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "salience.json"
    call_command("learn_salience", "--min-photos", "10", "--out", str(out))
    printed = capsys.readouterr().out
    document = json.loads(out.read_text())
    provenance = document["provenance"]
    assert provenance["reviewed_photos"] == 12 and provenance["sources"] == {"edited": 12}
    assert provenance["cross_validation"]["refit"]["f1"] > provenance["cross_validation"]["shipped"]["f1"]
    assert "better than the shipped model" in printed and f"CAPTION_SALIENCE_FILE={out}" in printed

    new_photo = table_scene(77)
    assert "bowl" not in pipeline.caption(new_photo).alt_text  # not configured: the shipped model
    settings.CAPTION_SALIENCE_FILE = str(out)
    assert "bowl" in pipeline.caption(new_photo).alt_text


def test_too_few_reviews_is_a_clear_error(reviewed, tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(CommandError, match=r"Only 12 reviewed photos .* at least 30"):
        call_command("learn_salience", "--out", str(tmp_path / "s.json"))
    with pytest.raises(CommandError, match="Only 0 photos with a person-written alt text"):
        Photo.objects.filter(alt_source="edited").update(alt_source="accepted")
        call_command("learn_salience", "--edited-only", "--min-photos", "1", "--out", str(tmp_path / "s.json"))
    assert not (tmp_path / "s.json").exists()


def test_dry_run_writes_nothing(reviewed, tmp_path, settings, capsys) -> None:  # noqa: ANN001
    settings.DATA_DIR = tmp_path
    call_command("learn_salience", "--min-photos", "10", "--dry-run")
    assert "F1" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())


def test_unreadable_configured_file_is_logged_and_the_shipped_model_used(tmp_path, settings, caplog) -> None:  # noqa: ANN001
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    settings.CAPTION_SALIENCE_FILE = str(broken)
    with caplog.at_level(logging.ERROR, logger="webapp.photos.pipeline"):
        text = pipeline.caption(table_scene(3)).alt_text
    assert text == describe(table_scene(3)).alt_text
    assert any(str(broken) in r.getMessage() and "not used" in r.getMessage() for r in caplog.records)
