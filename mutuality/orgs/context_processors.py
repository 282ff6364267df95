"""Template context every page's shell needs: the viewer's organizations and navigation.

Its cost is paid by every page, so it is a fixed, small number of queries: the viewer's
memberships (already read by `org_view`) and one query for every navigation badge.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mutuality.core.navigation import links_for
from mutuality.orgs.tenancy import memberships_of


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    person = getattr(request, "person", None)
    links = links_for(person) if person is not None else []
    return {
        "my_memberships": memberships_of(request),
        "current_org": getattr(request, "org", None),
        "current_person": person,
        "nav_links": [link for link in links if link.menu == "main"],
        "user_links": [link for link in links if link.menu == "user"],
    }
