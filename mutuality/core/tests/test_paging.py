"""A list page counts what it shows, and no further than it must (core/paging.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import QuerySet

from mutuality.core import paging
from mutuality.core.paging import ListPage, capped_count, page_of
from mutuality.orgs.models import Person
from mutuality.testing import Personas

pytestmark = pytest.mark.django_db


def people(personas: Personas) -> QuerySet[Person]:
    # Acme's people: the admin, the manager, two members and the facilitator.
    return Person.objects.filter(org=personas.org).order_by("pk")


def test_a_count_stops_at_its_cap_and_says_it_is_not_exact(personas: Personas) -> None:
    total = people(personas).count()
    assert capped_count(people(personas), cap=None) == (total, True)
    assert capped_count(people(personas), cap=total) == (total, True)
    assert capped_count(people(personas), cap=total - 1) == (total - 1, False)


def test_a_short_first_page_is_the_whole_list_and_costs_no_count(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    total = people(personas).count()
    with django_assert_num_queries(1):
        page = ListPage.of(people(personas), number=1, size=total + 1)
    assert (page.count, page.exact, page.has_next) == (total, True, False)


def test_a_web_page_counts_a_window_past_its_own_start(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = people(personas).count()
    monkeypatch.setattr(paging, "PAGE_COUNT_WINDOW", 2)

    first = ListPage.of(people(personas), number=1, size=1)
    assert (first.count, first.exact, first.has_next) == (2, False, True)
    assert (first.start, first.end) == (1, 1)

    # Further on, the window moves with the page: the count is again at most two past it.
    third = ListPage.of(people(personas), number=3, size=1)
    assert (third.count, third.exact, third.has_next) == (4, False, True)

    # Where the window reaches the end, the count is exact and the last page says so.
    last = ListPage.of(people(personas), number=total, size=1)
    assert (last.count, last.exact, last.has_next) == (total, True, False)


def test_the_api_counts_to_its_own_cap_whatever_the_web_window(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = people(personas).count()
    monkeypatch.setattr(paging, "PAGE_COUNT_WINDOW", 1)
    answer = page_of(people(personas), limit=1, offset=0)
    assert (answer["count"], answer["count_is_exact"]) == (total, True)
    assert page_of(people(personas), limit=1, offset=0, cap=2)["count_is_exact"] is False
