"""Three years of issues for synthetic benchmark organizations (`mutuality seed`).

Registered with `mutuality.orgs.synthetic`; the synthetic commitments come from
`commitments/synthetic.py`. Five issues per person (100,000 at size L), raised over the
last three years, with the same life plans as the demo (history_writer.py) — mostly
resolved, some closed without confirmation, some declined and escalated, some still open —
written with multi-row INSERTs. The id of an issue raised with the bench member's unit is
recorded in `synthetic.extra["issue_id"]`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from mutuality.commitments.history.plans import IssuePlan, plan_issue
from mutuality.commitments.history.writer import HistoryWriter
from mutuality.commitments.models import Issue
from mutuality.orgs.models import Person, Role

if TYPE_CHECKING:
    from mutuality.orgs.synthetic import SyntheticOrg

PER_PERSON = 5
DAYS = 3 * 365

TOPICS = (
    ("Hand-offs arrive incomplete", "Orders reach us without the customer's reference.",
     "A checklist at the hand-off; incomplete orders go back the same day."),
    ("Approvals wait too long", "Requests wait days for a sign-off nobody owns.",
     "Approvals under a threshold are delegated to the team."),
    ("Two teams use different definitions", "Reports disagree because the teams count differently.",
     "One definition, written down and shared by both teams."),
    ("The rota is decided without the team", "Shifts change with a day's notice.",
     "The rota is drafted with the team each quarter."),
)  # fmt: skip


def synthetic_issues_seed(synthetic: SyntheticOrg) -> None:
    """Write the synthetic organization's issues (see the module docstring)."""
    rng = random.Random(synthetic.seed + 11)  # noqa: S311 - seeded benchmark data, not secrets
    org = synthetic.org
    now = timezone.now()
    tz = timezone.get_current_timezone()
    rows = list(
        Person.objects.filter(org=org, is_active=True)
        .order_by("id")
        .values_list("id", "unit_id", "role")
    )
    people = [pk for pk, _, _ in rows]
    if len(people) < 2:
        return
    unit_of = {pk: home for pk, home, _ in rows}
    by_unit: dict[int, list[int]] = {}
    for pk, home, _ in rows:
        if home is not None:
            by_unit.setdefault(home, []).append(pk)
    unit_ids = sorted(by_unit)
    facilitators = [pk for pk, _, role in rows if role == Role.FACILITATOR]
    start = now - dt.timedelta(days=DAYS)
    writer = HistoryWriter(now=now)

    def colleague(pk: int) -> int:
        same = by_unit.get(unit_of.get(pk) or 0, [])
        pool = same if len(same) > 1 and rng.random() < 0.5 else people
        other = rng.choice(pool)
        while other == pk:
            other = rng.choice(people)
        return other

    for _ in range(len(people) * PER_PERSON):
        raiser = rng.choice(people)
        title, description, resolution = TOPICS[rng.randrange(len(TOPICS))]
        unit_id: int | None = None
        addressee: int | None = None
        if rng.random() < 0.6 and unit_ids:
            unit_id = rng.choice(unit_ids)
            pool = [pk for pk in by_unit[unit_id] if pk != raiser]
            if not pool:
                continue
            owner = rng.choice(pool)
        else:
            addressee = owner = colleague(raiser)
        candidates = [pk for pk in facilitators if pk not in (raiser, owner)]
        day = (start + dt.timedelta(days=rng.randrange(DAYS))).date()
        plan = IssuePlan(
            org_id=org.pk,
            title=title,
            description=description,
            raiser=raiser,
            addressee=addressee,
            unit=unit_id,
            owner=owner,
            facilitator=rng.choice(candidates) if candidates else None,
            raised_at=dt.datetime.combine(
                day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=tz
            ),
            resolution=resolution,
        )
        writer.issue(plan, plan_issue(plan, rng))
    writer.finish()
    synthetic.extra["issues"] = writer.issues.written
    member_unit = unit_of.get(synthetic.member_id)
    if member_unit is not None:
        issue_id = (
            Issue.objects.filter(org=org, unit_id=member_unit)
            .order_by("-raised_at", "-id")
            .values_list("id", flat=True)
            .first()
        )
        if issue_id is not None:
            synthetic.extra["issue_id"] = issue_id
