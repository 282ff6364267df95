"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Nothing is downloaded: Playwright launches the system browser at /usr/bin/chromium with the
flags below (headless, no sandbox as root, and no background traffic to Google's hosts, which
this machine's closed network refuses). A failing test leaves a screenshot of the page in
test-artifacts/<test name>.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from mutuality.orgs.models import Person
from mutuality.testing import PASSWORD, Personas, build_personas

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Long enough for a cold page on a busy two-core machine; short enough to fail fast.
TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Keep each phase's report on the test item, so the page fixture can tell a failure.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def _allow_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API runs an asyncio loop in this thread; Django refuses ORM calls
    # from a thread with a running loop unless told that this is deliberate. The live
    # server answers in its own thread either way.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def playwright(_allow_orm_beside_playwright: None) -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    expect.set_options(timeout=TIMEOUT_MS)
    yield browser
    browser.close()


@pytest.fixture
def personas(transactional_db: None, _allow_orm_beside_playwright: None) -> Personas:
    """The usual personas, committed, so that the live server's thread can see them."""
    return build_personas()


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server: Any
) -> Generator[Page, None, None]:
    """A fresh browser context (no cookies) on the live server; a screenshot if the test fails.

    Only a real browser enforces the Content-Security-Policy and shows what a server error
    looks like to a person, so any CSP violation or 5xx answer during the test fails it too.
    """
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")
            if response.status >= 500
            else None
        ),
    )
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"\nscreenshot of the failing page: {path}")  # noqa: T201 - pointer for CI logs
    context.close()
    assert not problems, "the browser saw:\n" + "\n".join(problems)


@pytest.fixture
def log_in(page: Page) -> Callable[[Person], None]:
    """Log in through the real form, as a person would: `log_in(personas.admin)`."""

    def submit(person: Person) -> None:
        assert person.user is not None
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(person.user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

    return submit
