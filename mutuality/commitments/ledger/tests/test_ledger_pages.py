"""The trust ledger pages and API: who sees which ledger, the figures, the chart, bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mutuality.commitments.commitments import services
from mutuality.commitments.commitments.tests.factories import move
from mutuality.orgs.models import Person
from mutuality.testing import Personas, api_client_for


def kept_and_late(p: Personas, time_machine: Any, performer: Person) -> None:
    """One kept promise and one satisfied late, both closed well inside the last 90 days."""
    start = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=dt.UTC) - dt.timedelta(
        days=40
    )
    time_machine.move_to(start, tick=False)
    requester = p.member2 if performer != p.member2 else p.member
    for late in (False, True):
        c = services.commitment_request(
            org=p.org,
            requester=requester,
            performer=performer,
            title="Send the monthly figures",
            conditions="Every region.",
            due_date=start.date() + dt.timedelta(days=5),
        )
        c = move(c, performer, "promise")
        time_machine.move_to(start + dt.timedelta(days=8 if late else 2), tick=False)
        c = move(c, performer, "declare_complete")
        move(c, requester, "declare_satisfied")
        time_machine.move_to(start, tick=False)
    time_machine.move_to(start + dt.timedelta(days=40), tick=False)


# --- who sees what -----------------------------------------------------------------------------


def test_a_person_sees_their_own_ledger(personas: Personas, time_machine: Any) -> None:
    kept_and_late(personas, time_machine, personas.member)
    response = personas.client_for(personas.member).get(personas.url("ledger:mine"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your trust ledger" in html
    assert "50%" in html and "1 of 2 promises judged" in html


def test_nobody_sees_another_persons_ledger(personas: Personas) -> None:
    url = personas.url("ledger:person", pk=personas.member.pk)
    assert personas.client_for(personas.member).get(url).status_code == 200
    for viewer in (personas.member2, personas.manager, personas.admin, personas.facilitator):
        assert personas.client_for(viewer).get(url).status_code == 403
    assert personas.client_for(personas.outsider).get(url).status_code == 404
    foreign = personas.url("ledger:person", pk=personas.outsider.pk)
    assert personas.client_for(personas.admin).get(foreign).status_code == 404


def test_a_lead_sees_their_units_aggregate_but_not_others(personas: Personas) -> None:
    client = personas.client_for(personas.manager)
    assert client.get(personas.url("ledger:unit", pk=personas.unit.pk)).status_code == 200
    assert client.get(personas.url("ledger:unit", pk=personas.other_unit.pk)).status_code == 403
    assert client.get(personas.url("ledger:unit", pk=personas.root_unit.pk)).status_code == 403


def test_a_lead_of_a_unit_above_sees_the_units_below(personas: Personas) -> None:
    from mutuality.orgs.services import unit_update

    unit_update(unit=personas.root_unit, actor=None, leads=[personas.member2])
    client = personas.client_for(personas.member2)
    for unit in (personas.root_unit, personas.unit, personas.other_unit):
        assert client.get(personas.url("ledger:unit", pk=unit.pk)).status_code == 200


def test_members_may_not_see_unit_ledgers(personas: Personas) -> None:
    response = personas.client_for(personas.member).get(
        personas.url("ledger:unit", pk=personas.unit.pk)
    )
    assert response.status_code == 403


def test_admins_and_facilitators_see_every_unit(personas: Personas) -> None:
    for viewer in (personas.admin, personas.facilitator):
        client = personas.client_for(viewer)
        for unit in (personas.root_unit, personas.unit, personas.other_unit):
            assert client.get(personas.url("ledger:unit", pk=unit.pk)).status_code == 200
        page = client.get(personas.url("ledger:mine")).content.decode()
        assert "Unit ledgers you can see" in page and "Finance" in page


def test_another_organizations_unit_is_a_404(personas: Personas) -> None:
    foreign = personas.outsider.org.units.create(name="Globex Ops")
    client = personas.client_for(personas.admin)
    assert client.get(personas.url("ledger:unit", pk=foreign.pk)).status_code == 404
    assert client.get(personas.url("ledger:unit", pk=999_999)).status_code == 404


def test_every_ledger_url_is_a_404_for_an_outsider(personas: Personas) -> None:
    client = personas.client_for(personas.outsider)
    for url in (
        personas.url("ledger:mine"),
        personas.url("ledger:person", pk=personas.member.pk),
        personas.url("ledger:unit", pk=personas.unit.pk),
    ):
        assert client.get(url).status_code == 404


# --- the page -------------------------------------------------------------------------------------


def test_the_unit_page_shows_the_aggregate_with_a_chart_and_a_table(
    settings: Any, personas: Personas, time_machine: Any
) -> None:
    # Support has two members; these tests are about the figures, not the threshold.
    settings.MUTUALITY_LEDGER_MIN_GROUP = 2
    kept_and_late(personas, time_machine, personas.member)
    html = (
        personas.client_for(personas.manager)
        .get(personas.url("ledger:unit", pk=personas.unit.pk) + "?window=365")
        .content.decode()
    )
    assert "Support" in html and "unit ledger" in html
    # The trend is the one chart component: two promises in a month are too few to draw a
    # rate from, so it says so, and its table has the counts.
    assert '<figure class="chart-figure" data-chart="' in html
    assert "too few to draw a rate from" in html
    assert "The figures as a table" in html
    assert '<th scope="col" class="num">Kept share</th>' in html
    assert 'aria-current="page">Last 12 months' in html
    assert "style=" not in html  # the CSP forbids inline styles


def test_the_window_chooser_changes_the_period(personas: Personas, time_machine: Any) -> None:
    kept_and_late(personas, time_machine, personas.member)
    client = personas.client_for(personas.member)
    month = client.get(personas.url("ledger:mine") + "?window=30").content.decode()
    assert "0 of 0 promises judged" in month
    quarter = client.get(personas.url("ledger:mine") + "?window=90").content.decode()
    assert "1 of 2 promises judged" in quarter


@pytest.mark.parametrize("window", ["7", "abc", "-1", "9" * 30])
def test_a_bad_window_is_explained_and_shows_the_default(personas: Personas, window: str) -> None:
    response = personas.client_for(personas.member).get(
        personas.url("ledger:mine") + f"?window={window}"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose 30, 90, 365 or all." in html
    assert 'aria-current="page">Last 90 days' in html


def test_the_unit_picker_goes_to_the_unit_page(personas: Personas) -> None:
    client = personas.client_for(personas.admin)
    response = client.get(personas.url("ledger:mine") + f"?unit={personas.unit.pk}&window=365")
    assert response.status_code == 302
    assert response["Location"] == personas.url("ledger:unit", pk=personas.unit.pk) + "?window=365"
    assert client.get(personas.url("ledger:mine") + "?unit=x").status_code == 400


def test_the_ledger_page_runs_in_a_bounded_number_of_queries(
    personas: Personas, time_machine: Any, django_assert_max_num_queries: Any
) -> None:
    kept_and_late(personas, time_machine, personas.member)
    client = personas.client_for(personas.manager)
    url = personas.url("ledger:unit", pk=personas.unit.pk) + "?window=all"
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        kept_and_late(personas, time_machine, personas.member2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- the API -------------------------------------------------------------------------------------------


def test_the_api_gives_my_own_figures(personas: Personas, time_machine: Any) -> None:
    kept_and_late(personas, time_machine, personas.member)
    body = api_client_for(personas.member).get("/api/v1/ledger?window=90").json()
    assert body["subject"] == {"kind": "person", "id": personas.member.pk, "name": "Mia Member"}
    assert body["commitments"]["kept"] == 1 and body["commitments"]["late"] == 1
    assert body["commitments"]["kept_share"] == 0.5
    assert body["window"]["key"] == "90"
    assert len(body["months"]) >= 3
    same = api_client_for(personas.member).get(f"/api/v1/ledger/people/{personas.member.pk}").json()
    assert same["commitments"] == body["commitments"]


def test_the_api_applies_the_same_visibility(personas: Personas) -> None:
    assert (
        api_client_for(personas.admin)
        .get(f"/api/v1/ledger/people/{personas.member.pk}")
        .status_code
        == 403
    )
    assert (
        api_client_for(personas.manager).get(f"/api/v1/ledger/units/{personas.unit.pk}").status_code
        == 200
    )
    assert (
        api_client_for(personas.manager)
        .get(f"/api/v1/ledger/units/{personas.other_unit.pk}")
        .status_code
        == 403
    )
    assert (
        api_client_for(personas.member).get(f"/api/v1/ledger/units/{personas.unit.pk}").status_code
        == 403
    )
    outsider = api_client_for(personas.outsider)
    assert outsider.get(f"/api/v1/ledger/units/{personas.unit.pk}").status_code == 404
    assert outsider.get(f"/api/v1/ledger/people/{personas.member.pk}").status_code == 404
    assert Client().get("/api/v1/ledger").status_code == 401


@pytest.mark.parametrize("query", ["?window=7", "?window=", "?window=ALL"])
def test_the_api_refuses_a_bad_window_naming_it(personas: Personas, query: str) -> None:
    response = api_client_for(personas.member).get("/api/v1/ledger" + query)
    assert response.status_code == 422
    assert "window" in response.json()["errors"]


def test_the_unit_figures_in_the_api_match_the_page(
    settings: Any, personas: Personas, time_machine: Any
) -> None:
    # Support has two members; these tests are about the figures, not the threshold.
    settings.MUTUALITY_LEDGER_MIN_GROUP = 2
    kept_and_late(personas, time_machine, personas.member)
    body = (
        api_client_for(personas.facilitator)
        .get(f"/api/v1/ledger/units/{personas.unit.pk}?window=all")
        .json()
    )
    assert body["subject"]["kind"] == "unit"
    assert (body["commitments"]["kept"], body["commitments"]["judged"]) == (1, 2)
    assert body["issues"]["raised"] == 0 and body["issues"]["closure_rate"] is None


def test_the_ledger_is_in_the_navigation(personas: Personas) -> None:
    page = personas.client_for(personas.member).get(personas.url("ledger:mine")).content.decode()
    assert f'href="{personas.url("ledger:mine")}" aria-current="page">Trust ledger' in page
