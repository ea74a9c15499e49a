"""Deleting an account and every file of it, by whichever route the rows go.

The files follow the rows through signals (``webapp.photos.signals``): a Photo's ``post_delete``
removes its two files and a user's ``post_delete`` removes their whole media folder, each after
the transaction commits. So the admin, an ORM cascade (``User.objects.filter(...).delete()``),
``manage.py`` shells and the "Delete my account" page all leave nothing on disk, and a rolled-back
delete leaves the files in place.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.storage import default_storage
from django.db import transaction

log = logging.getLogger("webapp.accounts.deletion")


def user_media_folder(user_pk: int) -> str:
    """The storage name of the folder that holds all of one user's photos (``photos/<pk>/...``,
    as ``services.create_photo`` names them)."""
    return f"photos/{int(user_pk)}"


def delete_files(names: list[str]) -> None:
    """Delete stored files by storage name; a file already gone is fine."""
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except OSError as exc:  # a file we cannot remove must not fail the deletion of the row
            log.warning("Could not delete media file %s: %s", name, exc)


def delete_user_folder(user_pk: int) -> None:
    """Remove the user's media folder and anything left in it (files of rows already gone,
    empty month folders)."""
    folder = Path(default_storage.path(user_media_folder(user_pk)))
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        log.warning("Could not remove media folder %s", folder)


@transaction.atomic
def delete_account(user: AbstractBaseUser) -> int:
    """Delete the user, their photos, tokens and everything else that cascades; the files go
    once the transaction commits. Returns how many photos were deleted."""
    count = user.photos.count()  # type: ignore[attr-defined]
    user.delete()
    return count
