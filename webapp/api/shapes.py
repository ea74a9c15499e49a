"""What every part of the JSON API shares: the error shape and the bounds of an id.

Each app's endpoints live in its own ``api.py`` (a django-ninja ``Router``) and import these;
``webapp.api.urls`` mounts the routers on one ``NinjaAPI`` at ``/api/``."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from ninja import Field, Schema

MAX_ID = 2**63 - 1  # the database's integer; a bigger id is a 400, not an overflow


class ErrorOut(Schema):
    error: str = Field(..., description="What went wrong and what to do, in a sentence")
    code: str | None = Field(None, description="A stable word for programs: not_found, invalid, unauthorized…")
    detail: list[dict[str, Any]] | None = Field(None, description="Validation problems, one per field")


def errors(*codes: int) -> dict[int, type[Schema]]:
    """The error answers of an operation: 401 (every call needs a token) and ``codes``."""
    return dict.fromkeys((401, *codes), ErrorOut)


def fail(status: int, message: str, code: str) -> JsonResponse:
    """An error answer: ``{"error", "code"}`` (sent as is, so no ``null`` fields are added)."""
    return JsonResponse({"error": message, "code": code}, status=status)
