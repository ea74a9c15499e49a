"""``manage.py import_coco INSTANCES.json IMAGES_DIR --user USERNAME``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from webapp.photos.coco_import import ImportFailed, import_coco


class Command(BaseCommand):
    help = (
        "Import a COCO-format dataset as photos of a user, described from the annotations (no model run). "
        "Re-running updates the photos already imported (matched by file name); crowd regions are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("annotations", type=Path, help="COCO instances JSON file")
        parser.add_argument("images", type=Path, help="folder holding the images named in the file")
        parser.add_argument("--user", required=True, help="username who will own the photos")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}; create the account first.")
        try:
            report = import_coco(options["annotations"], options["images"], user)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from None
        for name, why in report.rejected:
            self.stderr.write(f"{name}: {why}")
        if report.missing:
            self.stderr.write(f"{len(report.missing)} image(s) named in the file are not in the folder.")
        self.stdout.write(
            f"{len(report.created)} photo(s) imported, {len(report.updated)} updated, "
            f"{len(report.rejected)} rejected, {report.crowd_skipped} crowd region(s) skipped."
        )
