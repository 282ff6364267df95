"""Believable lives for commitments and issues: the plans the demo and benchmarks write.

A plan is a list of moves, each with who made it, when, and the state it led to, drawn
from weighted outcomes (mostly kept promises and resolved issues; some renegotiated, late,
revoked, declined, escalated, left unanswered). `writer.HistoryWriter` writes plans as they
stand at its `now`; every plan is one the engine accepts (tests/test_plans_are_legal.py).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from mutuality.commitments.models import (
    UNCONFIRMED_AFTER_DAYS,
    CommitmentKind,
    CommitmentMove,
    CommitmentState,
    IssueMove,
    IssueState,
)

S = CommitmentState
M = CommitmentMove
IS = IssueState
IM = IssueMove

# --- commitments ---------------------------------------------------------------------------------


@dataclass
class Ev:
    move: str
    actor: int
    at: dt.datetime
    to_state: str
    due: dt.date
    note: str = ""
    terms: str = ""
    answer_by: dt.date | None = None


@dataclass
class CommitmentPlan:
    org_id: int
    kind: str
    title: str
    conditions: str
    requester: int
    performer: int
    # Requests made of a unit: the performer is the one who answers for it.
    unit: int | None
    created_at: dt.datetime
    due: dt.date
    events: list[Ev] = field(default_factory=list)
    # Requests made of a unit: a lead of it, who alone may decline it for the unit (without
    # one, the plan never declines it).
    lead: int | None = None


def _at(day: dt.date, rng: random.Random, tz: dt.tzinfo) -> dt.datetime:
    """A moment during the working day of `day`."""
    return dt.datetime.combine(
        day, dt.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=tz
    )


def _after(t: dt.datetime, hours: float) -> dt.datetime:
    return t + dt.timedelta(hours=hours)


# Outcome weights once promised; the names are documentation for the demo's variety.
OUTCOMES: tuple[tuple[str, int], ...] = (
    ("kept", 68),
    ("renegotiated_in_time", 9),
    ("late", 8),
    ("dissatisfied_then_kept", 4),
    ("renegotiated_late", 3),
    ("revoked", 3),
    ("cancelled", 2),
    ("stalled", 3),
)
_OUTCOME_NAMES = [name for name, _ in OUTCOMES]
_OUTCOME_WEIGHTS = [weight for _, weight in OUTCOMES]

NOTES: dict[str, tuple[str, ...]] = {
    M.PROMISE: ("On it.", "Yes, I can do that.", "", "", "Will do."),
    M.DECLINE: (
        "No capacity this month; try the other team.",
        "This isn't ours to do; ask Logistics.",
    ),
    M.DECLARE_COMPLETE: ("Done, see the shared folder.", "Delivered.", "", "Sent it over."),
    M.DECLARE_SATISFIED: ("Thank you!", "Exactly what we needed.", "", "Great, thanks."),
    M.DECLARE_DISSATISFIED: (
        "The totals for March are missing.",
        "Close, but the second section is not done yet.",
    ),
    M.PROPOSE_RENEGOTIATION: (
        "The supplier data arrives later than planned.",
        "Two people are out sick this week.",
        "A customer escalation came first.",
    ),
    M.REVOKE: ("I've been moved to the peak-season rota.", "Priorities changed upstream."),
    M.CANCEL: ("We found another way.", "No longer needed."),
}


def _note(rng: random.Random, move: str) -> str:
    options = NOTES.get(move)
    return rng.choice(options) if options else ""


def plan_commitment(
    plan: CommitmentPlan, rng: random.Random, *, outcome: str | None = None
) -> CommitmentPlan:
    """Fill `plan.events` with a believable conversation, whatever the date of today."""
    tz = plan.created_at.tzinfo or dt.UTC
    req, perf = plan.requester, plan.performer
    t = plan.created_at
    due = plan.due
    ev = plan.events
    creation: tuple[str, int, str] = {
        CommitmentKind.REQUEST: (M.REQUEST, req, S.REQUESTED),
        CommitmentKind.OFFER: (M.OFFER, perf, S.OFFERED),
        CommitmentKind.SELF: (M.SELF_COMMIT, perf, S.PROMISED),
    }[CommitmentKind(plan.kind)]
    ev.append(Ev(creation[0], creation[1], t, creation[2], due, terms=plan.conditions))
    # Answer delay: mostly within the working day, sometimes days.
    delay = rng.choice((0.5, 1, 2, 3, 4, 6, 20, 26, 50, 75))
    if plan.kind == CommitmentKind.REQUEST:
        roll = rng.random()
        t = _after(t, delay)
        if roll < 0.04 and (plan.unit is None or plan.lead is not None):
            if plan.unit is not None and plan.lead is not None:
                # Declining a unit's request is its leads' call; who declines answers for it.
                plan.performer = perf = plan.lead
            ev.append(Ev(M.DECLINE, perf, t, S.DECLINED, due, note=_note(rng, M.DECLINE)))
            return plan
        if roll < 0.09:
            new_due = due + dt.timedelta(days=rng.randint(4, 10))
            ev.append(Ev(M.COUNTER, perf, t, S.COUNTERED, due, note="That date is tight for us."))
            t = _after(t, rng.choice((1, 3, 20)))
            ev.append(Ev(M.ACCEPT_COUNTER, req, t, S.PROMISED, new_due))
            due = new_due
        elif roll < 0.12:
            answer_by = min(due, t.date() + dt.timedelta(days=2))
            ev.append(Ev(M.COMMIT_TO_COMMIT, perf, t, S.DEFERRED, due, answer_by=answer_by))
            t = _after(t, rng.choice((4, 20, 30)))
            ev.append(Ev(M.PROMISE, perf, t, S.PROMISED, due))
        else:
            ev.append(Ev(M.PROMISE, perf, t, S.PROMISED, due, note=_note(rng, M.PROMISE)))
    elif plan.kind == CommitmentKind.OFFER:
        t = _after(t, delay)
        ev.append(Ev(M.ACCEPT_OFFER, req, t, S.PROMISED, due))
    outcome = outcome or rng.choices(_OUTCOME_NAMES, _OUTCOME_WEIGHTS)[0]
    promised_at = t

    def deliver_by(deadline: dt.date, start: dt.datetime) -> dt.datetime:
        days = max(0, (deadline - start.date()).days)
        day = start.date() + dt.timedelta(days=rng.randint(max(0, days - 3), days))
        moment = _at(day, rng, tz)
        return moment if moment > start else _after(start, 2)

    def satisfy(done: dt.datetime, deadline: dt.date | None) -> None:
        at = _after(done, rng.choice((1, 2, 4, 18, 22)))
        if deadline is not None and at.date() > deadline:
            at = _after(done, 0.5)
        ev.append(
            Ev(M.DECLARE_SATISFIED, req, at, S.SATISFIED, due, note=_note(rng, M.DECLARE_SATISFIED))
        )

    def complete(at: dt.datetime) -> dt.datetime:
        ev.append(
            Ev(M.DECLARE_COMPLETE, perf, at, S.COMPLETED, due, note=_note(rng, M.DECLARE_COMPLETE))
        )
        return at

    if outcome == "kept":
        satisfy(complete(deliver_by(due, promised_at)), due)
    elif outcome == "dissatisfied_then_kept":
        first = complete(deliver_by(due - dt.timedelta(days=2), promised_at))
        back = _after(first, 3)
        ev.append(
            Ev(
                M.DECLARE_DISSATISFIED,
                req,
                back,
                S.PROMISED,
                due,
                note=_note(rng, M.DECLARE_DISSATISFIED),
            )
        )
        satisfy(complete(deliver_by(due, back)), due)
    elif outcome in ("renegotiated_in_time", "renegotiated_late"):
        if outcome == "renegotiated_in_time":
            span = max(0, (due - promised_at.date()).days)
            ask = _at(promised_at.date() + dt.timedelta(days=rng.randint(0, span)), rng, tz)
            ask = max(ask, _after(promised_at, 1))
        else:
            ask = _at(due + dt.timedelta(days=rng.randint(1, 5)), rng, tz)
        new_due = max(due, ask.date()) + dt.timedelta(days=rng.randint(5, 14))
        ev.append(
            Ev(
                M.PROPOSE_RENEGOTIATION,
                perf,
                ask,
                S.PROMISED,
                due,
                note=_note(rng, M.PROPOSE_RENEGOTIATION),
            )
        )
        agreed = _after(ask, rng.choice((1, 2, 3)))
        if outcome == "renegotiated_in_time" and agreed.date() > due:
            agreed = ask
        ev.append(Ev(M.ACCEPT_RENEGOTIATION, req, agreed, S.PROMISED, new_due))
        due = new_due
        satisfy(complete(deliver_by(due, agreed)), due)
    elif outcome == "late":
        done = _at(due + dt.timedelta(days=rng.randint(1, 9)), rng, tz)
        satisfy(complete(max(done, _after(promised_at, 2))), None)
    elif outcome == "revoked":
        span = max(1, (due - promised_at.date()).days)
        at = _after(promised_at, 24 * rng.randint(1, span))
        ev.append(Ev(M.REVOKE, perf, at, S.REVOKED, due, note=_note(rng, M.REVOKE)))
    elif outcome == "cancelled":
        at = _after(promised_at, 24 * rng.randint(1, 4))
        ev.append(Ev(M.CANCEL, req, at, S.CANCELLED, due, note=_note(rng, M.CANCEL)))
    elif outcome == "stalled":
        # Never delivered while the plan runs: revoked long after the date, unless the
        # date is recent — then it is simply overdue today.
        at = _at(due + dt.timedelta(days=rng.randint(20, 40)), rng, tz)
        ev.append(Ev(M.REVOKE, perf, at, S.REVOKED, due, note=_note(rng, M.REVOKE)))
    return plan


# --- issues --------------------------------------------------------------------------------------


@dataclass
class IssuePlan:
    org_id: int
    title: str
    description: str
    raiser: int
    addressee: int | None
    unit: int | None
    # Who takes it on (the addressee, or someone in the unit), and a facilitator.
    owner: int
    facilitator: int | None
    raised_at: dt.datetime
    resolution: str
    decline_reason: str = "This is outside what our team can change; it belongs with Finance."


ISSUE_OUTCOMES: tuple[tuple[str, int], ...] = (
    ("resolved", 62),
    ("resolved_after_second_try", 10),
    ("unconfirmed", 6),
    ("declined", 4),
    ("escalated_resolved", 4),
    ("withdrawn", 4),
    ("stuck_owned", 6),
    ("stuck_raised", 4),
)
_ISSUE_NAMES = [name for name, _ in ISSUE_OUTCOMES]
_ISSUE_WEIGHTS = [weight for _, weight in ISSUE_OUTCOMES]


@dataclass
class IEv:
    move: str
    actor: int | None
    at: dt.datetime
    to_state: str
    note: str = ""


def plan_issue(plan: IssuePlan, rng: random.Random, *, outcome: str | None = None) -> list[IEv]:
    """A believable life for an issue (cut at `now` when written)."""
    outcome = outcome or rng.choices(_ISSUE_NAMES, _ISSUE_WEIGHTS)[0]
    t = plan.raised_at
    ev = [IEv(IM.RAISE, plan.raiser, t, IS.OPEN)]
    if outcome == "stuck_raised":
        return ev
    t = _after(t, rng.choice((2, 5, 20, 30, 52, 75)))
    if outcome == "declined" or (outcome == "escalated_resolved" and plan.facilitator):
        ev.append(IEv(IM.DECLINE, plan.owner, t, IS.DECLINED, plan.decline_reason))
        if outcome == "declined":
            return ev
        t = _after(t, rng.choice((20, 48, 70)))
        ev.append(IEv(IM.ESCALATE, plan.raiser, t, IS.ESCALATED, "I'd like a neutral view."))
        t = _after(t, rng.choice((4, 20, 30)))
        ev.append(IEv(IM.TAKE_OWNERSHIP, plan.facilitator, t, IS.OWNED))
        t = _after(t, 24 * rng.randint(2, 8))
        ev.append(IEv(IM.PROPOSE_RESOLUTION, plan.facilitator, t, IS.PROPOSED, plan.resolution))
        t = _after(t, rng.choice((3, 20, 44)))
        ev.append(
            IEv(IM.DECLARE_SATISFIED, plan.raiser, t, IS.RESOLVED, "Thank you for mediating.")
        )
        return ev
    ev.append(IEv(IM.TAKE_OWNERSHIP, plan.owner, t, IS.OWNED))
    if outcome == "stuck_owned":
        return ev
    if outcome == "withdrawn":
        t = _after(t, 24 * rng.randint(1, 6))
        ev.append(IEv(IM.WITHDRAW, plan.raiser, t, IS.WITHDRAWN, "It sorted itself out."))
        return ev
    t = _after(t, 24 * rng.randint(1, 10))
    ev.append(IEv(IM.PROPOSE_RESOLUTION, plan.owner, t, IS.PROPOSED, plan.resolution))
    if outcome == "unconfirmed":
        t = t + dt.timedelta(days=UNCONFIRMED_AFTER_DAYS)
        ev.append(
            IEv(
                IM.CLOSE_UNCONFIRMED,
                None,
                t,
                IS.CLOSED_UNCONFIRMED,
                f"No answer to the proposed resolution within {UNCONFIRMED_AFTER_DAYS} days.",
            )
        )
        return ev
    if outcome == "resolved_after_second_try":
        t = _after(t, rng.choice((4, 22, 46)))
        ev.append(
            IEv(
                IM.DECLARE_DISSATISFIED,
                plan.raiser,
                t,
                IS.OWNED,
                "It helps, but the root cause is still there.",
            )
        )
        t = _after(t, 24 * rng.randint(2, 7))
        ev.append(IEv(IM.PROPOSE_RESOLUTION, plan.owner, t, IS.PROPOSED, plan.resolution))
    t = _after(t, rng.choice((2, 5, 22, 46, 70)))
    ev.append(
        IEv(
            IM.DECLARE_SATISFIED,
            plan.raiser,
            t,
            IS.RESOLVED,
            rng.choice(("Thanks!", "", "Works for me.")),
        )
    )
    return ev
