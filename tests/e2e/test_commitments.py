"""A commitment's whole conversation in a real browser: request, counter-offer, accept,
declare complete, declare satisfied — with and without htmx doing the swaps."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from mutuality.commitments.models import Commitment
from mutuality.orgs.models import Person
from mutuality.testing import Personas

pytestmark = pytest.mark.e2e

# Set MUTUALITY_SCREENSHOTS=<folder> to keep a picture of each step for review.
SHOTS = os.environ.get("MUTUALITY_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        # caret="initial": hiding the caret injects a style, which the CSP refuses.
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True, caret="initial")


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def kept_card(page: Page) -> Locator:
    return page.locator(".ledger-figure", has=page.locator(".ledger-label", has_text="Kept"))


def test_request_promise_complete_satisfied_across_two_people_and_the_ledger_moves(
    page: Page,
    browser: Browser,
    live_server: Any,
    personas: Personas,
    log_in: Callable[[Person], None],
) -> None:
    """Mia (requester) and Noah (performer) each in their own browser, logged in at once."""
    from mutuality.testing import PASSWORD

    due = timezone.localdate() + dt.timedelta(days=7)
    ledger = f"/o/{personas.org.slug}/ledger/"

    # Noah logs in in a second browser context and looks at his own ledger: nothing kept yet.
    noah_context = browser.new_context(base_url=live_server.url)
    try:
        noah = noah_context.new_page()
        assert personas.member2.user is not None
        noah.goto("/accounts/login/")
        noah.get_by_label("Email").fill(personas.member2.user.email)
        noah.get_by_label("Password").fill(PASSWORD)
        noah.get_by_role("button", name="Log in").click()
        noah.goto(ledger)
        expect(noah.get_by_role("heading", name="Your trust ledger")).to_be_visible()
        noah.get_by_role("link", name="All time").click()
        expect(kept_card(noah)).to_contain_text("0 of 0 promises judged")

        # Mia, in the first context, asks Noah.
        log_in(personas.member)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
        page.get_by_role("link", name="New request or promise").click()
        page.get_by_label("Request: ask a colleague or a unit for something").check()
        # Typing part of a name offers the colleagues it fits; picking one fills the email.
        page.get_by_label("Who").press_sequentially("noa", delay=50)
        suggestion = page.locator('#people-list option[value="noah@acme.test"]')
        expect(suggestion).to_have_count(1)
        page.get_by_label("Who").fill(suggestion.get_attribute("value") or "")
        page.get_by_label("What", exact=True).fill("Check the March invoices")
        page.get_by_label("Conditions of satisfaction").fill("Every invoice matched.")
        page.get_by_label("Due date").fill(due.isoformat())
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_text("Request sent.")).to_be_visible()
        detail = page.url

        # Noah, still logged in in his own browser, promises.
        noah.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
        noah.get_by_role("link", name="Check the March invoices").click()
        noah.get_by_role("button", name="Promise", exact=True).click()
        expect(noah.get_by_text("You promised.")).to_be_visible()

        # ... and declares it complete.
        noah.locator("summary", has_text="Declare complete").click()
        noah.locator("#declare_complete-note").fill("All 42 matched.")
        noah.get_by_role("button", name="Declare complete", exact=True).click()
        expect(noah.get_by_text("Declared complete.")).to_be_visible()

        # Mia, without logging out, reloads and declares satisfied.
        page.goto(detail)
        expect(
            page.get_by_text("Waits for you to declare satisfied or say what is missing.")
        ).to_be_visible()
        page.locator("summary", has_text="Declare satisfied").click()
        page.get_by_role("button", name="Declare satisfied", exact=True).click()
        expect(
            page.get_by_text("Declared satisfied: the commitment is closed and kept.")
        ).to_be_visible()

        # Noah's ledger now counts one kept promise.
        noah.goto(ledger + "?window=all")
        expect(kept_card(noah)).to_contain_text("1 of 1 promise judged")
        expect(kept_card(noah).locator(".stat")).to_have_text("100%")
        assert Commitment.objects.get().state == "satisfied"
    finally:
        noah_context.close()


def test_a_request_goes_from_asked_to_satisfied(
    page: Page, personas: Personas, log_in: Callable[[Person], None]
) -> None:
    due = timezone.localdate() + dt.timedelta(days=10)
    later = due + dt.timedelta(days=5)

    # Mia asks Noah for a review.
    log_in(personas.member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    shot(page, "1-my-work-empty")
    page.get_by_role("link", name="New request or promise").click()
    page.get_by_label("Request: ask a colleague or a unit for something").check()
    page.get_by_label("Who").fill("noah@acme.test")
    page.get_by_label("What", exact=True).fill("Review the onboarding guide")
    page.get_by_label("Conditions of satisfaction").fill("Comments on every section.")
    page.get_by_label("Due date").fill(due.isoformat())
    shot(page, "2-new-request")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Request sent.")).to_be_visible()
    expect(page.get_by_text("Waits for Noah Member’s answer.")).to_be_visible()
    shot(page, "3-request-sent")

    # Noah sees it waiting for him and counter-offers a later date (htmx swaps the panel).
    log_out(page)
    log_in(personas.member2)
    expect(page.locator(".mainnav .badge")).to_have_text("1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
    shot(page, "4-noah-my-work")
    page.get_by_role("link", name="Review the onboarding guide").click()
    page.locator("summary", has_text="Counter-offer").click()
    page.get_by_label("New due date").fill(later.isoformat())
    page.locator("#counter-note").fill("Two of us are out next week.")
    shot(page, "5-counter-form")
    page.get_by_role("button", name="Counter-offer", exact=True).click()
    expect(page.get_by_text("Counter-offer sent.")).to_be_visible()
    expect(page.get_by_text("Counter-offer from Noah Member")).to_be_visible()

    # Mia accepts; Noah declares it complete; Mia is satisfied.
    log_out(page)
    log_in(personas.member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
    page.get_by_role("link", name="Review the onboarding guide").click()
    shot(page, "6-counter-waiting")
    page.get_by_role("button", name="Accept the counter-offer").click()
    expect(page.get_by_text("You accepted the counter-offer: it is now promised.")).to_be_visible()

    log_out(page)
    log_in(personas.member2)
    c = Commitment.objects.get()
    page.goto(c.get_absolute_url())
    page.locator("summary", has_text="Declare complete").click()
    page.locator("#declare_complete-note").fill("Done, see the comments in the document.")
    page.get_by_role("button", name="Declare complete", exact=True).click()
    expect(page.get_by_text("Declared complete.")).to_be_visible()

    log_out(page)
    log_in(personas.member)
    page.goto(c.get_absolute_url())
    expect(
        page.get_by_text("Waits for you to declare satisfied or say what is missing.")
    ).to_be_visible()
    shot(page, "7-awaiting-satisfaction")
    page.locator("summary", has_text="Declare satisfied").click()
    page.get_by_role("button", name="Declare satisfied", exact=True).click()
    expect(
        page.get_by_text("Declared satisfied: the commitment is closed and kept.")
    ).to_be_visible()
    expect(page.locator(".chip", has_text="Satisfied")).to_be_visible()
    history = page.locator(".timeline li")
    expect(history).to_have_count(5)
    shot(page, "8-satisfied")
    c.refresh_from_db()
    assert (c.state, c.due_date) == ("satisfied", later)

    # The closed commitment is in the list of all commitments; Support's page shows what
    # is asked of it.
    page.get_by_role("link", name="Commitments").click()
    page.get_by_label("State").select_option("all")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Review the onboarding guide")).to_be_visible()
    shot(page, "10-list")
    page.goto(f"/o/{personas.org.slug}/units/{personas.unit.pk}/")
    page.get_by_role("link", name="Ask Support").click()
    expect(page.get_by_label("Or ask a unit")).to_have_value("Support")
    page.get_by_label("What", exact=True).fill("Cover the front desk on Friday")
    page.get_by_label("Conditions of satisfaction").fill("Someone at the desk 9–17.")
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Waits for someone in Support to take it up.")).to_be_visible()
    page.goto(f"/o/{personas.org.slug}/units/{personas.unit.pk}/")
    expect(page.get_by_role("link", name="Cover the front desk on Friday")).to_be_visible()
    shot(page, "11-unit-page")


def test_a_move_from_a_stale_tab_is_refused_in_the_page(
    page: Page, personas: Personas, log_in: Callable[[Person], None]
) -> None:
    from mutuality.commitments.commitments.services import commitment_move, commitment_request

    c = commitment_request(
        org=personas.org,
        requester=personas.member,
        performer=personas.member2,
        title="Send the March figures",
        conditions="The totals, checked.",
        due_date=timezone.localdate() + dt.timedelta(days=5),
    )
    log_in(personas.member2)
    page.goto(c.get_absolute_url())
    # Meanwhile, in another tab, Noah promises.
    commitment_move(commitment=c, actor=personas.member2, move="promise", expected_version=1)
    page.locator("summary", has_text="Decline").click()
    page.get_by_label("Why you decline").fill("No capacity.")
    page.get_by_role("button", name="Decline", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Someone else changed this commitment")
    expect(page.locator(".chip", has_text="Promised")).to_be_visible()
    shot(page, "9-stale")
    # On a phone the terms and the moves stack, and every move is still reachable.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("summary", has_text="Declare complete")).to_be_visible()
    shot(page, "12-phone")
    assert Commitment.objects.get().state == "promised"
