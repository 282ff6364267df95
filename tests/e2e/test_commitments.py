"""A commitment's whole conversation in a real browser: request, counter-offer, accept,
declare complete, declare satisfied — with and without htmx doing the swaps."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

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


def test_a_request_goes_from_asked_to_satisfied(
    page: Page, personas: Personas, log_in: Callable[[Person], None]
) -> None:
    due = timezone.localdate() + dt.timedelta(days=10)
    later = due + dt.timedelta(days=5)

    # Mia asks Noah for a review.
    log_in(personas.member)
    page.get_by_role("link", name="My work").click()
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
    page.get_by_role("link", name="My work").click()
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
    page.get_by_role("link", name="My work").click()
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


def test_a_move_from_a_stale_tab_is_refused_in_the_page(
    page: Page, personas: Personas, log_in: Callable[[Person], None]
) -> None:
    from mutuality.commitments.services import commitment_promise, commitment_request

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
    commitment_promise(commitment=c, actor=personas.member2, expected_version=1)
    page.locator("summary", has_text="Decline").click()
    page.get_by_label("Why you decline").fill("No capacity.")
    page.get_by_role("button", name="Decline", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Someone else changed this commitment")
    expect(page.locator(".chip", has_text="Promised")).to_be_visible()
    shot(page, "9-stale")
    assert Commitment.objects.get().state == "promised"
