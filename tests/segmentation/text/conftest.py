"""Fixtures for the text-reader tests: one real reader per session (models load in ~0.5 s, but
each read costs 0.2-0.8 s on the 2-core CPU, so the tests read few images)."""

from __future__ import annotations

from functools import cache

import pytest

from segmentation.preprocessing import load_image
from segmentation.text import TextReader, build_text_reader, reader_names
from tests.segmentation.conftest import PHOTOS


@cache
def reader_for(name: str) -> TextReader:
    return build_text_reader(name, threads=1)


@pytest.fixture(scope="session")
def ppocr() -> TextReader:
    return reader_for("ppocr")


@pytest.fixture(params=reader_names())
def any_reader(request: pytest.FixtureRequest) -> TextReader:
    return reader_for(request.param)


@cache
def photo(name: str):
    """An upright RGB photo of ``../shared/photos`` (decoded once; callers must not modify it)."""
    return load_image(PHOTOS / name)
