"""Every change to a commitment. Web views, the API and the CLI all call these.

Each move runs in one transaction: it re-reads the commitment under a row lock, refuses a
stale version (`StaleCommitment`), asks the move table whether the move is legal for this
person in this state (`IllegalMove` / `NotYourMove`), validates its fields
(`ValidationError` naming the field), then changes the commitment, bumps its version and
appends one immutable `CommitmentEvent`. Nothing changes when any check fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from mutuality.commitments.commitments.selectors import units_for_moves
from mutuality.commitments.commitments.workflow import (
    CREATION_MOVES,
    PERFORMER,
    IllegalMove,
    NotYourMove,
    StaleCommitment,
    check_move,
)
from mutuality.commitments.models import (
    TERMINAL_STATES,
    Commitment,
    CommitmentEvent,
    CommitmentKind,
    CommitmentMove,
    CommitmentState,
)
from mutuality.core.audit import audit_record, audit_record_private, snapshot
from mutuality.orgs.models import Organization, Person, Unit

__all__ = [
    "IllegalMove",
    "NotYourMove",
    "StaleCommitment",
    "commitment_accept_counter",
    "commitment_accept_offer",
    "commitment_accept_renegotiation",
    "commitment_cancel",
    "commitment_commit_to_commit",
    "commitment_counter",
    "commitment_decline",
    "commitment_decline_offer",
    "commitment_declare_complete",
    "commitment_declare_dissatisfied",
    "commitment_declare_satisfied",
    "commitment_move",
    "commitment_offer",
    "commitment_promise",
    "commitment_propose_renegotiation",
    "commitment_reject_counter",
    "commitment_reject_renegotiation",
    "commitment_request",
    "commitment_revoke",
    "commitment_self_commit",
]

S = CommitmentState
M = CommitmentMove

TITLE_MAX = 200
TEXT_MAX = 10_000
CREATED_FIELDS = (
    "kind",
    "title",
    "conditions",
    "due_date",
    "requester",
    "performer",
    "performer_unit",
    "state",
    "context_label",
    "context_url",
)


# --- validation -------------------------------------------------------------------------------


def _text(value: str | None, *, field: str, max_length: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: "Text may not contain NUL characters."})
    if len(value) > max_length:
        raise ValidationError({field: f"Keep this to {max_length} characters or fewer."})
    return value


def _required(value: str | None, *, field: str, message: str, max_length: int = TEXT_MAX) -> str:
    value = _text(value, field=field, max_length=max_length)
    if not value:
        raise ValidationError({field: message})
    return value


def _future_date(value: dt.date | None, *, field: str, required: bool = True) -> dt.date | None:
    if value is None:
        if required:
            raise ValidationError({field: "Give a date."})
        return None
    today = timezone.localdate()
    if value < today:
        raise ValidationError({field: "This date is in the past; choose today or later."})
    if value > latest_due_date(today):
        raise ValidationError({field: too_far_message(today)})
    return value


# Dates further ahead than this are typing mistakes, and would not fit a calendar's next day.
MAX_YEARS_AHEAD = 5


def latest_due_date(today: dt.date | None = None) -> dt.date:
    """The latest date a commitment may be due (or answered) by: five years from today."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def too_far_message(today: dt.date | None = None) -> str:
    return (
        f"Choose a date within {MAX_YEARS_AHEAD} years "
        f"(by {latest_due_date(today):%-d %B %Y} at the latest)."
    )


def _context_url(value: str) -> str:
    value = _text(value, field="context_url", max_length=500)
    if not value:
        return ""
    # A link inside this site ("/o/acme/agreements/3/") or an http(s) address elsewhere.
    # Browsers read a backslash as a slash, so "/\evil.example" would leave the site.
    if "\\" in value:
        raise ValidationError({"context_url": "A link may not contain backslashes (\\)."})
    # Browsers drop tabs and line breaks inside a link, so "/\t/evil.example" would become
    # "//evil.example", another site; spaces are never part of a link either.
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationError({"context_url": "A link may not contain spaces or tabs."})
    if value.startswith("/") and not value.startswith("//"):
        return value
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError(
            {"context_url": "Give a link starting with https:// or with / for a page here."}
        ) from None
    return value


def _colleague(person: Person | None, *, org: Organization, field: str) -> Person:
    if person is None or person.org_id != org.pk or not person.is_active:
        raise ValidationError({field: "That person is not an active member of this organization."})
    return person


# --- creating a commitment ----------------------------------------------------------------------


def _create(
    *,
    org: Organization,
    actor: Person,
    move: str,
    kind: str,
    state: str,
    requester: Person,
    performer: Person | None,
    performer_unit: Unit | None,
    title: str,
    conditions: str,
    due_date: dt.date | None,
    context_label: str,
    context_url: str,
) -> Commitment:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    checks: list[tuple[str, Any]] = [
        (
            "title",
            lambda: _required(
                title, field="title", message="Say what is asked.", max_length=TITLE_MAX
            ),
        ),
        (
            "conditions",
            lambda: _required(
                conditions,
                field="conditions",
                message="Say what will count as done: the conditions of satisfaction.",
            ),
        ),
        ("due_date", lambda: _future_date(due_date, field="due_date")),
        ("context_label", lambda: _text(context_label, field="context_label", max_length=200)),
        ("context_url", lambda: _context_url(context_url)),
    ]
    for name, check in checks:
        try:
            values[name] = check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    commitment = Commitment.objects.create(
        org=org,
        kind=kind,
        title=values["title"],
        conditions=values["conditions"],
        due_date=values["due_date"],
        original_due_date=values["due_date"],
        requester=requester,
        performer=performer,
        performer_unit=performer_unit,
        state=state,
        context_label=values["context_label"] or values["context_url"][:200],
        context_url=values["context_url"],
        created_at=now,
        promised_at=now if state == S.PROMISED else None,
    )
    CommitmentEvent.objects.create(
        commitment=commitment,
        org=org,
        actor=actor,
        move=move,
        at=now,
        from_state="",
        to_state=state,
        due_date=commitment.due_date,
        terms=commitment.conditions,
    )
    _audit(commitment, actor, move, before=None, after=snapshot(commitment, CREATED_FIELDS))
    return commitment


def _audit(
    commitment: Commitment,
    actor: Person,
    move: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Record the move in the audit log, revealing no more than the commitment's visibility.

    A commitment between two people is theirs alone, while admins read the whole audit
    log: its events name neither the actor nor the parties, and carry no title or terms,
    only "Commitment #N", its state and its due date.
    """
    if commitment.performer_unit_id is None:
        audit_record_private(
            org=commitment.org,
            action=f"commitment.{move}",
            obj=commitment,
            label=f"Commitment #{commitment.pk}",
            before=before,
            after=after,
            keep=("state", "due_date"),
        )
        return
    audit_record(
        org=commitment.org,
        actor=actor.user,
        action=f"commitment.{move}",
        obj=commitment,
        before=before,
        after=after,
        label=commitment.title[:200],
    )


@transaction.atomic
def commitment_request(
    *,
    org: Organization,
    requester: Person,
    performer: Person | None = None,
    performer_unit: Unit | None = None,
    title: str,
    conditions: str,
    due_date: dt.date | None,
    context_label: str = "",
    context_url: str = "",
) -> Commitment:
    """Ask a colleague, or a unit, for something.

    Exactly one of `performer` and `performer_unit`; a colleague must be an active person
    of the organization other than the requester, a unit an active unit of it.
    """
    _colleague(requester, org=org, field="requester")
    if (performer is None) == (performer_unit is None):
        raise ValidationError({"performer": "Ask one person or one unit."})
    if performer is not None:
        _colleague(performer, org=org, field="performer")
        if performer.pk == requester.pk:
            raise ValidationError(
                {"performer": "You can't ask yourself; make a self-commitment instead."}
            )
    if performer_unit is not None and (
        performer_unit.org_id != org.pk or not performer_unit.is_active
    ):
        raise ValidationError({"performer_unit": "No such unit in this organization."})
    return _create(
        org=org,
        actor=requester,
        move=M.REQUEST,
        kind=CommitmentKind.REQUEST,
        state=S.REQUESTED,
        requester=requester,
        performer=performer,
        performer_unit=performer_unit,
        title=title,
        conditions=conditions,
        due_date=due_date,
        context_label=context_label,
        context_url=context_url,
    )


@transaction.atomic
def commitment_offer(
    *,
    org: Organization,
    performer: Person,
    requester: Person | None,
    title: str,
    conditions: str,
    due_date: dt.date | None,
    context_label: str = "",
    context_url: str = "",
) -> Commitment:
    """Offer to do something for a colleague, who becomes the requester if they accept."""
    _colleague(performer, org=org, field="performer")
    requester = _colleague(requester, org=org, field="requester")
    if requester.pk == performer.pk:
        raise ValidationError({"requester": "Offer to someone other than yourself."})
    return _create(
        org=org,
        actor=performer,
        move=M.OFFER,
        kind=CommitmentKind.OFFER,
        state=S.OFFERED,
        requester=requester,
        performer=performer,
        performer_unit=None,
        title=title,
        conditions=conditions,
        due_date=due_date,
        context_label=context_label,
        context_url=context_url,
    )


@transaction.atomic
def commitment_self_commit(
    *,
    org: Organization,
    performer: Person,
    beneficiary: Person | None,
    title: str,
    conditions: str,
    due_date: dt.date | None,
    context_label: str = "",
    context_url: str = "",
) -> Commitment:
    """Promise something to a named beneficiary (e.g. a manager's response to feedback).

    It starts promised; the beneficiary is the one who declares it satisfied.
    """
    _colleague(performer, org=org, field="performer")
    beneficiary = _colleague(beneficiary, org=org, field="beneficiary")
    if beneficiary.pk == performer.pk:
        raise ValidationError(
            {"beneficiary": "Name who the commitment is for: someone other than yourself."}
        )
    return _create(
        org=org,
        actor=performer,
        move=M.SELF_COMMIT,
        kind=CommitmentKind.SELF,
        state=S.PROMISED,
        requester=beneficiary,
        performer=performer,
        performer_unit=None,
        title=title,
        conditions=conditions,
        due_date=due_date,
        context_label=context_label,
        context_url=context_url,
    )


# --- moving a commitment ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Said:
    """What a move records in its event besides who, when and the states."""

    note: str = ""
    terms: str = ""
    answer_by: dt.date | None = None


Apply = Callable[[Commitment, dt.datetime], _Said]


def _no_change(commitment: Commitment, now: dt.datetime) -> _Said:
    return _Said()


def _move(
    *,
    commitment: Commitment,
    actor: Person,
    move: str,
    expected_version: int,
    apply: Apply = _no_change,
) -> Commitment:
    """The frame of every move: lock, check, validate and change (`apply`), record."""
    with transaction.atomic():
        locked = (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("requester", "performer", "performer_unit", "org")
            .get(pk=commitment.pk)
        )
        unit_ids, lead_ids = units_for_moves(commitment=locked, viewer=actor)
        transition = check_move(
            locked,
            actor,
            move,
            actor_unit_ids=unit_ids,
            actor_lead_unit_ids=lead_ids,
            expected_version=expected_version,
        )
        from_state, previous_due_date = locked.state, locked.due_date
        now = timezone.now()
        said = apply(locked, now)
        if locked.performer_id is None and PERFORMER in transition.roles:
            # The first of the unit's people to answer a unit request answers for it.
            locked.performer = actor
        locked.state = transition.to_state
        if locked.state in TERMINAL_STATES:
            locked.closed_at = now
            _clear_pending(locked)
        locked.version += 1
        locked.save()
        CommitmentEvent.objects.create(
            commitment=locked,
            org_id=locked.org_id,
            actor=actor,
            move=move,
            at=now,
            from_state=from_state,
            to_state=locked.state,
            note=said.note,
            due_date=locked.due_date,
            previous_due_date=previous_due_date,
            terms=said.terms,
            answer_by=said.answer_by,
        )
        _audit(
            locked,
            actor,
            move,
            before={"state": from_state, "due_date": previous_due_date.isoformat()},
            after={"state": locked.state, "due_date": locked.due_date.isoformat()},
        )
    return locked


def _clear_pending(commitment: Commitment) -> None:
    commitment.answer_by = None
    commitment.counter_due_date = None
    commitment.counter_terms = ""
    commitment.proposed_by = None
    commitment.proposed_due_date = None
    commitment.proposed_terms = ""


def _new_terms(
    commitment: Commitment, *, due_date: dt.date | None, terms: str | None, note: str | None
) -> tuple[dt.date | None, str, str]:
    """Validate proposed new terms: a new due date, new conditions, or both."""
    terms = _text(terms, field="terms")
    note = _text(note, field="note")
    due_date = _future_date(due_date, field="due_date", required=False)
    if due_date == commitment.due_date:
        due_date = None
    if terms == commitment.conditions:
        terms = ""
    if due_date is None and not terms:
        raise ValidationError(
            {"due_date": "Propose a different due date, different conditions, or both."}
        )
    return due_date, terms, note


def _optional_note(note: str | None) -> Apply:
    def apply(commitment: Commitment, now: dt.datetime) -> _Said:
        return _Said(note=_text(note, field="note"))

    return apply


def commitment_promise(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str = ""
) -> Commitment:
    """The performer promises to do what is asked, on the terms asked, by the due date."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        said = _Said(note=_text(note, field="note"))
        c.promised_at = now
        c.answer_by = None
        return said

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.PROMISE,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_decline(
    *, commitment: Commitment, actor: Person, expected_version: int, reason: str
) -> Commitment:
    """The performer declines the request, saying why (the reason is required)."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        return _Said(
            note=_required(
                reason, field="reason", message="Say why you decline, so they can look elsewhere."
            )
        )

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.DECLINE,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_counter(
    *,
    commitment: Commitment,
    actor: Person,
    expected_version: int,
    due_date: dt.date | None = None,
    terms: str = "",
    note: str = "",
) -> Commitment:
    """The performer offers different terms (a due date, conditions, or both) instead.

    The requester then accepts (it becomes a promise on those terms) or rejects it (the
    request stands as it was).
    """

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        new_due, new_terms, clean_note = _new_terms(c, due_date=due_date, terms=terms, note=note)
        c.counter_due_date = new_due
        c.counter_terms = new_terms
        c.answer_by = None
        return _Said(note=clean_note, terms=new_terms)

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.COUNTER,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_accept_counter(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str = ""
) -> Commitment:
    """The requester accepts the counter-offer: it is now promised on the new terms."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        said = _Said(note=_text(note, field="note"), terms=c.counter_terms)
        if c.counter_due_date is not None:
            c.due_date = c.counter_due_date
        if c.counter_terms:
            c.conditions = c.counter_terms
        c.counter_due_date = None
        c.counter_terms = ""
        c.promised_at = now
        return said

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.ACCEPT_COUNTER,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_reject_counter(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str = ""
) -> Commitment:
    """The requester rejects the counter-offer: the original request stands, unanswered."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        said = _Said(note=_text(note, field="note"))
        c.counter_due_date = None
        c.counter_terms = ""
        if c.performer_unit_id is not None:
            # The request goes back to the whole unit, where anyone may take it up.
            c.performer = None
        return said

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.REJECT_COUNTER,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_accept_offer(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str = ""
) -> Commitment:
    """The one offered to accepts the offer: the offerer has now promised it."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        said = _Said(note=_text(note, field="note"))
        c.promised_at = now
        return said

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.ACCEPT_OFFER,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_decline_offer(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str = ""
) -> Commitment:
    """The one offered to declines the offer (closed)."""
    return _move(
        commitment=commitment,
        actor=actor,
        move=M.DECLINE_OFFER,
        expected_version=expected_version,
        apply=_optional_note(note),
    )


def commitment_commit_to_commit(
    *,
    commitment: Commitment,
    actor: Person,
    expected_version: int,
    answer_by: dt.date | None,
    note: str = "",
) -> Commitment:
    """The performer promises an answer by a date (today or later, not after the due date)."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        clean_note = _text(note, field="note")
        when = _future_date(answer_by, field="answer_by")
        assert when is not None
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
        return _Said(note=clean_note, answer_by=when)

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.COMMIT_TO_COMMIT,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_declare_complete(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str = ""
) -> Commitment:
    """The performer reports it done; it stays open until the requester is satisfied."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        said = _Said(note=_text(note, field="note"))
        c.completed_at = now
        # A pending renegotiation is moot once the work is delivered.
        _clear_pending(c)
        return said

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.DECLARE_COMPLETE,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_declare_satisfied(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str = ""
) -> Commitment:
    """The requester accepts the delivered work: the commitment is closed and kept."""
    return _move(
        commitment=commitment,
        actor=actor,
        move=M.DECLARE_SATISFIED,
        expected_version=expected_version,
        apply=_optional_note(note),
    )


def commitment_declare_dissatisfied(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str
) -> Commitment:
    """The requester says what is missing (required); it goes back to in progress."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        said = _Said(note=_required(note, field="note", message="Say what is missing."))
        c.completed_at = None
        return said

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.DECLARE_DISSATISFIED,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_propose_renegotiation(
    *,
    commitment: Commitment,
    actor: Person,
    expected_version: int,
    due_date: dt.date | None = None,
    terms: str = "",
    note: str = "",
) -> Commitment:
    """Either party proposes new terms for a promise; only the other party answers."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        new_due, new_terms, clean_note = _new_terms(c, due_date=due_date, terms=terms, note=note)
        c.proposed_by = actor
        c.proposed_due_date = new_due
        c.proposed_terms = new_terms
        return _Said(note=clean_note, terms=new_terms)

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.PROPOSE_RENEGOTIATION,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_accept_renegotiation(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str = ""
) -> Commitment:
    """The other party accepts the proposed terms: they are now the promise's terms."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        said = _Said(note=_text(note, field="note"), terms=c.proposed_terms)
        if c.proposed_due_date is not None:
            c.due_date = c.proposed_due_date
        if c.proposed_terms:
            c.conditions = c.proposed_terms
        _clear_pending(c)
        return said

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.ACCEPT_RENEGOTIATION,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_reject_renegotiation(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str = ""
) -> Commitment:
    """The other party keeps the current terms; the proposal is dropped."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        said = _Said(note=_text(note, field="note"))
        _clear_pending(c)
        return said

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.REJECT_RENEGOTIATION,
        expected_version=expected_version,
        apply=apply,
    )


def commitment_cancel(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str = ""
) -> Commitment:
    """The requester withdraws the request (closed)."""
    return _move(
        commitment=commitment,
        actor=actor,
        move=M.CANCEL,
        expected_version=expected_version,
        apply=_optional_note(note),
    )


def commitment_revoke(
    *, commitment: Commitment, actor: Person, expected_version: int, note: str
) -> Commitment:
    """The performer withdraws a promise or an offer, saying why (required; closed)."""

    def apply(c: Commitment, now: dt.datetime) -> _Said:
        return _Said(
            note=_required(note, field="note", message="Say why, so they can plan around it.")
        )

    return _move(
        commitment=commitment,
        actor=actor,
        move=M.REVOKE,
        expected_version=expected_version,
        apply=apply,
    )


# --- one entry point for views and the API ------------------------------------------------------

_MOVES: dict[str, Callable[..., Commitment]] = {
    M.PROMISE: commitment_promise,
    M.DECLINE: commitment_decline,
    M.COUNTER: commitment_counter,
    M.ACCEPT_COUNTER: commitment_accept_counter,
    M.REJECT_COUNTER: commitment_reject_counter,
    M.ACCEPT_OFFER: commitment_accept_offer,
    M.DECLINE_OFFER: commitment_decline_offer,
    M.COMMIT_TO_COMMIT: commitment_commit_to_commit,
    M.DECLARE_COMPLETE: commitment_declare_complete,
    M.DECLARE_SATISFIED: commitment_declare_satisfied,
    M.DECLARE_DISSATISFIED: commitment_declare_dissatisfied,
    M.PROPOSE_RENEGOTIATION: commitment_propose_renegotiation,
    M.ACCEPT_RENEGOTIATION: commitment_accept_renegotiation,
    M.REJECT_RENEGOTIATION: commitment_reject_renegotiation,
    M.CANCEL: commitment_cancel,
    M.REVOKE: commitment_revoke,
}

# The fields each move takes besides the commitment, the actor and the version.
MOVE_FIELDS: dict[str, tuple[str, ...]] = {
    M.PROMISE: ("note",),
    M.DECLINE: ("reason",),
    M.COUNTER: ("due_date", "terms", "note"),
    M.ACCEPT_COUNTER: ("note",),
    M.REJECT_COUNTER: ("note",),
    M.ACCEPT_OFFER: ("note",),
    M.DECLINE_OFFER: ("note",),
    M.COMMIT_TO_COMMIT: ("answer_by", "note"),
    M.DECLARE_COMPLETE: ("note",),
    M.DECLARE_SATISFIED: ("note",),
    M.DECLARE_DISSATISFIED: ("note",),
    M.PROPOSE_RENEGOTIATION: ("due_date", "terms", "note"),
    M.ACCEPT_RENEGOTIATION: ("note",),
    M.REJECT_RENEGOTIATION: ("note",),
    M.CANCEL: ("note",),
    M.REVOKE: ("note",),
}
# Moves whose text field must not be empty (and which field that is).
REQUIRED_TEXT: dict[str, str] = {
    M.DECLINE: "reason",
    M.DECLARE_DISSATISFIED: "note",
    M.REVOKE: "note",
}


def commitment_move(
    *, commitment: Commitment, actor: Person, move: str, expected_version: int, **data: Any
) -> Commitment:
    """Make `move` on `commitment`; `data` holds the move's fields (see MOVE_FIELDS).

    Fields a move does not take are ignored, so one form or JSON body serves every move.
    """
    if move in CREATION_MOVES or move not in _MOVES:
        raise IllegalMove(f"“{move}” is not a move on an existing commitment.", code="unknown")
    kwargs = {name: data[name] for name in MOVE_FIELDS[move] if name in data}
    required = REQUIRED_TEXT.get(move)
    if required is not None:
        kwargs.setdefault(required, "")
    if move == M.COMMIT_TO_COMMIT:
        kwargs.setdefault("answer_by", None)
    return _MOVES[move](
        commitment=commitment, actor=actor, expected_version=expected_version, **kwargs
    )
