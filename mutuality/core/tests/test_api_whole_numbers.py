"""Ids and versions sent in a JSON body are integers: `true` is not person 1, nor 1.0.

Pydantic's lax mode would read `true` as 1 and 1.0 as 1; every input schema refuses both,
naming the field, and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mutuality.commitments.commitments.tests.factories import days, in_state
from mutuality.commitments.issues.tests.factories import in_state as issue_in_state
from mutuality.commitments.models import Commitment, Issue
from mutuality.orgs.models import Person, Unit
from mutuality.testing import Personas, api_client_for

API = "/api/v1"
NOT_WHOLE_NUMBERS = [True, False, 1.0, 2.5]


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _commitment(**ids: Any) -> dict[str, Any]:
    return {
        "kind": "request",
        "title": "Review the onboarding guide",
        "conditions": "Comments on every section.",
        "due_date": days(7).isoformat(),
        **ids,
    }


# (who sends it, method, url, body with `bad` in the field, the field's name as reported)
Case = tuple[str, str, Callable[[Personas], str], Callable[[Any], dict[str, Any]], str]
CASES: dict[str, Case] = {
    "new person's manager": (
        "admin",
        "post",
        lambda p: f"{API}/people",
        lambda bad: {"name": "Kim", "email": "kim@acme.test", "manager_id": bad},
        "manager_id",
    ),
    "new person's unit": (
        "admin",
        "post",
        lambda p: f"{API}/people",
        lambda bad: {"name": "Kim", "email": "kim@acme.test", "unit_id": bad},
        "unit_id",
    ),
    "changed manager": (
        "admin",
        "patch",
        lambda p: f"{API}/people/{p.member.pk}",
        lambda bad: {"manager_id": bad},
        "manager_id",
    ),
    "new unit's parent": (
        "admin",
        "post",
        lambda p: f"{API}/units",
        lambda bad: {"name": "Billing", "parent_id": bad},
        "parent_id",
    ),
    "new unit's leads": (
        "admin",
        "post",
        lambda p: f"{API}/units",
        lambda bad: {"name": "Billing", "lead_ids": [bad]},
        "lead_ids.0",
    ),
    "changed parent": (
        "admin",
        "patch",
        lambda p: f"{API}/units/{p.other_unit.pk}",
        lambda bad: {"parent_id": bad},
        "parent_id",
    ),
    "commitment's performer": (
        "member",
        "post",
        lambda p: f"{API}/commitments",
        lambda bad: _commitment(performer_id=bad),
        "performer_id",
    ),
    "commitment's unit": (
        "member",
        "post",
        lambda p: f"{API}/commitments",
        lambda bad: _commitment(performer_id=None, unit_id=bad),
        "unit_id",
    ),
    "commitment move's version": (
        "member2",
        "post",
        lambda p: f"{API}/commitments/{in_state(p, 'requested').pk}/moves/promise",
        lambda bad: {"expected_version": bad},
        "expected_version",
    ),
    "issue's addressee": (
        "member",
        "post",
        lambda p: f"{API}/issues",
        lambda bad: {"title": "A tension", "addressee_id": bad},
        "addressee_id",
    ),
    "issue move's version": (
        "member2",
        "post",
        lambda p: f"{API}/issues/{issue_in_state(p, 'raised').pk}/moves/take_ownership",
        lambda bad: {"expected_version": bad},
        "expected_version",
    ),
    "issue escalation's facilitator": (
        "member",
        "post",
        lambda p: f"{API}/issues/{issue_in_state(p, 'declined').pk}/moves/escalate",
        lambda bad: {"expected_version": 2, "facilitator_id": bad, "note": "Please."},
        "facilitator_id",
    ),
}


def _rows() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Unit.objects.count(),
        Commitment.objects.count(),
        Issue.objects.count(),
    )


@pytest.mark.parametrize("bad", NOT_WHOLE_NUMBERS, ids=repr)
@pytest.mark.parametrize("case", CASES)
def test_a_boolean_or_a_float_is_refused_as_an_id_naming_the_field(
    personas: Personas, case: str, bad: Any
) -> None:
    who, method, url_of, body_of, field = CASES[case]
    url = url_of(personas)
    client = api_client_for(getattr(personas, who))
    before = _rows()

    response = send(client, method, url, body_of(bad))

    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == [field]
    # Refused for what it is, not because no row happens to have that id.
    (message,) = response.json()["errors"][field]
    assert message.startswith("Input should be an integer, not "), message
    assert _rows() == before


def test_a_boolean_is_refused_with_a_message_that_says_why(personas: Personas) -> None:
    response = send(
        api_client_for(personas.admin),
        "post",
        f"{API}/people",
        {"name": "Kim", "email": "kim@acme.test", "manager_id": True},
    )

    assert response.json()["errors"] == {
        "manager_id": ["Input should be an integer, not true or false."]
    }


def test_ids_in_a_path_or_a_query_string_are_still_read_from_their_digits(
    personas: Personas,
) -> None:
    client = api_client_for(personas.member)

    assert client.get(f"{API}/people/{personas.manager.pk}").status_code == 200
    listed = client.get(f"{API}/people", {"unit": personas.unit.pk, "limit": "2"}).json()
    assert [p["name"] for p in listed["items"]] == ["Mia Member", "Noah Member"]
