"""Finding people by name whatever the case and accents: the folding, and every place that
searches or writes names (directory, API, references, import, seeding, the migration)."""

from __future__ import annotations

import importlib
import json
import unicodedata
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from mutuality.orgs.importing.services import import_people
from mutuality.orgs.models import Person
from mutuality.orgs.selectors import people_by_reference, people_visible_to
from mutuality.orgs.services import person_create, person_update
from mutuality.orgs.text import fold
from mutuality.testing import Personas, api_client_for


@pytest.fixture
def accented(personas: Personas) -> Personas:
    for name, email in (
        ("Tomás Herrera", "th@acme.test"),
        ("Hélène Dubois", "hd@acme.test"),
        ("Jürgen Straße", "js@acme.test"),
    ):
        person_create(org=personas.org, actor=None, name=name, email=email, manager=personas.admin)
    return personas


def names(people: Any) -> list[str]:
    return [p.name for p in people]


# --- folding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Tomás Herrera", "tomas herrera"),
        ("HÉLÈNE", "helene"),
        ("Straße", "strasse"),
        ("ﬁne", "fine"),
        ("İstanbul", "istanbul"),
        ("Zoë Ångström", "zoe angstrom"),
        ("\U0001d54a", "s"),  # a mathematical capital S
    ],
)
def test_folding_drops_case_accents_and_compatibility_forms(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text())
def test_folding_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_composed_and_decomposed_spellings_fold_alike(text: str) -> None:
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text))


# --- the directory ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("tomas", ["Tomás Herrera"]),
        ("TOMÁS", ["Tomás Herrera"]),
        ("herrera tom", ["Tomás Herrera"]),
        ("helene", ["Hélène Dubois"]),
        ("Hélène", ["Hélène Dubois"]),
        ("strasse", ["Jürgen Straße"]),
        ("jurgen", ["Jürgen Straße"]),
        ("max", ["Max Manager"]),
    ],
)
def test_the_directory_finds_names_whatever_their_case_and_accents(
    accented: Personas, q: str, found: list[str]
) -> None:
    assert names(people_visible_to(viewer=accented.member, q=q)) == found


def test_the_directory_page_finds_an_accented_name(accented: Personas) -> None:
    html = (
        accented.client_for(accented.member)
        .get(accented.url("orgs:people") + "?q=tomas")
        .content.decode()
    )
    assert "Tomás Herrera" in html


def test_a_directory_search_is_one_query(accented: Personas) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert names(people_visible_to(viewer=accented.member, q="helene dubois"))
    assert len(queries) == 1


def test_a_renamed_person_is_found_by_the_new_name_only(accented: Personas) -> None:
    person_update(person=accented.member, actor=None, name="Mía Müller")
    assert names(people_visible_to(viewer=accented.admin, q="mia muller")) == ["Mía Müller"]
    assert names(people_visible_to(viewer=accented.admin, q="mia member")) == []


# --- the API and references ----------------------------------------------------------------------


def test_the_api_finds_names_whatever_their_accents_and_emails_for_admins(
    accented: Personas,
) -> None:
    def found(viewer: Any, q: str) -> list[str]:
        response = api_client_for(viewer).get("/api/v1/people", {"q": q})
        assert response.status_code == 200
        return [item["name"] for item in json.loads(response.content)["items"]]

    assert found(accented.member, "tomas") == ["Tomás Herrera"]
    assert found(accented.member, "HELENE") == ["Hélène Dubois"]
    assert found(accented.admin, "th@acme") == ["Tomás Herrera"]
    assert found(accented.admin, "JS@ACME.TEST") == ["Jürgen Straße"]
    # Only admins may search by email address, on the page and in the API alike.
    assert found(accented.member, "th@acme") == []


# --- one search: the directory, the API and the suggestions agree ----------------------------------

SEARCHES = ["support engineer", "SUPPORT", "head of", "mia support", "tomas", "th@acme", "E-7", "x"]


@pytest.mark.parametrize("viewer", ["member", "admin"])
@pytest.mark.parametrize("q", SEARCHES)
def test_the_directory_and_the_api_find_the_same_people(
    accented: Personas, viewer: str, q: str
) -> None:
    person_update(person=accented.member2, actor=None, employee_id="E-7")
    who = getattr(accented, viewer)
    page = who_found_on_the_page(accented, who, q)
    response = api_client_for(who).get("/api/v1/people", {"q": q, "limit": 200})
    assert [item["name"] for item in response.json()["items"]] == page


def who_found_on_the_page(personas: Personas, viewer: Any, q: str) -> list[str]:
    response = personas.client_for(viewer).get(personas.url("orgs:people"), {"q": q})
    assert response.status_code == 200
    return [row.name for row in response.context["rows"]]


def test_a_search_finds_job_titles_word_by_word(accented: Personas) -> None:
    # Max is "Head of Support"; Mia and Noah are "Support engineer"s of the unit Support.
    assert names(people_visible_to(viewer=accented.member, q="support engineer")) == [
        "Mia Member",
        "Noah Member",
    ]
    assert names(people_visible_to(viewer=accented.member, q="support")) == [
        "Max Manager",
        "Mia Member",
        "Noah Member",
    ]
    # Every word must match, in the name or in the title.
    assert names(people_visible_to(viewer=accented.member, q="mia engineer")) == ["Mia Member"]
    assert names(people_visible_to(viewer=accented.member, q="mia head")) == []


def test_only_admins_find_people_by_email_or_employee_id(accented: Personas) -> None:
    person_update(person=accented.member2, actor=None, employee_id="E-7")
    for q in ("th@acme", "E-7"):
        assert names(people_visible_to(viewer=accented.member, q=q)) == []
    assert names(people_visible_to(viewer=accented.admin, q="th@acme")) == ["Tomás Herrera"]
    assert names(people_visible_to(viewer=accented.admin, q="e-7")) == ["Noah Member"]


def test_a_reference_by_full_name_ignores_case_and_accents(accented: Personas) -> None:
    assert names(people_by_reference(viewer=accented.admin, reference="tomas herrera")) == [
        "Tomás Herrera"
    ]
    assert names(people_by_reference(viewer=accented.admin, reference="hd@acme.test")) == [
        "Hélène Dubois"
    ]


def test_the_person_form_takes_a_manager_named_without_accents(accented: Personas) -> None:
    response = accented.client_for(accented.admin).post(
        accented.url("orgs:person_create"),
        {"name": "Kim Lee", "email": "kim@acme.test", "manager": "Tomas Herrera", "role": "member"},
    )
    assert response.status_code == 302
    kim = Person.objects.get(email="kim@acme.test")
    assert kim.manager is not None and kim.manager.name == "Tomás Herrera"


# --- every write keeps the folded name ------------------------------------------------------------


def test_an_import_folds_the_names_it_creates_and_changes(personas: Personas) -> None:
    data = (
        "name,email,manager email\r\n"
        "Renée Côté,renee@acme.test,ada@acme.test\r\n"
        "Mía Member,mia@acme.test,max@acme.test\r\n"
    )
    assert import_people(org=personas.org, actor=None, data=data).applied
    assert names(people_visible_to(viewer=personas.member, q="renee cote")) == ["Renée Côté"]
    assert names(people_visible_to(viewer=personas.member, q="mia")) == ["Mía Member"]


@pytest.mark.parametrize("seed", ["demo", "synthetic"])
def test_seeded_organizations_have_folded_names(db: Any, seed: str) -> None:
    if seed == "demo":
        from mutuality.orgs.demo import demo_seed

        demo_seed()
    else:
        from mutuality.orgs.synthetic import synthetic_org_create

        synthetic_org_create(size="S")
    people = list(Person.objects.only("name", "search_name"))
    assert people
    assert all(p.search_name == fold(p.name) for p in people)


def test_the_migration_fills_in_the_folded_names_of_existing_people(personas: Personas) -> None:
    Person.objects.update(search_name="")
    migration = importlib.import_module("mutuality.orgs.migrations.0002_person_search_name")
    migration.fill_search_names(apps, None)
    people = list(Person.objects.only("name", "search_name"))
    assert all(p.search_name == fold(p.name) for p in people)
    assert names(people_visible_to(viewer=personas.member, q="ada")) == ["Ada Admin"]
