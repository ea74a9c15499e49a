"""``manage.py move_media``: a local library copied into a real S3 server (rclone serve s3),
checked, resumable, safe to run twice, deleting local files only when asked and verified."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import BUS_PHOTO, ELEPHANT_PHOTO, ROOT
from tests.webapp.conftest import S3Media
from webapp.photos import moving

#: A library as an older install left it: two owners, month folders, one file above boto3's
#: default multipart threshold (8 MB; the settings raise it so it is one PUT and one GET).
LIBRARY = {
    "photos/1/202601/aaaa.jpg": BUS_PHOTO.read_bytes(),
    "photos/1/202601/aaaa_thumb.jpg": BUS_PHOTO.read_bytes()[:5000],
    "photos/1/202602/bbbb.jpg": ELEPHANT_PHOTO.read_bytes(),
    "photos/2/202602/cccc.jpg": b"\xff\xd8\xff" + bytes(range(256)) * 100,
    "photos/2/202603/big.jpg": os.urandom(9 * 1024 * 1024),
}


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "old-media"
    for name, data in LIBRARY.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def move(library: Path, *args: str) -> str:
    out = io.StringIO()
    try:
        call_command("move_media", "--source", str(library), *args, stdout=out, stderr=out)
    except CommandError as exc:
        raise AssertionError(out.getvalue()) from exc
    return out.getvalue()


def in_bucket(media: S3Media) -> dict[str, bytes]:
    return {key: media.get(key) for key in media.keys()}


def stored_mtimes(media: S3Media) -> dict[str, int]:
    """When rclone last wrote each object (its file under the served folder)."""
    bucket = media.server.root / media.bucket
    return {name: (bucket / name).stat().st_mtime_ns for name in LIBRARY}


def test_copies_everything_checked_and_a_second_run_copies_nothing(s3_media: S3Media, library: Path) -> None:
    output = move(library)
    assert "5 file(s): 5 copied" in output and "0 failed; 0 local file(s) deleted" in output
    assert in_bucket(s3_media) == LIBRARY
    assert all((library / name).read_bytes() == data for name, data in LIBRARY.items())  # nothing deleted
    written = stored_mtimes(s3_media)

    again = move(library)
    assert "5 file(s): 0 copied (0\xa0bytes), 5 already there, 0 failed" in again
    assert stored_mtimes(s3_media) == written  # nothing uploaded again
    # Reading every object back instead of trusting ETags agrees.
    assert "5 already there" in move(library, "--verify", "read")
    assert stored_mtimes(s3_media) == written


def test_an_interrupted_run_resumes(s3_media: S3Media, library: Path) -> None:
    assert "2 file(s): 2 copied" in move(library, "--limit", "2")
    assert len(s3_media.keys()) == 2
    output = move(library)
    assert "5 file(s): 3 copied" in output and "2 already there" in output
    assert in_bucket(s3_media) == LIBRARY


def test_a_missing_or_corrupted_object_is_copied_again(s3_media: S3Media, library: Path) -> None:
    move(library)
    bucket = s3_media.server.root / s3_media.bucket
    corrupt = "photos/1/202602/bbbb.jpg"
    data = bytearray(LIBRARY[corrupt])
    data[1000] ^= 0xFF  # one flipped byte, same size
    (bucket / corrupt).write_bytes(bytes(data))
    short = "photos/2/202603/big.jpg"  # an earlier copy cut short
    s3_media.server.client().put_object(Bucket=s3_media.bucket, Key=short, Body=LIBRARY[short][:-1])
    s3_media.server.client().delete_object(Bucket=s3_media.bucket, Key="photos/2/202602/cccc.jpg")
    output = move(library)
    assert "5 file(s): 3 copied" in output and "2 already there" in output
    assert in_bucket(s3_media) == LIBRARY


def test_delete_local_only_after_verification(s3_media: S3Media, library: Path, monkeypatch) -> None:  # noqa: ANN001
    upload = moving.Mover._upload
    bad = "photos/1/202601/aaaa.jpg"

    def flaky_upload(self, name: str, data: bytes) -> None:  # noqa: ANN001
        upload(self, name, data[:-10] if name == bad else data)  # one copy arrives damaged

    monkeypatch.setattr(moving.Mover, "_upload", flaky_upload)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("move_media", "--source", str(library), "--delete-local", stdout=out, stderr=out)
    assert f"{bad}: FAILED (the stored copy does not match the local file)" in out.getvalue()
    assert "4 local file(s) deleted" in out.getvalue()
    # Only the verified copies lost their local file; the damaged one is kept, and so its folder.
    assert sorted(p.relative_to(library).as_posix() for p in library.rglob("*") if p.is_file()) == [bad]
    assert not (library / "photos/2").exists()

    monkeypatch.setattr(moving.Mover, "_upload", upload)
    assert "1 copied" in move(library, "--delete-local")
    assert in_bucket(s3_media) == LIBRARY
    assert list(library.iterdir()) == []  # everything moved; the root folder itself stays


def test_exit_status_from_the_environment_settings(s3_media: S3Media, library: Path) -> None:
    """As an operator runs it: settings from the AWS_* variables, non-zero exit when copies fail."""

    def run(**env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "move_media", "--source", str(library)],
            cwd=ROOT,
            env={**os.environ, **s3_media.env(), "AWS_S3_MAX_ATTEMPTS": "1", **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    refused = run(AWS_SECRET_ACCESS_KEY="not-the-secret")
    assert refused.returncode == 1
    assert "5 failed" in refused.stdout and "storage error" in refused.stderr
    assert s3_media.keys() == []
    done = run()
    assert done.returncode == 0, done.stderr
    assert "5 copied" in done.stdout
    assert in_bucket(s3_media) == LIBRARY
