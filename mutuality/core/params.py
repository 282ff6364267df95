"""Reading numbers from query strings and the environment, never raising on bad input."""

from __future__ import annotations

# A database id fits a signed 64-bit integer; 18 digits always do.
MAX_ID_DIGITS = 18


def id_param(value: str | None) -> int | None:
    """`value` as a database id, or None when it is not one.

    Only ASCII digits count: `str.isdigit()` also accepts "²" or "٣", which `int()`
    refuses or reads as another number, and a query string may hold anything.
    """
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > MAX_ID_DIGITS or not (value.isascii() and value.isdigit()):
        return None
    return int(value)
