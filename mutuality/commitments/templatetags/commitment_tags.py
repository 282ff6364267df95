"""Template filters for commitment pages."""

from __future__ import annotations

from typing import Any

from django import template

from mutuality.commitments.commitments.presentation import DID

register = template.Library()


@register.filter
def did(move: str) -> str:
    """The past tense of a move, for the history."""
    return DID.get(move, move)


@register.filter
def bound_field(form: Any, name: str) -> Any:
    """`form[name]` for a field name held in a variable."""
    return form[name]
