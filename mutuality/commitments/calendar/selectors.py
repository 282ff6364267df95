"""Reads for the calendar feed: whose feed a token opens, and what is in it."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db.models import F, Q
from django.utils import timezone

from mutuality.accounts.models import User, hash_secret
from mutuality.commitments.models import Commitment
from mutuality.orgs.models import Person

RECENT_DAYS = 30
MAX_EVENTS = 1000
# A token shorter than this was never issued; refuse it without a query.
MIN_TOKEN_LENGTH = 32


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
