"""Pydantic schemas of the commitments API.

Inputs forbid unknown fields and bound every string, as the organization API does.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from mutuality.commitments.commitments.selectors import STATE_FILTERS
from mutuality.commitments.models import CommitmentKind, CommitmentState
from mutuality.core.api.schemas import Id, Input, Limit, Offset, Text
from mutuality.core.workflow.api import WithMovesOut

Title = Annotated[Text, Field(min_length=1, max_length=200)]
LongText = Annotated[Text, Field(max_length=10_000)]
Label = Annotated[Text, Field(max_length=200)]
Url = Annotated[Text, Field(max_length=500)]

# Literal types built from the model's choices, so the OpenAPI document lists them.
StateFilter = Literal[
    "open", "closed", "all", "requested", "offered", "countered", "deferred", "promised",
    "completed", "satisfied", "declined", "cancelled", "revoked",
]  # fmt: skip
RoleFilter = Literal["", "requester", "performer", "waiting"]
assert set(StateFilter.__args__) == set(STATE_FILTERS)  # type: ignore[attr-defined]


class PartyOut(Schema):
    id: int
    name: str


class CounterOut(Schema):
    due_date: dt.date | None
    terms: str


class RenegotiationOut(Schema):
    proposed_by: PartyOut
    due_date: dt.date | None
    terms: str


class CommitmentOut(Schema):
    id: int
    kind: CommitmentKind
    title: str
    conditions: str = Field(description="The conditions of satisfaction in effect.")
    state: CommitmentState
    is_open: bool
    overdue: bool = Field(description="Past its due date and not yet declared complete.")
    due_date: dt.date
    original_due_date: dt.date
    answer_by: dt.date | None = Field(description="Commit-to-commit: the answer is due by then.")
    requester: PartyOut = Field(description="The customer; for a self-commitment, the beneficiary.")
    performer: PartyOut | None = Field(
        description="Null while a request made of a unit is not taken up."
    )
    performer_unit: PartyOut | None
    counter_offer: CounterOut | None = Field(description="A pending counter-offer.")
    renegotiation: RenegotiationOut | None = Field(description="Pending proposed new terms.")
    context_label: str
    context_url: str
    created_at: dt.datetime
    promised_at: dt.datetime | None
    completed_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int = Field(description="Send it back as `expected_version` with a move.")

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(obj.is_overdue())

    @staticmethod
    def resolve_counter_offer(obj: Any) -> dict[str, Any] | None:
        if obj.state != CommitmentState.COUNTERED:
            return None
        return {"due_date": obj.counter_due_date, "terms": obj.counter_terms}

    @staticmethod
    def resolve_renegotiation(obj: Any) -> dict[str, Any] | None:
        if obj.proposed_by_id is None:
            return None
        return {
            "proposed_by": obj.proposed_by,
            "due_date": obj.proposed_due_date,
            "terms": obj.proposed_terms,
        }


class EventOut(Schema):
    id: int
    move: str
    actor: PartyOut
    at: dt.datetime
    from_state: str
    to_state: str
    note: str
    due_date: dt.date = Field(description="The due date in effect after the move.")
    previous_due_date: dt.date | None
    terms: str
    answer_by: dt.date | None


class CommitmentDetailOut(CommitmentOut, WithMovesOut):
    events: list[EventOut] = Field(description="Every move so far, oldest first.")


class CommitmentFilters(Schema):
    role: RoleFilter = Field(
        "",
        description=(
            "`requester` / `performer`: the token's person's part; `waiting`: waiting for "
            "their answer; empty: anyone's."
        ),
    )
    state: StateFilter = Field("open", description="`open` (default), `closed`, `all` or a state.")
    overdue: bool = Field(False, description="Only commitments past their due date.")
    unit: Id | None = Field(None, description="Only requests made of this unit.")
    limit: Limit = 50
    offset: Offset = 0


class CommitmentsPage(Schema):
    count: int = Field(description="How many commitments match (counted up to 10,000).")
    count_is_exact: bool = Field(description="False when more than `count` match.")
    limit: int
    offset: int
    items: list[CommitmentOut]


class CommitmentCreate(Input):
    kind: CommitmentKind
    title: Title
    conditions: Annotated[LongText, Field(min_length=1)]
    due_date: dt.date = Field(description="Today or later, at most five years ahead.")
    performer_id: Id | None = Field(None, description="Request: the person asked.")
    unit_id: Id | None = Field(None, description="Request: the unit asked (instead of a person).")
    requester_id: Id | None = Field(None, description="Offer: the person offered to.")
    beneficiary_id: Id | None = Field(None, description="Self-commitment: who it is for.")
    context_label: Label = ""
    context_url: Url = ""
