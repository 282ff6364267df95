"""Which due-date reminders have gone out, so that each goes out once.

`mutuality remind` runs every hour; a row here is the key that makes it idempotent: one
email per commitment, per kind, per due date, per recipient, so a failure to reach one
person never sends the other theirs again. A renegotiated due date is a new date, so it
earns its own reminders. A failed send is tried again with a growing delay, at most
`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from mutuality.orgs.models import Organization, Person

__all__ = ["MAX_ATTEMPTS", "ReminderKind", "SentReminder"]

# After this many failed sends a reminder is given up (`gave_up_at`).
MAX_ATTEMPTS = 5


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class SentReminder(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    due_date = models.DateField()
    # Whom this email is for (NULL only on rows made before reminders were per recipient).
    recipient = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the task when it claims the row; cleared again if the send fails.
    sent_at = models.DateTimeField(null=True, blank=True)
    # How many emails the mail backend accepted (0 when the recipient has no address).
    recipients = models.PositiveSmallIntegerField(default=0)
    # Sends tried, when the next try is due, and when we stopped trying.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "kind", "due_date", "recipient"],
                name="reminder_once_per_recipient",
            )
        ]
        indexes = [
            # The hourly retry scan: unsent rows whose next try is due.
            models.Index(fields=["sent_at", "next_attempt_at"], name="reminder_retry"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for commitment {self.commitment_id} due {self.due_date}"
