"""The bounds of an id or count that comes from a request: the one helper every view, path and API
parameter uses, so a number too big for the database's 64-bit integer is a 4xx, never an
``OverflowError`` (a 500) when it reaches SQLite or PostgreSQL."""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1  # the database's signed 64-bit integer


def parse_id(raw: str) -> int:
    """``raw`` as an id (1 to ``MAX_ID``).

    Raises:
        ValueError: not a whole number in that range.
    """
    value = int(raw.strip())
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"{raw!r} is not an id")
    return value


def parse_ids(raw: str, *, limit: int) -> list[int]:
    """A comma-separated list of ids, at most ``limit`` of them (the rest ignored).

    Raises:
        ValueError: an item is not an id (see ``parse_id``).
    """
    return [parse_id(item) for item in raw.split(",") if item.strip()][:limit]


class IdConverter:
    """``<id:pk>`` in a URL: digits that fit the database's integer; anything bigger does not match
    (a 404), like a string that is not a number."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        return parse_id(value)  # a ValueError makes the pattern not match

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
