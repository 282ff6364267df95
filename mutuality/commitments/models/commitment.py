"""A commitment is a conversation for action (Winograd & Flores) between two parties.

The requester (customer) asks for something with conditions of satisfaction and a due
date; the performer answers and, once promised, performs. The commitment is closed only
when the requester declares satisfied, or when one side ends the conversation (declined,
cancelled, revoked). Which move is legal when, and by whom, is declared once:
`commitments/workflow.py`.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mutuality.core.models import AppendOnlyModel
from mutuality.orgs.models import Organization, Person, Unit

__all__ = [
    "OPEN_STATES",
    "OVERDUE_STATES",
    "TERMINAL_STATES",
    "UNANSWERED_STATES",
    "Commitment",
    "CommitmentEvent",
    "CommitmentKind",
    "CommitmentMove",
    "CommitmentState",
]


class CommitmentKind(models.TextChoices):
    REQUEST = "request", "Request"
    OFFER = "offer", "Offer"
    SELF = "self", "Self-commitment"


class CommitmentState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    OFFERED = "offered", "Offered"
    COUNTERED = "countered", "Counter-offered"
    DEFERRED = "deferred", "Answer promised"
    PROMISED = "promised", "Promised"
    COMPLETED = "completed", "Declared complete"
    SATISFIED = "satisfied", "Satisfied"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"
    REVOKED = "revoked", "Revoked"


class CommitmentMove(models.TextChoices):
    REQUEST = "request", "Request"
    OFFER = "offer", "Offer"
    SELF_COMMIT = "self_commit", "Commit"
    PROMISE = "promise", "Promise"
    DECLINE = "decline", "Decline"
    COUNTER = "counter", "Counter-offer"
    ACCEPT_COUNTER = "accept_counter", "Accept the counter-offer"
    REJECT_COUNTER = "reject_counter", "Reject the counter-offer"
    ACCEPT_OFFER = "accept_offer", "Accept the offer"
    DECLINE_OFFER = "decline_offer", "Decline the offer"
    COMMIT_TO_COMMIT = "commit_to_commit", "Answer later"
    DECLARE_COMPLETE = "declare_complete", "Declare complete"
    DECLARE_SATISFIED = "declare_satisfied", "Declare satisfied"
    DECLARE_DISSATISFIED = "declare_dissatisfied", "Declare dissatisfied"
    PROPOSE_RENEGOTIATION = "propose_renegotiation", "Propose new terms"
    ACCEPT_RENEGOTIATION = "accept_renegotiation", "Accept the new terms"
    REJECT_RENEGOTIATION = "reject_renegotiation", "Keep the current terms"
    CANCEL = "cancel", "Cancel"
    REVOKE = "revoke", "Revoke"


TERMINAL_STATES: frozenset[str] = frozenset(
    {
        CommitmentState.SATISFIED,
        CommitmentState.DECLINED,
        CommitmentState.CANCELLED,
        CommitmentState.REVOKED,
    }
)
OPEN_STATES: frozenset[str] = frozenset(CommitmentState.values) - TERMINAL_STATES
# Asked and not yet answered (a promise to answer by a date is not an answer).
UNANSWERED_STATES: frozenset[str] = frozenset({CommitmentState.REQUESTED, CommitmentState.DEFERRED})
# Overdue: a promise whose due date has passed and that the requester has not yet declared
# satisfied, as the trust ledger's "overdue now" counts it (docs/commitments.md). A request,
# offer or counter-offer nobody has answered by its date was never promised: its date has
# merely passed.
OVERDUE_STATES: frozenset[str] = frozenset({CommitmentState.PROMISED, CommitmentState.COMPLETED})


class Commitment(models.Model):
    """One conversation for action. Changed only by the moves in services.py."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(max_length=10, choices=CommitmentKind.choices)
    title = models.CharField("what", max_length=200)
    conditions = models.TextField("conditions of satisfaction")
    due_date = models.DateField(help_text="The due date in effect.")
    original_due_date = models.DateField()
    # The customer; for a self-commitment, the named beneficiary.
    requester = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="+")
    # Null while a request made of a unit has not been taken up by one of its people.
    performer = models.ForeignKey(
        Person, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    performer_unit = models.ForeignKey(
        Unit, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=12, choices=CommitmentState.choices)
    # Commit-to-commit: the performer's promise to answer by this date.
    answer_by = models.DateField(null=True, blank=True)
    # A pending counter-offer from the performer.
    counter_due_date = models.DateField(null=True, blank=True)
    counter_terms = models.TextField(blank=True)
    # A pending renegotiation of a promise, proposed by either party.
    proposed_by = models.ForeignKey(
        Person, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    proposed_due_date = models.DateField(null=True, blank=True)
    proposed_terms = models.TextField(blank=True)
    # What the commitment is about (an agreement, a feedback response, an experiment…).
    context_label = models.CharField(max_length=200, blank=True)
    context_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    promised_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set exactly when the state becomes terminal: `closed_at IS NULL` means open, which
    # lets every "open, by due date" list walk an index in order.
    closed_at = models.DateTimeField(null=True, blank=True)
    # Incremented by every move; a move based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(state__in=sorted(TERMINAL_STATES), closed_at__isnull=False)
                    | (~Q(state__in=sorted(TERMINAL_STATES)) & Q(closed_at__isnull=True))
                ),
                name="commitment_closed_iff_terminal",
            ),
            models.CheckConstraint(
                condition=Q(performer__isnull=False) | Q(performer_unit__isnull=False),
                name="commitment_has_performer_or_unit",
            ),
            models.CheckConstraint(
                condition=~Q(conditions=""), name="commitment_conditions_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(state__in=CommitmentState.values), name="commitment_state_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["org", "performer", "closed_at", "due_date"], name="commitment_performer"
            ),
            models.Index(
                fields=["org", "requester", "closed_at", "due_date"], name="commitment_requester"
            ),
            models.Index(
                fields=["org", "performer_unit", "closed_at", "due_date"], name="commitment_unit"
            ),
            # Every open request made of a unit (open to the whole organization): the
            # widest branch of the organization's open list. Through `commitment_unit` it
            # walks every unit's requests, closed ones included (a hundred thousand index
            # entries at size L for a thousand or two open ones). The partial index holds
            # only the open ones, and carries its condition's columns so that SQLite
            # answers from the index alone.
            models.Index(
                fields=["org", "performer_unit", "closed_at", "due_date"],
                condition=Q(closed_at__isnull=True, performer_unit__isnull=False),
                name="commitment_open_unit",
            ),
            models.Index(fields=["org", "state", "due_date"], name="commitment_org_state"),
            models.Index(fields=["org", "due_date"], name="commitment_org_due"),
            models.Index(fields=["due_date"], name="commitment_due_date"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", kwargs={"org": self.org.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL_STATES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.state in OVERDUE_STATES and self.due_date < today

    def date_passed_unanswered(self, today: dt.date | None = None) -> bool:
        """Still waiting for an answer (never promised), and its due date has passed."""
        today = today or timezone.localdate()
        return self.is_open and self.state not in OVERDUE_STATES and self.due_date < today

    @property
    def is_unanswered_unit_request(self) -> bool:
        """A request made of a unit that nobody has promised, declined or countered yet.

        Declining it closes it for the whole unit: that is its leads' call, also after a
        member said when they would answer.
        """
        return self.performer_unit_id is not None and self.state in UNANSWERED_STATES

    @property
    def has_pending_renegotiation(self) -> bool:
        return self.proposed_by_id is not None

    @staticmethod
    def overdue_q(today: dt.date) -> Q:
        """The filter for overdue commitments (see OVERDUE_STATES)."""
        return Q(closed_at__isnull=True, due_date__lt=today, state__in=sorted(OVERDUE_STATES))


class CommitmentEvent(AppendOnlyModel):
    """One move in a commitment's conversation: who, what, when. Append-only."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="events")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="+")
    move = models.CharField(max_length=24, choices=CommitmentMove.choices)
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=12, choices=CommitmentState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=CommitmentState.choices)
    note = models.TextField(blank=True)
    # The due date in effect after the move, and before it (equal unless it changed it).
    due_date = models.DateField()
    previous_due_date = models.DateField(null=True, blank=True)
    # Counter-offer and renegotiation moves: the terms they proposed or agreed.
    terms = models.TextField(blank=True)
    # Commit-to-commit: the date the performer will answer by.
    answer_by = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["commitment", "at"], name="commitment_event_at"),
            models.Index(fields=["org", "move", "at"], name="commitment_event_move"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.move} {self.from_state}→{self.to_state}"
