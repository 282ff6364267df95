"""People and units named by id in an API body, resolved for the caller, a field error each.

    refs = OrgReferences(viewer)
    manager = refs.person("manager_id", payload.manager_id)
    leads = refs.people("lead_ids", payload.lead_ids)
    unit = refs.unit("unit_id", payload.unit_id, active_only=True)
    refs.check()  # ValidationError naming every bad field, if any

Each goes through the selectors that scope to the caller's organization, so another
organization's id is refused exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable

from mutuality.core.api.references import References
from mutuality.orgs.models import Person, Unit
from mutuality.orgs.selectors import people_with_ids, person_or_none, unit_or_none


class OrgReferences(References):
    def __init__(self, viewer: Person) -> None:
        super().__init__()
        self.viewer = viewer

    def person(self, field: str, pk: int | None, *, active_only: bool = False) -> Person | None:
        missing = f"No {'active ' if active_only else ''}person with this id in this organization."
        return self.one(
            field,
            pk,
            lambda pk: person_or_none(viewer=self.viewer, pk=pk, active_only=active_only),
            missing,
        )

    def unit(self, field: str, pk: int | None, *, active_only: bool = False) -> Unit | None:
        missing = f"No {'active ' if active_only else ''}unit with this id in this organization."
        return self.one(
            field,
            pk,
            lambda pk: unit_or_none(viewer=self.viewer, pk=pk, active_only=active_only),
            missing,
        )

    def people(self, field: str, pks: Iterable[int]) -> list[Person]:
        return self.many(
            field,
            pks,
            lambda ids: people_with_ids(viewer=self.viewer, ids=ids),
            "No person with this id in this organization.",
        )
