"""The navigation: each app registers its own entries, so it shows only what exists.

Apps call `register(...)` from their AppConfig.ready(). An entry may be limited to roles,
and may carry a badge: the number of things waiting for the viewer there. A badge is a
function `badge(viewer, today)` returning a *queryset* whose rows are those things (not a
count). Every page shows the navigation, so its cost must not grow with the capabilities:

- every badge of a page is counted in one query (`count_all`);
- a badge's SQL is compiled once per process (and per kind of viewer: with a unit or
  without), from a stand-in viewer, and reused with each viewer's own values: building
  and compiling querysets costs more than running them. So a badge may use only
  `viewer.pk`, `viewer.org_id`, `viewer.unit_id` and `today`, and its query's shape may
  depend only on whether the viewer has a unit. Keep its query cheap (indexed).

Entries go in the main bar (`menu="main"`, the default) or in the viewer's own menu
(`menu="user"`: their page, their settings). An entry whose URL needs the viewer (their
own page) gives `url_kwargs`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone


class Viewer(Protocol):
    """Who the navigation is for: a person in an organization (an `orgs.Person`)."""

    pk: Any
    role: str
    org_id: Any
    unit_id: Any

    @property
    def org(self) -> Any: ...


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    roles: frozenset[str] | None = None
    # The things waiting for the viewer here: badge(viewer, today) -> a queryset (counted
    # with all the others; see the module docstring for what it may use).
    badge: Callable[[Any, dt.date], QuerySet[Any]] | None = None
    menu: str = "main"
    # Extra URL arguments besides the organization, for entries that need the viewer.
    url_kwargs: Callable[[Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    url_name: str
    badge: int
    menu: str = "main"


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.url_name] = item


def count_all(querysets: list[QuerySet[Any]]) -> list[int]:
    """How many rows each queryset has, from one query: one scalar subquery per queryset.

    Any queryset may be counted this way, a UNION or a slice included; one that can match
    nothing (`.none()`) is 0 without asking the database.
    """
    return _count_compiled([_compiled(qs) for qs in querysets])


Compiled = tuple[str, list[Any]] | None


def _compiled(qs: QuerySet[Any]) -> Compiled:
    if not qs.query.is_sliced:
        qs = qs.order_by()  # the order of rows is no part of their number
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, list(params)


def _count_compiled(compiled: list[Compiled]) -> list[int]:
    parts: list[str] = []
    params: list[Any] = []
    counted: list[int] = []
    for i, query in enumerate(compiled):
        if query is None:
            continue
        sql, query_params = query
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS badge_{i})")  # noqa: S608 - compiled by the ORM; values are parameters
        params.extend(query_params)
        counted.append(i)
    counts = [0] * len(compiled)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        for i, n in zip(counted, row, strict=True):
            counts[i] = int(n)
    return counts


@dataclass(frozen=True)
class _StandIn:
    """A viewer made of values no real row has: what a badge is compiled with."""

    pk: int
    org_id: int
    unit_id: int | None


_ID, _ORG, _UNIT = -7_000_000_001, -7_000_000_002, -7_000_000_003
_TODAY = dt.date(1901, 2, 3)
_prepared: dict[tuple[Callable[..., Any], bool], Compiled] = {}


def _badge_sql(item: NavItem, viewer: Viewer, today: dt.date) -> Compiled:
    """The badge's SQL with this viewer's values, compiled once per kind of viewer."""
    assert item.badge is not None
    has_unit = viewer.unit_id is not None
    key = (item.badge, has_unit)
    if key not in _prepared:
        stand_in = _StandIn(pk=_ID, org_id=_ORG, unit_id=_UNIT if has_unit else None)
        _prepared[key] = _compiled(item.badge(stand_in, _TODAY))
    prepared = _prepared[key]
    if prepared is None:
        return None
    sql, params = prepared
    values: dict[Any, Any] = {
        _ID: viewer.pk,
        _ORG: viewer.org_id,
        _UNIT: viewer.unit_id,
        _TODAY: today,
        # Dates may come compiled as text (SQLite) or as dates (PostgreSQL).
        _TODAY.isoformat(): today.isoformat(),
    }
    return sql, [values.get(p, p) if isinstance(p, int | str | dt.date) else p for p in params]


@lru_cache(maxsize=4096)
def _url(url_name: str, kwargs: tuple[tuple[str, Any], ...], where: tuple[Any, str]) -> str:
    # An entry's address is the same on every page of an organization: reverse() it once
    # per URL configuration and script prefix (`where`, both of which reverse() reads).
    return reverse(url_name, kwargs=dict(kwargs))


def links_for(viewer: Viewer) -> list[NavLink]:
    """The viewer's navigation, in order, with every badge counted (one query in all)."""
    items = [
        item
        for item in sorted(_items.values(), key=lambda i: (i.order, i.label))
        if item.roles is None or viewer.role in item.roles
    ]
    badged = [item for item in items if item.badge is not None]
    today = timezone.localdate()
    counts = dict(
        zip(
            (item.url_name for item in badged),
            _count_compiled([_badge_sql(item, viewer, today) for item in badged]),
            strict=True,
        )
    )
    where = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    links = []
    for item in items:
        kwargs = {"org": viewer.org.slug, **(item.url_kwargs(viewer) if item.url_kwargs else {})}
        links.append(
            NavLink(
                label=item.label,
                url=_url(item.url_name, tuple(sorted(kwargs.items())), where),
                url_name=item.url_name,
                badge=counts.get(item.url_name, 0),
                menu=item.menu,
            )
        )
    return links
