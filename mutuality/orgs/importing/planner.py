"""The plan of a people import: its steps, in order, and the writing of a clean one."""

from __future__ import annotations

from mutuality.orgs.importing.changes import ChangePlanning
from mutuality.orgs.importing.rows import RowChecks
from mutuality.orgs.importing.state import ImportResult
from mutuality.orgs.importing.tree import TreeChecks
from mutuality.orgs.importing.writing import Writing


class Planner(RowChecks, TreeChecks, ChangePlanning, Writing):
    """Works out what an import would do (`plan`), and does it (`apply`)."""

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
