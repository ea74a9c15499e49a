"""Signals other apps listen to, so photos/ does not need to know them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

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


# --- Files follow their rows ------------------------------------------------------------------
# Receivers on Django's own delete signals, so every route that deletes rows (a view, the admin, a
# shell) deletes the files too; only after commit, so a rollback keeps both. A user's cascade leaves
# their folder to one batched task instead (webapp.accounts.deletion). (Receivers also stop Django's
# fast bulk delete from skipping per-row signals.)


@receiver(post_delete, sender="photos.Photo")
def _delete_photo_files(sender: type, instance: object, using: str, origin: object = None, **_: object) -> None:
    from webapp.photos.files import delete_names

    if _is_user_deletion(origin):
        # Their owner is being deleted: the whole folder is removed later by one task, in
        # batches (webapp.accounts.deletion), not file by file inside this request.
        return
    names = [instance.image, instance.thumbnail]  # type: ignore[attr-defined]
    transaction.on_commit(lambda: delete_names(names), using=using)


def _is_user_deletion(origin: object) -> bool:
    """Whether a delete started from a user (an instance or a queryset of them): Django passes
    where a cascade began as ``origin``."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is get_user_model()
