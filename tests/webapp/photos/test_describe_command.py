from __future__ import annotations

import json
import subprocess
import sys

import pytest

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


# -- bulk: folders, out files, resume, libraries ----------------------------------------------------
def records(path) -> list[dict]:  # noqa: ANN001
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.slow
def test_folder_to_jsonl_with_progress_then_resume(tmp_path):
    from tests.conftest import PHOTOS

    nested = tmp_path / "photos" / "more"
    nested.mkdir(parents=True)
    (nested / "bus copy.jpg").write_bytes(BUS_PHOTO.read_bytes())
    (tmp_path / "photos" / "notes.txt").write_text("not an image")
    jpgs = sorted(PHOTOS.glob("*.jpg"))
    out = tmp_path / "results.jsonl"
    env = {"DATA_DIR": str(tmp_path)}

    # Interrupted run: only the first three files were done.
    first = run_describe(*map(str, jpgs[:3]), "--out", str(out), env_extra=env)
    assert first.returncode == 0, first.stderr
    assert len(records(out)) == 3 and first.stdout == ""
    assert "3/3" in first.stderr  # the progress bar
    # The whole folder: the three are skipped, the rest described, sub-folders only with --recursive.
    flat = run_describe(str(PHOTOS), str(tmp_path / "photos"), "--out", str(out), env_extra=env)
    assert "3 file(s) already in" in flat.stderr and f"{len(jpgs) - 3}/{len(jpgs) - 3}" in flat.stderr
    assert sorted(r["file"] for r in records(out)) == sorted(map(str, jpgs))
    deep = run_describe(str(tmp_path / "photos"), str(PHOTOS), "--recursive", "--out", str(out), env_extra=env)
    assert deep.returncode == 0, deep.stderr
    assert f"{len(jpgs)} file(s) already in" in deep.stderr and "1/1" in deep.stderr
    lines = records(out)
    assert len(lines) == len(jpgs) + 1 and lines[-1]["file"] == str(nested / "bus copy.jpg")
    assert "bus" in lines[-1]["alt_text"].lower()
    assert all(len(r["alt_text"]) <= 125 and r["model"] == "ssdlite320_mobilenet_v3_large" for r in lines)
    # Nothing left: a rerun describes nothing and writes nothing.
    again = run_describe(str(PHOTOS), str(tmp_path / "photos"), "-r", "--out", str(out), env_extra=env)
    assert again.returncode == 0 and len(records(out)) == len(lines)


def test_csv_out_with_an_error_retried_on_resume(tmp_path):
    import csv

    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff garbage")
    out = tmp_path / "results.csv"
    env = {"DATA_DIR": str(tmp_path)}
    result = run_describe(str(ELEPHANT_PHOTO), str(bad), "--out", str(out), "--no-progress", env_extra=env)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(newline="")))
    assert [r["file"] for r in rows] == [str(ELEPHANT_PHOTO), str(bad)]
    assert "elephant" in rows[0]["alt_text"].lower() and "elephant" in rows[0]["labels"]
    assert json.loads(rows[0]["objects"])[0]["label"] == "elephant"
    assert rows[1]["error"].startswith("Not a readable image")
    # Resume: the good file is skipped, the failed one tried again (a new row; the last one wins).
    again = run_describe(str(ELEPHANT_PHOTO), str(bad), "--out", str(out), env_extra=env)
    assert again.returncode == 1  # everything it tried failed
    assert [r["file"] for r in csv.DictReader(out.open(newline=""))] == [str(ELEPHANT_PHOTO), str(bad), str(bad)]
    wrong = run_describe(str(BUS_PHOTO), "--out", str(tmp_path / "results.txt"), env_extra=env)
    assert wrong.returncode != 0 and "--out must end in .jsonl or .csv" in wrong.stderr


def test_library_in_process_and_skip_existing_keeps_human_text(tmp_path):
    env = {"DATA_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:9/0"}  # no broker: in-process
    manage = [sys.executable, "manage.py"]
    import os

    full_env = {**os.environ, "SEGMENTER": "auto", "SEGMENTER_WEIGHTS": str(SSDLITE_WEIGHTS), **env}
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=full_env, check=True, capture_output=True)
    create = "from django.contrib.auth.models import User; User.objects.create_user('archivist', password='x' * 20)"
    subprocess.run([*manage, "shell", "-c", create], cwd=ROOT, env=full_env, check=True, capture_output=True)

    first = run_describe(str(BUS_PHOTO), "--user", "archivist", "--json", env_extra=env)
    assert first.returncode == 0, first.stderr
    assert "described in this process" in first.stderr
    (bus,) = [json.loads(line) for line in first.stdout.splitlines()]
    assert bus["status"] == "done" and "bus" in bus["alt_text"].lower() and bus["accepted_alt_text"] is None

    review = (
        "from webapp.photos.models import Photo; from webapp.photos import services; "
        f"services.review_alt(Photo.objects.get(pk={bus['photo_id']}), action='edit', text='My own words')"
    )
    subprocess.run([*manage, "shell", "-c", review], cwd=ROOT, env=full_env, check=True, capture_output=True)
    again = run_describe(
        str(BUS_PHOTO), str(ELEPHANT_PHOTO), "--user", "archivist", "--skip-existing", "--json", env_extra=env
    )
    assert again.returncode == 0, again.stderr
    same, elephants = [json.loads(line) for line in again.stdout.splitlines()]
    assert same["photo_id"] == bus["photo_id"] and same["existing"] is True
    assert same["accepted_alt_text"] == "My own words" and same["alt_source"] == "edited"
    assert elephants["photo_id"] != bus["photo_id"] and "elephant" in elephants["alt_text"].lower()
    count = "from webapp.photos.models import Photo; print(Photo.objects.count())"
    counted = subprocess.run([*manage, "shell", "-c", count], cwd=ROOT, env=full_env, capture_output=True, text=True)
    assert counted.stdout.split()[-1] == "2"  # the bus was not uploaded twice

    refused = run_describe(str(BUS_PHOTO), "--skip-existing", env_extra=env)
    assert refused.returncode != 0 and "needs --user" in refused.stderr
    no_worker = run_describe(str(BUS_PHOTO), "--user", "archivist", "--via-queue", env_extra=env)
    assert no_worker.returncode != 0 and "no Celery worker answered" in no_worker.stderr


def test_lang_says_the_text_in_that_language_and_refuses_an_unknown_one(tmp_path):
    from captioning.lang import LANGUAGES

    codes = sorted(LANGUAGES)
    unknown = run_describe(str(BUS_PHOTO), "--json", "--lang", "xx", env_extra={"DATA_DIR": str(tmp_path)})
    assert unknown.returncode != 0
    assert "unknown language 'xx'" in unknown.stderr and ", ".join(codes) in unknown.stderr
    plain = run_describe(str(BUS_PHOTO), "--json", env_extra={"DATA_DIR": str(tmp_path)})
    assert plain.returncode == 0, plain.stderr
    english = json.loads(plain.stdout)
    # One other language (each language's text is tested in tests/captioning; this is the command).
    lang = next((code for code in codes if code != "en"), "en")
    result = run_describe(str(BUS_PHOTO), "--json", "--lang", lang, env_extra={"DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["lang"] == lang and 0 < len(record["alt_text"]) <= 125
    assert record["objects"] == english["objects"]  # the same facts, said in another language
    assert (record["alt_text"] != english["alt_text"]) == (lang != "en")
