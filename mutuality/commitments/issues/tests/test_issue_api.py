"""The issues API: list, get, raise, every move; errors name fields; outsiders get 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from mutuality.commitments.issues.tests.factories import in_state, move, raise_issue
from mutuality.commitments.models import Issue
from mutuality.testing import Personas, api_client_for


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_it_raises_an_issue_and_answers_with_its_history(personas: Personas) -> None:
    client = api_client_for(personas.member)
    response = post(
        client, "/api/v1/issues", {"title": "Cut-off times differ", "unit_id": personas.unit.pk}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "raised" and body["unit"]["name"] == "Support"
    assert body["raiser"] == {"id": personas.member.pk, "name": "Mia Member"}
    assert [e["move"] for e in body["events"]] == ["raise"]
    assert body["legal_moves"] == ["withdraw"]
    assert body["version"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit_id": 1}, "title"),
        ({"title": "", "addressee_id": 1}, "title"),
        ({"title": "x" * 201, "addressee_id": 1}, "title"),
        ({"title": "A tension"}, "addressee_id"),
        ({"title": "A tension", "addressee_id": 999999}, "addressee_id"),
        ({"title": "A tension", "unit_id": 999999}, "unit_id"),
        ({"title": "A tension", "addressee_id": "me"}, "addressee_id"),
        ({"title": "A tension", "unit_id": 1, "addressee_id": 1}, "unit_id"),
        ({"title": "A tension", "addressee": 1}, "addressee"),
    ],
)
def test_raising_refuses_bad_input_with_a_422_naming_the_field(
    personas: Personas, body: dict[str, Any], field: str
) -> None:
    for key in ("unit_id", "addressee_id"):
        if body.get(key) == 1:
            body[key] = personas.unit.pk if key == "unit_id" else personas.member2.pk
    response = post(api_client_for(personas.member), "/api/v1/issues", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not Issue.objects.exists()


def test_raising_with_oneself_is_a_422_naming_addressee_id(personas: Personas) -> None:
    response = post(
        api_client_for(personas.member),
        "/api/v1/issues",
        {"title": "A tension", "addressee_id": personas.member.pk},
    )
    assert response.status_code == 422
    assert "addressee_id" in response.json()["errors"]


def test_another_organizations_people_and_units_are_unknown(personas: Personas) -> None:
    outsider_unit = personas.outsider.org.units.create(name="Globex Ops")
    client = api_client_for(personas.member)
    for body in (
        {"title": "A", "addressee_id": personas.outsider.pk},
        {"title": "A", "unit_id": outsider_unit.pk},
    ):
        assert post(client, "/api/v1/issues", body).status_code == 422


def test_it_gets_an_issue_with_the_callers_moves(personas: Personas) -> None:
    issue = in_state(personas, "proposed")
    body = api_client_for(personas.member).get(f"/api/v1/issues/{issue.pk}").json()
    assert body["legal_moves"] == ["declare_satisfied", "declare_dissatisfied", "withdraw"]
    assert body["resolution"] == "Refunds under 50 are approved directly."
    owner = api_client_for(personas.member2).get(f"/api/v1/issues/{issue.pk}").json()
    assert owner["legal_moves"] == []


def test_private_and_foreign_issues_are_a_404(personas: Personas) -> None:
    issue = raise_issue(personas.member, personas.member2)
    assert api_client_for(personas.admin).get(f"/api/v1/issues/{issue.pk}").status_code == 404
    outsider = api_client_for(personas.outsider)
    assert outsider.get(f"/api/v1/issues/{issue.pk}").status_code == 404
    response = post(
        outsider, f"/api/v1/issues/{issue.pk}/moves/withdraw", {"expected_version": issue.version}
    )
    assert response.status_code == 404
    assert outsider.get("/api/v1/issues").json()["count"] == 0


def test_it_needs_a_token(personas: Personas) -> None:
    assert Client().get("/api/v1/issues").status_code == 401


MOVE_BODIES: dict[str, tuple[str, str, dict[str, Any]]] = {
    # move: (state it starts in, who makes it, body besides the version)
    "take_ownership": ("raised", "member2", {}),
    "propose_resolution": ("owned", "member2", {"resolution": "Direct approval."}),
    "declare_satisfied": ("proposed", "member", {"note": "Thanks."}),
    "declare_dissatisfied": ("proposed", "member", {"note": "Not yet."}),
    "decline": ("raised", "member2", {"reason": "Belongs to Finance."}),
    "escalate": ("declined", "member", {"facilitator_id": "facilitator"}),
    "withdraw": ("owned", "member", {}),
}


@pytest.mark.parametrize("name", list(MOVE_BODIES))
def test_every_move_endpoint_makes_its_move(personas: Personas, name: str) -> None:
    state, actor, extra = MOVE_BODIES[name]
    issue = in_state(personas, state)
    body = {"expected_version": issue.version, **extra}
    if body.get("facilitator_id") == "facilitator":
        body["facilitator_id"] = personas.facilitator.pk
    response = post(
        api_client_for(getattr(personas, actor)), f"/api/v1/issues/{issue.pk}/moves/{name}", body
    )
    assert response.status_code == 200, response.content
    assert response.json()["events"][-1]["move"] == name
    assert response.json()["version"] == issue.version + 1


def test_a_move_by_the_wrong_person_is_a_403_with_the_current_state(personas: Personas) -> None:
    issue = in_state(personas, "raised")
    response = post(
        api_client_for(personas.member),
        f"/api/v1/issues/{issue.pk}/moves/take_ownership",
        {"expected_version": issue.version},
    )
    assert response.status_code == 403
    assert response.json()["state"] == "raised" and response.json()["version"] == 1


def test_a_stale_or_illegal_move_is_a_409(personas: Personas) -> None:
    issue = in_state(personas, "proposed")
    stale = issue.version
    move(issue, personas.member, "declare_dissatisfied", note="Not yet.")
    client = api_client_for(personas.member)
    response = post(
        client, f"/api/v1/issues/{issue.pk}/moves/withdraw", {"expected_version": stale}
    )
    assert response.status_code == 409 and response.json()["version"] == stale + 1
    response = post(
        client,
        f"/api/v1/issues/{issue.pk}/moves/declare_satisfied",
        {"expected_version": stale + 1},
    )
    assert response.status_code == 409
    assert Issue.objects.get(pk=issue.pk).state == "owned"


@pytest.mark.parametrize(
    ("name", "state", "actor", "body", "field"),
    [
        ("propose_resolution", "owned", "member2", {}, "resolution"),
        ("decline", "raised", "member2", {"reason": " "}, "reason"),
        ("declare_dissatisfied", "proposed", "member", {}, "note"),
        ("escalate", "declined", "member", {}, "facilitator_id"),
        ("escalate", "declined", "member", {"facilitator_id": "member2"}, "facilitator_id"),
        ("withdraw", "owned", "member", {"color": "red"}, "color"),
        ("withdraw", "owned", "member", {"note": "x" * 10_001}, "note"),
    ],
)
def test_a_move_with_bad_fields_is_a_422_naming_them(
    personas: Personas, name: str, state: str, actor: str, body: dict[str, Any], field: str
) -> None:
    issue = in_state(personas, state)
    if body.get("facilitator_id") == "member2":
        body = {**body, "facilitator_id": personas.member2.pk}
    response = post(
        api_client_for(getattr(personas, actor)),
        f"/api/v1/issues/{issue.pk}/moves/{name}",
        {"expected_version": issue.version, **body},
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert Issue.objects.get(pk=issue.pk).version == issue.version


def test_an_unknown_move_is_a_422(personas: Personas) -> None:
    issue = in_state(personas, "raised")
    response = post(
        api_client_for(personas.member),
        f"/api/v1/issues/{issue.pk}/moves/close_unconfirmed",
        {"expected_version": issue.version},
    )
    assert response.status_code == 422


def test_the_list_filters_and_pages(personas: Personas) -> None:
    for i in range(3):
        raise_issue(personas.member2, personas.member, title=f"For Mia {i}")
    raise_issue(personas.member, personas.member2, title="By Mia")
    client = api_client_for(personas.member)
    body = client.get("/api/v1/issues?role=waiting&limit=2").json()
    assert (body["count"], len(body["items"]), body["count_is_exact"]) == (3, 2, True)
    body = client.get("/api/v1/issues?role=raised").json()
    assert [i["title"] for i in body["items"]] == ["By Mia"]


@pytest.mark.parametrize(
    "query", ["?state=nope", "?role=boss", "?limit=0", "?limit=500", "?unit=x"]
)
def test_the_list_refuses_bad_filters_with_a_422(personas: Personas, query: str) -> None:
    response = api_client_for(personas.member).get("/api/v1/issues" + query)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_the_list_runs_in_a_bounded_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    client = api_client_for(personas.member)
    raise_issue(personas.member2, personas.member)
    with django_assert_max_num_queries(10) as few:
        client.get("/api/v1/issues")
    for i in range(25):
        raise_issue(personas.admin, unit=personas.unit, title=f"Unit issue {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/issues")


def test_every_endpoint_is_in_the_openapi_document(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/issues",
        "/api/v1/issues/{issue_id}",
        "/api/v1/issues/{issue_id}/moves/{move}",
        "/api/v1/ledger",
        "/api/v1/ledger/people/{person_id}",
        "/api/v1/ledger/units/{unit_id}",
    ):
        assert path in paths
