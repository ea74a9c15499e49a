"""A photo, its processing state and its description.

The row is the source of truth for a photo's progress (the queue only carries its id), and
the alt text a person accepted or wrote is kept apart from the model's suggestion, so a
later run can refresh the suggestion without ever touching the human's words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from captioning.model import DetectedObject as DescribedObject


class Photo(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PROCESSING = "processing", _("Processing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        REJECTED = "rejected", _("Rejected")

    class AltSource(models.TextChoices):
        NONE = "", _("Not reviewed")
        ACCEPTED = "accepted", _("Suggestion accepted")
        EDITED = "edited", _("Written by a person")
        DECORATIVE = "decorative", _("Decorative")

    class FailureReason(models.TextChoices):
        """Why a photo ended rejected (its file) or failed (the model, the settings, its attempts):
        a short code for metrics and machines, set with the status; ``status_message`` is the
        sentence for people. Empty on other photos, and on failures from before the code."""

        IMAGE_MISSING = "image_missing", "The stored image is missing"
        UNDECODABLE = "undecodable", "The image could not be decoded"
        NO_WEIGHTS = "no_weights", "No model weights are installed"
        BAD_SETTINGS = "bad_settings", "The segmenter settings cannot be used"
        MODEL_ERROR = "model_error", "The model failed on this photo"
        DEAD_LETTERED = "dead_lettered", "Set aside after too many attempts"

    # A run ended: nothing more happens to the photo unless someone retries it.
    FINISHED = frozenset({Status.DONE, Status.FAILED, Status.REJECTED})

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="photos")
    # Names in the default storage (layout: ``photos.files``); re-encoded JPEGs, never the uploaded bytes.
    image = models.CharField(max_length=200)
    thumbnail = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    status_message = models.TextField(blank=True)
    failure_reason = models.CharField(max_length=16, choices=FailureReason.choices, blank=True)
    # Deliveries that started processing (the queue has no retry count, so we keep our own);
    # at ``PHOTO_MAX_ATTEMPTS`` the photo is dead-lettered (failed, with the reason).
    attempts = models.PositiveIntegerField(default=0)
    # Why the last attempt did not finish (kept across re-queues; cleared when a run succeeds).
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # When a message for this photo was last sent to the queue (the sweeper's clock for 'queued').
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # The model's suggestion (replaced by every successful run).
    model_name = models.CharField(max_length=64, blank=True)
    suggested_alt = models.TextField(blank=True)
    long_description = models.TextField(blank=True)
    # Instances (RLE masks) and the captioner's mentions, for the photo page and later reruns.
    result = models.JSONField(null=True, blank=True)

    # The person's decision (never written by a run).
    accepted_alt = models.TextField(blank=True)
    # The language ``accepted_alt`` is in (issue 18): the one it was written or accepted in, kept
    # with it; a person's text is never re-rendered into another language. "" when decorative.
    accepted_alt_lang = models.CharField(max_length=8, blank=True)
    alt_source = models.CharField(max_length=12, choices=AltSource.choices, default=AltSource.NONE, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            # The sweeper's scan: unfinished photos by how long ago they were queued/started.
            models.Index(fields=["status", "enqueued_at"], name="photo_status_enqueued"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def is_reviewed(self) -> bool:
        return self.alt_source != self.AltSource.NONE

    @property
    def is_decorative(self) -> bool:
        return self.alt_source == self.AltSource.DECORATIVE

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def current_alt(self) -> str:
        """The alt text to publish: the person's when reviewed ('' for decorative), else the
        suggestion."""
        if self.is_reviewed:
            return self.accepted_alt
        return self.suggested_alt

    @property
    def thumbnail_alt(self) -> str:
        """``alt`` for this photo's thumbnail inside the app: the reviewed text first, then the
        suggestion, then the file name (so a thumbnail is never unnamed)."""
        if self.is_decorative:
            return f"Decorative photo {self.original_name}"
        return self.current_alt or f"Photo {self.original_name}, {self.get_status_display().lower()}"


class DetectedObject(models.Model):
    """One stated or possible instance, as a row so search can use indexes."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="detections")
    index = models.PositiveIntegerField(help_text="Instance id within the photo's result")
    label = models.CharField(max_length=40, db_index=True)
    score = models.FloatField()
    x0 = models.FloatField()
    y0 = models.FloatField()
    x1 = models.FloatField()
    y1 = models.FloatField()
    area_fraction = models.FloatField()
    position = models.CharField(max_length=40)
    size = models.CharField(max_length=40, blank=True)
    certainty = models.CharField(max_length=12)

    class Meta:
        ordering = ["photo", "index"]
        constraints = [models.UniqueConstraint(fields=["photo", "index"], name="unique_object_index")]

    @property
    def box(self) -> list[float]:
        return [self.x0, self.y0, self.x1, self.y1]

    @classmethod
    def of(cls, photo: Photo, obj: DescribedObject) -> DetectedObject:
        """The row of one of the description's objects (``Description.objects``)."""
        x0, y0, x1, y1 = obj.box
        return cls(
            photo=photo,
            index=obj.index,
            label=obj.label,
            score=obj.score,
            x0=x0,
            y0=y0,
            x1=x1,
            y1=y1,
            area_fraction=obj.area_fraction,
            position=obj.position,
            size=obj.size,
            certainty=obj.certainty,
        )


class FolderRemoval(models.Model):
    """A deleted owner's folder whose files are still to be removed (their rows are gone).

    Written in the transaction that deletes the user, so it exists exactly when that deletion
    committed; removed by the ``accounts.remove_files`` task once the folder is empty. The sweeper
    sends the task again for a row whose message was lost or whose worker died
    (``webapp.accounts.deletion``).
    """

    owner_id = models.PositiveBigIntegerField(unique=True)  # not a ForeignKey: the user is gone
    created_at = models.DateTimeField(default=timezone.now)
    # When the task was last queued (compare-and-set, so two sweepers never both send it).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveIntegerField(default=0)
