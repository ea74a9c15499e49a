"""``manage.py rebuild_search_index [--user USERNAME]``: rewrite the search index from the stored results."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from webapp.search.services import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search index of every photo (or of one user's photos)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="only this user's photos")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = None
        if options.get("user"):
            owner = get_user_model().objects.filter(username=options["user"]).first()
            if owner is None:
                raise CommandError(f"No user named {options['user']!r}.")
        self.stdout.write(f"{rebuild_index(owner)} photo(s) indexed.")
