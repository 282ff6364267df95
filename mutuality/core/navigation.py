"""The navigation: each app registers its own entries, so it shows only what exists.

Apps call `register(...)` from their AppConfig.ready(). An entry may be limited to roles,
and may carry a badge: the number of things waiting for the viewer there. A badge is a
function of the viewer returning a *queryset* whose rows are those things (not a count):
every badge of a page is counted in one query, so the navigation costs one query whatever
the number of capabilities installed. Keep each badge's queryset cheap (indexed), as it
runs on every page.

Entries go in the main bar (`menu="main"`, the default) or in the viewer's own menu
(`menu="user"`: their page, their settings). An entry whose URL needs the viewer (their
own page) gives `url_kwargs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse


class Viewer(Protocol):
    """Who the navigation is for: a person in an organization (an `orgs.Person`)."""

    pk: Any
    role: str

    @property
    def org(self) -> Any: ...


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    roles: frozenset[str] | None = None
    # The things waiting for the viewer here, as a queryset (counted with all the others).
    badge: Callable[[Any], QuerySet[Any]] | None = None
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
    parts: list[str] = []
    params: list[Any] = []
    counted: list[int] = []
    for i, qs in enumerate(querysets):
        if not qs.query.is_sliced:
            qs = qs.order_by()  # the order of rows is no part of their number
        try:
            sql, qs_params = qs.query.sql_with_params()
        except EmptyResultSet:
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS badge_{i})")  # noqa: S608 - compiled by the ORM; values are parameters
        params.extend(qs_params)
        counted.append(i)
    counts = [0] * len(querysets)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        for i, n in zip(counted, row, strict=True):
            counts[i] = int(n)
    return counts


def links_for(viewer: Viewer) -> list[NavLink]:
    """The viewer's navigation, in order, with every badge counted (one query in all)."""
    items = [
        item
        for item in sorted(_items.values(), key=lambda i: (i.order, i.label))
        if item.roles is None or viewer.role in item.roles
    ]
    badged = [item for item in items if item.badge is not None]
    counts = dict(
        zip(
            (item.url_name for item in badged),
            count_all([item.badge(viewer) for item in badged if item.badge is not None]),
            strict=True,
        )
    )
    links = []
    for item in items:
        kwargs = {"org": viewer.org.slug, **(item.url_kwargs(viewer) if item.url_kwargs else {})}
        links.append(
            NavLink(
                label=item.label,
                url=reverse(item.url_name, kwargs=kwargs),
                url_name=item.url_name,
                badge=counts.get(item.url_name, 0),
                menu=item.menu,
            )
        )
    return links
