"""A page htmx restores from history comes back whole, not as the fragment it once swapped.

htmx 2 asks for a page again when it is missing from its history cache (back button after
a live search, or a reload of a pushed address), sending `HX-Request: true` together with
`HX-History-Restore-Request: true`, and puts the answer in place of the whole document.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mutuality.commitments.commitments.tests.factories import in_state
from mutuality.commitments.issues.tests.factories import in_state as issue_in_state
from mutuality.testing import Personas

FRAGMENT = {"HX-Request": "true"}
HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


def _people(p: Personas) -> str:
    return p.url("orgs:people") + "?q=mia"


def _commitment(p: Personas) -> str:
    return p.url("commitments:detail", pk=in_state(p, "requested").pk)


def _issue(p: Personas) -> str:
    return p.url("issues:detail", pk=issue_in_state(p, "raised").pk)


PAGES: dict[str, Callable[[Personas], str]] = {
    "people directory": _people,
    "commitment": _commitment,
    "issue": _issue,
}


def _is_whole_page(html: str) -> bool:
    return "<html" in html and 'class="topbar"' in html and 'class="mainnav"' in html


@pytest.mark.parametrize("page", PAGES)
def test_an_htmx_request_gets_only_the_fragment(personas: Personas, page: str) -> None:
    url = PAGES[page](personas)
    response = personas.client_for(personas.member).get(url, headers=FRAGMENT)
    assert response.status_code == 200
    assert not _is_whole_page(response.content.decode())


@pytest.mark.parametrize("page", PAGES)
def test_a_history_restore_request_gets_the_whole_page_with_its_header_and_navigation(
    personas: Personas, page: str
) -> None:
    url = PAGES[page](personas)
    response = personas.client_for(personas.member).get(url, headers=HISTORY_RESTORE)
    assert response.status_code == 200
    assert _is_whole_page(response.content.decode())


def test_the_directory_says_it_varies_with_the_history_restore_header(
    personas: Personas,
) -> None:
    response = personas.client_for(personas.member).get(_people(personas), headers=HISTORY_RESTORE)
    assert "HX-History-Restore-Request" in response["Vary"]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_answer_says_which_headers_chose_between_fragment_and_page(
    personas: Personas, page: str
) -> None:
    response = personas.client_for(personas.member2).get(PAGES[page](personas))
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"hx-request", "hx-boosted", "hx-history-restore-request"} <= vary
