"""API endpoints for issues: the list, one issue with its history, raising one, every move.

Thin: parse (schemas below), resolve ids inside the token's organization, call the same
services as the pages. A refused move answers 403 (not this person's move) or 409 (not
legal in this state, or based on a stale version) with the issue's current state and
version; bad fields answer 422 naming them; an issue the token's person may not see, or
of another organization, is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from mutuality.commitments.issues import services
from mutuality.commitments.issues.selectors import (
    ROLE_FILTERS,
    STATE_FILTERS,
    issue_for_viewer,
    issue_history,
    issues_filtered,
)
from mutuality.commitments.issues.services import IllegalMove, issue_legal_moves
from mutuality.commitments.models import Issue, IssueState
from mutuality.core.api.schemas import ErrorOut, Id, Limit, Offset, Text, WholeNumber
from mutuality.orgs.models import Person, Role, Unit
from mutuality.orgs.tenancy import auth_of

router = Router(tags=["issues"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
COUNT_CAP = 10_000

Title = Annotated[Text, Field(min_length=1, max_length=200)]
LongText = Annotated[Text, Field(max_length=10_000)]
IssueStateFilter = Literal[
    "open", "closed", "all", "raised", "owned", "proposed", "declined", "escalated",
    "resolved", "closed_unconfirmed", "withdrawn", "declined_final",
]  # fmt: skip
IssueRoleFilter = Literal["", "raised", "mine", "waiting"]
IssueMoveName = Literal[
    "take_ownership", "propose_resolution", "declare_satisfied", "declare_dissatisfied",
    "decline", "escalate", "withdraw",
]  # fmt: skip
assert set(IssueStateFilter.__args__) == set(STATE_FILTERS)  # type: ignore[attr-defined]
assert set(IssueRoleFilter.__args__) == set(ROLE_FILTERS)  # type: ignore[attr-defined]
assert set(IssueMoveName.__args__) == set(services.PERSON_MOVES)  # type: ignore[attr-defined]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


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


class IssueDetailOut(IssueOut):
    events: list[IssueEventOut] = Field(description="Every move so far, oldest first.")
    legal_moves: list[str] = Field(description="The moves the token's person may make now.")

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(obj.history_for_api)

    @staticmethod
    def resolve_legal_moves(obj: Any) -> list[str]:
        return list(obj.legal_moves_for_api)


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


class IssueCreate(_Input):
    title: Title
    description: LongText = ""
    addressee_id: Id | None = Field(None, description="The person to raise it with.")
    unit_id: Id | None = Field(None, description="Or the unit to raise it with.")


class IssueMoveIn(_Input):
    expected_version: Annotated[int, Field(ge=1), WholeNumber] = Field(
        description="The `version` the move is based on."
    )
    note: LongText = Field("", description="`declare_dissatisfied`: what is missing (required).")
    reason: LongText = Field("", description="`decline`: why (required).")
    resolution: LongText = Field("", description="`propose_resolution`: the proposal (required).")
    facilitator_id: Id | None = Field(None, description="`escalate`: the facilitator (required).")


class IssueMoveErrorOut(Schema):
    detail: str
    state: str = Field(description="The issue's state now.")
    version: int = Field(description="The issue's version now.")


def _with_details(issue: Issue, viewer: Person) -> Issue:
    issue.history_for_api = issue_history(issue=issue)  # type: ignore[attr-defined]
    issue.legal_moves_for_api = issue_legal_moves(issue, viewer)  # type: ignore[attr-defined]
    return issue


@router.get("/issues", response={200: IssuesPage, **READ_ERRORS}, summary="List issues")
def issues_list(request: HttpRequest, filters: Query[IssueFilters]) -> dict[str, Any]:
    """Issues the token's person may see, newest first, `limit` (≤ 200) at a time.

    Issues raised with a unit are open to the whole organization; issues raised with a
    person only to its parties (raiser, that person, owner, facilitator).
    """
    qs = issues_filtered(
        viewer=auth_of(request).person, role=filters.role, state=filters.state, unit_id=filters.unit
    )
    items = list(qs[filters.offset : filters.offset + filters.limit])
    if filters.offset == 0 and len(items) < filters.limit:
        count, exact = len(items), True
    else:
        n = qs.order_by()[: COUNT_CAP + 1].count()
        count, exact = (n, True) if n <= COUNT_CAP else (COUNT_CAP, False)
    return {
        "count": count,
        "count_is_exact": exact,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": items,
    }


@router.get(
    "/issues/{issue_id}",
    response={200: IssueDetailOut, **READ_ERRORS},
    summary="Get an issue with its history",
)
def issues_get(request: HttpRequest, issue_id: Id) -> Issue:
    viewer = auth_of(request).person
    return _with_details(issue_for_viewer(viewer=viewer, pk=issue_id), viewer)


@router.post(
    "/issues",
    response={201: IssueDetailOut, **READ_ERRORS},
    summary="Raise an issue",
)
def issues_create(request: HttpRequest, payload: IssueCreate) -> Status[Issue]:
    """Raise an issue as the token's person, with `addressee_id` or `unit_id` (one of them)."""
    auth = auth_of(request)
    errors: dict[str, list[str]] = {}
    addressee = unit = None
    if payload.addressee_id is not None:
        addressee = Person.objects.filter(
            org=auth.org, pk=payload.addressee_id, is_active=True
        ).first()
        if addressee is None:
            errors["addressee_id"] = ["No active person with this id in this organization."]
    if payload.unit_id is not None:
        unit = Unit.objects.filter(org=auth.org, pk=payload.unit_id, is_active=True).first()
        if unit is None:
            errors["unit_id"] = ["No active unit with this id in this organization."]
    if payload.addressee_id is None and payload.unit_id is None:
        errors["addressee_id"] = ["Raise it with one person (addressee_id) or one unit (unit_id)."]
    elif payload.addressee_id is not None and payload.unit_id is not None:
        errors["unit_id"] = ["Raise it with one person or one unit, not both."]
    if errors:
        raise ValidationError(errors)
    try:
        issue = services.issue_raise(
            org=auth.org,
            raiser=auth.person,
            title=payload.title,
            description=payload.description,
            addressee=addressee,
            unit=unit,
        )
    except ValidationError as exc:
        names = {"addressee": "addressee_id", "unit": "unit_id"}
        raise ValidationError({names.get(f, f): e for f, e in exc.error_dict.items()}) from exc
    fresh = issue_for_viewer(viewer=auth.person, pk=issue.pk)
    return Status(201, _with_details(fresh, auth.person))


@router.post(
    "/issues/{issue_id}/moves/{move}",
    response={200: IssueDetailOut, 403: IssueMoveErrorOut, 409: IssueMoveErrorOut, **READ_ERRORS},
    summary="Make a move on an issue",
)
def issues_move(
    request: HttpRequest, issue_id: Id, move: IssueMoveName, payload: IssueMoveIn
) -> Any:
    """Make `move` on the issue, based on `expected_version`.

    `propose_resolution` needs `resolution`; `decline` needs `reason`;
    `declare_dissatisfied` needs `note`; `escalate` needs `facilitator_id`; every move
    accepts `note`.
    """
    auth = auth_of(request)
    viewer = auth.person
    issue = issue_for_viewer(viewer=viewer, pk=issue_id)
    data: dict[str, Any] = payload.model_dump(exclude={"expected_version", "facilitator_id"})
    if move == "escalate":
        facilitator = None
        if payload.facilitator_id is not None:
            facilitator = Person.objects.filter(
                org=auth.org, pk=payload.facilitator_id, is_active=True, role=Role.FACILITATOR
            ).first()
        data["facilitator"] = facilitator
    try:
        moved = services.issue_move(
            issue=issue, actor=viewer, move=move, expected_version=payload.expected_version, **data
        )
    except IllegalMove as refusal:
        current = issue_for_viewer(viewer=viewer, pk=issue_id)
        return Status(
            refusal.status_code,
            {"detail": refusal.detail, "state": current.state, "version": current.version},
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "facilitator" in exc.error_dict:
            errors = dict(exc.error_dict)
            errors["facilitator_id"] = errors.pop("facilitator")
            raise ValidationError(errors) from exc
        raise
    return _with_details(issue_for_viewer(viewer=viewer, pk=moved.pk), viewer)
