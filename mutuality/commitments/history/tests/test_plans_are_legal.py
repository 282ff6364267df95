"""The histories written in bulk are histories the engine would have let happen.

The demo and the benchmarks write years of moves straight into the tables
(`history/writer.py`), too many to make one by one. Two checks keep them honest:

- the writer refuses any event whose move does not lead from its state to its state in the
  declarations (`check_history`), so seeding stops rather than write one;
- here, plans of every outcome are replayed through the real services, at the moment each
  move was planned: every move must be accepted for the person the plan says made it
  (their role), from the state it was in, into the state the plan wrote, with the date
  rules of that day. A plan the engine would refuse fails this test.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from mutuality.commitments.commitments import services as commitments
from mutuality.commitments.history.plans import (
    _ISSUE_NAMES,
    _OUTCOME_NAMES,
    CommitmentPlan,
    Ev,
    IEv,
    IssuePlan,
    plan_commitment,
    plan_issue,
)
from mutuality.commitments.history.writer import HistoryWriter, check_history
from mutuality.commitments.issues import services as issues
from mutuality.commitments.issues.workflow import ISSUES
from mutuality.commitments.models import (
    Commitment,
    CommitmentKind,
    CommitmentMove,
    Issue,
    IssueMove,
)
from mutuality.orgs.models import Person
from mutuality.testing import Personas

M, IM = CommitmentMove, IssueMove
START = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
SEEDS = range(3)


def _people(p: Personas) -> dict[int, Person]:
    return {x.pk: x for x in (p.admin, p.manager, p.member, p.member2, p.facilitator)}


def _fields(plan: CommitmentPlan, e: Ev) -> dict[str, Any]:
    """What a person would have typed for the planned move (its record keeps less)."""
    later = [x for x in plan.events if x.at > e.at]
    agreed = {M.COUNTER: M.ACCEPT_COUNTER, M.PROPOSE_RENEGOTIATION: M.ACCEPT_RENEGOTIATION}
    due = next((x.due for x in later if x.move == agreed.get(e.move)), e.due)
    if due == e.due:
        due += dt.timedelta(days=7)
    return {
        "note": e.note or "Noted.",
        "reason": e.note or "Not ours to do.",
        "due_date": due,
        "answer_by": e.answer_by,
        "terms": "",
    }


def replay_commitment(p: Personas, plan: CommitmentPlan, time_machine: Any) -> Commitment:
    people = _people(p)
    first = plan.events[0]
    time_machine.move_to(first.at, tick=False)
    party = {
        CommitmentKind.REQUEST: "performer",
        CommitmentKind.OFFER: "requester",
        CommitmentKind.SELF: "beneficiary",
    }[plan.kind]
    other = people[plan.requester if first.actor == plan.performer else plan.performer]
    c = commitments.commitment_create(
        org=p.org,
        actor=people[first.actor],
        kind=plan.kind,
        title=plan.title,
        conditions=plan.conditions,
        due_date=plan.due,
        performer_unit=p.unit if plan.unit is not None else None,
        **({} if plan.unit is not None else {party: other}),
    )
    for e in plan.events[1:]:
        time_machine.move_to(e.at, tick=False)
        c = commitments.commitment_move(
            commitment=c,
            actor=people[e.actor],
            move=e.move,
            expected_version=c.version,
            **_fields(plan, e),
        )
        assert (e.move, c.state) == (e.move, e.to_state)
    return c


def _plan(p: Personas, kind: str, *, unit: bool = False, lead: bool = True) -> CommitmentPlan:
    requester, performer = (p.admin, p.member2) if unit else (p.member, p.member2)
    return CommitmentPlan(
        org_id=p.org.pk,
        kind=kind,
        title="Review the runbook",
        conditions="Comments on every step.",
        requester=requester.pk,
        performer=performer.pk,
        unit=p.unit.pk if unit else None,
        lead=p.manager.pk if unit and lead else None,
        created_at=START,
        due=START.date() + dt.timedelta(days=10),
    )


CASES = [
    (kind, unit, outcome, seed)
    for kind, unit in [
        (CommitmentKind.REQUEST, False),
        (CommitmentKind.REQUEST, True),
        (CommitmentKind.OFFER, False),
        (CommitmentKind.SELF, False),
    ]
    for outcome in _OUTCOME_NAMES
    for seed in SEEDS
]


@pytest.mark.parametrize(("kind", "unit", "outcome", "seed"), CASES)
def test_every_planned_commitment_is_one_the_engine_accepts(
    personas: Personas, time_machine: Any, kind: str, unit: bool, outcome: str, seed: int
) -> None:
    plan = plan_commitment(
        _plan(personas, kind, unit=unit), random.Random(seed * 7 + 1), outcome=outcome
    )
    check_history(commitments.COMMITMENTS, [(e.move, e.to_state) for e in plan.events])
    replay_commitment(personas, plan, time_machine)


@pytest.mark.parametrize("seed", range(40))
def test_the_first_answer_to_a_unit_request_is_one_its_people_may_give(
    personas: Personas, time_machine: Any, seed: int
) -> None:
    # The plans' first answers are drawn at random: declines included, which only a lead
    # of the unit may give.
    plan = plan_commitment(
        _plan(personas, CommitmentKind.REQUEST, unit=True), random.Random(seed), outcome="kept"
    )
    replay_commitment(personas, plan, time_machine)


def test_a_unit_request_without_a_lead_to_decline_it_is_never_declined(
    personas: Personas,
) -> None:
    for seed in range(200):
        plan = plan_commitment(
            _plan(personas, CommitmentKind.REQUEST, unit=True, lead=False), random.Random(seed)
        )
        assert all(e.move != M.DECLINE for e in plan.events)


# --- issues ------------------------------------------------------------------------------------------


def replay_issue(p: Personas, plan: IssuePlan, events: list[IEv], time_machine: Any) -> Issue:
    people = _people(p)
    time_machine.move_to(events[0].at, tick=False)
    issue = issues.issue_raise(
        org=p.org,
        raiser=people[plan.raiser],
        title=plan.title,
        description=plan.description,
        addressee=people[plan.addressee] if plan.addressee else None,
        unit=p.unit if plan.unit else None,
    )
    for e in events[1:]:
        time_machine.move_to(e.at, tick=False)
        if e.move == IM.CLOSE_UNCONFIRMED:
            assert issues.issue_close_unconfirmed(now=timezone.now()) == 1
            issue = Issue.objects.get(pk=issue.pk)
        else:
            issue = issues.issue_move(
                issue=issue,
                actor=people[e.actor],  # type: ignore[index]
                move=e.move,
                expected_version=issue.version,
                note=e.note or "Noted.",
                reason=e.note or "Not ours.",
                resolution=e.note or "A fix.",
                facilitator=people.get(plan.facilitator or 0),
            )
        assert issue.state == e.to_state, e.move
    return issue


@pytest.mark.parametrize("unit", [False, True])
@pytest.mark.parametrize("outcome", _ISSUE_NAMES)
def test_every_planned_issue_is_one_the_engine_accepts(
    personas: Personas, time_machine: Any, outcome: str, unit: bool
) -> None:
    p = personas
    plan = IssuePlan(
        org_id=p.org.pk,
        title="Hand-offs arrive incomplete",
        description="Orders reach us without the customer's reference.",
        raiser=p.member.pk,
        addressee=None if unit else p.member2.pk,
        unit=p.unit.pk if unit else None,
        owner=p.member2.pk,
        facilitator=p.facilitator.pk,
        raised_at=START,
        resolution="A checklist at the hand-off.",
    )
    events = plan_issue(plan, random.Random(3), outcome=outcome)
    check_history(ISSUES, [(e.move, e.to_state) for e in events])
    replay_issue(p, plan, events, time_machine)


# --- the writer itself refuses what the declarations do not allow ---------------------------------------


def test_the_writer_refuses_a_history_the_declarations_do_not_allow(personas: Personas) -> None:
    plan = _plan(personas, CommitmentKind.REQUEST)
    plan.events = [
        Ev(M.REQUEST, personas.member.pk, START, "requested", plan.due),
        # Nobody declares satisfied with something never promised nor delivered.
        Ev(M.DECLARE_SATISFIED, personas.member.pk, START, "satisfied", plan.due),
    ]
    with pytest.raises(ValueError, match="declare_satisfied.* from .requested."):
        HistoryWriter(now=START + dt.timedelta(days=1)).commitment(plan)
    assert not Commitment.objects.exists()
