"""How commitments read on a page: the words and styles of states and moves.

No queries and no decisions here: legality is `machine.py`'s, visibility `selectors.py`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from mutuality.commitments.models import (
    Commitment,
    CommitmentKind,
    CommitmentMove,
    CommitmentState,
)
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
class MoveUI:
    move: str
    label: str
    # "primary", "secondary" or "danger": the button's style.
    style: str
    # Fields shown, in order; a move with no fields is a single button.
    fields: tuple[str, ...]
    note_label: str = "Note (optional)"
    intro: str = ""

    @property
    def has_fields(self) -> bool:
        return bool(self.fields)


MOVE_UI: dict[str, MoveUI] = {
    m.move: m
    for m in [
        MoveUI(M.PROMISE, "Promise", "primary", ()),
        MoveUI(M.ACCEPT_OFFER, "Accept the offer", "primary", ()),
        MoveUI(M.ACCEPT_COUNTER, "Accept the counter-offer", "primary", ()),
        MoveUI(M.ACCEPT_RENEGOTIATION, "Accept the new terms", "primary", ()),
        MoveUI(
            M.DECLARE_SATISFIED,
            "Declare satisfied",
            "primary",
            ("note",),
            note_label="A word of thanks (optional)",
            intro="This closes the commitment as kept.",
        ),
        MoveUI(
            M.DECLARE_COMPLETE,
            "Declare complete",
            "primary",
            ("note",),
            note_label="What you delivered, or where to find it (optional)",
            intro="The requester then declares satisfied, or says what is missing.",
        ),
        MoveUI(
            M.DECLARE_DISSATISFIED,
            "Declare dissatisfied",
            "secondary",
            ("note",),
            note_label="What is missing",
            intro="It goes back to in progress.",
        ),
        MoveUI(
            M.COUNTER,
            "Counter-offer",
            "secondary",
            ("due_date", "terms", "note"),
            intro="Offer a different due date, different conditions, or both.",
        ),
        MoveUI(
            M.COMMIT_TO_COMMIT,
            "Answer later",
            "secondary",
            ("answer_by", "note"),
            intro="Promise an answer by a date, no later than the due date.",
        ),
        MoveUI(
            M.PROPOSE_RENEGOTIATION,
            "Propose new terms",
            "secondary",
            ("due_date", "terms", "note"),
            note_label="Why (optional)",
            intro="The other party accepts or keeps the current terms.",
        ),
        MoveUI(M.REJECT_COUNTER, "Reject the counter-offer", "secondary", ("note",)),
        MoveUI(M.REJECT_RENEGOTIATION, "Keep the current terms", "secondary", ()),
        MoveUI(M.DECLINE, "Decline", "danger", ("reason",)),
        MoveUI(M.DECLINE_OFFER, "Decline the offer", "danger", ("note",)),
        MoveUI(
            M.CANCEL,
            "Cancel the request",
            "danger",
            ("note",),
            intro="This closes the commitment; the other side sees your note.",
        ),
        MoveUI(
            M.REVOKE,
            "Revoke",
            "danger",
            ("note",),
            note_label="Why",
            intro="Withdraw your word. This closes the commitment.",
        ),
    ]
}

SUCCESS: dict[str, str] = {
    M.PROMISE: "You promised.",
    M.DECLINE: "You declined.",
    M.COUNTER: "Counter-offer sent.",
    M.ACCEPT_COUNTER: "You accepted the counter-offer: it is now promised.",
    M.REJECT_COUNTER: "You rejected the counter-offer; your request stands.",
    M.ACCEPT_OFFER: "You accepted the offer: it is now promised.",
    M.DECLINE_OFFER: "You declined the offer.",
    M.COMMIT_TO_COMMIT: "You promised an answer by that date.",
    M.DECLARE_COMPLETE: "Declared complete. It closes when the requester declares satisfied.",
    M.DECLARE_SATISFIED: "Declared satisfied: the commitment is closed and kept.",
    M.DECLARE_DISSATISFIED: "Declared dissatisfied: it is back in progress.",
    M.PROPOSE_RENEGOTIATION: "New terms proposed.",
    M.ACCEPT_RENEGOTIATION: "You accepted the new terms.",
    M.REJECT_RENEGOTIATION: "The current terms stay.",
    M.CANCEL: "Cancelled.",
    M.REVOKE: "Revoked.",
}

# The past tense of each move, for the history.
DID: dict[str, str] = {
    M.REQUEST: "requested",
    M.OFFER: "offered",
    M.SELF_COMMIT: "committed",
    M.PROMISE: "promised",
    M.DECLINE: "declined",
    M.COUNTER: "counter-offered",
    M.ACCEPT_COUNTER: "accepted the counter-offer",
    M.REJECT_COUNTER: "rejected the counter-offer",
    M.ACCEPT_OFFER: "accepted the offer",
    M.DECLINE_OFFER: "declined the offer",
    M.COMMIT_TO_COMMIT: "promised an answer",
    M.DECLARE_COMPLETE: "declared it complete",
    M.DECLARE_SATISFIED: "declared satisfied",
    M.DECLARE_DISSATISFIED: "declared dissatisfied",
    M.PROPOSE_RENEGOTIATION: "proposed new terms",
    M.ACCEPT_RENEGOTIATION: "accepted the new terms",
    M.REJECT_RENEGOTIATION: "kept the current terms",
    M.CANCEL: "cancelled",
    M.REVOKE: "revoked",
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
    head, tail = reverse("commitments:detail", kwargs={"org": viewer.org.slug, "pk": 0}).rsplit(
        "/0/", 1
    )
    rows = []
    for c in items:
        others, own, whose = waits_for(c)
        rows.append(
            Row(
                url=f"{head}/{c.pk}/{tail}",
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
