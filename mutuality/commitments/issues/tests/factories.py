"""Issues in every state, built through the real services."""

from __future__ import annotations

from typing import Any

from mutuality.commitments.issues import services as issues
from mutuality.commitments.models import Issue
from mutuality.orgs.models import Person, Unit
from mutuality.testing import Personas


def raise_issue(
    raiser: Person,
    addressee: Person | None = None,
    *,
    unit: Unit | None = None,
    title: str = "Refund approvals take three days",
) -> Issue:
    return issues.issue_raise(
        org=raiser.org,
        raiser=raiser,
        title=title,
        description="Customers call back two or three times.",
        addressee=addressee,
        unit=unit,
    )


def move(issue: Issue, actor: Person, name: str, **data: Any) -> Issue:
    return issues.issue_move(
        issue=issue, actor=actor, move=name, expected_version=issue.version, **data
    )


def move_data(p: Personas) -> dict[str, dict[str, Any]]:
    """Valid fields for every move, so a legal move succeeds whatever it needs."""
    return {
        "take_ownership": {"note": "I'll look into it."},
        "propose_resolution": {"resolution": "Refunds under 50 are approved directly."},
        "declare_satisfied": {"note": "Thank you."},
        "declare_dissatisfied": {"note": "Larger refunds still wait."},
        "decline": {"reason": "This belongs with Finance."},
        "escalate": {"facilitator": p.facilitator, "note": "A neutral view, please."},
        "withdraw": {"note": "Sorted itself out."},
    }


def in_state(p: Personas, state: str) -> Issue:
    """An issue member raised with member2, in `state`."""
    data = move_data(p)
    issue = raise_issue(p.member, p.member2)
    if state == "raised":
        return issue
    if state == "withdrawn":
        return move(issue, p.member, "withdraw")
    if state in ("declined", "escalated", "declined_final"):
        issue = move(issue, p.member2, "decline", **data["decline"])
        if state in ("escalated", "declined_final"):
            issue = move(issue, p.member, "escalate", **data["escalate"])
        if state == "declined_final":
            issue = move(issue, p.facilitator, "decline", reason="Outside what I can change.")
        return issue
    issue = move(issue, p.member2, "take_ownership")
    if state == "owned":
        return issue
    issue = move(issue, p.member2, "propose_resolution", **data["propose_resolution"])
    if state == "proposed":
        return issue
    if state == "resolved":
        return move(issue, p.member, "declare_satisfied")
    raise ValueError(state)
