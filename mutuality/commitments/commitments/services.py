"""Every change to a commitment. Web views, the API and the CLI all call these.

`commitment_create` makes one (a request, an offer or a self-commitment) and decides who
its parties may be; `commitment_move` makes every move on one, through the workflow
engine and the declarations in `workflow.py`. Nothing changes when any check fails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from mutuality.commitments.commitments.dates import future_date
from mutuality.commitments.commitments.workflow import (
    COMMITMENTS,
    IllegalMove,
    NotYourMove,
    StaleVersion,
    audit_move,
)
from mutuality.commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentKind,
    CommitmentMove,
    CommitmentState,
)
from mutuality.core.audit import snapshot
from mutuality.core.validation import FieldErrors, clean_text, required_text
from mutuality.orgs.models import Organization, Person, Unit

__all__ = [
    "PARTIES",
    "IllegalMove",
    "NotYourMove",
    "StaleVersion",
    "commitment_create",
    "commitment_move",
    "commitment_offer",
    "commitment_request",
    "commitment_self_commit",
]

S = CommitmentState
M = CommitmentMove

TITLE_MAX = 200
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

# The other party each kind of commitment names besides the one who makes it (the
# parties a form or an API body may fill in). A request asks a person or a unit; an offer
# is made to a requester; a self-commitment is promised to a beneficiary.
PARTIES: dict[str, tuple[str, ...]] = {
    CommitmentKind.REQUEST: ("performer", "performer_unit"),
    CommitmentKind.OFFER: ("requester",),
    CommitmentKind.SELF: ("beneficiary",),
}
# How each kind starts: the move that makes it, and the state it starts in.
_STARTS: dict[str, tuple[str, str]] = {
    CommitmentKind.REQUEST: (M.REQUEST, S.REQUESTED),
    CommitmentKind.OFFER: (M.OFFER, S.OFFERED),
    CommitmentKind.SELF: (M.SELF_COMMIT, S.PROMISED),
}


# --- validation ----------------------------------------------------------------------------------


def _context_url(value: str) -> str:
    value = clean_text(value, field="context_url", max_length=500)
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


def _is_colleague(person: Person | None, org: Organization) -> bool:
    return person is not None and person.org_id == org.pk and person.is_active


def _check_parties(
    errors: FieldErrors,
    *,
    org: Organization,
    actor: Person,
    kind: str,
    parties: dict[str, Any],
) -> None:
    """Who a commitment of `kind` may be between (see PARTIES), as field errors."""
    label = CommitmentKind(kind).label.lower()
    allowed = PARTIES[kind]
    for name, value in parties.items():
        if value is not None and name not in allowed:
            if name == "performer_unit":
                errors.add(name, "Only a request can go to a unit; name a person.")
            else:
                errors.add(
                    name, f"{'An' if label[0] in 'aeiou' else 'A'} {label} does not take this."
                )
    if kind == CommitmentKind.REQUEST:
        performer, unit = parties["performer"], parties["performer_unit"]
        if performer is not None and unit is not None:
            errors.add("performer_unit", "Ask one person or one unit, not both.")
        elif performer is None and unit is None:
            errors.add("performer", "Say who you ask: a person or a unit.")
        elif performer is not None:
            if not _is_colleague(performer, org):
                errors.add("performer", "That person is not an active member of this organization.")
            elif performer.pk == actor.pk:
                errors.add("performer", "You can't ask yourself; make a self-commitment instead.")
        elif unit is not None and (unit.org_id != org.pk or not unit.is_active):
            errors.add("performer_unit", "No such unit in this organization.")
        return
    (name,) = allowed
    other: Person | None = parties[name]
    if other is None:
        errors.add(name, "Say who it is for.")
    elif not _is_colleague(other, org):
        errors.add(name, "That person is not an active member of this organization.")
    elif other.pk == actor.pk:
        errors.add(
            name,
            "Offer to someone other than yourself."
            if kind == CommitmentKind.OFFER
            else "Name who the commitment is for: someone other than yourself.",
        )


# --- creating a commitment ----------------------------------------------------------------------


@transaction.atomic
def commitment_create(
    *,
    org: Organization,
    actor: Person,
    kind: str,
    title: str,
    conditions: str,
    due_date: dt.date | None,
    performer: Person | None = None,
    performer_unit: Unit | None = None,
    requester: Person | None = None,
    beneficiary: Person | None = None,
    context_label: str = "",
    context_url: str = "",
) -> Commitment:
    """Make a commitment of `kind`, as `actor`, with the other party `PARTIES` names.

    - a request: `actor` asks `performer` (a colleague) or `performer_unit` (an active
      unit): exactly one; any member or lead of the unit may take it up;
    - an offer: `actor` offers to do something for `requester`, who accepts or declines;
    - a self-commitment: `actor` promises something to `beneficiary` (a manager's
      response to feedback, say); it starts promised, and the beneficiary declares it
      satisfied.

    The other person must be an active colleague other than `actor`; the title and the
    conditions of satisfaction are required, the due date today or later (within five
    years). Every problem is refused at once, naming its field.
    """
    if kind not in PARTIES:
        raise ValidationError({"kind": "Choose a request, an offer or a self-commitment."})
    errors = FieldErrors()
    if not _is_colleague(actor, org):
        raise ValidationError({"actor": "Only a member of this organization can do that."})
    parties = {
        "performer": performer,
        "performer_unit": performer_unit,
        "requester": requester,
        "beneficiary": beneficiary,
    }
    _check_parties(errors, org=org, actor=actor, kind=kind, parties=parties)
    clean_title = errors.check(
        lambda: required_text(
            title, field="title", message="Say what is asked.", max_length=TITLE_MAX
        )
    )
    clean_conditions = errors.check(
        lambda: required_text(
            conditions,
            field="conditions",
            message="Say what will count as done: the conditions of satisfaction.",
        )
    )
    today = timezone.localdate()
    due = errors.check(lambda: future_date(due_date, field="due_date", today=today))
    label = errors.check(lambda: clean_text(context_label, field="context_label", max_length=200))
    url = errors.check(lambda: _context_url(context_url))
    errors.raise_if_any()

    move, state = _STARTS[kind]
    the_requester, the_performer = actor, performer
    if kind != CommitmentKind.REQUEST:
        other = requester or beneficiary
        assert other is not None  # _check_parties refused a commitment without one
        the_requester, the_performer = other, actor
    now = timezone.now()
    commitment = Commitment.objects.create(
        org=org,
        kind=kind,
        title=clean_title,
        conditions=clean_conditions,
        due_date=due,
        original_due_date=due,
        requester=the_requester,
        performer=the_performer,
        performer_unit=performer_unit if kind == CommitmentKind.REQUEST else None,
        state=state,
        context_label=label or url[:200],
        context_url=url,
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
    audit_move(commitment, actor, move, before=None, after=snapshot(commitment, CREATED_FIELDS))
    return commitment


def commitment_request(
    *,
    org: Organization,
    requester: Person,
    performer: Person | None = None,
    performer_unit: Unit | None = None,
    **terms: Any,
) -> Commitment:
    """Ask a colleague (`performer`) or a unit (`performer_unit`) for something."""
    return commitment_create(
        org=org,
        actor=requester,
        kind=CommitmentKind.REQUEST,
        performer=performer,
        performer_unit=performer_unit,
        **terms,
    )


def commitment_offer(
    *, org: Organization, performer: Person, requester: Person | None, **terms: Any
) -> Commitment:
    """Offer to do something for a colleague, who becomes the requester if they accept."""
    return commitment_create(
        org=org, actor=performer, kind=CommitmentKind.OFFER, requester=requester, **terms
    )


def commitment_self_commit(
    *, org: Organization, performer: Person, beneficiary: Person | None, **terms: Any
) -> Commitment:
    """Promise something to a named beneficiary; they declare it satisfied."""
    return commitment_create(
        org=org, actor=performer, kind=CommitmentKind.SELF, beneficiary=beneficiary, **terms
    )


# --- moving a commitment ------------------------------------------------------------------------


def commitment_move(
    *, commitment: Commitment, actor: Person, move: str, expected_version: int, **data: Any
) -> Commitment:
    """Make `move` on `commitment` as `actor`, based on `expected_version`.

    The move is one of `workflow.COMMITMENTS`'s: who may make it in which state, what it
    changes and which fields it takes (`data`; others are ignored, so one form or JSON
    body serves every move) are declared there. Refused with `IllegalMove` (409: not now),
    `NotYourMove` (403), `StaleVersion` (409: based on an older version) or a
    `ValidationError` naming the field; nothing changes then.
    """
    moved: Commitment = COMMITMENTS.make(
        obj=commitment, actor=actor, move=move, expected_version=expected_version, data=data
    )
    return moved
