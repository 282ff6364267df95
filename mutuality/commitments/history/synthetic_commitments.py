"""Three years of commitments for synthetic benchmark organizations (`mutuality seed`).

Registered with `mutuality.orgs.synthetic` (issues come from `synthetic_issues.py`). About
fifty commitments per person (a million at size L) with the same conversation plans as the
demo (`history_writer.py`): mostly kept, some renegotiated, late, revoked or declined, and
the recent ones still open in every state. The bench member also gets a full My work: a
few requests waiting for their answer, promises due soon and overdue. The id of one of the
member's open commitments is recorded in `synthetic.extra["commitment_id"]`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from mutuality.commitments.history.plans import CommitmentPlan, plan_commitment
from mutuality.commitments.history.writer import HistoryWriter
from mutuality.commitments.models import Commitment, CommitmentKind
from mutuality.orgs.models import Person, Unit

if TYPE_CHECKING:
    from mutuality.orgs.synthetic import SyntheticOrg

PER_PERSON = 50
DAYS = 3 * 365
# The bench member's own share, on top of the random one: enough to fill every section.
MEMBER_WORK = 120

WORK = (
    ("Review the {} runbook", "Comments on every step, in the shared document."),
    ("Send the {} figures for the month", "The spreadsheet with last month's totals, checked."),
    ("Fix the {} hand-off", "Orders reach us with the customer's reference filled in."),
    ("Draft the {} plan for next quarter", "A two-page draft we can discuss on Monday."),
    ("Train two people on {}", "Two colleagues can do it alone, signed off by the lead."),
    ("Answer the {} audit questions", "Every question answered, with the evidence attached."),
    ("Update the {} dashboard", "The dashboard shows this week's numbers every Monday."),
    ("Write up the {} incident", "A one-page write-up: what happened, why, what changes."),
)
TOPICS = (
    "billing", "onboarding", "payments", "returns", "pricing", "claims", "inbound", "support",
    "training", "planning", "quality", "procurement",
)  # fmt: skip


def synthetic_commitments_seed(synthetic: SyntheticOrg) -> None:
    """Write the synthetic organization's commitments (see the module docstring)."""
    rng = random.Random(synthetic.seed + 7)  # noqa: S311 - seeded synthetic data
    org = synthetic.org
    now = timezone.now()
    tz = timezone.get_current_timezone()
    rows = list(
        Person.objects.filter(org=org, is_active=True).order_by("id").values_list("id", "unit_id")
    )
    people = [pk for pk, _ in rows]
    if len(people) < 2:
        return
    unit_of = dict(rows)
    # Who may decline a request made of a unit: its leads (declining is theirs to do).
    leads: dict[int, list[int]] = {}
    for unit_id, person_id in Unit.leads.through.objects.filter(unit__org=org).values_list(
        "unit_id", "person_id"
    ):
        leads.setdefault(unit_id, []).append(person_id)
    by_unit: dict[int, list[int]] = {}
    for pk, unit_id in rows:
        if unit_id is not None:
            by_unit.setdefault(unit_id, []).append(pk)
    start = now - dt.timedelta(days=DAYS)
    writer = HistoryWriter(now=now)

    def colleague(pk: int) -> int:
        # Mostly someone in the same unit, sometimes anyone: work crosses units.
        same = by_unit.get(unit_of.get(pk) or 0, [])
        pool = same if len(same) > 1 and rng.random() < 0.5 else people
        other = rng.choice(pool)
        while other == pk:
            other = rng.choice(people)
        return other

    def moment(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=tz)

    def commitment(performer: int, requester: int, created: dt.datetime) -> None:
        roll = rng.random()
        kind = (
            CommitmentKind.SELF
            if roll < 0.08
            else CommitmentKind.OFFER
            if roll < 0.14
            else CommitmentKind.REQUEST
        )
        unit = None
        if kind == CommitmentKind.REQUEST and rng.random() < 0.12:
            unit = unit_of.get(performer)
        title, conditions = rng.choice(WORK)
        plan = CommitmentPlan(
            org_id=org.pk,
            kind=kind,
            title=title.format(rng.choice(TOPICS)),
            conditions=conditions,
            requester=requester,
            performer=performer,
            unit=unit,
            lead=next((pk for pk in leads.get(unit or 0, []) if pk != requester), None),
            created_at=created,
            due=created.date() + dt.timedelta(days=rng.randint(3, 28)),
        )
        writer.commitment(plan_commitment(plan, rng))

    for _ in range(len(people) * PER_PERSON):
        performer = rng.choice(people)
        day = (start + dt.timedelta(days=rng.randrange(DAYS))).date()
        commitment(performer, colleague(performer), moment(day))

    # The bench member's recent work, both ways, so My work has something in each section.
    member = synthetic.member_id
    recent = now - dt.timedelta(days=45)
    for i in range(MEMBER_WORK):
        day = (recent + dt.timedelta(days=rng.randrange(45))).date()
        other = colleague(member)
        if i % 2:
            commitment(member, other, moment(day))
        else:
            commitment(other, member, moment(day))
    writer.finish()
    synthetic.extra["commitments"] = writer.commitments.written
    mine = (
        Commitment.objects.filter(org=org, performer_id=member, closed_at__isnull=True)
        .order_by("due_date", "id")
        .values_list("id", flat=True)
        .first()
    )
    if mine is not None:
        synthetic.extra["commitment_id"] = mine
