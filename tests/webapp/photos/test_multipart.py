"""``photos.multipart``: the stream under Django's parser passes every body through byte for byte,
whatever the chunking, except the header block of a part whose file name the parser cannot take."""

from __future__ import annotations

import io

import pytest

from tests.conftest import jpeg_bytes
from webapp.photos import multipart

BOUNDARY = b"----b0undary"


def body(names: list[bytes], content: bytes) -> bytes:
    parts = b"".join(
        b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="images"; filename="' + name + b'"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + content + b"\r\n"
        for name in names
    )
    return b"preamble\r\n" + parts + b"--" + BOUNDARY + b"--\r\nepilogue"


def through(data: bytes, chunk: int, read: int, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, multipart.Problems]:
    monkeypatch.setattr(multipart, "CHUNK", chunk)
    problems = multipart.Problems()
    stream = multipart.PartHeaderRepair(io.BytesIO(data), BOUNDARY, problems)
    out = b""
    while piece := stream.read(read):
        out += piece
    return out, problems


@pytest.mark.parametrize(("chunk", "read"), [(1, 1), (3, 5), (7, 64), (65536, 1_000_000), (17, 3)])
def test_a_good_body_passes_unchanged(monkeypatch, chunk: int, read: int) -> None:  # noqa: ANN001
    data = body([b"a.jpg", "ünïcode €.jpg".encode(), b"c.jpg"], jpeg_bytes() + b"\r\n--not-the-boundary\r\n")
    out, problems = through(data, chunk, read, monkeypatch)
    assert out == data and not problems.found


@pytest.mark.parametrize(("chunk", "read"), [(1, 1), (5, 3), (65536, 1_000_000)])
def test_only_the_bad_names_are_replaced(monkeypatch, chunk: int, read: int) -> None:  # noqa: ANN001
    content = jpeg_bytes()
    bad = ["Grüße.jpg".encode("latin-1"), b"y" * 2000 + b".jpg"]
    out, problems = through(body([b"good.jpg", *bad, b"fine.jpg"], content), chunk, read, monkeypatch)
    assert out.count(content) == 4 and b'filename="good.jpg"' in out and b'filename="fine.jpg"' in out
    readable = sorted(problems.found.values())
    assert readable[0] == ("Grüße.jpg", multipart.NOT_UTF8)
    assert readable[1][1] == multipart.TOO_LONG and len(readable[1][0]) <= 80
    for placeholder in problems.found:
        assert placeholder.encode() in out


def test_readline_drains_like_a_file(monkeypatch) -> None:  # noqa: ANN001
    data = body([b"a.jpg"], b"line one\nline two\n")
    monkeypatch.setattr(multipart, "CHUNK", 4)
    stream = multipart.PartHeaderRepair(io.BytesIO(data), BOUNDARY, multipart.Problems())
    lines = []
    while line := stream.readline():
        lines.append(line)
    assert b"".join(lines) == data and all(line.endswith(b"\n") for line in lines[:-1])
