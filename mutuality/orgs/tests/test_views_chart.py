"""The org chart: an SVG picture of part of the unit tree, with a text alternative."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mutuality.core import navigation
from mutuality.orgs import unit_sections
from mutuality.orgs.chart import MAX_BOXES, MAX_SIBLINGS
from mutuality.orgs.models import Unit
from mutuality.orgs.services import unit_create, unit_deactivate
from mutuality.testing import Personas


@pytest.fixture
def own_queries_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count this page's queries, not those of the badges and sections other apps add."""
    mine = {k: v for k, v in navigation._items.items() if k.startswith("orgs:")}
    monkeypatch.setattr(navigation, "_items", mine)
    monkeypatch.setattr(unit_sections, "_sections", {})


def boxes(html: str) -> list[str]:
    """The unit names drawn in the SVG, in drawing order."""
    return re.findall(r'class="chart-name"[^>]*>([^<]+)</text>', html)


def svg(html: str) -> str:
    return html[html.index("<svg") : html.index("</svg>")]


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def build_chain(personas: Personas, depth: int) -> list[Unit]:
    chain = [personas.unit]
    for level in range(depth):
        chain.append(unit_create(org=personas.org, actor=None, name=f"L{level}", parent=chain[-1]))
    return chain


def test_the_chart_draws_units_with_leads_and_links(personas: Personas) -> None:
    html = personas.client_for(personas.member).get(personas.url("orgs:chart")).content.decode()
    picture = svg(html)
    assert boxes(picture) == ["Acme HQ", "Finance", "Support"]
    assert "Lead: Max Manager" in picture
    assert f'<a href="/o/acme/units/{personas.unit.pk}/">' in picture
    assert '<title id="chart-title">Org chart of Acme</title>' in picture
    assert 'aria-labelledby="chart-title chart-desc"' in picture
    assert "style=" not in html.split("<main", 1)[1]
    # The text alternative lists the same units.
    outline = html[html.index('<details class="chart-outline">') :]
    assert re.findall(r'<li><a href="/o/acme/units/\d+/">([^<]+)</a>', outline) == [
        "Acme HQ",
        "Finance",
        "Support",
    ]


def test_it_escapes_names_in_the_picture_and_the_list(personas: Personas) -> None:
    unit_create(org=personas.org, actor=None, name="<R&D>", parent=personas.unit)
    html = personas.client_for(personas.member).get(personas.url("orgs:chart")).content.decode()
    assert "<R&D>" not in html
    assert "&lt;R&amp;D&gt;" in svg(html)


def test_deeper_units_fold_into_a_more_link_that_re_roots_the_chart(personas: Personas) -> None:
    chain = build_chain(personas, 4)
    client = personas.client_for(personas.member)
    html = client.get(personas.url("orgs:chart")).content.decode()
    assert boxes(html) == ["Acme HQ", "Finance", "Support", "L0"]  # three levels
    assert f'href="/o/acme/chart/?root={chain[1].pk}"' in html
    assert "+3 more</text>" in html
    html = client.get(personas.url("orgs:chart"), {"root": personas.unit.pk}).content.decode()
    assert boxes(html) == ["Support", "L0", "L1"]
    crumbs = html[html.index('<ol class="breadcrumbs">') : html.index("</ol>")]
    assert 'href="/o/acme/chart/">Whole organization</a>' in crumbs
    assert f'href="/o/acme/chart/?root={personas.root_unit.pk}">Acme HQ</a>' in crumbs
    html = client.get(
        personas.url("orgs:chart"), {"root": chain[2].pk, "depth": 6}
    ).content.decode()
    assert boxes(html) == ["L1", "L2", "L3"]
    assert "more</text>" not in html


def test_a_unit_with_very_many_sub_units_shows_the_first_and_a_count(personas: Personas) -> None:
    for i in range(MAX_SIBLINGS + 5):
        unit_create(org=personas.org, actor=None, name=f"Team {i:02d}", parent=personas.other_unit)
    html = (
        personas.client_for(personas.member)
        .get(personas.url("orgs:chart"), {"root": personas.other_unit.pk})
        .content.decode()
    )
    assert len(boxes(html)) == 1 + MAX_SIBLINGS + 1
    assert "+5 more sub-units" in html
    assert f'href="/o/acme/units/{personas.other_unit.pk}/"' in html


def test_a_chart_that_would_be_too_big_shows_fewer_levels(personas: Personas) -> None:
    # Acme HQ, Support, 10 below it, 100 below those and 100 more below: 212 boxes in five
    # levels is over the limit, 112 in four is not.
    level = [personas.unit]
    Unit.objects.filter(pk=personas.other_unit.pk).update(is_active=False)
    for depth in range(3):
        level = [
            unit_create(org=personas.org, actor=None, name=f"U{depth}-{p.pk}-{i}", parent=p)
            for p in level
            for i in range(10 if depth < 2 else 1)
        ]
    client = personas.client_for(personas.member)
    html = client.get(personas.url("orgs:chart"), {"depth": 6}).content.decode()
    assert len(boxes(html)) <= MAX_BOXES
    assert "Showing 4 levels: 6 would be too many boxes to read." in html


def test_bad_chart_parameters_are_refused_with_the_field_named(personas: Personas) -> None:
    client = personas.client_for(personas.member)
    for params in [{"depth": "0"}, {"depth": "deep"}, {"depth": "7"}, {"root": "x"}]:
        response = client.get(personas.url("orgs:chart"), params)
        assert response.status_code == 400
        assert f"{next(iter(params))}: " in response.content.decode()


def test_a_root_in_another_organization_is_a_404(personas: Personas) -> None:
    globex_unit = unit_create(org=personas.other_org, actor=None, name="Globex Ops")
    client = personas.client_for(personas.admin)
    assert client.get(personas.url("orgs:chart"), {"root": globex_unit.pk}).status_code == 404
    assert client.get(personas.url("orgs:chart"), {"root": 999_999}).status_code == 404


def test_a_retired_root_falls_back_to_the_top(personas: Personas) -> None:
    unit_deactivate(unit=personas.other_unit, actor=None)
    response = personas.client_for(personas.member).get(
        personas.url("orgs:chart"), {"root": personas.other_unit.pk}
    )
    assert response.status_code == 200
    assert boxes(response.content.decode()) == ["Acme HQ", "Support"]


def test_an_organization_without_units_gets_a_friendly_chart(personas: Personas) -> None:
    html = personas.client_for(personas.outsider).get("/o/globex/chart/").content.decode()
    assert "No units yet." in html and "Add the first one" in html


def test_the_chart_queries_do_not_grow_with_the_tree(
    personas: Personas, own_queries_only: None
) -> None:
    client = personas.client_for(personas.member)
    url = personas.url("orgs:chart") + "?depth=6"
    before = queries_for(client, url)
    build_chain(personas, 8)
    for i in range(30):
        unit_create(org=personas.org, actor=None, name=f"Wide {i}", parent=personas.root_unit)
    assert queries_for(client, url) == before
    assert before <= 10  # 7 are the session, the login and the page's shell
