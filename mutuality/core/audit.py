"""Writing the audit log. Every service that changes shared state calls `audit_record`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from mutuality.core.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of `obj` as JSON-ready values (foreign keys as their ids)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            data[name] = getattr(obj, field.attname)
        else:
            data[name] = _jsonable(getattr(obj, name))
    return data


def actor_label(actor: Any) -> str:
    """How the log names who acted: the login's display name, or "system" for nobody."""
    if actor is None:
        return "system"
    return str(getattr(actor, "display_name", "") or actor.get_username())


def audit_event(
    *,
    org: models.Model | None,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    label: str | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """One event, not yet saved: for writers that insert many at once (see `audit_record`).

    `org` is the organization (None for the installation itself), `actor` the login that
    acted (None for the system: the command line, the 14-day rule).
    """
    return AuditEvent(
        org_id=org.pk if org is not None else None,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=(label if label is not None else str(obj))[:300],
        before=before,
        after=after,
        at=at or timezone.now(),
    )


def audit_record(
    *,
    org: models.Model | None,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Append one event. Call inside the service's transaction so both commit together."""
    event = audit_event(
        org=org, actor=actor, action=action, obj=obj, before=before, after=after, label=label
    )
    event.save(force_insert=True)
    return event


def audit_record_private(
    *,
    org: models.Model,
    action: str,
    obj: models.Model,
    label: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    keep: Iterable[str] = ("state",),
) -> AuditEvent:
    """Append one event about something only its parties may see (a personal commitment,
    an issue raised with a person).

    Admins read the whole audit log, so such an event names no actor and no party and
    carries no content: only `label` ("Issue #12") and the fields in `keep`.
    """
    kept = set(keep)
    return audit_record(
        org=org,
        actor=None,
        action=action,
        obj=obj,
        before={k: v for k, v in before.items() if k in kept} if before else None,
        after={k: v for k, v in after.items() if k in kept} if after is not None else None,
        label=label,
    )
