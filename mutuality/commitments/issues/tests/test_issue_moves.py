"""The issue state machine: every legal and illegal move, escalation, and the 14-day rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutuality.commitments.issues import services as issues
from mutuality.commitments.issues.tests.factories import in_state, move, move_data, raise_issue
from mutuality.commitments.issues.workflow import (
    ISSUES,
    PERSON_MOVES,
    IllegalMove,
    NotYourMove,
    StaleVersion,
)
from mutuality.commitments.models import Issue, IssueEvent, IssueState
from mutuality.core.models import AuditEvent
from mutuality.orgs.models import Person, Role
from mutuality.orgs.services import person_create
from mutuality.testing import Personas

S = IssueState

# state → move → who may make it (a persona name) and where it leads. Written out by hand,
# independently of the declarations in issues/workflow.py, so that a change to the rules
# shows up here.
EXPECTED: dict[str, dict[str, tuple[str, str]]] = {
    "raised": {
        "take_ownership": ("member2", "owned"),
        "decline": ("member2", "declined"),
        "withdraw": ("member", "withdrawn"),
    },
    "owned": {
        "propose_resolution": ("member2", "proposed"),
        "decline": ("member2", "declined"),
        "withdraw": ("member", "withdrawn"),
    },
    "proposed": {
        "declare_satisfied": ("member", "resolved"),
        "declare_dissatisfied": ("member", "owned"),
        "withdraw": ("member", "withdrawn"),
    },
    "declined": {
        "escalate": ("member", "escalated"),
        "withdraw": ("member", "withdrawn"),
    },
    "escalated": {
        "take_ownership": ("facilitator", "owned"),
        "decline": ("facilitator", "declined_final"),
        "withdraw": ("member", "withdrawn"),
    },
    "resolved": {},
    "withdrawn": {},
    "declined_final": {},
}
MOVES = list(PERSON_MOVES)
ACTORS = ["member", "member2", "manager", "admin", "facilitator"]
CASES = [(state, move_name, actor) for state in EXPECTED for move_name in MOVES for actor in ACTORS]


def test_the_expected_table_matches_the_rules() -> None:
    for state, moves in EXPECTED.items():
        declared = {m.name for m in ISSUES.person_moves if state in m.sources}
        assert declared == set(moves), state


@pytest.mark.parametrize(("state", "move_name", "actor"), CASES)
def test_each_move_is_legal_exactly_for_the_right_person_in_the_right_state(
    personas: Personas, state: str, move_name: str, actor: str
) -> None:
    issue = in_state(personas, state)
    person: Person = getattr(personas, actor)
    data = move_data(personas)[move_name]
    events_before = IssueEvent.objects.filter(issue=issue).count()
    expected = EXPECTED[state].get(move_name)
    if expected is not None and expected[0] == actor:
        moved = move(issue, person, move_name, **data)
        assert moved.state == expected[1]
        assert moved.version == issue.version + 1
        assert IssueEvent.objects.filter(issue=issue).count() == events_before + 1
    else:
        with pytest.raises(IllegalMove):
            move(issue, person, move_name, **data)
        fresh = Issue.objects.get(pk=issue.pk)
        assert (fresh.state, fresh.version) == (issue.state, issue.version)
        assert IssueEvent.objects.filter(issue=issue).count() == events_before


def test_a_refusal_says_who_may_make_the_move(personas: Personas) -> None:
    issue = in_state(personas, "proposed")
    with pytest.raises(NotYourMove) as refused:
        move(issue, personas.member2, "declare_satisfied")
    assert "Mia Member" in refused.value.detail
    assert refused.value.status_code == 403


def test_a_move_in_the_wrong_state_says_what_state_the_issue_is_in(personas: Personas) -> None:
    issue = in_state(personas, "raised")
    with pytest.raises(IllegalMove) as refused:
        move(issue, personas.member, "declare_satisfied")
    assert refused.value.status_code == 409
    assert "waiting for an owner" in refused.value.detail


def test_a_closed_issue_refuses_every_move(personas: Personas) -> None:
    issue = in_state(personas, "resolved")
    for name in MOVES:
        with pytest.raises(IllegalMove, match="already closed"):
            move(issue, personas.member, name, **move_data(personas)[name])


def test_the_raiser_cannot_take_their_own_issue(personas: Personas) -> None:
    issue = raise_issue(personas.member, unit=personas.unit)
    with pytest.raises(NotYourMove, match="someone else"):
        move(issue, personas.member, "take_ownership")


def test_anyone_in_the_unit_or_leading_it_may_take_a_unit_issue(personas: Personas) -> None:
    for taker in (personas.member2, personas.manager):
        issue = raise_issue(personas.member, unit=personas.unit)
        assert move(issue, taker, "take_ownership").owner == taker
    issue = raise_issue(personas.member, unit=personas.unit)
    for outsider_to_unit in (personas.admin, personas.facilitator):
        with pytest.raises(NotYourMove, match="member or lead of Support"):
            move(issue, outsider_to_unit, "take_ownership")


def test_a_stale_move_is_refused_and_changes_nothing(personas: Personas) -> None:
    issue = in_state(personas, "owned")
    stale_version = issue.version
    move(issue, personas.member2, "propose_resolution", resolution="First idea.")
    with pytest.raises(StaleVersion):
        issues.issue_move(
            issue=issue,
            actor=personas.member,
            move="withdraw",
            expected_version=stale_version,
        )
    assert Issue.objects.get(pk=issue.pk).state == S.PROPOSED


def test_required_text_is_named_and_nothing_changes(personas: Personas) -> None:
    cases: list[tuple[str, str, Person, str]] = [
        ("owned", "propose_resolution", personas.member2, "resolution"),
        ("raised", "decline", personas.member2, "reason"),
        ("proposed", "declare_dissatisfied", personas.member, "note"),
    ]
    for state, name, actor, field in cases:
        issue = in_state(personas, state)
        with pytest.raises(ValidationError) as refused:
            issues.issue_move(
                issue=issue, actor=actor, move=name, expected_version=issue.version, **{field: "  "}
            )
        assert field in refused.value.message_dict
        assert Issue.objects.get(pk=issue.pk).version == issue.version


def test_an_unknown_move_is_refused(personas: Personas) -> None:
    issue = in_state(personas, "raised")
    for name in ("raise", "close_unconfirmed", "explode"):
        with pytest.raises(IllegalMove):
            move(issue, personas.member2, name)


# --- raising ----------------------------------------------------------------------------------


def test_raising_records_the_issue_its_first_event_and_an_audit_entry(personas: Personas) -> None:
    issue = raise_issue(personas.member, personas.manager, title="  Rota decided without us  ")
    assert issue.title == "Rota decided without us"
    assert issue.state == S.OPEN and issue.version == 1
    event = IssueEvent.objects.get(issue=issue)
    assert (event.move, event.actor, event.to_state) == ("raise", personas.member, "raised")
    audit = AuditEvent.objects.get(action="issue.raise")
    # The audit log names the issue by number, not by its (possibly personal) title.
    assert audit.object_label == f"Issue #{issue.pk}"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Bad\x00byte"}, "title"),
        ({"addressee": None}, "addressee"),
        ({"unit": "unit"}, "unit"),
        ({"addressee": "member"}, "addressee"),
        ({"addressee": "outsider"}, "addressee"),
    ],
)
def test_raising_refuses_bad_input_naming_the_field(
    personas: Personas, kwargs: dict[str, Any], field: str
) -> None:
    args: dict[str, Any] = {"title": "A tension", "addressee": personas.member2, "unit": None}
    for key, value in kwargs.items():
        args[key] = getattr(personas, value) if value in ("unit", "member", "outsider") else value
    with pytest.raises(ValidationError) as refused:
        issues.issue_raise(org=personas.org, raiser=personas.member, **args)
    assert field in refused.value.message_dict
    assert not Issue.objects.exists()


def test_raising_with_a_retired_unit_is_refused(personas: Personas) -> None:
    personas.other_unit.is_active = False
    personas.other_unit.save()
    with pytest.raises(ValidationError) as refused:
        raise_issue(personas.member, unit=personas.other_unit)
    assert "unit" in refused.value.message_dict


# --- the full loops -------------------------------------------------------------------------------


def test_dissatisfaction_sends_it_back_until_the_raiser_is_satisfied(personas: Personas) -> None:
    issue = in_state(personas, "proposed")
    issue = move(issue, personas.member, "declare_dissatisfied", note="Larger refunds still wait.")
    assert issue.state == S.OWNED and issue.proposed_at is None
    issue = move(issue, personas.member2, "propose_resolution", resolution="All refunds, direct.")
    issue = move(issue, personas.member, "declare_satisfied")
    assert issue.state == S.RESOLVED and issue.closed_at is not None
    assert issue.resolution == "All refunds, direct."
    moves = list(IssueEvent.objects.filter(issue=issue).values_list("move", flat=True))
    assert moves == [
        "raise",
        "take_ownership",
        "propose_resolution",
        "declare_dissatisfied",
        "propose_resolution",
        "declare_satisfied",
    ]


def test_a_declined_issue_goes_to_a_facilitator_who_can_resolve_it(personas: Personas) -> None:
    issue = in_state(personas, "escalated")
    assert issue.facilitator == personas.facilitator and issue.owner is None
    assert issue.decline_reason == "This belongs with Finance."
    issue = move(issue, personas.facilitator, "take_ownership")
    assert issue.owner == personas.facilitator
    issue = move(issue, personas.facilitator, "propose_resolution", resolution="A joint review.")
    issue = move(issue, personas.member, "declare_satisfied")
    assert issue.state == S.RESOLVED


def test_a_decline_after_the_escalation_closes_the_issue(personas: Personas) -> None:
    issue = in_state(personas, "escalated")
    issue = move(issue, personas.facilitator, "decline", reason="Not something I can change.")
    assert (issue.state, issue.closed_at is not None) == (S.DECLINED_FINAL, True)
    with pytest.raises(IllegalMove, match="already closed"):
        move(issue, personas.member, "escalate", facilitator=personas.facilitator)
    assert ISSUES.legal_moves(issue, personas.member) == []


def test_a_facilitator_who_took_the_issue_on_and_then_declines_closes_it(
    personas: Personas,
) -> None:
    issue = move(in_state(personas, "escalated"), personas.facilitator, "take_ownership")
    issue = move(issue, personas.facilitator, "decline", reason="Outside what I can do.")
    assert issue.state == S.DECLINED_FINAL


def test_a_first_decline_waits_for_the_raiser_and_a_final_one_does_not(
    personas: Personas,
) -> None:
    from mutuality.commitments.issues.selectors import issues_waiting_count

    issue = in_state(personas, "declined")
    assert issues_waiting_count(viewer=personas.member) == 1
    issue = move(issue, personas.member, "escalate", facilitator=personas.facilitator)
    assert issues_waiting_count(viewer=personas.member) == 0
    assert issues_waiting_count(viewer=personas.facilitator) == 1
    move(issue, personas.facilitator, "decline", reason="Not something I can change.")
    assert issues_waiting_count(viewer=personas.member) == 0
    assert issues_waiting_count(viewer=personas.facilitator) == 0


@pytest.mark.parametrize("who", ["none", "member", "outsider", "inactive", "owner"])
def test_escalation_needs_a_facilitator_of_the_organization(personas: Personas, who: str) -> None:
    issue = in_state(personas, "declined")
    candidate: Person | None
    if who == "none":
        candidate = None
    elif who == "inactive":
        candidate = person_create(
            org=personas.org,
            actor=None,
            name="Old Coach",
            email="old.coach@acme.test",
            role=Role.FACILITATOR,
        )
        candidate.is_active = False
        candidate.save()
    elif who == "owner":
        # The person who declined it cannot be its facilitator, even with that role.
        personas.member2.role = Role.FACILITATOR
        personas.member2.save()
        candidate = personas.member2
    else:
        candidate = getattr(personas, who)
    with pytest.raises(ValidationError) as refused:
        move(issue, personas.member, "escalate", facilitator=candidate)
    assert "facilitator" in refused.value.message_dict
    assert Issue.objects.get(pk=issue.pk).state == S.DECLINED


def test_the_facilitator_sees_an_escalated_person_to_person_issue(personas: Personas) -> None:
    from mutuality.commitments.issues.selectors import issue_for_viewer

    issue = in_state(personas, "declined")
    with pytest.raises(Http404):
        issue_for_viewer(viewer=personas.facilitator, pk=issue.pk)
    move(issue, personas.member, "escalate", facilitator=personas.facilitator)
    assert issue_for_viewer(viewer=personas.facilitator, pk=issue.pk).pk == issue.pk


# --- the 14-day rule -------------------------------------------------------------------------------


def test_a_proposal_left_unanswered_for_14_days_closes_without_confirmation(
    personas: Personas, time_machine: Any
) -> None:
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    waiting = in_state(personas, "proposed")
    answered = in_state(personas, "proposed")
    time_machine.move_to(start + dt.timedelta(days=2), tick=False)
    move(answered, personas.member, "declare_dissatisfied", note="Not yet.")

    time_machine.move_to(start + dt.timedelta(days=14) - dt.timedelta(seconds=1), tick=False)
    assert issues.issue_close_unconfirmed() == 0
    assert Issue.objects.get(pk=waiting.pk).state == S.PROPOSED

    time_machine.move_to(start + dt.timedelta(days=14), tick=False)
    assert issues.issue_close_unconfirmed() == 1
    closed = Issue.objects.get(pk=waiting.pk)
    assert closed.state == S.CLOSED_UNCONFIRMED
    assert closed.closed_at == start + dt.timedelta(days=14)
    last = IssueEvent.objects.filter(issue=closed).last()
    assert last is not None and last.actor is None and last.move == "close_unconfirmed"
    assert Issue.objects.get(pk=answered.pk).state == S.OWNED
    # Running again changes nothing.
    assert issues.issue_close_unconfirmed() == 0


def test_answering_on_the_last_day_keeps_the_issue_open(
    personas: Personas, time_machine: Any
) -> None:
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    issue = in_state(personas, "proposed")
    time_machine.move_to(start + dt.timedelta(days=13, hours=23), tick=False)
    move(issue, personas.member, "declare_satisfied")
    time_machine.move_to(start + dt.timedelta(days=15), tick=False)
    assert issues.issue_close_unconfirmed() == 0
    assert Issue.objects.get(pk=issue.pk).state == S.RESOLVED


# --- notices -----------------------------------------------------------------------------------------


def test_the_people_concerned_are_emailed_after_each_move(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issue = raise_issue(personas.member, unit=personas.unit)
    # A unit issue goes to the unit's leads.
    assert [m.to for m in mail.outbox] == [["max@acme.test"]]
    assert "Mia Member raised an issue with Support" in mail.outbox[0].body
    assert f"/o/acme/issues/{issue.pk}/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        issue = move(issue, personas.member2, "take_ownership")
        issue = move(issue, personas.member2, "propose_resolution", resolution="Secret plan")
    assert [m.to for m in mail.outbox[1:]] == [["mia@acme.test"], ["mia@acme.test"]]
    # Emails carry names, titles and links only, never what was written.
    assert all("Secret plan" not in m.body for m in mail.outbox)
    assert all("Customers call back" not in m.body for m in mail.outbox)


# --- any sequence of moves keeps the issue consistent ----------------------------------------------

SEQUENCE = st.lists(
    st.tuples(st.sampled_from(ACTORS), st.sampled_from(MOVES)), min_size=1, max_size=12
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=SEQUENCE)
def test_any_sequence_of_moves_keeps_the_history_consistent(
    personas: Personas, steps: list[tuple[str, str]]
) -> None:
    data = move_data(personas)
    issue = raise_issue(personas.member, unit=personas.unit)
    for actor, name in steps:
        try:
            issue = move(issue, getattr(personas, actor), name, **data[name])
        except IllegalMove:
            continue
    fresh = Issue.objects.get(pk=issue.pk)
    events = list(IssueEvent.objects.filter(issue=fresh).order_by("at", "id"))
    assert fresh.version == len(events)
    assert events[0].from_state == ""
    for before, after in zip(events, events[1:], strict=False):
        assert after.from_state == before.to_state
        assert ISSUES.allows(after.move, before.to_state, after.to_state)
    assert events[-1].to_state == fresh.state
    assert (fresh.closed_at is not None) == (not fresh.is_open)
    assert fresh.owner_id != fresh.raiser_id


def test_an_issues_history_cannot_be_rewritten(personas: Personas) -> None:
    event = IssueEvent.objects.filter(issue=in_state(personas, "owned")).first()
    assert event is not None
    event.note = "Something else"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
