"""When a commitment may be due: today or later, and at most five years ahead.

One rule for every date a commitment takes (its due date, a counter-offer's, a promise to
answer by): the service refuses others, the forms offer only these, the moves check them.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

# Dates further ahead than this are typing mistakes, and would not fit a calendar's next day.
MAX_YEARS_AHEAD = 5


def latest_due_date(today: dt.date | None = None) -> dt.date:
    """The latest date a commitment may be due (or answered) by: five years from today."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def too_far_message(today: dt.date | None = None) -> str:
    return (
        f"Choose a date within {MAX_YEARS_AHEAD} years "
        f"(by {latest_due_date(today):%-d %B %Y} at the latest)."
    )


def date_range() -> tuple[dt.date, dt.date]:
    """The dates a commitment's forms offer: today to `latest_due_date`."""
    today = timezone.localdate()
    return today, latest_due_date(today)


def future_date(value: dt.date | None, *, field: str, today: dt.date) -> dt.date:
    """`value` if it is today or later and at most five years ahead; else the refusal."""
    if value is None:
        raise ValidationError({field: "Give a date."})
    if value < today:
        raise ValidationError({field: "This date is in the past; choose today or later."})
    if value > latest_due_date(today):
        raise ValidationError({field: too_far_message(today)})
    return value
