"""Error pages in the site's own accessible layout (and JSON under /api/)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# Seconds a client is asked to wait when the database is busy (SQLite's write lock held past its
# timeout by a long transaction, or a database that is briefly unreachable).
BUSY_RETRY_AFTER = 5
# What SQLite ("database is locked") and PostgreSQL drivers say when the database is busy or gone.
BUSY_MARKERS = ("locked", "busy", "could not connect", "connection", "server closed", "timeout")
log = logging.getLogger(__name__)


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": text}, status=status)
    return render(request, "error.html", {"title": title, "text": text}, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 404, _("Page not found"), _("There is no page at this address, or it belongs to another account.")
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("Not allowed"), _("You do not have permission to see this page."))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, _("Bad request"), _("The request could not be understood. Go back and try again."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request, 500, _("Something went wrong"), _("The server hit an error. Your photos are safe; try again.")
    )


def service_busy(request: HttpRequest) -> HttpResponse:
    text = _("The photo library is busy for a moment and nothing was changed. Try again in a few seconds.")
    if request.path.startswith("/api/"):  # the API's one error shape
        response: HttpResponse = JsonResponse({"error": text, "code": "busy"}, status=503)
    else:
        response = _error(request, 503, _("Busy, please try again"), text)
    response["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


class DatabaseBusyMiddleware:
    """A database that cannot be reached in time (SQLite's "database is locked" once its busy
    timeout runs out, a server connection refused) is the service being busy, not a bug: answer
    503 with Retry-After in the site's layout (JSON under /api/) instead of a 500. The request's
    transaction, if any, was rolled back by Django before this runs, so nothing half-done stays."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # Only the busy / unreachable kinds: "no such table" is also an OperationalError, and a bug.
        if isinstance(exception, OperationalError) and any(m in str(exception).lower() for m in BUSY_MARKERS):
            log.warning("Database busy on %s %s: %s", request.method, request.path, exception)
            return service_busy(request)
        return None
