"""The search index: one row per (photo, term) with the photo's count for that term.

One narrow table answers every query form (label, count, size, place, supercategory, relation,
alt-text word, and through the ``*`` key, negations) with the same indexed lookup
``(owner, key) -> photo, count``; see ``terms.py`` for the keys. A query is answered from this
table alone (``services``), and only the photos of one page are read from ``Photo``. Rows are
derived data: ``services.index_photo`` rewrites a photo's rows, and ``manage.py
rebuild_search_index`` rebuilds them all.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from webapp.photos.models import Photo


class SearchTerm(models.Model):
    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="search_terms")
    # Denormalised from the photo so a lookup never leaves the index (and never crosses users).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=100)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["photo", "key"], name="search_term_photo_key")]
        # Covering and in photo order: a key's photos come newest first (``photo_id`` DESC) for a
        # page, set operations merge ordered lists, and counts are index-only scans.
        indexes = [
            models.Index(fields=["owner", "key", "photo", "count"], name="search_term_key_photo"),
            # An exact count ("two people") is one slice of this one, also in photo order.
            models.Index(fields=["owner", "key", "count", "photo"], name="search_term_key_count"),
        ]

    def __str__(self) -> str:
        return f"{self.photo_id} {self.key}={self.count}"


class SearchKeyCount(models.Model):
    """How many of an owner's photos have a key: the total of a one-key search ("dog", "no dogs")
    without counting rows, and the sizes that decide how a query combines its conditions. Kept by
    ``services`` with every index change (``index_photo``, photo deletion, ``rebuild_index``)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=100)
    photos = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="search_key_count_owner_key")]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.key}: {self.photos}"
