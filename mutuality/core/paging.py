"""One page of a list, with how many rows there are in all: for pages and for the API.

Lists that can grow without bound (commitments, issues) count no further than a cap,
so a count never reads a million rows: past it, the count is the cap and not exact
("more than 10,000"). The API counts to `COUNT_CAP`; a web page counts `PAGE_COUNT_WINDOW`
rows past its own start ("1–25 of more than 1,000"), because nobody pages through a
thousand rows and the count is most of a list page's SQL. A first page shorter than the
page size is the whole list, so it is counted without another query.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

# Lists count at most this many rows; beyond it a page says "more than …".
COUNT_CAP = 10_000
# A web page counts at most this many rows past its first.
PAGE_COUNT_WINDOW = 1_000


def capped_count(qs: QuerySet[Any], *, cap: int | None = COUNT_CAP) -> tuple[int, bool]:
    """How many rows `qs` has, counting no further than `cap` (count, whether exact).

    `cap=None` counts them all.
    """
    # Without joins or ordering: the count only needs the index of the filter.
    plain = qs.select_related(None).order_by()
    if cap is None:
        return plain.count(), True
    n = plain[: cap + 1].count()
    return (n, True) if n <= cap else (cap, False)


# What a list does with its page's rows once read (e.g. load the people they name).
Load = Callable[[list[Any]], Any]


def _slice(
    qs: QuerySet[Any],
    *,
    offset: int,
    limit: int,
    cap: int | None,
    count_qs: QuerySet[Any] | None,
    load: Load | None = None,
) -> tuple[list[Any], int, bool]:
    items = list(qs[offset : offset + limit])
    if load is not None:
        load(items)
    if offset == 0 and len(items) < limit:
        return items, len(items), True
    count, exact = capped_count(count_qs if count_qs is not None else qs, cap=cap)
    return items, count, exact


def page_of(
    qs: QuerySet[Any],
    *,
    limit: int,
    offset: int,
    cap: int | None = COUNT_CAP,
    count_qs: QuerySet[Any] | None = None,
    load: Load | None = None,
) -> dict[str, Any]:
    """An API list's answer: `limit` rows of `qs` from `offset`, and the count of all.

    `count_qs` counts instead of `qs` (a plain queryset, when `qs` is annotated with
    aggregates that a count would have to wrap); `load(items)` runs on the page's rows.
    """
    items, count, exact = _slice(
        qs, offset=offset, limit=limit, cap=cap, count_qs=count_qs, load=load
    )
    return {
        "count": count,
        "count_is_exact": exact,
        "limit": limit,
        "offset": offset,
        "items": items,
    }


@dataclass
class ListPage:
    """A page of a list on a web page (`core/_pagination.html` draws its links)."""

    number: int
    items: list[Any]
    count: int
    exact: bool
    size: int

    @classmethod
    def of(cls, qs: QuerySet[Any], *, number: int, size: int, load: Load | None = None) -> ListPage:
        """Page `number` of `qs`; `load(items)` runs on its rows once read."""
        offset = (number - 1) * size
        items, count, exact = _slice(
            qs,
            offset=offset,
            limit=size,
            cap=offset + PAGE_COUNT_WINDOW,
            count_qs=None,
            load=load,
        )
        return cls(number=number, items=items, count=count, exact=exact, size=size)

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size + 1

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.start - 1 + len(self.items) < self.count or not self.exact

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.size))
