"""API endpoints for the token's organization, its people and its units.

Thin: parse (schemas), resolve ids inside the token's organization, call one service,
answer. Ids of another organization are indistinguishable from ids that do not exist:
404 in the path, 422 on the field in a body.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from mutuality.core.api.errors import fields_named
from mutuality.core.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, Id, PageParams
from mutuality.core.paging import page_of
from mutuality.orgs.models import Organization, Person, Role, Unit
from mutuality.orgs.references import OrgReferences
from mutuality.orgs.schemas import (
    OrganizationOut,
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
from mutuality.orgs.selectors import (
    people_visible_to,
    person_for_viewer,
    unit_for_viewer,
    unit_summaries,
    unit_summary_for_viewer,
    units_visible_to,
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
from mutuality.orgs.tenancy import auth_of

router = Router()

# Services name model fields; the API names the ids a client sends.
PERSON_FIELD_NAMES = {"manager": "manager_id", "unit": "unit_id"}
UNIT_FIELD_NAMES = {"parent": "parent_id", "leads": "lead_ids"}


def _page(
    qs: QuerySet[Any], page: PageParams, *, count_qs: QuerySet[Any] | None = None
) -> dict[str, Any]:
    # People and units are counted exactly: a directory is thousands of rows, not millions.
    return page_of(qs, limit=page.limit, offset=page.offset, cap=None, count_qs=count_qs)


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

    `q` searches as the web directory does: every word must appear in the name (whatever
    its case and accents) or the job title, and for admins may also match an email
    address or an employee id. Inactive people are listed for admins only, as in the
    directory; for everyone else `active` is always `true`. Only admins see employee ids
    and whether someone has a login.
    """
    viewer = auth_of(request).person
    people = people_visible_to(
        viewer=viewer,
        q=filters.q,
        unit=filters.unit,
        manager=filters.manager,
        include_inactive=filters.active == "all",
        inactive_only=filters.active == "false",
    )
    return _page(people, filters)


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, **READ_ERRORS},
    tags=["people"],
    summary="Get a person",
)
def people_get(request: HttpRequest, person_id: Id) -> Person:
    return person_for_viewer(viewer=auth_of(request).person, pk=person_id)


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
    refs = OrgReferences(auth.person)
    manager = refs.person("manager_id", payload.manager_id)
    unit = refs.unit("unit_id", payload.unit_id)
    refs.check()
    with fields_named(PERSON_FIELD_NAMES):
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
    person = person_for_viewer(viewer=auth.person, pk=person_id)
    require_admin(auth.person)
    sent = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {
        field: sent[field] for field in ("name", "email", "employee_id", "title") if field in sent
    }
    if "role" in sent:
        changes["role"] = Role(sent["role"]).value
    refs = OrgReferences(auth.person)
    if "manager_id" in sent:
        changes["manager"] = refs.person("manager_id", sent["manager_id"])
    if "unit_id" in sent:
        changes["unit"] = refs.unit("unit_id", sent["unit_id"])
    refs.check()
    with fields_named(PERSON_FIELD_NAMES):
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
    person = person_for_viewer(viewer=auth.person, pk=person_id)
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
    person = person_for_viewer(viewer=auth.person, pk=person_id)
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
    units = units_visible_to(
        viewer=auth_of(request).person,
        include_inactive=filters.active != "true",
        retired_only=filters.active == "false",
        parent=filters.parent,
    )
    return _page(unit_summaries(units), filters, count_qs=units)


@router.get(
    "/units/{unit_id}",
    response={200: UnitOut, **READ_ERRORS},
    tags=["units"],
    summary="Get a unit",
)
def units_get(request: HttpRequest, unit_id: Id) -> Unit:
    return unit_summary_for_viewer(viewer=auth_of(request).person, pk=unit_id)


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
    refs = OrgReferences(auth.person)
    parent = refs.unit("parent_id", payload.parent_id)
    leads = refs.people("lead_ids", payload.lead_ids)
    refs.check()
    with fields_named(UNIT_FIELD_NAMES):
        unit = unit_create(
            org=auth.org,
            actor=auth.person,
            name=payload.name,
            description=payload.description,
            parent=parent,
            leads=leads,
        )
    return Status(201, unit_summary_for_viewer(viewer=auth.person, pk=unit.pk))


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
    unit = unit_for_viewer(viewer=auth.person, pk=unit_id)
    require_admin(auth.person)
    sent = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {
        field: sent[field] for field in ("name", "description") if field in sent
    }
    refs = OrgReferences(auth.person)
    if "parent_id" in sent:
        changes["parent"] = refs.unit("parent_id", sent["parent_id"])
    leads = refs.people("lead_ids", sent["lead_ids"]) if "lead_ids" in sent else None
    refs.check()
    with fields_named(UNIT_FIELD_NAMES):
        unit_update(unit=unit, actor=auth.person, leads=leads, **changes)
    return unit_summary_for_viewer(viewer=auth.person, pk=unit.pk)


@router.post(
    "/units/{unit_id}/deactivate",
    response={200: UnitOut, **WRITE_ERRORS},
    tags=["units"],
    summary="Retire a unit",
)
def units_deactivate(request: HttpRequest, unit_id: Id) -> Unit:
    """Retire a unit (admins). Its active sub-units must be moved or retired first."""
    auth = auth_of(request)
    unit = unit_for_viewer(viewer=auth.person, pk=unit_id)
    unit_deactivate(unit=unit, actor=auth.person)
    return unit_summary_for_viewer(viewer=auth.person, pk=unit.pk)
