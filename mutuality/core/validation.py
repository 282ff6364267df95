"""Checks of free text every service shares: trimmed, storable, bounded, present if required.

A refusal is a `ValidationError` naming the field, in the words a person reads on the
form or in the API's `errors`. `FieldErrors` gathers the refusals of several fields, so a
form shows every problem at once instead of one per try.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError

TEXT_MAX = 10_000
T = TypeVar("T")


def clean_text(value: str | None, *, field: str, max_length: int = TEXT_MAX) -> str:
    """`value` trimmed; refused if a database cannot store it or it is too long."""
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: "Text may not contain NUL characters."})
    if len(value) > max_length:
        raise ValidationError({field: f"Keep this to {max_length} characters or fewer."})
    return value


def required_text(
    value: str | None, *, field: str, message: str, max_length: int = TEXT_MAX
) -> str:
    """`clean_text`, refused with `message` when nothing is left."""
    value = clean_text(value, field=field, max_length=max_length)
    if not value:
        raise ValidationError({field: message})
    return value


class FieldErrors:
    """Collects the refusals of several checks, to raise them together.

    errors = FieldErrors()
    title = errors.check(lambda: required_text(...))
    errors.add("unit", "No such unit.")
    errors.raise_if_any()
    """

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def check(self, run: Callable[[], T]) -> T | Any:
        """The check's result, or None after recording its refusal."""
        try:
            return run()
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            for field, messages in exc.message_dict.items():
                self.errors.setdefault(field, []).extend(messages)
            return None

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
