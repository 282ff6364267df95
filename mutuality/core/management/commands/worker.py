"""`mutuality worker`: run background jobs, and the periodic jobs every hour, until stopped.

The background jobs come from the database queue (django-tasks' `db_worker`, whose options
all apply). Beside them, the worker runs the periodic jobs the apps registered
(`mutuality.core.jobs`: due-date reminders, the 14-day rule for issues…) once at start and
then every `--remind-every` seconds, as `mutuality remind` does once, so a running worker is
all an installation needs. Several workers may run at once: every periodic job is safe to
run twice (a reminder is recorded before it is queued, so each goes out once).
"""

from __future__ import annotations

import logging
import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from mutuality.core.jobs import run_all

logger = logging.getLogger("mutuality.worker")

HOUR = 3600


def run_periodic_jobs() -> str:
    """One run of every periodic job (as `mutuality remind`), as a line for the log."""
    return "; ".join(str(run) for run in run_all())


def _remind_forever(every: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            logger.info(run_periodic_jobs())
        except Exception:  # a failed run must not end the loop; the next one retries
            logger.exception("The periodic jobs failed; they run again in %s s.", every)
        finally:
            # This thread's own connection: not held open for the hour between runs.
            connection.close()
        stop.wait(every)


class Command(DbWorkerCommand):
    help = (
        "Run background jobs from the database queue until stopped, and the periodic jobs "
        "(due-date reminders, the 14-day rule for issues) every hour."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--remind-every",
            type=int,
            default=HOUR,
            metavar="SECONDS",
            help=(
                "Seconds between runs of the periodic jobs (default: an hour). 0 turns them "
                "off, for an installation that runs `mutuality remind` from cron instead."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every: int = options.pop("remind_every")
        if every < 0:
            every = 0
        # With --reload the command runs twice (a watcher and its child); only the child,
        # or a worker without reloading, runs the periodic jobs.
        reloading = options.get("reload") and not options.get("batch")
        is_worker_process = not reloading or os.environ.get("RUN_MAIN") == "true"
        stop = threading.Event()
        if every and is_worker_process:
            if options.get("batch"):
                # Run what is due now, then the queued jobs (its emails among them), then exit.
                self.stdout.write(run_periodic_jobs())
            else:
                threading.Thread(
                    target=_remind_forever, args=(every, stop), name="periodic-jobs", daemon=True
                ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
