"""Template context every page's shell needs: the viewer's organizations and navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mutuality.core.navigation import links_for
from mutuality.core.tenancy import memberships


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    person = getattr(request, "person", None)
    return {
        "my_memberships": memberships(user),
        "current_org": getattr(request, "org", None),
        "current_person": person,
        "nav_links": links_for(person) if person is not None else [],
    }
