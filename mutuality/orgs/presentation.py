"""How people read in a list (the directory, a unit's members): computed once per row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.db.models import QuerySet

from mutuality.core.links import pk_urls
from mutuality.orgs.models import Person

# What a row shows, read as plain values: a page of fifty people with their units and
# managers costs less this way than as a hundred and fifty model objects.
ROW_FIELDS = (
    "pk",
    "name",
    "title",
    "is_active",
    "unit_id",
    "unit__name",
    "manager_id",
    "manager__name",
)


class RowValues:
    """`people` as the values `person_rows` reads, for a Paginator.

    Counted on the plain people (a count of the joined values would read every row
    through the joins), sliced as values.
    """

    def __init__(self, people: QuerySet[Person]) -> None:
        self.people = people

    def count(self) -> int:
        return self.people.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        values = self.people.values_list(*ROW_FIELDS)
        return values[index] if isinstance(index, int) else list(values[index])

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.people.values_list(*ROW_FIELDS))


def as_rows(people: QuerySet[Person]) -> RowValues:
    """`people` to paginate, then to make rows of (`person_rows`)."""
    return RowValues(people)


@dataclass(frozen=True)
class PersonRow:
    name: str
    url: str
    title: str
    is_active: bool
    unit: str
    unit_url: str
    manager: str
    manager_url: str


def person_rows(values: Iterable[tuple[Any, ...]], *, org_slug: str) -> list[PersonRow]:
    """The rows of a list of people, from `as_rows` values."""
    person_url = pk_urls("orgs:person", org=org_slug)
    unit_url = pk_urls("orgs:unit", org=org_slug)
    return [
        PersonRow(
            name=name,
            url=person_url(pk),
            title=title,
            is_active=is_active,
            unit=unit_name or "",
            unit_url=unit_url(unit_id) if unit_id is not None else "",
            manager=manager_name or "",
            manager_url=person_url(manager_id) if manager_id is not None else "",
        )
        for pk, name, title, is_active, unit_id, unit_name, manager_id, manager_name in values
    ]
