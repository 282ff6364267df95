"""The navigation bar: each app registers its own entries, so it shows only what exists.

Apps call `register(...)` from their AppConfig.ready(). An entry may be limited to roles
and may carry a badge count (computed for the viewer; keep it to one cheap query).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from mutuality.orgs.models import Person


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    roles: frozenset[str] | None = None
    badge: Callable[[Person], int] | None = None


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    url_name: str
    badge: int


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.url_name] = item


def links_for(person: Person) -> list[NavLink]:
    links = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.label)):
        if item.roles is not None and person.role not in item.roles:
            continue
        badge = item.badge(person) if item.badge is not None else 0
        url = reverse(item.url_name, kwargs={"org": person.org.slug})
        links.append(NavLink(label=item.label, url=url, url_name=item.url_name, badge=badge))
    return links
