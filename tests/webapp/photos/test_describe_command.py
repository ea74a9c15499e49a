from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import BUS_PHOTO, ELEPHANT_PHOTO, ROOT, SSDLITE_WEIGHTS


def run_describe(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "SEGMENTER": "auto", "SEGMENTER_WEIGHTS": str(SSDLITE_WEIGHTS), **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "manage.py", "describe", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_json_lines_with_an_error_line_for_a_bad_file(tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff garbage")
    result = run_describe(
        str(BUS_PHOTO), str(bad), str(ELEPHANT_PHOTO), "--json", env_extra={"DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(BUS_PHOTO), str(bad), str(ELEPHANT_PHOTO)]
    bus, broken, elephants = lines
    assert set(bus) == {"file", "model", "alt_text", "long_description", "objects"}
    assert bus["model"] == "ssdlite320_mobilenet_v3_large"
    assert "bus" in bus["alt_text"].lower()
    assert len(bus["alt_text"]) <= 125
    assert all(set(o) >= {"label", "score", "box", "area_fraction", "position"} for o in bus["objects"])
    assert "error" in broken and "Not a readable image" in broken["error"]
    assert "elephant" in elephants["alt_text"].lower()


def test_no_weights_is_a_clear_error(tmp_path):
    result = run_describe(
        str(BUS_PHOTO),
        "--json",
        env_extra={"SEGMENTER_WEIGHTS": "", "TORCH_HOME": str(tmp_path / "torch"), "DATA_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "SEGMENTER_WEIGHTS" in result.stderr
    assert result.stdout == ""
