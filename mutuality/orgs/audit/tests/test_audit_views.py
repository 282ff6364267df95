from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutuality.accounts.services import api_token_create
from mutuality.core.models import AuditEvent
from mutuality.core.navigation import links_for
from mutuality.orgs.services import person_update, unit_update
from mutuality.testing import Personas


def _log(personas: Personas, **params: Any) -> Any:
    return personas.client_for(personas.admin).get(personas.url("audit:log"), params)


def _actions(response: Any) -> list[str]:
    return [row.event.action for row in response.context["rows"]]


def test_it_shows_the_newest_change_first_with_before_and_after(personas: Personas) -> None:
    with time_machine.travel(dt.datetime(2031, 1, 2, 10, 30, tzinfo=dt.UTC), tick=False):
        person_update(person=personas.member, actor=personas.admin, title="Team lead")
    response = _log(personas)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0].event.action == "person.update"
    html = response.content.decode()
    assert "2031-01-02 10:30" in html
    assert "<del>Support engineer</del> → <ins>Team lead</ins>" in html
    assert "Ada Admin" in html
    # The object is linked to its page, and to its own history.
    assert f'href="{personas.url("orgs:person", pk=personas.member.pk)}">Mia Member</a>' in html
    assert f"?object_type=orgs.person&amp;object_id={personas.member.pk}" in html


def test_it_names_the_people_and_units_a_change_points_to(personas: Personas) -> None:
    person_update(person=personas.member, actor=personas.admin, unit=personas.other_unit)
    unit_update(unit=personas.other_unit, actor=personas.admin, leads=[personas.member])
    html = _log(personas).content.decode()
    assert "<del>Support</del> → <ins>Finance</ins>" in html
    assert "<del>—</del> → <ins>Mia Member</ins>" in html


def test_it_links_units_to_their_page(personas: Personas) -> None:
    unit_update(unit=personas.unit, actor=personas.admin, description="First line")
    html = _log(personas).content.decode()
    assert f'href="{personas.url("orgs:unit", pk=personas.unit.pk)}">Support</a>' in html


def test_a_created_object_shows_only_its_values(personas: Personas) -> None:
    html = _log(personas, object_type="orgs.person", object_id=personas.member.pk).content
    text = html.decode()
    assert "<ins>Mia Member</ins>" in text
    assert "<del>" not in text


def test_it_shows_only_this_organizations_events(personas: Personas) -> None:
    person_update(person=personas.outsider, actor=personas.outsider, title="Globex boss")
    response = _log(personas)
    assert all(row.event.org_id == personas.org.pk for row in response.context["rows"])
    html = response.content.decode()
    assert "Otto" not in html and "Globex" not in html


def test_it_filters_by_the_person_who_acted(personas: Personas) -> None:
    person_update(person=personas.member, actor=personas.admin, title="Team lead")
    response = _log(personas, actor=personas.admin.pk)
    assert response.status_code == 200
    assert _actions(response) == ["person.update"]
    assert "Changes by <strong>Ada Admin</strong>" in response.content.decode()
    # Everything else in the personas was done by the installation, not by a person.
    assert _actions(_log(personas, actor=personas.member.pk)) == []


def test_it_filters_by_object(personas: Personas) -> None:
    person_update(person=personas.member, actor=personas.admin, title="Team lead")
    person_update(person=personas.member2, actor=personas.admin, title="Team lead")
    response = _log(personas, object_type="orgs.person", object_id=personas.member.pk)
    assert _actions(response) == ["person.update", "person.create"]
    assert all(r.event.object_id == str(personas.member.pk) for r in response.context["rows"])
    assert "History of <strong>Mia Member</strong>" in response.content.decode()
    units = _log(personas, object_type="orgs.unit")
    assert set(_actions(units)) == {"unit.create"}


def test_it_names_the_filter_that_is_wrong(personas: Personas) -> None:
    for params, field in (
        ({"actor": "abc"}, "actor"),
        ({"actor": personas.outsider.pk}, "actor"),
        ({"object_type": "nonsense"}, "object_type"),
        ({"object_id": "5"}, "object_type"),
        ({"page": "0"}, "page"),
        ({"page": "many"}, "page"),
    ):
        response = _log(personas, **params)
        assert response.status_code == 400, params
        assert field in response.context["form"].errors, params
        assert f"<li>{field}: " in response.content.decode()


def test_it_pages_fifty_events_at_a_time(personas: Personas) -> None:
    base = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    for i in range(60):
        with time_machine.travel(base + dt.timedelta(minutes=i), tick=False):
            person_update(person=personas.member, actor=personas.admin, title=f"Title {i}")
    first = _log(personas)
    assert len(first.context["rows"]) == 50
    assert first.context["rows"][0].event.after["title"] == "Title 59"
    assert first.context["newer_query"] is None
    assert first.context["older_query"] == "page=2"
    total = AuditEvent.objects.filter(org=personas.org).count()
    second = _log(personas, page=2)
    assert len(second.context["rows"]) == total - 50
    assert second.context["older_query"] is None
    assert second.context["newer_query"] == "page=1"
    seen = [r.event.pk for r in first.context["rows"] + second.context["rows"]]
    assert len(set(seen)) == total


def test_paging_keeps_the_filters(personas: Personas) -> None:
    for i in range(55):
        person_update(person=personas.member, actor=personas.admin, title=f"Title {i}")
    response = _log(personas, actor=personas.admin.pk)
    assert response.context["older_query"] == f"actor={personas.admin.pk}&page=2"


def test_the_list_takes_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    client = personas.client_for(personas.admin)
    person_update(person=personas.member, actor=personas.admin, title="Lead")
    client.get(personas.url("audit:log"))
    with CaptureQueriesContext(connection) as few:
        client.get(personas.url("audit:log"))
    # Many rows, by many different people, about people, units and tokens.
    for i in range(15):
        for person in (personas.member, personas.member2, personas.manager, personas.facilitator):
            unit = personas.other_unit if i % 2 else personas.unit
            person_update(person=person, actor=personas.admin, title=f"T{i}", unit=unit)
            api_token_create(person=person, name=f"Token {i}")
    unit_update(unit=personas.unit, actor=personas.admin, description="x")
    with django_assert_max_num_queries(len(few)):
        response = client.get(personas.url("audit:log"))
    assert len(response.context["rows"]) == 50
    assert len({row.event.actor_id for row in response.context["rows"]}) == 5
    with django_assert_max_num_queries(len(few) + 1):  # + the person filtered by
        client.get(personas.url("audit:log"), {"actor": personas.manager.pk})


def test_only_admins_may_read_the_log(personas: Personas) -> None:
    for person in (personas.member, personas.manager, personas.facilitator):
        response = personas.client_for(person).get(personas.url("audit:log"))
        assert response.status_code == 403


def test_outsiders_get_not_found(personas: Personas) -> None:
    response = personas.client_for(personas.outsider).get(personas.url("audit:log"))
    assert response.status_code == 404


def test_admins_have_an_audit_log_link_and_others_do_not(personas: Personas) -> None:
    assert "Audit log" in [link.label for link in links_for(personas.admin)]
    assert "Audit log" not in [link.label for link in links_for(personas.member)]
    assert "Audit log" not in [link.label for link in links_for(personas.facilitator)]
