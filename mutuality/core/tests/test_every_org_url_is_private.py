"""Every URL under /o/<org>/ is a 404 to someone outside that organization.

This walks the URLconf, so a view added later without `org_view` fails here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from mutuality.accounts.models import ApiToken
from mutuality.commitments.commitments.tests.factories import in_state
from mutuality.commitments.issues.tests.factories import in_state as issue_in_state
from mutuality.testing import Personas, api_token_for


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route


def org_routes() -> list[str]:
    return sorted({r for r in _walk(get_resolver().url_patterns) if r.startswith("o/<slug:org>/")})


def _fill(route: str, org: str, pk: int) -> str:
    path = route.replace("<slug:org>", org)
    # A move that exists, so that only the object decides the answer.
    path = path.replace(
        "commitments/<int:pk>/moves/<slug:move>", "commitments/<int:pk>/moves/promise"
    )
    path = path.replace("issues/<int:pk>/moves/<slug:move>", "issues/<int:pk>/moves/take_ownership")
    for converter in ("<int:pk>", "<int:id>"):
        path = path.replace(converter, str(pk))
    while "<" in path:  # any other parameter: a plausible value
        start, end = path.index("<"), path.index(">")
        path = path[:start] + str(pk) + path[end + 1 :]
    return "/" + path.lstrip("^").rstrip("$")


def test_there_are_org_routes_to_check() -> None:
    assert len(org_routes()) >= 10


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_org_url_is_a_404_for_an_outsider(personas: Personas, method: str) -> None:
    client = personas.client_for(personas.outsider)
    for route in org_routes():
        for pk in (personas.member.pk, personas.unit.pk, 1):
            url = _fill(route, personas.org.slug, pk)
            response = getattr(client, method)(url)
            assert response.status_code == 404, (
                f"{method.upper()} {url} gave {response.status_code}"
            )


def test_every_org_url_asks_an_anonymous_visitor_to_log_in(personas: Personas) -> None:
    anonymous = Client()
    for route in org_routes():
        url = _fill(route, personas.org.slug, personas.member.pk)
        response = anonymous.get(url)
        assert response.status_code == 302, f"GET {url} gave {response.status_code}"
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_org_object_url_is_a_404_for_an_object_of_another_organization(
    personas: Personas, method: str
) -> None:
    """Asked inside their own organization for Acme's objects, an outsider learns nothing:
    404 whatever the method, even where only POST is allowed (the object is looked up
    before the method is checked)."""
    api_token_for(personas.member)
    acme_objects = {
        *(p.pk for p in (personas.admin, personas.manager, personas.member, personas.member2)),
        *(u.pk for u in (personas.root_unit, personas.unit, personas.other_unit)),
        in_state(personas, "requested").pk,
        issue_in_state(personas, "raised").pk,
        ApiToken.objects.get(person=personas.member).pk,
    }
    # The outsider's own objects would be found, rightly: leave their ids out.
    pks = sorted(acme_objects - {personas.outsider.pk})
    client = personas.client_for(personas.outsider)
    routes = [r for r in org_routes() if "<int:" in r]
    assert len(routes) >= 10
    for route in routes:
        for pk in pks:
            url = _fill(route, personas.outsider.org.slug, pk)
            response = getattr(client, method)(url)
            assert response.status_code == 404, (
                f"{method.upper()} {url} gave {response.status_code}"
            )
