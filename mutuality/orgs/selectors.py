"""Reads of people and units that depend on who is looking.

Everything is scoped to the viewer's organization: an object of another organization is
never returned, and the `..._for_viewer` lookups raise Http404 for it, exactly as for an
object that does not exist. Inside an organization, people and units are open to every
member (DESIGN: open by default); only admins may list people who are no longer active.

The tree and reporting-line walks use recursive common table expressions (standard SQL,
the same text on SQLite and PostgreSQL), so a path or a chain costs one query whatever
its length.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from mutuality.orgs.models import Organization, Person, Unit
from mutuality.orgs.text import fold

# Django writes `is_active=True` as a bare `WHERE is_active`, which SQLite cannot match to
# the (org, is_active, name) directory index, so it sorts every row for each page; the
# equivalent `is_active IN (true)` is an equality it can use (PostgreSQL handles both).
ACTIVE = Q(is_active__in=[True])

# Walks stop after this many steps, so a cycle left by bad data cannot loop forever.
MAX_DEPTH = 100

_UNIT_ANCESTORS_SQL = """
WITH RECURSIVE chain(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM orgs_unit WHERE id = %s
    UNION ALL
    SELECT u.id, u.parent_id, chain.depth + 1
    FROM orgs_unit u JOIN chain ON u.id = chain.parent_id
    WHERE chain.depth < %s
)
SELECT u.* FROM orgs_unit u JOIN chain ON u.id = chain.id
WHERE chain.depth > 0 AND u.org_id = %s
ORDER BY chain.depth
"""

_IN_REPORTING_LINE_SQL = """
WITH RECURSIVE chain(id, manager_id, depth) AS (
    SELECT id, manager_id, 0 FROM orgs_person WHERE id = %s
    UNION ALL
    SELECT p.id, p.manager_id, chain.depth + 1
    FROM orgs_person p JOIN chain ON p.id = chain.manager_id
    WHERE chain.depth < %s
)
SELECT 1 FROM chain WHERE depth > 0 AND id = %s LIMIT 1
"""

# A lead of the person's own unit manages them, unless the person leads that unit too
# (co-leads are peers); a lead of any active unit above it manages them.
_LEADS_UNIT_ABOVE_SQL = """
WITH RECURSIVE chain(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM orgs_unit WHERE id = %s
    UNION ALL
    SELECT u.id, u.parent_id, chain.depth + 1
    FROM orgs_unit u JOIN chain ON u.id = chain.parent_id
    WHERE chain.depth < %s
)
SELECT 1 FROM chain
JOIN orgs_unit u ON u.id = chain.id
JOIN orgs_unit_leads l ON l.unit_id = chain.id
WHERE l.person_id = %s AND u.is_active
  AND NOT (
    chain.depth = 0
    AND EXISTS (SELECT 1 FROM orgs_unit_leads l2 WHERE l2.unit_id = chain.id AND l2.person_id = %s)
  )
LIMIT 1
"""

_MANAGED_IDS_SQL = """
WITH RECURSIVE reports(id, depth) AS (
    SELECT id, 1 FROM orgs_person WHERE manager_id = %s
    UNION ALL
    SELECT p.id, reports.depth + 1
    FROM orgs_person p JOIN reports ON p.manager_id = reports.id
    WHERE reports.depth < %s
),
led(id, depth) AS (
    SELECT u.id, 0 FROM orgs_unit u JOIN orgs_unit_leads l ON l.unit_id = u.id
    WHERE l.person_id = %s AND u.is_active
    UNION ALL
    SELECT u.id, led.depth + 1 FROM orgs_unit u JOIN led ON u.parent_id = led.id
    WHERE u.is_active AND led.depth < %s
)
SELECT id FROM reports
UNION
SELECT p.id FROM orgs_person p JOIN led ON p.unit_id = led.id
WHERE NOT (
    led.depth = 0
    AND EXISTS (SELECT 1 FROM orgs_unit_leads l2 WHERE l2.unit_id = led.id AND l2.person_id = p.id)
)
"""


# --- people ------------------------------------------------------------------------------------


def people_visible_to(
    *,
    viewer: Person,
    q: str = "",
    unit: Unit | int | None = None,
    manager: Person | int | None = None,
    include_inactive: bool = False,
    inactive_only: bool = False,
) -> QuerySet[Person]:
    """The directory: people of the viewer's organization, by name. The web directory, the
    API's people list and the suggestions while typing all search through this.

    Every word of `q` must appear in the person's name (whatever its case and accents:
    "tomas" finds "Tomás") or job title (whatever its case), so "support specialist" finds
    the support specialists and "mia support" finds Mia of Support. For admins a word may
    also match an email address or an employee id, which only they may search by.
    Inactive people are listed only when an admin asks for them (`include_inactive`, or
    `inactive_only`). `unit` and `manager` (objects or ids) filter on direct membership
    and direct reports.
    """
    people = Person.objects.filter(org_id=viewer.org_id)
    if viewer.is_admin and inactive_only:
        people = people.filter(is_active__in=[False])
    elif not (include_inactive and viewer.is_admin):
        people = people.filter(ACTIVE)
    for word in q.split():
        folded = fold(word)
        matches = Q(title__icontains=word)
        if folded:
            matches |= Q(search_name__contains=folded)
        if viewer.is_admin:
            matches |= Q(email__icontains=word) | Q(employee_id__icontains=word)
        people = people.filter(matches)
    if unit is not None:
        people = people.filter(unit_id=unit if isinstance(unit, int) else unit.pk)
    if manager is not None:
        people = people.filter(manager_id=manager if isinstance(manager, int) else manager.pk)
    # No joins: the API answers ids, the directory reads the names it shows as values
    # (orgs.presentation.as_rows), and joins would only make PostgreSQL plan longer.
    return people.order_by("name", "id")


def people_with_ids(*, viewer: Person, ids: set[int]) -> list[Person]:
    """The people of the viewer's organization (active or not) among `ids`."""
    return list(Person.objects.filter(org_id=viewer.org_id, pk__in=sorted(ids)))


def person_or_none(*, viewer: Person, pk: int, active_only: bool = False) -> Person | None:
    """One person of the viewer's organization, or None (`active_only`: active people)."""
    people = Person.objects.select_related("org", "unit", "manager", "user").filter(
        org_id=viewer.org_id, pk=pk
    )
    if active_only:
        people = people.filter(is_active=True)
    return people.first()


def person_for_viewer(*, viewer: Person, pk: int) -> Person:
    """One person of the viewer's organization (active or not), or Http404."""
    person = person_or_none(viewer=viewer, pk=pk)
    if person is None:
        raise Http404("No such person.")
    return person


def people_by_reference(*, viewer: Person, reference: str, limit: int = 2) -> list[Person]:
    """Active people of the viewer's organization that a typed reference names.

    An email address or employee id names at most one person; only when neither matches
    is the reference taken as an exact full name, whatever its case and accents, which may
    match several people — callers should ask for something more specific then.
    """
    reference = reference.strip()
    if not reference:
        return []
    active = Person.objects.filter(ACTIVE, org_id=viewer.org_id).order_by("name", "id")
    exact = list(active.filter(Q(email=reference.lower()) | Q(employee_id=reference))[:limit])
    if exact:
        return exact
    return list(active.filter(search_name=fold(reference))[:limit])


def reference_for(person: Person) -> str:
    """How to name a person in a form field read by `people_by_reference`."""
    return person.email or person.employee_id or person.name


def direct_reports(*, person: Person, limit: int) -> list[Person]:
    """Active people whose manager is `person`, by name (at most `limit`)."""
    return list(
        Person.objects.filter(ACTIVE, org_id=person.org_id, manager_id=person.pk)
        .select_related("unit")
        .order_by("name", "id")[:limit]
    )


def units_led_by(*, person: Person) -> list[Unit]:
    """The active units `person` leads, by name."""
    return list(
        Unit.objects.filter(org_id=person.org_id, leads=person, is_active=True).order_by(
            "name", "id"
        )
    )


def direct_report_count(*, person: Person) -> int:
    return Person.objects.filter(ACTIVE, org_id=person.org_id, manager_id=person.pk).count()


def people_count(*, org: Organization, without_unit: bool = False) -> int:
    """Active people in the organization (only those in no unit, if asked)."""
    people = Person.objects.filter(ACTIVE, org_id=org.pk)
    return people.filter(unit__isnull=True).count() if without_unit else people.count()


# --- managership -------------------------------------------------------------------------------


def manages(*, manager: Person, person: Person) -> bool:
    """Whether `manager` is one of `person`'s managers (derived, not a role).

    True when the manager is in the reporting line above the person, or leads an active
    unit above the person: the person's own unit (unless the person co-leads it) or any
    ancestor of it. Nobody manages themselves; an inactive person manages no one.
    """
    if manager.pk == person.pk or manager.org_id != person.org_id or not manager.is_active:
        return False
    with connection.cursor() as cursor:
        cursor.execute(_IN_REPORTING_LINE_SQL, [person.pk, MAX_DEPTH, manager.pk])
        if cursor.fetchone() is not None:
            return True
        if person.unit_id is None:
            return False
        cursor.execute(_LEADS_UNIT_ABOVE_SQL, [person.unit_id, MAX_DEPTH, manager.pk, person.pk])
        return cursor.fetchone() is not None


def people_managed_by(*, manager: Person) -> QuerySet[Person]:
    """Every active person `manager` manages, by the rule of `manages`, as one query."""
    if not manager.is_active:
        return Person.objects.none()
    # Constant SQL text; every value is a bound parameter.
    managed = RawSQL(_MANAGED_IDS_SQL, [manager.pk, MAX_DEPTH, manager.pk, MAX_DEPTH])  # noqa: S611
    return (
        Person.objects.filter(org_id=manager.org_id, is_active=True, pk__in=managed)
        .exclude(pk=manager.pk)
        .select_related("unit")
        .order_by("name", "id")
    )


# --- units -------------------------------------------------------------------------------------


def units_visible_to(
    *,
    viewer: Person,
    include_inactive: bool = False,
    retired_only: bool = False,
    parent: int | None = None,
) -> QuerySet[Unit]:
    """Units of the viewer's organization, by name; retired ones only when asked.

    `parent` keeps the direct sub-units of that unit (an id; another organization's
    matches nothing).
    """
    units = Unit.objects.filter(org_id=viewer.org_id)
    if retired_only:
        units = units.filter(is_active=False)
    elif not include_inactive:
        units = units.filter(is_active=True)
    if parent is not None:
        units = units.filter(parent_id=parent)
    return units.order_by("name", "id")


def unit_summaries(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """`units` with what a summary of each shows: `member_count` (active members) and the
    ids of its leads (prefetched, one query for the page)."""
    return units.annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True)
    ).prefetch_related(Prefetch("leads", queryset=Person.objects.only("id")))


def unit_summary_for_viewer(*, viewer: Person, pk: int) -> Unit:
    """One unit of the viewer's organization as `unit_summaries` has it, or Http404."""
    unit = unit_summaries(Unit.objects.filter(org_id=viewer.org_id, pk=pk)).first()
    if unit is None:
        raise Http404("No such unit.")
    return unit


def units_named(*, org: Organization, typed: str, limit: int) -> list[Unit]:
    """Active units whose name contains `typed` (any case), names starting with it first."""
    typed = typed.strip()
    units = Unit.objects.filter(org_id=org.pk, is_active=True, name__icontains=typed)
    found = list(units.order_by("name", "id")[: limit * 4])
    found.sort(key=lambda u: (not u.name.lower().startswith(typed.lower()), u.name.lower()))
    return found[:limit]


def unit_or_none(
    *, viewer: Person, pk: int | None = None, name: str = "", active_only: bool = False
) -> Unit | None:
    """One unit of the viewer's organization, by id or by name (any case), or None.

    Names are unique in an organization, so a name finds at most one. `active_only`
    leaves retired units out (for choosing a unit to ask, or to raise an issue with).
    """
    units = Unit.objects.select_related("org", "parent").filter(org_id=viewer.org_id)
    if active_only:
        units = units.filter(is_active=True)
    if pk is not None:
        return units.filter(pk=pk).first()
    name = name.strip()
    if name:
        return units.filter(name__iexact=name).first()
    return None


def unit_for_viewer(*, viewer: Person, pk: int) -> Unit:
    """One unit of the viewer's organization (active or retired), or Http404."""
    unit = unit_or_none(viewer=viewer, pk=pk)
    if unit is None:
        raise Http404("No such unit.")
    return unit


def unit_path(*, unit: Unit) -> list[Unit]:
    """The units above `unit`, root first (not including `unit` itself). One query, kept
    on `unit` (a unit's page asks for its breadcrumbs and again for who may see its
    ledger)."""
    cached: list[Unit] | None = getattr(unit, "_path_above", None)
    if cached is not None:
        return list(cached)
    ancestors = Unit.objects.raw(_UNIT_ANCESTORS_SQL, [unit.pk, MAX_DEPTH, unit.org_id])
    path: list[Unit] = []
    seen: set[int] = {unit.pk}
    for ancestor in ancestors:  # nearest first
        if ancestor.pk in seen:  # a cycle in bad data: stop where it starts repeating
            break
        seen.add(ancestor.pk)
        path.append(ancestor)
    unit._path_above = path[::-1]  # type: ignore[attr-defined]
    return list(unit._path_above)  # type: ignore[attr-defined]


def unit_count(*, org: Organization) -> int:
    return Unit.objects.filter(org_id=org.pk, is_active=True).count()


def unit_member_counts(*, org: Organization, unit_ids: list[int] | None = None) -> dict[int, int]:
    """Active members per unit (one aggregate query); units with nobody are absent."""
    people = Person.objects.filter(ACTIVE, org_id=org.pk, unit__isnull=False)
    if unit_ids is not None:
        people = people.filter(unit_id__in=unit_ids)
    rows = people.values_list("unit_id").annotate(n=Count("id")).order_by()
    return {unit_id: n for unit_id, n in rows}


def unit_lead_names(*, unit_ids: list[int]) -> dict[int, list[str]]:
    """The names of each unit's active leads, by name (one query).

    The query starts from the leads table (the units' ids are already the viewer's
    organization's), so it reads only those units' rows however big the organization.
    """
    rows = (
        Unit.leads.through.objects.filter(unit_id__in=unit_ids, person__is_active=True)
        .order_by("person__name", "person_id")
        .values_list("unit_id", "person__name")
    )
    names: dict[int, list[str]] = {}
    for unit_id, name in rows:
        names.setdefault(unit_id, []).append(name)
    return names


def sub_units(*, unit: Unit) -> list[Unit]:
    """The active units directly inside `unit`, by name, each with `member_count`."""
    return list(
        Unit.objects.filter(org_id=unit.org_id, parent_id=unit.pk, is_active=True)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name", "id")
    )


@dataclass(eq=False)
class UnitNode:
    """One unit in a `UnitTree`: just what lists, pickers and the chart need."""

    pk: int
    name: str
    parent_id: int | None
    is_active: bool
    depth: int = 0
    children: list[UnitNode] = field(default_factory=list)
    _size: int | None = field(default=None, repr=False)

    @property
    def descendant_count(self) -> int:
        """How many units are below this one, at any depth."""
        if self._size is None:
            total = 0
            stack = list(self.children)
            while stack:
                node = stack.pop()
                total += 1
                stack.extend(node.children)
            self._size = total
        return self._size


@dataclass
class UnitTree:
    roots: list[UnitNode]
    nodes: dict[int, UnitNode]

    def __len__(self) -> int:
        return len(self.nodes)

    def walk(self, start: list[UnitNode] | None = None) -> Iterator[UnitNode]:
        """Every node depth-first, parents before children, siblings by name."""
        stack = list(reversed(self.roots if start is None else start))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def path(self, pk: int) -> list[UnitNode]:
        """The nodes above `pk`, root first."""
        path: list[UnitNode] = []
        node = self.nodes.get(pk)
        while node is not None and node.parent_id is not None:
            node = self.nodes.get(node.parent_id)
            if node is None or node in path:
                break
            path.append(node)
        return list(reversed(path))

    def subtree_ids(self, pk: int) -> set[int]:
        """`pk` and every unit below it."""
        node = self.nodes.get(pk)
        return {n.pk for n in self.walk([node])} if node is not None else set()

    def choices(self, *, exclude: set[int] | None = None) -> list[tuple[int, str]]:
        """(pk, label) pairs for a picker, indented by depth, in tree order."""
        skip = exclude or set()
        indent = "\u00a0\u00a0\u00a0"
        return [(n.pk, indent * n.depth + n.name) for n in self.walk() if n.pk not in skip]


def unit_tree(*, org: Organization, include_inactive: bool = False) -> UnitTree:
    """The organization's whole unit tree from one query, assembled in Python.

    A unit whose parent is missing (retired and not included, or bad data) becomes a root,
    and so does a unit caught in a cycle, so every unit appears exactly once.
    """
    units = Unit.objects.filter(org_id=org.pk)
    if not include_inactive:
        units = units.filter(is_active=True)
    rows = units.order_by("name", "id").values_list("pk", "name", "parent_id", "is_active")
    nodes = {
        pk: UnitNode(pk, name, parent_id, is_active) for pk, name, parent_id, is_active in rows
    }
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    tree = UnitTree(roots=roots, nodes=nodes)
    reached = _set_depths(roots)
    if len(reached) < len(nodes):
        for node in nodes.values():
            if node.pk not in reached:
                # Break the cycle here: detach from its parent and treat it as a root.
                parent = nodes[node.parent_id] if node.parent_id is not None else None
                if parent is not None:
                    parent.children.remove(node)
                roots.append(node)
                reached |= _set_depths([node])
    return tree


def _set_depths(start: list[UnitNode]) -> set[int]:
    reached: set[int] = set()
    stack = [(node, 0) for node in start]
    while stack:
        node, depth = stack.pop()
        if node.pk in reached:
            continue
        reached.add(node.pk)
        node.depth = depth
        stack.extend((child, depth + 1) for child in node.children)
    return reached
