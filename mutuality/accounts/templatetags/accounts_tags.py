from __future__ import annotations

import datetime as dt
import math

from django import template

register = template.Library()


@register.filter
def minutes(value: dt.timedelta) -> int:
    """A duration as whole minutes, rounded up ("15" rather than "0:15:00")."""
    return max(1, math.ceil(value.total_seconds() / 60))
