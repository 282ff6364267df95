"""Exporting people as CSV (page and command), and importing the export back unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mutuality.orgs.importing.services import import_people
from mutuality.orgs.models import Organization, Person
from mutuality.orgs.services import (
    organization_create,
    person_create,
    person_deactivate,
    person_update,
)
from mutuality.testing import Personas

HEADER = "employee_id,name,email,title,manager_email,manager_employee_id,department,role"


@pytest.fixture
def acme(personas: Personas) -> Personas:
    """The personas with one top person (the facilitator reports to the admin), as a full
    import and an import into an empty organization require, and an employee id for Max."""
    person_update(person=personas.facilitator, actor=None, manager=personas.admin)
    person_update(person=personas.manager, actor=None, employee_id="M1")
    return personas


def download(client: Client, url: str) -> tuple[Any, str]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""  # type: ignore[attr-defined]
    return response, body.decode("utf-8")


def export_of(org: Organization, *extra: str) -> str:
    out = io.StringIO()
    call_command("export_people", "--org", org.slug, *extra, stdout=out)
    return out.getvalue()


def test_an_admin_downloads_the_active_people(acme: Personas) -> None:
    person_deactivate(person=acme.member2, actor=None)
    response, text = download(acme.client_for(acme.admin), acme.url("orgs:people_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="acme-people.csv"'
    assert text.startswith("\ufeff" + HEADER + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["name"] for r in rows] == [
        "Ada Admin",
        "Fay Facilitator",
        "Max Manager",
        "Mia Member",
    ]
    mia = rows[3]
    assert mia == {
        "employee_id": "",
        "name": "Mia Member",
        "email": "mia@acme.test",
        "title": "Support engineer",
        "manager_email": "max@acme.test",
        "manager_employee_id": "M1",
        "department": "Support",
        "role": "member",
    }


def test_inactive_people_come_with_an_active_column_when_asked(acme: Personas) -> None:
    person_deactivate(person=acme.member2, actor=None)
    url = acme.url("orgs:people_export") + "?include_inactive=1"
    response, text = download(acme.client_for(acme.admin), url)
    assert response["Content-Disposition"] == 'attachment; filename="acme-people-all.csv"'
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["name"]: r["active"] for r in rows}["Noah Member"] == "no"
    assert {r["active"] for r in rows} == {"yes", "no"}


def test_a_manager_who_left_is_exported_as_no_manager(acme: Personas) -> None:
    # As recorded before deactivating someone moved their reports to another manager.
    Person.objects.filter(pk=acme.manager.pk).update(is_active=False)
    rows = list(csv.DictReader(io.StringIO(export_of(acme.org).lstrip("\ufeff"))))
    assert {r["name"]: r["manager_email"] for r in rows}["Mia Member"] == ""


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(acme: Personas) -> None:
    person_update(person=acme.member, actor=None, title="=HYPERLINK(1)")
    person_update(person=acme.member2, actor=None, title="'quoted")
    text = export_of(acme.org)
    assert "'=HYPERLINK(1)" in text
    assert "''quoted" in text
    result = import_people(org=acme.org, actor=None, data=text, full=True, dry_run=True)
    assert result.ok and result.unchanged == 5 and not result.to_update


def test_the_export_takes_the_same_few_queries_however_many_people(acme: Personas) -> None:
    client = acme.client_for(acme.admin)
    url = acme.url("orgs:people_export")
    queries = []
    for batch in range(2):
        for i in range(30):
            person_create(
                org=acme.org,
                actor=None,
                name=f"P {batch} {i}",
                email=f"p{batch}-{i}@acme.test",
                manager=acme.manager,
                unit=acme.unit,
            )
        with CaptureQueriesContext(connection) as captured:
            _, text = download(client, url)
        assert text.count("\r\n") == 1 + 5 + 30 * (batch + 1)
        queries.append(len(captured))
    # The session, the viewer, and one query for everyone exported.
    assert queries[0] == queries[1] <= 8


def test_a_member_is_refused_and_an_outsider_gets_a_404(acme: Personas) -> None:
    url = acme.url("orgs:people_export")
    assert acme.client_for(acme.member).get(url).status_code == 403
    assert acme.client_for(acme.outsider).get(url).status_code == 404


def test_the_command_writes_to_a_file(acme: Personas, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    call_command("export_people", "--org", "acme", "--output", str(path))
    _, downloaded = download(acme.client_for(acme.admin), acme.url("orgs:people_export"))
    assert path.read_bytes() == downloaded.encode("utf-8")


# --- round trips --------------------------------------------------------------------------------


def test_importing_an_export_into_the_same_organization_changes_nothing(acme: Personas) -> None:
    _, text = download(acme.client_for(acme.admin), acme.url("orgs:people_export"))
    for full in (False, True):
        result = import_people(org=acme.org, actor=acme.admin, data=text, full=full, dry_run=True)
        assert result.ok, result.errors
        assert (result.to_create, result.to_update, result.to_deactivate) == ([], [], [])
        assert result.unchanged == 5 and result.units_to_create == []


def test_an_export_imported_into_an_empty_organization_exports_identically(
    acme: Personas,
) -> None:
    person_update(person=acme.member, actor=None, title='Says "hi", twice;\nthen leaves')
    person_update(person=acme.member2, actor=None, name="Noah Ñúñez-Østergård")
    first = export_of(acme.org)
    empty = organization_create(name="Copy", slug="copy")
    result = import_people(org=empty, actor=None, data=first.encode("utf-8"))
    assert result.ok, result.errors
    assert export_of(empty).encode() == first.encode()
    assert Person.objects.filter(org=empty).count() == 5
