"""The command-line tools in every language (``--lang``): ``python -m captioning`` and
``python -m captioning.evaluate``, on a few COCO val2017 images of ``../shared/coco-val-calib/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from captioning import describe
from captioning.__main__ import main as caption_main
from captioning.evaluate import LANGUAGE_TOLERANCE, caption_objects, language_rows, main, stated_counts
from captioning.lang import LANGUAGES, realise
from tests.captioning.conftest import MakeInstances
from tests.captioning.test_captioning_evaluate import SUBSET_IDS, _run, _subset, needs_val

CODES = sorted(LANGUAGES)


@needs_val
def test_python_m_captioning_speaks_each_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instances, _ = _subset(tmp_path)
    assert caption_main(["--instances", str(instances)]) == 0
    english = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for lang in CODES:
        assert caption_main(["--instances", str(instances), "--lang", lang]) == 0
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [line["image_id"] for line in lines] == list(SUBSET_IDS)
        assert all(0 < len(line["alt_text"]) <= 125 for line in lines)
        if lang == "en":
            assert lines == english
    with pytest.raises(SystemExit) as exit_info:
        caption_main(["--instances", str(instances), "--lang", "xx"])
    assert exit_info.value.code == 2
    assert "unknown language 'xx'" in capsys.readouterr().err


@needs_val
def test_evaluate_scores_each_language_with_its_own_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instances, captions = _subset(tmp_path)
    base = ["--instances", str(instances), "--captions", str(captions)]
    english = _run(capsys, base)
    report = _run(capsys, [*base, "--lang", ",".join(CODES)])
    assert [row["lang"] for row in report["by_language"]] == CODES
    assert set(report["languages"]) == set(CODES)
    # the English row of the multi-language report is the plain English report
    en = report["languages"]["en"]
    assert {k: en[k] for k in ("recall", "chair_i", "counts", "mentions")} == {
        k: english[k] for k in ("recall", "chair_i", "counts", "mentions")
    }
    for row in report["by_language"]:
        assert row["alt_over_125"] == 0
        # the oracle cannot hallucinate in any language: a language's words read its own text
        assert row["hallucinated_mentions"] == 0, row
        assert row["within_tolerance"], row
        assert row["mentions"] > 0
    with pytest.raises(SystemExit):
        main([*base, "--lang", "en,xx"])
    assert "unknown language 'xx'" in capsys.readouterr().err


@pytest.mark.parametrize("lang", CODES)
def test_a_language_reads_its_own_text_back(lang: str, make: MakeInstances) -> None:
    """The reading words of each language find every object its realiser names, with the numbers
    said plainly: what the evaluation relies on."""
    d = describe(
        make(["person", "person", "dog", "bicycle"], [[20, 100, 120, 400], [500, 100, 620, 400], [250, 300, 330, 380],
                                                      [240, 150, 400, 300]]),
    )  # fmt: skip
    assert d.plan is not None
    text = realise(d.plan, lang)
    words = LANGUAGES[lang].READING
    assert set(caption_objects(text.alt_text, words)) == {"person", "dog", "bicycle"}, text.alt_text
    counts = stated_counts(text.alt_text, words)
    assert counts.get("person") == (2, True) and counts.get("dog") == (1, True), (text.alt_text, counts)


def test_language_rows_flag_a_language_off_english() -> None:
    def report(recall: float, chair: float, accuracy: float) -> dict:
        return {
            "recall": recall,
            "chair_i": chair,
            "mentions": 10,
            "hallucinated_mentions": round(chair * 10),
            "counts": {"all": {"n": 10, "accuracy": accuracy}},
            "alt_length": {"mean": 50.0, "over_125": 0},
        }

    rows = language_rows({"en": report(0.9, 0.0, 1.0), "de": report(0.9, 0.0, 0.9), "fr": report(0.89, 0.0, 1.0)})
    by = {row["lang"]: row for row in rows}
    assert by["en"]["within_tolerance"] and by["fr"]["within_tolerance"]
    assert not by["de"]["within_tolerance"] and by["de"]["count_errors"] == 1
    assert by["de"]["delta_vs_en"]["count_accuracy"] == pytest.approx(-0.1)
    assert LANGUAGE_TOLERANCE == 0.02


def test_cross_validation_scores_the_same_held_out_plans_in_each_language(make: MakeInstances) -> None:
    from captioning.crossval import cross_validate
    from tests.captioning.test_captioning_crossval import _tiny_set

    report = cross_validate(_tiny_set(make, 8), folds=2, seed=0, langs=CODES)
    assert [row["lang"] for row in report["by_language"]] == CODES
    assert set(report["languages"]) == set(CODES) - {"en"}
    for lang, each in report["languages"].items():
        assert each["images"] == report["images"] == 8
        # the same held-out plans: the same alt texts' objects, read in that language
        assert [r["salient"] for r in each["per_image"]] == [r["salient"] for r in report["per_image"]]
        assert each["recall"] == report["recall"], lang
