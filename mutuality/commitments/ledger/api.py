"""API endpoints for the trust ledger: my own, a unit's.

The same rules as the pages (ledger.py): a person's ledger is theirs alone (anyone
else's is 403), a unit's is open to its leads, the leads above it, admins and
facilitators (403 otherwise), and anything outside the token's organization is 404. The
figures and their definitions are those of docs/commitments.md.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from mutuality.commitments.ledger.figures import Ledger, ledger_for, ledger_window
from mutuality.commitments.ledger.schemas import (
    LedgerOut,
    LedgerQuery,
)
from mutuality.commitments.ledger.selectors import Subject, ledger_subject_for_viewer
from mutuality.core.api.schemas import ErrorOut, Id
from mutuality.orgs.tenancy import auth_of

router = Router(tags=["trust ledger"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _out(ledger: Ledger) -> dict[str, Any]:
    s = ledger.subject
    subject = (
        {"kind": "unit", "id": s.unit.pk, "name": s.unit.name}
        if s.unit is not None
        else {"kind": "person", "id": s.person.pk, "name": s.person.name}  # type: ignore[union-attr]
    )
    head = {
        "subject": subject,
        "window": {
            "key": ledger.window.key,
            "start": ledger.window.start,
            "end": ledger.window.end,
        },
        "hidden": ledger.hidden,
        "hidden_reason": ledger.hidden_reason,
    }
    if ledger.hidden:
        return {**head, "commitments": None, "answers": None, "issues": None, "months": None}
    return {
        **head,
        "commitments": {
            "judged": ledger.judged,
            "kept": ledger.kept,
            "kept_share": ledger.kept_share,
            "late": ledger.late,
            "revoked": ledger.revoked,
            "overdue_now": ledger.overdue_now,
            "overdue_awaiting_acceptance": ledger.overdue_awaiting_acceptance,
            "renegotiated_in_time": ledger.renegotiated_in_time,
            "renegotiated_late": ledger.renegotiated_late,
        },
        "answers": {
            "requests_answered": ledger.requests_answered,
            "requests_waiting": ledger.requests_waiting,
            "median_answer_hours": ledger.median_answer_hours,
        },
        "issues": {
            "raised": ledger.issues_raised,
            "resolved": ledger.issues_resolved,
            "closed_unconfirmed": ledger.issues_closed_unconfirmed,
            "withdrawn": ledger.issues_withdrawn,
            "declined_final": ledger.issues_declined_final,
            "open": ledger.issues_open,
            "closure_rate": ledger.closure_rate,
            "median_days_to_closure": ledger.median_days_to_closure,
        },
        "months": [
            {
                "month": m.month,
                "kept": m.kept,
                "late": m.late,
                "revoked": m.revoked,
                "overdue": m.overdue,
                "judged": m.judged,
                "kept_share": m.kept_share,
                "issues_raised": m.issues_raised,
                "issues_resolved": m.issues_resolved,
                "closure_rate": m.closure_rate,
            }
            for m in ledger.months
        ],
    }


def _ledger(subject: Subject, window: str) -> dict[str, Any]:
    return _out(ledger_for(subject=subject, window=ledger_window(window)))


@router.get("/ledger", response={200: LedgerOut, **ERRORS}, summary="My trust ledger")
def ledger_mine(request: HttpRequest, filters: Query[LedgerQuery]) -> dict[str, Any]:
    """The token's person's own ledger over the window."""
    viewer = auth_of(request).person
    return _ledger(ledger_subject_for_viewer(viewer=viewer), filters.window)


@router.get(
    "/ledger/people/{person_id}",
    response={200: LedgerOut, **ERRORS},
    summary="A person's trust ledger (only one's own)",
)
def ledger_person(
    request: HttpRequest, person_id: Id, filters: Query[LedgerQuery]
) -> dict[str, Any]:
    viewer = auth_of(request).person
    return _ledger(ledger_subject_for_viewer(viewer=viewer, person_pk=person_id), filters.window)


@router.get(
    "/ledger/units/{unit_id}",
    response={200: LedgerOut, **ERRORS},
    summary="A unit's trust ledger",
)
def ledger_unit(request: HttpRequest, unit_id: Id, filters: Query[LedgerQuery]) -> dict[str, Any]:
    """The unit's aggregate: open to its leads, the leads above it, admins and facilitators."""
    viewer = auth_of(request).person
    return _ledger(ledger_subject_for_viewer(viewer=viewer, unit_pk=unit_id), filters.window)
