"""Importing people from CSV: a dry run shows every problem by row, then a clean file imports."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import FilePayload, Page, expect

from mutuality.orgs.models import Person
from mutuality.testing import Personas

pytestmark = pytest.mark.e2e

HEADER = "name,email,employee id,manager email,department,title\n"
RITA = "Rita Reyes,rita@acme.test,E-101,max@acme.test,Support,Support engineer\n"
# Row 1 is the header, so the unknown manager is on row 3 and the bad email on row 4.
WITH_ERRORS = (
    HEADER
    + RITA
    + "Sam Stone,sam@acme.test,E-102,nobody@acme.test,Support,Analyst\n"
    + "Tia Tran,tia-at-acme,E-103,max@acme.test,Support,Analyst\n"
)
# A partial import: the personas have two people at the top (Ada and Fay), which is not the
# file's doing and does not stop it.
VALID = HEADER + RITA


def csv_file(text: str) -> FilePayload:
    return {"name": "people.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_an_admin_sees_every_problem_in_a_dry_run_and_then_imports_a_clean_file(
    page: Page, personas: Personas, log_in: Callable[[Person], None]
) -> None:
    people_before = Person.objects.filter(org=personas.org).count()
    log_in(personas.admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("link", name="Import CSV").click()
    expect(page).to_have_url(re.compile(r"/o/acme/people/import/$"))

    page.get_by_label("CSV file").set_input_files(csv_file(WITH_ERRORS))
    page.get_by_role("button", name="Check (dry run)").click()

    problems = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Problem")
    )
    expect(problems.get_by_role("columnheader", name="Row")).to_be_visible()
    unknown_manager = problems.get_by_role("row").filter(has_text="nobody@acme.test")
    expect(unknown_manager).to_contain_text("Unknown manager")
    expect(unknown_manager.get_by_role("cell").first).to_have_text("3")
    bad_email = problems.get_by_role("row").filter(has_text="tia-at-acme")
    expect(bad_email).to_contain_text("not a valid email")
    expect(bad_email.get_by_role("cell").first).to_have_text("4")
    # A dry run writes nothing, and neither does a file with problems.
    assert Person.objects.filter(org=personas.org).count() == people_before

    page.get_by_label("CSV file").set_input_files(csv_file(VALID))
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page).to_have_url(re.compile(r"/o/acme/people/$"))
    expect(page.get_by_role("status")).to_contain_text("Imported: 1 created, 0 updated")
    page.get_by_label("Search by name").fill("Rita")
    page.get_by_label("Search by name").press("Enter")
    page.get_by_role("link", name="Rita Reyes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rita Reyes")
    expect(page.get_by_text("rita@acme.test").first).to_be_visible()
    expect(page.get_by_role("link", name="Max Manager").first).to_be_visible()
    expect(page.get_by_role("link", name="Support", exact=True).first).to_be_visible()
    assert Person.objects.filter(org=personas.org).count() == people_before + 1
