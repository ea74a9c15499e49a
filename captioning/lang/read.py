"""Reading text back: which objects a text names, in any language the captioner speaks.

Each language module gives its :class:`ReadingWords` (``READING``); :func:`find_objects` reads
a text with them: the evaluation (:mod:`captioning.evaluate`) reads human captions and our own
text, so both are judged by the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class ReadingWords:
    """The words of one language for reading text back.

    Attributes:
        objects: word or phrase (lower case) -> COCO label; ``""``: a phrase that is not an object
            though it holds an object word ("bus stop"). Longest phrase wins.
        families: word or phrase -> back-off family ("animal"): a mention of one is right when any
            class of the family is there. Looked up before ``objects``.
        numbers: number words -> value ("two" -> 2).
        articles: words that count one ("a", "an").
        floor: words between a number and its noun that make the number a floor ("or more").
        count_gap: words that may stand between a number or article and its noun in the alt text
            (German "ein fast bildfüllender Kühlschrank"); English has none there.
        hedges: words that hedge what follows ("possibly").
        hedge_gap: words that may stand between a hedge and the noun it hedges (articles, sizes,
            "more", "another"); number words count too.
        ambiguous: word -> (label, following words that make it that object): "orange" is the
            fruit only when no noun follows it (a colour is followed by its noun); so when a comma or
            a full stop ends it and a number or a hedge starts what follows ("an orange, two cups",
            "an orange, possibly a cup"; not "orange, white and black fish").
        relations: phrases that say a relation in the alt (" riding ", " next to "), for coverage.
        token: the regular expression of one word (on lower-cased text).
    """

    objects: Mapping[str, str]
    families: Mapping[str, str] = field(default_factory=dict)
    numbers: Mapping[str, int] = field(default_factory=dict)
    articles: frozenset[str] = frozenset()
    floor: tuple[str, ...] = ()
    count_gap: frozenset[str] = frozenset()
    hedges: frozenset[str] = frozenset()
    hedge_gap: frozenset[str] = frozenset()
    ambiguous: Mapping[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    relations: tuple[str, ...] = ()
    token: str = r"[^\W\d_]+"

    @cached_property
    def _max_words(self) -> int:
        return max((len(p.split()) for p in [*self.objects, *self.families, *self.ambiguous]), default=1)

    @cached_property
    def _token(self) -> re.Pattern[str]:
        return re.compile(self.token)

    def tokens(self, text: str) -> list[str]:
        return self._token.findall(text.lower())

    def find_objects(self, text: str) -> Iterator[tuple[int, str, str]]:
        """``(token index, label or "family:<name>", phrase)`` for every object word in ``text``,
        longest phrase first, left to right."""
        words = self.tokens(text)
        stops: set[int] | None = None
        k = 0
        while k < len(words):
            for n in range(min(self._max_words, len(words) - k), 0, -1):
                phrase = " ".join(words[k : k + n])
                if phrase in self.families:
                    yield k, "family:" + self.families[phrase], phrase
                    k += n
                    break
                label = self.objects.get(phrase)
                if label is None and phrase in self.ambiguous:
                    nxt = words[k + n] if k + n < len(words) else ""
                    meant, before = self.ambiguous[phrase]
                    if stops is None:
                        stops = self._stops(text)
                    listed = k + n - 1 in stops and (nxt in self.numbers or nxt in self.hedges)
                    label = meant if nxt in before or listed else None
                if label is not None:
                    if label:
                        yield k, label, phrase
                    k += n
                    break
            else:
                k += 1

    def _stops(self, text: str) -> set[int]:
        """Indices of the words of ``text`` that punctuation follows (the tokens drop it)."""
        out: set[int] = set()
        count = 0
        for chunk in re.split(r"[,.;:!?]", text):
            count += len(self.tokens(chunk))
            out.add(count - 1)
        return out


def reading(lang: str = "en") -> ReadingWords:
    """The reading words of language ``lang`` (:class:`captioning.lang.UnknownLanguage` if none)."""
    from captioning.lang import language  # the language modules import this module

    words: ReadingWords = language(lang).READING
    return words


def find_objects(text: str, lang: str = "en") -> Iterator[tuple[int, str, str]]:
    """:meth:`ReadingWords.find_objects` with the words of ``lang``."""
    return reading(lang).find_objects(text)
