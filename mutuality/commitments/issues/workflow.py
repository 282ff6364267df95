"""An issue's life, declared once: every move, who makes it, from where to where.

Anyone in the organization raises an issue to a person or a unit; the person it was
raised to, or a member or lead of the unit, takes ownership (or declines it with a
reason); the owner proposes a resolution; only the raiser closes it, by declaring
satisfied (or sends it back by saying what is missing). A declined issue may be escalated
once by its raiser to a facilitator, who may then take ownership; declined again after
that, it is closed as "declined after escalation". The raiser may withdraw an open issue
at any time. A proposal the raiser leaves unanswered for `UNCONFIRMED_AFTER_DAYS` days
closes the issue as "closed without confirmation" (the system's move, run as a periodic
job).

The engine (`mutuality.core.workflow`) makes every move from these declarations;
`tests/test_issue_moves.py` writes the table out again by hand and checks it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mutuality.commitments.commitments.selectors import unit_ids_of
from mutuality.commitments.issues.notices import notice_recipient_ids, send_issue_notice
from mutuality.commitments.issues.selectors import facilitators_of
from mutuality.commitments.models import (
    CLOSED_ISSUE_STATES,
    UNCONFIRMED_AFTER_DAYS,
    Issue,
    IssueEvent,
    IssueMove,
    IssueState,
)
from mutuality.core.audit import audit_record, audit_record_private
from mutuality.core.workflow import PERSON, Field, Move, MoveContext, MoveMade, Workflow
from mutuality.core.workflow.engine import IllegalMove, NotYourMove, StaleVersion, step
from mutuality.orgs.models import Person, Role

__all__ = ["ISSUES", "PERSON_MOVES", "IllegalMove", "NotYourMove", "StaleVersion"]

S = IssueState
M = IssueMove

RAISER = "raiser"
OWNER = "owner"
# Whoever may take an issue nobody owns yet: the person it was raised to, or a member or
# lead of the unit it was raised to (never the raiser).
CANDIDATE = "candidate"
# The facilitator an escalated issue went to.
FACILITATOR = "facilitator"
# The 14-day rule, run as a periodic job.
SYSTEM = "system"

NOTE = Field("note", "Note (optional)")
OPEN = [S.OPEN, S.OWNED, S.PROPOSED, S.DECLINED, S.ESCALATED]


def _note(issue: Issue, ctx: MoveContext) -> dict[str, Any]:
    return {"note": ctx.data.get("note", "")}


def _take_ownership(issue: Issue, ctx: MoveContext) -> dict[str, Any]:
    issue.owner = ctx.actor
    issue.owned_at = ctx.now
    return _note(issue, ctx)


def _propose_resolution(issue: Issue, ctx: MoveContext) -> dict[str, Any]:
    issue.resolution = ctx.data["resolution"]
    issue.proposed_at = ctx.now
    return {"note": issue.resolution}


def _declare_dissatisfied(issue: Issue, ctx: MoveContext) -> dict[str, Any]:
    issue.proposed_at = None
    return _note(issue, ctx)


def _decline(issue: Issue, ctx: MoveContext) -> dict[str, Any]:
    issue.decline_reason = ctx.data["reason"]
    issue.owner = ctx.actor
    if issue.owned_at is None:
        issue.owned_at = ctx.now
    return {"note": issue.decline_reason}


def _escalate(issue: Issue, ctx: MoveContext) -> dict[str, Any]:
    facilitator: Person | None = ctx.data["facilitator"]
    if (
        facilitator is None
        or facilitator.org_id != issue.org_id
        or not facilitator.is_active
        or facilitator.role != Role.FACILITATOR
    ):
        raise ValidationError({"facilitator": "Choose one of the organization's facilitators."})
    if facilitator.pk in (issue.raiser_id, issue.owner_id):
        raise ValidationError(
            {"facilitator": "Choose a facilitator other than the people already involved."}
        )
    issue.facilitator = facilitator
    issue.owner = None
    issue.owned_at = None
    return _note(issue, ctx)


def _unanswered_for_long(issue: Issue, ctx: MoveContext) -> dict[str, Any]:
    # Checked under the lock: the scan picked ids earlier, and the raiser's answer and a
    # new proposal since then would otherwise be closed minutes after being made.
    cutoff = ctx.now - dt.timedelta(days=UNCONFIRMED_AFTER_DAYS)
    if issue.proposed_at is None or issue.proposed_at > cutoff:
        raise IllegalMove("The proposal is not yet old enough to close without confirmation.")
    return {"note": f"No answer to the proposed resolution within {UNCONFIRMED_AFTER_DAYS} days."}


def _not_escalated_yet(issue: Issue, today: dt.date) -> str | None:
    if issue.facilitator_id is not None:
        return "This issue was already escalated to a facilitator once; you can withdraw it."
    return None


def _escalated_before(issue: Issue) -> bool:
    return issue.facilitator_id is not None


def _never_escalated(issue: Issue) -> bool:
    return issue.facilitator_id is None


def _not_the_raiser(issue: Issue, roles: set[str]) -> str | None:
    if RAISER in roles:
        return "You raised this issue; someone else has to take it on."
    return None


MOVES = (
    Move(
        M.TAKE_OWNERSHIP,
        "Take ownership",
        "took ownership",
        steps=(
            step([S.OPEN], [CANDIDATE], S.OWNED),
            step([S.ESCALATED], [FACILITATOR], S.OWNED),
        ),
        fields=(NOTE,),
        one_click=True,
        style="primary",
        intro="You become responsible for bringing it to closure.",
        success="You own this issue now.",
        apply=_take_ownership,
        explain_refusal=_not_the_raiser,
    ),
    Move(
        M.PROPOSE_RESOLUTION,
        "Propose a resolution",
        "proposed a resolution",
        steps=(step([S.OWNED], [OWNER], S.PROPOSED),),
        fields=(
            Field(
                "resolution",
                "Your proposed resolution",
                required="Say what you propose, so the person who raised it can judge it.",
                rows=4,
            ),
        ),
        style="primary",
        intro="The person who raised it declares satisfied, or says what is missing.",
        success="Resolution proposed. It closes when they declare satisfied.",
        apply=_propose_resolution,
    ),
    Move(
        M.DECLARE_SATISFIED,
        "Declare satisfied",
        "declared satisfied",
        steps=(step([S.PROPOSED], [RAISER], S.RESOLVED),),
        fields=(NOTE.but(label="A word of thanks (optional)"),),
        style="primary",
        intro="This closes the issue as resolved.",
        success="Declared satisfied: the issue is resolved.",
        apply=_note,
    ),
    Move(
        M.DECLARE_DISSATISFIED,
        "Not satisfied yet",
        "is not satisfied yet",
        steps=(step([S.PROPOSED], [RAISER], S.OWNED),),
        fields=(
            NOTE.but(
                label="What is still missing",
                required="Say what is still missing, so the owner can act on it.",
            ),
        ),
        intro="The owner works on it again.",
        success="Sent back to the owner with what is missing.",
        apply=_declare_dissatisfied,
    ),
    Move(
        M.ESCALATE,
        "Escalate to a facilitator",
        "escalated it to a facilitator",
        steps=(step([S.DECLINED], [RAISER], S.ESCALATED),),
        fields=(
            Field(
                "facilitator",
                "Facilitator",
                kind=PERSON,
                required="Choose one of the organization's facilitators.",
            ),
            NOTE.but(label="What you hope the facilitator can do (optional)"),
        ),
        intro="A facilitator can take the issue on once. You can escalate only once.",
        success="Escalated to the facilitator.",
        guards=(_not_escalated_yet,),
        apply=_escalate,
    ),
    Move(
        M.DECLINE,
        "Decline",
        "declined it",
        steps=(
            step([S.OPEN], [CANDIDATE], S.DECLINED),
            step([S.OWNED], [OWNER], S.DECLINED, when=_never_escalated),
            # Escalated once already (the facilitator took it on, then declined): final.
            step([S.OWNED], [OWNER], S.DECLINED_FINAL, when=_escalated_before),
            step([S.ESCALATED], [FACILITATOR], S.DECLINED_FINAL),
        ),
        fields=(
            Field(
                "reason",
                "Why you decline it",
                required="Explain why you decline it; the person who raised it deserves a reason.",
                rows=3,
            ),
        ),
        style="danger",
        intro="The person who raised it may then escalate it to a facilitator.",
        success="You declined the issue.",
        apply=_decline,
    ),
    Move(
        M.WITHDRAW,
        "Withdraw the issue",
        "withdrew it",
        steps=(step(OPEN, [RAISER], S.WITHDRAWN),),
        fields=(NOTE,),
        style="danger",
        intro="This closes the issue without a resolution.",
        success="Issue withdrawn.",
        apply=_note,
    ),
    Move(
        M.CLOSE_UNCONFIRMED,
        "Close without confirmation",
        f"closed without confirmation (no answer for {UNCONFIRMED_AFTER_DAYS} days)",
        steps=(step([S.PROPOSED], [SYSTEM], S.CLOSED_UNCONFIRMED),),
        by_system=True,
        apply=_unanswered_for_long,
    ),
    Move(M.RAISE, "Raise an issue", "raised it", creates=True),
)


class IssueWorkflow(Workflow):
    noun = "issue"
    model = Issue
    states = IssueState
    move_choices = IssueMove
    closed_states = CLOSED_ISSUE_STATES
    lock_related = ("org", "raiser", "addressee", "unit", "owner", "facilitator")
    audited_fields = ("state", "owner")

    def roles_of(self, obj: Any, actor: Any) -> set[str]:
        """The roles `actor` holds in the issue (None is the system). Inactive people hold none."""
        issue: Issue = obj
        if actor is None:
            return {SYSTEM}
        roles: set[str] = set()
        if actor.org_id != issue.org_id or not actor.is_active:
            return roles
        if actor.pk == issue.raiser_id:
            roles.add(RAISER)
        if issue.owner_id is not None and actor.pk == issue.owner_id:
            roles.add(OWNER)
        if issue.state == S.ESCALATED and actor.pk == issue.facilitator_id:
            roles.add(FACILITATOR)
        if issue.state == S.OPEN and actor.pk != issue.raiser_id:
            if issue.addressee_id is not None:
                if actor.pk == issue.addressee_id:
                    roles.add(CANDIDATE)
            elif issue.unit_id is not None and issue.unit_id in unit_ids_of(actor):
                roles.add(CANDIDATE)
        return roles

    def who(self, role: str, obj: Any) -> str:
        issue: Issue = obj
        if role == RAISER:
            return f"the person who raised it ({issue.raiser.name})"
        if role == OWNER:
            return f"its owner ({issue.owner.name})" if issue.owner is not None else "its owner"
        if role == FACILITATOR:
            name = issue.facilitator.name if issue.facilitator is not None else ""
            return f"the facilitator it was escalated to ({name})"
        if role == CANDIDATE:
            if issue.addressee is not None:
                return f"the person it was raised to ({issue.addressee.name})"
            return f"a member or lead of {issue.unit}"
        return "Mutuality itself"

    def person_choices(self, field: Field, obj: Any, viewer: Any) -> list[Any]:
        return facilitators_of(viewer=viewer)

    def before_save(self, obj: Any, ctx: MoveContext, move: Move) -> None:
        issue: Issue = obj
        issue.updated_at = ctx.now

    def record(self, made: MoveMade) -> None:
        issue: Issue = made.obj
        IssueEvent.objects.create(
            issue=issue,
            org_id=issue.org_id,
            actor=made.actor,
            move=made.move.name,
            at=made.at,
            from_state=made.from_state,
            to_state=issue.state,
            note=made.said.get("note", ""),
        )

    def audit(self, made: MoveMade, *, after: dict[str, Any]) -> None:
        audit_move(made.obj, made.actor, made.move.name, before=made.before, after=after)

    def after_move(self, made: MoveMade) -> None:
        notify(made.obj, made.move.name, made.actor)


def audit_move(
    issue: Issue,
    actor: Person | None,
    move: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Record a move in the audit log, revealing no more than the issue's visibility.

    An issue raised to a person is seen only by its parties, while admins read the whole
    audit log: its events name neither the actor nor any party, only "Issue #N" and states.
    """
    label = f"Issue #{issue.pk}"
    if issue.addressee_id is not None:
        audit_record_private(
            org=issue.org,
            action=f"issue.{move}",
            obj=issue,
            label=label,
            before=before,
            after=after,
        )
        return
    audit_record(
        org=issue.org,
        actor=None if actor is None else actor.user,
        action=f"issue.{move}",
        obj=issue,
        before=before,
        after=after,
        label=label,
    )


def notify(issue: Issue, move: str, actor: Person | None) -> None:
    """Queue the notice with who acted and whom it goes to, as they are now.

    Read at the move, not when the worker runs: by then the issue may have moved on (a
    new owner, a facilitator) and the email would go to the wrong people.
    """
    issue_id = issue.pk
    actor_id = actor.pk if actor is not None else None
    recipient_ids = [pk for pk in notice_recipient_ids(issue, move) if pk != actor_id]
    if not recipient_ids:
        return
    transaction.on_commit(
        lambda: send_issue_notice.enqueue(
            issue_id=issue_id, move=move, actor_id=actor_id, recipient_ids=recipient_ids
        )
    )


ISSUES = IssueWorkflow(moves=MOVES)
# The moves a person can make, in the order pages offer them.
PERSON_MOVES: tuple[str, ...] = tuple(m.name for m in ISSUES.person_moves)
