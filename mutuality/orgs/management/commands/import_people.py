"""`mutuality import-people FILE --org SLUG [--full] [--dry-run]`: the web import, from a shell."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutuality.orgs.importing.services import import_people
from mutuality.orgs.importing.state import ImportResult, PlanEntry
from mutuality.orgs.models import Organization

# Without -v 2, each list of people is cut to this many lines; problems are always all shown.
LISTED = 20


class Command(BaseCommand):
    help = (
        "Import people from a CSV file (name, email or employee id, manager email or manager "
        "id, department, title, role). Writes nothing if any row has a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file, or - to read standard input")
        parser.add_argument("--org", required=True, help="the organization's short name (slug)")
        parser.add_argument(
            "--full",
            action="store_true",
            help="people of the organization missing from the file become inactive",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and show the plan; write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"No organization has the short name “{options['org']}”.")
        path = options["file"]
        try:
            data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        result = import_people(
            org=org,
            actor=None,
            data=data,
            full=options["full"],
            dry_run=options["dry_run"],
            filename=Path(path).name if path != "-" else "",
        )
        self._report(org, result, everything=options["verbosity"] >= 2)
        if result.errors:
            raise CommandError(f"{len(result.errors)} problem(s): nothing was written.")
        if result.applied:
            self.stdout.write(self.style.SUCCESS(result.summary()))
        else:
            self.stdout.write("Dry run: nothing was written.")

    def _report(self, org: Organization, result: ImportResult, *, everything: bool) -> None:
        mode = "full" if result.full else "partial"
        self.stdout.write(f"{org.name}: {mode} import of {result.rows} rows")
        for label, count in (
            ("to create", len(result.to_create)),
            ("to update", len(result.to_update)),
            ("to deactivate", len(result.to_deactivate)),
            ("unchanged", result.unchanged),
            ("units to create", len(result.units_to_create)),
        ):
            self.stdout.write(f"  {label:<16}{count}")
        for notice in result.notices:
            self.stdout.write(f"Note: {notice}")
        if result.units_to_create:
            self.stdout.write("Units to create: " + ", ".join(result.units_to_create))
        self._list("Create", result.to_create, everything)
        self._list("Update", result.to_update, everything)
        self._list("Deactivate", result.to_deactivate, everything)
        if result.errors:
            self.stdout.write(self.style.ERROR(f"Problems ({len(result.errors)}):"))
            for problem in result.errors:
                self.stdout.write(f"  {problem}")

    def _list(self, verb: str, entries: list[PlanEntry], everything: bool) -> None:
        if not entries:
            return
        self.stdout.write(f"{verb}:")
        shown = entries if everything else entries[:LISTED]
        for entry in shown:
            where = f"row {entry.row}: " if entry.row else ""
            changes = "; ".join(f"{c.field} “{c.before}” → “{c.after}”" for c in entry.changes)
            line = f"  {where}{entry.name} <{entry.key}>" + (f" ({changes})" if changes else "")
            self.stdout.write(line)
        if len(shown) < len(entries):
            self.stdout.write(f"  … and {len(entries) - len(shown)} more (-v 2 lists all)")
