"""Celery tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from webapp.accounts import deletion
from webapp.photos.tasks import RETRY_TRANSIENT


# An unreachable storage or a busy database is retried (RETRY_TRANSIENT); if every retry fails
# the FolderRemoval row is still owed and the sweeper sends the task again (it is idempotent).
@shared_task(name="accounts.remove_files", **RETRY_TRANSIENT)
def remove_account_files(owner_id: int) -> int:
    return deletion.remove_files(owner_id)
