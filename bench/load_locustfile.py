"""The Locust users of ``bench/load.py`` (run by it; not on its own).

One kind of user: a logged-in person reading their library, as the web app and its API are read
most: the library page, a photo's page, a search, the API's list and one photo. Each request is
named by endpoint so Locust reports p50/p95 per endpoint. All users share one session cookie and
one API token (made by load.py): logging 200 people in would measure password hashing instead.

Settings come from the environment (load.py sets them): LOAD_THINK (seconds between requests),
LOAD_COOKIE (the session cookie), LOAD_TOKEN (an API token), LOAD_IDS (a JSON list of photo ids),
LOAD_LOG (optional: a file that gets one line per request, "start_s name response_ms status", so
load.py can say when the slow requests happened: warm-up, a periodic stall, or one endpoint).
"""

from __future__ import annotations

import json
import os
import random

from locust import FastHttpUser, constant, events, task

THINK = float(os.environ.get("LOAD_THINK", "5"))
COOKIE = os.environ.get("LOAD_COOKIE", "")
TOKEN = os.environ.get("LOAD_TOKEN", "")
IDS = json.loads(os.environ.get("LOAD_IDS", "[]"))
LOG = os.environ.get("LOAD_LOG", "")
# Queries a person types: one label, a count, a relation, a negation, an alt-text word.
QUERIES = ["dog", "two people", "person next to car", "no people", "cat", "bus", "kitchen", "large dog on the left"]


class Reader(FastHttpUser):
    wait_time = constant(THINK)

    def on_start(self) -> None:
        self.page_headers = {"Cookie": f"sessionid={COOKIE}"}
        self.api_headers = {"Authorization": f"Bearer {TOKEN}"}

    def check(self, path: str, name: str, headers: dict[str, str]) -> None:
        with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task
    def library(self) -> None:
        self.check("/", "library page", self.page_headers)

    @task
    def photo(self) -> None:
        self.check(f"/photos/{random.choice(IDS)}/", "photo page", self.page_headers)

    @task
    def search(self) -> None:
        self.check(f"/search/?q={random.choice(QUERIES).replace(' ', '+')}", "search page", self.page_headers)

    @task
    def api_list(self) -> None:
        self.check("/api/photos/", "API list", self.api_headers)

    @task
    def api_detail(self) -> None:
        self.check(f"/api/photos/{random.choice(IDS)}/", "API detail", self.api_headers)


# Kept in memory and written once at the end: a write per request would add I/O to the timings.
_requests: list[tuple[float, str, float, int]] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, start_time=None, **kw):  # noqa: ANN001, ANN003, ARG001
    status = getattr(response, "status_code", 0) if exception is None else 0
    _requests.append((start_time or 0.0, name, response_time, status))


@events.quitting.add_listener
def _write_log(**kw) -> None:  # noqa: ANN003, ARG001
    if LOG:
        with open(LOG, "w") as out:
            out.writelines(f"{t:.4f} {name.replace(' ', '_')} {ms:.2f} {status}\n" for t, name, ms, status in _requests)
