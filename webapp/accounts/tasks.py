"""Celery tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from webapp.accounts import deletion
from webapp.photos.files import StorageUnavailable


# An unreachable storage or a busy database is retried with capped backoff; if every retry fails
# the FolderRemoval row is still owed and the sweeper sends the task again (it is idempotent).
@shared_task(
    name="accounts.remove_files",
    autoretry_for=(OperationalError, InterfaceError, StorageUnavailable),
    retry_backoff=1,
    retry_backoff_max=settings.PHOTO_DB_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.PHOTO_DB_RETRIES,
)
def remove_account_files(owner_id: int) -> int:
    return deletion.remove_files(owner_id)
