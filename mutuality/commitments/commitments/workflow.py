"""The move table: which move is legal in which state, by whom, and where it leads.

This is the single source of legality. Services refuse anything not in `TABLE`; pages
offer only the moves `legal_moves` returns for the viewer.

A party's role is *requester* (the customer; for a self-commitment, the beneficiary) or
*performer*. While a request made of a unit has no performer yet, every active member or
lead of that unit (except the requester) holds the performer's role; the first of them to
answer becomes the performer. Only the unit's leads may decline such a request, since a
decline closes it for the whole unit; members may promise, counter or commit to commit.
Renegotiation is a proposal by either party that only the
*other* party answers, so its answers use the role `RECIPIENT`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from mutuality.commitments.models import (
    TERMINAL_STATES,
    Commitment,
    CommitmentMove,
    CommitmentState,
)
from mutuality.orgs.models import Person

REQUESTER = "requester"
PERFORMER = "performer"
# The party who did not propose the pending renegotiation.
RECIPIENT = "recipient"
# A lead of the unit an unclaimed unit request was made of (held alongside PERFORMER).
UNIT_LEAD = "unit_lead"

S = CommitmentState
M = CommitmentMove


@dataclass(frozen=True)
class Transition:
    roles: frozenset[str]
    to_state: str


def _t(roles: Iterable[str], to_state: str) -> Transition:
    return Transition(frozenset(roles), to_state)


# state → move → (who may make it, the state it leads to). Creation moves (request, offer,
# self_commit) are not here: they make a new commitment rather than move one.
TABLE: dict[str, dict[str, Transition]] = {
    S.REQUESTED: {
        M.PROMISE: _t([PERFORMER], S.PROMISED),
        M.DECLINE: _t([PERFORMER], S.DECLINED),
        M.COUNTER: _t([PERFORMER], S.COUNTERED),
        M.COMMIT_TO_COMMIT: _t([PERFORMER], S.DEFERRED),
        M.CANCEL: _t([REQUESTER], S.CANCELLED),
    },
    S.DEFERRED: {
        M.PROMISE: _t([PERFORMER], S.PROMISED),
        M.DECLINE: _t([PERFORMER], S.DECLINED),
        M.COUNTER: _t([PERFORMER], S.COUNTERED),
        M.CANCEL: _t([REQUESTER], S.CANCELLED),
    },
    S.COUNTERED: {
        M.ACCEPT_COUNTER: _t([REQUESTER], S.PROMISED),
        M.REJECT_COUNTER: _t([REQUESTER], S.REQUESTED),
        M.CANCEL: _t([REQUESTER], S.CANCELLED),
    },
    S.OFFERED: {
        M.ACCEPT_OFFER: _t([REQUESTER], S.PROMISED),
        M.DECLINE_OFFER: _t([REQUESTER], S.DECLINED),
        M.REVOKE: _t([PERFORMER], S.REVOKED),
    },
    S.PROMISED: {
        M.DECLARE_COMPLETE: _t([PERFORMER], S.COMPLETED),
        M.PROPOSE_RENEGOTIATION: _t([REQUESTER, PERFORMER], S.PROMISED),
        M.ACCEPT_RENEGOTIATION: _t([RECIPIENT], S.PROMISED),
        M.REJECT_RENEGOTIATION: _t([RECIPIENT], S.PROMISED),
        M.CANCEL: _t([REQUESTER], S.CANCELLED),
        M.REVOKE: _t([PERFORMER], S.REVOKED),
    },
    S.COMPLETED: {
        M.DECLARE_SATISFIED: _t([REQUESTER], S.SATISFIED),
        M.DECLARE_DISSATISFIED: _t([REQUESTER], S.PROMISED),
    },
    S.SATISFIED: {},
    S.DECLINED: {},
    S.CANCELLED: {},
    S.REVOKED: {},
}

CREATION_MOVES: frozenset[str] = frozenset({M.REQUEST, M.OFFER, M.SELF_COMMIT})
# Every move that changes an existing commitment, in the order pages show them.
ANSWER_MOVES: tuple[str, ...] = tuple(m for m in M.values if m not in CREATION_MOVES)


class IllegalMove(ValidationError):
    """A move the table does not allow in this state (HTTP 409)."""

    status_code = 409

    def __init__(self, message: str, *, code: str = "illegal_move") -> None:
        super().__init__(message, code=code)
        self.detail = message


class NotYourMove(IllegalMove):
    """A legal move in this state, but not for this person (HTTP 403)."""

    status_code = 403

    def __init__(self, message: str) -> None:
        super().__init__(message, code="not_your_move")


class StaleCommitment(IllegalMove):
    """The move was based on an older version of the commitment (HTTP 409)."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this commitment while you were looking at it; "
            "here is its current state.",
            code="stale",
        )


# States in which a unit request is still unanswered, so declining it speaks for the unit.
UNANSWERED_STATES = frozenset({S.REQUESTED, S.DEFERRED})


def unanswered_unit_request(commitment: Commitment) -> bool:
    """A request made of a unit that nobody has promised, declined or countered yet.

    Declining it closes it for the whole unit: that is its leads' call, also after a
    member said when they would answer.
    """
    return commitment.performer_unit_id is not None and commitment.state in UNANSWERED_STATES


def roles_of(
    commitment: Commitment,
    actor: Person,
    *,
    actor_unit_ids: Iterable[int],
    actor_lead_unit_ids: Iterable[int] = (),
) -> set[str]:
    """The roles `actor` holds in `commitment`.

    `actor_unit_ids` are the units the actor belongs to or leads (see
    `selectors.unit_ids_of`), `actor_lead_unit_ids` those they lead
    (`selectors.lead_unit_ids_of`); both matter only for an unanswered unit request.
    """
    roles: set[str] = set()
    if actor.org_id != commitment.org_id or not actor.is_active:
        return roles
    if actor.pk == commitment.requester_id:
        roles.add(REQUESTER)
    # The performer; or, for a unit request nobody has taken up, anyone in the unit.
    if actor.pk == commitment.performer_id or (
        commitment.performer_id is None
        and commitment.performer_unit_id is not None
        and commitment.performer_unit_id in set(actor_unit_ids)
        and actor.pk != commitment.requester_id
    ):
        roles.add(PERFORMER)
    if (
        unanswered_unit_request(commitment)
        and commitment.performer_unit_id in set(actor_lead_unit_ids)
        and actor.pk != commitment.requester_id
    ):
        roles.add(UNIT_LEAD)
    if (
        commitment.proposed_by_id is not None
        and commitment.proposed_by_id != actor.pk
        and roles & {REQUESTER, PERFORMER}
    ):
        roles.add(RECIPIENT)
    return roles


def _move_label(move: str) -> str:
    return M(move).label.lower()


def _state_phrase(commitment: Commitment) -> str:
    return S(commitment.state).label.lower()


def _who(role: str, commitment: Commitment) -> str:
    if role == REQUESTER:
        word = "beneficiary" if commitment.kind == "self" else "requester"
        return f"the {word} ({commitment.requester.name})"
    if role == PERFORMER:
        if commitment.performer_id is not None:
            return f"the performer ({commitment.performer.name})"  # type: ignore[union-attr]
        assert commitment.performer_unit is not None
        return f"a member or lead of {commitment.performer_unit.name}"
    return "the other party"


# Moves that make a promise, and the due date the promise would have. A promise whose
# date has already passed would be overdue the moment it was made: the parties agree a
# new date instead (a counter-offer, or new terms).
PROMISING_MOVES: dict[str, tuple[str, str]] = {
    M.PROMISE: (
        "due_date",
        "The due date ({date}) has passed: counter-offer a new date instead.",
    ),
    M.ACCEPT_OFFER: (
        "due_date",
        "The offer's due date ({date}) has passed: decline it, and ask for it again "
        "with a new date.",
    ),
    M.ACCEPT_COUNTER: (
        "counter_due_date",
        "The counter-offer's due date ({date}) has passed: reject it, and the performer "
        "can counter-offer again with a new date.",
    ),
    M.ACCEPT_RENEGOTIATION: (
        "proposed_due_date",
        "The proposed due date ({date}) has passed: keep the current terms, then "
        "propose new ones with a later date.",
    ),
}


def _check_date(commitment: Commitment, move: str, today: dt.date) -> None:
    if move not in PROMISING_MOVES:
        return
    field, message = PROMISING_MOVES[move]
    due: dt.date | None = getattr(commitment, field)
    if due is None and move == M.ACCEPT_COUNTER:
        due = commitment.due_date  # a counter-offer of new conditions only
    if due is not None and due < today:
        raise IllegalMove(message.format(date=f"{due:%-d %B %Y}"), code="date_passed")


def check_move(
    commitment: Commitment,
    actor: Person,
    move: str,
    *,
    actor_unit_ids: Iterable[int],
    expected_version: int | None,
    actor_lead_unit_ids: Iterable[int] = (),
    today: dt.date | None = None,
) -> Transition:
    """The transition `move` makes, or the reason it is refused (an IllegalMove)."""
    if expected_version is not None and expected_version != commitment.version:
        raise StaleCommitment()
    if move not in M.values or move in CREATION_MOVES:
        raise IllegalMove(f"“{move}” is not a move on an existing commitment.", code="unknown")
    if commitment.state in TERMINAL_STATES:
        raise IllegalMove(f"This commitment is already closed ({_state_phrase(commitment)}).")
    transition = TABLE[commitment.state].get(move)
    if transition is None:
        raise IllegalMove(
            f"You can't {_move_label(move)} now: the commitment is {_state_phrase(commitment)}."
        )
    pending = commitment.proposed_by_id is not None
    if move == M.PROPOSE_RENEGOTIATION and pending:
        raise IllegalMove(
            "New terms are already proposed and wait for an answer; answer them first."
        )
    if move in (M.ACCEPT_RENEGOTIATION, M.REJECT_RENEGOTIATION) and not pending:
        raise IllegalMove("No new terms are proposed, so there is nothing to answer.")
    _check_date(commitment, move, today or timezone.localdate())
    roles = roles_of(
        commitment,
        actor,
        actor_unit_ids=actor_unit_ids,
        actor_lead_unit_ids=actor_lead_unit_ids,
    )
    if move == M.DECLINE and unanswered_unit_request(commitment):
        # A decline closes the request for everyone in the unit: that is the leads' call.
        if UNIT_LEAD in roles:
            return transition
        assert commitment.performer_unit is not None
        if PERFORMER in roles:
            raise NotYourMove(
                f"Only a lead of {commitment.performer_unit.name} can decline a request made "
                "of the unit; you can promise, counter-offer or say when you will answer."
            )
    if not roles & transition.roles:
        if transition.roles == {RECIPIENT} and commitment.proposed_by_id == actor.pk:
            raise NotYourMove("You proposed these terms; the other party answers them.")
        allowed = " or ".join(_who(r, commitment) for r in sorted(transition.roles))
        raise NotYourMove(f"Only {allowed} can {_move_label(move)}.")
    return transition


def legal_moves(
    commitment: Commitment,
    actor: Person,
    *,
    actor_unit_ids: Iterable[int],
    actor_lead_unit_ids: Iterable[int] = (),
) -> list[str]:
    """The moves `actor` may make now, in display order."""
    unit_ids = set(actor_unit_ids)
    lead_ids = set(actor_lead_unit_ids)
    today = timezone.localdate()
    moves = []
    for move in ANSWER_MOVES:
        try:
            check_move(
                commitment,
                actor,
                move,
                actor_unit_ids=unit_ids,
                actor_lead_unit_ids=lead_ids,
                expected_version=None,
                today=today,
            )
        except IllegalMove:
            continue
        moves.append(move)
    return moves
