"""``manage.py learn_salience``: refit what the alt text names first with this deployment's reviewed
alt texts (see ``webapp.photos.learning``), report whether it agrees with people better than the
model in use on held-out reviews, and write it where ``CAPTION_SALIENCE_FILE`` can point."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from webapp.photos.learning import NotEnoughReviews, learn_salience


class Command(BaseCommand):
    help = "Refit the salience model with the alt texts people accepted or wrote here; write it to --out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, default=None, help="where to write the model (default: DATA_DIR/salience.json)"
        )
        parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
        parser.add_argument(
            "--edited-only", action="store_true", help="learn only from alt texts a person wrote, not accepted ones"
        )
        parser.add_argument("--min-photos", type=int, default=30, help="refuse with fewer reviewed photos (30)")

    def handle(
        self, *args: object, out: Path | None, dry_run: bool, edited_only: bool, min_photos: int, **_: object
    ) -> None:
        target = None if dry_run else (out or Path(settings.DATA_DIR) / "salience.json")
        try:
            report = learn_salience(
                target,
                edited_only=edited_only,
                min_photos=min_photos,
                command=" ".join(
                    ["manage.py learn_salience", f"--out {target}", f"--min-photos {min_photos}"]
                    + (["--edited-only"] if edited_only else [])
                ),
            )
        except NotEnoughReviews as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(report.to_dict(), indent=1))
        cv = report.cross_validation
        verdict = (
            "names what people keep better than the model in use"
            if cv["refit"]["f1"] > cv["in_use"]["f1"]
            else "is no better than the model in use on these reviews: keep that one"
        )
        self.stdout.write(
            f"Held-out reviews ({cv['folds']} folds): F1 {cv['refit']['f1']} refitted vs "
            f"{cv['in_use']['f1']} in use ({', '.join(cv['in_use_models'])}); the refitted model {verdict}."
        )
        if target is not None:
            self.stdout.write(f"Wrote {target}. To use it: CAPTION_SALIENCE_FILE={target}, then restart the worker.")
