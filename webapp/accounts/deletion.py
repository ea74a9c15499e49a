"""Deleting an account and every file of it, by whichever route the rows go.

The rows go at once, the files later. A user's ``post_delete`` (any route: the "Delete my
account" page, the admin, an ORM cascade such as ``User.objects.filter(...).delete()``, a
``manage.py`` shell) writes a :class:`~webapp.photos.models.FolderRemoval` in the same
transaction and, once it commits, queues ``accounts.remove_files``: a worker empties the owner's
folder (S3: 1000 keys per request, ``photos.files.delete_owner_folder``) and deletes the row. A
rolled-back delete leaves rows and files in place. The photos of a user being deleted skip their
own per-file deletes (``photos.signals``): thousands of DELETEs no longer run inside the request.

If the message is lost (broker down at commit) or the worker dies mid-way, the row stays and the
sweeper queues the task again after ``PHOTO_QUEUED_TIMEOUT``; running it twice is harmless.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from webapp.photos import files, signals
from webapp.photos.models import FolderRemoval

log = logging.getLogger(__name__)


@transaction.atomic
def delete_account(user: AbstractBaseUser) -> int:
    """Delete the user, their photos, tokens and everything else that cascades; the files are
    removed by a worker once the transaction commits. Returns how many photos were deleted."""
    count = user.photos.count()  # type: ignore[attr-defined]
    user.delete()
    return count


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-remove-files")
def _user_deleted(sender: type, instance: Any, using: str, **_: object) -> None:
    owner_id = instance.pk
    FolderRemoval.objects.using(using).get_or_create(owner_id=owner_id)
    transaction.on_commit(lambda: _send(owner_id, None), using=using)


def remove_files(owner_id: int) -> int:
    """The body of ``accounts.remove_files``: empty the deleted owner's folder, then forget the
    owed removal. Safe to run twice or after a partial run (what is left is removed; a folder
    already gone removes nothing). Returns how many files were removed.

    Raises:
        files.StorageUnavailable: the storage did not answer; the row stays, the task retries.
    """
    removed = files.delete_owner_folder(owner_id)
    FolderRemoval.objects.filter(owner_id=owner_id).delete()
    log.info("Removed %s files of deleted owner %s", removed, owner_id)
    return removed


def _send(owner_id: int, seen_enqueued_at: datetime | None) -> bool:
    """Queue the removal, claimed by compare-and-set on ``enqueued_at`` (a sweeper and the commit
    hook never both send it). False: claimed by someone else, done already, or the broker refused
    (the row stays owed; the sweeper tries again)."""
    from webapp.accounts.tasks import remove_account_files

    claimed = FolderRemoval.objects.filter(owner_id=owner_id, enqueued_at=seen_enqueued_at).update(
        enqueued_at=timezone.now(), sends=models.F("sends") + 1
    )
    if not claimed:
        return False
    try:
        remove_account_files.delay(owner_id)
    except Exception as exc:  # noqa: BLE001 - broker down: the row stays owed, the sweeper re-sends it
        log.warning("Could not queue the removal of owner %s's files: %r", owner_id, exc)
        FolderRemoval.objects.filter(owner_id=owner_id).update(enqueued_at=None)
        return False
    return True


@receiver(signals.sweeping, dispatch_uid="accounts-resend-removals")
def resend_lost_removals(sender: Any = None, now: datetime | None = None, **kwargs: Any) -> list[int]:
    """Receiver of ``sweeping``: queue again the removals never queued, or queued longer than
    ``PHOTO_QUEUED_TIMEOUT`` ago and still owed (the message or its worker was lost). Returns the
    owner ids sent again."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.PHOTO_QUEUED_TIMEOUT)
    owed = FolderRemoval.objects.filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
    return [
        owner_id
        for owner_id, enqueued_at in owed.values_list("owner_id", "enqueued_at")[:500]
        if _send(owner_id, enqueued_at)
    ]
