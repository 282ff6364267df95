"""One page of a list, with how many rows there are in all.

Every list operation answers `{count, count_is_exact, limit, offset, items}`. Lists that
can grow without bound (commitments, issues) count no further than `COUNT_CAP`, so a
count never reads a million rows: past it, `count` is the cap and `count_is_exact` false.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

# Lists count at most this many rows; beyond it a page says "more than …".
COUNT_CAP = 10_000


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


def page_of(
    qs: QuerySet[Any],
    *,
    limit: int,
    offset: int,
    cap: int | None = COUNT_CAP,
    count_qs: QuerySet[Any] | None = None,
) -> dict[str, Any]:
    """`limit` rows of `qs` from `offset`, with the count of all of them.

    A first page shorter than `limit` is the whole list, so it is counted without another
    query. `count_qs` counts instead of `qs` (a plain queryset, when `qs` is annotated
    with aggregates that a count would have to wrap).
    """
    items = list(qs[offset : offset + limit])
    if offset == 0 and len(items) < limit:
        count, exact = len(items), True
    else:
        count, exact = capped_count(count_qs if count_qs is not None else qs, cap=cap)
    return {
        "count": count,
        "count_is_exact": exact,
        "limit": limit,
        "offset": offset,
        "items": items,
    }
