"""Against the running app (Redis, Celery worker with the real SSDLite, gunicorn): schemathesis
fuzzes every operation from the served OpenAPI schema (no 500, every answer conforms to the
schema), the bulk command goes through the queue when a worker runs, and the new pages pass axe."""

from __future__ import annotations

import json
from functools import partial

import pytest
import requests
from django.conf import settings

from tests.conftest import BUS_PHOTO, ELEPHANT_PHOTO
from tests.webapp.browser.helpers import BROWSER_LANGUAGES, audit, sign_up, ui
from tests.webapp.stack import Browser
from webapp.devstack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
EXAMPLES = 20  # per operation: about a minute for all of them on two busy cores


@pytest.mark.parametrize("lang", BROWSER_LANGUAGES)
def test_export_webhook_and_docs_pages_pass_axe(page: object, stack: Stack, lang: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": stack.url}])
    t = partial(ui, lang)
    sign_up(page, f"chromium-export-{lang}")
    page.goto("/export/")
    assert page.locator("h1").inner_text() == t("Export your library")
    assert audit(page, f"export-{lang}") == []
    page.goto("/webhook/")
    assert audit(page, f"webhook-{lang}") == []
    page.get_by_label(t("Address (URL)")).fill("not a web address")
    page.get_by_role("button", name=t("Save webhook")).click()
    assert t("There is a problem") in page.locator("[data-error-summary]").inner_text()
    assert audit(page, f"webhook-error-{lang}") == []
    page.get_by_label(t("Address (URL)")).fill("https://cms.example.org/hooks/alt")
    page.get_by_role("button", name=t("Save webhook")).click()
    assert page.get_by_label(t("Signing secret"), exact=True).input_value().startswith("whsec_")
    assert audit(page, f"webhook-saved-{lang}") == []
    page.goto("/api/docs")
    assert audit(page, f"api-docs-{lang}") == []


def test_schemathesis_finds_no_server_error_and_no_schema_violation(stack: Stack) -> None:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    Browser(stack.url).sign_up("fuzzer")
    token = stack.manage("issue_token", "fuzzer").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    # Something to read, search and export (the upload answers 202; the worker describes it).
    with BUS_PHOTO.open("rb") as image:
        assert requests.post(f"{stack.url}/api/photos/", files={"image": image}, headers=headers, timeout=60).ok

    schema = schemathesis.openapi.from_url(f"{stack.url}/api/openapi.json")
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    problems: dict[str, str] = {}
    tried: list[str] = []
    calls: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "DELETE" and operation.path.startswith("/api/tokens/"):
            continue  # it may revoke the fuzzer's own token; covered in test_api.test_token_management

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call(base_url=stack.url, headers=headers, timeout=60)
            calls.append(response.status_code)
            case.validate_response(response, checks=checks, headers=headers)

        tried.append(operation.label)
        try:
            fuzz()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report all
            problems[operation.label] = str(exc)[:3000]
    assert len(tried) >= 13 and len(calls) >= 5 * len(tried)
    assert 500 not in calls and {200, 400} <= set(calls)
    assert problems == {}
    assert "Internal Server Error" not in stack.log("web")


def test_bulk_describe_goes_through_the_queue(stack: Stack) -> None:
    Browser(stack.url).sign_up("bulk")
    done = stack.manage("describe", str(BUS_PHOTO), str(ELEPHANT_PHOTO), "--user", "bulk", "--json", check=False)
    assert done.returncode == 0, done.stderr
    assert "described by the workers" in done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert {line["file"] for line in lines} == {str(BUS_PHOTO), str(ELEPHANT_PHOTO)}
    assert all(line["status"] == "done" and line["photo_id"] for line in lines)
    by_file = {line["file"]: line for line in lines}
    assert "bus" in by_file[str(BUS_PHOTO)]["alt_text"].lower()
    assert "elephant" in by_file[str(ELEPHANT_PHOTO)]["alt_text"].lower()
