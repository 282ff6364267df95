"""Writing months or years of commitment and issue history in bulk (demo and benchmarks).

The demo organization and the synthetic benchmark organizations need history that the
services cannot make: moves dated in the past, by the hundred thousand. This module plays
each conversation out in Python — the same moves, in the same order, with the same fields
the services would set — and writes the rows with one multi-row INSERT per batch and ids
assigned here (so events can point at their commitment without a round trip).

A planned history is cut at `now`: a commitment whose plan says "completed next week"
is simply still promised today. So open, overdue and waiting commitments arise from the
same plans as the kept ones, in believable proportions.

Every event is checked against the machines' declarations before it is written
(`Workflow.allows`): a plan that makes a move from a state, or to a state, that the
engine would refuse stops the seeding with the reason. Who makes each move (its role) is
checked by replaying plans through the engine itself, in tests/test_plans_are_legal.py.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from mutuality.commitments.commitments.workflow import COMMITMENTS
from mutuality.commitments.issues.workflow import ISSUES
from mutuality.commitments.models import (
    CLOSED_ISSUE_STATES,
    UNCONFIRMED_AFTER_DAYS,
    Commitment,
    CommitmentEvent,
    CommitmentKind,
    CommitmentMove,
    CommitmentState,
    Issue,
    IssueEvent,
    IssueMove,
    IssueState,
)
from mutuality.core.workflow import Workflow

S = CommitmentState
M = CommitmentMove
IS = IssueState
IM = IssueMove

BATCH = 5_000


class TableWriter:
    """Buffered multi-row inserts into one model's table, with ids assigned here.

    Columns the caller does not give get the field's default, so a column added to the
    model later does not break seeding.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        self.model = model
        extra = [f for name, f in fields.items() if name not in columns and name != "id"]
        self.defaults = tuple(f.get_default() for f in extra)
        names = ["id", *columns, *(f.attname for f in extra)]
        self.columns = [fields[name].column for name in names]
        ops = connection.ops
        adapters: list[Callable[[Any], Any] | None] = []
        for name in names:
            f = fields[name]
            if isinstance(f, models.DateTimeField):
                adapters.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.DateField):
                adapters.append(ops.adapt_datefield_value)
            else:
                adapters.append(None)
        self.adapters = adapters
        self.rows: list[tuple[Any, ...]] = []
        current = model._default_manager.aggregate(top=Max("id"))["top"]
        self.next_id = int(current or 0) + 1
        self.written = 0

    def add(self, *values: Any) -> int:
        """Queue one row (the columns given at construction, in order); return its id."""
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values, *self.defaults))
        if len(self.rows) >= BATCH:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        adapters = self.adapters
        rows = [
            tuple(
                a(v) if a is not None and v is not None else v
                for a, v in zip(adapters, row, strict=True)
            )
            for row in self.rows
        ]
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        cols = ", ".join(quote(c) for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608 - names come from model metadata
        self.written += len(rows)
        self.rows = []


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """After inserting explicit ids, let the database's own id counters catch up."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def check_history(workflow: Workflow, moves: Sequence[tuple[str, str]]) -> None:
    """Refuse a planned history (move, state it leads to) the declarations do not allow."""
    state = ""
    for move, to_state in moves:
        if not workflow.allows(move, state, to_state):
            raise ValueError(
                f"A planned {workflow.noun} history makes “{move}” from “{state or 'nothing'}” "
                f"to “{to_state}”, which the {workflow.noun} workflow does not allow."
            )
        state = to_state


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


def _commitment_row(plan: CommitmentPlan, now: dt.datetime) -> tuple[tuple[Any, ...], list[Ev]]:
    """The commitment's columns as they stand at `now`, and the events up to then."""
    events = [e for e in plan.events if e.at <= now]
    last = events[-1]
    state = last.to_state
    performer: int | None = plan.performer
    if plan.unit is not None and len(events) == 1 and plan.kind == CommitmentKind.REQUEST:
        performer = None
    promised_at = completed_at = closed_at = None
    answer_by = counter_due = proposed_by = proposed_due = None
    for e in events:
        if e.to_state == S.PROMISED and promised_at is None:
            promised_at = e.at
        if e.move == M.DECLARE_COMPLETE:
            completed_at = e.at
        if e.move == M.DECLARE_DISSATISFIED:
            completed_at = None
    if state in (S.SATISFIED, S.DECLINED, S.CANCELLED, S.REVOKED):
        closed_at = last.at
    if state == S.DEFERRED:
        answer_by = last.answer_by
    if state == S.COUNTERED:
        counter_due = next((e.due for e in plan.events if e.move == M.ACCEPT_COUNTER), last.due)
    if last.move == M.PROPOSE_RENEGOTIATION:
        proposed_by = last.actor
        proposed_due = next((e.due for e in plan.events if e.move == M.ACCEPT_RENEGOTIATION), None)
    if state not in (S.COMPLETED, S.SATISFIED):
        completed_at = None
    row = (
        plan.org_id,
        plan.kind,
        plan.title,
        plan.conditions,
        last.due,
        plan.due,
        plan.requester,
        performer,
        plan.unit,
        state,
        answer_by,
        counter_due,
        "",
        proposed_by,
        proposed_due,
        "",
        plan.created_at,
        promised_at,
        completed_at,
        closed_at,
        len(events),
    )
    return row, events


COMMITMENT_COLUMNS = (
    "org_id",
    "kind",
    "title",
    "conditions",
    "due_date",
    "original_due_date",
    "requester_id",
    "performer_id",
    "performer_unit_id",
    "state",
    "answer_by",
    "counter_due_date",
    "counter_terms",
    "proposed_by_id",
    "proposed_due_date",
    "proposed_terms",
    "created_at",
    "promised_at",
    "completed_at",
    "closed_at",
    "version",
)
EVENT_COLUMNS = (
    "commitment_id",
    "org_id",
    "actor_id",
    "move",
    "at",
    "from_state",
    "to_state",
    "note",
    "due_date",
    "previous_due_date",
    "terms",
    "answer_by",
)


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
ISSUE_COLUMNS = (
    "org_id",
    "title",
    "description",
    "raiser_id",
    "addressee_id",
    "unit_id",
    "owner_id",
    "facilitator_id",
    "state",
    "resolution",
    "decline_reason",
    "raised_at",
    "owned_at",
    "proposed_at",
    "closed_at",
    "updated_at",
    "version",
)
ISSUE_EVENT_COLUMNS = (
    "issue_id",
    "org_id",
    "actor_id",
    "move",
    "at",
    "from_state",
    "to_state",
    "note",
)


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


@dataclass
class HistoryWriter:
    """Plans in, rows out: call `commitment(...)` / `issue(...)`, then `finish()`."""

    now: dt.datetime
    commitments: TableWriter = field(init=False)
    events: TableWriter = field(init=False)
    issues: TableWriter = field(init=False)
    issue_events: TableWriter = field(init=False)

    def __post_init__(self) -> None:
        self.commitments = TableWriter(Commitment, COMMITMENT_COLUMNS)
        self.events = TableWriter(CommitmentEvent, EVENT_COLUMNS)
        self.issues = TableWriter(Issue, ISSUE_COLUMNS)
        self.issue_events = TableWriter(IssueEvent, ISSUE_EVENT_COLUMNS)

    def commitment(self, plan: CommitmentPlan) -> int | None:
        """Write a planned commitment as it stands now; None if it starts in the future."""
        if not plan.events or plan.created_at > self.now:
            return None
        check_history(COMMITMENTS, [(e.move, e.to_state) for e in plan.events])
        row, events = _commitment_row(plan, self.now)
        pk = self.commitments.add(*row)
        previous_state, previous_due = "", None
        for e in events:
            self.events.add(
                pk,
                plan.org_id,
                e.actor,
                e.move,
                e.at,
                previous_state,
                e.to_state,
                e.note,
                e.due,
                previous_due,
                e.terms,
                e.answer_by,
            )
            previous_state, previous_due = e.to_state, e.due
        return pk

    def issue(self, plan: IssuePlan, events: list[IEv]) -> int | None:
        """Write a planned issue as it stands now; None if it starts in the future."""
        happened = [e for e in events if e.at <= self.now]
        if not happened:
            return None
        check_history(ISSUES, [(e.move, e.to_state) for e in events])
        last = happened[-1]
        owner = facilitator = None
        owned_at = proposed_at = closed_at = None
        resolution = decline_reason = ""
        for e in happened:
            if e.move in (IM.TAKE_OWNERSHIP, IM.DECLINE):
                owner = e.actor
                owned_at = owned_at or e.at
            if e.move == IM.ESCALATE:
                facilitator, owner, owned_at = plan.facilitator, None, None
            if e.move == IM.PROPOSE_RESOLUTION:
                proposed_at, resolution = e.at, e.note
            if e.move == IM.DECLARE_DISSATISFIED:
                proposed_at = None
            if e.move == IM.DECLINE:
                decline_reason = e.note
        if last.to_state in CLOSED_ISSUE_STATES:
            closed_at = last.at
        pk = self.issues.add(
            plan.org_id,
            plan.title,
            plan.description,
            plan.raiser,
            plan.addressee,
            plan.unit,
            owner,
            facilitator,
            last.to_state,
            resolution,
            decline_reason,
            plan.raised_at,
            owned_at,
            proposed_at,
            closed_at,
            last.at,
            len(happened),
        )
        previous = ""
        for e in happened:
            self.issue_events.add(
                pk, plan.org_id, e.actor, e.move, e.at, previous, e.to_state, e.note
            )
            previous = e.to_state
        return pk

    def finish(self) -> None:
        for writer in (self.commitments, self.events, self.issues, self.issue_events):
            writer.flush()
        reset_sequences([Commitment, CommitmentEvent, Issue, IssueEvent])
