"""Finding a colleague in the directory by name and opening their page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from mutuality.orgs.models import Person
from mutuality.testing import Personas

pytestmark = pytest.mark.e2e


def test_a_member_finds_a_colleague_in_the_directory_and_opens_their_page(
    page: Page, personas: Personas, log_in: Callable[[Person], None]
) -> None:
    log_in(personas.member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("link", name="Mia Member")).to_be_visible()

    page.get_by_label("Search by name").fill("Noah")
    page.get_by_label("Search by name").press("Enter")

    expect(page.get_by_role("link", name="Noah Member")).to_be_visible()
    expect(page.get_by_role("link", name="Mia Member")).to_have_count(0)

    page.get_by_role("link", name="Noah Member").click()
    expect(page).to_have_url(re.compile(rf"/o/acme/people/{personas.member2.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Noah Member")
    expect(page.get_by_text("Support engineer").first).to_be_visible()
    expect(page.get_by_role("link", name="Max Manager").first).to_be_visible()
