"""Forms for commitments. They parse and resolve input; the services decide the rest.

A move's form is derived from its declaration (`mutuality.core.workflow.forms`).
"""

from __future__ import annotations

from typing import Any

from django import forms

from mutuality.commitments.commitments.dates import date_range
from mutuality.commitments.commitments.selectors import STATE_FILTERS
from mutuality.commitments.models import CommitmentKind, CommitmentState
from mutuality.core.paging import COUNT_CAP
from mutuality.core.workflow.forms import DateInput
from mutuality.orgs.forms import PersonPicker, UnitPicker, pickers_for
from mutuality.orgs.models import Person


class NewCommitmentForm(forms.Form):
    """A request, an offer or a self-commitment. Who may be asked is the service's rule
    (`services.PARTIES`); this form only reads the names typed."""

    kind = forms.ChoiceField(
        label="What kind of commitment",
        choices=[
            (CommitmentKind.REQUEST, "Request: ask a colleague or a unit for something"),
            (CommitmentKind.OFFER, "Offer: offer to do something for a colleague"),
            (CommitmentKind.SELF, "Self-commitment: promise something to a colleague"),
        ],
        initial=CommitmentKind.REQUEST,
        widget=forms.RadioSelect,
    )
    person = PersonPicker(
        label="Who",
        help_text=(
            "Start typing their name and pick them, or give their email address. For a "
            "request, the person you ask; for an offer or a self-commitment, the person it is for."
        ),
    )
    unit = UnitPicker(
        label="Or ask a unit",
        help_text=(
            "Requests only: start typing the unit's name. Any member or lead of the unit can "
            "take it up. (A unit's page has an “Ask” button that fills this in.)"
        ),
    )
    title = forms.CharField(label="What", max_length=200)
    conditions = forms.CharField(
        label="Conditions of satisfaction",
        max_length=10_000,
        help_text="What will count as done? The requester declares satisfied against these.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    due_date = forms.DateField(label="Due date", widget=DateInput())
    context_label = forms.CharField(
        label="Context",
        required=False,
        max_length=200,
        help_text="What this is about, e.g. “Support ↔ Finance agreement, section 2”.",
    )
    context_url = forms.CharField(
        label="Context link",
        required=False,
        max_length=500,
        help_text="A link to it: a page here (starting with /) or https://…",
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, last = date_range()
        self.fields["due_date"].widget.attrs.update(
            {"min": first.isoformat(), "max": last.isoformat()}
        )
        pickers_for(self, viewer)


ROLE_CHOICES = [
    ("", "Anyone"),
    ("requester", "I asked (requester)"),
    ("performer", "I perform (performer)"),
    ("waiting", "Waiting for my answer"),
]
STATE_CHOICES = [
    ("open", "Open"),
    ("closed", "Closed"),
    ("all", "All"),
    *[(s.value, s.label) for s in CommitmentState],
]
assert {v for v, _ in STATE_CHOICES} == set(STATE_FILTERS)


class ListFilterForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES, required=False)
    state = forms.ChoiceField(label="State", choices=STATE_CHOICES, required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)
    # Set by links from a unit's page; the page shows the unit's name with a way to clear it.
    unit = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=COUNT_CAP)
