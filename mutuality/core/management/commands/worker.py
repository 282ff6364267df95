"""`mutuality worker`: run background jobs, and the hourly reminders, until stopped.

The jobs come from the database queue (django-tasks' `db_worker`, whose options all
apply). Beside them, the worker runs `mutuality remind` (due-date reminders and the 14-day
issue rule) once at start and then every `--remind-every` seconds, so a running worker is
all an installation needs. Several workers may run at once: a reminder is recorded before
it is queued, so each goes out once whichever worker finds it.
"""

from __future__ import annotations

import logging
import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger("mutuality.worker")

HOUR = 3600


def run_reminders() -> str:
    """One run of `mutuality remind`, as a line for the log."""
    from mutuality.commitments.reminders import remind

    result = remind()
    return (
        f"reminders: queued {result.due_soon} due-soon and {result.overdue} overdue; "
        f"retried {result.retried}; closed {result.issues_closed} issue(s) without confirmation"
    )


def _remind_forever(every: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            logger.info(run_reminders())
        except Exception:  # a failed run must not end the loop; the next one retries
            logger.exception("The reminder run failed; it is tried again in %s s.", every)
        finally:
            # This thread's own connection: not held open for the hour between runs.
            connection.close()
        stop.wait(every)


class Command(DbWorkerCommand):
    help = (
        "Run background jobs from the database queue until stopped, and the due-date "
        "reminders and the 14-day issue rule every hour."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--remind-every",
            type=int,
            default=HOUR,
            metavar="SECONDS",
            help=(
                "Seconds between reminder runs (default: an hour). 0 turns them off, for "
                "an installation that runs `mutuality remind` from cron instead."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every: int = options.pop("remind_every")
        if every < 0:
            every = 0
        # With --reload the command runs twice (a watcher and its child); only the child,
        # or a worker without reloading, runs the reminders.
        reloading = options.get("reload") and not options.get("batch")
        is_worker_process = not reloading or os.environ.get("RUN_MAIN") == "true"
        stop = threading.Event()
        if every and is_worker_process:
            if options.get("batch"):
                # Run what is due now, then the queued jobs (its emails among them), then exit.
                self.stdout.write(run_reminders())
            else:
                threading.Thread(
                    target=_remind_forever, args=(every, stop), name="reminders", daemon=True
                ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
