"""The reporting tree the import leaves: managers resolved, no cycle, one top person."""

from __future__ import annotations

from mutuality.orgs.importing.state import PREVIEW, Node, PlanState, _preview
from mutuality.orgs.models import Person


class TreeChecks(PlanState):
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
