"""API endpoints for the token's organization, its people and its units.

Thin: parse (schemas), resolve ids inside the token's organization, call one service,
answer. Ids of another organization are indistinguishable from ids that do not exist:
404 in the path, 422 on the field in a body.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from mutuality.core.api import auth_of
from mutuality.orgs.models import Organization, Person, Role, Unit
from mutuality.orgs.schemas import (
    ActiveFilter,
    ErrorOut,
    Id,
    OrganizationOut,
    PageParams,
    PeopleFilters,
    PeoplePage,
    PersonCreate,
    PersonOut,
    PersonPatch,
    UnitCreate,
    UnitFilters,
    UnitOut,
    UnitPatch,
    UnitsPage,
)
from mutuality.orgs.services import (
    person_create,
    person_deactivate,
    person_reactivate,
    person_update,
    require_admin,
    unit_create,
    unit_deactivate,
    unit_update,
)
from mutuality.orgs.text import fold

router = Router()

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 409: ErrorOut, **READ_ERRORS}

# Services name model fields; the API names the ids a client sends.
PERSON_FIELD_NAMES = {"manager": "manager_id", "unit": "unit_id"}
UNIT_FIELD_NAMES = {"parent": "parent_id", "leads": "lead_ids"}
NO_SUCH_PERSON = "No person with this id in this organization."
NO_SUCH_UNIT = "No unit with this id in this organization."


@contextmanager
def _fields_named(names: Mapping[str, str]) -> Iterator[None]:
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc


def _page(qs: QuerySet[Any], base: QuerySet[Any], page: PageParams) -> dict[str, Any]:
    # Count on the plain queryset: counting the annotated one would wrap its GROUP BY.
    return {
        "count": base.count(),
        "limit": page.limit,
        "offset": page.offset,
        "items": list(qs[page.offset : page.offset + page.limit]),
    }


def _by_active(qs: QuerySet[Any], active: ActiveFilter) -> QuerySet[Any]:
    if active == "all":
        return qs
    return qs.filter(is_active=(active == "true"))


# --- reads, always inside the token's organization ------------------------------------------


def _people_of(org: Organization) -> QuerySet[Person]:
    return Person.objects.filter(org=org)


def _person_in(org: Organization, pk: int) -> Person:
    person = _people_of(org).select_related("org", "user").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def _units_of(org: Organization) -> QuerySet[Unit]:
    return Unit.objects.filter(org=org)


def _units_with_details(qs: QuerySet[Unit]) -> QuerySet[Unit]:
    return qs.annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True)
    ).prefetch_related(Prefetch("leads", queryset=Person.objects.only("id")))


def _unit_in(org: Organization, pk: int) -> Unit:
    unit = _units_of(org).select_related("org").filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def _unit_out(org: Organization, pk: int) -> Unit:
    unit = _units_with_details(_units_of(org)).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


class _References:
    """Resolves ids sent in a body to rows of the organization, naming each bad field."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self.errors: dict[str, list[str]] = {}

    def person(self, field: str, pk: int | None) -> Person | None:
        if pk is None:
            return None
        person = _people_of(self.org).filter(pk=pk).first()
        if person is None:
            self.errors[field] = [NO_SUCH_PERSON]
        return person

    def unit(self, field: str, pk: int | None) -> Unit | None:
        if pk is None:
            return None
        unit = _units_of(self.org).filter(pk=pk).first()
        if unit is None:
            self.errors[field] = [NO_SUCH_UNIT]
        return unit

    def people(self, field: str, pks: Iterable[int]) -> list[Person]:
        wanted = set(pks)
        found = list(_people_of(self.org).filter(pk__in=wanted))
        missing = sorted(wanted - {p.pk for p in found})
        if missing:
            self.errors[field] = [f"{NO_SUCH_PERSON} ({pk})" for pk in missing]
        return found

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


# --- organizations ---------------------------------------------------------------------------


@router.get(
    "/organizations",
    response={200: list[OrganizationOut], 401: ErrorOut},
    tags=["organizations"],
    summary="The organizations this token can act in (always exactly one)",
)
def organizations_list(request: HttpRequest) -> list[Organization]:
    return [auth_of(request).org]


@router.get(
    "/organizations/current",
    response={200: OrganizationOut, 401: ErrorOut},
    tags=["organizations"],
    summary="The token's organization",
)
def organizations_current(request: HttpRequest) -> Organization:
    return auth_of(request).org


# --- people ----------------------------------------------------------------------------------


@router.get(
    "/people",
    response={200: PeoplePage, **READ_ERRORS},
    tags=["people"],
    summary="List people",
)
def people_list(request: HttpRequest, filters: Query[PeopleFilters]) -> dict[str, Any]:
    """People of the organization, ordered by name, `limit` (≤ 200) at a time from `offset`.

    Inactive people are listed for admins only, as in the web directory; for everyone
    else `active` is always `true`. Only admins see (and can search by) employee ids, and
    see whether someone has a login.
    """
    auth = auth_of(request)
    is_admin = auth.person.role == Role.ADMIN
    active = filters.active if is_admin else "true"
    qs = _by_active(_people_of(auth.org), active)
    if filters.q.strip():
        q = filters.q.strip()
        # Names whatever their case and accents ("tomas" finds "Tomás"), as in the directory.
        found = Q(search_name__contains=fold(q)) | Q(email__icontains=q) | Q(title__icontains=q)
        if is_admin:
            # Employee ids are shown to admins only; nobody else may find people by them.
            found |= Q(employee_id__icontains=q)
        qs = qs.filter(found)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.manager is not None:
        qs = qs.filter(manager_id=filters.manager)
    return _page(qs.order_by("name", "id"), qs, filters)


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, **READ_ERRORS},
    tags=["people"],
    summary="Get a person",
)
def people_get(request: HttpRequest, person_id: Id) -> Person:
    return _person_in(auth_of(request).org, person_id)


@router.post(
    "/people",
    response={201: PersonOut, **WRITE_ERRORS},
    tags=["people"],
    summary="Add a person",
)
def people_create(request: HttpRequest, payload: PersonCreate) -> Status[Person]:
    """Add a person (admins): a name, and an `email` or an `employee_id` (or both).
    `manager_id` and `unit_id` must be of this organization."""
    auth = auth_of(request)
    require_admin(auth.person)
    refs = _References(auth.org)
    manager = refs.person("manager_id", payload.manager_id)
    unit = refs.unit("unit_id", payload.unit_id)
    refs.check()
    with _fields_named(PERSON_FIELD_NAMES):
        person = person_create(
            org=auth.org,
            actor=auth.person,
            name=payload.name,
            email=payload.email,
            employee_id=payload.employee_id,
            title=payload.title,
            role=Role(payload.role).value,
            manager=manager,
            unit=unit,
        )
    return Status(201, person)


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, **WRITE_ERRORS},
    tags=["people"],
    summary="Change a person",
)
def people_update(request: HttpRequest, person_id: Id, payload: PersonPatch) -> Person:
    """Change the fields sent (admins); `manager_id` or `unit_id` set to null clears them."""
    auth = auth_of(request)
    person = _person_in(auth.org, person_id)
    require_admin(auth.person)
    sent = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {
        field: sent[field] for field in ("name", "email", "employee_id", "title") if field in sent
    }
    if "role" in sent:
        changes["role"] = Role(sent["role"]).value
    refs = _References(auth.org)
    if "manager_id" in sent:
        changes["manager"] = refs.person("manager_id", sent["manager_id"])
    if "unit_id" in sent:
        changes["unit"] = refs.unit("unit_id", sent["unit_id"])
    refs.check()
    with _fields_named(PERSON_FIELD_NAMES):
        return person_update(person=person, actor=auth.person, **changes)


@router.post(
    "/people/{person_id}/deactivate",
    response={200: PersonOut, **WRITE_ERRORS},
    tags=["people"],
    summary="Deactivate a person",
)
def people_deactivate(request: HttpRequest, person_id: Id) -> Person:
    """Mark a person inactive (admins); their API tokens are revoked, and their active direct
    reports move to the person's own manager (or to none). Not yourself."""
    auth = auth_of(request)
    person = _person_in(auth.org, person_id)
    return person_deactivate(person=person, actor=auth.person)


@router.post(
    "/people/{person_id}/reactivate",
    response={200: PersonOut, **WRITE_ERRORS},
    tags=["people"],
    summary="Reactivate a person",
)
def people_reactivate(request: HttpRequest, person_id: Id) -> Person:
    """Make an inactive person active again (admins)."""
    auth = auth_of(request)
    person = _person_in(auth.org, person_id)
    return person_reactivate(person=person, actor=auth.person)


# --- units -----------------------------------------------------------------------------------


@router.get(
    "/units",
    response={200: UnitsPage, **READ_ERRORS},
    tags=["units"],
    summary="List units",
)
def units_list(request: HttpRequest, filters: Query[UnitFilters]) -> dict[str, Any]:
    """Units of the organization, ordered by name, with their leads and active member count."""
    qs = _by_active(_units_of(auth_of(request).org), filters.active)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    return _page(_units_with_details(qs).order_by("name", "id"), qs, filters)


@router.get(
    "/units/{unit_id}",
    response={200: UnitOut, **READ_ERRORS},
    tags=["units"],
    summary="Get a unit",
)
def units_get(request: HttpRequest, unit_id: Id) -> Unit:
    return _unit_out(auth_of(request).org, unit_id)


@router.post(
    "/units",
    response={201: UnitOut, **WRITE_ERRORS},
    tags=["units"],
    summary="Add a unit",
)
def units_create(request: HttpRequest, payload: UnitCreate) -> Status[Unit]:
    """Add a unit (admins). `parent_id` and `lead_ids` must be of this organization."""
    auth = auth_of(request)
    require_admin(auth.person)
    refs = _References(auth.org)
    parent = refs.unit("parent_id", payload.parent_id)
    leads = refs.people("lead_ids", payload.lead_ids)
    refs.check()
    with _fields_named(UNIT_FIELD_NAMES):
        unit = unit_create(
            org=auth.org,
            actor=auth.person,
            name=payload.name,
            description=payload.description,
            parent=parent,
            leads=leads,
        )
    return Status(201, _unit_out(auth.org, unit.pk))


@router.patch(
    "/units/{unit_id}",
    response={200: UnitOut, **WRITE_ERRORS},
    tags=["units"],
    summary="Change a unit",
)
def units_update(request: HttpRequest, unit_id: Id, payload: UnitPatch) -> Unit:
    """Change the fields sent (admins); `parent_id: null` makes it a top-level unit and
    `lead_ids` replaces the whole list of leads."""
    auth = auth_of(request)
    unit = _unit_in(auth.org, unit_id)
    require_admin(auth.person)
    sent = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {
        field: sent[field] for field in ("name", "description") if field in sent
    }
    refs = _References(auth.org)
    if "parent_id" in sent:
        changes["parent"] = refs.unit("parent_id", sent["parent_id"])
    leads = refs.people("lead_ids", sent["lead_ids"]) if "lead_ids" in sent else None
    refs.check()
    with _fields_named(UNIT_FIELD_NAMES):
        unit_update(unit=unit, actor=auth.person, leads=leads, **changes)
    return _unit_out(auth.org, unit.pk)


@router.post(
    "/units/{unit_id}/deactivate",
    response={200: UnitOut, **WRITE_ERRORS},
    tags=["units"],
    summary="Retire a unit",
)
def units_deactivate(request: HttpRequest, unit_id: Id) -> Unit:
    """Retire a unit (admins). Its active sub-units must be moved or retired first."""
    auth = auth_of(request)
    unit = _unit_in(auth.org, unit_id)
    unit_deactivate(unit=unit, actor=auth.person)
    return _unit_out(auth.org, unit.pk)
