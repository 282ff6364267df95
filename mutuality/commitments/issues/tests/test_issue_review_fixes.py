"""Issues: what the audit log may say, the 14-day rule's race, notices fixed at the move,
outsiders on their own organization's URLs, and the list's query plans."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mutuality.commitments.issues import services as issues
from mutuality.commitments.issues.notices import send_issue_notice
from mutuality.commitments.issues.selectors import issues_filtered
from mutuality.commitments.issues.tests.factories import in_state, move, move_data, raise_issue
from mutuality.commitments.issues.workflow import ISSUES
from mutuality.commitments.models import UNCONFIRMED_AFTER_DAYS, Issue, IssueMove
from mutuality.core.models import AuditEvent
from mutuality.testing import Personas, api_client_for

# --- the audit log reveals nothing the visibility rule hides ------------------------------------


def _issue_events(issue: Issue) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="commitments.issue", object_id=str(issue.pk)))


def test_the_audit_log_names_no_party_of_an_issue_raised_with_a_person(
    personas: Personas,
) -> None:
    issue = in_state(personas, "escalated")
    move(issue, personas.facilitator, "take_ownership", note="")
    events = _issue_events(issue)
    assert {e.action for e in events} >= {"issue.raise", "issue.decline", "issue.escalate"}
    party_ids = {p.pk for p in (personas.member, personas.member2, personas.facilitator)}
    for event in events:
        assert event.actor is None
        assert event.object_label == f"Issue #{issue.pk}"
        for snapshot in (event.before or {}, event.after or {}):
            assert set(snapshot) <= {"state"}
            assert not set(snapshot.values()) & party_ids


def test_the_audit_log_still_names_who_acted_on_a_unit_issue(personas: Personas) -> None:
    issue = raise_issue(personas.member, unit=personas.unit)
    move(issue, personas.member2, "take_ownership")
    actors = {e.action: e.actor for e in _issue_events(issue)}
    assert actors["issue.raise"] == personas.member.user
    assert actors["issue.take_ownership"] == personas.member2.user


# --- the 14-day rule checks the age under the lock -------------------------------------------------


def test_a_proposal_made_minutes_ago_is_not_closed_by_the_14_day_rule(
    personas: Personas, time_machine: Any
) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False)
    issue = in_state(personas, "proposed")
    later = timezone.now() + dt.timedelta(days=UNCONFIRMED_AFTER_DAYS + 1)
    time_machine.move_to(later, tick=False)
    # The raiser answers and a new proposal is made between the scan and the lock.
    issue = move(issue, personas.member, "declare_dissatisfied", note="Larger refunds wait.")
    issue = move(issue, personas.member2, "propose_resolution", resolution="All refunds, now.")
    with pytest.raises(issues.IllegalMove):
        ISSUES.make(
            obj=issue,
            actor=None,
            move=IssueMove.CLOSE_UNCONFIRMED,
            expected_version=None,
            now=later,
        )
    issue.refresh_from_db()
    assert issue.state == "proposed"
    assert issues.issue_close_unconfirmed(now=later) == 0
    assert issues.issue_close_unconfirmed(now=later + dt.timedelta(days=15)) == 1


# --- notices go to whom the move concerned, when it was made ---------------------------------------


@pytest.fixture
def queue(settings: Any) -> Any:
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.results.clear()  # type: ignore[attr-defined]
    return backend


def test_a_notice_carries_its_actor_and_recipients_from_the_moment_of_the_move(
    personas: Personas, queue: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issue = raise_issue(personas.member, unit=personas.unit)
    [queued] = queue.results
    assert queued.kwargs == {
        "issue_id": issue.pk,
        "move": "raise",
        "actor_id": personas.member.pk,
        "recipient_ids": [personas.manager.pk],
    }
    # The unit changes its lead before the worker runs: the notice still goes to the lead
    # who was asked.
    personas.unit.leads.set([personas.member2])
    assert send_issue_notice.call(**queued.kwargs) == 1
    assert [m.to for m in mail.outbox] == [[personas.manager.email]]


def test_a_move_by_the_only_person_concerned_queues_no_notice(
    personas: Personas, queue: Any, django_capture_on_commit_callbacks: Any
) -> None:
    issue = in_state(personas, "owned")
    with django_capture_on_commit_callbacks(execute=True):
        move(
            issue,
            personas.member2,
            "propose_resolution",
            **move_data(personas)["propose_resolution"],
        )
    assert [r.kwargs["recipient_ids"] for r in queue.results] == [[personas.member.pk]]


# --- an outsider on their own organization's URLs --------------------------------------------------


def test_an_outsider_using_their_own_orgs_urls_with_our_issue_id_gets_a_404(
    personas: Personas,
) -> None:
    # Raised with a unit: open to everyone in Acme, and still nothing to Globex.
    issue = raise_issue(personas.member, unit=personas.unit)
    client = personas.client_for(personas.outsider)
    theirs = personas.other_org.slug
    detail = reverse("issues:detail", kwargs={"org": theirs, "pk": issue.pk})
    moves = reverse("issues:move", kwargs={"org": theirs, "pk": issue.pk, "move": "withdraw"})
    assert client.get(detail).status_code == 404
    assert client.post(moves, {"version": issue.version}).status_code == 404
    api = api_client_for(personas.outsider)
    assert api.get(f"/api/v1/issues/{issue.pk}").status_code == 404
    response = api.post(
        f"/api/v1/issues/{issue.pk}/moves/take_ownership",
        data=json.dumps({"expected_version": issue.version}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert api.get("/api/v1/issues?state=all").json()["count"] == 0
    assert Issue.objects.get(pk=issue.pk).state == "raised"


# --- the list reads indexes, not the organization --------------------------------------------------


def _plan(queryset: Any) -> str:
    """The query plan. PostgreSQL prefers a sequential scan on a tiny test table whatever the
    indexes, so there we ask it to use them if it can: a missing index still shows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return str(queryset.explain())


@pytest.mark.parametrize("state", ["open", "all", "closed"])
@pytest.mark.parametrize("role", ["", "mine", "waiting"])
def test_the_issue_lists_read_through_indexes(personas: Personas, role: str, state: str) -> None:
    raise_issue(personas.member, unit=personas.unit)
    raise_issue(personas.member, personas.member2)
    plan = _plan(issues_filtered(viewer=personas.member2, role=role, state=state)[:25])
    scans = [
        line
        for line in plan.splitlines()
        if ("SCAN commitments_issue" in line and "INDEX" not in line)
        or "Seq Scan on commitments_issue" in line
    ]
    assert scans == [], plan


def test_the_list_shows_unit_issues_and_only_ones_own_private_issues(
    personas: Personas,
) -> None:
    unit_issue = raise_issue(personas.member, unit=personas.unit)
    private = raise_issue(personas.member, personas.member2)
    escalated = in_state(personas, "escalated")
    seen = {i.pk for i in issues_filtered(viewer=personas.facilitator, state="all")}
    assert seen == {unit_issue.pk, escalated.pk}
    assert private.pk in {i.pk for i in issues_filtered(viewer=personas.member2, state="all")}
    assert private.pk not in {i.pk for i in issues_filtered(viewer=personas.admin, state="all")}


@pytest.mark.parametrize("state", ["open", "all"])
def test_the_default_list_finds_private_issues_through_each_party_index(
    personas: Personas, state: str
) -> None:
    raise_issue(personas.member, personas.member2)
    plan = _plan(issues_filtered(viewer=personas.member2, state=state)[:25])
    for index in (
        "issue_raiser_raised",
        "issue_addressee_raised",
        "issue_owner_raised",
        "issue_facilitator_raised",
    ):
        if connection.vendor == "sqlite":
            assert f"INDEX {index} (org_id=? AND" in plan, plan
        else:  # PostgreSQL picks among several fitting indexes; none may be a full scan
            assert "Seq Scan on commitments_issue" not in plan, plan
