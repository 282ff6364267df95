"""Who may open which page: every URL of the people and units pages, for every kind of visitor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mutuality.orgs.models import Person, Unit
from mutuality.orgs.services import unit_create
from mutuality.testing import Personas

# (url name, takes a person or unit pk, admin only, POST only)
PAGES = [
    ("orgs:home", None, False, False),
    ("orgs:people", None, False, False),
    ("orgs:person_create", None, True, False),
    ("orgs:person", "person", False, False),
    ("orgs:person_edit", "person", True, False),
    ("orgs:person_deactivate", "person", True, True),
    ("orgs:person_reactivate", "person", True, True),
    ("orgs:units", None, False, False),
    ("orgs:unit_create", None, True, False),
    ("orgs:unit", "unit", False, False),
    ("orgs:unit_edit", "unit", True, False),
    ("orgs:unit_deactivate", "unit", True, True),
    ("orgs:chart", None, False, False),
]
ADMIN_ONLY = [p for p in PAGES if p[2]]
WITH_OBJECT = [p for p in PAGES if p[1]]


def url_for(slug: str, name: str, kind: str | None, person: Person, unit: Unit) -> str:
    kwargs: dict[str, object] = {"org": slug}
    if kind == "person":
        kwargs["pk"] = person.pk
    elif kind == "unit":
        kwargs["pk"] = unit.pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("name", "kind", "admin_only", "post_only"), PAGES)
def test_an_outsider_gets_404_on_every_page_of_another_organization(
    personas: Personas, name: str, kind: str | None, admin_only: bool, post_only: bool
) -> None:
    url = url_for("acme", name, kind, personas.member2, personas.other_unit)
    client = personas.client_for(personas.outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Hijack"}).status_code == 404
    personas.member2.refresh_from_db()
    assert personas.member2.is_active and personas.member2.name == "Noah Member"


@pytest.mark.parametrize(("name", "kind", "admin_only", "post_only"), PAGES)
def test_an_unknown_organization_looks_exactly_like_a_forbidden_one(
    personas: Personas, name: str, kind: str | None, admin_only: bool, post_only: bool
) -> None:
    url = url_for("no-such-org", name, kind, personas.member, personas.unit)
    assert personas.client_for(personas.outsider).get(url).status_code == 404


@pytest.mark.parametrize(("name", "kind", "admin_only", "post_only"), WITH_OBJECT)
def test_an_admin_gets_404_for_objects_of_another_organization_by_pk(
    personas: Personas, name: str, kind: str | None, admin_only: bool, post_only: bool
) -> None:
    globex_unit = unit_create(org=personas.other_org, actor=None, name="Globex Ops")
    url = url_for("acme", name, kind, personas.outsider, globex_unit)
    client = personas.client_for(personas.admin)
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Hijack"}).status_code == 404
    personas.outsider.refresh_from_db()
    globex_unit.refresh_from_db()
    assert personas.outsider.is_active and personas.outsider.name == "Otto Outsider"
    assert globex_unit.is_active and globex_unit.name == "Globex Ops"


@pytest.mark.parametrize(("name", "kind", "admin_only", "post_only"), ADMIN_ONLY)
@pytest.mark.parametrize("who", ["member", "manager", "facilitator"])
def test_members_get_403_on_admin_actions(
    personas: Personas,
    who: str,
    name: str,
    kind: str | None,
    admin_only: bool,
    post_only: bool,
) -> None:
    url = url_for("acme", name, kind, personas.member2, personas.other_unit)
    client = personas.client_for(getattr(personas, who))
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    personas.member2.refresh_from_db()
    personas.other_unit.refresh_from_db()
    assert personas.member2.is_active and personas.member2.name == "Noah Member"
    assert personas.other_unit.is_active and personas.other_unit.name == "Finance"


@pytest.mark.parametrize(("name", "kind", "admin_only", "post_only"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(
    personas: Personas, name: str, kind: str | None, admin_only: bool, post_only: bool
) -> None:
    url = url_for("acme", name, kind, personas.member, personas.unit)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kind", "admin_only", "post_only"), PAGES)
def test_each_page_opens_for_those_allowed(
    personas: Personas, name: str, kind: str | None, admin_only: bool, post_only: bool
) -> None:
    url = url_for("acme", name, kind, personas.member2, personas.other_unit)
    status = personas.client_for(personas.admin).get(url).status_code
    assert status == (405 if post_only else 200)
    if not admin_only:
        assert personas.client_for(personas.member).get(url).status_code == 200
