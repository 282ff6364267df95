"""Registrations for issues, the trust ledger and the calendar, called from AppConfig.ready().

Kept apart from apps.py so that the commitments half and the closure half of the app each
register their own entries.
"""

from __future__ import annotations

from typing import Any

from mutuality.orgs.models import Person, Unit


def register() -> None:
    from mutuality.commitments.demo_history import demo_history_seed
    from mutuality.commitments.issue_selectors import issues_waiting_count, unit_issue_counts
    from mutuality.commitments.ledger import can_see_unit_ledger
    from mutuality.commitments.synthetic_issues import synthetic_issues_seed
    from mutuality.core.navigation import NavItem
    from mutuality.core.navigation import register as register_nav
    from mutuality.orgs import unit_sections
    from mutuality.orgs.demo import register_demo_extension
    from mutuality.orgs.synthetic import register_synthetic_extension

    def badge(person: Person) -> int:
        return issues_waiting_count(viewer=person)

    register_nav(NavItem(label="Issues", url_name="issues:list", order=15, badge=badge))
    register_nav(NavItem(label="Trust ledger", url_name="ledger:mine", order=50))

    def unit_issues(*, unit: Unit, viewer: Person) -> dict[str, Any]:
        return {
            "unit": unit,
            "counts": unit_issue_counts(unit=unit),
            "ledger": can_see_unit_ledger(viewer=viewer, unit=unit),
        }

    unit_sections.register("commitments/_unit_issues.html", unit_issues, order=15)
    register_demo_extension(demo_history_seed)
    register_synthetic_extension(synthetic_issues_seed)
