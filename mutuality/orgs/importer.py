"""Importing people from a CSV file (an HR export): the check, the plan, and the writing.

The whole file is read and checked before anything is written. Every problem is reported
with its row number as a spreadsheet shows it (the header is row 1), and an import with any
problem writes nothing. A clean import is applied in one transaction with bulk writes, so a
20,000-row file takes seconds.

The rules, as an admin meets them:
- Columns are recognized by name with the aliases HR tools use (see `people_csv`). Unknown
  columns are ignored, and said so. The file needs a name column (or first and last name)
  and an email or employee id column.
- A row is the existing person with its employee id when it has one, else with its email.
  A blank email or employee id cell never erases one already recorded.
- An absent column leaves that detail untouched; a present column is the truth, so a blank
  title or department cell clears it. A blank role cell keeps the role (new people: member).
- Managers are named by employee id or email and may be anywhere in the file; in a partial
  import they may also be active people who are not in the file.
- The result must be one tree: known managers, nobody their own manager, no reporting
  cycles (also through active people who are not in the file). A full import has exactly one
  top person (a row with no manager). A partial import may not put anyone at the top who is
  not there already while someone else is at the top too; people outside the file who have
  no manager (or an inactive one) are not the file's doing and never make it fail.
- Departments that are not units yet are created, under the top unit if there is exactly one.
- A full import makes active people absent from the file inactive (never the importing admin),
  and revokes their API tokens.
  When the file has no manager column, the rows whose manager it deactivates move to the
  nearest manager above who stays (as deactivating someone in the app does).
- Rows whose `active` column says no count as absent from the file, so an export that
  includes inactive people can be imported without bringing them back.
- An organization with an active admin keeps one: an import that would deactivate or demote
  every admin is refused (the importing admin can neither deactivate nor demote themselves).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import DataError, IntegrityError, connection, models, transaction
from django.utils import timezone

from mutuality.core.audit import audit_event, snapshot
from mutuality.core.models import AuditEvent
from mutuality.orgs import departures
from mutuality.orgs.models import Organization, PeopleImportUpload, Person, Role, Unit
from mutuality.orgs.people_csv import NO, YES, ParsedFile, Problem, SourceRow, read_people_csv
from mutuality.orgs.services import PERSON_FIELDS, UNIT_FIELDS, require_admin
from mutuality.orgs.text import fold

logger = logging.getLogger(__name__)

UPLOAD_LIFETIME = timedelta(days=1)

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


# --- planning ---------------------------------------------------------------------------------


@dataclass
class _Row:
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


class _Planner:
    """Works out what an import would do, and does it."""

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
        self.rows: list[_Row] = []
        self.row_of_pk: dict[int, int] = {}
        self.deactivate: list[Person] = []

    def error(self, row: _Row | None, message: str) -> None:
        self.result.errors.append(Problem(row.src.row if row else None, message))

    # The steps, in order.

    def plan(self) -> ImportResult:
        self._take_rows()
        if not self.rows:
            self.error(None, "The file has nobody in it.")
        self._check_cells()
        self._match()
        self._check_identities()
        self._resolve_managers()
        self._check_tree()
        self._plan_units()
        self._diff()
        self._plan_deactivations()
        self._check_admins()
        self.result.errors.sort(key=lambda p: p.row or 0)
        return self.result

    def _take_rows(self) -> None:
        skipped = 0
        for src in self.parsed.rows:
            if src.active in NO:
                skipped += 1
            elif src.active and src.active not in YES:
                self.result.errors.append(
                    Problem(src.row, f"Active “{src.active}” is not understood: use yes or no.")
                )
            else:
                self.rows.append(_Row(src=src))
        self.result.rows = len(self.parsed.rows)
        if skipped:
            self.result.notices.append(
                f"{skipped} rows marked inactive were left out, as if absent from the file."
            )

    def _check_cells(self) -> None:
        limits = {"name": 200, "title": 200, "employee_id": 64, "email": 254, "department": 200}
        for r in self.rows:
            src = r.src
            if not src.name:
                self.error(r, "The name is missing.")
            for name, limit in limits.items():
                if len(getattr(src, name)) > limit:
                    self.error(
                        r, f"The {name.replace('_', ' ')} is longer than {limit} characters."
                    )
            if src.email and not _valid_email(src.email):
                self.error(r, f"“{src.email}” is not a valid email address.")
            if not src.email and not src.employee_id:
                self.error(r, "Give an email or an employee id, so this person can be recognized.")
            if src.role and src.role not in ROLE_VALUES:
                self.error(r, f"Role “{src.role}” is unknown: use admin, facilitator or member.")

    def _match(self) -> None:
        for index, r in enumerate(self.rows):
            src = r.src
            person = self.by_eid.get(src.employee_id) if src.employee_id else None
            if person is None and src.email:
                owner = self.by_email.get(src.email)
                # Someone recorded with another employee id is not this row's person: the
                # identity check reports the clash.
                if owner is not None and not (src.employee_id and owner.employee_id):
                    person = owner
            if person is None:
                continue
            if person.pk in self.row_of_pk:
                first = self.rows[self.row_of_pk[person.pk]]
                self.error(r, f"This is {person.name} again, already on row {first.src.row}.")
                continue
            r.person = person
            self.row_of_pk[person.pk] = index

    def _check_identities(self) -> None:
        """Final emails and employee ids are unique, within the file and with everyone else."""
        for attr, label in (("email", "Email"), ("employee_id", "Employee id")):
            first_row: dict[str, int] = {}
            owners = self.by_email if attr == "email" else self.by_eid
            for r in self.rows:
                value = getattr(r.src, attr) or (getattr(r.person, attr) if r.person else "")
                value = value.lower() if attr == "email" else value
                setattr(r, attr, value)
                if not value:
                    continue
                if value in first_row:
                    self.error(r, f"{label} “{value}” is also on row {first_row[value]}.")
                    continue
                first_row[value] = r.src.row
                owner = owners.get(value)
                if owner is not None and owner.pk not in self.row_of_pk:
                    self.error(
                        r,
                        f"{label} “{value}” already belongs to {owner.name}, who is someone else"
                        + (f" (employee id {owner.employee_id})." if owner.employee_id else "."),
                    )

    # Managers and the tree.

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

    def _kept_manager(self, person: Person) -> Node | None:
        """The manager a file without a manager column leaves someone with: the recorded one,
        or, if this import deactivates them, the nearest manager above who stays (as when an
        admin deactivates a manager). People outside the file need no such move: a full
        import deactivates all of them, and a partial one deactivates nobody."""
        manager = self.by_pk.get(person.manager_id) if person.manager_id else None
        seen: set[int] = set()
        while manager is not None and self._leaving(manager) and manager.pk not in seen:
            seen.add(manager.pk)
            manager = self.by_pk.get(manager.manager_id) if manager.manager_id else None
        return self._outside_node(manager) if manager is not None else None

    def _resolve_managers(self) -> None:
        by_eid = {
            r.employee_id: i for i, r in reversed(list(enumerate(self.rows))) if r.employee_id
        }
        by_email = {r.email: i for i, r in reversed(list(enumerate(self.rows))) if r.email}
        where = (
            "in the file" if self.full else f"in the file or among the active people of {self.org}"
        )
        for index, r in enumerate(self.rows):
            if not self.has_manager:
                r.manager = self._kept_manager(r.person) if r.person else None
                continue
            found: list[Node] = []
            for value, kind, file_index, owners in (
                (r.src.manager_id, "employee id", by_eid, self.by_eid),
                (r.src.manager_email, "email", by_email, self.by_email),
            ):
                if not value:
                    continue
                node: Node | None
                if value in file_index:
                    node = ("row", file_index[value])
                else:
                    owner = owners.get(value)
                    node = self._outside_node(owner) if owner is not None else None
                if node is None:
                    r.manager_ok = False
                    self.error(r, f"Unknown manager “{value}”: nobody {where} has this {kind}.")
                else:
                    found.append(node)
            if not r.manager_ok:
                continue
            if len(found) == 2 and found[0] != found[1]:
                r.manager_ok = False
                self.error(
                    r,
                    f"Manager id “{r.src.manager_id}” and manager email “{r.src.manager_email}” "
                    "name different people.",
                )
            elif found and found[0] == ("row", index):
                r.manager_ok = False
                self.error(r, f"{r.name} is named as their own manager.")
            elif found:
                r.manager = found[0]

    def _node_name(self, node: Node) -> str:
        kind, ref = node
        return self.rows[ref].name if kind == "row" else self.by_pk[ref].name

    def _was_top(self, person: Person | None) -> bool:
        """Whether someone is at the top of the tree before the import (new people are not)."""
        if person is None or not person.is_active:
            return False
        manager = self.by_pk.get(person.manager_id) if person.manager_id else None
        return manager is None or not manager.is_active

    def _check_tree(self) -> None:
        """No cycles, and no second top person that the file is responsible for.

        A full import is the whole tree: exactly one of its rows has no manager. A partial
        import is refused only for a row that puts someone at the top who is not there
        already, while another top person exists or is added: people left out of the file,
        and rows that keep someone at the top, are not the file's doing.
        """
        edges: dict[Node, Node | None] = {}
        for index, r in enumerate(self.rows):
            if r.manager_ok:
                edges[("row", index)] = r.manager
        if not self.full:
            for p in self.by_pk.values():
                if p.is_active and p.pk not in self.row_of_pk:
                    edges[("person", p.pk)] = self._current_manager(p)
        self._check_cycles(edges)
        tops = [node for node, manager in edges.items() if manager is None]
        if len(tops) <= 1:
            return
        if self.full:
            blamed = tops
        else:
            blamed = [
                n for n in tops if n[0] == "row" and not self._was_top(self.rows[n[1]].person)
            ]
        # Enough names for a preview that leaves out the row's own.
        named = tops[: PREVIEW + 1]
        for node in blamed:
            others = [self._node_name(n) for n in named if n != node][:PREVIEW]
            count = len(tops) - 1
            if count == 1:
                who = f"neither does {others[0]}"
            else:
                who = f"neither do {count} others ({_preview(others, count)})"
            self.error(
                self.rows[node[1]],
                f"{self._node_name(node)} has no manager, and {who}: "
                "only the top person may have none.",
            )

    def _check_cycles(self, edges: dict[Node, Node | None]) -> None:
        state: dict[Node, int] = {}  # 1: on the path being walked, 2: done
        for start in edges:
            path: list[Node] = []
            node: Node | None = start
            while node is not None and node not in state and node in edges:
                state[node] = 1
                path.append(node)
                node = edges[node]
            if node is not None and state.get(node) == 1:
                cycle = path[path.index(node) :]
                for position, member in enumerate(cycle):
                    if member[0] == "row":
                        loop = cycle[position:] + cycle[:position]
                        self.error(self.rows[member[1]], f"Reporting cycle: {self._loop(loop)}.")
            for visited in path:
                state[visited] = 2

    def _loop(self, cycle: list[Node]) -> str:
        names = [self._node_name(n) for n in cycle[: PREVIEW + 1]]
        if len(cycle) > PREVIEW + 1:
            names = [*names[:PREVIEW], f"… ({len(cycle)} people in all)"]
        return " → ".join([*names, names[0]])

    # Units, changes, deactivations.

    def _plan_units(self) -> None:
        if "department" not in self.columns:
            return
        retired: set[str] = set()
        for r in self.rows:
            key = r.src.department.lower()
            if not key:
                continue
            unit = self.unit_by_name.get(key)
            if unit is None:
                self.new_units.setdefault(key, r.src.department)
            elif not unit.is_active:
                retired.add(unit.name)
        self.result.units_to_create = list(self.new_units.values())
        for name in sorted(retired):
            self.result.notices.append(f"The unit “{name}” is retired; people are placed in it.")

    def _diff(self) -> None:
        unit_names = {u.pk: u.name for u in self.units}
        for r in self.rows:
            src = r.src
            manager = self._node_name(r.manager) if r.manager else ""
            department = ""
            if "department" in self.columns and src.department:
                unit = self.unit_by_name.get(src.department.lower())
                department = unit.name if unit else self.new_units[src.department.lower()]
            entry = PlanEntry(
                row=src.row,
                name=r.name,
                key=r.email or r.employee_id,
                manager=manager,
                department=department,
            )
            if r.person is None:
                self.result.to_create.append(entry)
                continue
            p = r.person
            pairs = [
                ("name", p.name, r.name),
                ("email", p.email, r.email),
                ("employee id", p.employee_id, r.employee_id),
            ]
            if "title" in self.columns:
                pairs.append(("title", p.title, src.title))
            if "department" in self.columns:
                pairs.append(("department", unit_names.get(p.unit_id or 0, ""), department))
            if src.role:
                pairs.append(("role", p.role, src.role))
            # Compared as the tree sees it (an inactive manager is none), shown as recorded.
            recorded = self.by_pk.get(p.manager_id) if p.manager_id else None
            if self.has_manager and r.manager_ok and self._current_manager(p) != r.manager:
                pairs.append(("manager", recorded.name if recorded else "", manager))
            elif not self.has_manager and recorded is not None and self._leaving(recorded):
                # Their manager is deactivated: they move up, as `_kept_manager` says.
                pairs.append(("manager", recorded.name, manager))
            if not p.is_active:
                pairs.append(("active", "no", "yes"))
            r.changes = [Change(f, before, after) for f, before, after in pairs if before != after]
            if r.changes:
                entry.changes = r.changes
                self.result.to_update.append(entry)
            else:
                self.result.unchanged += 1
            if (
                self.actor is not None
                and p.pk == self.actor.pk
                and src.role not in ("", Role.ADMIN)
            ):
                self.error(r, "You cannot remove your own admin role.")

    def _plan_deactivations(self) -> None:
        if not self.full:
            return
        for p in self.by_pk.values():
            if p.is_active and p.pk not in self.row_of_pk:
                self.deactivate.append(p)
                self.result.to_deactivate.append(
                    PlanEntry(row=None, name=p.name, key=p.email or p.employee_id)
                )
        if self.actor is not None and any(p.pk == self.actor.pk for p in self.deactivate):
            self.error(
                None,
                "You are not in the file, so a full import would make you inactive. "
                "Add your own row, or run a partial import.",
            )

    def _check_admins(self) -> None:
        """An organization that has an active admin keeps at least one.

        An admin running the import stays one (they may neither deactivate nor demote
        themselves, which `_diff` and `_plan_deactivations` refuse with their own message);
        from the command line nobody does, and this is what stops a file without admins.
        """
        if self.actor is not None:
            return
        if not any(p.is_active and p.role == Role.ADMIN for p in self.by_pk.values()):
            return
        for r in self.rows:
            role = r.src.role or (r.person.role if r.person is not None else Role.MEMBER)
            if role == Role.ADMIN:
                return
        if not self.full and any(
            p.is_active and p.role == Role.ADMIN and p.pk not in self.row_of_pk
            for p in self.by_pk.values()
        ):
            return
        self.error(
            None,
            f"After this import {self.org} would have no active admin. Keep at least one admin "
            "in the file (a role column saying “admin” makes someone one).",
        )

    # Writing.

    def _node_pk(self, node: Node | None) -> int | None:
        if node is None:
            return None
        kind, ref = node
        if kind == "person":
            return ref
        person = self.rows[ref].person
        assert person is not None  # every row has its person once the creates are written
        return person.pk

    def apply(self) -> None:
        now = timezone.now()
        user = self.actor.user if self.actor is not None else None
        events: list[AuditEvent] = []

        def event(
            action: str, obj: Any, before: Any = None, after: Any = None, label: str = ""
        ) -> None:
            events.append(
                audit_event(
                    org=self.org,
                    actor=user,
                    action=action,
                    obj=obj,
                    before=before,
                    after=after,
                    label=label or None,
                    at=now,
                )
            )

        tops = [u for u in self.units if u.parent_id is None and u.is_active]
        parent = tops[0] if len(tops) == 1 else None
        new_units = [
            Unit(org=self.org, name=name, parent=parent, created_at=now)
            for name in self.new_units.values()
        ]
        Unit.objects.bulk_create(new_units)
        for unit in new_units:
            self.unit_by_name[unit.name.lower()] = unit
            event("unit.create", unit, after=snapshot(unit, UNIT_FIELDS) | {"leads": []})

        def unit_for(r: _Row) -> Unit | None:
            return self.unit_by_name.get(r.src.department.lower()) if r.src.department else None

        updates = [r for r in self.rows if r.person is not None and r.changes]
        before = {r.src.row: snapshot(r.person, PERSON_FIELDS) for r in updates if r.person}
        # An email or id may move from one person to another: free them all first (blank
        # values are exempt from the uniqueness constraints).
        moving = [
            r.person
            for r in updates
            if r.person and (r.person.email, r.person.employee_id) != (r.email, r.employee_id)
        ]
        for person in moving:
            person.email = person.employee_id = ""
        _update_each(moving, ["email", "employee_id"])

        creates = [r for r in self.rows if r.person is None]
        for r in creates:
            r.person = Person(
                org=self.org,
                name=r.name,
                search_name=fold(r.name),
                email=r.email,
                employee_id=r.employee_id,
                title=r.src.title,
                unit=unit_for(r),
                role=r.src.role or Role.MEMBER,
                created_at=now,
                updated_at=now,
            )
        created = [r.person for r in creates if r.person]
        # Managers may come later in the file: everyone exists before anyone gets one.
        Person.objects.bulk_create(created)
        for r in creates:
            assert r.person is not None
            r.person.manager_id = self._node_pk(r.manager)
        _update_each([p for p in created if p.manager_id], ["manager"])

        for r in updates:
            p = r.person
            assert p is not None
            p.name, p.email, p.employee_id = r.name, r.email, r.employee_id
            p.search_name = fold(p.name)
            if "title" in self.columns:
                p.title = r.src.title
            if "department" in self.columns:
                p.unit = unit_for(r)
            if r.src.role:
                p.role = r.src.role
            if any(c.field == "manager" for c in r.changes):
                p.manager_id = self._node_pk(r.manager)
            p.is_active = True
            p.updated_at = now
            event("person.update", p, before=before[r.src.row], after=snapshot(p, PERSON_FIELDS))
        _update_each(
            [r.person for r in updates if r.person],
            [*PERSON_FIELDS, "search_name", "updated_at"],
        )
        for p in created:
            event("person.create", p, after=snapshot(p, PERSON_FIELDS))

        ids = [p.pk for p in self.deactivate]
        for start in range(0, len(ids), 500):
            Person.objects.filter(pk__in=ids[start : start + 500]).update(
                is_active=False, updated_at=now
            )
        # What the leavers leave behind elsewhere (their API tokens, …), audited there.
        departures.people_left(
            departures.Leaving(org=self.org, people=self.deactivate, actor=self.actor, at=now)
        )
        for p in self.deactivate:
            old = snapshot(p, PERSON_FIELDS)
            event("person.deactivate", p, before=old, after=old | {"is_active": False})

        result = self.result
        event(
            "people.import",
            self.org,
            after={
                "file": result.filename,
                "full": self.full,
                "rows": result.rows,
                "created": len(result.to_create),
                "updated": len(result.to_update),
                "deactivated": len(result.to_deactivate),
                "unchanged": result.unchanged,
                "units_created": result.units_to_create,
            },
        )
        _insert_each(events, AUDIT_COLUMNS)
        result.applied = True


# bulk_update and bulk_create spend seconds of Python per thousand rows building expressions
# and per-batch SQL; one parameterized statement run with executemany takes milliseconds.
# Table and column names come from the models; every value is a parameter.
AUDIT_COLUMNS = (
    "org",
    "actor",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "before",
    "after",
    "at",
)


def _columns(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    return [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in names]


def _update_each(objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """UPDATE the named fields of each object, by primary key."""
    if not objs:
        return
    model, qn = type(objs[0]), connection.ops.quote_name
    fields = _columns(model, names)
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    pk = qn(model._meta.pk.column)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {pk} = %s"  # noqa: S608
    params = [
        [*(f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields), o.pk]
        for o in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _insert_each(objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """INSERT the objects (whose primary keys the database assigns; they are not read back)."""
    if not objs:
        return
    model, qn = type(objs[0]), connection.ops.quote_name
    fields = _columns(model, names)
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    params = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields] for o in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def import_people(
    *,
    org: Organization,
    actor: Person | None,
    data: bytes | str,
    full: bool = False,
    dry_run: bool = False,
    filename: str = "",
) -> ImportResult:
    """Import people from a CSV file: check everything, then write all of it or nothing.

    Admins only (`actor` None is the command line). With `dry_run`, or with any problem, nothing
    is written; otherwise the whole import is one transaction with an audit event per person
    created, updated or deactivated, per API token revoked, per unit created, and one
    "people.import" summary.
    """
    require_admin(actor)
    if actor is not None and actor.org_id != org.pk:
        raise PermissionDenied("Only an admin of this organization can do that.")
    result = ImportResult(full=full, dry_run=dry_run, filename=filename)
    parsed = read_people_csv(data)
    result.notices = parsed.notices
    result.errors = list(parsed.errors)
    if parsed.errors and not parsed.rows:
        return result
    if dry_run:
        _Planner(org=org, actor=actor, parsed=parsed, result=result).plan()
        return result
    try:
        with transaction.atomic():
            planner = _Planner(org=org, actor=actor, parsed=parsed, result=result)
            planner.plan()
            if result.ok:
                planner.apply()
    except (DataError, IntegrityError):
        # The checks should leave nothing for the database to refuse; if they missed
        # something, the import is refused as a whole rather than failing the page.
        logger.exception("The database refused a people import that passed its checks.")
        result.applied = False
        result.errors.append(
            Problem(
                None,
                "The database refused a value in this file, so nothing was written. "
                "Check the file for unusual characters, or save it again as “CSV UTF-8”.",
            )
        )
    return result


# --- uploads kept between the check and the import (web) ---------------------------------------


def import_upload_store(
    *, org: Organization, person: Person, filename: str, data: bytes, full: bool
) -> PeopleImportUpload:
    """Keep a checked file for its uploader; their earlier uploads and stale ones go."""
    stale = timezone.now() - UPLOAD_LIFETIME
    PeopleImportUpload.objects.filter(org=org, created_at__lt=stale).delete()
    PeopleImportUpload.objects.filter(org=org, uploaded_by=person).delete()
    return PeopleImportUpload.objects.create(
        org=org, uploaded_by=person, filename=filename[:255], content=data, full=full
    )


def import_upload_for(
    *, org: Organization, person: Person, upload_id: str
) -> PeopleImportUpload | None:
    """The person's own recent upload in this organization with this id, or None."""
    if not upload_id:
        return None
    return PeopleImportUpload.objects.filter(
        pk=upload_id,
        org=org,
        uploaded_by=person,
        created_at__gte=timezone.now() - UPLOAD_LIFETIME,
    ).first()
