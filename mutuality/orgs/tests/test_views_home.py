"""The organization's home page: a calm dashboard of the viewer's place and the org."""

from __future__ import annotations

from typing import Any

import pytest

from mutuality.core import navigation
from mutuality.orgs import unit_sections
from mutuality.orgs.models import Person
from mutuality.orgs.services import person_create, unit_create
from mutuality.testing import Personas


@pytest.fixture
def own_queries_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count this page's queries, not those of the badges and sections other apps add."""
    mine = {k: v for k, v in navigation._items.items() if k.startswith("orgs:")}
    monkeypatch.setattr(navigation, "_items", mine)
    monkeypatch.setattr(unit_sections, "_sections", {})


def test_it_greets_the_viewer_and_shows_their_place(personas: Personas) -> None:
    html = personas.client_for(personas.member).get(personas.url("orgs:home")).content.decode()
    assert "<h1>Hello, Mia</h1>" in html
    assert f'href="/o/acme/units/{personas.unit.pk}/">Support</a>' in html
    assert f'href="/o/acme/people/{personas.manager.pk}/">Max Manager</a>' in html
    assert f'href="/o/acme/people/{personas.member.pk}/">Your page</a>' in html


def test_it_shows_a_managers_reports_and_the_units_they_lead(personas: Personas) -> None:
    html = personas.client_for(personas.manager).get(personas.url("orgs:home")).content.decode()
    assert "2 people</a>" in html
    assert "You lead" in html and f'href="/o/acme/units/{personas.unit.pk}/">Support</a>' in html


def test_it_counts_people_and_units_and_links_to_the_directory_units_and_chart(
    personas: Personas,
) -> None:
    html = personas.client_for(personas.member).get(personas.url("orgs:home")).content.decode()
    assert '<span class="stat">5</span> people' in html
    assert '<span class="stat">3</span> units' in html
    for name in ["people", "units", "chart"]:
        assert f'href="/o/acme/{name}/"' in html


def test_only_admins_see_the_admin_shortcuts(personas: Personas) -> None:
    admin_html = personas.client_for(personas.admin).get(personas.url("orgs:home")).content
    member_html = personas.client_for(personas.member).get(personas.url("orgs:home")).content
    for fragment in [
        b'href="/o/acme/people/new/"',
        b'href="/o/acme/units/new/"',
        b'href="/o/acme/people/import/"',
        b'href="/o/acme/audit/"',
    ]:
        assert fragment in admin_html
        assert fragment not in member_html


def test_the_navigation_offers_people_units_and_the_chart(personas: Personas) -> None:
    html = personas.client_for(personas.member).get(personas.url("orgs:people")).content.decode()
    nav = html[html.index('<nav class="mainnav"') : html.index("</nav>")]
    people, units, chart = (nav.index(f'href="/o/acme/{n}/"') for n in ["people", "units", "chart"])
    assert people < units < chart
    assert 'href="/o/acme/people/" aria-current="page">People</a>' in nav


def test_the_home_page_queries_do_not_grow_with_the_organization(
    personas: Personas, django_assert_max_num_queries: Any, own_queries_only: None
) -> None:
    client = personas.client_for(personas.manager)
    client.get(personas.url("orgs:home"))
    for i in range(20):
        unit = unit_create(org=personas.org, actor=None, name=f"Team {i}", leads=[personas.manager])
        person_create(
            org=personas.org,
            actor=None,
            name=f"P {i}",
            employee_id=f"P{i}",
            manager=personas.manager,
            unit=unit,
        )
    # 7 are the session, the login and the page's shell.
    with django_assert_max_num_queries(12):
        response = client.get(personas.url("orgs:home"))
    assert "22 people</a>" in response.content.decode()


def test_it_says_what_waits_for_the_viewer_from_the_navigation_badges(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = personas.client_for(personas.member).get(personas.url("orgs:home")).content.decode()
    assert "What waits for you" in quiet and "Nothing waits for you." in quiet
    mine = dict(navigation._items)
    three = [personas.admin.pk, personas.manager.pk, personas.member2.pk]
    mine["orgs:units"] = navigation.NavItem(
        label="Units",
        url_name="orgs:units",
        order=30,
        badge=lambda person, today: Person.objects.filter(org_id=person.org_id, pk__in=three),
    )
    monkeypatch.setattr(navigation, "_items", mine)
    html = personas.client_for(personas.member).get(personas.url("orgs:home")).content.decode()
    panel = html[html.index('id="waiting-for-you"') : html.index('id="my-place"')]
    assert 'href="/o/acme/units/">Units</a> <span class="badge">3</span>' in panel
    assert "Nothing waits for you." not in panel
