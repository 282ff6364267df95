"""What every page of an organization pays before its own content: a few queries, always.

The session, the login, the viewer's memberships (their organization and the switcher)
and the navigation with every badge: four queries, however many capabilities register
entries and badges. `make bench` measures the same page ("page shell") at size L.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutuality.commitments.models import Commitment
from mutuality.core import navigation
from mutuality.orgs.models import Person, Unit
from mutuality.testing import Personas

pytestmark = pytest.mark.urls("mutuality.core.tests.bench_urls")
SHELL_QUERIES = 4


def shell_queries(personas: Personas, person: Person) -> list[str]:
    client = personas.client_for(person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/bench/o/{personas.org.slug}/shell")
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_page_shell_is_a_few_queries(personas: Personas) -> None:
    queries = shell_queries(personas, personas.member)
    assert len(queries) == SHELL_QUERIES, "\n".join(queries)


def test_more_capabilities_with_badges_add_no_query(personas: Personas, monkeypatch: Any) -> None:
    items = dict(navigation._items)
    for i in range(5):
        items[f"more:{i}"] = navigation.NavItem(
            label=f"More {i}",
            url_name="orgs:units",
            order=200 + i,
            badge=lambda viewer, today, i=i: Unit.objects.filter(org_id=viewer.org_id)[:i],
        )
    monkeypatch.setattr(navigation, "_items", items)
    # Each entry's url_name must be distinct in the registry, not in the links.
    assert len(shell_queries(personas, personas.member)) == SHELL_QUERIES


def test_the_badges_count_what_waits_for_the_viewer(personas: Personas) -> None:
    from mutuality.commitments.commitments.tests.factories import request

    request(personas.member2, personas.member)
    request(personas.member2, personas.member)
    html = (
        personas.client_for(personas.member)
        .get(f"/bench/o/{personas.org.slug}/shell")
        .content.decode()
    )
    assert Commitment.objects.count() == 2
    assert '<span class="badge" aria-label="2 waiting">2</span>' in html


def test_a_session_is_written_at_most_once_a_minute(personas: Personas, time_machine: Any) -> None:
    client = personas.client_for(personas.member)
    url = f"/bench/o/{personas.org.slug}/shell"
    start = timezone.now()

    def writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return sum(q["sql"].startswith("UPDATE") for q in queries.captured_queries)

    assert writes() == 0  # renewed a moment ago
    time_machine.move_to(start + dt.timedelta(seconds=61), tick=False)
    assert writes() == 1  # renewed: more than a minute since
    assert writes() == 0
    time_machine.move_to(start + dt.timedelta(seconds=61 + 59), tick=False)
    assert writes() == 0
    time_machine.move_to(start + dt.timedelta(seconds=61 + 61), tick=False)
    assert writes() == 1


def test_a_badge_compiled_once_counts_for_every_viewer_as_if_built_for_them(
    personas: Personas,
) -> None:
    from mutuality.commitments.commitments.tests.factories import request
    from mutuality.commitments.issues.tests.factories import raise_issue

    request(personas.member2, personas.member)
    request(personas.admin, unit=personas.unit)
    raise_issue(personas.admin, unit=personas.unit)
    raise_issue(personas.member, personas.manager)
    today = timezone.localdate()
    viewers = [personas.member, personas.manager, personas.admin, personas.facilitator]
    personas.admin.unit = None  # and one without a unit
    badged = [item for item in navigation._items.values() if item.badge is not None]
    assert badged
    for item in badged:
        assert item.badge is not None
        for viewer in viewers:
            direct = item.badge(viewer, today).count()
            assert navigation._count_compiled([navigation._badge_sql(item, viewer, today)]) == [
                direct
            ], (item.label, viewer.name)
    # Something is counted, for someone: the comparison is not between zeros.
    assert any(
        item.badge(viewer, today).count() for item in badged for viewer in viewers if item.badge
    )


def test_navigation_links_follow_the_script_prefix(personas: Personas) -> None:
    # Addresses are reversed once and kept: kept per prefix, a site served under a path
    # (SCRIPT_NAME) still links inside it.
    from django.urls import get_script_prefix, set_script_prefix

    def people_link() -> str:
        links = navigation.links_for(personas.member)
        return next(link.url for link in links if link.url_name == "orgs:people")

    before = get_script_prefix()
    assert people_link() == f"/o/{personas.org.slug}/people/"
    try:
        set_script_prefix("/mutuality/")
        assert people_link() == f"/mutuality/o/{personas.org.slug}/people/"
    finally:
        set_script_prefix(before)
    assert people_link() == f"/o/{personas.org.slug}/people/"
