"""Which organization a request acts in, and who the viewer is there.

Org-scoped pages live under /o/<org>/…. `org_view` resolves the slug to the viewer's own
active `Person` in that organization; anyone else gets a 404, so nobody can learn that
another organization (or its objects) exists.

The API acts in the organization of the caller's personal token: `auth_of(request)` is the
caller (set by `mutuality.accounts.api_auth.TokenAuth`), with `.person` and `.org`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, Protocol, overload

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django_htmx.middleware import HtmxDetails

from mutuality.orgs.models import Organization, Person

View = Callable[..., HttpResponseBase]


class ApiCaller(Protocol):
    """Who calls an API operation: a person, acting in their organization."""

    @property
    def person(self) -> Person: ...

    @property
    def org(self) -> Organization: ...


def auth_of(request: HttpRequest) -> ApiCaller:
    """The caller of an API operation (authentication has already admitted them)."""
    auth = getattr(request, "auth", None)
    assert isinstance(getattr(auth, "person", None), Person)
    return auth  # type: ignore[return-value]


class OrgRequest(HttpRequest):
    """An HttpRequest inside an organization (for type checkers)."""

    org: Organization
    person: Person


class HtmxOrgRequest(OrgRequest):
    """An OrgRequest with django-htmx's details (for type checkers)."""

    htmx: HtmxDetails


def memberships(user: Any) -> list[Person]:
    """Every organization the user is an active member of, as their Person there, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    people = list(
        Person.objects.select_related("org", "unit")
        .filter(user=user, is_active=True)
        .order_by("org__name", "org_id")
    )
    for person in people:
        person.user = user  # the login is already loaded: no need to read it again
    return people


def membership_for(user: Any, org_slug: str) -> Person:
    """The user's active Person in the organization with this slug, or 404."""
    person = next((p for p in memberships(user) if p.org.slug == org_slug), None)
    if person is None:
        raise Http404
    return person


def _memberships_of(request: HttpRequest) -> list[Person]:
    # Read once per request: the view's membership and the page shell's organization
    # switcher come from the same query.
    cached: list[Person] | None = getattr(request, "_memberships", None)
    if cached is None:
        cached = memberships(request.user)
        request._memberships = cached  # type: ignore[attr-defined]
    return cached


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
            person = next((p for p in _memberships_of(request) if p.org.slug == org), None)
            if person is None:
                raise Http404
            if allowed is not None and person.role not in allowed:
                raise PermissionDenied("Your role in this organization does not allow this.")
            request.org = person.org  # type: ignore[attr-defined]
            request.person = person  # type: ignore[attr-defined]
            if request.session.get("last_org") != org:
                # Only on a change: a session written on every page costs a database write.
                request.session["last_org"] = org
            return func(request, *args, **kwargs)

        return wrapped

    if view is not None:
        return decorator(view)
    return decorator


def memberships_of(request: HttpRequest) -> list[Person]:
    """The viewer's memberships for the page shell: the list `org_view` read, if it did."""
    return _memberships_of(request)
