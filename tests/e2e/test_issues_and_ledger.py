"""An issue's whole life in a real browser — raised, declined, escalated, taken on by a
facilitator, resolved — and the trust ledger and calendar feed pages it feeds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from mutuality.commitments.models import Issue
from mutuality.orgs.models import Person
from mutuality.orgs.services import person_create
from mutuality.testing import Personas

pytestmark = pytest.mark.e2e


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def test_an_issue_goes_from_raised_to_resolved_through_a_facilitator(
    page: Page, personas: Personas, log_in: Callable[[Person], None]
) -> None:
    # Mia raises an issue with Noah.
    log_in(personas.member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Issues").click()
    page.get_by_role("link", name="Raise an issue").click()
    page.get_by_label("What is the issue").fill("Refund approvals take three days")
    page.get_by_label("Raise it with a person").fill("noah@acme.test")
    page.get_by_role("button", name="Raise the issue").click()
    expect(page.get_by_text("Issue raised.")).to_be_visible()
    expect(page.get_by_text("Waiting for an owner").first).to_be_visible()

    # Noah declines it, saying why; a missing reason is explained first.
    log_out(page)
    log_in(personas.member2)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Issues").click()
    page.get_by_role("link", name="Refund approvals take three days").click()
    page.get_by_text("Decline…").click()
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_text("Explain why you decline it")).to_be_visible()
    page.get_by_label("Why you decline it").fill("Refund rules belong to Finance.")
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_text("You declined the issue.")).to_be_visible()

    # Mia escalates it to the facilitator.
    log_out(page)
    log_in(personas.member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Issues").click()
    page.get_by_role("link", name="Refund approvals take three days").click()
    expect(page.get_by_text("Refund rules belong to Finance.").first).to_be_visible()
    page.get_by_text("Escalate to a facilitator…").click()
    page.get_by_label("Facilitator", exact=True).select_option(label="Fay Facilitator")
    page.get_by_role("button", name="Escalate to a facilitator").click()
    expect(page.get_by_text("Escalated to the facilitator.")).to_be_visible()

    # Fay takes it on and proposes a resolution.
    log_out(page)
    log_in(personas.facilitator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Issues").click()
    page.get_by_role("link", name="Refund approvals take three days").click()
    page.get_by_role("button", name="Take ownership").click()
    expect(page.get_by_text("You own this issue now.")).to_be_visible()
    page.get_by_text("Propose a resolution…").click()
    page.get_by_label("Your proposed resolution").fill("Support approves refunds under 50.")
    page.get_by_role("button", name="Propose a resolution").click()
    expect(page.get_by_text("Resolution proposed.")).to_be_visible()

    # Mia declares satisfied: only now is it resolved.
    log_out(page)
    log_in(personas.member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Issues").click()
    page.get_by_role("link", name="Refund approvals take three days").click()
    page.get_by_text("Declare satisfied…").click()
    page.get_by_role("button", name="Declare satisfied").click()
    expect(page.get_by_text("Declared satisfied: the issue is resolved.")).to_be_visible()
    assert Issue.objects.get().state == "resolved"


def test_the_ledger_and_the_calendar_pages_work_in_a_browser(
    page: Page, personas: Personas, log_in: Callable[[Person], None]
) -> None:
    # A unit's figures show only from three active members (MUTUALITY_LEDGER_MIN_GROUP).
    person_create(
        org=personas.org,
        actor=None,
        name="Ola Member",
        email="ola@acme.test",
        unit=personas.unit,
        manager=personas.manager,
    )
    log_in(personas.manager)
    page.get_by_role("link", name="Trust ledger").click()
    expect(page.get_by_role("heading", name="Your trust ledger")).to_be_visible()
    page.get_by_role("link", name="All time").click()
    expect(page.get_by_role("link", name="All time")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Support").click()
    expect(page.get_by_role("heading", name="Support · unit ledger")).to_be_visible()
    # Nothing to chart yet: the figures' table is open as it is.
    expect(page.get_by_role("columnheader", name="Kept share")).to_be_visible()

    page.goto(f"/o/{personas.org.slug}/calendar/")
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_text("Your calendar address is ready.")).to_be_visible()
    address = page.locator("#feed-url").inner_text()
    assert "/feed/" in address and address.endswith(".ics")
