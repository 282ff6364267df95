"""Sending email: the address a person is reached at, absolute links, one connection.

Every email Mutuality sends (reminders, notices, invitations) goes through here, so the
rules are the same everywhere: nobody inactive is written to, links point at
`SITE_URL`, and a batch of messages shares one SMTP connection.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection


def address_of(person: Any) -> str:
    """Where to write to a person (an `orgs.Person`): their own address, else their login's.

    Empty for nobody, for someone inactive, and for someone with neither address.
    """
    if person is None or not person.is_active:
        return ""
    if person.email:
        return str(person.email)
    user = person.user
    return str(user.email) if user is not None and user.is_active else ""


def site_link(path: str) -> str:
    """An absolute link to a path of this site, for emails and feeds."""
    return f"{settings.SITE_URL}{path}"


def send_all(messages: list[EmailMessage]) -> int:
    """Send the messages over one connection; how many the mail backend accepted."""
    if not messages:
        return 0
    with get_connection() as connection:
        return int(connection.send_messages(messages) or 0)
