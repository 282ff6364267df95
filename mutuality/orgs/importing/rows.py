"""The rows of the file: which count, whether their cells are usable, whom they are."""

from __future__ import annotations

from mutuality.orgs.importing.people_csv import NO, YES, Problem
from mutuality.orgs.importing.state import ROLE_VALUES, PlanState, Row, _valid_email


class RowChecks(PlanState):
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
                self.rows.append(Row(src=src))
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
