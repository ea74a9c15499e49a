from __future__ import annotations

from tests.webapp.stored import token  # noqa: F401 - a fixture for these tests
