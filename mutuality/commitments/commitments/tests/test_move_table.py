"""The full move table: every state × every move × every kind of person.

The expected table is written out here by hand, independently of `machine.TABLE`, so a
change to the machine that is not also a deliberate change here fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from mutuality.commitments.commitments.tests.factories import MOVE_DATA, in_state, move
from mutuality.commitments.commitments.workflow import ANSWER_MOVES, IllegalMove, NotYourMove
from mutuality.commitments.models import Commitment, CommitmentEvent
from mutuality.orgs.models import Person
from mutuality.testing import Personas

VARIANTS = [
    "requested",
    "offered",
    "countered",
    "deferred",
    "promised",
    "promised_proposed_by_requester",
    "promised_proposed_by_performer",
    "completed",
    "satisfied",
    "declined",
    "cancelled",
    "revoked",
    "unit_requested",
]
# Who tries each move. For person commitments: member (requester), member2 (performer),
# manager (leads the performer's unit: no say in a person's commitment), facilitator (a
# third party). For the unit request: admin (requester), member2 and manager (a member and
# the lead of the unit asked), facilitator (third party).
ACTORS = ["requester", "performer", "unit_lead", "third_party"]

R, P, L = "requester", "performer", "unit_lead"
EXPECTED: dict[str, dict[str, tuple[set[str], str]]] = {
    "requested": {
        "promise": ({P}, "promised"),
        "decline": ({P}, "declined"),
        "counter": ({P}, "countered"),
        "commit_to_commit": ({P}, "deferred"),
        "cancel": ({R}, "cancelled"),
    },
    "deferred": {
        "promise": ({P}, "promised"),
        "decline": ({P}, "declined"),
        "counter": ({P}, "countered"),
        "cancel": ({R}, "cancelled"),
    },
    "countered": {
        "accept_counter": ({R}, "promised"),
        "reject_counter": ({R}, "requested"),
        "cancel": ({R}, "cancelled"),
    },
    "offered": {
        "accept_offer": ({R}, "promised"),
        "decline_offer": ({R}, "declined"),
        "revoke": ({P}, "revoked"),
    },
    "promised": {
        "declare_complete": ({P}, "completed"),
        "propose_renegotiation": ({R, P}, "promised"),
        "cancel": ({R}, "cancelled"),
        "revoke": ({P}, "revoked"),
    },
    "promised_proposed_by_requester": {
        "declare_complete": ({P}, "completed"),
        "accept_renegotiation": ({P}, "promised"),
        "reject_renegotiation": ({P}, "promised"),
        "cancel": ({R}, "cancelled"),
        "revoke": ({P}, "revoked"),
    },
    "promised_proposed_by_performer": {
        "declare_complete": ({P}, "completed"),
        "accept_renegotiation": ({R}, "promised"),
        "reject_renegotiation": ({R}, "promised"),
        "cancel": ({R}, "cancelled"),
        "revoke": ({P}, "revoked"),
    },
    "completed": {
        "declare_satisfied": ({R}, "satisfied"),
        "declare_dissatisfied": ({R}, "promised"),
    },
    "satisfied": {},
    "declined": {},
    "cancelled": {},
    "revoked": {},
    "unit_requested": {
        "promise": ({P, L}, "promised"),
        # A decline closes a unit's request for the whole unit: only its leads decide that.
        "decline": ({L}, "declined"),
        "counter": ({P, L}, "countered"),
        "commit_to_commit": ({P, L}, "deferred"),
        "cancel": ({R}, "cancelled"),
    },
}


def actor_for(p: Personas, variant: str, who: str) -> Person:
    if variant == "unit_requested":
        return {"requester": p.admin, "performer": p.member2, "unit_lead": p.manager}.get(
            who, p.facilitator
        )
    return {"requester": p.member, "performer": p.member2, "unit_lead": p.manager}.get(
        who, p.facilitator
    )


def state_of(c: Commitment) -> dict[str, Any]:
    fresh = Commitment.objects.get(pk=c.pk)
    return {**model_to_dict(fresh), "events": CommitmentEvent.objects.filter(commitment=c).count()}


class Rollback(Exception):
    pass


def test_the_expected_table_covers_every_move_the_machine_knows() -> None:
    assert set(ANSWER_MOVES) == set(MOVE_DATA)
    for moves in EXPECTED.values():
        assert set(moves) <= set(ANSWER_MOVES)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("move_name", ANSWER_MOVES)
def test_every_move_in_every_state_by_every_person(
    personas: Personas, variant: str, move_name: str
) -> None:
    c = in_state(personas, variant)
    allowed, to_state = EXPECTED[variant].get(move_name, (set(), ""))
    for who in ACTORS:
        actor = actor_for(personas, variant, who)
        before = state_of(c)
        if who in allowed:
            try:
                with transaction.atomic():
                    after = move(c, actor, move_name, **MOVE_DATA[move_name])
                    assert after.state == to_state, (variant, move_name, who)
                    assert after.version == c.version + 1
                    event = CommitmentEvent.objects.filter(commitment=c).latest("id")
                    assert (event.move, event.actor_id) == (move_name, actor.pk)
                    assert (event.from_state, event.to_state) == (c.state, to_state)
                    assert (after.closed_at is not None) == (not after.is_open)
                    if who != "requester":
                        assert after.performer_id is not None
                    raise Rollback
            except Rollback:
                pass
        else:
            expected_error = NotYourMove if allowed else IllegalMove
            with pytest.raises(expected_error) as info:
                move(c, actor, move_name, **MOVE_DATA[move_name])
            if not allowed:
                assert not isinstance(info.value, NotYourMove), (variant, move_name, who)
            assert info.value.messages[0].endswith("."), info.value.messages
            assert state_of(c) == before, (variant, move_name, who)


def test_the_first_unit_member_to_answer_becomes_the_performer(personas: Personas) -> None:
    c = in_state(personas, "unit_requested")
    assert c.performer_id is None
    c = move(c, personas.member2, "commit_to_commit", **MOVE_DATA["commit_to_commit"])
    assert c.performer_id == personas.member2.pk
    with pytest.raises(NotYourMove, match="Only the performer \\(Noah Member\\) can promise"):
        move(c, personas.manager, "promise")
    assert move(c, personas.member2, "promise").state == "promised"


def test_a_requester_in_the_unit_asked_cannot_answer_their_own_request(
    personas: Personas,
) -> None:
    from mutuality.commitments.commitments.tests.factories import request

    c = request(personas.member, unit=personas.unit)
    with pytest.raises(NotYourMove):
        move(c, personas.member, "promise")
    assert move(c, personas.member2, "promise").performer_id == personas.member2.pk


def test_a_unit_member_cannot_decline_a_unit_request_but_its_lead_can(
    personas: Personas,
) -> None:
    c = in_state(personas, "unit_requested")
    with pytest.raises(NotYourMove, match="Only a lead of Support can decline"):
        move(c, personas.member2, "decline", reason="Not for us")
    c.refresh_from_db()
    assert (c.state, c.performer_id) == ("requested", None)
    declined = move(c, personas.manager, "decline", reason="Not for us")
    assert (declined.state, declined.performer_id) == ("declined", personas.manager.pk)


def test_a_member_who_said_when_they_will_answer_still_leaves_declining_to_the_leads(
    personas: Personas,
) -> None:
    # "Answer later" makes them the one who answers, not the one who speaks for the unit:
    # otherwise any member could decline for the unit in two clicks.
    c = in_state(personas, "unit_requested")
    c = move(c, personas.member2, "commit_to_commit", **MOVE_DATA["commit_to_commit"])
    with pytest.raises(NotYourMove, match="Only a lead of Support can decline"):
        move(c, personas.member2, "decline", reason="Cannot after all")
    c.refresh_from_db()
    assert c.state == "deferred"
    declined = move(c, personas.manager, "decline", reason="Not for us after all")
    assert (declined.state, declined.performer_id) == ("declined", personas.member2.pk)


def test_a_member_who_promised_a_unit_request_may_revoke_but_the_lead_cannot_decline(
    personas: Personas,
) -> None:
    c = move(in_state(personas, "unit_requested"), personas.member2, "promise")
    with pytest.raises(IllegalMove):
        move(c, personas.manager, "decline", reason="Too late for that")
    assert move(c, personas.member2, "revoke", note="Ill this week").state == "revoked"


def test_a_rejected_counter_offer_gives_a_unit_request_back_to_the_whole_unit(
    personas: Personas,
) -> None:
    c = in_state(personas, "unit_requested")
    c = move(c, personas.member2, "counter", **MOVE_DATA["counter"])
    assert c.performer_id == personas.member2.pk
    c = move(c, personas.admin, "reject_counter", note="I need it as asked.")
    assert (c.state, c.performer_id) == ("requested", None)
    assert move(c, personas.manager, "promise").performer_id == personas.manager.pk


def test_every_move_writes_one_audit_event(personas: Personas) -> None:
    from mutuality.core.models import AuditEvent

    c = in_state(personas, "requested")
    before = AuditEvent.objects.count()
    moved = move(c, personas.member2, "promise")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "commitment.promise"
    assert event.object_id == str(c.pk)
    assert event.org_id == personas.org.pk
    assert event.before == {"state": "requested", "due_date": c.due_date.isoformat()}
    assert event.after == {"state": "promised", "due_date": moved.due_date.isoformat()}
    # A commitment between two people is theirs alone; admins read the audit log.
    assert (event.actor, event.actor_label, event.object_label) == (
        None,
        "system",
        f"Commitment #{c.pk}",
    )


def test_a_unit_requests_audit_events_name_who_moved_it(personas: Personas) -> None:
    from mutuality.core.models import AuditEvent

    c = move(in_state(personas, "unit_requested"), personas.member2, "promise")
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.object_label) == (
        "commitment.promise",
        personas.member2.user,
        c.title,
    )


def test_a_commitments_history_cannot_be_rewritten(personas: Personas) -> None:
    from mutuality.commitments.models import CommitmentEvent

    event = CommitmentEvent.objects.filter(commitment=in_state(personas, "promised")).last()
    assert event is not None
    event.note = "Never promised"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
