"""The interactive API docs render under the site's strict CSP and can call the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from mutuality.testing import Personas, api_token_for

pytestmark = pytest.mark.e2e


def test_a_signed_in_person_reads_the_docs_and_tries_a_call(
    page: Page, personas: Personas, live_server: Any
) -> None:
    # Sign in by session cookie: this test is about the docs page, not the login form.
    assert personas.member.user is not None
    session = Client()
    session.force_login(personas.member.user)
    cookie = session.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))

    page.goto("/api/v1/docs")

    expect(page.get_by_role("heading", name="Mutuality API")).to_be_visible()
    expect(page.locator(".opblock", has_text="/api/v1/people/{person_id}").first).to_be_visible()

    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".modal-ux input").fill(api_token_for(personas.member))
    page.locator(".modal-ux button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
    page.locator(".opblock-summary", has_text="/api/v1/organizations/current").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()

    result = page.locator(".live-responses-table tbody .response-col_status").first
    expect(result).to_have_text("200")
    expect(page.locator(".live-responses-table .highlight-code").first).to_contain_text('"acme"')
    assert problems == []
    assert hosts == {urlsplit(live_server.url).netloc}
