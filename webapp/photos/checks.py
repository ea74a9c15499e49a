"""System checks (``manage.py check``, and every ``runserver`` / ``migrate``): settings that
would stop the worker from describing any photo, reported by name before it starts."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from webapp.photos import pipeline


@register()
def segmenter_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A ``SEGMENTER*`` value the worker cannot use (``SEGMENTER_THREADS=two``)."""
    problem = pipeline.settings_problem()
    if problem is None:
        return []
    hint = "Fix that variable in the environment of the web and worker processes (README: Configuration)."
    return [Error(problem, hint=hint, id="photos.E001")]
