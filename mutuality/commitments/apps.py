from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "mutuality.commitments"
    label = "commitments"
    verbose_name = "Commitments and closure"

    def ready(self) -> None:
        from mutuality.commitments.presentation import table_rows
        from mutuality.commitments.selectors import my_work_counts, unit_open_commitments
        from mutuality.core.navigation import NavItem, register
        from mutuality.orgs import unit_sections
        from mutuality.orgs.models import Person, Unit

        def badge(person: Person) -> int:
            return my_work_counts(viewer=person)

        register(NavItem(label="My work", url_name="commitments:my_work", order=10, badge=badge))

        def open_commitments(*, unit: Unit, viewer: Person) -> dict[str, Any]:
            items, count = unit_open_commitments(unit=unit)
            return {"unit": unit, "rows": table_rows(items, viewer=viewer), "count": count}

        unit_sections.register("commitments/_unit_section.html", open_commitments, order=10)

        from mutuality.commitments.synthetic import synthetic_commitments_seed
        from mutuality.orgs.synthetic import register_synthetic_extension

        register_synthetic_extension(synthetic_commitments_seed)

        # Issues, the trust ledger, the calendar feed, demo and benchmark history.
        from mutuality.commitments.closure_hooks import register as register_closure

        register_closure()
