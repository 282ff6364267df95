"""Random conversations: any sequence of moves, by anyone, with stale versions and bad
fields thrown in, never leaves a commitment inconsistent, and a closed one takes no move."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from mutuality.commitments.commitments import services
from mutuality.commitments.commitments.tests.factories import MOVE_DATA, days
from mutuality.commitments.commitments.workflow import (
    ANSWER_MOVES,
    COMMITMENTS,
    IllegalMove,
    StaleVersion,
)
from mutuality.commitments.models import TERMINAL_STATES, Commitment, CommitmentEvent
from mutuality.testing import Personas


def snapshot(c: Commitment) -> dict[str, Any]:
    row = Commitment.objects.get(pk=c.pk)
    return {**model_to_dict(row), "events": CommitmentEvent.objects.filter(commitment=c).count()}


def test_random_move_sequences_keep_every_commitment_consistent(personas: Personas) -> None:
    p = personas
    people = [p.member, p.member2, p.manager, p.facilitator, p.admin]

    class Conversation(RuleBasedStateMachine):
        c: Commitment

        @initialize(start=st.sampled_from(["request", "unit_request", "offer", "self"]))
        def begin(self, start: str) -> None:
            common: dict[str, Any] = {
                "org": p.org,
                "title": "Something",
                "conditions": "Done when done.",
                "due_date": days(10),
            }
            if start == "request":
                self.c = services.commitment_request(
                    requester=p.member, performer=p.member2, **common
                )
            elif start == "unit_request":
                self.c = services.commitment_request(
                    requester=p.admin, performer_unit=p.unit, **common
                )
            elif start == "offer":
                self.c = services.commitment_offer(
                    performer=p.member2, requester=p.member, **common
                )
            else:
                self.c = services.commitment_self_commit(
                    performer=p.member2, beneficiary=p.member, **common
                )

        @rule(
            move=st.sampled_from(ANSWER_MOVES),
            who=st.integers(0, len(people) - 1),
            stale=st.sampled_from([False, False, False, True]),
            due_in=st.one_of(st.none(), st.integers(-3, 40)),
            answer_in=st.one_of(st.none(), st.integers(-2, 15)),
            terms=st.sampled_from(["", "  ", "Other conditions."]),
            text=st.sampled_from(["", "  ", "Because."]),
        )
        def make_a_move(
            self,
            move: str,
            who: int,
            stale: bool,
            due_in: int | None,
            answer_in: int | None,
            terms: str,
            text: str,
        ) -> None:
            actor = people[who]
            before = snapshot(self.c)
            was_open = self.c.state not in TERMINAL_STATES
            version = self.c.version - 1 if stale else self.c.version
            try:
                moved = services.commitment_move(
                    commitment=self.c,
                    actor=actor,
                    move=move,
                    expected_version=version,
                    note=text,
                    reason=text,
                    terms=terms,
                    due_date=days(due_in) if due_in is not None else None,
                    answer_by=days(answer_in) if answer_in is not None else None,
                )
            except IllegalMove as refusal:
                assert snapshot(self.c) == before
                assert isinstance(refusal, StaleVersion) == stale
            except ValidationError as error:
                assert snapshot(self.c) == before
                assert hasattr(error, "error_dict"), error
            else:
                assert not stale and was_open
                assert moved.version == before["version"] + 1
                self.c = moved

        @rule(data=st.data())
        def make_a_legal_move(self, data: st.DataObject) -> None:
            # Steer towards long, valid conversations as well as random noise.
            options = [
                (person, move)
                for person in people
                for move in COMMITMENTS.legal_moves(self.c, person)
            ]
            if not options:
                return
            person, move = data.draw(st.sampled_from(options))
            fields = dict(MOVE_DATA[move])
            if move in ("counter", "propose_renegotiation"):
                fields["due_date"] = self.c.due_date + dt.timedelta(
                    days=data.draw(st.integers(1, 20))
                )
            if move == "commit_to_commit":
                fields["answer_by"] = min(days(2), self.c.due_date)
            before_version = self.c.version
            self.c = services.commitment_move(
                commitment=self.c,
                actor=person,
                move=move,
                expected_version=before_version,
                **fields,
            )
            assert self.c.version == before_version + 1

        @invariant()
        def consistent(self) -> None:
            if not hasattr(self, "c"):
                return
            c = Commitment.objects.get(pk=self.c.pk)
            events = list(CommitmentEvent.objects.filter(commitment=c).order_by("at", "id"))
            # One event per version, chained state to state and due date to due date.
            assert len(events) == c.version
            assert events[0].from_state == ""
            for previous, event in zip(events, events[1:], strict=False):
                assert event.from_state == previous.to_state
                assert event.previous_due_date == previous.due_date
            assert events[-1].to_state == c.state
            assert events[-1].due_date == c.due_date
            # Closed exactly when terminal; nothing pending on a closed commitment.
            assert (c.closed_at is not None) == (c.state in TERMINAL_STATES)
            assert (c.answer_by is not None) == (c.state == "deferred")
            counter_pending = c.counter_due_date is not None or bool(c.counter_terms)
            assert counter_pending == (c.state == "countered")
            # New terms are pending from a proposal until answered or overtaken.
            pending = False
            for event in events:
                if event.move == "propose_renegotiation":
                    pending = True
                elif (
                    event.move
                    in (
                        "accept_renegotiation",
                        "reject_renegotiation",
                        "declare_complete",
                    )
                    or event.to_state in TERMINAL_STATES
                ):
                    pending = False
            assert (c.proposed_by_id is not None) == pending
            if c.proposed_by_id is not None:
                assert c.state == "promised"
                assert c.proposed_by_id in (c.requester_id, c.performer_id)
            if c.state in ("promised", "completed", "satisfied", "revoked"):
                assert c.performer_id is not None
            if c.state in ("promised", "completed", "satisfied"):
                assert c.promised_at is not None
            if c.state == "completed":
                assert c.completed_at is not None
            if c.state == "satisfied":
                # Kept only through the requester's declaration after a completion.
                assert events[-1].move == "declare_satisfied"
                assert events[-1].actor_id == c.requester_id
                assert events[-2].to_state == "completed"
            if c.state in TERMINAL_STATES:
                for person in people:
                    assert COMMITMENTS.legal_moves(c, person) == []
            assert c.requester_id != c.performer_id

    run_state_machine_as_test(
        Conversation,
        settings=settings(max_examples=40, stateful_step_count=20, deadline=None, derandomize=True),
    )


def test_a_move_on_a_closed_commitment_never_changes_it(personas: Personas) -> None:
    c = services.commitment_request(
        org=personas.org,
        requester=personas.member,
        performer=personas.member2,
        title="x",
        conditions="y",
        due_date=days(3),
    )
    c = services.commitment_move(
        commitment=c, actor=personas.member, move="cancel", expected_version=1
    )
    before = snapshot(c)
    for move in ANSWER_MOVES:
        for person in (personas.member, personas.member2):
            try:
                services.commitment_move(
                    commitment=c,
                    actor=person,
                    move=move,
                    expected_version=c.version,
                    note="n",
                    reason="r",
                    due_date=days(5),
                    answer_by=days(2),
                    terms="t",
                )
            except IllegalMove as refusal:
                assert "already closed" in refusal.detail
            else:
                raise AssertionError(f"{move} was allowed on a closed commitment")
    assert snapshot(c) == before
