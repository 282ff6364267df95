"""The calendar feed's address: made anew (and the old one stopped) on request."""

from __future__ import annotations

import secrets

from django.db import transaction

from mutuality.accounts.models import hash_secret
from mutuality.core.audit import audit_record
from mutuality.orgs.models import Person

TOKEN_BYTES = 32


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
