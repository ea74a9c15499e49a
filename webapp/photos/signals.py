"""Signals other apps listen to, so photos/ does not need to know them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after a run's result is committed: ``sender=Photo, photo=<Photo>``.
photo_described = Signal()
# Sent after a photo's reviewed alt text changed: ``sender=Photo, photo=<Photo>``.
alt_reviewed = Signal()
