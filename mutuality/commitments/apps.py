"""The commitments app: conversations for action, issues, the trust ledger, the calendar feed.

One app label (`commitments`) and one models package, in sub-packages of the same shape:
`commitments/` (requests, offers and promises), `issues/`, `ledger/`, `calendar/` and
`history/` (months of history written in bulk for the demo and the benchmarks). Each
registers what it adds to the rest of the product here: navigation entries, sections of
a unit's page, demo and synthetic data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "mutuality.commitments"
    label = "commitments"
    verbose_name = "Commitments and closure"

    def ready(self) -> None:
        from mutuality.commitments.commitments.presentation import table_rows
        from mutuality.commitments.commitments.reminders import remind
        from mutuality.commitments.commitments.selectors import (
            my_work_waiting,
            unit_open_commitments,
        )
        from mutuality.commitments.history.demo import demo_history_seed
        from mutuality.commitments.history.synthetic_commitments import (
            synthetic_commitments_seed,
        )
        from mutuality.commitments.history.synthetic_issues import synthetic_issues_seed
        from mutuality.commitments.issues.selectors import issues_waiting, unit_issue_counts
        from mutuality.commitments.issues.services import issue_close_unconfirmed
        from mutuality.commitments.ledger.selectors import can_see_unit_ledger
        from mutuality.core import jobs
        from mutuality.core.navigation import NavItem, register
        from mutuality.orgs import unit_sections
        from mutuality.orgs.demo import register_demo_extension
        from mutuality.orgs.models import Person, Unit
        from mutuality.orgs.synthetic import register_synthetic_extension

        register(
            NavItem(
                label="My work",
                url_name="commitments:my_work",
                order=10,
                badge=lambda viewer, today: my_work_waiting(viewer=viewer, today=today),
            )
        )
        register(
            NavItem(
                label="Issues",
                url_name="issues:list",
                order=15,
                badge=lambda viewer, today: issues_waiting(viewer=viewer),
            )
        )
        register(NavItem(label="Trust ledger", url_name="ledger:mine", order=50))
        register(
            NavItem(label="Calendar feed", url_name="calendar:settings", order=30, menu="user")
        )

        def open_commitments(*, unit: Unit, viewer: Person) -> dict[str, Any]:
            items, count = unit_open_commitments(unit=unit)
            return {"unit": unit, "rows": table_rows(items, viewer=viewer), "count": count}

        def unit_issues(*, unit: Unit, viewer: Person) -> dict[str, Any]:
            return {
                "unit": unit,
                "counts": unit_issue_counts(unit=unit),
                "ledger": can_see_unit_ledger(viewer=viewer, unit=unit),
            }

        unit_sections.register("commitments/_unit_section.html", open_commitments, order=10)
        unit_sections.register("commitments/issues/_unit_section.html", unit_issues, order=15)

        def reminders(now: dt.datetime) -> str:
            return str(remind(now=now))

        def fourteen_day_rule(now: dt.datetime) -> str:
            return f"closed {issue_close_unconfirmed(now=now)} issue(s) without confirmation"

        jobs.register(jobs.PeriodicJob("due-date reminders", reminders, order=10))
        jobs.register(jobs.PeriodicJob("the 14-day rule for issues", fourteen_day_rule, order=20))
        register_demo_extension(demo_history_seed)
        register_synthetic_extension(synthetic_commitments_seed)
        register_synthetic_extension(synthetic_issues_seed)
