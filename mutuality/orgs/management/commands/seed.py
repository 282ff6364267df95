"""`mutuality seed --size S|M|L`: a synthetic organization for benchmarks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutuality.orgs.synthetic import SIZES, synthetic_org_create


class Command(BaseCommand):
    help = "Build a synthetic organization: S = 200 people, M = 2,000, L = 20,000 in 2,000 units."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size", required=True, type=str.upper, choices=list(SIZES), help="S, M or L."
        )
        parser.add_argument("--org", default="", help="Slug (default: synthetic-<size>).")
        parser.add_argument(
            "--seed", type=int, default=1, help="Randomness seed (same seed, same org)."
        )
        parser.add_argument(
            "--replace", action="store_true", help="Delete an existing org with this slug first."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = synthetic_org_create(
                size=options["size"],
                slug=options["org"],
                seed=options["seed"],
                replace=options["replace"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {result.org.slug}: {result.people:,} people in {result.units:,} units "
                f"in {result.seconds:.1f} s."
            )
        )
        for step, seconds in result.timings.items():
            self.stdout.write(f"  {seconds:6.1f} s  {step}")
        self.stdout.write(f"Every login uses the password: {result.password}")
        for kind, email in result.logins.items():
            self.stdout.write(f"  {kind:<12} {email}")
