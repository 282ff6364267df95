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
import secrets
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mutuality.accounts.models import User, hash_secret
from mutuality.commitments.models import Commitment, CommitmentState
from mutuality.core.audit import audit_record
from mutuality.orgs.models import Person

S = CommitmentState

RECENT_DAYS = 30
MAX_EVENTS = 1000
TOKEN_BYTES = 32
# A token shorter than this was never issued; refuse it without a query.
MIN_TOKEN_LENGTH = 32
PRODID = "-//Mutuality//Commitments//EN"

_ENDED = {S.DECLINED, S.CANCELLED, S.REVOKED}
# Asked or offered, not yet promised: the date may still change or never happen.
_UNANSWERED = {S.REQUESTED, S.DEFERRED, S.COUNTERED, S.OFFERED}


def feed_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "mutuality.invalid"


def feed_uid(commitment: Commitment) -> str:
    """The event's UID: stable for the commitment's whole life."""
    return f"commitment-{commitment.pk}@{feed_host()}"


def user_for_feed_token(token: str) -> User | None:
    """The active account whose feed token this is, or None."""
    if len(token) < MIN_TOKEN_LENGTH or len(token) > 128:
        return None
    digest = hash_secret(token)
    user = User.objects.filter(feed_token_hash=digest, is_active=True).first()
    # The query matched on the stored hash; compare again in constant time anyway.
    if user is None or not secrets.compare_digest(user.feed_token_hash, digest):
        return None
    return user


@transaction.atomic
def feed_token_reset(*, person: Person) -> str:
    """Give the person's account a new feed token; the old feed address stops working.

    Returns the token itself, which is stored only as a hash: the caller shows it once.
    """
    user = person.user
    if user is None:
        raise ValueError("Only a person with a login has a calendar feed.")
    had_token = bool(user.feed_token_hash)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    user.feed_token_hash = hash_secret(token)
    user.save(update_fields=["feed_token_hash"])
    audit_record(
        org=person.org,
        actor=user,
        action="feed_token.reset" if had_token else "feed_token.create",
        obj=user,
        label=f"Calendar feed of {user.display_name}",
    )
    return token


def feed_commitments(*, user: User, today: dt.date | None = None) -> list[Commitment]:
    """The commitments the feed shows (see the module docstring).

    Open ones first, soonest due (most overdue) first, then the recently closed, latest
    first: so a feed at its `MAX_EVENTS` cap drops old closed ones, never open ones.
    """
    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    # A few people at most (one per organization). Each branch names the organization,
    # the party and the closing time, so that each is answered from the (org, party,
    # closed_at, due_date) index instead of a scan of every commitment.
    branches: Q | None = None
    for org_id, person_id in Person.objects.filter(user=user, is_active=True).values_list(
        "org_id", "id"
    ):
        for party in ("performer_id", "requester_id"):
            mine = {"org_id": org_id, party: person_id}
            branch = Q(**mine, closed_at__isnull=True) | Q(**mine, closed_at__gte=since)
            branches = branch if branches is None else branches | branch
    if branches is None:
        return []
    return list(
        Commitment.objects.filter(branches)
        .select_related("org", "requester", "performer")
        .order_by(F("closed_at").desc(nulls_first=True), "due_date", "id")[:MAX_EVENTS]
    )


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
