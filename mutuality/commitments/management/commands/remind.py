"""`mutuality remind`: the hourly run for due-date reminders and the 14-day issue rule.

Run it every hour from cron or a systemd timer, next to a running `mutuality worker`
(which sends the queued emails). Safe to run more often, or twice at once: each reminder
goes out once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mutuality.commitments.reminders import remind


class Command(BaseCommand):
    help = "Queue due-soon and overdue reminders and close issues left unanswered for 14 days."

    def handle(self, *args: Any, **options: Any) -> None:
        result = remind()
        self.stdout.write(
            f"Queued {result.due_soon} due-soon and {result.overdue} overdue reminder(s); "
            f"retried {result.retried}; closed {result.issues_closed} issue(s) without "
            "confirmation."
        )
