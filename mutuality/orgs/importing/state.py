"""The state of a people import's plan, shared by its steps, and what the plan shows.

`PlanState` holds the organization as it is (people and units, read once), the file's
rows, and what the steps find; the steps are mixins in rows.py, tree.py, changes.py and
writing.py, put together in planner.py. Nodes of the reporting tree are rows of the file
or people not in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from mutuality.orgs.importing.people_csv import ParsedFile, Problem, SourceRow
from mutuality.orgs.models import Organization, Person, Role, Unit
from mutuality.orgs.services import PERSON_FIELDS

ROLE_VALUES = {value for value, _ in Role.choices}
PREVIEW = 3

# ("row", index into the rows being imported) or ("person", pk of someone not in the file).
Node = tuple[str, int]


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass
class PlanEntry:
    """One person the import creates, updates or deactivates, as the plan shows them."""

    row: int | None
    name: str
    key: str
    manager: str = ""
    department: str = ""
    changes: list[Change] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did, or would do (a dry run, or one with problems, writes nothing)."""

    full: bool
    dry_run: bool
    filename: str = ""
    rows: int = 0
    errors: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    to_create: list[PlanEntry] = field(default_factory=list)
    to_update: list[PlanEntry] = field(default_factory=list)
    to_deactivate: list[PlanEntry] = field(default_factory=list)
    unchanged: int = 0
    units_to_create: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        counts = (
            f"{len(self.to_create)} created, {len(self.to_update)} updated, "
            f"{len(self.to_deactivate)} deactivated"
        )
        return f"Imported: {counts}" if self.applied else f"Would import: {counts}"


@dataclass
class Row:
    src: SourceRow
    email: str = ""
    employee_id: str = ""
    person: Person | None = None
    manager: Node | None = None
    # False when the manager named could not be resolved: neither top nor part of a cycle.
    manager_ok: bool = True
    changes: list[Change] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.src.name


def _valid_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _preview(names: Sequence[str], total: int) -> str:
    shown = ", ".join(names[:PREVIEW])
    return shown if total <= PREVIEW else f"{shown} and {total - PREVIEW} more"


class PlanState:
    """What the steps of a plan share: the organization as it is, and the file's rows."""

    def __init__(
        self, *, org: Organization, actor: Person | None, parsed: ParsedFile, result: ImportResult
    ) -> None:
        self.org = org
        self.actor = actor
        self.parsed = parsed
        self.result = result
        self.full = result.full
        self.columns = parsed.columns
        self.has_manager = bool(self.columns & {"manager_email", "manager_id"})
        people = Person.objects.filter(org=org).only(*PERSON_FIELDS, "updated_at")
        self.by_pk = {p.pk: p for p in people}
        self.by_eid = {p.employee_id: p for p in self.by_pk.values() if p.employee_id}
        self.by_email = {p.email.lower(): p for p in self.by_pk.values() if p.email}
        self.units = list(Unit.objects.filter(org=org).only("name", "parent", "is_active"))
        self.unit_by_name = {u.name.lower(): u for u in self.units}
        self.new_units: dict[str, str] = {}
        self.rows: list[Row] = []
        self.row_of_pk: dict[int, int] = {}
        self.deactivate: list[Person] = []

    def error(self, row: Row | None, message: str) -> None:
        self.result.errors.append(Problem(row.src.row if row else None, message))

    def _node_name(self, node: Node) -> str:
        kind, ref = node
        return self.rows[ref].name if kind == "row" else self.by_pk[ref].name

    def _outside_node(self, person: Person) -> Node | None:
        """Where someone not in the file sits after the import (None: not an active person)."""
        if person.pk in self.row_of_pk:
            return ("row", self.row_of_pk[person.pk])
        if self.full or not person.is_active:
            return None
        return ("person", person.pk)

    def _current_manager(self, person: Person) -> Node | None:
        manager = self.by_pk.get(person.manager_id) if person.manager_id else None
        return self._outside_node(manager) if manager is not None else None

    def _leaving(self, person: Person) -> bool:
        """Whether this import makes `person` inactive (a full import they are not in)."""
        return self.full and person.is_active and person.pk not in self.row_of_pk
