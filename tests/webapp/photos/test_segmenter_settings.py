"""A malformed ``SEGMENTER*`` value (``SEGMENTER_THREADS=two``, ``SEGMENTER_MIN_SCORE=abc``) is a
``check`` error naming the variable, and the worker marks photos failed with it: never a crash."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tests.conftest import BUS_PHOTO
from tests.webapp.conftest import upload_file
from webapp import settings as settings_module
from webapp.photos import pipeline, services, tasks
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db

TYPOS = [
    ("SEGMENTER_THREADS", {"SEGMENTER_THREADS": "two"}),
    ("SEGMENTER_BATCH_SIZE", {"SEGMENTER_BATCH_SIZE": "-1"}),
    ("SEGMENTER_MIN_SCORE", {"SEGMENTER_OPTIONS": {"min_score": "abc"}}),
    ("SEGMENTER", {"SEGMENTER": "mask_rcnn_typo"}),
]


def _apply(settings, values: dict) -> None:  # noqa: ANN001
    for name, value in values.items():
        setattr(settings, name, value)


@pytest.mark.parametrize(("variable", "values"), TYPOS, ids=[t[0] for t in TYPOS])
def test_check_names_the_variable(settings, variable: str, values: dict) -> None:  # noqa: ANN001
    _apply(settings, values)
    with pytest.raises(SystemCheckError) as info:
        call_command("check")
    assert "photos.E001" in str(info.value) and variable in str(info.value)


def test_check_passes_with_good_values(settings) -> None:  # noqa: ANN001
    settings.SEGMENTER_THREADS, settings.SEGMENTER_OPTIONS = "1", {"min_score": "0.3"}
    assert pipeline.settings_problem() is None
    call_command("check")


@pytest.mark.parametrize(("variable", "values"), TYPOS, ids=[t[0] for t in TYPOS])
def test_worker_marks_photos_failed_with_the_reason(settings, user, segmenter_restored, variable: str, values: dict):  # noqa: ANN001, ANN201
    _apply(settings, values)
    pipeline.reset_segmenter()
    tasks._load_model()  # a worker process starting: logged, not raised
    photos = [o.photo for o in services.create_photos(user, [upload_file(BUS_PHOTO), upload_file(BUS_PHOTO)])]
    for photo in photos:  # the worker goes on to the next photo
        assert services.process_photo(photo.pk) == "failed"
        photo.refresh_from_db()
        assert photo.status == Photo.Status.FAILED
        assert photo.status_message.startswith("The segmenter settings cannot be used")
        assert variable in photo.status_message
        assert photo.failure_reason == Photo.FailureReason.BAD_SETTINGS
    assert variable in pipeline.model_problem()  # the banner says it too


def test_other_whole_number_settings_name_the_variable(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PAGE_SIZE", "lots")
    with pytest.raises(ImproperlyConfigured, match="PAGE_SIZE must be a whole number, got 'lots'"):
        settings_module.envint("PAGE_SIZE", 48)
