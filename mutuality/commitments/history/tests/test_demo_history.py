"""The demo organization's history of commitments and issues, and the synthetic issues."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from mutuality.commitments.commitments.selectors import my_work
from mutuality.commitments.history.demo import demo_history_seed
from mutuality.commitments.ledger.figures import ledger_for, ledger_window
from mutuality.commitments.ledger.selectors import Subject
from mutuality.commitments.models import (
    TERMINAL_STATES,
    Commitment,
    CommitmentEvent,
    Issue,
    IssueEvent,
)
from mutuality.orgs.demo import demo_cast, demo_seed
from mutuality.orgs.models import Organization


@pytest.fixture
def northwind(db: Any) -> Organization:
    return demo_seed().org


def test_the_demo_has_months_of_mostly_kept_commitments(northwind: Organization) -> None:
    commitments = Commitment.objects.filter(org=northwind)
    assert commitments.count() > 500
    oldest = commitments.order_by("created_at").first()
    assert oldest is not None
    assert (timezone.now() - oldest.created_at).days > 180
    states = Counter(commitments.values_list("state", flat=True))
    assert states["satisfied"] > 0.7 * sum(states.values())
    for state in ("promised", "revoked", "declined", "cancelled", "requested", "completed"):
        assert states[state] > 0, state
    renegotiated = CommitmentEvent.objects.filter(org=northwind, move="accept_renegotiation")
    assert renegotiated.count() > 20
    overdue = commitments.filter(Commitment.overdue_q(timezone.localdate()))
    assert 3 <= overdue.count() <= 60


def test_every_commitment_and_issue_has_a_consistent_history(northwind: Organization) -> None:
    counts = dict(
        CommitmentEvent.objects.filter(org=northwind)
        .values_list("commitment_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    now = timezone.now()
    for c in Commitment.objects.filter(org=northwind):
        assert c.version == counts[c.pk]
        assert (c.closed_at is not None) == (c.state in TERMINAL_STATES)
        assert c.created_at <= now
    last_events = {
        e.commitment_id: e
        for e in CommitmentEvent.objects.filter(org=northwind).order_by("at", "id")
    }
    for c in Commitment.objects.filter(org=northwind):
        last = last_events[c.pk]
        assert (last.to_state, last.due_date) == (c.state, c.due_date)
        assert last.at <= now
    for issue in Issue.objects.filter(org=northwind):
        events = list(IssueEvent.objects.filter(issue=issue).order_by("at", "id"))
        assert issue.version == len(events)
        assert events[-1].to_state == issue.state
        assert (issue.closed_at is not None) == (not issue.is_open)


def test_the_demo_has_issues_in_every_state(northwind: Organization) -> None:
    states = Counter(Issue.objects.filter(org=northwind).values_list("state", flat=True))
    assert states["resolved"] > states["closed_unconfirmed"] >= 2
    for state in ("raised", "owned", "declined", "withdrawn", "closed_unconfirmed"):
        assert states[state] > 0, state
    escalated = IssueEvent.objects.filter(org=northwind, move="escalate")
    assert escalated.exists()


def test_the_login_tables_people_have_a_live_page_and_a_real_ledger(
    northwind: Organization,
) -> None:
    cast = demo_cast(northwind)
    for person in (cast.member, cast.manager):
        work = my_work(viewer=person)
        assert work.waiting.count >= 2, person
        assert work.owe.count >= 3, person
        ledger = ledger_for(subject=Subject(person=person), window=ledger_window("all"))
        assert ledger.judged >= 15
        assert ledger.kept_share is not None and 0.5 < ledger.kept_share < 1
        assert ledger.renegotiated_in_time >= 1
        assert ledger.median_answer_hours is not None
    unit = ledger_for(subject=Subject(unit=cast.member.unit), window=ledger_window("365"))
    assert unit.issues_raised > 0 and unit.closure_rate is not None


def test_the_demo_history_is_deterministic(northwind: Organization) -> None:
    moment = dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC)
    before = Commitment.objects.count()
    demo_history_seed(northwind, now=moment)
    middle = Commitment.objects.count()
    demo_history_seed(northwind, now=moment)
    rows = list(Commitment.objects.order_by("pk").values_list("title", "state", "due_date"))
    first, second = rows[before:middle], rows[middle:]
    assert first == second and len(first) > 500


def test_synthetic_organizations_get_issues(db: Any) -> None:
    from mutuality.orgs.synthetic import synthetic_org_create

    seeded = synthetic_org_create(size="S", slug="bench-s")
    issues = Issue.objects.filter(org=seeded.org)
    assert issues.count() >= 900
    states = Counter(issues.values_list("state", flat=True))
    assert states["resolved"] > states["raised"] > 0
    assert "issue_id" in seeded.extra
    assert Issue.objects.get(pk=seeded.extra["issue_id"]).org == seeded.org
