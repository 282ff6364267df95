"""Every change to an issue. Web views, the API and `mutuality remind` all call these.

The rules, in one table (`TABLE`): anyone in the organization raises an issue to a person
or a unit; the person it was raised to, or a member or lead of the unit, takes ownership
(or declines it with a reason); the owner proposes a resolution; only the raiser closes it,
by declaring satisfied (or sends it back by saying what is missing). A declined issue may
be escalated once by its raiser to a facilitator, who may then take ownership; declined
again after that, it is closed as "declined after escalation". The raiser may withdraw an
open issue at any time. A proposal the raiser leaves unanswered for
`UNCONFIRMED_AFTER_DAYS` days closes the issue as "closed without confirmation".

Each move runs in one transaction: it re-reads the issue under a row lock, refuses a stale
version (`StaleIssue`), asks the table whether the move is legal for this person in this
state (`IllegalMove` / `NotYourMove`), validates its fields (`ValidationError` naming the
field), then changes the issue, bumps its version, appends one `IssueEvent` and an audit
event. Nothing changes when any check fails. Emails go out after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mutuality.commitments.commitments.selectors import unit_ids_of
from mutuality.commitments.commitments.services import _required, _text
from mutuality.commitments.commitments.workflow import IllegalMove, NotYourMove, Transition, _t
from mutuality.commitments.issues.notices import notice_recipient_ids, send_issue_notice
from mutuality.commitments.models import (
    CLOSED_ISSUE_STATES,
    UNCONFIRMED_AFTER_DAYS,
    Issue,
    IssueEvent,
    IssueMove,
    IssueState,
)
from mutuality.core.audit import audit_record, audit_record_private
from mutuality.orgs.models import Organization, Person, Role, Unit

__all__ = [
    "ISSUE_MOVE_FIELDS",
    "IllegalMove",
    "NotYourMove",
    "StaleIssue",
    "issue_close_unconfirmed",
    "issue_decline",
    "issue_declare_dissatisfied",
    "issue_declare_satisfied",
    "issue_escalate",
    "issue_legal_moves",
    "issue_move",
    "issue_propose_resolution",
    "issue_raise",
    "issue_take_ownership",
    "issue_withdraw",
]

S = IssueState
M = IssueMove

TITLE_MAX = 200

RAISER = "raiser"
OWNER = "owner"
# Whoever may take an issue nobody owns yet: the person it was raised to, or a member or
# lead of the unit it was raised to (never the raiser).
CANDIDATE = "candidate"
# The facilitator an escalated issue went to.
FACILITATOR = "facilitator"
# The 14-day rule, run by `mutuality remind`.
SYSTEM = "system"


class StaleIssue(IllegalMove):
    """The move was based on an older version of the issue (HTTP 409)."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this issue while you were looking at it; "
            "here is its current state.",
            code="stale",
        )


# state → move → (who may make it, the state it leads to). Raising creates an issue, so it
# is not here; closed states allow nothing.
TABLE: dict[str, dict[str, Transition]] = {
    S.OPEN: {
        M.TAKE_OWNERSHIP: _t([CANDIDATE], S.OWNED),
        M.DECLINE: _t([CANDIDATE], S.DECLINED),
        M.WITHDRAW: _t([RAISER], S.WITHDRAWN),
    },
    S.OWNED: {
        M.PROPOSE_RESOLUTION: _t([OWNER], S.PROPOSED),
        M.DECLINE: _t([OWNER], S.DECLINED),
        M.WITHDRAW: _t([RAISER], S.WITHDRAWN),
    },
    S.PROPOSED: {
        M.DECLARE_SATISFIED: _t([RAISER], S.RESOLVED),
        M.DECLARE_DISSATISFIED: _t([RAISER], S.OWNED),
        M.WITHDRAW: _t([RAISER], S.WITHDRAWN),
        M.CLOSE_UNCONFIRMED: _t([SYSTEM], S.CLOSED_UNCONFIRMED),
    },
    S.DECLINED: {
        M.ESCALATE: _t([RAISER], S.ESCALATED),
        M.WITHDRAW: _t([RAISER], S.WITHDRAWN),
    },
    S.ESCALATED: {
        M.TAKE_OWNERSHIP: _t([FACILITATOR], S.OWNED),
        M.DECLINE: _t([FACILITATOR], S.DECLINED_FINAL),
        M.WITHDRAW: _t([RAISER], S.WITHDRAWN),
    },
    S.RESOLVED: {},
    S.CLOSED_UNCONFIRMED: {},
    S.WITHDRAWN: {},
    S.DECLINED_FINAL: {},
}

# The moves a person can make, in the order pages offer them.
PERSON_MOVES: tuple[str, ...] = (
    M.TAKE_OWNERSHIP,
    M.PROPOSE_RESOLUTION,
    M.DECLARE_SATISFIED,
    M.DECLARE_DISSATISFIED,
    M.DECLINE,
    M.ESCALATE,
    M.WITHDRAW,
)

# The fields each move takes besides the issue, the actor and the version.
ISSUE_MOVE_FIELDS: dict[str, tuple[str, ...]] = {
    M.TAKE_OWNERSHIP: ("note",),
    M.PROPOSE_RESOLUTION: ("resolution",),
    M.DECLARE_SATISFIED: ("note",),
    M.DECLARE_DISSATISFIED: ("note",),
    M.DECLINE: ("reason",),
    M.ESCALATE: ("facilitator", "note"),
    M.WITHDRAW: ("note",),
}


# --- who may do what ----------------------------------------------------------------------------


def roles_in_issue(
    issue: Issue, actor: Person | None, *, actor_unit_ids: Iterable[int] | None = None
) -> set[str]:
    """The roles `actor` holds in `issue` (None is the system). Inactive people hold none."""
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
        elif issue.unit_id is not None:
            unit_ids = unit_ids_of(actor) if actor_unit_ids is None else set(actor_unit_ids)
            if issue.unit_id in unit_ids:
                roles.add(CANDIDATE)
    return roles


def _who(role: str, issue: Issue) -> str:
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


def _check(
    issue: Issue,
    actor: Person | None,
    move: str,
    *,
    expected_version: int | None,
    actor_unit_ids: Iterable[int] | None = None,
) -> Transition:
    """The transition `move` makes, or the reason it is refused."""
    if expected_version is not None and expected_version != issue.version:
        raise StaleIssue()
    if move not in M.values or move == M.RAISE:
        raise IllegalMove(f"“{move}” is not a move on an existing issue.", code="unknown")
    if issue.state in CLOSED_ISSUE_STATES:
        raise IllegalMove(f"This issue is already closed ({S(issue.state).label.lower()}).")
    transition = TABLE[issue.state].get(move)
    if transition is None:
        raise IllegalMove(
            f"You can't {M(move).label.lower()} now: the issue is {S(issue.state).label.lower()}."
        )
    if move == M.ESCALATE and issue.facilitator_id is not None:
        raise IllegalMove(
            "This issue was already escalated to a facilitator once; you can withdraw it."
        )
    roles = roles_in_issue(issue, actor, actor_unit_ids=actor_unit_ids)
    if not roles & transition.roles:
        if actor is not None and actor.pk == issue.raiser_id and move == M.TAKE_OWNERSHIP:
            raise NotYourMove("You raised this issue; someone else has to take it on.")
        allowed = " or ".join(_who(r, issue) for r in sorted(transition.roles))
        raise NotYourMove(f"Only {allowed} can do that.")
    if move == M.DECLINE and issue.facilitator_id is not None:
        # Escalated once already (the facilitator took it on, then declined): final.
        return Transition(transition.roles, S.DECLINED_FINAL)
    return transition


def issue_legal_moves(
    issue: Issue, actor: Person, *, actor_unit_ids: Iterable[int] | None = None
) -> list[str]:
    """The moves `actor` may make now, in display order."""
    unit_ids = unit_ids_of(actor) if actor_unit_ids is None else set(actor_unit_ids)
    moves = []
    for move in PERSON_MOVES:
        try:
            _check(issue, actor, move, expected_version=None, actor_unit_ids=unit_ids)
        except IllegalMove:
            continue
        moves.append(move)
    return moves


# --- validation -----------------------------------------------------------------------------------


def _audit(
    issue: Issue,
    actor: Person | None,
    move: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Record the move in the audit log, revealing no more than the issue's visibility rule.

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


def _notify(issue: Issue, move: str, actor: Person | None) -> None:
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


# --- raising an issue -------------------------------------------------------------------------------


@transaction.atomic
def issue_raise(
    *,
    org: Organization,
    raiser: Person,
    title: str,
    description: str = "",
    addressee: Person | None = None,
    unit: Unit | None = None,
) -> Issue:
    """Raise a concern, a blocker or a tension with a colleague or a unit.

    Exactly one of `addressee` (an active colleague other than the raiser) and `unit`
    (an active unit of the organization). A title is required; the description is optional.
    """
    if raiser.org_id != org.pk or not raiser.is_active:
        raise ValidationError({"raiser": "Only a member of this organization can raise an issue."})
    errors: dict[str, list[str]] = {}

    def collect(check: Callable[[], Any]) -> Any:
        try:
            return check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
            return None

    clean_title = collect(
        lambda: _required(
            title, field="title", message="Say what the issue is.", max_length=TITLE_MAX
        )
    )
    clean_description = collect(lambda: _text(description, field="description"))
    if (addressee is None) == (unit is None):
        errors.setdefault("addressee", []).append("Raise the issue with one person or one unit.")
    elif addressee is not None:
        if addressee.org_id != org.pk or not addressee.is_active:
            errors.setdefault("addressee", []).append("No one by that name in this organization.")
        elif addressee.pk == raiser.pk:
            errors.setdefault("addressee", []).append(
                "Raise it with someone else: an issue needs a person who can answer it."
            )
    elif unit is not None and (unit.org_id != org.pk or not unit.is_active):
        errors.setdefault("unit", []).append("No such unit in this organization.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    issue = Issue.objects.create(
        org=org,
        title=clean_title,
        description=clean_description,
        raiser=raiser,
        addressee=addressee,
        unit=unit,
        state=S.OPEN,
        raised_at=now,
        updated_at=now,
    )
    IssueEvent.objects.create(
        issue=issue,
        org=org,
        actor=raiser,
        move=M.RAISE,
        at=now,
        from_state="",
        to_state=S.OPEN,
    )
    _audit(
        issue,
        raiser,
        M.RAISE,
        before=None,
        after={"state": issue.state, "unit": unit.pk if unit is not None else None},
    )
    _notify(issue, M.RAISE, raiser)
    return issue


# --- moving an issue ----------------------------------------------------------------------------------

Apply = Callable[[Issue, dt.datetime], str]


def _no_note(issue: Issue, now: dt.datetime) -> str:
    return ""


def _optional_note(note: str | None) -> Apply:
    def apply(issue: Issue, now: dt.datetime) -> str:
        return _text(note, field="note")

    return apply


def _move(
    *,
    issue: Issue,
    actor: Person | None,
    move: str,
    expected_version: int | None,
    apply: Apply = _no_note,
    now: dt.datetime | None = None,
) -> Issue:
    """The frame of every move: lock, check, validate and change (`apply`), record."""
    with transaction.atomic():
        locked = (
            Issue.objects.select_for_update(of=("self",))
            .select_related("org", "raiser", "addressee", "unit", "owner", "facilitator")
            .get(pk=issue.pk)
        )
        transition = _check(locked, actor, move, expected_version=expected_version)
        from_state = locked.state
        now = now or timezone.now()
        note = apply(locked, now)
        locked.state = transition.to_state
        if locked.state in CLOSED_ISSUE_STATES:
            locked.closed_at = now
        locked.updated_at = now
        locked.version += 1
        locked.save()
        IssueEvent.objects.create(
            issue=locked,
            org_id=locked.org_id,
            actor=actor,
            move=move,
            at=now,
            from_state=from_state,
            to_state=locked.state,
            note=note,
        )
        _audit(
            locked,
            actor,
            move,
            before={"state": from_state},
            after={"state": locked.state, "owner": locked.owner_id},
        )
        _notify(locked, move, actor)
    return locked


def issue_take_ownership(
    *, issue: Issue, actor: Person, expected_version: int, note: str = ""
) -> Issue:
    """Take the issue on: the person or unit it was raised to, or the facilitator it was
    escalated to, becomes its owner."""

    def apply(i: Issue, now: dt.datetime) -> str:
        said = _text(note, field="note")
        i.owner = actor
        i.owned_at = now
        return said

    return _move(
        issue=issue,
        actor=actor,
        move=M.TAKE_OWNERSHIP,
        expected_version=expected_version,
        apply=apply,
    )


def issue_propose_resolution(
    *, issue: Issue, actor: Person, expected_version: int, resolution: str
) -> Issue:
    """The owner proposes how the issue is resolved (required); the raiser answers."""

    def apply(i: Issue, now: dt.datetime) -> str:
        text = _required(
            resolution,
            field="resolution",
            message="Say what you propose, so the person who raised it can judge it.",
        )
        i.resolution = text
        i.proposed_at = now
        return text

    return _move(
        issue=issue,
        actor=actor,
        move=M.PROPOSE_RESOLUTION,
        expected_version=expected_version,
        apply=apply,
    )


def issue_declare_satisfied(
    *, issue: Issue, actor: Person, expected_version: int, note: str = ""
) -> Issue:
    """The raiser accepts the proposed resolution: the issue is resolved (closed)."""
    return _move(
        issue=issue,
        actor=actor,
        move=M.DECLARE_SATISFIED,
        expected_version=expected_version,
        apply=_optional_note(note),
    )


def issue_declare_dissatisfied(
    *, issue: Issue, actor: Person, expected_version: int, note: str
) -> Issue:
    """The raiser says what is still missing (required); the owner works on it again."""

    def apply(i: Issue, now: dt.datetime) -> str:
        said = _required(
            note, field="note", message="Say what is still missing, so the owner can act on it."
        )
        i.proposed_at = None
        return said

    return _move(
        issue=issue,
        actor=actor,
        move=M.DECLARE_DISSATISFIED,
        expected_version=expected_version,
        apply=apply,
    )


def issue_decline(*, issue: Issue, actor: Person, expected_version: int, reason: str) -> Issue:
    """The owner (or whoever could take it) declines the issue, explaining why (required).

    The raiser may then escalate it to a facilitator, once.
    """

    def apply(i: Issue, now: dt.datetime) -> str:
        text = _required(
            reason,
            field="reason",
            message="Explain why you decline it; the person who raised it deserves a reason.",
        )
        i.decline_reason = text
        i.owner = actor
        if i.owned_at is None:
            i.owned_at = now
        return text

    return _move(
        issue=issue,
        actor=actor,
        move=M.DECLINE,
        expected_version=expected_version,
        apply=apply,
    )


def issue_escalate(
    *,
    issue: Issue,
    actor: Person,
    expected_version: int,
    facilitator: Person | None,
    note: str = "",
) -> Issue:
    """The raiser takes a declined issue to a facilitator of the organization (once).

    The facilitator must be an active person with the facilitator role, other than the
    raiser and the person who declined it.
    """

    def apply(i: Issue, now: dt.datetime) -> str:
        said = _text(note, field="note")
        if (
            facilitator is None
            or facilitator.org_id != i.org_id
            or not facilitator.is_active
            or facilitator.role != Role.FACILITATOR
        ):
            raise ValidationError({"facilitator": "Choose one of the organization's facilitators."})
        if facilitator.pk in (i.raiser_id, i.owner_id):
            raise ValidationError(
                {"facilitator": "Choose a facilitator other than the people already involved."}
            )
        i.facilitator = facilitator
        i.owner = None
        i.owned_at = None
        return said

    return _move(
        issue=issue,
        actor=actor,
        move=M.ESCALATE,
        expected_version=expected_version,
        apply=apply,
    )


def issue_withdraw(*, issue: Issue, actor: Person, expected_version: int, note: str = "") -> Issue:
    """The raiser withdraws the issue (closed; not counted as resolved)."""
    return _move(
        issue=issue,
        actor=actor,
        move=M.WITHDRAW,
        expected_version=expected_version,
        apply=_optional_note(note),
    )


def _unconfirmed_note(issue: Issue, now: dt.datetime) -> str:
    # Checked under the lock: the scan picked ids earlier, and the raiser's answer and a
    # new proposal since then would otherwise be closed minutes after being made.
    cutoff = now - dt.timedelta(days=UNCONFIRMED_AFTER_DAYS)
    if issue.proposed_at is None or issue.proposed_at > cutoff:
        raise IllegalMove("The proposal is not yet old enough to close without confirmation.")
    return f"No answer to the proposed resolution within {UNCONFIRMED_AFTER_DAYS} days."


def issue_close_unconfirmed(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Close every proposal its raiser left unanswered for UNCONFIRMED_AFTER_DAYS days.

    Run by `mutuality remind`. Each issue closes in its own transaction, as "closed
    without confirmation", by the system; returns how many closed.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=UNCONFIRMED_AFTER_DAYS)
    closed = 0
    while True:
        ids = list(
            Issue.objects.filter(state=S.PROPOSED, proposed_at__lte=cutoff)
            .order_by("proposed_at", "id")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return closed
        for pk in ids:
            try:
                _move(
                    issue=Issue(pk=pk),
                    actor=None,
                    move=M.CLOSE_UNCONFIRMED,
                    expected_version=None,
                    apply=_unconfirmed_note,
                    now=now,
                )
            except IllegalMove:
                # Answered between the scan and the lock: nothing to close.
                continue
            closed += 1
        if len(ids) < batch:
            return closed


# --- one entry point for views and the API ----------------------------------------------------------

_MOVES: dict[str, Callable[..., Issue]] = {
    M.TAKE_OWNERSHIP: issue_take_ownership,
    M.PROPOSE_RESOLUTION: issue_propose_resolution,
    M.DECLARE_SATISFIED: issue_declare_satisfied,
    M.DECLARE_DISSATISFIED: issue_declare_dissatisfied,
    M.DECLINE: issue_decline,
    M.ESCALATE: issue_escalate,
    M.WITHDRAW: issue_withdraw,
}
_REQUIRED: dict[str, str] = {
    M.PROPOSE_RESOLUTION: "resolution",
    M.DECLARE_DISSATISFIED: "note",
    M.DECLINE: "reason",
}


def issue_move(
    *, issue: Issue, actor: Person, move: str, expected_version: int, **data: Any
) -> Issue:
    """Make `move` on `issue`; `data` holds the move's fields (see ISSUE_MOVE_FIELDS).

    Fields a move does not take are ignored, so one form or JSON body serves every move.
    """
    if move not in _MOVES:
        raise IllegalMove(f"“{move}” is not a move on an existing issue.", code="unknown")
    kwargs = {name: data[name] for name in ISSUE_MOVE_FIELDS[move] if name in data}
    required = _REQUIRED.get(move)
    if required is not None:
        kwargs.setdefault(required, "")
    if move == M.ESCALATE:
        kwargs.setdefault("facilitator", None)
    return _MOVES[move](issue=issue, actor=actor, expected_version=expected_version, **kwargs)
