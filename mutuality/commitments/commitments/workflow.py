"""The conversation for action, declared once: every move, who makes it, from where to where.

A party's role is *requester* (the customer; for a self-commitment, the beneficiary) or
*performer*. While a request made of a unit has no performer yet, every active member or
lead of that unit (except the requester) holds the performer's role; the first of them to
answer becomes the performer. Only the unit's leads may decline such a request
(`UNIT_LEAD`), since a decline closes it for the whole unit; members may promise, counter
or commit to commit. Renegotiation is a proposal by either party that only the *other*
party answers, so its answers use the role `RECIPIENT`.

The engine (`mutuality.core.workflow`) makes every move from these declarations, and the
pages, the API and the history read them; `tests/test_move_table.py` writes the whole
table out again by hand and checks every state × move × person against it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from mutuality.commitments.commitments.dates import date_range, future_date
from mutuality.commitments.commitments.selectors import units_for_moves
from mutuality.commitments.models import (
    TERMINAL_STATES,
    Commitment,
    CommitmentEvent,
    CommitmentKind,
    CommitmentMove,
    CommitmentState,
)
from mutuality.core.audit import audit_record, audit_record_private
from mutuality.core.workflow import DATE, Field, Move, MoveContext, MoveMade, Workflow
from mutuality.core.workflow.engine import IllegalMove, NotYourMove, StaleVersion, step
from mutuality.orgs.models import Person

__all__ = [
    "ANSWER_MOVES",
    "COMMITMENTS",
    "IllegalMove",
    "NotYourMove",
    "StaleVersion",
]

REQUESTER = "requester"
PERFORMER = "performer"
# The party who did not propose the pending renegotiation.
RECIPIENT = "recipient"
# A lead of the unit an unanswered unit request was made of (held alongside PERFORMER).
UNIT_LEAD = "unit_lead"

S = CommitmentState
M = CommitmentMove

# --- the fields moves take ------------------------------------------------------------------------

NOTE = Field("note", "Note (optional)")
WHY = NOTE.but(label="Why (optional)")
NEW_DUE_DATE = Field(
    "due_date", "New due date", kind=DATE, help="Leave empty to keep the current one."
)
NEW_TERMS = Field(
    "terms", "New conditions of satisfaction", help="Leave empty to keep the current ones.", rows=3
)


def _note(obj: Commitment, ctx: MoveContext) -> dict[str, Any]:
    return {"note": ctx.data.get("note", "")}


def _new_terms(c: Commitment, ctx: MoveContext) -> tuple[dt.date | None, str]:
    """Proposed new terms: a different due date, different conditions, or both."""
    due_date = ctx.data["due_date"]
    if due_date is not None:
        due_date = future_date(due_date, field="due_date", today=timezone.localdate(ctx.now))
    terms = ctx.data["terms"]
    if due_date == c.due_date:
        due_date = None
    if terms == c.conditions:
        terms = ""
    if due_date is None and not terms:
        raise ValidationError(
            {"due_date": "Propose a different due date, different conditions, or both."}
        )
    return due_date, terms


def _clear_pending(c: Commitment) -> None:
    c.answer_by = None
    c.counter_due_date = None
    c.counter_terms = ""
    c.proposed_by = None
    c.proposed_due_date = None
    c.proposed_terms = ""


# --- what each move changes ------------------------------------------------------------------------


def _promise(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    c.promised_at = ctx.now
    c.answer_by = None
    return _note(c, ctx)


def _counter(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    c.counter_due_date, c.counter_terms = _new_terms(c, ctx)
    c.answer_by = None
    return {"note": ctx.data["note"], "terms": c.counter_terms}


def _accept_counter(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    said = {"note": ctx.data["note"], "terms": c.counter_terms}
    if c.counter_due_date is not None:
        c.due_date = c.counter_due_date
    if c.counter_terms:
        c.conditions = c.counter_terms
    c.counter_due_date = None
    c.counter_terms = ""
    c.promised_at = ctx.now
    return said


def _reject_counter(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    c.counter_due_date = None
    c.counter_terms = ""
    if c.performer_unit_id is not None:
        # The request goes back to the whole unit, where anyone may take it up.
        c.performer = None
    return _note(c, ctx)


def _accept_offer(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    c.promised_at = ctx.now
    return _note(c, ctx)


def _commit_to_commit(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    when = future_date(ctx.data["answer_by"], field="answer_by", today=timezone.localdate(ctx.now))
    if when > c.due_date:
        raise ValidationError(
            {
                "answer_by": (
                    f"Answer by the due date ({c.due_date:%-d %B %Y}) at the latest, "
                    "or counter-offer a later due date."
                )
            }
        )
    c.answer_by = when
    return {"note": ctx.data["note"], "answer_by": when}


def _declare_complete(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    c.completed_at = ctx.now
    # A pending renegotiation is moot once the work is delivered.
    _clear_pending(c)
    return _note(c, ctx)


def _declare_dissatisfied(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    c.completed_at = None
    return _note(c, ctx)


def _propose_renegotiation(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    c.proposed_due_date, c.proposed_terms = _new_terms(c, ctx)
    c.proposed_by = ctx.actor
    return {"note": ctx.data["note"], "terms": c.proposed_terms}


def _accept_renegotiation(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    said = {"note": ctx.data["note"], "terms": c.proposed_terms}
    if c.proposed_due_date is not None:
        c.due_date = c.proposed_due_date
    if c.proposed_terms:
        c.conditions = c.proposed_terms
    _clear_pending(c)
    return said


def _reject_renegotiation(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    _clear_pending(c)
    return _note(c, ctx)


def _decline(c: Commitment, ctx: MoveContext) -> dict[str, Any]:
    return {"note": ctx.data["reason"]}


# --- guards ------------------------------------------------------------------------------------------


def _no_renegotiation_pending(c: Commitment, today: dt.date) -> str | None:
    if c.proposed_by_id is not None:
        return "New terms are already proposed and wait for an answer; answer them first."
    return None


def _renegotiation_pending(c: Commitment, today: dt.date) -> str | None:
    if c.proposed_by_id is None:
        return "No new terms are proposed, so there is nothing to answer."
    return None


def _date_not_passed(field: str, message: str) -> Any:
    """A move that makes a promise: not with a due date already past (it would be overdue
    the moment it was made); the parties agree a new date instead."""

    def guard(c: Commitment, today: dt.date) -> str | None:
        due: dt.date | None = getattr(c, field)
        if due is None and field == "counter_due_date":
            due = c.due_date  # a counter-offer of new conditions only
        if due is not None and due < today:
            return message.format(date=f"{due:%-d %B %Y}")
        return None

    return guard


def _unanswered(c: Commitment) -> bool:
    return c.is_unanswered_unit_request


def _answered(c: Commitment) -> bool:
    return not c.is_unanswered_unit_request


def _only_leads_decline(c: Commitment, roles: set[str]) -> str | None:
    if c.is_unanswered_unit_request and PERFORMER in roles and c.performer_unit is not None:
        return (
            f"Only a lead of {c.performer_unit.name} can decline a request made of the "
            "unit; you can promise, counter-offer or say when you will answer."
        )
    return None


def _the_other_party_answers(c: Commitment, roles: set[str]) -> str | None:
    if roles & {REQUESTER, PERFORMER} and RECIPIENT not in roles:
        return "You proposed these terms; the other party answers them."
    return None


UNANSWERED = {S.REQUESTED, S.DEFERRED}

MOVES = (
    Move(
        M.PROMISE,
        "Promise",
        "promised",
        steps=(step(UNANSWERED, [PERFORMER], S.PROMISED),),
        fields=(NOTE,),
        one_click=True,
        style="primary",
        success="You promised.",
        guards=(
            _date_not_passed(
                "due_date", "The due date ({date}) has passed: counter-offer a new date instead."
            ),
        ),
        apply=_promise,
    ),
    Move(
        M.ACCEPT_OFFER,
        "Accept the offer",
        "accepted the offer",
        steps=(step([S.OFFERED], [REQUESTER], S.PROMISED),),
        fields=(NOTE,),
        one_click=True,
        style="primary",
        success="You accepted the offer: it is now promised.",
        guards=(
            _date_not_passed(
                "due_date",
                "The offer's due date ({date}) has passed: decline it, and ask for it again "
                "with a new date.",
            ),
        ),
        apply=_accept_offer,
    ),
    Move(
        M.ACCEPT_COUNTER,
        "Accept the counter-offer",
        "accepted the counter-offer",
        steps=(step([S.COUNTERED], [REQUESTER], S.PROMISED),),
        fields=(NOTE,),
        one_click=True,
        style="primary",
        success="You accepted the counter-offer: it is now promised.",
        guards=(
            _date_not_passed(
                "counter_due_date",
                "The counter-offer's due date ({date}) has passed: reject it, and the "
                "performer can counter-offer again with a new date.",
            ),
        ),
        apply=_accept_counter,
    ),
    Move(
        M.ACCEPT_RENEGOTIATION,
        "Accept the new terms",
        "accepted the new terms",
        steps=(step([S.PROMISED], [RECIPIENT], S.PROMISED),),
        fields=(NOTE,),
        one_click=True,
        style="primary",
        success="You accepted the new terms.",
        guards=(
            _renegotiation_pending,
            _date_not_passed(
                "proposed_due_date",
                "The proposed due date ({date}) has passed: keep the current terms, then "
                "propose new ones with a later date.",
            ),
        ),
        apply=_accept_renegotiation,
        explain_refusal=_the_other_party_answers,
    ),
    Move(
        M.DECLARE_SATISFIED,
        "Declare satisfied",
        "declared satisfied",
        steps=(step([S.COMPLETED], [REQUESTER], S.SATISFIED),),
        fields=(NOTE.but(label="A word of thanks (optional)"),),
        style="primary",
        intro="This closes the commitment as kept.",
        success="Declared satisfied: the commitment is closed and kept.",
        apply=_note,
    ),
    Move(
        M.DECLARE_COMPLETE,
        "Declare complete",
        "declared it complete",
        steps=(step([S.PROMISED], [PERFORMER], S.COMPLETED),),
        fields=(NOTE.but(label="What you delivered, or where to find it (optional)"),),
        style="primary",
        intro="The requester then declares satisfied, or says what is missing.",
        success="Declared complete. It closes when the requester declares satisfied.",
        apply=_declare_complete,
    ),
    Move(
        M.DECLARE_DISSATISFIED,
        "Declare dissatisfied",
        "declared dissatisfied",
        steps=(step([S.COMPLETED], [REQUESTER], S.PROMISED),),
        fields=(NOTE.but(label="What is missing", required="Say what is missing."),),
        intro="It goes back to in progress.",
        success="Declared dissatisfied: it is back in progress.",
        apply=_declare_dissatisfied,
    ),
    Move(
        M.COUNTER,
        "Counter-offer",
        "counter-offered",
        steps=(step(UNANSWERED, [PERFORMER], S.COUNTERED),),
        fields=(NEW_DUE_DATE, NEW_TERMS, NOTE),
        intro="Offer a different due date, different conditions, or both.",
        success="Counter-offer sent.",
        apply=_counter,
    ),
    Move(
        M.COMMIT_TO_COMMIT,
        "Answer later",
        "promised an answer",
        steps=(step([S.REQUESTED], [PERFORMER], S.DEFERRED),),
        fields=(
            Field("answer_by", "I will answer by", kind=DATE, required="Give a date."),
            NOTE,
        ),
        intro="Promise an answer by a date, no later than the due date.",
        success="You promised an answer by that date.",
        apply=_commit_to_commit,
    ),
    Move(
        M.PROPOSE_RENEGOTIATION,
        "Propose new terms",
        "proposed new terms",
        steps=(step([S.PROMISED], [REQUESTER, PERFORMER], S.PROMISED),),
        fields=(NEW_DUE_DATE, NEW_TERMS, WHY),
        intro="The other party accepts or keeps the current terms.",
        success="New terms proposed.",
        guards=(_no_renegotiation_pending,),
        apply=_propose_renegotiation,
    ),
    Move(
        M.REJECT_COUNTER,
        "Reject the counter-offer",
        "rejected the counter-offer",
        steps=(step([S.COUNTERED], [REQUESTER], S.REQUESTED),),
        fields=(NOTE,),
        success="You rejected the counter-offer; your request stands.",
        apply=_reject_counter,
    ),
    Move(
        M.REJECT_RENEGOTIATION,
        "Keep the current terms",
        "kept the current terms",
        steps=(step([S.PROMISED], [RECIPIENT], S.PROMISED),),
        fields=(NOTE,),
        one_click=True,
        success="The current terms stay.",
        guards=(_renegotiation_pending,),
        apply=_reject_renegotiation,
        explain_refusal=_the_other_party_answers,
    ),
    Move(
        M.DECLINE,
        "Decline",
        "declined",
        steps=(
            step(UNANSWERED, [PERFORMER], S.DECLINED, when=_answered),
            # A decline closes a unit's request for the whole unit: its leads' call.
            step(UNANSWERED, [UNIT_LEAD], S.DECLINED, when=_unanswered),
        ),
        fields=(
            Field(
                "reason",
                "Why you decline",
                required="Say why you decline, so they can look elsewhere.",
            ),
        ),
        style="danger",
        success="You declined.",
        apply=_decline,
        explain_refusal=_only_leads_decline,
    ),
    Move(
        M.DECLINE_OFFER,
        "Decline the offer",
        "declined the offer",
        steps=(step([S.OFFERED], [REQUESTER], S.DECLINED),),
        fields=(NOTE,),
        style="danger",
        success="You declined the offer.",
        apply=_note,
    ),
    Move(
        M.CANCEL,
        "Cancel the request",
        "cancelled",
        steps=(step([*UNANSWERED, S.COUNTERED, S.PROMISED], [REQUESTER], S.CANCELLED),),
        fields=(NOTE,),
        style="danger",
        intro="This closes the commitment; the other side sees your note.",
        success="Cancelled.",
        apply=_note,
    ),
    Move(
        M.REVOKE,
        "Revoke",
        "revoked",
        steps=(step([S.OFFERED, S.PROMISED], [PERFORMER], S.REVOKED),),
        fields=(NOTE.but(label="Why", required="Say why, so they can plan around it."),),
        style="danger",
        intro="Withdraw your word. This closes the commitment.",
        success="Revoked.",
        apply=_note,
    ),
    # Moves that make a commitment: in its history, never made on one.
    Move(M.REQUEST, "Request", "requested", creates=True),
    Move(M.OFFER, "Offer", "offered", creates=True),
    Move(M.SELF_COMMIT, "Commit", "committed", creates=True),
)


class CommitmentWorkflow(Workflow):
    noun = "commitment"
    model = Commitment
    states = CommitmentState
    move_choices = CommitmentMove
    closed_states = TERMINAL_STATES
    lock_related = ("requester", "performer", "performer_unit", "org")
    audited_fields = ("state", "due_date")

    def roles_of(self, obj: Any, actor: Any) -> set[str]:
        c: Commitment = obj
        roles: set[str] = set()
        if actor is None or actor.org_id != c.org_id or not actor.is_active:
            return roles
        if actor.pk == c.requester_id:
            roles.add(REQUESTER)
        if actor.pk == c.performer_id:
            roles.add(PERFORMER)
        if actor.pk != c.requester_id:
            unit_ids, lead_ids = units_for_moves(commitment=c, viewer=actor)
            # A unit request nobody has taken up: anyone in the unit may answer it.
            if c.performer_id is None and c.performer_unit_id in unit_ids:
                roles.add(PERFORMER)
            if c.is_unanswered_unit_request and c.performer_unit_id in lead_ids:
                roles.add(UNIT_LEAD)
        if (
            c.proposed_by_id is not None
            and c.proposed_by_id != actor.pk
            and roles & {REQUESTER, PERFORMER}
        ):
            roles.add(RECIPIENT)
        return roles

    def who(self, role: str, obj: Any) -> str:
        c: Commitment = obj
        if role == REQUESTER:
            word = "beneficiary" if c.kind == CommitmentKind.SELF else "requester"
            return f"the {word} ({c.requester.name})"
        if role == PERFORMER:
            if c.performer is not None:
                return f"the performer ({c.performer.name})"
            assert c.performer_unit is not None
            return f"a member or lead of {c.performer_unit.name}"
        if role == UNIT_LEAD and c.performer_unit is not None:
            return f"a lead of {c.performer_unit.name}"
        return "the other party"

    def date_range(self) -> tuple[dt.date, dt.date]:
        return date_range()

    def before_save(self, obj: Any, ctx: MoveContext, move: Move) -> None:
        c: Commitment = obj
        if c.performer_id is None and ctx.step.roles & {PERFORMER, UNIT_LEAD}:
            # The first of the unit's people to answer a unit request answers for it.
            c.performer = ctx.actor
        if ctx.step.to in TERMINAL_STATES:
            _clear_pending(c)

    def record(self, made: MoveMade) -> None:
        c: Commitment = made.obj
        CommitmentEvent.objects.create(
            commitment=c,
            org_id=c.org_id,
            actor=made.actor,
            move=made.move.name,
            at=made.at,
            from_state=made.from_state,
            to_state=c.state,
            note=made.said.get("note", ""),
            due_date=c.due_date,
            previous_due_date=dt.date.fromisoformat(made.before["due_date"]),
            terms=made.said.get("terms", ""),
            answer_by=made.said.get("answer_by"),
        )

    def audit(self, made: MoveMade, *, after: dict[str, Any]) -> None:
        audit_move(made.obj, made.actor, made.move.name, before=made.before, after=after)


def audit_move(
    c: Commitment,
    actor: Person,
    move: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Record a move in the audit log, revealing no more than the commitment's visibility.

    A commitment between two people is theirs alone, while admins read the whole audit
    log: its events name neither the actor nor the parties, and carry no title or terms,
    only "Commitment #N", its state and its due date.
    """
    if c.performer_unit_id is None:
        audit_record_private(
            org=c.org,
            action=f"commitment.{move}",
            obj=c,
            label=f"Commitment #{c.pk}",
            before=before,
            after=after,
            keep=("state", "due_date"),
        )
        return
    audit_record(
        org=c.org,
        actor=actor.user,
        action=f"commitment.{move}",
        obj=c,
        before=before,
        after=after,
        label=c.title[:200],
    )


COMMITMENTS = CommitmentWorkflow(moves=MOVES)
# Every move that changes an existing commitment, in the order pages offer them.
ANSWER_MOVES: tuple[str, ...] = tuple(m.name for m in COMMITMENTS.person_moves)
