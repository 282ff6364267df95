"""Pydantic schemas of the JSON API for organizations, people and units.

Inputs forbid unknown fields (a typo such as `manager` for `manager_id` is a 422 naming
it, not a silent no-op) and bound every string and number, so nothing a client sends can
reach the database in a shape it would refuse with an error of its own.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

from mutuality.orgs.models import Role

# The largest primary key the databases accept (signed 64-bit); larger numbers would
# overflow inside the database driver instead of simply matching nothing.
MAX_ID = 2**63 - 1
# Far beyond any real directory, and small enough that offset + limit never overflows.
MAX_OFFSET = 1_000_000_000
MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def _clean_text(value: Any) -> Any:
    # PostgreSQL refuses NUL characters and no database can store lone surrogates (which
    # JSON's \ud800 escapes can produce); refuse both here as a field error. Runs before
    # the string validation (anything but a string is left for it to refuse), so that
    # length bounds added with Field(...) keep their plain "string" messages.
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("Text may not contain NUL characters.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("Text must be valid Unicode.") from None
    return value


def _whole_number(value: Any) -> Any:
    # Pydantic's lax mode takes `true` for 1 and 1.0 for 1, so `"manager_id": true` would
    # name the person with id 1. Refuse both; strings are left to the integer validation,
    # since ids in a path or a query string always arrive as text.
    if isinstance(value, bool):
        raise ValueError("Input should be an integer, not true or false.")
    if isinstance(value, float):
        raise ValueError("Input should be an integer, not a decimal number.")
    return value


# For every integer a client sends (ids, counts, versions): a JSON number without a fraction
# or text of digits, never a boolean or a float. Put it after any Field(...), as CleanText.
WholeNumber = BeforeValidator(_whole_number)
Id = Annotated[int, Field(ge=1, le=MAX_ID), WholeNumber]
CleanText = BeforeValidator(_clean_text)
# Text a database can store. To bound it, put the Field first:
# `Annotated[str, Field(max_length=200), CleanText]` (after a validator, pydantic words
# length errors for generic sequences: "at most 200 items").
Text = Annotated[str, CleanText]
Name = Annotated[str, Field(min_length=1, max_length=200), CleanText]
Title = Annotated[str, Field(max_length=200), CleanText]
Email = Annotated[str, Field(max_length=254), CleanText]
EmployeeId = Annotated[str, Field(max_length=64), CleanText]
Description = Annotated[str, Field(max_length=10_000), CleanText]
Search = Annotated[str, Field(max_length=200), CleanText]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT), WholeNumber]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET), WholeNumber]
ActiveFilter = Literal["true", "false", "all"]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


# The default of a PATCH field that may not be null. Pydantic never validates defaults, so
# `None` here only marks "not sent" (read with `model_dump(exclude_unset=True)`); a client
# that sends `null` for such a field gets a 422 naming it. Typed Any so the field keeps its
# real type in the schema and for mypy.
NOT_SENT: Any = None


class _Patch(_Input):
    """A partial update: only the fields sent change."""


# --- organizations ---------------------------------------------------------------------------


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str


# --- pagination --------------------------------------------------------------------------------


class PageParams(Schema):
    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


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
    limit: int
    offset: int
    items: list[PersonOut]


class PersonCreate(_Input):
    name: Name
    email: Email = ""
    employee_id: EmployeeId = ""
    title: Title = ""
    role: Role = Role.MEMBER
    manager_id: Id | None = None
    unit_id: Id | None = None


class PersonPatch(_Patch):
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
    limit: int
    offset: int
    items: list[UnitOut]


LeadIds = Annotated[list[Id], Field(max_length=200)]


class UnitCreate(_Input):
    name: Name
    description: Description = ""
    parent_id: Id | None = None
    lead_ids: LeadIds = Field(default_factory=list)


class UnitPatch(_Patch):
    name: Name = NOT_SENT
    description: Description = NOT_SENT
    parent_id: Id | None = None
    lead_ids: LeadIds = NOT_SENT


# --- errors --------------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = Field(
        None, description="For 422: each bad field with its messages."
    )
