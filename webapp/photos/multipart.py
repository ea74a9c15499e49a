"""One bad file name must not sink a whole upload.

Django's ``MultiPartParser`` reads each part's header block as UTF-8 and within 1,024 bytes. A
file name in another encoding (a Latin-1 ``Grüße.jpg`` from an old client) makes it drop the
header, and a name of about 1,000 characters makes it refuse the whole request ("max total header
size exceeded"), so every other file of the request is lost too.

:class:`PartHeaderRepair` sits between the request body and the parser, as a stream: it passes
the bytes through unchanged except for the header blocks of parts whose ``Content-Disposition``
is not UTF-8 or that would not fit the parser's limit. There it puts a placeholder file name
(ASCII, unique to the request) and remembers what was wrong; after parsing, :func:`mark_files`
gives each such file a readable name and a ``name_problem`` the upload service reports for that
file alone. Memory stays bounded: only a header block (at most ``SCAN_LIMIT``) and one chunk are
held, whatever the size of the files.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import IO

from django.http import HttpRequest
from django.http.multipartparser import MAX_TOTAL_HEADER_SIZE
from django.utils.translation import gettext_noop

CHUNK = 64 * 1024
SCAN_LIMIT = 64 * 1024  # a header block longer than this is left to the parser to refuse
# What a header block may take so the parser accepts it (its limit, less the boundary line's end).
HEADER_BUDGET = MAX_TOTAL_HEADER_SIZE - 64
FILENAME = re.compile(rb'(;\s*filename\*?\s*=\s*)("(?:[^"\\]|\\.)*"|[^;\r\n]*)', re.IGNORECASE)

# English here; the upload service says them in the request's language (``gettext``).
NOT_UTF8 = gettext_noop(
    "The file name is not in UTF-8 encoding, so it could not be read; rename the file and upload it again."
)
TOO_LONG = gettext_noop(
    "The file name is too long (the whole name must fit in about 900 bytes); rename the file and upload it again."
)


@dataclass
class Problems:
    """Placeholder file name → (a readable name, what was wrong)."""

    token: str = field(default_factory=lambda: secrets.token_hex(8))
    found: dict[str, tuple[str, str]] = field(default_factory=dict)

    def placeholder(self, readable: str, problem: str) -> bytes:
        name = f"name-problem-{self.token}-{len(self.found)}.bin"
        self.found[name] = (readable, problem)
        return f'"{name}"'.encode()


def _readable(raw: bytes) -> str:
    """The name as well as it can be read (Latin-1 never fails), shortened for display."""
    try:
        name = raw.decode()
    except UnicodeDecodeError:
        name = raw.decode("latin-1")
    name = name.strip('"')
    return name if len(name) <= 80 else name[:60] + "…" + name[-12:]


def repair_header(block: bytes, problems: Problems) -> bytes:
    """``block`` (one part's header lines) with a placeholder file name when the parser would
    drop or refuse it; unchanged otherwise."""
    try:
        block.decode()
        problem = TOO_LONG if len(block) > HEADER_BUDGET else ""
    except UnicodeDecodeError:
        problem = NOT_UTF8
    if not problem:
        return block
    lines = block.split(b"\r\n")
    for i, line in enumerate(lines):
        if line.lower().startswith(b"content-disposition:"):
            match = FILENAME.search(line)
            if match is None:
                return block  # not a file: the parser decides
            readable = _readable(match.group(2))
            rest = FILENAME.sub(b"", line[match.end(2) :])  # a second filename / filename*= goes
            lines[i] = line[: match.start(2)] + problems.placeholder(readable, problem) + rest
    repaired = b"\r\n".join(lines)
    try:
        repaired.decode()
    except UnicodeDecodeError:
        # Another header line is not UTF-8 either: keep only the lines the parser can read.
        repaired = b"\r\n".join(line for line in repaired.split(b"\r\n") if _utf8(line))
    return repaired


def _utf8(line: bytes) -> bool:
    try:
        line.decode()
    except UnicodeDecodeError:
        return False
    return True


class PartHeaderRepair:
    """A file-like ``read(size)`` over a multipart body that repairs part headers (see the module
    docstring) and passes everything else through."""

    def __init__(self, stream: IO[bytes], boundary: bytes, problems: Problems) -> None:
        self.stream, self.problems = stream, problems
        self.delimiter = b"\r\n--" + boundary
        # A CRLF in front, so the first boundary looks like every other; it is never emitted.
        self.buffer, self.skip = b"\r\n", 2
        self.out = bytearray()
        self.state = "data"  # "data": looking for a delimiter; "header": in a header block; "rest"
        self.eof = False

    def _fill(self) -> bool:
        chunk = b"" if self.eof else self.stream.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        return True

    def _emit(self, data: bytes) -> None:
        if self.skip:
            cut = min(self.skip, len(data))
            data, self.skip = data[cut:], self.skip - cut
        self.out += data

    def _step(self) -> None:
        if self.state == "data":
            at = self.buffer.find(self.delimiter)
            if at >= 0:
                end = at + len(self.delimiter)
                self._emit(self.buffer[:end])
                self.buffer, self.state = self.buffer[end:], "header"
                return
            keep = len(self.delimiter) - 1
            if len(self.buffer) > keep:
                self._emit(self.buffer[:-keep])
                self.buffer = self.buffer[-keep:]
            if not self._fill():
                self._emit(self.buffer)
                self.buffer, self.state = b"", "rest"
            return
        if self.state == "header":
            if self.buffer.startswith(b"--"):  # the closing delimiter: the epilogue follows
                self.state = "rest"
                return
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                self._emit(repair_header(self.buffer[:end], self.problems) + b"\r\n\r\n")
                self.buffer, self.state = self.buffer[end + 4 :], "data"
                return
            if len(self.buffer) > SCAN_LIMIT or not self._fill():
                self.state = "data"  # no header end in sight: let the parser judge it
                self._emit(self.buffer)
                self.buffer = b""
            return
        self._emit(self.buffer)
        self.buffer = b""
        if not self._fill():
            self.state = "done"

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self.out) < size) and self.state != "done":
            self._step()
        if size < 0:
            size = len(self.out)
        data = bytes(self.out[:size])
        del self.out[:size]
        return data

    def readline(self, size: int = -1) -> bytes:
        """Up to and including the next LF (the parser drains what is left of a body this way)."""
        while b"\n" not in self.out and (size < 0 or len(self.out) < size) and self.state != "done":
            self._step()
        end = self.out.find(b"\n") + 1 or len(self.out)
        return self.read(end if size < 0 else min(end, size))


def install(request: HttpRequest) -> Problems | None:
    """Put the repairing stream under ``request`` before its body is parsed (multipart only)."""
    boundary = request.content_params.get("boundary", "") if request.content_params else ""
    if request.content_type != "multipart/form-data" or not boundary or getattr(request, "_read_started", True):
        return None
    try:
        boundary_bytes = boundary.encode("ascii")
    except UnicodeEncodeError:
        return None  # the parser refuses such a boundary itself
    problems = Problems()
    request._stream = PartHeaderRepair(request._stream, boundary_bytes, problems)  # type: ignore[attr-defined]
    return problems


def mark_files(request: HttpRequest, problems: Problems | None) -> None:
    """After parsing: each file that got a placeholder name gets its readable name back and a
    ``name_problem`` (the reason it is refused; the other files go on)."""
    if problems is None or not problems.found:
        return
    for files in request.FILES.lists():
        for upload in files[1]:
            found = problems.found.get(upload.name or "")
            if found is not None:
                upload.name, upload.name_problem = found  # type: ignore[attr-defined]
