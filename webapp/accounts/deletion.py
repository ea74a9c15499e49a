"""Deleting an account and every file of it, by whichever route the rows go.

The files follow the rows through signals (``webapp.photos.signals``): a Photo's ``post_delete``
removes its two files and a user's ``post_delete`` removes their whole folder (listed and deleted
through the storage API: a local folder or a bucket prefix, ``photos.files.delete_owner_folder``),
each after the transaction commits. So the admin, an ORM cascade (``User.objects.filter(...).delete()``),
``manage.py`` shells and the "Delete my account" page all leave nothing in storage, and a rolled-back
delete leaves the files in place.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction


@transaction.atomic
def delete_account(user: AbstractBaseUser) -> int:
    """Delete the user, their photos, tokens and everything else that cascades; the files go
    once the transaction commits. Returns how many photos were deleted."""
    count = user.photos.count()  # type: ignore[attr-defined]
    user.delete()
    return count
