"""Signals other apps listen to, so photos/ does not need to know them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that stores a run's result: ``sender=Photo, photo=<Photo>``. For rows
# that must commit together with the result or not at all (the webhook outbox); no I/O here.
result_stored = Signal()
# Sent after a run's result is committed: ``sender=Photo, photo=<Photo>``.
photo_described = Signal()
# Sent by each round of the sweeper (``manage.py sweep``): ``sender=None, now=<datetime>``. Other
# apps re-send their own lost work (webhook deliveries) without photos/ knowing them.
sweeping = Signal()
# Sent after a photo's reviewed alt text changed: ``sender=Photo, photo=<Photo>``.
alt_reviewed = Signal()
