"""`mutuality export-people --org SLUG [--output FILE]`: the people CSV the import reads."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutuality.orgs.importing.people_csv import csv_text, people_export_rows
from mutuality.orgs.models import Organization


class Command(BaseCommand):
    help = "Export an organization's people as CSV, in the columns `import-people` reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organization's short name (slug)")
        parser.add_argument("--output", "-o", help="write to this file (default: standard output)")
        parser.add_argument(
            "--include-inactive",
            action="store_true",
            help="also list inactive people, with an `active` column",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"No organization has the short name “{options['org']}”.")
        rows = people_export_rows(
            org=org, viewer=None, include_inactive=options["include_inactive"]
        )
        if not options["output"]:
            for line in csv_text(rows):
                self.stdout.write(line, ending="")
            return
        try:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                out.writelines(csv_text(rows))
        except OSError as exc:
            raise CommandError(f"Cannot write {options['output']}: {exc.strerror or exc}") from exc
