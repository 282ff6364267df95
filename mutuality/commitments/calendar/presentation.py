"""The private iCalendar feed of a person's due dates (RFC 5545).

One feed per login, at /feed/<token>.ics, covering the person's commitments in every
organization they belong to (a calendar app subscribes once). The token is a random
secret whose SHA-256 hash is stored on the account (the address is shown once, when it
is made); resetting it invalidates the old address at once.

What is in it: the commitments the person performs or is owed, while open, and those
closed in the last `RECENT_DAYS` days (so a calendar sees them end). Each is an all-day
event on its due date — DTSTART;VALUE=DATE with an exclusive DTEND the day after, the
form every calendar agrees on — with a stable UID (`commitment-<id>@<host>`) and
SEQUENCE = the commitment's version, so a moved date updates the same event. A revoked,
cancelled or declined commitment is STATUS:CANCELLED; one not yet promised (asked,
offered, counter-offered) is TENTATIVE. Only the title, the date, the
state and a link: never conditions, notes or anything anonymous.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from mutuality.accounts.models import User
from mutuality.commitments.calendar.selectors import feed_commitments
from mutuality.commitments.models import Commitment, CommitmentState
from mutuality.orgs.models import Person

S = CommitmentState

PRODID = "-//Mutuality//Commitments//EN"

_ENDED = {S.DECLINED, S.CANCELLED, S.REVOKED}
# Asked or offered, not yet promised: the date may still change or never happen.
_UNANSWERED = {S.REQUESTED, S.DEFERRED, S.COUNTERED, S.OFFERED}


def feed_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "mutuality.invalid"


def feed_uid(commitment: Commitment) -> str:
    """The event's UID: stable for the commitment's whole life."""
    return f"commitment-{commitment.pk}@{feed_host()}"


def _summary(commitment: Commitment, person_ids: set[int]) -> str:
    title = commitment.title
    if commitment.state == S.SATISFIED:
        return f"Done: {title}"
    if commitment.performer_id in person_ids:
        if commitment.state in (S.REQUESTED, S.DEFERRED):
            return f"Asked of you: {title}"
        return f"Due: {title}"
    performer = commitment.performer
    who = performer.name if performer is not None else str(commitment.performer_unit or "")
    return f"Owed to you: {title} ({who})" if who else f"Owed to you: {title}"


def feed_calendar(*, user: User) -> bytes:
    """The feed as an iCalendar document."""
    person_ids = set(Person.objects.filter(user=user).values_list("id", flat=True))
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Mutuality: due dates")
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for c in feed_commitments(user=user):
        event = icalendar.Event()
        event.add("uid", feed_uid(c))
        event.add("dtstamp", stamp)
        event.add("dtstart", c.due_date)
        if c.due_date < dt.date.max:
            # Without DTEND an all-day event lasts the one day anyway (RFC 5545 3.6.1);
            # the guard only matters for a date no service lets in any more.
            event.add("dtend", c.due_date + dt.timedelta(days=1))
        event.add("summary", _summary(c, person_ids))
        event.add("sequence", c.version)
        if c.state in _ENDED:
            event.add("status", "CANCELLED")
        elif c.state in _UNANSWERED:
            event.add("status", "TENTATIVE")
        else:
            event.add("status", "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        url = f"{settings.SITE_URL}{c.get_absolute_url()}"
        event.add("url", url)
        event.add("description", f"{c.org.name} · {S(c.state).label}\n{url}")
        cal.add_component(event)
    return bytes(cal.to_ical())
