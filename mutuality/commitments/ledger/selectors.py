"""Whose trust ledger the viewer may see: their own, and the units they lead (or all units,
for admins and facilitators). A person's own ledger is theirs alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from mutuality.orgs.models import Person, Role, Unit
from mutuality.orgs.selectors import UnitNode, person_or_none, unit_or_none, unit_path, unit_tree


@dataclass(frozen=True)
class Subject:
    person: Person | None = None
    unit: Unit | None = None

    @property
    def is_unit(self) -> bool:
        return self.unit is not None

    @property
    def name(self) -> str:
        return str(self.unit if self.unit is not None else self.person)


def _led_unit_ids(viewer: Person) -> set[int]:
    return set(
        Unit.leads.through.objects.filter(
            person_id=viewer.pk, unit__org_id=viewer.org_id
        ).values_list("unit_id", flat=True)
    )


def may_see_unit_ledger(
    viewer: Person, chain: list[tuple[int, bool]], led_ids: set[int] | None = None
) -> bool:
    """The one rule for a unit's ledger, given the unit and the units above it.

    `chain` is (id, is_active) from the unit up to its root. Only active units have a
    ledger. Admins and facilitators see every one; anyone else the units they lead and
    every unit below those, through active units only (a retired unit cuts the line, as
    it does in the unit tree).
    """
    if not viewer.is_active or not chain or not chain[0][1]:
        return False
    if viewer.role in (Role.ADMIN, Role.FACILITATOR):
        return True
    led = _led_unit_ids(viewer) if led_ids is None else led_ids
    for unit_id, is_active in chain:
        if not is_active:
            return False
        if unit_id in led:
            return True
    return False


def units_for_ledger(*, viewer: Person) -> list[UnitNode]:
    """The units whose ledger the viewer may see, in tree order (each with its depth).

    `may_see_unit_ledger` decides, for every active unit. Two queries: the active tree,
    and the units the viewer leads.
    """
    tree = unit_tree(org=viewer.org)
    if viewer.role in (Role.ADMIN, Role.FACILITATOR):
        return [n for n in tree.walk() if may_see_unit_ledger(viewer, [(n.pk, True)])]
    led = _led_unit_ids(viewer)
    visible: list[UnitNode] = []
    for node in tree.walk():
        chain: list[tuple[int, bool]] = []
        current: UnitNode | None = node
        while current is not None and len(chain) <= len(tree):
            chain.append((current.pk, current.is_active))
            parent_id = current.parent_id
            current = tree.nodes.get(parent_id) if parent_id is not None else None
        if may_see_unit_ledger(viewer, chain, led):
            visible.append(node)
    return visible


def can_see_unit_ledger(*, viewer: Person, unit: Unit) -> bool:
    """Whether the viewer may see `unit`'s ledger (`may_see_unit_ledger`). At most two
    queries: the units above it, and the units the viewer leads."""
    if unit.org_id != viewer.org_id:
        return False
    if viewer.role in (Role.ADMIN, Role.FACILITATOR):
        return may_see_unit_ledger(viewer, [(unit.pk, unit.is_active)])
    above = [(u.pk, u.is_active) for u in reversed(unit_path(unit=unit))]
    return may_see_unit_ledger(viewer, [(unit.pk, unit.is_active), *above])


def ledger_subject_for_viewer(
    *, viewer: Person, person_pk: int | None = None, unit_pk: int | None = None
) -> Subject:
    """The ledger the viewer asked for, if they may see it.

    A person's own ledger is theirs alone: anyone else's is refused (PermissionDenied),
    managers and admins included — they see unit aggregates. A unit's ledger is refused
    unless `units_for_ledger` allows it. Something outside the viewer's organization, or
    that does not exist, is Http404.
    """
    if unit_pk is not None:
        unit = unit_or_none(viewer=viewer, pk=unit_pk)
        if unit is None:
            raise Http404
        if not can_see_unit_ledger(viewer=viewer, unit=unit):
            raise PermissionDenied(
                "A unit's ledger is open to its leads, the leads above it, admins and facilitators."
            )
        return Subject(unit=unit)
    if person_pk is None or person_pk == viewer.pk:
        return Subject(person=viewer)
    if person_or_none(viewer=viewer, pk=person_pk) is None:
        raise Http404
    raise PermissionDenied("A person's ledger is open only to that person.")
