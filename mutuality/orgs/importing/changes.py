"""What the import changes: new units, each person's changes, who leaves, and the admins."""

from __future__ import annotations

from mutuality.orgs.importing.state import Change, PlanEntry, PlanState
from mutuality.orgs.models import Role


class ChangePlanning(PlanState):
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
