"""Search: keep the index in step with photos, and answer queries. Views and commands only call these."""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext

from captioning.lang.words import fold
from webapp.photos import signals
from webapp.photos.models import Photo
from webapp.photos.results import read_description, with_plans
from webapp.search.explain import explain, language_note, reader_language, reading_note
from webapp.search.models import SearchKeyCount, SearchTerm
from webapp.search.query import Node, ParsedQuery, QueryError, atoms, parse
from webapp.search.sql import count_matches, key_sizes, matching_ids
from webapp.search.terms import photo_terms
from webapp.search.vocabulary import search_words
from webapp.text import check_plain_text

log = logging.getLogger(__name__)

PER_PAGE = 24
MAX_PAGE = 10_000


# -- the index -------------------------------------------------------------------------------------
def alt_for_index(photo: Photo) -> str:
    """The text whose words are searchable: the person's text when reviewed, else the suggestion."""
    return photo.current_alt


def index_photo(photo: Photo) -> int:
    """Rewrite one photo's index rows from its stored result and alt text, and the owner's key
    totals with them; returns the row count."""
    done = photo.status == Photo.Status.DONE
    terms = photo_terms(read_description(photo.result), alt_for_index(photo)) if done else {}
    with transaction.atomic():
        # One rewrite of a photo at a time (a new result and a review can arrive together).
        list(Photo.objects.select_for_update().filter(pk=photo.pk).values_list("pk"))
        old = set(SearchTerm.objects.filter(photo_id=photo.pk).values_list("key", flat=True))
        SearchTerm.objects.filter(photo_id=photo.pk).delete()
        SearchTerm.objects.bulk_create(
            SearchTerm(photo_id=photo.pk, owner_id=photo.owner_id, key=key, count=count) for key, count in terms.items()
        )
        adjust_key_counts(photo.owner_id, added=set(terms) - old, removed=old - set(terms))
    return len(terms)


def adjust_key_counts(owner_id: int, added: set[str], removed: set[str]) -> None:
    """One photo gained ``added`` keys and lost ``removed`` ones. Keys in sorted order, so two
    transactions never wait on each other's rows in opposite orders. One statement per
    :data:`KEY_CHUNK` keys (a photo has ~30): one round trip, not one per key (bench/scale_out.py)."""
    table = connection.ops.quote_name(SearchKeyCount._meta.db_table)
    key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(added)):
            cursor.execute(
                f"INSERT INTO {table} (owner_id, {key}, photos) VALUES "
                + ", ".join(["(%s, %s, 1)"] * len(chunk))
                + f" ON CONFLICT (owner_id, {key}) DO UPDATE SET photos = {table}.photos + 1",
                [v for k in chunk for v in (owner_id, k)],
            )
        for chunk in _chunks(sorted(removed)):
            cursor.execute(
                f"UPDATE {table} SET photos = photos - 1 WHERE owner_id = %s AND {key} IN ("
                + ", ".join(["%s"] * len(chunk))
                + ")",
                [owner_id, *chunk],
            )


# Keys per statement: far below SQLite's bound on parameters (32,766; 999 before 3.32).
KEY_CHUNK = 400


def _chunks(keys: list[str]) -> list[list[str]]:
    return [keys[i : i + KEY_CHUNK] for i in range(0, len(keys), KEY_CHUNK)]


def recount_keys(owner: Any = None) -> None:
    """Key totals recounted from the index rows (of ``owner``, or of everyone)."""
    q = connection.ops.quote_name
    terms, totals = q(SearchTerm._meta.db_table), q(SearchKeyCount._meta.db_table)
    where, params = ("WHERE owner_id = %s", [owner.pk]) if owner is not None else ("", [])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {totals} {where}", params)
        cursor.execute(
            f"INSERT INTO {totals} (owner_id, {q('key')}, photos) "
            f"SELECT owner_id, {q('key')}, COUNT(*) FROM {terms} {where} GROUP BY owner_id, {q('key')}",
            params,
        )


def rebuild_index(owner: Any = None, batch: int = 500) -> int:
    """Index every photo (of ``owner``, or of everyone); returns the number of photos indexed."""
    photos = Photo.objects.all() if owner is None else Photo.objects.filter(owner=owner)
    done = 0
    for photo in photos.order_by("pk").iterator(chunk_size=batch):
        index_photo(photo)
        done += 1
    recount_keys(owner)
    return done


# A deleted photo's rows go by cascade; its keys must leave the owner's totals.
@receiver(pre_delete, sender=Photo, dispatch_uid="search-photo-deleted")
def on_photo_deleted(sender: Any, instance: Photo, **kwargs: Any) -> None:
    """Receiver of ``pre_delete`` for photos: its rows go by cascade, its keys leave the totals."""
    keys = set(SearchTerm.objects.filter(photo_id=instance.pk).values_list("key", flat=True))
    adjust_key_counts(instance.owner_id, added=set(), removed=keys)


# Keep the index in step: a new result (objects, relations, suggestion) or reviewed alt text.
@receiver(signals.photo_described, sender=Photo, dispatch_uid="search-described")
@receiver(signals.alt_reviewed, sender=Photo, dispatch_uid="search-reviewed")
def on_photo_changed(sender: Any, photo: Photo, **kwargs: Any) -> None:
    """Receiver of ``photo_described`` and ``alt_reviewed``."""
    photo = Photo.objects.filter(pk=photo.pk).first()
    if photo is not None:
        index_photo(photo)


# -- queries ---------------------------------------------------------------------------------------
@dataclass
class Hit:
    photo: Photo
    score: float


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    per_page: int = PER_PAGE
    explanation: str = ""
    lang: str = ""  # the language the query was read in ("de")
    notes: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)  # corrected queries ("did you mean")
    error: str = ""

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def count_text(self) -> str:
        if self.error:
            return "Search not run: " + self.error
        if self.total == 0:
            return "No photos found"
        return f"{self.total} photo{'s' if self.total != 1 else ''} found"


def _scores(owner_id: int, photo_ids: list[int], parsed: ParsedQuery) -> dict[int, float]:
    """Share of the query's positive conditions each photo meets (1.0 for all photos of a plain
    AND query; it ranks nothing, it tells an API client how much of an OR query matched)."""
    wanted = [a for a in atoms(parsed.node) if a.positive]
    if not wanted:
        return dict.fromkeys(photo_ids, 1.0)
    counts: dict[tuple[int, str], int] = {}
    # With the owner the lookup is (owner, key, photo) seeks; without it SQLite may skip-scan an index.
    rows = SearchTerm.objects.filter(owner_id=owner_id, key__in={a.key for a in wanted}, photo_id__in=photo_ids)
    for photo_id, key, count in rows.values_list("photo_id", "key", "count"):
        counts[(photo_id, key)] = count
    scores = {}
    for pid in photo_ids:
        met = sum(
            1
            for a in wanted
            if a.low <= counts.get((pid, a.key), 0) and (a.high is None or counts[(pid, a.key)] <= a.high)
        )
        scores[pid] = round(met / len(wanted), 3)
    return scores


def _suggest(owner_id: int, query: str, parsed: ParsedQuery, lang: str) -> list[str]:
    """For each free word no photo of this owner mentions, the closest known word (if any) of the
    query's language or the reader's."""
    corrected = query.lower()
    changed = False
    for word in parsed.words:
        if SearchTerm.objects.filter(owner_id=owner_id, key=f"w:{word}").exists():
            continue
        mine = SearchTerm.objects.filter(owner_id=owner_id, key__startswith=f"w:{word[:1]}")
        vocabulary = set(mine.values_list("key", flat=True).distinct()[:5000])
        known = {*search_words(parsed.lang).known_words, *search_words(lang).known_words}
        candidates = [*sorted(known), *(k[2:] for k in vocabulary)]
        typed = parsed.typed.get(word, word).lower()
        close = difflib.get_close_matches(fold(typed), candidates, n=1, cutoff=0.6)
        if close:
            corrected = corrected.replace(typed, close[0], 1)
            changed = True
    return [corrected] if changed else []


def _unknown_notes(owner_id: int, parsed: ParsedQuery) -> list[str]:
    notes = []
    for word in parsed.words:
        if not SearchTerm.objects.filter(owner_id=owner_id, key=f"w:{word}").exists():
            notes.append(
                gettext(
                    "“%(word)s” is not one of the 80 kinds of thing the detector knows, and none of your "
                    "photos’ alt text mentions it."
                )
                % {"word": parsed.typed.get(word, word)}
            )
    return notes


def _page(owner: Any, node: Node, offset: int, per_page: int, sizes: dict[str, int]) -> list[Photo]:
    """One page of photos, newest (highest id) first; ``result`` (masks) is not read."""
    ids = matching_ids(owner.pk, node, limit=per_page, offset=offset, sizes=sizes)
    # With their plans (issue 18): the thumbnails' alt text is rendered in the reader's language.
    found = with_plans(Photo.objects.filter(owner=owner, status=Photo.Status.DONE, pk__in=ids).defer("result"))
    by_id = {photo.pk: photo for photo in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def search(owner: Any, text: str, page: int = 1, per_page: int | None = None, lang: str | None = None) -> SearchResult:
    """The owner's photos that match ``text``, newest first, one page of them. The query may be in
    any search language (read from its words; ``lang``, else the interface language, breaks a
    tie); the explanation and notes are in ``lang``, else the interface language."""
    lang = reader_language(lang)
    per_page = per_page or PER_PAGE
    result = SearchResult(query=" ".join((text or "").split()), per_page=per_page)
    try:
        text = " ".join(check_plain_text(text or "", "The search").split())
    except ValueError as exc:
        result.query, result.error = "", str(exc)
        return result
    if not text:
        return result
    try:
        parsed = parse(text, hint=lang)
    except QueryError as exc:
        with translation.override(lang):
            result.error = exc.translated()
        return result
    result.lang = parsed.lang
    with translation.override(lang):
        result.notes = [reading_note(r, lang) for r in parsed.readings]
        if parsed.lang != lang:  # "deux chiens" under a German interface: say how it was read
            result.notes.insert(0, language_note(parsed.lang, lang))
        if parsed.node is None:
            result.error = gettext(
                "The search has only small words such as “the” or “and”; add a thing, for example “dog”."
            )
            return result
        result.explanation = explain(parsed.node, lang)
    # The total first: it fixes the last page, so a page number past the end shows the last page.
    sizes = key_sizes(owner.pk, parsed.node)
    total = count_matches(owner.pk, parsed.node, sizes)
    result.total = total
    result.pages = max(1, -(-total // per_page))
    result.page = min(max(1, page), result.pages, MAX_PAGE)
    page_photos = _page(owner, parsed.node, (result.page - 1) * per_page, per_page, sizes) if total else []
    scores = _scores(owner.pk, [p.pk for p in page_photos], parsed)
    result.hits = [Hit(photo=p, score=scores[p.pk]) for p in page_photos]
    if parsed.words:
        with translation.override(lang):
            result.notes.extend(_unknown_notes(owner.pk, parsed))
        if result.total == 0:
            result.suggestions = _suggest(owner.pk, text, parsed, lang)
    return result
