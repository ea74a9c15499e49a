"""The interface's message catalogues (locale/<lang>/LC_MESSAGES/*.po): every message marked for
translation is translated in German, French and Spanish, none is fuzzy or obsolete, and each
translation keeps its original's placeholders and markup (a missing ``%(name)s`` would raise at
run time; a lost ``<a href>`` would drop a link)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from tests.conftest import ROOT

LANGS = ["de", "fr", "es"]
DOMAINS = ["django", "djangojs"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")
TAG = re.compile(r"</?[a-z]+[^>]*>")
# Untranslatable on purpose: the same word in the language (a proper noun, a format, a loanword).
SAME_IN = {
    "Webhook": {"de", "fr", "es"},
    "Name": {"de"},
    "Status:": {"de"},
    "Status": {"de"},
    "Type": {"fr"},
    "Description": {"fr"},
    "no": {"es"},
    "Action": {"fr"},
    "Photos": {"fr"},
    '<span class="visually-hidden">Page </span>%(number)s': {"fr"},
    "%(width)s × %(height)s pixels.": {"fr"},
    "%(counter)s photo": {"fr"},
    "Photo %(name)s, %(status)s": {"fr"},
    "Error:": {"es"},
    "%(number)s: %(name)s": {"de", "es"},  # a region of the overlay: only French spaces its colon
    "; ": {"de", "es"},  # between the regions of the overlay's alt: French spaces its semicolon
}


def catalogue(lang: str, domain: str) -> polib.POFile:
    path = ROOT / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"{path} missing: run `manage.py makemessages -l {lang}`"
    return polib.pofile(str(path))


def texts(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(original, translation) pairs; plural forms each against the original they translate."""
    if entry.msgid_plural:
        forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
        return [(entry.msgid, forms[0])] + [(entry.msgid_plural, form) for form in forms[1:]]
    return [(entry.msgid, entry.msgstr)]


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated_and_none_is_fuzzy(lang: str, domain: str) -> None:
    po = catalogue(lang, domain)
    assert not po.metadata_is_fuzzy, "the header is fuzzy: msgfmt would ignore its plural rule"
    assert len(po) > 0
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []
    assert po.percent_translated() == 100
    for entry in po:
        for original, translation in texts(entry):
            if translation == original:
                assert lang in SAME_IN.get(entry.msgid, set()), f"{lang}: not translated: {original!r}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_placeholders_and_markup(lang: str, domain: str) -> None:
    for entry in catalogue(lang, domain):
        for original, translation in texts(entry):
            assert sorted(PLACEHOLDER.findall(translation)) == sorted(PLACEHOLDER.findall(original)), (
                f"{lang}: {original!r} -> {translation!r}"
            )
            assert sorted(TAG.findall(translation)) == sorted(TAG.findall(original)), f"{lang}: {translation!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_plural_rule_is_the_languages(lang: str) -> None:
    # French counts 0 and 1 as singular ("0 photo"); German and Spanish only 1 (CLDR).
    rule = {"de": "(n != 1)", "fr": "(n > 1)", "es": "(n != 1)"}[lang]
    for domain in DOMAINS:
        assert catalogue(lang, domain).metadata["Plural-Forms"] == f"nplurals=2; plural={rule};"


def test_the_catalogues_hold_every_marked_message(tmp_path: Path) -> None:
    """makemessages run now finds nothing the committed catalogues lack (a string marked after the
    last update would otherwise show in English)."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", "test-artifacts", ".git", "*.mo"))
    for domain in DOMAINS:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "de",
                "-d",
                domain,
                "--no-obsolete",
                *[f"--ignore={d}" for d in ("tests", "bench", "captioning", "segmentation", "deploy")],
            ],
            cwd=copy,
            check=True,
            capture_output=True,
        )
        fresh = polib.pofile(str(copy / "locale" / "de" / "LC_MESSAGES" / f"{domain}.po"))
        ours = {(e.msgctxt, e.msgid) for e in catalogue("de", domain)}
        assert {(e.msgctxt, e.msgid) for e in fresh} <= ours
