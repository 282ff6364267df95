"""Logging in through the real form lands on the organization's home page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from mutuality.orgs.models import Person
from mutuality.testing import Personas

pytestmark = pytest.mark.e2e


def test_an_admin_logs_in_and_lands_on_the_org_home(
    page: Page, personas: Personas, log_in: Callable[[Person], None]
) -> None:
    log_in(personas.admin)

    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)


def test_a_wrong_password_keeps_the_visitor_on_the_login_page(
    page: Page, personas: Personas
) -> None:
    assert personas.admin.user is not None
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(personas.admin.user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.goto("/o/acme/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
