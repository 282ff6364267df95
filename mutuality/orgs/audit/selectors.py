"""Reads of the audit log, for the organization's admins: its events, and the names in them."""

from __future__ import annotations

from django.db.models import QuerySet

from mutuality.core.models import AuditEvent
from mutuality.orgs.models import Person, Unit


def audit_events_for(
    *, viewer: Person, actor: Person | None = None, object_type: str = "", object_id: str = ""
) -> QuerySet[AuditEvent]:
    """The viewer's organization's own events, newest first, narrowed by the filters given.

    `actor`: what that person did (nothing, for someone who never had a login).
    """
    events = AuditEvent.objects.filter(org_id=viewer.org_id).order_by("-at", "-id")
    if actor is not None:
        if actor.user_id is None:
            return events.none()
        events = events.filter(actor_id=actor.user_id)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    return events


def people_by_login(*, viewer: Person, user_ids: set[int]) -> dict[int, Person]:
    """The people of the viewer's organization with these logins, by login id."""
    if not user_ids:
        return {}
    people = Person.objects.filter(org_id=viewer.org_id, user_id__in=sorted(user_ids))
    return {p.user_id: p for p in people.only("pk", "user") if p.user_id is not None}


def names_of_people(*, viewer: Person, ids: set[int]) -> dict[int, str]:
    """The names of these people of the viewer's organization, by id (one query)."""
    if not ids:
        return {}
    rows = Person.objects.filter(org_id=viewer.org_id, pk__in=sorted(ids))
    return dict(rows.values_list("pk", "name"))


def names_of_units(*, viewer: Person, ids: set[int]) -> dict[int, str]:
    """The names of these units of the viewer's organization, by id (one query)."""
    if not ids:
        return {}
    rows = Unit.objects.filter(org_id=viewer.org_id, pk__in=sorted(ids))
    return dict(rows.values_list("pk", "name"))
