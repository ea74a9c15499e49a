"""Issue 17 item 8: deleting an account deletes every file of it, by every route (the page, the
admin, an ORM cascade, deleting photos in bulk), and only once the deletion commits."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from tests.conftest import BUS_PHOTO, ELEPHANT_PHOTO
from tests.webapp.conftest import upload_file
from webapp.accounts import deletion
from webapp.accounts.models import ApiToken
from webapp.photos import files as photo_files
from webapp.photos import services
from webapp.photos.models import FolderRemoval, Photo

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture
def uploads(user, other_user, settings, django_capture_on_commit_callbacks):  # noqa: ANN001
    """Two photos of alice and one of mallory, their files stored (the queue message is not sent)."""
    with django_capture_on_commit_callbacks(execute=False):
        mine = [o.photo for o in services.create_photos(user, [upload_file(BUS_PHOTO), upload_file(ELEPHANT_PHOTO)])]
        theirs = services.create_photos(other_user, [upload_file(BUS_PHOTO)])[0].photo
    return mine, theirs


def files(photo: Photo) -> list[str]:
    return [photo.image, photo.thumbnail]


def stored(name: str) -> bool:
    return default_storage.exists(name)


def user_files(user) -> list[str]:  # noqa: ANN001
    """Everything stored in the user's folder, listed through the storage."""
    return list(photo_files.walk(default_storage, photo_files.owner_folder(user.pk)))


def assert_only_others_left(settings, user, mine: list[Photo], theirs: Photo, media=None) -> None:  # noqa: ANN001
    assert not any(stored(name) for photo in mine for name in files(photo))
    assert user_files(user) == []
    if media is None:
        assert not (Path(settings.MEDIA_ROOT) / photo_files.owner_folder(user.pk)).exists()
    else:
        # Looked at with a plain S3 client: not one object of the user is left in the bucket.
        assert media.keys(photo_files.owner_folder(user.pk) + "/") == []
        assert sorted(media.keys()) == sorted(files(theirs))
    assert all(stored(name) for name in files(theirs))
    assert Photo.objects.filter(pk=theirs.pk).exists()


def test_files_exist_before(uploads, settings, user):
    mine, theirs = uploads
    assert all(stored(name) for photo in [*mine, theirs] for name in files(photo))
    assert sorted(user_files(user)) == sorted(name for photo in mine for name in files(photo))


def test_orm_cascade_deletes_files(media, uploads, settings, user, eager_tasks, django_capture_on_commit_callbacks):
    mine, theirs = uploads
    # Left over in the folder by an earlier failure: the folder goes with everything in it.
    default_storage.save(photo_files.owner_folder(user.pk) + "/202001/orphan.jpg", ContentFile(b"x"))
    with django_capture_on_commit_callbacks(execute=True):
        get_user_model().objects.filter(username="alice").delete()
    assert not Photo.objects.filter(pk__in=[p.pk for p in mine]).exists()
    assert_only_others_left(settings, user, mine, theirs, media)


def test_bulk_photo_delete_deletes_files(uploads, user, django_capture_on_commit_callbacks):
    mine, theirs = uploads
    with django_capture_on_commit_callbacks(execute=True):
        Photo.objects.filter(owner=user).delete()
    assert not any(stored(name) for photo in mine for name in files(photo))
    assert all(stored(name) for name in files(theirs))


def test_rolled_back_delete_keeps_files(uploads, settings, user, django_capture_on_commit_callbacks):
    mine, _ = uploads
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            get_user_model().objects.filter(pk=user.pk).delete()
            raise RuntimeError("rolled back")
    assert all(stored(name) for photo in mine for name in files(photo))
    assert Photo.objects.filter(owner=user).count() == 2


def test_admin_delete_deletes_files(
    uploads, settings, user, client, django_user_model, eager_tasks, django_capture_on_commit_callbacks
):
    mine, theirs = uploads
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert_only_others_left(settings, user, mine, theirs)


def test_delete_page_warns_and_is_an_accessible_form(uploads, logged_in):
    html = logged_in.get(reverse("accounts:delete")).content.decode()
    assert "<h1>Delete your account</h1>" in html
    assert "cannot be undone" in html and "all your photos (2)" in html
    assert '<label for="id_password">' in html and 'id="id_password"' in html
    assert 'autocomplete="current-password"' in html and "csrfmiddlewaretoken" in html
    assert reverse("accounts:delete") in logged_in.get(reverse("accounts:account")).content.decode()


def test_delete_page_wrong_password_deletes_nothing(uploads, logged_in, user, settings):
    mine, _ = uploads
    response = logged_in.post(reverse("accounts:delete"), {"password": "wrong"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "password is not right" in html and 'aria-invalid="true"' in html
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert all(stored(name) for photo in mine for name in files(photo))


def test_delete_page_deletes_everything_and_logs_out(
    media, uploads, logged_in, user, settings, eager_tasks, django_capture_on_commit_callbacks
):
    mine, theirs = uploads
    ApiToken.issue(user, "cms")
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(reverse("accounts:delete"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "“alice” and its 2 photos were deleted" in response.content.decode()
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not ApiToken.objects.filter(user_id=user.pk).exists()
    assert_only_others_left(settings, user, mine, theirs, media)
    # logged out: the account page asks for a login
    assert logged_in.get(reverse("accounts:account")).status_code == 302


def test_delete_page_needs_login_and_csrf(client, user):
    assert client.get(reverse("accounts:delete")).status_code == 302
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("accounts:delete"), {"password": PASSWORD}).status_code == 403
    assert get_user_model().objects.filter(pk=user.pk).exists()


# --- The files go later, in batches, by an idempotent task ------------------------------------


def test_rows_go_at_once_files_by_a_task_safe_to_run_twice(
    media, uploads, user, settings, django_capture_on_commit_callbacks
):  # noqa: ANN001
    mine, theirs = uploads
    owner = get_user_model().objects.get(pk=user.pk)
    with django_capture_on_commit_callbacks(execute=False) as hooks:
        assert deletion.delete_account(owner) == 2
    # The request's commit does no storage work beyond queueing the task (one hook: the send).
    assert len(hooks) == 1
    assert not Photo.objects.filter(pk__in=[p.pk for p in mine]).exists()
    assert list(FolderRemoval.objects.values_list("owner_id", flat=True)) == [user.pk]
    assert all(stored(name) for photo in mine for name in files(photo))  # not yet
    assert deletion.remove_files(user.pk) == 4
    assert_only_others_left(settings, user, mine, theirs, media)
    assert not FolderRemoval.objects.exists()
    assert deletion.remove_files(user.pk) == 0  # a second run (a redelivery) finds nothing: fine


def test_a_lost_message_is_sent_again_by_the_sweeper(
    media, uploads, user, settings, eager_tasks, django_capture_on_commit_callbacks
):  # noqa: ANN001
    mine, theirs = uploads
    with django_capture_on_commit_callbacks(execute=False):  # the message never went out
        get_user_model().objects.filter(pk=user.pk).delete()
    assert all(stored(name) for photo in mine for name in files(photo))
    assert deletion.resend_lost_removals() == [user.pk]
    assert_only_others_left(settings, user, mine, theirs, media)
    assert not FolderRemoval.objects.exists() and deletion.resend_lost_removals() == []


def test_a_worker_that_died_mid_way_is_sent_again_once_stale(uploads, user, settings, eager_tasks, monkeypatch):  # noqa: ANN001
    from datetime import timedelta

    from django.utils import timezone

    mine, theirs = uploads
    sent: list[int] = []
    monkeypatch.setattr(deletion, "remove_files", sent.append)  # the worker takes it and dies
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).delete()
    # (pytest-django's transaction never commits: send as the commit hook would.)
    assert deletion._send(user.pk, None) and sent == [user.pk]
    assert deletion.resend_lost_removals() == []  # queued just now: left to that worker
    later = timezone.now() + timedelta(seconds=settings.PHOTO_QUEUED_TIMEOUT + 1)
    assert deletion.resend_lost_removals(now=later) == [user.pk] and sent == [user.pk, user.pk]
    assert FolderRemoval.objects.get(owner_id=user.pk).sends == 2


def test_s3_removal_is_batched(s3_media, user, other_user, monkeypatch, django_capture_on_commit_callbacks):  # noqa: ANN001
    """DeleteObjects takes up to 1000 keys: 25 files in batches of 10 cost 3 LISTs + 3 batched
    deletes + the LIST that finds the folder empty (not 25 DELETEs)."""
    folder = photo_files.owner_folder(user.pk)
    for i in range(25):
        default_storage.save(f"{folder}/202601/{i:02}.jpg", ContentFile(b"x"))
    default_storage.save(f"{photo_files.owner_folder(other_user.pk)}/202601/keep.jpg", ContentFile(b"x"))
    monkeypatch.setattr(photo_files, "DELETE_BATCH", 10)
    sent: list[str] = []
    events = default_storage.connection.meta.client.meta.events

    def count(request, **_: object) -> None:  # noqa: ANN001
        sent.append(f"{request.method} {'delete' if 'delete' in request.url.split('?')[-1] else ''}".strip())

    events.register("before-send", count)
    try:
        with django_capture_on_commit_callbacks(execute=False):
            get_user_model().objects.filter(pk=user.pk).delete()
        assert sent == []  # nothing in the request
        assert deletion.remove_files(user.pk) == 25
    finally:
        events.unregister("before-send", count)
    assert sent == ["GET", "POST delete"] * 3 + ["GET"]
    assert s3_media.keys() == [f"{photo_files.owner_folder(other_user.pk)}/202601/keep.jpg"]
