"""API endpoints for commitments: lists with filters, one commitment, creation, every move.

Thin: parse (schemas), resolve ids inside the token's organization, call the same
services as the pages. Moves go through the one move operation of the workflow engine
(`mutuality.core.workflow.api`): a refused move answers 403 (not this person's move) or
409 (not legal in this state, or based on a stale version) with the commitment's current
state and version; bad fields answer 422 naming them; another organization's ids are 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from mutuality.commitments.commitments import services
from mutuality.commitments.commitments.schemas import (
    CommitmentCreate,
    CommitmentDetailOut,
    CommitmentFilters,
    CommitmentsPage,
)
from mutuality.commitments.commitments.selectors import (
    commitment_for_viewer,
    commitment_history,
    commitments_filtered,
    with_parties,
)
from mutuality.commitments.commitments.workflow import COMMITMENTS
from mutuality.commitments.models import Commitment
from mutuality.core.api.errors import fields_named
from mutuality.core.api.schemas import READ_ERRORS, ErrorOut, Id
from mutuality.core.paging import page_of
from mutuality.core.workflow.api import add_move_operation, with_moves
from mutuality.orgs.models import Person
from mutuality.orgs.references import OrgReferences
from mutuality.orgs.tenancy import auth_of

router = Router(tags=["commitments"])

# Services name the parties by role; the API names the ids a client sends.
FIELD_NAMES = {
    "performer": "performer_id",
    "performer_unit": "unit_id",
    "requester": "requester_id",
    "beneficiary": "beneficiary_id",
}


def _with_details(commitment: Commitment, viewer: Person) -> Commitment:
    history = commitment_history(commitment=commitment)
    return with_moves(COMMITMENTS, commitment, viewer, history=history)


@router.get(
    "/commitments",
    response={200: CommitmentsPage, **READ_ERRORS},
    summary="List commitments",
)
def commitments_list(request: HttpRequest, filters: Query[CommitmentFilters]) -> dict[str, Any]:
    """Commitments of the organization (open to every member), `limit` (≤ 200) at a time.

    Open ones run by due date, most overdue first; closed ones latest first.
    """
    qs = commitments_filtered(
        viewer=auth_of(request).person,
        role=filters.role,
        state=filters.state,
        overdue=filters.overdue,
        unit_id=filters.unit,
    )
    return page_of(qs, limit=filters.limit, offset=filters.offset, load=with_parties)


@router.get(
    "/commitments/{commitment_id}",
    response={200: CommitmentDetailOut, **READ_ERRORS},
    summary="Get a commitment with its history",
)
def commitments_get(request: HttpRequest, commitment_id: Id) -> Commitment:
    viewer = auth_of(request).person
    return _with_details(commitment_for_viewer(viewer=viewer, pk=commitment_id), viewer)


@router.post(
    "/commitments",
    response={201: CommitmentDetailOut, 400: ErrorOut, **READ_ERRORS},
    summary="Request, offer or self-commit",
)
def commitments_create(request: HttpRequest, payload: CommitmentCreate) -> Status[Commitment]:
    """Make a commitment as the token's person.

    `request`: ask `performer_id` or `unit_id`. `offer`: offer to `requester_id`.
    `self`: promise to `beneficiary_id`. The due date is today or later.
    """
    viewer = auth_of(request).person
    refs = OrgReferences(viewer)
    parties: dict[str, Any] = {
        name: refs.person(FIELD_NAMES[name], getattr(payload, FIELD_NAMES[name]), active_only=True)
        for name in ("performer", "requester", "beneficiary")
    }
    parties["performer_unit"] = refs.unit("unit_id", payload.unit_id, active_only=True)
    refs.check()
    with fields_named(FIELD_NAMES):
        commitment = services.commitment_create(
            org=viewer.org,
            actor=viewer,
            kind=payload.kind,
            title=payload.title,
            conditions=payload.conditions,
            due_date=payload.due_date,
            context_label=payload.context_label,
            context_url=payload.context_url,
            **parties,
        )
    fresh = commitment_for_viewer(viewer=viewer, pk=commitment.pk)
    return Status(201, _with_details(fresh, viewer))


add_move_operation(
    router,
    COMMITMENTS,
    path="/commitments/{commitment_id}/moves/{move}",
    viewer_of=lambda request: auth_of(request).person,
    object_for_viewer=commitment_for_viewer,
    detail=CommitmentDetailOut,
    detail_of=_with_details,
)
