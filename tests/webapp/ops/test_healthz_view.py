from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_healthz_answers_without_database_or_broker(client, settings) -> None:  # noqa: ANN001
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    # No django_db mark: any database access would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_runs_no_query(client) -> None:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    assert len(queries) == 0


def test_healthz_is_exempt_from_the_https_redirect(client, settings) -> None:  # noqa: ANN001
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_healthz_refuses_other_methods(client) -> None:  # noqa: ANN001
    assert client.post("/healthz").status_code == 405
