"""The unit endpoints of the JSON API: list, get, create, update, deactivate."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from mutuality.core.models import AuditEvent
from mutuality.orgs.models import Unit
from mutuality.orgs.services import person_create, person_deactivate, unit_create
from mutuality.testing import Personas, api_client_for

API = "/api/v1"


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def names(response: Any) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


# --- list and get ----------------------------------------------------------------------------


def test_it_lists_the_units_with_leads_and_active_member_counts(personas: Personas) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)

    response = api_client_for(personas.member).get(f"{API}/units")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (3, 50, 0)
    assert names(response) == ["Acme HQ", "Finance", "Support"]
    support = body["items"][2]
    assert support == {
        "id": personas.unit.pk,
        "name": "Support",
        "description": "",
        "parent_id": personas.root_unit.pk,
        "is_active": True,
        "lead_ids": [personas.manager.pk],
        "member_count": 1,
    }
    assert body["items"][0]["member_count"] == 2  # manager and facilitator


def test_it_filters_units_by_parent_and_activity(personas: Personas) -> None:
    client = api_client_for(personas.admin)
    unit_create(org=personas.org, actor=None, name="Night shift", parent=personas.unit)
    client.post(f"{API}/units/{personas.other_unit.pk}/deactivate")

    assert names(client.get(f"{API}/units?parent={personas.root_unit.pk}")) == ["Support"]
    assert names(client.get(f"{API}/units?parent={personas.unit.pk}")) == ["Night shift"]
    assert names(client.get(f"{API}/units?active=false")) == ["Finance"]
    assert client.get(f"{API}/units?active=all").json()["count"] == 4
    assert names(client.get(f"{API}/units?limit=1&offset=1")) == ["Night shift"]


def test_it_never_lists_units_of_another_organization(personas: Personas) -> None:
    unit_create(org=personas.other_org, actor=None, name="Globex Sales")

    response = api_client_for(personas.outsider).get(f"{API}/units?active=all")

    assert names(response) == ["Globex Sales"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("parent=x", "parent"), ("limit=1000", "limit"), ("active=1", "active")],
)
def test_it_names_a_bad_unit_filter(personas: Personas, query: str, field: str) -> None:
    response = api_client_for(personas.member).get(f"{API}/units?{query}")

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("extra", [0, 45])
def test_the_unit_list_takes_a_bounded_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any, extra: int
) -> None:
    for i in range(extra):
        unit = unit_create(
            org=personas.org,
            actor=None,
            name=f"Team {i:02}",
            parent=personas.root_unit,
            leads=[personas.manager, personas.member],
        )
        person_create(
            org=personas.org, actor=None, name=f"Person {i:02}", employee_id=f"P{i}", unit=unit
        )
    client = api_client_for(personas.member)
    client.get(f"{API}/units")  # touches the token's last use, once a minute

    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/units?limit=200")

    items = response.json()["items"]
    assert len(items) == 3 + extra
    assert all(item["member_count"] == 1 for item in items if item["name"].startswith("Team"))


def test_it_gets_a_unit(personas: Personas) -> None:
    response = api_client_for(personas.member).get(f"{API}/units/{personas.unit.pk}")

    assert response.status_code == 200
    assert response.json()["lead_ids"] == [personas.manager.pk]
    assert response.json()["member_count"] == 2


def test_another_orgs_unit_is_404_like_a_missing_one(personas: Personas) -> None:
    client = api_client_for(personas.outsider)

    assert client.get(f"{API}/units/{personas.unit.pk}").status_code == 404
    assert client.get(f"{API}/units/987654").status_code == 404
    assert client.get(f"{API}/units/nope").status_code == 422


# --- create ----------------------------------------------------------------------------------


def test_an_admin_adds_a_unit_with_leads(personas: Personas) -> None:
    response = post(
        api_client_for(personas.admin),
        f"{API}/units",
        {
            "name": "Onboarding",
            "description": "First weeks",
            "parent_id": personas.unit.pk,
            "lead_ids": [personas.member.pk, personas.member2.pk],
        },
    )

    assert response.status_code == 201
    body = response.json()
    unit = Unit.objects.get(pk=body["id"])
    assert (unit.org, unit.parent, unit.description) == (personas.org, personas.unit, "First weeks")
    assert set(unit.leads.all()) == {personas.member, personas.member2}
    assert body["lead_ids"] == sorted([personas.member.pk, personas.member2.pk])
    assert body["member_count"] == 0
    assert AuditEvent.objects.filter(action="unit.create", object_id=str(unit.pk)).exists()


def test_it_names_each_bad_field_of_a_new_unit(personas: Personas) -> None:
    response = post(
        api_client_for(personas.admin),
        f"{API}/units",
        {"name": "", "parent_id": -1, "lead_ids": "all"},
    )

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "parent_id", "lead_ids"}


def test_it_refuses_a_duplicate_unit_name(personas: Personas) -> None:
    response = post(api_client_for(personas.admin), f"{API}/units", {"name": "support"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["A unit with this name already exists."]}


def test_it_refuses_parents_and_leads_of_another_organization(personas: Personas) -> None:
    globex = unit_create(org=personas.other_org, actor=None, name="Globex Sales")

    response = post(
        api_client_for(personas.admin),
        f"{API}/units",
        {
            "name": "Mixed",
            "parent_id": globex.pk,
            "lead_ids": [personas.manager.pk, personas.outsider.pk],
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "parent_id": ["No unit with this id in this organization."],
        "lead_ids": [f"No person with this id in this organization. ({personas.outsider.pk})"],
    }
    assert not Unit.objects.filter(name="Mixed").exists()


def test_an_inactive_lead_is_refused_on_lead_ids(personas: Personas) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)
    client = api_client_for(personas.admin)
    created = post(client, f"{API}/units", {"name": "Ops", "lead_ids": [personas.member2.pk]})
    changed = patch(client, f"{API}/units/{personas.unit.pk}", {"lead_ids": [personas.member2.pk]})

    refusal = {"lead_ids": ["Noah Member is no longer active here: leads must be active."]}
    assert (created.status_code, created.json()["errors"]) == (422, refusal)
    assert (changed.status_code, changed.json()["errors"]) == (422, refusal)
    assert not Unit.objects.filter(name="Ops").exists()
    assert list(personas.unit.leads.all()) == [personas.manager]


@pytest.mark.parametrize("role", ["manager", "member", "facilitator"])
def test_only_admins_add_units(personas: Personas, role: str) -> None:
    response = post(api_client_for(getattr(personas, role)), f"{API}/units", {"name": "Mine"})

    assert response.status_code == 403
    assert not Unit.objects.filter(name="Mine").exists()


# --- update ----------------------------------------------------------------------------------


def test_an_admin_renames_moves_and_replaces_the_leads(personas: Personas) -> None:
    url = f"{API}/units/{personas.unit.pk}"

    response = patch(
        api_client_for(personas.admin),
        url,
        {"name": "Customer care", "parent_id": None, "lead_ids": [personas.member.pk]},
    )

    assert response.status_code == 200
    assert response.json()["parent_id"] is None
    assert response.json()["lead_ids"] == [personas.member.pk]
    personas.unit.refresh_from_db()
    assert (personas.unit.name, personas.unit.parent) == ("Customer care", None)
    assert list(personas.unit.leads.all()) == [personas.member]


def test_fields_not_sent_keep_their_value(personas: Personas) -> None:
    url = f"{API}/units/{personas.unit.pk}"

    response = patch(api_client_for(personas.admin), url, {"description": "Helps customers"})

    assert response.status_code == 200
    personas.unit.refresh_from_db()
    assert personas.unit.parent == personas.root_unit
    assert list(personas.unit.leads.all()) == [personas.manager]


def test_it_refuses_a_unit_inside_its_own_sub_unit(personas: Personas) -> None:
    url = f"{API}/units/{personas.root_unit.pk}"

    response = patch(api_client_for(personas.admin), url, {"parent_id": personas.unit.pk})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["parent_id"]


def test_null_is_refused_for_the_name_and_the_leads(personas: Personas) -> None:
    url = f"{API}/units/{personas.unit.pk}"

    response = patch(api_client_for(personas.admin), url, {"name": None, "lead_ids": None})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "lead_ids"}


def test_a_member_cannot_change_a_unit_and_an_outsider_cannot_see_it(
    personas: Personas,
) -> None:
    url = f"{API}/units/{personas.unit.pk}"

    assert patch(api_client_for(personas.manager), url, {"name": "Mine"}).status_code == 403
    assert patch(api_client_for(personas.outsider), url, {"name": "Ours"}).status_code == 404
    personas.unit.refresh_from_db()
    assert personas.unit.name == "Support"


# --- deactivate ------------------------------------------------------------------------------


def test_an_admin_retires_a_unit(personas: Personas) -> None:
    response = api_client_for(personas.admin).post(f"{API}/units/{personas.unit.pk}/deactivate")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    personas.unit.refresh_from_db()
    assert not personas.unit.is_active


def test_a_unit_with_active_sub_units_cannot_be_retired(personas: Personas) -> None:
    response = api_client_for(personas.admin).post(
        f"{API}/units/{personas.root_unit.pk}/deactivate"
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["is_active"]


def test_only_admins_of_the_organization_retire_units(personas: Personas) -> None:
    url = f"{API}/units/{personas.unit.pk}/deactivate"

    assert api_client_for(personas.manager).post(url).status_code == 403
    assert api_client_for(personas.outsider).post(url).status_code == 404
    personas.unit.refresh_from_db()
    assert personas.unit.is_active
