"""Suggestions while typing a colleague's or a unit's name (htmx fills a <datalist>)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from mutuality.orgs.services import person_create, unit_create
from mutuality.testing import Personas


def options(response: Any) -> list[str]:
    assert response.status_code == 200
    html = response.content.decode()
    return [line for line in html.splitlines() if line.startswith("<option")]


def test_it_suggests_colleagues_by_name_whatever_the_accents(personas: Personas) -> None:
    person_create(
        org=personas.org, actor=None, name="Tomás Herrera", email="tomas@acme.test", title="Coach"
    )
    client = personas.client_for(personas.member)
    found = options(client.get(personas.url("orgs:people_suggest"), {"person": "tomas"}))
    assert found == ['<option value="tomas@acme.test">Tomás Herrera · Coach</option>']
    found = options(client.get(personas.url("orgs:people_suggest"), {"person": "member"}))
    # Not the viewer herself: she cannot ask herself.
    assert found == [
        '<option value="noah@acme.test">Noah Member · Support engineer, Support</option>'
    ]


def test_one_letter_suggests_nothing(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    assert options(client.get(personas.url("orgs:people_suggest"), {"person": "m"})) == []
    assert options(client.get(personas.url("orgs:units_suggest"), {"unit": " "})) == []


def test_it_never_suggests_anyone_of_another_organization_or_anyone_inactive(
    personas: Personas,
) -> None:
    from mutuality.orgs.services import person_deactivate

    person_deactivate(person=personas.member2, actor=personas.admin)
    client = personas.client_for(personas.member)
    assert options(client.get(personas.url("orgs:people_suggest"), {"person": "noah"})) == []
    assert options(client.get(personas.url("orgs:people_suggest"), {"person": "otto"})) == []
    outsider = personas.client_for(personas.outsider)
    assert outsider.get(personas.url("orgs:people_suggest"), {"person": "mia"}).status_code == 404
    assert outsider.get(personas.url("orgs:units_suggest"), {"unit": "sup"}).status_code == 404
    assert Client().get(personas.url("orgs:people_suggest")).status_code == 302


def test_it_suggests_units_starting_with_what_was_typed_first(personas: Personas) -> None:
    unit_create(org=personas.org, actor=None, name="Customer Support")
    client = personas.client_for(personas.member)
    found = options(client.get(personas.url("orgs:units_suggest"), {"unit": "supp"}))
    assert found == [
        '<option value="Support">Support</option>',
        '<option value="Customer Support">Customer Support</option>',
    ]


def test_suggestions_take_a_bounded_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        person_create(org=personas.org, actor=None, name=f"Sam Sample {i}", employee_id=f"S{i}")
    client = personas.client_for(personas.member)
    client.get(personas.url("orgs:people_suggest"), {"person": "sam"})
    with django_assert_max_num_queries(8):
        found = options(client.get(personas.url("orgs:people_suggest"), {"person": "sam"}))
    assert len(found) == 8


def test_the_commitment_and_issue_forms_ask_for_suggestions(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    for url_name in ("commitments:new", "issues:new"):
        html = client.get(personas.url(url_name)).content.decode()
        assert 'list="people-list"' in html
        assert f'hx-get="{personas.url("orgs:people_suggest")}"' in html
        assert '<datalist id="people-list"></datalist>' in html
    html = client.get(personas.url("commitments:new")).content.decode()
    assert '<datalist id="units-list"></datalist>' in html


def test_a_name_picked_or_typed_in_full_is_accepted_by_the_request_form(
    personas: Personas,
) -> None:
    import datetime as dt

    from django.utils import timezone

    from mutuality.commitments.models import Commitment

    response = personas.client_for(personas.member).post(
        personas.url("commitments:new"),
        {
            "kind": "request",
            "person": "noah member",
            "title": "Swap the Friday shift",
            "conditions": "You take my Friday, I take your Monday.",
            "due_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Commitment.objects.get().performer == personas.member2
