"""Text that comes in from people and text that goes out to spreadsheets: the one home of both rules.

In: every way text enters the app (the review form, the API, token names, webhook addresses and
secrets, search queries) calls :func:`check_plain_text`, which refuses characters that have no place
in a sentence: C0/C1 control characters (NUL would fail on PostgreSQL; BEL and ESC reach terminals
and logs raw), lone surrogates (not encodable as UTF-8) and the bidirectional override and isolate
controls (U+202A-U+202E, U+2066-U+2069: "Trojan source" reordering that makes text read differently
from what it is). Tab, CR and LF are allowed: callers collapse whitespace. The marks right-to-left
text needs (LRM, RLM, ALM) and emoji joiners are ordinary characters and pass.

Out: every CSV the app writes goes through :func:`csv_writer`, which neutralises cells a spreadsheet
would run as a formula (OWASP "CSV injection": a cell starting with ``=``, ``+``, ``-``, ``@``, tab
or CR gets a leading single quote)."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from django.utils.translation import gettext as _

ALLOWED_CONTROLS = frozenset("\t\n\r")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def forbidden_character(text: str) -> str | None:
    """The first character :func:`check_plain_text` refuses, or ``None``."""
    for ch in text:
        if ch in ALLOWED_CONTROLS:
            continue
        if ch in BIDI_CONTROLS or unicodedata.category(ch) in {"Cc", "Cs"}:
            return ch
    return None


def strip_forbidden(text: str, replacement: str = "") -> str:
    """``text`` with each character :func:`check_plain_text` refuses replaced by ``replacement``:
    for text stored before that check existed (the data migrations that clean it); new text is
    refused, not stripped."""
    if forbidden_character(text) is None:
        return text
    return "".join(replacement if forbidden_character(ch) is not None else ch for ch in text)


def check_plain_text(text: str, what: str = "The text") -> str:
    """``text`` unchanged when it holds no forbidden character (see the module docstring).

    Raises:
        ValueError: naming the character and where, for the person (a 400 / form error).
    """
    ch = forbidden_character(text)
    if ch is not None:
        name = unicodedata.name(ch, "a control character")
        raise ValueError(
            _("%(what)s contains an invisible control character (U+%(code)s, %(name)s); remove it and try again.")
            % {"what": what, "code": f"{ord(ch):04X}", "name": name.lower()}
        )
    return text


def spreadsheet_safe(value: Any) -> Any:
    """A cell value a spreadsheet shows as text: strings starting like a formula get a leading
    single quote; other values (numbers, booleans, empty) are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def from_spreadsheet(value: str) -> str:
    """The value :func:`spreadsheet_safe` was given (for reading our own CSV back)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose every string cell goes through :func:`spreadsheet_safe`."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: spreadsheet_safe(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def csv_writer(handle: TextIO, fieldnames: list[str]) -> SafeDictWriter:
    """The app's CSV dialect (CRLF lines, RFC 4180) with formula-safe cells."""
    return SafeDictWriter(handle, fieldnames=fieldnames, lineterminator="\r\n")
