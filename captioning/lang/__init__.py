"""Realisers: one module per language turns a :class:`~captioning.plan.Plan` into text.

``realise(plan, lang)`` gives a :class:`Text`: the alt text, the long description and the
:class:`~captioning.model.Mention` spans of both. The machinery every language shares lives
here (segments with links assembled into text and spans, capitalisation and full stops, lists
joined with the language's separator and conjunction, the alt text fitted to
:data:`~captioning.plan.ALT_LIMIT` by the plan's rules, the text read in the photo placed), so a
language module holds only its words and its grammar.

A language module ``captioning/lang/<code>.py`` (registered in :data:`LANGUAGES`) provides:

* ``CODE`` (``"en"``) and ``NAME`` (the language's own name: ``"English"``, ``"Deutsch"``);
* ``NOUNS``: a :class:`~captioning.lang.words.Noun` for each of the 80 COCO labels, and
  ``FAMILY_NOUNS`` for each back-off family (the values of :data:`captioning.vocabulary.FAMILY`);
* ``SEPARATOR`` (``", "``) and ``CONJUNCTION`` (``" and "``) for lists, and
  ``group_conjunction(following) -> str`` (``", and "``, ``" sowie "``) before the last item of
  an alt list one of whose items shares a place ("a person and a snowboard in the centre, and
  other objects"), with ``GROUP_REST`` (see :func:`captioning.lang.base.around_groups`);
* ``EMPTY_ALT`` and ``EMPTY_LONG``: the texts when nothing is recognised;
* ``PHRASES``: the text read in the photo, keys as :data:`captioning.lang.en.PHRASES`
  (``{text}`` the quoted text, ``{thing}`` the holder) and ``holder(holder, key) -> str``: the
  :class:`~captioning.plan.Holder` as ``PHRASES[key]`` needs it ("the bus on the left");
* ``alt_mention(mention, *, placed, from_masks) -> list[Segment]``: one
  :class:`~captioning.plan.AltMention` (with its place when ``placed``);
* ``other_objects(*, hedged) -> list[Segment]``: "other objects" / "possibly other objects";
* ``long_sentence(sentence, *, from_masks, before) -> list[Segment]``: one sentence of
  :attr:`Plan.long <captioning.plan.Plan.long>` (``before``: the sentences said so far);
* ``READING``: a :class:`captioning.lang.read.ReadingWords`, the words to read text of this
  language back (evaluation, search).

A :data:`Segment` is ``(text, link)`` with ``link`` ``(label, instance ids)`` or ``None``;
sentences are capitalised and get their full stop here.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from captioning.lang import de, en, es, fr
from captioning.lang.base import Segment, add_text, assemble, fit_alt
from captioning.model import Mention
from captioning.plan import Plan

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Segment", "Text", "UnknownLanguage", "language", "realise"]

#: ``{code: module}`` of every language the captioner speaks (see above for what a module provides).
LANGUAGES: dict[str, ModuleType] = {module.CODE: module for module in (en, de, fr, es)}
DEFAULT_LANGUAGE = "en"


class UnknownLanguage(ValueError):
    """A language code no module is registered for."""


def language(code: str) -> ModuleType:
    """The module of language ``code``; :class:`UnknownLanguage` (a ValueError) lists the known ones."""
    module = LANGUAGES.get(code)
    if module is None:
        raise UnknownLanguage(f"unknown language {code!r}; known: {', '.join(sorted(LANGUAGES))}")
    return module


@dataclass(frozen=True)
class Text:
    """A plan said in one language: ``mentions`` point into ``alt_text`` / ``long_description``."""

    lang: str
    alt_text: str
    long_description: str
    mentions: tuple[Mention, ...]


def realise(plan: Plan, lang: str = DEFAULT_LANGUAGE) -> Text:
    """The alt text and long description of ``plan`` in language ``lang``."""
    words = language(lang)
    if not plan.alt.mentions:
        alt, alt_mentions = words.EMPTY_ALT, []
        long, long_mentions = words.EMPTY_LONG, []
    else:
        alt, alt_mentions = fit_alt(plan.alt, words, from_masks=plan.from_masks)
        sentences: list[list[Segment]] = []
        for s in plan.long:
            sentences.append(words.long_sentence(s, from_masks=plan.from_masks, before=sentences))
        long, long_mentions = assemble(sentences, "long_description")
    mentions: tuple[Mention, ...] = (*alt_mentions, *long_mentions)
    if plan.text is not None:
        alt, long, mentions = add_text(alt, long, mentions, plan.text, words, no_objects=not plan.alt.mentions)
    return Text(lang, alt, long, mentions)
