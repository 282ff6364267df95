"""Pydantic schemas of the issues API. Inputs forbid unknown fields and bound every string;
a move's body is derived from the declarations (`mutuality.core.workflow.api`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from mutuality.commitments.issues.selectors import ROLE_FILTERS, STATE_FILTERS
from mutuality.commitments.models import IssueState
from mutuality.core.api.schemas import Id, Input, Limit, Offset, Text
from mutuality.core.workflow.api import WithMovesOut

Title = Annotated[Text, Field(min_length=1, max_length=200)]
LongText = Annotated[Text, Field(max_length=10_000)]
IssueStateFilter = Literal[
    "open", "closed", "all", "raised", "owned", "proposed", "declined", "escalated",
    "resolved", "closed_unconfirmed", "withdrawn", "declined_final",
]  # fmt: skip
IssueRoleFilter = Literal["", "raised", "mine", "waiting"]
assert set(IssueStateFilter.__args__) == set(STATE_FILTERS)  # type: ignore[attr-defined]
assert set(IssueRoleFilter.__args__) == set(ROLE_FILTERS)  # type: ignore[attr-defined]


class PartyOut(Schema):
    id: int
    name: str


class IssueOut(Schema):
    id: int
    title: str
    description: str
    state: IssueState
    is_open: bool
    raiser: PartyOut
    addressee: PartyOut | None = Field(description="The person it was raised with.")
    unit: PartyOut | None = Field(description="The unit it was raised with.")
    owner: PartyOut | None
    facilitator: PartyOut | None = Field(description="The facilitator it was escalated to.")
    resolution: str = Field(description="The latest proposed resolution.")
    decline_reason: str
    raised_at: dt.datetime
    owned_at: dt.datetime | None
    proposed_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int = Field(description="Send it back as `expected_version` with a move.")


class IssueEventOut(Schema):
    id: int
    move: str
    actor: PartyOut | None = Field(description="Null when Mutuality closed it (14-day rule).")
    at: dt.datetime
    from_state: str
    to_state: str
    note: str


class IssueDetailOut(IssueOut, WithMovesOut):
    events: list[IssueEventOut] = Field(description="Every move so far, oldest first.")


class IssueFilters(Schema):
    role: IssueRoleFilter = Field(
        "",
        description=(
            "`raised`: by the token's person; `mine`: raised with them or their units, "
            "owned by them, or escalated to them; `waiting`: waiting for their move; empty: "
            "every issue they may see."
        ),
    )
    state: IssueStateFilter = Field(
        "open", description="`open` (default), `closed`, `all` or a state."
    )
    unit: Id | None = Field(None, description="Only issues raised with this unit.")
    limit: Limit = 50
    offset: Offset = 0


class IssuesPage(Schema):
    count: int = Field(description="How many issues match (counted up to 10,000).")
    count_is_exact: bool
    limit: int
    offset: int
    items: list[IssueOut]


class IssueCreate(Input):
    title: Title
    description: LongText = ""
    addressee_id: Id | None = Field(None, description="The person to raise it with.")
    unit_id: Id | None = Field(None, description="Or the unit to raise it with.")
