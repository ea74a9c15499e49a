"""What every realiser shares (see :mod:`captioning.lang`): segments with links assembled into
text and mention spans, capitalisation and full stops, lists joined with a language's separator
and conjunction, the alt text fitted to :data:`~captioning.plan.ALT_LIMIT` by the plan's rules,
and the text read in the photo placed. Language modules import this module, never the package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import ModuleType

from captioning.model import Mention, TextField
from captioning.plan import ALT_LIMIT, AltMention, AltPlan, TextPlan

Link = tuple[str, tuple[int, ...]]
Segment = tuple[str, Link | None]

ELLIPSIS = "…"


# -- assembling --------------------------------------------------------------------------------
def capitalise(text: str) -> str:
    """Upper-case the first letter only ("TV" and "iPhone" elsewhere stay as they are)."""
    return text[:1].upper() + text[1:]


def assemble(sentences: Sequence[Sequence[Segment]], field: TextField) -> tuple[str, list[Mention]]:
    """Join sentences (capitalised, full stop, one space between) and locate each link."""
    out: list[str] = []
    mentions: list[Mention] = []
    pos = 0
    for s_index, segments in enumerate(sentences):
        if s_index:
            out.append(" ")
            pos += 1
        first = True
        last = ""  # the last non-empty segment: does the sentence already end with a full stop?
        for text, link in segments:
            if first:
                text = capitalise(text)
                first = False
            end = pos + len(text)
            if link is not None:
                mentions.append(Mention(text, link[0], link[1], field, pos, end))
            out.append(text)
            pos = end
            if text:
                last = text
        if not last.endswith("."):
            out.append(".")
            pos += 1
    return "".join(out), mentions


def joined(items: Sequence[Sequence[Segment]], separator: str, conjunction: str) -> list[Segment]:
    """Segments of several phrases joined as "a, b and c" with a language's separator (", ") and
    conjunction (" and ")."""
    result: list[Segment] = []
    for k, item in enumerate(items):
        if k:
            result.append((conjunction if k == len(items) - 1 else separator, None))
        result.extend(item)
    return result


def text_of(segments: Sequence[Segment]) -> str:
    return "".join(t for t, _ in segments)


def length(segments: Sequence[Segment]) -> int:
    return sum(len(t) for t, _ in segments) + 1  # + the full stop


def fit_words(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters, cut only between words (a single
    over-long word is cut hard, as there is nothing better to do)."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0]
    return cut if 0 < len(cut) <= limit else text[:limit]


def fit_with_ellipsis(text: str, limit: int = ALT_LIMIT) -> str:
    """``text`` cut at a word boundary to fit ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1].rsplit(" ", 1)[0].rstrip(" ,;:/")
    if not cut or len(cut) > limit - len(ELLIPSIS):
        cut = text[: limit - len(ELLIPSIS)]
    return cut + ELLIPSIS


# -- the alt text ------------------------------------------------------------------------------
def fit_alt(alt: AltPlan, words: ModuleType, *, from_masks: bool) -> tuple[str, list[Mention]]:
    """The alt text within :data:`ALT_LIMIT`: all mentions with their places if that fits, else
    the places dropped from the last placed mention back, then the last droppable mention
    dropped and the places tried again, and so on; whatever is left out is said as "other
    objects" ("possibly other objects" when none of it is stated). Whole mentions are dropped,
    never words cut, except for a first mention too long on its own (an unknown label), cut
    between words."""
    units = alt.mentions
    keep = next((n for n, m in enumerate(units) if m.droppable), len(units)) or 1  # never dropped
    built: dict[tuple[int, bool], list[Segment]] = {}

    def phrase(n: int, placed: bool) -> list[Segment]:
        found = built.get((n, placed))
        if found is None:
            found = built[n, placed] = words.alt_mention(units[n], placed=placed, from_masks=from_masks)
        return found

    for count in range(len(units), keep - 1, -1):
        said, dropped = units[:count], units[count:]
        placeable = [n for n, m in enumerate(said) if m.place is not None and m.relation is None]
        for placed in range(len(placeable), -1, -1):
            chosen = set(placeable[:placed])
            runs = shared_places(said, chosen)
            # A run that shares a place says it once, after its last member.
            phrases = [
                joined([phrase(n, n == run[-1] and n in chosen) for n in run], words.SEPARATOR, words.CONJUNCTION)
                for run in runs
            ]
            if alt.unnamed != "none" or dropped:
                stated = alt.unnamed == "stated" or any(m.certainty == "stated" for m in dropped)
                phrases.append(words.other_objects(hedged=not stated))
            grouped = [n for n, run in enumerate(runs) if len(run) > 1]
            if len(phrases) > 1 and grouped:
                segments = around_groups(phrases, grouped[-1], words)
            else:
                segments = joined(phrases, words.SEPARATOR, words.CONJUNCTION)
            if length(segments) <= ALT_LIMIT:
                return assemble([segments], "alt_text")
    cut = fit_words(text_of(phrase(0, False)), ALT_LIMIT - 1)
    return assemble([[(cut, None)]], "alt_text")


def around_groups(phrases: Sequence[Sequence[Segment]], last_group: int, words: ModuleType) -> list[Segment]:
    """An alt list one of whose items is a list of its own ("a person and a snowboard in the
    centre"), joined so that the reader hears where that list ends. The language's
    ``group_conjunction`` comes before the last item; when two or more items follow the last group,
    ``GROUP_REST`` says how: ``"whole"``: before all of them, joined as a plain list ("…, ainsi
    qu'un éléphant et d'autres objets"); ``"list"``: a plain list ("…, an elephant and other
    objects"); ``"last"``: before the last one ("…, ein Elefant sowie weitere Gegenstände")."""
    rest = phrases[last_group + 1 :]
    if len(rest) >= 2 and words.GROUP_REST == "whole":
        head = joined(phrases[: last_group + 1], words.SEPARATOR, words.SEPARATOR)
        conjunction = (words.group_conjunction(text_of(rest[0])), None)
        return [*head, conjunction, *joined(rest, words.SEPARATOR, words.CONJUNCTION)]
    if len(rest) >= 2 and words.GROUP_REST == "list":
        return joined(phrases, words.SEPARATOR, words.CONJUNCTION)
    conjunction = (words.group_conjunction(text_of(phrases[-1])), None)
    return [*joined(phrases[:-1], words.SEPARATOR, words.SEPARATOR), conjunction, *phrases[-1]]


def shared_places(mentions: Sequence[AltMention], placed: set[int]) -> list[list[int]]:
    """``mentions``' indices in runs: consecutive mentions ``placed`` at the same place form one
    run, so the place is said once ("a person and a snowboard in the centre", not "a person in
    the centre and a snowboard in the centre"); every other mention is a run of its own. Not
    for "filling most of the photo", which each object does on its own."""
    runs: list[list[int]] = []
    for n, mention in enumerate(mentions):
        previous = runs[-1][-1] if runs else None
        if (
            previous is not None
            and n in placed
            and previous in placed
            and mention.place == mentions[previous].place
            and mention.place != "most"
        ):
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


# -- text read in the photo --------------------------------------------------------------------
def _quote(texts: Sequence[str], words: ModuleType) -> str:
    return words.PHRASES["list"].join(words.PHRASES["quote"].format(text=t) for t in texts)


def add_text(
    alt: str,
    long: str,
    mentions: Sequence[Mention],
    text: TextPlan,
    words: ModuleType,
    *,
    no_objects: bool,
) -> tuple[str, str, tuple[Mention, ...]]:
    """The alt text, long description and mentions with the text read in the photo said.

    Scene text is added after what the objects' sentences say (so their mentions keep their
    places), in the alt text as far as :data:`ALT_LIMIT` allows (each quote sentence in turn,
    where it fits); the long description has it all. A mostly-text image's alt text is its text;
    its long description starts with the text. With ``no_objects`` the "no recognisable
    objects" wording is replaced by what was read."""
    phrases = words.PHRASES
    quoted = [
        phrases["on"].format(thing=words.holder(q.holder, "on"), text=_quote(q.texts, words))
        if q.holder is not None
        else phrases["alone"].format(text=_quote(q.texts, words))
        for q in text.quotes
    ]
    other = []
    for note in text.notes:
        if note.kind == "plate" and note.holder is not None:
            other.append(capitalise(phrases["plate"].format(thing=words.holder(note.holder, "plate"))))
        elif note.kind == "unclear":
            if note.holder is None:
                other.append(phrases["unclear_alone"])
            else:
                other.append(capitalise(phrases["unclear_on"].format(thing=words.holder(note.holder, "unclear_on"))))
    if not text.quotes and not text.notes:
        return alt, long, tuple(mentions)
    if text.mostly:
        full = phrases["mostly"].format(text=phrases["row"].join(text.rows))
        prefix = full + " "
        object_long = phrases["no_objects"] if no_objects else long
        shifted = tuple(
            replace(m, start=m.start + len(prefix), end=m.end + len(prefix))
            for m in mentions
            if m.field == "long_description" and not no_objects
        )
        new_long = " ".join([full, object_long, *other])
        return fit_with_ellipsis(" ".join(text.rows)), new_long, shifted
    if no_objects:
        if not quoted:
            return alt, long, tuple(mentions)
        return fit_with_ellipsis(" ".join(quoted)), " ".join([*quoted, *other, phrases["no_objects"]]), ()
    new_alt = alt
    for sentence in quoted:
        if len(new_alt) + 1 + len(sentence) <= ALT_LIMIT:
            new_alt = f"{new_alt} {sentence}"
    return new_alt, " ".join([long, *quoted, *other]), tuple(mentions)
