"""The people directory: search, filters, pagination, live search, admin actions."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mutuality.core import navigation
from mutuality.orgs import unit_sections
from mutuality.orgs.models import Person
from mutuality.orgs.services import person_create, person_deactivate, unit_create
from mutuality.testing import Personas


@pytest.fixture
def own_queries_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count this page's queries, not those of the badges and sections other apps add."""
    mine = {k: v for k, v in navigation._items.items() if k.startswith("orgs:")}
    monkeypatch.setattr(navigation, "_items", mine)
    monkeypatch.setattr(unit_sections, "_sections", {})


def listed(html: str) -> list[str]:
    """The names in the results table, in order."""
    return re.findall(r'<td><a href="/o/acme/people/\d+/">([^<]+)</a>', html)


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_people(personas: Personas, count: int, prefix: str = "Zed") -> None:
    for i in range(count):
        person_create(
            org=personas.org,
            actor=None,
            name=f"{prefix} {i:03d}",
            employee_id=f"{prefix}-{i}",
            title="Analyst",
            unit=personas.unit,
            manager=personas.manager,
        )


def test_it_lists_the_organizations_people_with_title_unit_and_manager(
    personas: Personas,
) -> None:
    response = personas.client_for(personas.member).get(personas.url("orgs:people"))
    html = response.content.decode()
    assert response.status_code == 200
    assert listed(html) == [
        "Ada Admin",
        "Fay Facilitator",
        "Max Manager",
        "Mia Member",
        "Noah Member",
    ]
    assert "Otto Outsider" not in html
    assert "Support engineer" in html
    assert f'href="/o/acme/units/{personas.unit.pk}/">Support</a>' in html
    assert f'href="/o/acme/people/{personas.manager.pk}/">Max Manager</a>' in html


def test_the_search_form_is_labelled_and_works_with_and_without_htmx(personas: Personas) -> None:
    html = personas.client_for(personas.member).get(personas.url("orgs:people")).content.decode()
    assert '<label for="id_q">Search by name' in html
    assert '<label for="id_unit">Unit' in html
    assert 'hx-get="/o/acme/people/"' in html
    # Typing in the search box searches; a unit is searched once it is picked (or typed and
    # left), not at every letter of its name.
    assert 'hx-trigger="input changed delay:300ms from:#id_q, search, change from:#id_unit"' in html
    assert '<datalist id="units-list"></datalist>' in html
    # No select of every unit: at 2,000 units it cost two thirds of the page.
    assert "<option" not in html
    assert 'hx-target="#people-results"' in html
    assert '<button type="submit">Search</button>' in html


def test_it_searches_by_name(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    html = client.get(personas.url("orgs:people"), {"q": "member"}).content.decode()
    assert listed(html) == ["Mia Member", "Noah Member"]
    assert 'value="member"' in html  # the search stays in the box
    html = client.get(personas.url("orgs:people"), {"q": "nobody-like-this"}).content.decode()
    assert listed(html) == []
    assert "Nobody matches “nobody-like-this”" in html


def test_it_filters_by_unit(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    html = client.get(personas.url("orgs:people"), {"unit": "acme hq"}).content.decode()
    assert listed(html) == ["Fay Facilitator", "Max Manager"]
    assert 'name="unit" value="acme hq"' in html


def test_an_htmx_request_gets_only_the_results(personas: Personas) -> None:
    response = personas.client_for(personas.member).get(
        personas.url("orgs:people"), {"q": "mia"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert listed(html) == ["Mia Member"]
    assert "<html" not in html and "Search by name" not in html
    assert "HX-Request" in response["Vary"]


def test_pages_hold_fifty_people_and_page_links_keep_the_filters(personas: Personas) -> None:
    add_people(personas, 55)
    client = personas.client_for(personas.member)
    html = client.get(personas.url("orgs:people"), {"q": "zed"}).content.decode()
    assert len(listed(html)) == 50
    assert "55 people, showing 1–50" in html
    assert 'href="?q=zed&amp;page=2"' in html
    html = client.get(personas.url("orgs:people"), {"q": "zed", "page": "2"}).content.decode()
    assert listed(html) == ["Zed 050", "Zed 051", "Zed 052", "Zed 053", "Zed 054"]
    assert 'href="?q=zed&amp;page=1"' in html


def test_a_page_number_out_of_range_shows_the_last_page(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    html = client.get(personas.url("orgs:people"), {"page": "99"}).content.decode()
    assert listed(html)[-1] == "Noah Member"
    assert client.get(personas.url("orgs:people"), {"page": "x"}).status_code == 200


def test_only_admins_see_admin_actions_and_the_inactive_filter(personas: Personas) -> None:
    admin_html = personas.client_for(personas.admin).get(personas.url("orgs:people")).content
    member_html = personas.client_for(personas.member).get(personas.url("orgs:people")).content
    for fragment in [
        b'href="/o/acme/people/new/">Add person</a>',
        b'href="/o/acme/people/import/">Import CSV</a>',
        b'href="/o/acme/people/export.csv">Export CSV</a>',
        b"Include inactive people",
    ]:
        assert fragment in admin_html
        assert fragment not in member_html


def test_admins_can_include_inactive_people_and_members_cannot(personas: Personas) -> None:
    person_deactivate(person=personas.member2, actor=personas.admin)
    url = personas.url("orgs:people")
    admin = personas.client_for(personas.admin)
    assert "Noah Member" not in listed(admin.get(url).content.decode())
    html = admin.get(url, {"inactive": "on"}).content.decode()
    assert "Noah Member" in listed(html)
    assert "Inactive</span>" in html
    member_html = personas.client_for(personas.member).get(url, {"inactive": "on"}).content
    assert "Noah Member" not in listed(member_html.decode())


def test_it_lists_a_managers_direct_reports(personas: Personas) -> None:
    html = (
        personas.client_for(personas.member)
        .get(personas.url("orgs:people"), {"manager": personas.manager.pk})
        .content.decode()
    )
    assert listed(html) == ["Mia Member", "Noah Member"]
    assert "Showing people who report to" in html


def test_a_bad_filter_is_refused_with_the_field_named(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    globex_unit = unit_create(org=personas.other_org, actor=None, name="Globex Ops")
    for name in ["abc", globex_unit.name, "x" * 201]:
        response = client.get(personas.url("orgs:people"), {"unit": name})
        html = response.content.decode()
        assert response.status_code == 400
        assert 'id="id_unit_error"' in html
        assert listed(html) == []
    response = client.get(personas.url("orgs:people"), {"q": "x" * 101})
    assert response.status_code == 400
    assert 'id="id_q_error"' in response.content.decode()
    response = client.get(personas.url("orgs:people"), {"manager": personas.outsider.pk})
    assert response.status_code == 400
    assert "Choose a manager from their page." in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_people_or_units(
    personas: Personas, own_queries_only: None
) -> None:
    client = personas.client_for(personas.admin)
    url = personas.url("orgs:people") + "?inactive=on"
    before = queries_for(client, url)
    add_people(personas, 60)
    for i in range(30):
        unit_create(org=personas.org, actor=None, name=f"Team {i}", parent=personas.unit)
    Person.objects.filter(name__startswith="Zed 01").update(is_active=False)
    assert queries_for(client, url) == before
    assert queries_for(client, url + "&q=zed&page=2") == before
    assert before <= 10  # 7 are the session, the login and the page's shell
