"""Every change to an issue. Web views, the API and the periodic jobs all call these.

`issue_raise` raises one; `issue_move` makes every move on one, through the workflow
engine and the declarations in `workflow.py` (who may do what, from which state, with
which fields); `issue_close_unconfirmed` is the 14-day rule. Nothing changes when any
check fails; emails go out after the commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mutuality.commitments.issues.workflow import (
    ISSUES,
    IllegalMove,
    NotYourMove,
    StaleVersion,
    audit_move,
    notify,
)
from mutuality.commitments.models import (
    UNCONFIRMED_AFTER_DAYS,
    Issue,
    IssueEvent,
    IssueMove,
    IssueState,
)
from mutuality.core.validation import FieldErrors, clean_text, required_text
from mutuality.orgs.models import Organization, Person, Unit

__all__ = [
    "IllegalMove",
    "NotYourMove",
    "StaleVersion",
    "issue_close_unconfirmed",
    "issue_move",
    "issue_raise",
]

S = IssueState
M = IssueMove

TITLE_MAX = 200


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
    (an active unit of the organization). A title is required; the description is
    optional. Every problem is refused at once, naming its field.
    """
    if raiser.org_id != org.pk or not raiser.is_active:
        raise ValidationError({"raiser": "Only a member of this organization can raise an issue."})
    errors = FieldErrors()
    clean_title = errors.check(
        lambda: required_text(
            title, field="title", message="Say what the issue is.", max_length=TITLE_MAX
        )
    )
    clean_description = errors.check(lambda: clean_text(description, field="description"))
    if addressee is not None and unit is not None:
        errors.add("unit", "Raise it with one person or one unit, not both.")
    elif addressee is None and unit is None:
        errors.add("addressee", "Say who should answer it: a person, or a unit.")
    elif addressee is not None:
        if addressee.org_id != org.pk or not addressee.is_active:
            errors.add("addressee", "No one by that name in this organization.")
        elif addressee.pk == raiser.pk:
            errors.add(
                "addressee",
                "Raise it with someone else: an issue needs a person who can answer it.",
            )
    elif unit is not None and (unit.org_id != org.pk or not unit.is_active):
        errors.add("unit", "No such unit in this organization.")
    errors.raise_if_any()
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
        issue=issue, org=org, actor=raiser, move=M.RAISE, at=now, from_state="", to_state=S.OPEN
    )
    audit_move(
        issue,
        raiser,
        M.RAISE,
        before=None,
        after={"state": issue.state, "unit": unit.pk if unit is not None else None},
    )
    notify(issue, M.RAISE, raiser)
    return issue


def issue_move(
    *, issue: Issue, actor: Person, move: str, expected_version: int, **data: Any
) -> Issue:
    """Make `move` on `issue` as `actor`, based on `expected_version`.

    The move is one of `workflow.ISSUES`'s: who may make it in which state, what it
    changes and which fields it takes (`data`; others are ignored, so one form or JSON
    body serves every move) are declared there. Refused with `IllegalMove` (409),
    `NotYourMove` (403), `StaleVersion` (409) or a `ValidationError` naming the field.
    """
    moved: Issue = ISSUES.make(
        obj=issue, actor=actor, move=move, expected_version=expected_version, data=data
    )
    return moved


def issue_close_unconfirmed(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Close every proposal its raiser left unanswered for UNCONFIRMED_AFTER_DAYS days.

    A periodic job (the 14-day rule). Each issue closes in its own transaction, as
    "closed without confirmation", by the system; returns how many closed.
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
                ISSUES.make(
                    obj=Issue(pk=pk),
                    actor=None,
                    move=M.CLOSE_UNCONFIRMED,
                    expected_version=None,
                    now=now,
                )
            except IllegalMove:
                # Answered between the scan and the lock: nothing to close.
                continue
            closed += 1
        if len(ids) < batch:
            return closed
