"""Properties of the people import that hold for any organization tree."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutuality.core.models import AuditEvent
from mutuality.orgs.importing.people_csv import EXPORT_COLUMNS, csv_text, defuse, people_export_rows
from mutuality.orgs.importing.services import import_people
from mutuality.orgs.models import Organization, Person
from mutuality.orgs.services import organization_create

_slugs = itertools.count()

# Names, titles and departments as HR data has them: any letters, punctuation that CSV must
# quote, and leading characters a spreadsheet would take for a formula.
text = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\ufeff"
    ),
    min_size=1,
    max_size=12,
).map(str.strip)
names = st.one_of(
    text.filter(bool), st.sampled_from(["=SUM(A1)", "-dash", "'quote", "'=x", 'a "b", c'])
)
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def new_org() -> Organization:
    n = next(_slugs)
    return organization_create(name=f"Org {n}", slug=f"org-{n}")


@st.composite
def org_trees(draw: Any) -> list[list[str]]:
    """Rows in the export's columns for a random tree of 1–12 people, in a random order."""
    size = draw(st.integers(min_value=1, max_value=12))
    managers = [None] + [draw(st.integers(min_value=0, max_value=i - 1)) for i in range(1, size)]
    with_ids = draw(st.booleans())
    departments = draw(st.lists(text, min_size=1, max_size=3))
    rows = []
    for i, manager in enumerate(managers):
        rows.append(
            [
                f"E{i}" if with_ids else "",
                draw(names),
                f"p{i}@example.test",
                draw(text),
                "" if manager is None else f"p{manager}@example.test",
                "" if manager is None or not with_ids else f"E{manager}",
                draw(st.sampled_from(departments)),
                draw(st.sampled_from(["admin", "facilitator", "member"])),
            ]
        )
    shuffled: list[list[str]] = draw(st.permutations(rows))
    return shuffled


def as_csv(rows: list[list[str]]) -> str:
    return "".join(csv_text([list(EXPORT_COLUMNS), *([defuse(v) for v in r] for r in rows)]))


def export(org: Organization) -> str:
    return "".join(csv_text(people_export_rows(org=org, viewer=None)))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(rows=org_trees())
def test_any_tree_imports_and_round_trips_through_an_export(rows: list[list[str]]) -> None:
    first_org, second_org = new_org(), new_org()
    result = import_people(org=first_org, actor=None, data=as_csv(rows).encode())
    assert result.ok, result.errors
    stored = Person.objects.filter(org=first_org).values_list("email", "name", "title")
    assert sorted(stored) == sorted((r[2], r[1], r[3]) for r in rows)

    exported = export(first_org)
    again = import_people(org=first_org, actor=None, data=exported, full=True, dry_run=True)
    assert again.ok, again.errors
    assert (again.to_create, again.to_update, again.to_deactivate) == ([], [], [])

    assert import_people(org=second_org, actor=None, data=exported.encode()).ok
    assert export(second_org) == exported


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(rows=org_trees(), data=st.data())
def test_any_file_with_a_cycle_is_refused_and_writes_nothing(
    rows: list[list[str]], data: Any
) -> None:
    # Close a loop: someone's manager becomes one of the people below them (or themselves).
    by_email = {row[2]: row for row in rows}

    def chain_below(email: str) -> list[str]:
        return [r[2] for r in rows if r[4] == email]

    start = data.draw(st.sampled_from(rows))
    below = [start[2]]
    frontier = [start[2]]
    while frontier:
        frontier = [child for email in frontier for child in chain_below(email)]
        below += frontier
    target = by_email[data.draw(st.sampled_from(below))]
    start[4], start[5] = target[2], target[0]

    org = new_org()
    events = AuditEvent.objects.filter(org=org).count()
    result = import_people(org=org, actor=None, data=as_csv(rows))
    assert not result.ok and not result.applied
    loop_messages = [
        p for p in result.errors if "Reporting cycle" in p.message or "own manager" in p.message
    ]
    assert loop_messages
    assert Person.objects.filter(org=org).count() == 0
    assert AuditEvent.objects.filter(org=org).count() == events
