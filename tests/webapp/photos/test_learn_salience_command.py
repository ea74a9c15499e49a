"""``manage.py learn_salience``: refit the salience model with reviewed alt texts, and the worker's
use of the file through ``CAPTION_SALIENCE_FILE``."""

from __future__ import annotations

import dataclasses
import json
import logging

import pytest
from django.core.management import CommandError, call_command

from captioning import describe
from captioning.learning import agreement_of, sample_from
from captioning.plan import ALT_MAX_GROUPS
from captioning.salience import load_model, model_for
from captioning.thresholds import default_thresholds
from tests.captioning.test_captioning_learning import table_scene
from webapp.photos import learning, pipeline
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db


def add_photo(owner, seed: int, *, alt: str, source: str, model: str = "") -> Photo:  # noqa: ANN001
    instances = dataclasses.replace(table_scene(seed), model=model)
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
    assert provenance["cross_validation"]["refit"]["f1"] > provenance["cross_validation"]["in_use"]["f1"]
    assert "better than the model in use" in printed and f"CAPTION_SALIENCE_FILE={out}" in printed

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


BACKENDS = ("yolo_seg:yolo11n-seg_int8", "ssdlite320_mobilenet_v3_large")


def test_compares_with_the_model_the_worker_uses_for_each_backend(user, tmp_path, settings) -> None:  # noqa: ANN001
    photos = [
        add_photo(user, seed, alt="A small bowl on the table.", source="edited", model=BACKENDS[seed % 2])
        for seed in range(12)
    ]
    cv = learning.learn_salience(None, min_photos=10).cross_validation
    # Not the general shipped model: each photo's backend's own, as pipeline.salience_model picks.
    assert cv["in_use_models"] == {f"salience.json: {b}": 6 for b in BACKENDS}
    assert all(model_for(b).source != load_model().source for b in BACKENDS)
    samples = [
        sample_from(p.pk, table_scene(seed), [p.accepted_alt], default_thresholds(BACKENDS[seed % 2]))
        for seed, p in enumerate(photos)
    ]
    pairs = [(sample, model_for(BACKENDS[seed % 2])) for seed, sample in enumerate(samples)]
    assert cv["in_use"] == agreement_of(pairs, ALT_MAX_GROUPS)

    # A deployment that already uses a learned file is compared with that file, for every backend.
    ours = tmp_path / "ours.json"
    learning.learn_salience(ours, min_photos=10)
    settings.CAPTION_SALIENCE_FILE = str(ours)
    again = learning.learn_salience(None, min_photos=10).cross_validation
    assert again["in_use_models"] == {"ours.json": 12}
    assert again["in_use"]["f1"] > cv["in_use"]["f1"]  # it already names the bowl people keep
