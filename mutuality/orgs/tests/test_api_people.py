"""The people endpoints of the JSON API: list, get, create, update, deactivate, reactivate."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from mutuality.core.models import AuditEvent
from mutuality.orgs.models import Person, Role
from mutuality.orgs.services import person_create, person_deactivate, person_update
from mutuality.testing import Personas, api_client_for

API = "/api/v1"


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def names(response: Any) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


# --- list ------------------------------------------------------------------------------------


def test_it_lists_the_active_people_of_the_token_org_by_name(personas: Personas) -> None:
    response = api_client_for(personas.member).get(f"{API}/people")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert (body["limit"], body["offset"]) == (50, 0)
    assert names(response) == [
        "Ada Admin",
        "Fay Facilitator",
        "Max Manager",
        "Mia Member",
        "Noah Member",
    ]
    mia = next(item for item in body["items"] if item["name"] == "Mia Member")
    assert mia == {
        "id": personas.member.pk,
        "name": "Mia Member",
        "email": "mia@acme.test",
        "employee_id": None,  # admins only
        "title": "Support engineer",
        "role": "member",
        "is_active": True,
        "manager_id": personas.manager.pk,
        "unit_id": personas.unit.pk,
        "has_login": None,  # admins only
    }


def test_only_an_admin_sees_employee_ids_and_who_has_a_login(personas: Personas) -> None:
    person_update(person=personas.member2, actor=None, employee_id="E-2")
    url = f"{API}/people/{personas.member2.pk}"

    shown = api_client_for(personas.admin).get(url).json()
    assert (shown["employee_id"], shown["has_login"]) == ("E-2", True)
    listed = api_client_for(personas.admin).get(f"{API}/people").json()["items"]
    assert {p["employee_id"] for p in listed} == {"E-2", ""}

    for viewer in (personas.manager, personas.member, personas.facilitator):
        client = api_client_for(viewer)
        hidden = client.get(url).json()
        assert (hidden["employee_id"], hidden["has_login"]) == (None, None)
        items = client.get(f"{API}/people").json()["items"]
        assert {(p["employee_id"], p["has_login"]) for p in items} == {(None, None)}


def test_only_an_admin_finds_people_by_employee_id(personas: Personas) -> None:
    person_update(person=personas.member2, actor=None, employee_id="E-2")

    assert names(api_client_for(personas.admin).get(f"{API}/people?q=E-2")) == ["Noah Member"]
    assert names(api_client_for(personas.member).get(f"{API}/people?q=E-2")) == []
    assert names(api_client_for(personas.member).get(f"{API}/people?q=noah")) == ["Noah Member"]


def test_it_never_lists_people_of_another_organization(personas: Personas) -> None:
    response = api_client_for(personas.outsider).get(f"{API}/people?active=all")

    assert names(response) == ["Otto Outsider"]


def test_it_filters_by_text_unit_manager_and_activity(personas: Personas) -> None:
    client = api_client_for(personas.admin)
    person_deactivate(person=personas.member2, actor=personas.admin)

    assert names(client.get(f"{API}/people?q=SUPPORT")) == [
        "Max Manager",  # title "Head of Support"
        "Mia Member",
    ]
    assert names(client.get(f"{API}/people?q=fay@")) == ["Fay Facilitator"]
    assert names(client.get(f"{API}/people?unit={personas.unit.pk}&active=all")) == [
        "Mia Member",
        "Noah Member",
    ]
    assert names(client.get(f"{API}/people?manager={personas.manager.pk}")) == ["Mia Member"]
    assert names(client.get(f"{API}/people?active=false")) == ["Noah Member"]
    assert client.get(f"{API}/people?active=all").json()["count"] == 5


def test_it_treats_wildcards_in_the_search_as_plain_text(personas: Personas) -> None:
    response = api_client_for(personas.admin).get(f"{API}/people", {"q": "%"})

    assert response.json()["count"] == 0


def test_it_pages_with_a_stable_order_for_equal_names(personas: Personas) -> None:
    twins = [
        person_create(org=personas.org, actor=None, name="Sam Same", employee_id=f"S{i}")
        for i in range(3)
    ]
    client = api_client_for(personas.admin)

    first = client.get(f"{API}/people?q=Sam&limit=2").json()
    second = client.get(f"{API}/people?q=Sam&limit=2&offset=2").json()

    assert first["count"] == second["count"] == 3
    ids = [p["id"] for p in first["items"] + second["items"]]
    assert ids == [p.pk for p in twins]
    assert client.get(f"{API}/people?offset=1000000").json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=201", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999999999999999", "offset"),
        ("unit=abc", "unit"),
        ("manager=0", "manager"),
        ("active=maybe", "active"),
        ("q=" + "x" * 201, "q"),
        ("q=%00", "q"),
    ],
)
def test_it_names_a_bad_query_parameter(personas: Personas, query: str, field: str) -> None:
    response = api_client_for(personas.member).get(f"{API}/people?{query}")

    assert response.status_code == 422
    assert response.json()["detail"] == "Some fields are not valid."
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("extra", [0, 45])
def test_the_list_takes_a_bounded_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any, extra: int
) -> None:
    for i in range(extra):
        person_create(
            org=personas.org,
            actor=None,
            name=f"Person {i:02}",
            employee_id=f"P{i}",
            manager=personas.manager,
            unit=personas.unit,
        )
    client = api_client_for(personas.member)
    client.get(f"{API}/people")  # touches the token's last use, once a minute

    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/people?limit=200")

    assert len(response.json()["items"]) == 5 + extra


# --- get -------------------------------------------------------------------------------------


def test_it_gets_a_person_of_the_organization(personas: Personas) -> None:
    response = api_client_for(personas.member).get(f"{API}/people/{personas.manager.pk}")

    assert response.status_code == 200
    assert response.json()["name"] == "Max Manager"
    assert response.json()["manager_id"] == personas.admin.pk


def test_it_answers_404_for_another_orgs_person_as_for_a_missing_one(
    personas: Personas,
) -> None:
    client = api_client_for(personas.outsider)

    elsewhere = client.get(f"{API}/people/{personas.member.pk}")
    missing = client.get(f"{API}/people/999999")

    assert elsewhere.status_code == missing.status_code == 404
    assert elsewhere.json() == missing.json() == {"detail": "Not found."}


@pytest.mark.parametrize("bad_id", ["abc", "0", "-3", "1.5", "99999999999999999999999"])
def test_it_names_a_bad_id_in_the_path(personas: Personas, bad_id: str) -> None:
    response = api_client_for(personas.member).get(f"{API}/people/{bad_id}")

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["person_id"]


# --- create ----------------------------------------------------------------------------------


def test_an_admin_adds_a_person(personas: Personas) -> None:
    response = post(
        api_client_for(personas.admin),
        f"{API}/people",
        {
            "name": "  Kim New ",
            "email": "Kim@Acme.test",
            "employee_id": "E-77",
            "title": "Analyst",
            "role": "facilitator",
            "manager_id": personas.manager.pk,
            "unit_id": personas.other_unit.pk,
        },
    )

    assert response.status_code == 201
    body = response.json()
    kim = Person.objects.get(pk=body["id"])
    assert (kim.org, kim.name, kim.email, kim.role) == (
        personas.org,
        "Kim New",
        "kim@acme.test",
        Role.FACILITATOR,
    )
    assert (kim.manager, kim.unit, kim.user) == (personas.manager, personas.other_unit, None)
    assert body["has_login"] is False
    event = AuditEvent.objects.get(action="person.create", object_id=str(kim.pk))
    assert event.actor == personas.admin.user
    assert event.org == personas.org


def test_a_new_person_needs_a_name_and_an_email_or_an_employee_id(personas: Personas) -> None:
    client = api_client_for(personas.admin)
    refused = post(client, f"{API}/people", {"name": "Lee"})
    response = post(client, f"{API}/people", {"name": "Lee", "employee_id": "L-1"})

    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "email": ["Give an email or an employee id, so this person can be recognized."]
    }
    assert response.status_code == 201
    assert response.json()["role"] == "member"
    assert response.json()["manager_id"] is None


def test_it_names_each_bad_field_of_a_new_person(personas: Personas) -> None:
    response = post(
        api_client_for(personas.admin),
        f"{API}/people",
        {"email": 42, "role": "boss", "manager_id": "x", "managr": 1},
    )

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "email", "role", "manager_id", "managr"}
    assert Person.objects.filter(org=personas.org).count() == 5


def test_it_reports_the_services_field_errors(personas: Personas) -> None:
    response = post(
        api_client_for(personas.admin),
        f"{API}/people",
        {"name": "Dup", "email": "MIA@acme.test"},
    )
    invalid = post(
        api_client_for(personas.admin),
        f"{API}/people",
        {"name": "Bad", "email": "not an email"},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "email": ["Someone in this organization already has this email."]
    }
    assert invalid.status_code == 422
    assert list(invalid.json()["errors"]) == ["email"]


def test_it_refuses_a_manager_or_unit_of_another_organization_on_that_field(
    personas: Personas,
) -> None:
    response = post(
        api_client_for(personas.admin),
        f"{API}/people",
        {
            "name": "Spy",
            "email": "spy@acme.test",
            "manager_id": personas.outsider.pk,
            "unit_id": 999999,
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "manager_id": ["No person with this id in this organization."],
        "unit_id": ["No unit with this id in this organization."],
    }
    assert not Person.objects.filter(name="Spy").exists()


def test_an_inactive_manager_is_refused_on_manager_id(personas: Personas) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)
    client = api_client_for(personas.admin)
    created = post(
        client,
        f"{API}/people",
        {"name": "Kim", "email": "kim@acme.test", "manager_id": personas.member2.pk},
    )
    changed = patch(
        client, f"{API}/people/{personas.member.pk}", {"manager_id": personas.member2.pk}
    )

    refusal = {"manager_id": ["Noah Member is no longer active here: choose an active manager."]}
    assert (created.status_code, created.json()["errors"]) == (422, refusal)
    assert (changed.status_code, changed.json()["errors"]) == (422, refusal)
    assert not Person.objects.filter(email="kim@acme.test").exists()


@pytest.mark.parametrize("role", ["manager", "member", "facilitator"])
def test_only_admins_add_people(personas: Personas, role: str) -> None:
    person = getattr(personas, role)

    response = post(api_client_for(person), f"{API}/people", {"name": "Nope"})

    assert response.status_code == 403
    assert response.json()["detail"] == "Only an admin of this organization can do that."
    assert not Person.objects.filter(name="Nope").exists()


# --- update ----------------------------------------------------------------------------------


def test_an_admin_changes_only_the_fields_sent(personas: Personas) -> None:
    url = f"{API}/people/{personas.member.pk}"

    response = patch(api_client_for(personas.admin), url, {"title": "Team lead", "role": "admin"})

    assert response.status_code == 200
    personas.member.refresh_from_db()
    assert (personas.member.title, personas.member.role) == ("Team lead", Role.ADMIN)
    assert personas.member.manager == personas.manager
    assert personas.member.email == "mia@acme.test"
    event = AuditEvent.objects.get(action="person.update")
    assert event.after is not None
    assert event.after["title"] == "Team lead"


def test_null_clears_the_manager_and_the_unit(personas: Personas) -> None:
    url = f"{API}/people/{personas.member.pk}"

    response = patch(api_client_for(personas.admin), url, {"manager_id": None, "unit_id": None})

    assert response.status_code == 200
    assert (response.json()["manager_id"], response.json()["unit_id"]) == (None, None)
    personas.member.refresh_from_db()
    assert (personas.member.manager, personas.member.unit) == (None, None)


def test_null_is_refused_for_fields_that_cannot_be_empty(personas: Personas) -> None:
    url = f"{API}/people/{personas.member.pk}"

    response = patch(api_client_for(personas.admin), url, {"name": None, "role": None})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "role"}
    personas.member.refresh_from_db()
    assert personas.member.name == "Mia Member"


def test_it_refuses_a_reporting_cycle_on_manager_id(personas: Personas) -> None:
    url = f"{API}/people/{personas.manager.pk}"

    response = patch(api_client_for(personas.admin), url, {"manager_id": personas.member.pk})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["manager_id"]
    personas.manager.refresh_from_db()
    assert personas.manager.manager == personas.admin


def test_it_refuses_another_orgs_unit_on_update(personas: Personas) -> None:
    other_unit = personas.other_org.units.create(name="Globex Sales")
    url = f"{API}/people/{personas.member.pk}"

    response = patch(api_client_for(personas.admin), url, {"unit_id": other_unit.pk})

    assert response.status_code == 422
    assert response.json()["errors"] == {"unit_id": ["No unit with this id in this organization."]}


def test_an_admin_cannot_drop_their_own_admin_role(personas: Personas) -> None:
    url = f"{API}/people/{personas.admin.pk}"

    response = patch(api_client_for(personas.admin), url, {"role": "member"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["role"]


def test_a_member_cannot_change_people(personas: Personas) -> None:
    url = f"{API}/people/{personas.member.pk}"

    response = patch(api_client_for(personas.member), url, {"title": "CEO"})

    assert response.status_code == 403
    personas.member.refresh_from_db()
    assert personas.member.title == "Support engineer"


def test_an_outsider_admin_cannot_change_our_people(personas: Personas) -> None:
    url = f"{API}/people/{personas.member.pk}"

    response = patch(api_client_for(personas.outsider), url, {"title": "CEO"})

    assert response.status_code == 404
    personas.member.refresh_from_db()
    assert personas.member.title == "Support engineer"


def test_it_refuses_a_body_that_is_not_a_json_object(personas: Personas) -> None:
    client = api_client_for(personas.admin)
    url = f"{API}/people/{personas.member.pk}"

    malformed = client.patch(url, data="{not json", content_type="application/json")
    a_list = patch(client, url, ["title"])
    empty = client.patch(url, data="", content_type="application/json")

    assert malformed.status_code == 400
    assert malformed.json()["detail"] == "Cannot parse request body"
    assert a_list.status_code == 422
    assert list(a_list.json()["errors"]) == ["__all__"]
    assert empty.status_code == 422
    assert empty.json()["errors"] == {"__all__": ["Send a JSON object as the request body."]}


def test_it_refuses_text_the_database_could_not_store(personas: Personas) -> None:
    url = f"{API}/people/{personas.member.pk}"
    client = api_client_for(personas.admin)

    nul = patch(client, url, {"title": "a\x00b"})
    surrogate = client.patch(url, data='{"name": "\\ud800"}', content_type="application/json")

    assert nul.json()["errors"] == {"title": ["Text may not contain NUL characters."]}
    assert surrogate.json()["errors"] == {"name": ["Text must be valid Unicode."]}


# --- deactivate / reactivate ----------------------------------------------------------------


def test_an_admin_deactivates_and_reactivates_a_person(personas: Personas) -> None:
    admin = api_client_for(personas.admin)
    member = api_client_for(personas.member)

    off = admin.post(f"{API}/people/{personas.member.pk}/deactivate")

    assert off.status_code == 200
    assert off.json()["is_active"] is False
    # Deactivation revokes the person's tokens at once.
    assert member.get(f"{API}/organizations/current").status_code == 401

    on = admin.post(f"{API}/people/{personas.member.pk}/reactivate")

    assert on.status_code == 200
    assert on.json()["is_active"] is True
    actions = list(
        AuditEvent.objects.filter(object_id=str(personas.member.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["person.deactivate", "person.reactivate"]


def test_deactivating_a_manager_moves_their_reports_to_their_manager(personas: Personas) -> None:
    response = api_client_for(personas.admin).post(f"{API}/people/{personas.manager.pk}/deactivate")

    assert response.status_code == 200
    reports = Person.objects.filter(manager=personas.admin, is_active=True)
    assert set(reports.values_list("name", flat=True)) == {
        "Mia Member",
        "Noah Member",
    }
    assert AuditEvent.objects.filter(
        action="person.update", object_id=str(personas.member.pk)
    ).exists()


def test_an_admin_cannot_deactivate_themselves(personas: Personas) -> None:
    response = api_client_for(personas.admin).post(f"{API}/people/{personas.admin.pk}/deactivate")

    assert response.status_code == 422
    assert response.json()["errors"] == {"is_active": ["You cannot deactivate yourself."]}


@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_only_admins_deactivate_or_reactivate(personas: Personas, action: str) -> None:
    response = api_client_for(personas.manager).post(f"{API}/people/{personas.member.pk}/{action}")

    assert response.status_code == 403
    personas.member.refresh_from_db()
    assert personas.member.is_active


@pytest.mark.parametrize("action", ["deactivate", "reactivate"])
def test_outsiders_get_404_when_deactivating(personas: Personas, action: str) -> None:
    response = api_client_for(personas.outsider).post(f"{API}/people/{personas.member.pk}/{action}")

    assert response.status_code == 404
    personas.member.refresh_from_db()
    assert personas.member.is_active


def test_it_lists_inactive_people_only_to_admins(personas: Personas) -> None:
    from mutuality.orgs.services import person_deactivate
    from mutuality.testing import api_client_for

    person_deactivate(person=personas.member2, actor=personas.admin)
    as_member = api_client_for(personas.member).get("/api/v1/people?active=all&limit=200")
    as_admin = api_client_for(personas.admin).get("/api/v1/people?active=all&limit=200")
    assert personas.member2.name not in [p["name"] for p in as_member.json()["items"]]
    assert personas.member2.name in [p["name"] for p in as_admin.json()["items"]]
