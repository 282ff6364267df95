"""Writing a checked plan: bulk statements in the caller's transaction, and the audit trail.

bulk_update and bulk_create spend seconds of Python per thousand rows building
expressions and per-batch SQL; one parameterized statement run with executemany takes
milliseconds, so a 20,000-row file imports in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

from mutuality.core.audit import audit_event, snapshot
from mutuality.core.models import AuditEvent
from mutuality.orgs import departures
from mutuality.orgs.importing.state import Node, PlanState, Row
from mutuality.orgs.models import Person, Role, Unit
from mutuality.orgs.services import PERSON_FIELDS, UNIT_FIELDS
from mutuality.orgs.text import fold


class Writing(PlanState):
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

        def unit_for(r: Row) -> Unit | None:
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
