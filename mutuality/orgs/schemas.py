"""Pydantic schemas of the JSON API for organizations, people and units.

Inputs forbid unknown fields (a typo such as `manager` for `manager_id` is a 422 naming
it, not a silent no-op) and bound every string and number, so nothing a client sends can
reach the database in a shape it would refuse with an error of its own.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from mutuality.core.api.schemas import NOT_SENT, CleanText, Id, Input, PageParams, Patch
from mutuality.orgs.models import Role

Name = Annotated[str, Field(min_length=1, max_length=200), CleanText]
Title = Annotated[str, Field(max_length=200), CleanText]
Email = Annotated[str, Field(max_length=254), CleanText]
EmployeeId = Annotated[str, Field(max_length=64), CleanText]
Description = Annotated[str, Field(max_length=10_000), CleanText]
Search = Annotated[str, Field(max_length=200), CleanText]
ActiveFilter = Literal["true", "false", "all"]


# --- organizations ---------------------------------------------------------------------------


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str


# --- people ------------------------------------------------------------------------------------


def _shown_to_admins_only(context: Any) -> bool:
    # As on the person's page: what only admins see is null for every other caller (and
    # for a schema filled in without a request to say who is asking).
    request = (context or {}).get("request")
    auth = getattr(request, "auth", None)
    person = getattr(auth, "person", None)
    return bool(person is not None and person.is_admin)


class PersonOut(Schema):
    id: int
    name: str
    email: str
    employee_id: str | None = Field(description="Shown to admins only; null for everyone else.")
    title: str
    role: Role
    is_active: bool
    manager_id: int | None
    unit_id: int | None
    has_login: bool | None = Field(
        description="Whether the person has accepted an invitation. Shown to admins only; "
        "null for everyone else."
    )

    @staticmethod
    def resolve_employee_id(obj: Any, context: Any) -> str | None:
        return str(obj.employee_id) if _shown_to_admins_only(context) else None

    @staticmethod
    def resolve_has_login(obj: Any, context: Any) -> bool | None:
        if not _shown_to_admins_only(context):
            return None
        return getattr(obj, "user_id", None) is not None


class PeopleFilters(PageParams):
    q: Search = Field(
        "",
        description="Matches name, email or title (case-insensitive), and for admins the "
        "employee id.",
    )
    unit: Id | None = Field(None, description="Only members of this unit (not its sub-units).")
    manager: Id | None = Field(None, description="Only direct reports of this person.")
    active: ActiveFilter = Field(
        "true", description="`true` (default): active people; `false`: inactive; `all`: both."
    )


class PeoplePage(Schema):
    count: int
    count_is_exact: bool
    limit: int
    offset: int
    items: list[PersonOut]


class PersonCreate(Input):
    name: Name
    email: Email = ""
    employee_id: EmployeeId = ""
    title: Title = ""
    role: Role = Role.MEMBER
    manager_id: Id | None = None
    unit_id: Id | None = None


class PersonPatch(Patch):
    name: Name = NOT_SENT
    email: Email = NOT_SENT
    employee_id: EmployeeId = NOT_SENT
    title: Title = NOT_SENT
    role: Role = NOT_SENT
    manager_id: Id | None = None
    unit_id: Id | None = None


# --- units -------------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    name: str
    description: str
    parent_id: int | None
    is_active: bool
    lead_ids: list[int]
    member_count: int = Field(description="Active people whose unit this is.")

    @staticmethod
    def resolve_lead_ids(obj: Any) -> list[int]:
        return sorted(lead.pk for lead in obj.leads.all())


class UnitFilters(PageParams):
    parent: Id | None = Field(None, description="Only direct sub-units of this unit.")
    active: ActiveFilter = Field(
        "true", description="`true` (default): active units; `false`: retired; `all`: both."
    )


class UnitsPage(Schema):
    count: int
    count_is_exact: bool
    limit: int
    offset: int
    items: list[UnitOut]


LeadIds = Annotated[list[Id], Field(max_length=200)]


class UnitCreate(Input):
    name: Name
    description: Description = ""
    parent_id: Id | None = None
    lead_ids: LeadIds = Field(default_factory=list)


class UnitPatch(Patch):
    name: Name = NOT_SENT
    description: Description = NOT_SENT
    parent_id: Id | None = None
    lead_ids: LeadIds = NOT_SENT
