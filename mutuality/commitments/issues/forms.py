"""Forms for issues. They parse and resolve input; the services decide the rest.

A move's form is derived from its declaration (`mutuality.core.workflow.forms`).
"""

from __future__ import annotations

from typing import Any

from django import forms

from mutuality.commitments.issues.selectors import ROLE_FILTERS, STATE_FILTERS
from mutuality.commitments.models import IssueState
from mutuality.core.paging import COUNT_CAP
from mutuality.orgs.forms import PersonPicker, UnitPicker, pickers_for
from mutuality.orgs.models import Person


class RaiseIssueForm(forms.Form):
    """Raising an issue. Whom it may be raised with is the service's rule (one person or
    one unit); this form only reads the names typed."""

    title = forms.CharField(
        label="What is the issue",
        max_length=200,
        help_text="One line: the concern, blocker or tension.",
    )
    description = forms.CharField(
        label="Details",
        required=False,
        max_length=10_000,
        help_text="What happens, what it affects, what would resolve it for you.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    person = PersonPicker(
        label="Raise it with a person",
        help_text="Start typing their name and pick them, or give their email address.",
    )
    unit = UnitPicker(
        label="Or with a unit",
        help_text="Start typing the unit's name. Any member or lead of the unit can take it on.",
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pickers_for(self, viewer)


ROLE_CHOICES = [
    ("", "Every issue I can see"),
    ("waiting", "Waiting for my move"),
    ("mine", "Raised with me or my units"),
    ("raised", "Raised by me"),
]
STATE_CHOICES = [
    ("open", "Open"),
    ("closed", "Closed"),
    ("all", "All"),
    *[(s.value, s.label) for s in IssueState],
]
assert {v for v, _ in ROLE_CHOICES} == set(ROLE_FILTERS)
assert {v for v, _ in STATE_CHOICES} == set(STATE_FILTERS)


class IssueFilterForm(forms.Form):
    role = forms.ChoiceField(label="Show", choices=ROLE_CHOICES, required=False)
    state = forms.ChoiceField(label="State", choices=STATE_CHOICES, required=False)
    # Set by links from a unit's page; the page shows the unit's name with a way to clear it.
    unit = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=COUNT_CAP)
