"""Reminders: one row per recipient, so a failure is retried for that person only, with a
growing delay and a cap."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.utils import timezone

from mutuality.commitments.commitments import reminders
from mutuality.commitments.commitments.reminders import remind
from mutuality.commitments.commitments.tests.factories import move, request
from mutuality.commitments.models import MAX_ATTEMPTS, Commitment, SentReminder
from mutuality.testing import Personas

_real_send = reminders.send_all


def overdue(p: Personas, time_machine: Any) -> Commitment:
    c = move(request(p.member, p.member2, due=1), p.member2, "promise")
    time_machine.move_to(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time(7), tzinfo=dt.UTC),
        tick=False,
    )
    return c


def failing_for(monkeypatch: Any, address: str) -> list[int]:
    """Make the mail backend refuse `address`; returns a list counting the refusals."""
    refused: list[int] = []
    real = reminders.send_all

    def send(messages: list[Any]) -> int:
        if any(address in m.to for m in messages):
            refused.append(1)
            raise ConnectionError("mail server said no")
        return real(messages)

    monkeypatch.setattr(reminders, "send_all", send)
    return refused


def test_each_recipient_has_their_own_reminder(
    personas: Personas, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    overdue(personas, time_machine)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind().overdue == 1
    rows = SentReminder.objects.order_by("recipient_id")
    assert sorted(r.recipient_id or 0 for r in rows) == sorted(
        [personas.member.pk, personas.member2.pk]
    )
    assert all(r.sent_at is not None and r.recipients == 1 for r in rows)


def test_when_one_email_fails_only_that_person_gets_it_again(
    personas: Personas,
    time_machine: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    overdue(personas, time_machine)
    refused = failing_for(monkeypatch, personas.member.email)
    with django_capture_on_commit_callbacks(execute=True):
        remind()
    assert [m.to for m in mail.outbox] == [[personas.member2.email]]
    failed = SentReminder.objects.get(recipient=personas.member)
    assert (failed.sent_at, failed.attempts) == (None, 1)
    monkeypatch.setattr(reminders, "send_all", _real_send)
    time_machine.move_to(timezone.now() + reminders.RETRY_AFTER, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind().retried == 1
    assert [m.to for m in mail.outbox] == [[personas.member2.email], [personas.member.email]]
    assert len(refused) == 1
    with django_capture_on_commit_callbacks(execute=True):
        time_machine.move_to(timezone.now() + dt.timedelta(days=1), tick=False)
        assert remind().retried == 0
    assert len(mail.outbox) == 2


def test_a_permanent_failure_backs_off_and_gives_up_after_the_cap(
    personas: Personas,
    time_machine: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    overdue(personas, time_machine)
    refused = failing_for(monkeypatch, personas.member.email)
    with django_capture_on_commit_callbacks(execute=True):
        remind()
    waits = []
    for _ in range(40):
        row = SentReminder.objects.get(recipient=personas.member)
        if row.gave_up_at is not None:
            break
        assert row.next_attempt_at is not None
        waits.append(row.next_attempt_at - timezone.now())
        time_machine.move_to(row.next_attempt_at, tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            remind()
    row = SentReminder.objects.get(recipient=personas.member)
    assert row.attempts == MAX_ATTEMPTS and row.gave_up_at is not None
    assert len(refused) == MAX_ATTEMPTS
    # The delay grows: 30 minutes, then 1, 2 and 4 hours.
    assert waits == [reminders.retry_delay(n) for n in range(1, MAX_ATTEMPTS)]
    assert waits[-1] > waits[0]
    time_machine.move_to(timezone.now() + dt.timedelta(days=3), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind().retried == 0
    assert len(refused) == MAX_ATTEMPTS
    # The other party got theirs once, and never again.
    assert [m.to for m in mail.outbox] == [[personas.member2.email]]
