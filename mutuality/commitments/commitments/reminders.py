"""Emails about due dates, sent by the background worker (`mutuality worker`).

`remind()` is a periodic job (registered in apps.py; run hourly by `mutuality worker`, or by
`mutuality remind` from cron or a systemd timer):
1. a *due soon* reminder to the performer of every promise due today or in the next
   `DUE_SOON_DAYS` days;
2. an *overdue* reminder once a promise's due date has passed — to the performer while it
   is promised, to the requester when it waits for their acceptance — for due dates in
   the last `OVERDUE_LOOKBACK_DAYS` days (so a new installation does not mail about
   last year).

Each reminder goes out at most once per commitment, per kind, per due date, per
recipient: a `SentReminder` row per recipient is created before the task is queued (the
unique constraint makes a second run a no-op), and the task claims the row before it
sends. A failed send is tried again after 30 minutes, then 1, 2 and 4 hours, and given up
after `MAX_ATTEMPTS` tries. A renegotiated due date is a new date and earns new reminders.

Emails are plain text: the title, the date, the other party's name and a link. They never
carry conditions, notes or anything anonymous.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django_tasks import task

from mutuality.commitments.models import (
    MAX_ATTEMPTS,
    Commitment,
    CommitmentState,
    ReminderKind,
    SentReminder,
)
from mutuality.core.mail import address_of, send_all, site_link

S = CommitmentState
logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 2
OVERDUE_LOOKBACK_DAYS = 7
# A reminder row still unsent after this long (the worker was down, the mail server
# refused) is queued again by the next run.
RETRY_AFTER = dt.timedelta(minutes=30)
BATCH = 500


# --- due-date reminders ------------------------------------------------------------------------


def _recipient_ids(kind: str, state: str, performer_id: int | None, requester_id: int) -> list[int]:
    """Who a reminder of `kind` goes to, for a commitment in `state`."""
    if kind == ReminderKind.DUE_SOON and state == S.PROMISED:
        ids = [performer_id]
    elif kind == ReminderKind.OVERDUE and state == S.PROMISED:
        ids = [performer_id, requester_id]
    elif kind == ReminderKind.OVERDUE and state == S.COMPLETED:
        ids = [requester_id]
    else:
        ids = []
    return [pk for pk in ids if pk is not None]


def _reminder_message(reminder: SentReminder) -> EmailMessage | None:
    """The one email `reminder` stands for, or None if it no longer applies."""
    c = reminder.commitment
    link = site_link(c.get_absolute_url())
    due = f"{c.due_date:%A %-d %B %Y}"
    performer = c.performer
    requester = c.requester
    performer_name = performer.name if performer is not None else "The performer"
    to_performer = performer is not None and reminder.recipient_id == performer.pk
    to_requester = reminder.recipient_id == requester.pk
    subject = body = ""
    if reminder.kind == ReminderKind.DUE_SOON and c.state == S.PROMISED and to_performer:
        subject = f"Due {due}: {c.title}"
        body = (
            f"You promised {requester.name} “{c.title}” by {due}.\n\n"
            "If it is done, declare it complete; if the date no longer works, propose "
            "new terms before it passes — a renegotiation agreed in time keeps your "
            f"word.\n\n{link}\n"
        )
    elif reminder.kind == ReminderKind.OVERDUE and c.state == S.PROMISED and to_performer:
        subject = f"Overdue since {due}: {c.title}"
        body = (
            f"“{c.title}”, promised to {requester.name}, was due {due}.\n\n"
            "Declare it complete, or talk with them and propose new terms.\n\n"
            f"{link}\n"
        )
    elif reminder.kind == ReminderKind.OVERDUE and c.state == S.PROMISED and to_requester:
        subject = f"Overdue since {due}: {c.title}"
        body = (
            f"{performer_name} promised you “{c.title}” by {due}, and it is not "
            "declared complete yet.\n\nYou can ask how it stands, agree new terms, "
            f"or cancel the request.\n\n{link}\n"
        )
    elif reminder.kind == ReminderKind.OVERDUE and c.state == S.COMPLETED and to_requester:
        subject = f"Waiting for your answer: {c.title}"
        body = (
            f"{performer_name} declared “{c.title}” complete; it was due {due}.\n\n"
            "Declare it satisfied, or say what is missing.\n\n"
            f"{link}\n"
        )
    address = address_of(reminder.recipient)
    if not subject or not address:
        return None
    return EmailMessage(subject=subject, body=body, to=[address])


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed send: 30 min, 1 h, 2 h, 4 h..."""
    factor: int = 2 ** max(attempts - 1, 0)
    return RETRY_AFTER * factor


@task()
def send_commitment_reminder(reminder_id: int) -> int:
    """Send one reminder's email, once. Returns 1 if it went out, else 0.

    A failed send is left for `remind()` to queue again after `retry_delay`; after
    `MAX_ATTEMPTS` failures the reminder is given up.
    """
    now = timezone.now()
    # Claim the row: of two workers given the same reminder, only one sends it.
    claimed = SentReminder.objects.filter(
        pk=reminder_id, sent_at__isnull=True, gave_up_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    ).update(sent_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return 0
    reminder = (
        SentReminder.objects.select_related(
            "recipient__user",
            "commitment__org",
            "commitment__requester",
            "commitment__performer",
        )
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:
        return 0
    c = reminder.commitment
    if c.closed_at is not None or c.due_date != reminder.due_date:
        # Closed or renegotiated since it was queued: nothing to remind about.
        return 0
    message = _reminder_message(reminder)
    if message is None:
        return 0
    try:
        sent = send_all([message])
    except Exception:
        logger.warning("Reminder %s could not be sent (attempt %s)", reminder_id, reminder.attempts)
        if reminder.attempts >= MAX_ATTEMPTS:
            SentReminder.objects.filter(pk=reminder_id).update(sent_at=None, gave_up_at=now)
        else:
            SentReminder.objects.filter(pk=reminder_id).update(
                sent_at=None, next_attempt_at=now + retry_delay(reminder.attempts)
            )
        return 0
    SentReminder.objects.filter(pk=reminder_id).update(recipients=sent)
    return sent


def _due_soon(today: dt.date) -> Q:
    return Q(
        closed_at__isnull=True,
        state=S.PROMISED,
        due_date__gte=today,
        due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
    )


def _overdue(today: dt.date) -> Q:
    return Q(
        closed_at__isnull=True,
        state__in=[S.PROMISED, S.COMPLETED],
        due_date__lt=today,
        due_date__gte=today - dt.timedelta(days=OVERDUE_LOOKBACK_DAYS),
    )


def _queue(reminder_id: int) -> None:
    transaction.on_commit(lambda: send_commitment_reminder.enqueue(reminder_id=reminder_id))


def _create_reminders(kind: str, q: Q, now: dt.datetime) -> int:
    """One row per recipient for each commitment not yet reminded; how many commitments."""
    sent_already = SentReminder.objects.filter(
        commitment_id=OuterRef("pk"), kind=kind, due_date=OuterRef("due_date")
    )
    candidates = (
        Commitment.objects.filter(q)
        .exclude(Exists(sent_already))
        .order_by("due_date", "id")
        .values_list("pk", "org_id", "due_date", "state", "performer_id", "requester_id")
    )
    created = 0
    after: Q = Q()
    while True:
        rows = list(candidates.filter(after)[:BATCH])
        if not rows:
            return created
        for pk, org_id, due_date, state, performer_id, requester_id in rows:
            recipient_ids = _recipient_ids(kind, state, performer_id, requester_id)
            with transaction.atomic():
                made = 0
                for recipient_id in recipient_ids:
                    reminder, is_new = SentReminder.objects.get_or_create(
                        commitment_id=pk,
                        kind=kind,
                        due_date=due_date,
                        recipient_id=recipient_id,
                        defaults={"org_id": org_id, "next_attempt_at": now + RETRY_AFTER},
                    )
                    if is_new:
                        made += 1
                        _queue(reminder.pk)
                created += 1 if made else 0
        if len(rows) < BATCH:
            return created
        # Walk on by (due date, id): a commitment with no one to remind stays a candidate.
        _, _, last_due, *_ = rows[-1]
        after = Q(due_date__gt=last_due) | Q(due_date=last_due, pk__gt=rows[-1][0])


@dataclass(frozen=True)
class RemindResult:
    due_soon: int
    overdue: int
    retried: int

    def __str__(self) -> str:
        return (
            f"queued {self.due_soon} due-soon and {self.overdue} overdue reminder(s); "
            f"retried {self.retried}"
        )


def remind(*, now: dt.datetime | None = None) -> RemindResult:
    """The hourly run: queue due-date reminders, and retry the ones that did not go out."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due_soon = _create_reminders(ReminderKind.DUE_SOON, _due_soon(today), now)
    overdue = _create_reminders(ReminderKind.OVERDUE, _overdue(today), now)
    # Unsent (the worker was down, the mail server refused) and due for another try. Each
    # is pushed back before it is queued, so a worker that stays down is not flooded.
    stuck = list(
        SentReminder.objects.filter(
            sent_at__isnull=True,
            gave_up_at__isnull=True,
            attempts__lt=MAX_ATTEMPTS,
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at")
        .values_list("pk", "attempts")[:BATCH]
    )
    for pk, attempts in stuck:
        SentReminder.objects.filter(pk=pk).update(next_attempt_at=now + retry_delay(attempts + 1))
        send_commitment_reminder.enqueue(reminder_id=pk)
    return RemindResult(due_soon=due_soon, overdue=overdue, retried=len(stuck))
