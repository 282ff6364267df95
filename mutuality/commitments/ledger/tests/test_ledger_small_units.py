"""A unit's ledger: hidden below the smallest group, and one rule for who may see it."""

from __future__ import annotations

from typing import Any

from mutuality.commitments.ledger.selectors import can_see_unit_ledger, units_for_ledger
from mutuality.orgs.models import Person, Unit
from mutuality.testing import Personas, api_client_for


def third_member(p: Personas) -> Person:
    return Person.objects.create(org=p.org, name="Ola Third", email="ola@acme.test", unit=p.unit)


# --- a small unit's ledger is one person's ledger ----------------------------------------------------


def test_a_unit_with_fewer_than_three_active_members_shows_no_figures(
    personas: Personas,
) -> None:
    # Support has two active members (Mia and Noah).
    response = personas.client_for(personas.facilitator).get(
        personas.url("ledger:unit", pk=personas.unit.pk)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "No figures for this unit" in html
    assert "fewer than 3 active members" in html
    assert 'id="commitments-heading"' not in html
    body = (
        api_client_for(personas.facilitator).get(f"/api/v1/ledger/units/{personas.unit.pk}").json()
    )
    assert body["hidden"] is True
    assert "fewer than 3 active members" in body["hidden_reason"]
    assert body["commitments"] is None and body["issues"] is None
    assert body["answers"] is None and body["months"] is None


def test_a_third_active_member_brings_the_figures_back(personas: Personas) -> None:
    third_member(personas)
    html = (
        personas.client_for(personas.facilitator)
        .get(personas.url("ledger:unit", pk=personas.unit.pk))
        .content.decode()
    )
    assert "No figures for this unit" not in html and 'id="commitments-heading"' in html
    body = (
        api_client_for(personas.facilitator).get(f"/api/v1/ledger/units/{personas.unit.pk}").json()
    )
    assert body["hidden"] is False and body["commitments"]["judged"] == 0


def test_inactive_members_do_not_count_and_the_threshold_is_a_setting(
    personas: Personas, settings: Any
) -> None:
    third = third_member(personas)
    third.is_active = False
    third.save()
    url = f"/api/v1/ledger/units/{personas.unit.pk}"
    client = api_client_for(personas.facilitator)
    assert client.get(url).json()["hidden"] is True
    settings.MUTUALITY_LEDGER_MIN_GROUP = 2
    assert client.get(url).json()["hidden"] is False


# --- one rule for who sees a unit's ledger ------------------------------------------------------------


def sub_unit(p: Personas, *, active: bool = True) -> Unit:
    unit = Unit.objects.create(org=p.org, name="Refunds", parent=p.unit, is_active=active)
    return unit


def test_a_lead_sees_the_active_units_below_theirs_by_both_checks(personas: Personas) -> None:
    below = sub_unit(personas)
    listed = {u.pk for u in units_for_ledger(viewer=personas.manager)}
    assert listed == {personas.unit.pk, below.pk}
    assert can_see_unit_ledger(viewer=personas.manager, unit=below)
    assert not can_see_unit_ledger(viewer=personas.manager, unit=personas.other_unit)


def test_a_retired_unit_has_no_ledger_for_anyone(personas: Personas) -> None:
    retired = sub_unit(personas, active=False)
    for viewer in (personas.manager, personas.admin, personas.facilitator):
        assert retired.pk not in {u.pk for u in units_for_ledger(viewer=viewer)}
        assert not can_see_unit_ledger(viewer=viewer, unit=retired)
    response = personas.client_for(personas.manager).get(personas.url("ledger:unit", pk=retired.pk))
    assert response.status_code == 403


def test_a_retired_unit_cuts_the_line_to_the_units_below_it(personas: Personas) -> None:
    retired = sub_unit(personas, active=False)
    below = Unit.objects.create(org=personas.org, name="Card refunds", parent=retired)
    assert below.pk not in {u.pk for u in units_for_ledger(viewer=personas.manager)}
    assert not can_see_unit_ledger(viewer=personas.manager, unit=below)


def test_the_unit_check_takes_at_most_two_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    below = sub_unit(personas)
    for n in range(20):
        Unit.objects.create(org=personas.org, name=f"Elsewhere {n}", parent=personas.other_unit)
    with django_assert_max_num_queries(2):
        assert can_see_unit_ledger(viewer=personas.manager, unit=below)
