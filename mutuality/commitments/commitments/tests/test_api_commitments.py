"""The commitments API: create, list with filters, get, and every move endpoint."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from mutuality.commitments.commitments.tests.factories import (
    MOVE_DATA,
    days,
    in_state,
    move,
    request,
)
from mutuality.commitments.commitments.workflow import ANSWER_MOVES
from mutuality.commitments.models import Commitment, CommitmentEvent
from mutuality.orgs.models import Person
from mutuality.testing import Personas, api_client_for

API = "/api/v1/commitments"


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "request",
        "title": "Review the onboarding guide",
        "conditions": "Comments on every section.",
        "due_date": days(7).isoformat(),
    }
    data.update(overrides)
    return data


# --- create ----------------------------------------------------------------------------------


def test_it_creates_a_request_an_offer_and_a_self_commitment(personas: Personas) -> None:
    client = api_client_for(personas.member)
    r1 = post(client, API, body(performer_id=personas.member2.pk))
    r2 = post(client, API, body(kind="request", unit_id=personas.other_unit.pk))
    r3 = post(client, API, body(kind="offer", requester_id=personas.manager.pk))
    r4 = post(client, API, body(kind="self", beneficiary_id=personas.manager.pk))
    assert [r.status_code for r in (r1, r2, r3, r4)] == [201] * 4, r1.json()
    assert [r.json()["state"] for r in (r1, r2, r3, r4)] == [
        "requested",
        "requested",
        "offered",
        "promised",
    ]
    first = r1.json()
    assert first["performer"] == {"id": personas.member2.pk, "name": "Noah Member"}
    assert first["version"] == 1 and first["events"][0]["move"] == "request"
    assert first["legal_moves"] == ["cancel"]
    assert r2.json()["performer"] is None
    assert r2.json()["performer_unit"]["name"] == "Finance"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_date": "2000-01-01"}, "due_date"),
        ({"due_date": "soon"}, "due_date"),
        ({"conditions": ""}, "conditions"),
        ({"conditions": "   "}, "conditions"),
        ({"title": ""}, "title"),
        ({"performer_id": "OUTSIDER"}, "performer_id"),
        ({"performer_id": 999999}, "performer_id"),
        ({"performer_id": "SELF"}, "performer_id"),
        ({"performer_id": None}, "performer_id"),
        ({"performer_id": None, "unit_id": 999999}, "unit_id"),
        ({"kind": "offer"}, "performer_id"),
        ({"kind": "self", "performer_id": None, "beneficiary_id": "SELF"}, "beneficiary_id"),
        ({"kind": "promise"}, "kind"),
        ({"colour": "red"}, "colour"),
        ({"context_url": "ftp://x"}, "context_url"),
        ({"context_url": "/\\evil.example"}, "context_url"),
        ({"due_date": "9999-12-31"}, "due_date"),
        ({"title": "x\u0000y"}, "title"),
    ],
)
def test_it_refuses_bad_input_with_a_422_naming_the_field(
    personas: Personas, overrides: dict[str, Any], field: str
) -> None:
    ids = {"OUTSIDER": personas.outsider.pk, "SELF": personas.member.pk}
    data = body(performer_id=personas.member2.pk)
    data.update({k: ids.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()})
    response = post(api_client_for(personas.member), API, data)
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"], response.json()
    assert Commitment.objects.count() == 0


def test_it_needs_a_token(personas: Personas) -> None:
    assert Client().get(API).status_code == 401
    assert post(Client(), API, body(performer_id=personas.member2.pk)).status_code == 401


# --- read -----------------------------------------------------------------------------------------


def test_it_gets_a_commitment_with_its_history_and_the_callers_moves(personas: Personas) -> None:
    c = in_state(personas, "countered")
    response = api_client_for(personas.member).get(f"{API}/{c.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "countered"
    assert data["counter_offer"] == {
        "due_date": days(21).isoformat(),
        "terms": "Comments on sections 1 to 3 only.",
    }
    assert [e["move"] for e in data["events"]] == ["request", "counter"]
    assert data["legal_moves"] == ["accept_counter", "reject_counter", "cancel"]


def test_another_organizations_commitment_is_a_404(personas: Personas) -> None:
    c = in_state(personas, "requested")
    outsider = api_client_for(personas.outsider)
    assert outsider.get(f"{API}/{c.pk}").status_code == 404
    response = post(outsider, f"{API}/{c.pk}/moves/promise", {"expected_version": 1})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert outsider.get(API).json()["count"] == 0
    assert Commitment.objects.get().state == "requested"


def test_the_list_filters_and_pages(personas: Personas, time_machine: Any) -> None:
    for i in range(5):
        c = request(personas.member, personas.member2, title=f"Mine {i}", due=3 + i)
        if i < 3:
            move(c, personas.member2, "promise")
    request(personas.member2, personas.member, title="To me", due=30)
    request(personas.admin, unit=personas.unit, title="For Support", due=10)
    move(request(personas.member, personas.manager, title="Closed"), personas.member, "cancel")
    client = api_client_for(personas.member)

    def titles(query: str) -> list[str]:
        response = client.get(API + query)
        assert response.status_code == 200, response.json()
        return [item["title"] for item in response.json()["items"]]

    assert titles("?role=requester") == [f"Mine {i}" for i in range(5)]
    assert titles("?role=performer") == ["To me"]
    assert titles("?role=waiting") == ["For Support", "To me"]
    assert titles("?state=cancelled") == ["Closed"]
    assert titles(f"?unit={personas.unit.pk}") == ["For Support"]
    page = client.get(API + "?role=requester&limit=2&offset=2").json()
    assert page["count"] == 5 and page["count_is_exact"] is True
    assert [i["title"] for i in page["items"]] == ["Mine 2", "Mine 3"]
    assert titles("?overdue=true") == []
    time_machine.move_to(dt.datetime.combine(days(8), dt.time(12)))
    # Overdue means a broken promise: requests nobody answered by their date are not.
    assert titles("?overdue=true") == [f"Mine {i}" for i in range(3)]


@pytest.mark.parametrize(
    "query",
    [
        "?role=boss",
        "?state=done",
        "?limit=0",
        "?limit=500",
        "?offset=-1",
        "?unit=abc",
        "?overdue=maybe",
    ],
)
def test_the_list_refuses_bad_filters_with_a_422(personas: Personas, query: str) -> None:
    response = api_client_for(personas.member).get(API + query)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_the_list_runs_in_a_bounded_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        c = request(personas.member, personas.member2, title=f"Ask {i}")
        if i % 2:
            c = move(c, personas.member2, "promise")
            move(c, personas.member, "propose_renegotiation", due_date=days(40))
    client = api_client_for(personas.member)
    with django_assert_max_num_queries(6):
        response = client.get(API + "?limit=200")
    assert len(response.json()["items"]) == 30


# --- moves ------------------------------------------------------------------------------------------

# Each move with the variant it is legal in and who makes it there.
LEGAL: dict[str, tuple[str, str]] = {
    "promise": ("requested", "performer"),
    "decline": ("requested", "performer"),
    "counter": ("requested", "performer"),
    "commit_to_commit": ("requested", "performer"),
    "accept_counter": ("countered", "requester"),
    "reject_counter": ("countered", "requester"),
    "accept_offer": ("offered", "requester"),
    "decline_offer": ("offered", "requester"),
    "declare_complete": ("promised", "performer"),
    "declare_satisfied": ("completed", "requester"),
    "declare_dissatisfied": ("completed", "requester"),
    "propose_renegotiation": ("promised", "requester"),
    "accept_renegotiation": ("promised_proposed_by_requester", "performer"),
    "reject_renegotiation": ("promised_proposed_by_requester", "performer"),
    "cancel": ("requested", "requester"),
    "revoke": ("promised", "performer"),
}
TO_STATE = {
    "promise": "promised",
    "decline": "declined",
    "counter": "countered",
    "commit_to_commit": "deferred",
    "accept_counter": "promised",
    "reject_counter": "requested",
    "accept_offer": "promised",
    "decline_offer": "declined",
    "declare_complete": "completed",
    "declare_satisfied": "satisfied",
    "declare_dissatisfied": "promised",
    "propose_renegotiation": "promised",
    "accept_renegotiation": "promised",
    "reject_renegotiation": "promised",
    "cancel": "cancelled",
    "revoke": "revoked",
}


def party(p: Personas, who: str) -> Person:
    return p.member if who == "requester" else p.member2


def test_every_move_has_an_endpoint_case() -> None:
    assert set(LEGAL) == set(ANSWER_MOVES) == set(TO_STATE)


@pytest.mark.parametrize("move_name", ANSWER_MOVES)
def test_every_move_endpoint_makes_its_move(personas: Personas, move_name: str) -> None:
    variant, who = LEGAL[move_name]
    c = in_state(personas, variant)
    payload = {"expected_version": c.version, **MOVE_DATA[move_name]}
    response = post(
        api_client_for(party(personas, who)), f"{API}/{c.pk}/moves/{move_name}", payload
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["state"] == TO_STATE[move_name]
    assert data["version"] == c.version + 1
    assert data["events"][-1]["move"] == move_name
    assert data["events"][-1]["actor"]["id"] == party(personas, who).pk


def test_a_move_by_the_wrong_person_is_a_403_and_changes_nothing(personas: Personas) -> None:
    c = in_state(personas, "completed")
    response = post(
        api_client_for(personas.member2),
        f"{API}/{c.pk}/moves/declare_satisfied",
        {"expected_version": c.version},
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the requester (Mia Member) can declare satisfied.",
        "state": "completed",
        "version": c.version,
    }
    assert CommitmentEvent.objects.filter(commitment=c).count() == 3


def test_a_move_in_the_wrong_state_is_a_409(personas: Personas) -> None:
    c = in_state(personas, "requested")
    response = post(
        api_client_for(personas.member),
        f"{API}/{c.pk}/moves/declare_satisfied",
        {"expected_version": c.version},
    )
    assert response.status_code == 409
    assert "requested" in response.json()["detail"]


def test_a_stale_move_is_a_409_with_the_current_version(personas: Personas) -> None:
    c = in_state(personas, "requested")
    move(c, personas.member2, "promise")
    response = post(
        api_client_for(personas.member2),
        f"{API}/{c.pk}/moves/decline",
        {"expected_version": 1, "reason": "busy"},
    )
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Someone else changed this commitment")
    assert response.json()["version"] == 2
    assert Commitment.objects.get().state == "promised"


@pytest.mark.parametrize(
    ("move_name", "payload", "field"),
    [
        ("decline", {"reason": " "}, "reason"),
        ("counter", {}, "due_date"),
        ("counter", {"due_date": "2001-01-01"}, "due_date"),
        ("counter", {"due_date": "9999-12-31"}, "due_date"),
        ("commit_to_commit", {"answer_by": "9999-12-31"}, "answer_by"),
        ("commit_to_commit", {}, "answer_by"),
        ("commit_to_commit", {"answer_by": "ANSWER_AFTER_DUE"}, "answer_by"),
        ("promise", {"expected_version": 0}, "expected_version"),
        ("promise", {"expected_version": None}, "expected_version"),
        ("promise", {"colour": "red"}, "colour"),
    ],
)
def test_a_move_with_bad_fields_is_a_422_naming_them(
    personas: Personas, move_name: str, payload: dict[str, Any], field: str
) -> None:
    c = in_state(personas, "requested")
    data = {"expected_version": c.version, **payload}
    if data.get("answer_by") == "ANSWER_AFTER_DUE":
        data["answer_by"] = (c.due_date + dt.timedelta(days=1)).isoformat()
    if data.get("expected_version") is None:
        del data["expected_version"]
    response = post(api_client_for(personas.member2), f"{API}/{c.pk}/moves/{move_name}", data)
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"], response.json()
    assert Commitment.objects.get().version == c.version


def test_an_unknown_move_is_a_422(personas: Personas) -> None:
    c = in_state(personas, "requested")
    response = post(
        api_client_for(personas.member2), f"{API}/{c.pk}/moves/request", {"expected_version": 1}
    )
    assert response.status_code == 422
    assert "move" in response.json()["errors"]


def test_every_endpoint_is_in_the_openapi_document(personas: Personas) -> None:
    schema = api_client_for(personas.member).get("/api/v1/openapi.json").json()
    assert "/api/v1/commitments" in schema["paths"]
    assert "/api/v1/commitments/{commitment_id}" in schema["paths"]
    assert "/api/v1/commitments/{commitment_id}/moves/{move}" in schema["paths"]


def test_a_personal_commitment_is_a_404_to_anyone_but_its_parties(personas: Personas) -> None:
    p = personas
    private = in_state(p, "requested")
    for_unit = request(p.admin, unit=p.unit, title="For Support")
    stranger = api_client_for(p.facilitator)
    assert stranger.get(f"{API}/{private.pk}").status_code == 404
    response = post(stranger, f"{API}/{private.pk}/moves/promise", {"expected_version": 1})
    assert response.status_code == 404
    listed = stranger.get(f"{API}?state=all").json()
    assert [c["title"] for c in listed["items"]] == ["For Support"]
    assert listed["count"] == 1
    assert stranger.get(f"{API}/{for_unit.pk}").status_code == 200
    assert api_client_for(p.member2).get(f"{API}/{private.pk}").status_code == 200
    assert Commitment.objects.get(pk=private.pk).state == "requested"
