"""Which organization a request acts in, and who the viewer is there.

Org-scoped pages live under /o/<org>/…. `org_view` resolves the slug to the viewer's own
active `Person` in that organization; anyone else gets a 404, so nobody can learn that
another organization (or its objects) exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, overload

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from mutuality.orgs.models import Organization, Person

View = Callable[..., HttpResponseBase]


class OrgRequest(HttpRequest):
    """An HttpRequest inside an organization (for type checkers)."""

    org: Organization
    person: Person


def membership_for(user: Any, org_slug: str) -> Person:
    """The user's active Person in the organization with this slug, or 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    person = (
        Person.objects.select_related("org", "unit", "user")
        .filter(user=user, org__slug=org_slug, is_active=True)
        .first()
    )
    if person is None:
        raise Http404
    return person


def memberships(user: Any) -> list[Person]:
    """Every organization the user is an active member of, as their Person there."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Person.objects.select_related("org").filter(user=user, is_active=True).order_by("org__name")
    )


@overload
def org_view(view: View, *, roles: Iterable[str] | None = None) -> View: ...


@overload
def org_view(
    view: None = None, *, roles: Iterable[str] | None = None
) -> Callable[[View], View]: ...


def org_view(
    view: View | None = None, *, roles: Iterable[str] | None = None
) -> View | Callable[[View], View]:
    """Decorate a view taking `org` from the URL: sets request.org and request.person.

    `roles` limits the view to people with one of those roles; others get 403 (they are
    members, so the organization's existence is no secret to them).
    """
    allowed = set(roles) if roles is not None else None

    def decorator(func: View) -> View:
        @login_required
        @functools.wraps(func)
        def wrapped(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            person = membership_for(request.user, org)
            if allowed is not None and person.role not in allowed:
                raise PermissionDenied("Your role in this organization does not allow this.")
            request.org = person.org  # type: ignore[attr-defined]
            request.person = person  # type: ignore[attr-defined]
            request.session["last_org"] = org
            return func(request, *args, **kwargs)

        return wrapped

    if view is not None:
        return decorator(view)
    return decorator
