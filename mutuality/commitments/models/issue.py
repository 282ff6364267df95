"""Issues: a concern, a blocker or a tension, brought to closure with the person who raised it.

An issue is raised to a person or to a unit. Someone takes ownership, proposes a
resolution, and the issue closes only when its raiser declares satisfied. The owner may
decline it with an explanation, and the raiser may then escalate it to a facilitator. A
proposal the raiser leaves unanswered for `UNCONFIRMED_AFTER_DAYS` closes the issue as
"closed without confirmation", which the trust ledger counts separately.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from mutuality.core.models import AppendOnlyModel
from mutuality.orgs.models import Organization, Person, Unit

__all__ = [
    "CLOSED_ISSUE_STATES",
    "OPEN_ISSUE_STATES",
    "UNCONFIRMED_AFTER_DAYS",
    "Issue",
    "IssueEvent",
    "IssueMove",
    "IssueState",
]

# A proposed resolution the raiser has not answered for this many days closes the issue.
UNCONFIRMED_AFTER_DAYS = 14


class IssueState(models.TextChoices):
    OPEN = "raised", "Waiting for an owner"
    OWNED = "owned", "Being worked on"
    PROPOSED = "proposed", "Resolution proposed"
    DECLINED = "declined", "Declined"
    ESCALATED = "escalated", "Escalated to a facilitator"
    RESOLVED = "resolved", "Resolved"
    CLOSED_UNCONFIRMED = "closed_unconfirmed", "Closed without confirmation"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # Declined again after the one escalation: nothing is left to try, so it is closed.
    DECLINED_FINAL = "declined_final", "Declined after escalation"


OPEN_ISSUE_STATES = frozenset(
    {
        IssueState.OPEN,
        IssueState.OWNED,
        IssueState.PROPOSED,
        IssueState.DECLINED,
        IssueState.ESCALATED,
    }
)
CLOSED_ISSUE_STATES = frozenset(
    {
        IssueState.RESOLVED,
        IssueState.CLOSED_UNCONFIRMED,
        IssueState.WITHDRAWN,
        IssueState.DECLINED_FINAL,
    }
)


class IssueMove(models.TextChoices):
    RAISE = "raise", "Raised"
    TAKE_OWNERSHIP = "take_ownership", "Took ownership"
    PROPOSE_RESOLUTION = "propose_resolution", "Proposed a resolution"
    DECLARE_SATISFIED = "declare_satisfied", "Declared satisfied"
    DECLARE_DISSATISFIED = "declare_dissatisfied", "Declared not satisfied"
    DECLINE = "decline", "Declined"
    ESCALATE = "escalate", "Escalated to a facilitator"
    WITHDRAW = "withdraw", "Withdrew"
    CLOSE_UNCONFIRMED = "close_unconfirmed", "Closed without confirmation"


class Issue(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    raiser = models.ForeignKey(Person, on_delete=models.RESTRICT, related_name="issues_raised")
    # Exactly one of `addressee` and `unit` says whom the issue was raised to.
    addressee = models.ForeignKey(
        Person,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="issues_addressed",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.RESTRICT, null=True, blank=True, related_name="issues"
    )
    owner = models.ForeignKey(
        Person, on_delete=models.RESTRICT, null=True, blank=True, related_name="issues_owned"
    )
    facilitator = models.ForeignKey(
        Person,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="issues_escalated",
    )
    state = models.CharField(max_length=20, choices=IssueState.choices, default=IssueState.OPEN)
    # The latest proposed resolution and the latest reason for declining.
    resolution = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    owned_at = models.DateTimeField(null=True, blank=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # Bumped by every move: a move based on an older version is refused as stale.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(addressee__isnull=False, unit__isnull=True)
                    | models.Q(addressee__isnull=True, unit__isnull=False)
                ),
                name="issue_raised_to_person_or_unit",
                violation_error_message="Raise the issue to a person or to a unit.",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "unit", "raised_at"], name="issue_unit_raised"),
            models.Index(fields=["org", "addressee", "raised_at"], name="issue_addressee_raised"),
            models.Index(fields=["org", "owner", "raised_at"], name="issue_owner_raised"),
            models.Index(fields=["org", "raiser", "raised_at"], name="issue_raiser_raised"),
            models.Index(
                fields=["org", "facilitator", "raised_at"], name="issue_facilitator_raised"
            ),
            models.Index(fields=["org", "state", "raised_at"], name="issue_state_raised"),
            # "Open, newest first": closed_at IS NULL exactly while an issue is open.
            models.Index(fields=["org", "closed_at", "raised_at"], name="issue_open"),
            # Open issues raised with a unit (open to everyone): the list's widest branch.
            models.Index(fields=["org", "closed_at", "unit"], name="issue_open_unit"),
            # Every state, newest first.
            models.Index(fields=["org", "raised_at"], name="issue_org_raised"),
            # The 14-day rule scans proposals by age.
            models.Index(fields=["state", "proposed_at"], name="issue_state_proposed"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("issues:detail", kwargs={"org": self.org.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ISSUE_STATES

    @property
    def raised_to_label(self) -> str:
        target = self.addressee if self.addressee_id is not None else self.unit
        return str(target)


class IssueEvent(AppendOnlyModel):
    """One move in an issue's history. Append-only."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # None when the system made the move (the 14-day rule).
    actor = models.ForeignKey(
        Person, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    move = models.CharField(max_length=24, choices=IssueMove.choices)
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=20, choices=IssueState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=IssueState.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["issue", "at"], name="issueevent_issue_at")]

    def __str__(self) -> str:
        return f"{self.move} on issue {self.issue_id}"
