"""My work: what waits for my answer, what I owe, what I am owed; the badge; the unit page."""

from __future__ import annotations

from typing import Any

from mutuality.commitments.commitments.selectors import (
    commitment_for_viewer,
    my_work,
    my_work_counts,
    unit_open_commitments,
)
from mutuality.commitments.commitments.tests.factories import (
    MOVE_DATA,
    days,
    in_state,
    move,
    request,
)
from mutuality.commitments.models import Commitment
from mutuality.core.navigation import links_for
from mutuality.testing import Personas


def titles(items: list[Commitment]) -> list[str]:
    return [c.title for c in items]


def test_it_sorts_each_commitment_into_the_right_section(personas: Personas) -> None:
    p = personas
    asked_of_me = request(p.manager, p.member, title="Asked of me")
    request(p.admin, unit=p.unit, title="Asked of my unit")
    request(p.member, unit=p.unit, title="I asked my own unit")
    move(
        request(p.member, p.member2, title="Countered"),
        p.member2,
        "counter",
        **MOVE_DATA["counter"],
    )
    promised_to_me = move(
        request(p.member, p.member2, title="Promised to me"), p.member2, "promise"
    )
    i_promised = move(request(p.manager, p.member, title="I promised"), p.member, "promise")
    proposal = move(
        move(request(p.manager, p.member, title="New terms for me"), p.member, "promise"),
        p.manager,
        "propose_renegotiation",
        due_date=days(30),
    )
    request(p.admin, p.manager, title="For the manager")
    work = my_work(viewer=p.member)
    # Same due date: in the order they were made.
    assert titles(work.waiting.items) == [
        "Asked of me",
        "Asked of my unit",
        "Countered",
        "New terms for me",
    ]
    assert set(titles(work.owe.items)) == {"I promised", "New terms for me"}
    assert set(titles(work.owed.items)) == {"Promised to me", "I asked my own unit"}
    assert work.waiting.count == 4
    # The performer's own view of the same commitments.
    assert titles(my_work(viewer=p.member2).owed.items) == []
    assert titles(my_work(viewer=p.member2).owe.items) == ["Countered", "Promised to me"]
    assert titles(my_work(viewer=p.manager).waiting.items) == [
        "Asked of my unit",
        "I asked my own unit",
        "For the manager",
    ]
    assert {c.pk for c in my_work(viewer=p.manager).owed.items} == {
        asked_of_me.pk,
        i_promised.pk,
        proposal.pk,
    }
    assert promised_to_me.state == i_promised.state == "promised"


def test_overdue_comes_first_and_the_badge_counts_it(personas: Personas, time_machine: Any) -> None:
    p = personas
    later = move(request(p.manager, p.member, title="Later", due=10), p.member, "promise")
    soon = move(request(p.manager, p.member, title="Soon", due=2), p.member, "promise")
    assert titles(my_work(viewer=p.member).owe.items) == ["Soon", "Later"]
    assert my_work_counts(viewer=p.member) == 0
    request(p.manager, p.member, title="Asked", due=20)
    assert my_work_counts(viewer=p.member) == 1
    time_machine.move_to(days(3).isoformat() + "T12:00:00")
    assert my_work_counts(viewer=p.member) == 2  # the request and the overdue promise
    assert soon.is_overdue() and not later.is_overdue()
    move(Commitment.objects.get(pk=soon.pk), p.member, "declare_complete")
    # Delivered: no longer overdue, and it now waits for the manager.
    assert my_work_counts(viewer=p.member) == 1
    assert my_work_counts(viewer=p.manager) == 1


def test_the_badge_counts_unit_requests_for_members_and_leads_but_not_the_requester(
    personas: Personas,
) -> None:
    p = personas
    request(p.member, unit=p.unit, title="For Support")
    assert my_work_counts(viewer=p.member2) == 1
    assert my_work_counts(viewer=p.manager) == 1  # leads Support
    assert my_work_counts(viewer=p.member) == 0  # asked it
    assert my_work_counts(viewer=p.facilitator) == 0


def test_the_navigation_shows_my_work_with_its_badge(personas: Personas) -> None:
    request(personas.manager, personas.member)
    links = {link.label: link for link in links_for(personas.member)}
    assert links["My work"].badge == 1
    assert links["My work"].url == personas.url("commitments:my_work")
    page = personas.client_for(personas.member).get(personas.url("commitments:my_work"))
    assert b'aria-label="1 waiting">1</span>' in page.content


def test_the_my_work_page_lists_the_sections(personas: Personas) -> None:
    request(personas.manager, personas.member, title="Please review")
    response = personas.client_for(personas.member).get(personas.url("commitments:my_work"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Waiting for my answer" in html and "Please review" in html
    assert "You owe nothing at the moment." in html


def test_the_my_work_page_runs_in_a_bounded_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    p = personas
    for i in range(60):
        move(request(p.manager, p.member, title=f"Promised {i}"), p.member, "promise")
        request(p.manager, p.member, title=f"Asked {i}")
        request(p.member, p.member2, title=f"Owed {i}")
    client = p.client_for(p.member)
    # Includes the other apps' navigation badges; it must not grow with the rows.
    with django_assert_max_num_queries(18):
        response = client.get(p.url("commitments:my_work"))
    work = response.context["work"]
    assert [s.count for s in work.sections] == [60, 60, 60]
    assert [len(s.items) for s in work.sections] == [50, 50, 50]
    assert b"See all 60" in response.content


def test_the_unit_page_shows_the_units_open_requests(personas: Personas) -> None:
    p = personas
    request(p.admin, unit=p.unit, title="Open for Support")
    closed = request(p.admin, unit=p.unit, title="Cancelled for Support")
    move(closed, p.admin, "cancel")
    items, count = unit_open_commitments(unit=p.unit)
    assert titles(items) == ["Open for Support"] and count == 1
    response = p.client_for(p.member).get(p.url("orgs:unit", pk=p.unit.pk))
    assert response.status_code == 200
    assert b"Open requests to Support" in response.content
    assert b"Open for Support" in response.content
    assert b"Cancelled for Support" not in response.content


def test_only_the_parties_see_a_personal_commitment_and_everyone_sees_a_units(
    personas: Personas,
) -> None:
    import pytest
    from django.http import Http404

    from mutuality.commitments.commitments.selectors import commitments_visible_to

    c = in_state(personas, "promised")
    assert commitment_for_viewer(viewer=personas.member, pk=c.pk) == c
    assert commitment_for_viewer(viewer=personas.member2, pk=c.pk) == c
    for stranger in (personas.facilitator, personas.manager, personas.admin, personas.outsider):
        with pytest.raises(Http404):
            commitment_for_viewer(viewer=stranger, pk=c.pk)
    for_unit = in_state(personas, "unit_requested")
    for insider in (personas.facilitator, personas.member, personas.manager):
        assert commitment_for_viewer(viewer=insider, pk=for_unit.pk) == for_unit
    with pytest.raises(Http404):
        commitment_for_viewer(viewer=personas.outsider, pk=for_unit.pk)
    assert set(commitments_visible_to(viewer=personas.facilitator)) == {for_unit}
    with pytest.raises(Http404):
        commitment_for_viewer(viewer=personas.member, pk="abc")


def test_the_visibility_condition_names_the_organization_in_every_branch(
    personas: Personas,
) -> None:
    from mutuality.commitments.commitments.selectors import commitments_visible_to

    sql = str(commitments_visible_to(viewer=personas.member).query)
    where = sql.split(" WHERE ", 1)[1]
    assert where.count(" OR ") == 2
    assert where.count('"commitments_commitment"."org_id" =') == 3
