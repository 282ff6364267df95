"""`mutuality demo`: migrate, seed the demo organizations (once), print the logins, serve."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutuality.core.management.commands.serve import default_port
from mutuality.orgs.demo import DEMO_SEED, SECOND_NAME, demo_seed


class Command(BaseCommand):
    help = "Set up the database, seed the demo organization and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=None, help="Port to serve on (default: $PORT or 8000)."
        )
        parser.add_argument("--host", default="127.0.0.1", help="Address to serve on.")
        parser.add_argument("--no-serve", action="store_true", help="Set up and seed, then stop.")
        parser.add_argument(
            "--seed", type=int, default=DEMO_SEED, help="Randomness seed for the demo names."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port: int = default_port() if options["port"] is None else options["port"]
        host: str = options["host"]
        try:
            self.stdout.write("Preparing the database…")
            call_command("migrate", interactive=False, verbosity=0)
            started = time.perf_counter()
            result = demo_seed(seed=options["seed"])
        except KeyboardInterrupt:
            raise CommandError("Interrupted. Nothing half-made was kept; run it again.") from None
        if result.created:
            took = time.perf_counter() - started
            self.stdout.write(f"Seeded {result.org.name} in {took:.1f} s.")
        else:
            self.stdout.write(f"{result.org.name} exists already; nothing was added.")

        shown = f"[{host}]" if ":" in host else host
        base = f"http://{shown}:{port}"
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"{result.org.name} — log in at {base}/accounts/login/")
        )
        self.stdout.write(f"Every demo login uses the password: {result.password}")
        self.stdout.write("")
        rows = [("who", "email", "name and title")] + [
            (login.kind, login.email, f"{login.name}, {login.title}") for login in result.logins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        for kind, email, who in rows:
            self.stdout.write(f"  {kind:<{widths[0]}}  {email:<{widths[1]}}  {who}")
        self.stdout.write("")
        admin = result.logins[0]
        self.stdout.write(
            f"{admin.name} is also a member of {SECOND_NAME}: switch organizations from the menu."
        )
        self.stdout.write("")
        if not options["no_serve"]:
            call_command("serve", port=port, host=host)
