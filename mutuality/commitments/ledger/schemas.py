"""Pydantic schemas of the trust ledger API (the figures of docs/commitments.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

WindowKey = Literal["30", "90", "365", "all"]


class LedgerQuery(Schema):
    window: WindowKey = Field("90", description="The last 30, 90 or 365 days, or all time.")


class SubjectOut(Schema):
    kind: Literal["person", "unit"]
    id: int
    name: str


class WindowOut(Schema):
    key: str
    start: dt.date | None = Field(description="Null for all time.")
    end: dt.date = Field(description="Today (inclusive).")


class CommitmentFiguresOut(Schema):
    judged: int = Field(description="kept + late + revoked + overdue_now.")
    kept: int
    kept_share: float | None = Field(description="kept / judged; null when nothing was judged.")
    late: int = Field(description="Satisfied, but not kept.")
    revoked: int
    overdue_now: int
    overdue_awaiting_acceptance: int = Field(
        description="Of overdue_now: declared complete, not yet accepted."
    )
    renegotiated_in_time: int
    renegotiated_late: int


class AnswerFiguresOut(Schema):
    requests_answered: int
    requests_waiting: int
    median_answer_hours: float | None


class IssueFiguresOut(Schema):
    raised: int
    resolved: int
    closed_unconfirmed: int
    withdrawn: int
    declined_final: int = Field(
        description="Declined again after the one escalation to a facilitator (closed)."
    )
    open: int
    closure_rate: float | None = Field(description="resolved / raised.")
    median_days_to_closure: float | None


class MonthOut(Schema):
    month: dt.date = Field(description="The first day of the month.")
    kept: int
    late: int
    revoked: int
    overdue: int
    judged: int
    kept_share: float | None
    issues_raised: int
    issues_resolved: int
    closure_rate: float | None


class LedgerOut(Schema):
    subject: SubjectOut
    window: WindowOut
    hidden: bool = Field(
        False,
        description="True when the figures are withheld: a unit with fewer active members "
        "than MUTUALITY_LEDGER_MIN_GROUP (3 by default). The figures are then null.",
    )
    hidden_reason: str = Field("", description="Why the figures are withheld, when hidden.")
    commitments: CommitmentFiguresOut | None
    answers: AnswerFiguresOut | None
    issues: IssueFiguresOut | None
    months: list[MonthOut] | None
