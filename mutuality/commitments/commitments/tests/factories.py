"""Commitments in every state, built through the real moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mutuality.commitments.commitments import services
from mutuality.commitments.models import Commitment
from mutuality.orgs.models import Person, Unit
from mutuality.testing import Personas


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def request(
    requester: Person,
    performer: Person | None = None,
    *,
    unit: Unit | None = None,
    title: str = "Review the onboarding guide",
    due: int = 14,
) -> Commitment:
    return services.commitment_request(
        org=requester.org,
        requester=requester,
        performer=performer,
        performer_unit=unit,
        title=title,
        conditions="Comments on every section, in the shared document.",
        due_date=days(due),
    )


def move(c: Commitment, actor: Person, name: str, **data: Any) -> Commitment:
    return services.commitment_move(
        commitment=c, actor=actor, move=name, expected_version=c.version, **data
    )


# Valid fields for every move, so a legal move succeeds whatever it needs.
MOVE_DATA: dict[str, dict[str, Any]] = {
    "promise": {"note": "On it."},
    "decline": {"reason": "No capacity this month."},
    "counter": {"due_date": days(21), "terms": "Comments on sections 1 to 3 only."},
    "accept_counter": {},
    "reject_counter": {"note": "I need all sections."},
    "accept_offer": {},
    "decline_offer": {"note": "Not needed."},
    "commit_to_commit": {"answer_by": days(3)},
    "declare_complete": {"note": "Done, see the document."},
    "declare_satisfied": {"note": "Thank you."},
    "declare_dissatisfied": {"note": "Section 4 is missing."},
    "propose_renegotiation": {"due_date": days(28), "note": "Holidays."},
    "accept_renegotiation": {},
    "reject_renegotiation": {},
    "cancel": {"note": "No longer needed."},
    "revoke": {"note": "I have been moved to another project."},
}


def in_state(p: Personas, variant: str) -> Commitment:
    """A commitment between member (requester) and member2 (performer) in `variant`.

    Variants are the states, plus "promised_proposed_by_requester",
    "promised_proposed_by_performer" and "unit_requested" (admin asks the Support unit).
    """
    req, perf = p.member, p.member2
    if variant == "unit_requested":
        return request(p.admin, unit=p.unit)
    if variant == "offered":
        return services.commitment_offer(
            org=p.org,
            performer=perf,
            requester=req,
            title="Pair on the migration",
            conditions="Two afternoons of pairing.",
            due_date=days(14),
        )
    c = request(req, perf)
    steps: dict[str, list[tuple[Person, str]]] = {
        "requested": [],
        "countered": [(perf, "counter")],
        "deferred": [(perf, "commit_to_commit")],
        "promised": [(perf, "promise")],
        "promised_proposed_by_requester": [(perf, "promise"), (req, "propose_renegotiation")],
        "promised_proposed_by_performer": [(perf, "promise"), (perf, "propose_renegotiation")],
        "completed": [(perf, "promise"), (perf, "declare_complete")],
        "satisfied": [(perf, "promise"), (perf, "declare_complete"), (req, "declare_satisfied")],
        "declined": [(perf, "decline")],
        "cancelled": [(req, "cancel")],
        "revoked": [(perf, "promise"), (perf, "revoke")],
    }
    for actor, name in steps[variant]:
        c = move(c, actor, name, **MOVE_DATA[name])
    return c
