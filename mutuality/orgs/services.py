"""Changes to organizations, people and units. Web views, the API and the CLI all call these.

Every service runs in one transaction, checks the actor's right to act, validates, and
writes an audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from mutuality.core.audit import audit_record, snapshot
from mutuality.orgs import departures
from mutuality.orgs.models import Organization, Person, Role, Unit
from mutuality.orgs.text import fold

PERSON_FIELDS = ("name", "email", "employee_id", "title", "manager", "unit", "role", "is_active")
UNIT_FIELDS = ("name", "description", "parent", "is_active")


def require_admin(actor: Person | None) -> None:
    """Admins manage people and units; `None` is the installation itself (CLI, seeding)."""
    if actor is not None and actor.role != Role.ADMIN:
        raise PermissionDenied("Only an admin of this organization can do that.")


def _user(actor: Person | None) -> Any:
    """The login that acted, for the audit log (None for the command line and seeding)."""
    return actor.user if actor is not None else None


# --- organizations --------------------------------------------------------------------------


@transaction.atomic
def organization_create(
    *, name: str, slug: str = "", created_by: AbstractBaseUser | None = None
) -> Organization:
    """Create a tenant. The slug is derived from the name unless given; it must be unique."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the organization a name."})
    slug = slugify(slug or name)[:60]
    if not slug:
        raise ValidationError({"slug": "Use letters or digits in the short name."})
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"The short name “{slug}” is taken."})
    org = Organization.objects.create(name=name, slug=slug)
    audit_record(
        org=org,
        actor=created_by,
        action="organization.create",
        obj=org,
        after={"name": name, "slug": slug},
    )
    return org


# --- validation shared by services and the CSV import -----------------------------------------


def manager_chain_has(*, start: Person | None, target: Person) -> bool:
    """Whether `target` appears in the reporting line above `start` (inclusive)."""
    seen: set[int] = set()
    node = start
    while node is not None and node.pk not in seen:
        if node.pk == target.pk:
            return True
        seen.add(node.pk)
        node = node.manager
    return False


def unit_chain_has(*, start: Unit | None, target: Unit) -> bool:
    seen: set[int] = set()
    node = start
    while node is not None and node.pk not in seen:
        if node.pk == target.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def _clean_person(person: Person, *, manager_before: int | None = None) -> None:
    """Check and tidy a person before saving. `manager_before` is the manager recorded until
    now: an inactive manager may stay (saving an unrelated change never drops them), but
    nobody gets one anew."""
    errors: dict[str, str] = {}
    person.name = person.name.strip()
    person.search_name = fold(person.name)
    person.email = person.email.strip().lower()
    person.employee_id = person.employee_id.strip()
    person.title = person.title.strip()
    if not person.name:
        errors["name"] = "A name is required."
    # Without either, an export of this person could not be imported back.
    if not person.email and not person.employee_id:
        errors["email"] = "Give an email or an employee id, so this person can be recognized."
    if person.manager is not None:
        if person.manager.org_id != person.org_id:
            errors["manager"] = "The manager must belong to this organization."
        elif not person.manager.is_active and person.manager.pk != manager_before:
            errors["manager"] = (
                f"{person.manager.name} is no longer active here: choose an active manager."
            )
        elif person.pk and manager_chain_has(start=person.manager, target=person):
            errors["manager"] = (
                "That would make a reporting cycle: this person is above that manager."
            )
    if person.unit is not None and person.unit.org_id != person.org_id:
        errors["unit"] = "The unit must belong to this organization."
    others = Person.objects.filter(org_id=person.org_id).exclude(pk=person.pk)
    if person.email and others.filter(email__iexact=person.email).exists():
        errors["email"] = "Someone in this organization already has this email."
    if person.employee_id and others.filter(employee_id=person.employee_id).exists():
        errors["employee_id"] = "Someone in this organization already has this employee id."
    if errors:
        raise ValidationError(errors)
    # Field formats (email syntax, lengths, role choice); uniqueness was checked above.
    person.full_clean(
        exclude=["org", "user", "manager", "unit", "created_at", "updated_at"],
        validate_constraints=False,
    )


# --- people ----------------------------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    org: Organization,
    actor: Person | None,
    name: str,
    email: str = "",
    employee_id: str = "",
    title: str = "",
    manager: Person | None = None,
    unit: Unit | None = None,
    role: str = Role.MEMBER,
    user: AbstractBaseUser | None = None,
) -> Person:
    """Add a person to the organization (admins only).

    A person needs a name, and an email or an employee id (or both), so that an export of
    them can be imported back. Their manager must be an active person of the organization,
    and no reporting cycle may result.
    """
    require_admin(actor)
    person = Person(
        org=org,
        name=name,
        email=email,
        employee_id=employee_id,
        title=title,
        manager=manager,
        unit=unit,
        role=role,
        # By id: orgs names logins through Django (AUTH_USER_MODEL), never the accounts app.
        user_id=user.pk if user is not None else None,
    )
    _clean_person(person)
    person.save()
    audit_record(
        org=org,
        actor=_user(actor),
        action="person.create",
        obj=person,
        after=snapshot(person, PERSON_FIELDS),
    )
    return person


@transaction.atomic
def person_update(*, person: Person, actor: Person | None, **changes: Any) -> Person:
    """Change a person's details (admins only). Only the fields in PERSON_FIELDS may change.

    The rules of `person_create` hold, except that an inactive manager already recorded may
    stay. Admins may neither demote nor deactivate themselves.
    """
    require_admin(actor)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Unknown person fields: {sorted(unknown)}")
    before = snapshot(person, PERSON_FIELDS)
    if (
        actor is not None
        and person.pk == actor.pk
        and changes.get("role", person.role) != Role.ADMIN
    ):
        raise ValidationError({"role": "You cannot remove your own admin role."})
    if actor is not None and person.pk == actor.pk and changes.get("is_active") is False:
        raise ValidationError({"is_active": "You cannot deactivate yourself."})
    for field, value in changes.items():
        setattr(person, field, value)
    _clean_person(person, manager_before=before["manager"])
    person.updated_at = timezone.now()
    person.save()
    after = snapshot(person, PERSON_FIELDS)
    if after != before:
        audit_record(
            org=person.org,
            actor=_user(actor),
            action="person.update",
            obj=person,
            before=before,
            after=after,
        )
    return person


def manager_after_leaving(person: Person) -> Person | None:
    """Whom `person`'s reports report to once `person` is inactive: the nearest active
    manager above `person` (their own manager, unless that one has left too), or nobody."""
    seen = {person.pk}
    node = person.manager
    while node is not None and node.pk not in seen:
        if node.is_active:
            return node
        seen.add(node.pk)
        node = node.manager
    return None


@transaction.atomic
def person_deactivate(*, person: Person, actor: Person | None) -> Person:
    """Mark a person inactive: they keep their history but can no longer sign in here.

    Their API tokens are revoked, and their active direct reports move to the manager they
    leave behind (`manager_after_leaving`: their own manager, or nobody), each move audited,
    so that nobody reports to someone inactive. Not yourself.
    """
    require_admin(actor)
    if actor is not None and person.pk == actor.pk:
        raise ValidationError({"is_active": "You cannot deactivate yourself."})
    if not person.is_active:
        return person
    before = snapshot(person, PERSON_FIELDS)
    now = timezone.now()
    person.is_active = False
    person.updated_at = now
    person.save(update_fields=["is_active", "updated_at"])
    departures.people_left(departures.Leaving(org=person.org, people=[person], actor=actor, at=now))
    audit_record(
        org=person.org,
        actor=_user(actor),
        action="person.deactivate",
        obj=person,
        before=before,
        after=snapshot(person, PERSON_FIELDS),
    )
    successor = manager_after_leaving(person)
    reports = Person.objects.filter(org_id=person.org_id, manager_id=person.pk, is_active=True)
    for report in reports.order_by("name", "id"):
        report_before = snapshot(report, PERSON_FIELDS)
        report.manager = successor
        report.updated_at = now
        report.save(update_fields=["manager", "updated_at"])
        audit_record(
            org=person.org,
            actor=_user(actor),
            action="person.update",
            obj=report,
            before=report_before,
            after=snapshot(report, PERSON_FIELDS),
        )
    return person


@transaction.atomic
def person_reactivate(*, person: Person, actor: Person | None) -> Person:
    require_admin(actor)
    if person.is_active:
        return person
    before = snapshot(person, PERSON_FIELDS)
    person.is_active = True
    person.updated_at = timezone.now()
    person.save(update_fields=["is_active", "updated_at"])
    audit_record(
        org=person.org,
        actor=_user(actor),
        action="person.reactivate",
        obj=person,
        before=before,
        after=snapshot(person, PERSON_FIELDS),
    )
    return person


# --- units -----------------------------------------------------------------------------------


def _clean_unit(unit: Unit) -> None:
    errors: dict[str, str] = {}
    unit.name = unit.name.strip()
    if not unit.name:
        errors["name"] = "A name is required."
    if unit.parent is not None:
        if unit.parent.org_id != unit.org_id:
            errors["parent"] = "The parent unit must belong to this organization."
        elif unit.pk and unit_chain_has(start=unit.parent, target=unit):
            errors["parent"] = "A unit cannot sit inside itself or one of its sub-units."
        elif unit.is_active and not unit.parent.is_active:
            errors["parent"] = "That unit is retired: choose an active one."
    if unit.pk and not unit.is_active and unit.children.filter(is_active=True).exists():
        errors["is_active"] = "Move or retire this unit's active sub-units first."
    if errors:
        raise ValidationError(errors)
    others = Unit.objects.filter(org_id=unit.org_id).exclude(pk=unit.pk)
    if others.filter(name__iexact=unit.name).exists():
        raise ValidationError({"name": "A unit with this name already exists."})
    unit.full_clean(exclude=["org", "parent", "created_at"], validate_constraints=False)


def _check_leads(unit: Unit, leads: list[Person] | None, *, leads_before: list[int]) -> None:
    """Leads are active people of the organization; one who left may stay a lead, so that
    saving an unrelated change never drops them, but nobody inactive becomes one."""
    if leads is None:
        return
    if any(p.org_id != unit.org_id for p in leads):
        raise ValidationError({"leads": "Leads must belong to this organization."})
    inactive = [p.name for p in leads if not p.is_active and p.pk not in leads_before]
    if inactive:
        who = ", ".join(sorted(inactive))
        verb = "is" if len(inactive) == 1 else "are"
        raise ValidationError(
            {"leads": f"{who} {verb} no longer active here: leads must be active."}
        )


def _set_leads(unit: Unit, leads: list[Person] | None) -> None:
    if leads is not None:
        unit.leads.set(leads)


@transaction.atomic
def unit_create(
    *,
    org: Organization,
    actor: Person | None,
    name: str,
    description: str = "",
    parent: Unit | None = None,
    leads: list[Person] | None = None,
) -> Unit:
    """Add a unit to the tree (admins only). Its leads must be active people of the
    organization."""
    require_admin(actor)
    unit = Unit(org=org, name=name, description=description, parent=parent)
    _clean_unit(unit)
    _check_leads(unit, leads, leads_before=[])
    unit.save()
    _set_leads(unit, leads)
    after = snapshot(unit, UNIT_FIELDS) | {"leads": sorted(p.pk for p in leads or [])}
    audit_record(org=org, actor=_user(actor), action="unit.create", obj=unit, after=after)
    return unit


@transaction.atomic
def unit_update(
    *, unit: Unit, actor: Person | None, leads: list[Person] | None = None, **changes: Any
) -> Unit:
    """Rename, move or describe a unit, or change its leads (admins only)."""
    require_admin(actor)
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown unit fields: {sorted(unknown)}")
    before = snapshot(unit, UNIT_FIELDS) | {
        "leads": sorted(unit.leads.values_list("pk", flat=True))
    }
    for field, value in changes.items():
        setattr(unit, field, value)
    _clean_unit(unit)
    _check_leads(unit, leads, leads_before=before["leads"])
    unit.save()
    _set_leads(unit, leads)
    after = snapshot(unit, UNIT_FIELDS) | {"leads": sorted(unit.leads.values_list("pk", flat=True))}
    if after != before:
        audit_record(
            org=unit.org,
            actor=_user(actor),
            action="unit.update",
            obj=unit,
            before=before,
            after=after,
        )
    return unit


@transaction.atomic
def unit_deactivate(*, unit: Unit, actor: Person | None) -> Unit:
    """Retire a unit. Its active sub-units must be moved or retired first."""
    require_admin(actor)
    if unit.children.filter(is_active=True).exists():
        raise ValidationError({"is_active": "Move or retire this unit's active sub-units first."})
    if not unit.is_active:
        return unit
    before = snapshot(unit, UNIT_FIELDS)
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    audit_record(
        org=unit.org,
        actor=_user(actor),
        action="unit.deactivate",
        obj=unit,
        before=before,
        after=snapshot(unit, UNIT_FIELDS),
    )
    return unit
