"""When a due date passes before anyone promised: no promise that is overdue at birth.

And "overdue" means one thing everywhere (the badge, the lists, the ledger): a promise,
delivered or not, whose date has passed before the requester declared satisfied.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mutuality.commitments.commitments.selectors import my_work, my_work_counts
from mutuality.commitments.commitments.tests.factories import days, move, request
from mutuality.commitments.commitments.workflow import COMMITMENTS, IllegalMove
from mutuality.commitments.models import Commitment
from mutuality.testing import Personas


def travel_to(time_machine: Any, day: dt.date) -> None:
    time_machine.move_to(dt.datetime.combine(day, dt.time(12)))


def moves_of(c: Commitment, person: Any) -> list[str]:
    c.refresh_from_db()
    return COMMITMENTS.legal_moves(c, person)


def unchanged(c: Commitment) -> tuple[str, int, dt.date]:
    fresh = Commitment.objects.get(pk=c.pk)
    return fresh.state, fresh.version, fresh.due_date


def test_a_request_whose_date_passed_can_be_countered_but_not_promised(
    personas: Personas, time_machine: Any
) -> None:
    c = request(personas.member, personas.member2, due=2)
    travel_to(time_machine, days(3))
    assert "promise" not in moves_of(c, personas.member2)
    assert "counter" in moves_of(c, personas.member2)
    before = unchanged(c)
    with pytest.raises(IllegalMove, match="has passed: counter-offer a new date"):
        move(c, personas.member2, "promise")
    assert unchanged(c) == before
    c.refresh_from_db()
    c = move(c, personas.member2, "counter", due_date=days(10), terms="")
    assert move(c, personas.member, "accept_counter").due_date == days(10)


def test_a_counter_offer_whose_date_passed_cannot_be_accepted(
    personas: Personas, time_machine: Any
) -> None:
    c = move(
        request(personas.member, personas.member2, due=2),
        personas.member2,
        "counter",
        due_date=days(4),
        terms="",
    )
    travel_to(time_machine, days(5))
    assert "accept_counter" not in moves_of(c, personas.member)
    before = unchanged(c)
    with pytest.raises(IllegalMove, match="counter-offer's due date .* has passed"):
        move(c, personas.member, "accept_counter")
    assert unchanged(c) == before
    c.refresh_from_db()
    assert move(c, personas.member, "reject_counter", note="").state == "requested"


def test_a_counter_of_new_conditions_only_is_judged_by_the_due_date_in_force(
    personas: Personas, time_machine: Any
) -> None:
    c = move(
        request(personas.member, personas.member2, due=2),
        personas.member2,
        "counter",
        terms="Only sections 1 to 3.",
    )
    travel_to(time_machine, days(3))
    with pytest.raises(IllegalMove, match="has passed"):
        move(c, personas.member, "accept_counter")


def test_an_offer_whose_date_passed_cannot_be_accepted(
    personas: Personas, time_machine: Any
) -> None:
    c = _offer(personas, due=2)
    travel_to(time_machine, days(3))
    assert "accept_offer" not in moves_of(c, personas.member2)
    with pytest.raises(IllegalMove, match="offer's due date .* has passed"):
        move(c, personas.member2, "accept_offer")
    assert move(c, personas.member2, "decline_offer", note="").state == "declined"


def test_new_terms_whose_date_passed_cannot_be_accepted(
    personas: Personas, time_machine: Any
) -> None:
    c = move(request(personas.member, personas.member2, due=2), personas.member2, "promise")
    c = move(c, personas.member2, "propose_renegotiation", due_date=days(3), note="")
    travel_to(time_machine, days(4))
    assert "accept_renegotiation" not in moves_of(c, personas.member)
    before = unchanged(c)
    with pytest.raises(IllegalMove, match="proposed due date .* has passed"):
        move(c, personas.member, "accept_renegotiation")
    assert unchanged(c) == before


def test_new_conditions_for_an_overdue_promise_can_still_be_agreed(
    personas: Personas, time_machine: Any
) -> None:
    c = move(request(personas.member, personas.member2, due=2), personas.member2, "promise")
    c = move(c, personas.member2, "propose_renegotiation", terms="Sections 1 to 3 only.")
    travel_to(time_machine, days(3))
    agreed = move(c, personas.member, "accept_renegotiation")
    assert (agreed.state, agreed.conditions) == ("promised", "Sections 1 to 3 only.")
    assert agreed.is_overdue()


def test_the_page_says_why_a_late_request_cannot_be_promised(
    personas: Personas, time_machine: Any
) -> None:
    c = request(personas.member, personas.member2, due=2)
    travel_to(time_machine, days(3))
    client = personas.client_for(personas.member2)
    client.force_login(personas.member2.user)  # moving the clock ends idle sessions
    page = client.get(c.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Date passed" in text
    assert "agree a new date first" in text
    response = client.post(
        personas.url("commitments:move", pk=c.pk, move="promise"), {"version": c.version}
    )
    assert response.status_code == 409
    assert "counter-offer a new date" in response.content.decode()
    assert unchanged(c)[0] == "requested"


def test_only_promises_are_overdue_and_the_badge_counts_only_the_performers_move(
    personas: Personas, time_machine: Any
) -> None:
    p = personas
    promised = move(request(p.member2, p.member, title="Promised", due=2), p.member, "promise")
    delivered = move(
        move(request(p.member2, p.member, title="Delivered", due=2), p.member, "promise"),
        p.member,
        "declare_complete",
        note="",
    )
    my_offer = _offer(p, due=2)
    my_counter = move(
        request(p.member2, p.member, title="Countered", due=5),
        p.member,
        "counter",
        due_date=days(2),
        terms="",
    )
    travel_to(time_machine, days(3))
    work = my_work(viewer=p.member)
    owe = {c.title: c for c in work.owe.items}
    assert set(owe) == {"Promised", "Delivered", "My offer", "Countered"}
    assert owe["Promised"].is_overdue() and owe["Delivered"].is_overdue()
    assert not owe["My offer"].is_overdue() and owe["My offer"].date_passed_unanswered()
    # Only the broken promise waits for the member; the rest wait for Noah.
    assert my_work_counts(viewer=p.member) == 1
    # Noah must accept the delivery: it waits for his answer, and counts in his badge.
    assert "Delivered" in [c.title for c in my_work(viewer=p.member2).waiting.items]
    assert (promised.state, delivered.state, my_offer.state, my_counter.state) == (
        "promised",
        "completed",
        "offered",
        "countered",
    )


def _offer(p: Personas, *, due: int) -> Commitment:
    from mutuality.commitments.commitments import services

    return services.commitment_offer(
        org=p.org,
        performer=p.member,
        requester=p.member2,
        title="My offer",
        conditions="An afternoon of pairing.",
        due_date=days(due),
    )


def test_my_work_puts_what_is_overdue_above_what_is_due_soon(
    personas: Personas, time_machine: Any
) -> None:
    p = personas
    move(request(p.manager, p.member, title="Next week", due=9), p.member, "promise")
    move(request(p.manager, p.member, title="Was due", due=2), p.member, "promise")
    move(request(p.manager, p.member, title="Due soon", due=5), p.member, "promise")
    travel_to(time_machine, days(4))
    rows = my_work(viewer=p.member).owe.items
    assert [c.title for c in rows] == ["Was due", "Due soon", "Next week"]
    assert [c.is_overdue() for c in rows] == [True, False, False]
