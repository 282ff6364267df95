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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from mutuality.commitments.commitments.workflow import COMMITMENTS
from mutuality.commitments.history.plans import CommitmentPlan, Ev, IEv, IssuePlan
from mutuality.commitments.issues.workflow import ISSUES
from mutuality.commitments.models import (
    CLOSED_ISSUE_STATES,
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


# --- rows ----------------------------------------------------------------------------------------


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
