"""The units list, a unit's page, and adding, editing and retiring units."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mutuality.core import navigation
from mutuality.orgs import unit_sections
from mutuality.orgs.models import Person, Unit
from mutuality.orgs.services import person_create, unit_create, unit_deactivate
from mutuality.testing import Personas


@pytest.fixture
def own_queries_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count this page's queries, not those of the badges and sections other apps add."""
    mine = {k: v for k, v in navigation._items.items() if k.startswith("orgs:")}
    monkeypatch.setattr(navigation, "_items", mine)
    monkeypatch.setattr(unit_sections, "_sections", {})


def flashes(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- the list ----------------------------------------------------------------------------------


def test_the_units_list_is_the_tree_as_nested_lists_with_member_counts(
    personas: Personas,
) -> None:
    team = unit_create(org=personas.org, actor=None, name="Tier <2>", parent=personas.unit)
    html = personas.client_for(personas.member).get(personas.url("orgs:units")).content.decode()
    tree = html[html.index('<ul class="tree unit-tree">') :]
    tree = tree[: tree.index("</div>")]
    compact = re.sub(
        r'<span class="count">(\d+)<span class="visually-hidden">[^<]*</span></span>', r"[\1]", tree
    )
    compact = re.sub(r'<a href="/o/acme/units/\d+/">([^<]*)</a> ', r"\1", compact)
    assert compact == (
        '<ul class="tree unit-tree"><li>Acme HQ[2]<ul><li>Finance[0]</li>'
        "<li>Support[2]<ul><li>Tier &lt;2&gt;[0]</li></ul></li></ul></li></ul>"
    )
    assert f'href="/o/acme/units/{team.pk}/"' in tree
    assert "Globex" not in html
    assert "1 person is in no unit." in html  # Ada Admin


def test_only_admins_see_add_unit(personas: Personas) -> None:
    url = personas.url("orgs:units")
    assert b"Add unit</a>" in personas.client_for(personas.admin).get(url).content
    assert b"Add unit</a>" not in personas.client_for(personas.member).get(url).content


def test_the_units_list_queries_do_not_grow_with_units_or_people(
    personas: Personas, own_queries_only: None
) -> None:
    client = personas.client_for(personas.member)
    before = queries_for(client, personas.url("orgs:units"))
    parent = personas.unit
    for i in range(25):
        parent = unit_create(org=personas.org, actor=None, name=f"Level {i}", parent=parent)
        person_create(org=personas.org, actor=None, name=f"P {i}", employee_id=f"P{i}", unit=parent)
    assert queries_for(client, personas.url("orgs:units")) == before
    assert before <= 10  # 7 are the session, the login and the page's shell


# --- a unit's page -----------------------------------------------------------------------------


def test_a_units_page_shows_its_place_leads_members_and_sub_units(personas: Personas) -> None:
    team = unit_create(
        org=personas.org,
        actor=None,
        name="Tier 2",
        parent=personas.unit,
        description="Hard cases.",
        leads=[personas.member],
    )
    person_create(org=personas.org, actor=None, name="Tess Two", employee_id="T2", unit=team)
    html = (
        personas.client_for(personas.member2)
        .get(personas.url("orgs:unit", pk=personas.unit.pk))
        .content.decode()
    )
    crumbs = html[html.index('<ol class="breadcrumbs">') : html.index("</ol>")]
    assert re.findall(r">([^<>]+)</(?:a|li)>", crumbs) == ["Units", "Acme HQ", "Support"]
    assert f'href="/o/acme/people/{personas.manager.pk}/">Max Manager</a>' in html
    assert (
        f'href="/o/acme/units/{team.pk}/">Tier 2</a> <span class="muted small">· 1 person' in html
    )
    assert f'href="/o/acme/people/{personas.member.pk}/">Mia Member</a>' in html
    assert "Members <span" in html and "(2)" in html
    html = (
        personas.client_for(personas.member2)
        .get(personas.url("orgs:unit", pk=team.pk))
        .content.decode()
    )
    assert "Hard cases." in html
    assert f'href="/o/acme/chart/?root={team.pk}">Chart from here</a>' in html


def test_admins_see_edit_retire_and_add_links_on_a_unit(personas: Personas) -> None:
    url = personas.url("orgs:unit", pk=personas.unit.pk)
    html = personas.client_for(personas.admin).get(url).content.decode()
    pk = personas.unit.pk
    assert f'href="/o/acme/units/{pk}/edit/">Edit</a>' in html
    assert f'action="/o/acme/units/{pk}/deactivate/"' in html
    assert 'data-confirm="Retire Support?' in html
    assert f'href="/o/acme/people/new/?unit={pk}">Add a person here</a>' in html
    assert f'href="/o/acme/units/new/?parent={pk}">Add a sub-unit</a>' in html
    member_html = personas.client_for(personas.member).get(url).content.decode()
    assert "/deactivate/" not in member_html and "/edit/" not in member_html


def test_a_big_units_members_are_paginated_with_bounded_queries(
    personas: Personas, own_queries_only: None
) -> None:
    client = personas.client_for(personas.member)
    url = personas.url("orgs:unit", pk=personas.unit.pk)
    before = queries_for(client, url)
    for i in range(60):
        person_create(
            org=personas.org,
            actor=None,
            name=f"Zed {i:02d}",
            employee_id=f"Z{i}",
            unit=personas.unit,
        )
    for i in range(5):
        unit_create(org=personas.org, actor=None, name=f"Sub {i}", parent=personas.unit)
    assert queries_for(client, url) == before
    assert before <= 13  # 7 are the session, the login and the page's shell
    html = client.get(url).content.decode()
    assert "Page 1 of 2" in html and 'href="?page=2"' in html
    assert "Zed 59" in client.get(url, {"page": 2}).content.decode()


@pytest.fixture
def commitments_section() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def context(*, unit: Unit, viewer: Person) -> Mapping[str, Any] | None:
        calls.append({"unit": unit, "viewer": viewer})
        return {"count": 3} if unit.name == "Support" else None

    unit_sections.register("orgs/tests/_section.html", context, order=5)
    yield calls
    unit_sections.unregister("orgs/tests/_section.html")


def test_other_apps_add_sections_to_the_unit_page(
    personas: Personas, commitments_section: list[dict[str, Any]], tmp_path: Any, settings: Any
) -> None:
    (tmp_path / "orgs" / "tests").mkdir(parents=True)
    (tmp_path / "orgs" / "tests" / "_section.html").write_text(
        '<section id="open-commitments">{{ section.count }} open in {{ unit.name }}</section>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    client = personas.client_for(personas.member)
    html = client.get(personas.url("orgs:unit", pk=personas.unit.pk)).content.decode()
    assert '<section id="open-commitments">3 open in Support</section>' in html
    assert commitments_section[-1] == {"unit": personas.unit, "viewer": personas.member}
    html = client.get(personas.url("orgs:unit", pk=personas.other_unit.pk)).content.decode()
    assert "open-commitments" not in html


# --- adding ------------------------------------------------------------------------------------


def test_an_admin_adds_a_unit_with_a_parent_and_leads(personas: Personas) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:unit_create"),
        {
            "name": "Billing",
            "parent": personas.other_unit.pk,
            "leads": "mia@acme.test\n\n  Noah Member \n",
            "description": "Invoices.",
        },
    )
    unit = Unit.objects.get(org=personas.org, name="Billing")
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/units/{unit.pk}/"
    assert unit.parent == personas.other_unit and unit.description == "Invoices."
    assert set(unit.leads.all()) == {personas.member, personas.member2}
    assert flashes(response) == ["Billing was added."]


def test_the_add_form_can_start_inside_a_unit(personas: Personas) -> None:
    html = (
        personas.client_for(personas.admin)
        .get(personas.url("orgs:unit_create") + f"?parent={personas.unit.pk}")
        .content.decode()
    )
    assert f'<option value="{personas.unit.pk}" selected>' in html
    assert '<label for="id_leads">Leads' in html


def test_a_bad_unit_comes_back_with_field_errors_and_nothing_lost(personas: Personas) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:unit_create"),
        {
            "name": "support",
            "parent": personas.root_unit.pk,
            "leads": "mia@acme.test\nghost@acme.test\notto@globex.test",
            "description": "Kept text.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_leads_error"' in html
    assert "Line 2: Nobody active here" in html and "Line 3: Nobody active here" in html
    assert "Kept text." in html and "ghost@acme.test" in html
    assert f'<option value="{personas.root_unit.pk}" selected>' in html
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:unit_create"), {"name": "SUPPORT", "leads": "", "parent": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_name_error"' in html and "A unit with this name already exists." in html
    assert Unit.objects.filter(org=personas.org).count() == 3


# --- editing -----------------------------------------------------------------------------------


def test_the_edit_form_offers_no_parent_that_would_make_a_loop(personas: Personas) -> None:
    team = unit_create(org=personas.org, actor=None, name="Tier 2", parent=personas.unit)
    html = (
        personas.client_for(personas.admin)
        .get(personas.url("orgs:unit_edit", pk=personas.unit.pk))
        .content.decode()
    )
    start = html.index('id="id_parent"')
    parent_select = html[start : html.index("</select>", start)]
    assert f'value="{personas.root_unit.pk}" selected' in parent_select
    assert f'value="{team.pk}"' not in parent_select
    assert f'value="{personas.unit.pk}"' not in parent_select
    assert "\nmax@acme.test</textarea>" in html


def test_an_admin_moves_renames_and_changes_the_leads_of_a_unit(personas: Personas) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:unit_edit", pk=personas.unit.pk),
        {"name": "Customer Care", "parent": personas.other_unit.pk, "leads": "mia@acme.test"},
    )
    personas.unit.refresh_from_db()
    assert response.status_code == 302
    assert (personas.unit.name, personas.unit.parent) == ("Customer Care", personas.other_unit)
    assert list(personas.unit.leads.all()) == [personas.member]


def test_a_forged_parent_below_the_unit_is_refused_on_the_parent_field(
    personas: Personas,
) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:unit_edit", pk=personas.root_unit.pk),
        {"name": "HQ", "parent": personas.unit.pk, "leads": ""},
    )
    assert response.status_code == 400
    assert 'id="id_parent_error"' in response.content.decode()
    personas.root_unit.refresh_from_db()
    assert (personas.root_unit.name, personas.root_unit.parent) == ("Acme HQ", None)


# --- retiring ----------------------------------------------------------------------------------


def test_an_admin_retires_a_unit_without_sub_units(personas: Personas) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:unit_deactivate", pk=personas.unit.pk)
    )
    personas.unit.refresh_from_db()
    assert response.status_code == 302
    assert not personas.unit.is_active
    assert flashes(response) == ["Support is retired."]
    html = personas.client_for(personas.member).get(personas.url("orgs:units")).content.decode()
    assert ">Support</a>" not in html
    html = (
        personas.client_for(personas.member)
        .get(personas.url("orgs:unit", pk=personas.unit.pk))
        .content.decode()
    )
    assert "Retired</span>" in html


def test_a_unit_with_active_sub_units_is_not_retired(personas: Personas) -> None:
    response = personas.client_for(personas.admin).post(
        personas.url("orgs:unit_deactivate", pk=personas.root_unit.pk)
    )
    assert response.status_code == 302
    assert flashes(response) == ["Move or retire this unit's active sub-units first."]
    personas.root_unit.refresh_from_db()
    assert personas.root_unit.is_active


def test_a_retired_unit_offers_no_retire_button(personas: Personas) -> None:
    unit_deactivate(unit=personas.unit, actor=None)
    client = personas.client_for(personas.admin)
    html = client.get(personas.url("orgs:unit_edit", pk=personas.unit.pk)).content.decode()
    assert "/deactivate/" not in html
