"""Periodic jobs: work that runs on the clock, registered by the apps that own it.

Due-date reminders and the 14-day rule for issues are examples. An app registers each of
its jobs from AppConfig.ready(), so core never imports a capability:

    from mutuality.core.jobs import PeriodicJob, register

    register(PeriodicJob("due-date reminders", run_reminders, order=10))

`mutuality worker` runs every registered job once when it starts and then every hour
(`--remind-every`); `mutuality remind` runs them all once, for installations that drive
them from cron. A job must be safe to run twice at once (two workers, or a worker and
cron) and returns one line for the log, saying what it did.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    # Called with the time of the run; returns what it did, in words, for the log.
    run: Callable[[dt.datetime], str]
    order: int = 100


_jobs: dict[str, PeriodicJob] = {}


def register(job: PeriodicJob) -> None:
    """Add (or replace, by name) a periodic job."""
    _jobs[job.name] = job


def registered() -> list[PeriodicJob]:
    """Every registered job, in the order they run."""
    return sorted(_jobs.values(), key=lambda j: (j.order, j.name))


@dataclass(frozen=True)
class JobRun:
    job: str
    ok: bool
    summary: str

    def __str__(self) -> str:
        return f"{self.job}: {self.summary}"


def run_all(*, now: dt.datetime | None = None) -> list[JobRun]:
    """Run every job once, in order, and say how each went.

    A job that fails is logged with its traceback and reported as failed; the others
    still run.
    """
    now = now or timezone.now()
    runs = []
    for job in registered():
        try:
            runs.append(JobRun(job.name, True, job.run(now)))
        except Exception:  # one failed job must not keep the others from running
            logger.exception("The periodic job %r failed.", job.name)
            runs.append(JobRun(job.name, False, "failed; the log has the details"))
    return runs
