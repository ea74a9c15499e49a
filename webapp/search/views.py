"""The search page. Thin: reads the query, calls ``services.search``, renders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from webapp.search import services
from webapp.search.query import MAX_QUERY_LENGTH


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything odd is page 1."""
    try:
        return max(1, min(int(raw or 1), services.MAX_PAGE))
    except (TypeError, ValueError):
        return 1


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    result = services.search(request.user, query, page=page_number(request.GET.get("page")))
    return render(
        request,
        "search/search.html",
        {"result": result, "query": result.query, "max_length": MAX_QUERY_LENGTH},
        status=400 if result.error else 200,
    )
