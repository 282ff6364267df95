"""How commitments read on a page: the words and styles of states and moves.

No queries and no decisions here: legality is `workflow.py`'s (which also holds each
move's words), visibility `selectors.py`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from mutuality.commitments.models import (
    Commitment,
    CommitmentKind,
    CommitmentMove,
    CommitmentState,
)
from mutuality.core.links import pk_urls
from mutuality.orgs.models import Person

S = CommitmentState
M = CommitmentMove

STATE_CHIP: dict[str, str] = {
    S.REQUESTED: "warn",
    S.OFFERED: "warn",
    S.COUNTERED: "warn",
    S.DEFERRED: "warn",
    S.PROMISED: "",
    S.COMPLETED: "warn",
    S.SATISFIED: "ok",
    S.DECLINED: "",
    S.CANCELLED: "",
    S.REVOKED: "bad",
}


@dataclass(frozen=True)
class About:
    """A commitment as the viewer should read it."""

    chip: str
    overdue: bool
    days_late: int
    # Never promised, and its due date passed while it waited for an answer.
    date_passed: bool
    waits_for: str
    waits_for_viewer: bool
    viewer_role: str
    requester_word: str


def waits_for(c: Commitment) -> tuple[str, str, int | None]:
    """Whose move it is now: (as others read it, as that person reads it, their id).

    The id is None when a unit or nobody is waited for.
    """
    if not c.is_open:
        return "", "", None
    performer = c.performer.name if c.performer is not None else ""
    if c.state in (S.REQUESTED, S.DEFERRED):
        if c.performer_id is None:
            assert c.performer_unit is not None
            return f"someone in {c.performer_unit.name} to take it up", "", None
        if c.state == S.DEFERRED and c.answer_by is not None:
            late = ", now late" if c.answer_by < timezone.localdate() else ""
            by = f" (promised by {c.answer_by:%-d %b}{late})"
            return f"{performer}’s answer{by}", f"your answer{by}", c.performer_id
        return f"{performer}’s answer", "your answer", c.performer_id
    if c.state in (S.COUNTERED, S.OFFERED):
        return f"{c.requester.name}’s answer", "your answer", c.requester_id
    if c.state == S.COMPLETED:
        return (
            f"{c.requester.name} to declare satisfied",
            "you to declare satisfied or say what is missing",
            c.requester_id,
        )
    if c.proposed_by_id is not None:
        answer = "your answer to the new terms"
        if c.proposed_by_id == c.requester_id:
            return f"{performer}’s answer to the new terms", answer, c.performer_id
        return f"{c.requester.name}’s answer to the new terms", answer, c.requester_id
    return f"{performer} to deliver", "you to deliver", c.performer_id


def describe(c: Commitment, *, viewer: Person, today: dt.date | None = None) -> About:
    today = today or timezone.localdate()
    overdue = c.is_overdue(today)
    phrase, own_phrase, whose = waits_for(c)
    mine = whose is not None and whose == viewer.pk
    roles = []
    if viewer.pk == c.requester_id:
        roles.append("beneficiary" if c.kind == "self" else "requester")
    if viewer.pk == c.performer_id:
        roles.append("performer")
    return About(
        chip=STATE_CHIP[c.state],
        overdue=overdue,
        days_late=(today - c.due_date).days if overdue else 0,
        date_passed=c.date_passed_unanswered(today),
        waits_for=own_phrase if mine else phrase,
        waits_for_viewer=mine,
        viewer_role=" and ".join(roles),
        requester_word="For" if c.kind == "self" else "Requested by",
    )


@dataclass(frozen=True)
class Row:
    """One line of a commitments table, computed once (tables may have 150 of them)."""

    url: str
    title: str
    is_self: bool
    requester: str
    requester_is_you: bool
    performer: str
    performer_is_you: bool
    unit: str
    due: dt.date
    overdue: bool
    # Never promised, and its date has passed without an answer.
    date_passed: bool
    state: str
    state_label: str
    chip: str
    waits_for: str


def table_rows(
    items: Iterable[Commitment], *, viewer: Person, today: dt.date | None = None
) -> list[Row]:
    """The rows of a commitments table as `viewer` reads them."""
    today = today or timezone.localdate()
    # reverse() once: per row it would cost more than the rest of the row.
    url = pk_urls("commitments:detail", org=viewer.org.slug)
    rows = []
    for c in items:
        others, own, whose = waits_for(c)
        rows.append(
            Row(
                url=url(c.pk),
                title=c.title,
                is_self=c.kind == CommitmentKind.SELF,
                requester=c.requester.name,
                requester_is_you=c.requester_id == viewer.pk,
                performer=c.performer.name if c.performer is not None else "",
                performer_is_you=c.performer_id == viewer.pk,
                unit=c.performer_unit.name if c.performer_unit is not None else "",
                due=c.due_date,
                overdue=c.is_overdue(today),
                date_passed=c.date_passed_unanswered(today),
                state=c.state,
                state_label=S(c.state).label,
                chip=STATE_CHIP[c.state],
                waits_for=own if whose is not None and whose == viewer.pk else others,
            )
        )
    return rows
