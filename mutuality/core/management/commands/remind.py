"""`mutuality remind`: run every periodic job once (due-date reminders, the 14-day rule…).

Run it every hour from cron or a systemd timer when the workers are started with
`--remind-every 0`; a running `mutuality worker` sends the emails it queues. Safe to run
more often, or twice at once: each job is (each reminder goes out once).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mutuality.core.jobs import run_all


class Command(BaseCommand):
    help = (
        "Run every periodic job once: queue due-soon and overdue reminders, close issues "
        "left unanswered for 14 days."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        runs = run_all()
        for run in runs:
            self.stdout.write(str(run))
        failed = [run.job for run in runs if not run.ok]
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}.")
