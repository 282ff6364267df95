"""What other apps do when people leave an organization.

Deactivating people is the orgs app's (one at a time, or many at once in a full import);
what they leave behind belongs to the apps above it: their API tokens stop working
(accounts), and later capabilities may hand on what the leavers owned. Those apps register
a handler from AppConfig.ready(), so orgs never imports them:

    from mutuality.orgs import departures

    departures.register(api_tokens_revoke_for_leavers)

The services call every handler inside the deactivation's transaction, after the people
are marked inactive, so what the handlers change (and audit) commits or rolls back with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mutuality.orgs.models import Organization, Person


@dataclass(frozen=True)
class Leaving:
    org: Organization
    # Who left, with their names as they were.
    people: list[Person]
    # The admin who deactivated them (None for the command line and seeding), and when.
    actor: Person | None
    at: dt.datetime

    @property
    def actor_user(self) -> Any:
        return self.actor.user if self.actor is not None else None


Handler = Callable[[Leaving], None]

_handlers: dict[str, Handler] = {}


def register(handler: Handler) -> None:
    """Call `handler` whenever people leave (registered once, by its qualified name)."""
    _handlers[f"{handler.__module__}.{handler.__qualname__}"] = handler


def people_left(leaving: Leaving) -> None:
    """Tell every registered app that these people left. Inside the caller's transaction."""
    if not leaving.people:
        return
    for handler in _handlers.values():
        handler(leaving)
