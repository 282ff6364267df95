"""`load_related` fills foreign keys with one query per related model (core/db.py)."""

from __future__ import annotations

from typing import Any

import pytest

from mutuality.commitments.commitments.tests.factories import request
from mutuality.commitments.models import Commitment
from mutuality.core.db import load_related
from mutuality.testing import Personas

pytestmark = pytest.mark.django_db


def test_it_loads_each_related_model_once_and_needs_no_more_queries(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    request(personas.member, personas.member2)
    request(personas.manager, personas.member)
    request(personas.member2, unit=personas.unit)
    commitments = list(Commitment.objects.order_by("id"))

    # Three keys to people (requester, performer, proposed_by) and one to a unit: two queries.
    with django_assert_num_queries(2):
        load_related(commitments, "requester", "performer", "proposed_by", "performer_unit")
    with django_assert_num_queries(0):
        seen = [
            (c.requester.name, c.performer.name if c.performer else None, c.performer_unit)
            for c in commitments
        ]
    assert seen == [
        (personas.member.name, personas.member2.name, None),
        (personas.manager.name, personas.member.name, None),
        (personas.member2.name, None, personas.unit),
    ]


def test_nothing_to_load_is_no_query(personas: Personas, django_assert_num_queries: Any) -> None:
    request(personas.member, personas.member2)
    commitments = list(Commitment.objects.all())
    with django_assert_num_queries(0):
        assert load_related([], "requester") == []
        load_related(commitments, "proposed_by")  # nobody proposed anything
    assert commitments[0].proposed_by is None


def test_a_key_already_set_is_not_read_again(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    request(personas.member2, unit=personas.unit)
    commitments = list(Commitment.objects.all())
    for c in commitments:
        c.performer_unit = personas.unit
    with django_assert_num_queries(1):  # the people only
        load_related(commitments, "requester", "performer_unit")
    assert commitments[0].performer_unit is personas.unit
