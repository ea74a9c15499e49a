"""``make run``: broker + worker + web in one command, with a demo login."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from webapp.devstack import Stack, wait_forever
from webapp.photos.pipeline import model_problem, segmenter_config


class Command(BaseCommand):
    help = "Start Redis (or the embedded broker), a Celery worker and the web server; Ctrl-C stops all."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: object, port: int, **options: object) -> None:
        call_command("migrate", "--noinput", verbosity=0)
        password = self.demo_password(Path(settings.DATA_DIR))
        stack = Stack(data_dir=Path(settings.DATA_DIR), web_port=port, redis_port=settings.DEV_REDIS_PORT, echo=True)
        stack.start()
        problem = model_problem()
        segmenter = segmenter_config()
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Alt Text Studio is running at {stack.url}/",
                    f"  Log in as 'demo' with password '{password}', or sign up for your own account.",
                    f"  Broker: {stack.broker}: {stack.broker_note}",
                    f"  Model: {segmenter.backend}" + (f" ({segmenter.weights})" if segmenter.weights else ""),
                    f"  Sweeper: every {settings.SWEEP_INTERVAL} s re-sends photos stuck in the queue; "
                    f"dead-letters after {settings.PHOTO_MAX_ATTEMPTS} attempts.",
                    f"  WARNING: {problem}" if problem else "",
                    "  Press Ctrl-C to stop.",
                    "",
                ]
            )
        )
        wait_forever(stack)

    def demo_password(self, data_dir: Path) -> str:
        """A local demo account whose password is made once per install and kept in DATA_DIR."""
        path = data_dir / "demo_password"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(9))
            path.chmod(0o600)
        password = path.read_text().strip()
        user, _ = get_user_model().objects.get_or_create(username="demo")
        if not user.check_password(password):
            user.set_password(password)
            user.save()
        return password
