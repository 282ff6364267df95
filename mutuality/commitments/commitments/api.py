"""API endpoints for commitments: lists with filters, one commitment, creation, every move.

Thin: parse (schemas), resolve ids inside the token's organization, call the same
services as the pages. A refused move answers 403 (not this person's move) or 409 (not
legal in this state, or based on a stale version) with the commitment's current state and
version; bad fields answer 422 naming them; another organization's ids are 404.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from mutuality.commitments.commitments import services
from mutuality.commitments.commitments.schemas import (
    CommitmentCreate,
    CommitmentDetailOut,
    CommitmentFilters,
    CommitmentsPage,
    MoveErrorOut,
    MoveIn,
    MoveName,
)
from mutuality.commitments.commitments.selectors import (
    capped_count,
    commitment_for_viewer,
    commitment_history,
    commitments_filtered,
    units_for_moves,
)
from mutuality.commitments.commitments.workflow import IllegalMove, legal_moves
from mutuality.commitments.models import Commitment, CommitmentKind
from mutuality.core.api.schemas import ErrorOut, Id
from mutuality.orgs.models import Organization, Person, Unit
from mutuality.orgs.tenancy import auth_of

router = Router(tags=["commitments"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
NO_SUCH_PERSON = "No active person with this id in this organization."
NO_SUCH_UNIT = "No active unit with this id in this organization."
# Services name the parties by role; the API names the ids a client sends.
FIELD_NAMES = {
    "performer": "performer_id",
    "performer_unit": "unit_id",
    "requester": "requester_id",
    "beneficiary": "beneficiary_id",
}
# The party fields each kind takes; the others must be left out.
PARTY_FIELDS: dict[str, tuple[str, ...]] = {
    CommitmentKind.REQUEST: ("performer_id", "unit_id"),
    CommitmentKind.OFFER: ("requester_id",),
    CommitmentKind.SELF: ("beneficiary_id",),
}


@contextmanager
def _fields_named(names: Mapping[str, str]) -> Iterator[None]:
    try:
        yield
    except IllegalMove:
        raise
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc


def _with_details(commitment: Commitment, viewer: Person) -> Commitment:
    """Attach the history and the viewer's legal moves for CommitmentDetailOut."""
    unit_ids, lead_ids = units_for_moves(commitment=commitment, viewer=viewer)
    commitment.history_for_api = commitment_history(commitment=commitment)  # type: ignore[attr-defined]
    commitment.legal_moves_for_api = legal_moves(  # type: ignore[attr-defined]
        commitment,
        viewer,
        actor_unit_ids=unit_ids,
        actor_lead_unit_ids=lead_ids,
    )
    return commitment


def _person(
    org: Organization, pk: int | None, field: str, errors: dict[str, list[str]]
) -> Person | None:
    if pk is None:
        return None
    person = Person.objects.filter(org=org, pk=pk, is_active=True).first()
    if person is None:
        errors[field] = [NO_SUCH_PERSON]
    return person


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
    items = list(qs[filters.offset : filters.offset + filters.limit])
    if filters.offset == 0 and len(items) < filters.limit:
        count, exact = len(items), True
    else:
        count, exact = capped_count(qs)
    return {
        "count": count,
        "count_is_exact": exact,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": items,
    }


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
    auth = auth_of(request)
    errors: dict[str, list[str]] = {}
    allowed = PARTY_FIELDS[payload.kind]
    for name in ("performer_id", "unit_id", "requester_id", "beneficiary_id"):
        if name not in allowed and getattr(payload, name) is not None:
            errors[name] = [f"A {CommitmentKind(payload.kind).label.lower()} does not take this."]
    person_field = allowed[0]
    person = _person(auth.org, getattr(payload, person_field), person_field, errors)
    unit = None
    if payload.kind == CommitmentKind.REQUEST and payload.unit_id is not None:
        unit = Unit.objects.filter(org=auth.org, pk=payload.unit_id, is_active=True).first()
        if unit is None:
            errors["unit_id"] = [NO_SUCH_UNIT]
    if person is None and unit is None and person_field not in errors and "unit_id" not in errors:
        errors[person_field] = ["Name the other party."]
    if errors:
        raise ValidationError(errors)
    common: dict[str, Any] = {
        "org": auth.org,
        "title": payload.title,
        "conditions": payload.conditions,
        "due_date": payload.due_date,
        "context_label": payload.context_label,
        "context_url": payload.context_url,
    }
    with _fields_named(FIELD_NAMES):
        if payload.kind == CommitmentKind.REQUEST:
            commitment = services.commitment_request(
                requester=auth.person, performer=person, performer_unit=unit, **common
            )
        elif payload.kind == CommitmentKind.OFFER:
            commitment = services.commitment_offer(
                performer=auth.person, requester=person, **common
            )
        else:
            commitment = services.commitment_self_commit(
                performer=auth.person, beneficiary=person, **common
            )
    fresh = commitment_for_viewer(viewer=auth.person, pk=commitment.pk)
    return Status(201, _with_details(fresh, auth.person))


@router.post(
    "/commitments/{commitment_id}/moves/{move}",
    response={200: CommitmentDetailOut, 403: MoveErrorOut, 409: MoveErrorOut, **READ_ERRORS},
    summary="Make a move",
)
def commitments_move(
    request: HttpRequest, commitment_id: Id, move: MoveName, payload: MoveIn
) -> Any:
    """Make `move` on the commitment, based on `expected_version`.

    Fields by move: `decline` needs `reason`; `counter` and `propose_renegotiation` take
    `due_date` and/or `terms`; `commit_to_commit` needs `answer_by`;
    `declare_dissatisfied` and `revoke` need `note`; every move accepts `note`.
    """
    viewer = auth_of(request).person
    commitment = commitment_for_viewer(viewer=viewer, pk=commitment_id)
    data = payload.model_dump(exclude={"expected_version"})
    try:
        moved = services.commitment_move(
            commitment=commitment,
            actor=viewer,
            move=move,
            expected_version=payload.expected_version,
            **data,
        )
    except IllegalMove as refusal:
        current = commitment_for_viewer(viewer=viewer, pk=commitment_id)
        return Status(
            refusal.status_code,
            {"detail": refusal.detail, "state": current.state, "version": current.version},
        )
    return _with_details(commitment_for_viewer(viewer=viewer, pk=moved.pk), viewer)
