"""Ids sent in a request body, turned into the caller's objects, with a field error each.

An operation that takes ids in its body (`manager_id`, `lead_ids`, `facilitator_id`)
resolves them through the selectors that decide what the caller may see, so an id of
another organization, or of something the caller may not name, is refused exactly like
an id that does not exist: a 422 naming the field, never a 404 or a hint.

    refs = References()
    manager = refs.one("manager_id", payload.manager_id, find_person, NO_SUCH_PERSON)
    leads = refs.many("lead_ids", payload.lead_ids, find_people, NO_SUCH_PERSON)
    refs.check()  # raises ValidationError({"manager_id": [...], "lead_ids": [...]})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import Http404

T = TypeVar("T")


class References:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def one(
        self, field: str, pk: int | None, find: Callable[[int], T | None], missing: str
    ) -> T | None:
        """The object `find` returns for `pk` (None when no id was sent).

        `find` may return None or raise Http404 for an id the caller may not name.
        """
        if pk is None:
            return None
        try:
            found = find(pk)
        except Http404:
            found = None
        if found is None:
            self.errors[field] = [missing]
        return found

    def many(
        self,
        field: str,
        pks: Iterable[int],
        find: Callable[[set[int]], Iterable[Any]],
        missing: str,
    ) -> list[Any]:
        """The objects `find` returns for the ids; each id it does not return is named."""
        wanted = set(pks)
        found = list(find(wanted)) if wanted else []
        absent = sorted(wanted - {obj.pk for obj in found})
        if absent:
            self.errors[field] = [f"{missing} ({pk})" for pk in absent]
        return found

    def check(self) -> None:
        """Refuse the request, naming every bad field, if any id was bad."""
        if self.errors:
            raise ValidationError(self.errors)
