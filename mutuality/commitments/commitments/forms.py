"""Forms for commitments. They parse and resolve input; the services decide the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from mutuality.commitments.commitments.selectors import COUNT_CAP, STATE_FILTERS
from mutuality.commitments.commitments.services import latest_due_date, too_far_message
from mutuality.commitments.models import CommitmentKind, CommitmentState
from mutuality.orgs.forms import suggestion_attrs
from mutuality.orgs.models import Person, Unit
from mutuality.orgs.selectors import people_by_reference

NO_SUCH_PERSON = "No one in this organization has that email address or name."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _min_today() -> dict[str, str]:
    today = timezone.localdate()
    return {"min": today.isoformat(), "max": latest_due_date(today).isoformat()}


def _not_too_far(value: dt.date | None) -> None:
    if value is not None and value > latest_due_date():
        raise forms.ValidationError(too_far_message())


class NewCommitmentForm(forms.Form):
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
    person = forms.CharField(
        label="Who",
        required=False,
        max_length=254,
        help_text=(
            "Start typing their name and pick them, or give their email address. For a "
            "request, the person you ask; for an offer or a self-commitment, the person it is for."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    unit = forms.CharField(
        label="Or ask a unit",
        required=False,
        max_length=200,
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
    due_date = forms.DateField(label="Due date", widget=DateInput(), validators=[_not_too_far])
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
        self.viewer = viewer
        self.fields["due_date"].widget.attrs.update(_min_today())
        slug = viewer.org.slug
        self.fields["person"].widget.attrs.update(
            suggestion_attrs(url_name="orgs:people_suggest", org_slug=slug, list_id="people-list")
        )
        self.fields["unit"].widget.attrs.update(
            suggestion_attrs(url_name="orgs:units_suggest", org_slug=slug, list_id="units-list")
        )
        self.person_obj: Person | None = None
        self.unit_obj: Unit | None = None

    def clean_person(self) -> str:
        reference: str = self.cleaned_data.get("person", "").strip()
        if reference:
            found = people_by_reference(viewer=self.viewer, reference=reference)
            if not found:
                raise forms.ValidationError(NO_SUCH_PERSON)
            if len(found) > 1:
                raise forms.ValidationError(
                    "Several people have that name; give their email address."
                )
            self.person_obj = found[0]
        return reference

    def clean_unit(self) -> str:
        # A unit is named, not picked from a list: a select of 2,000 units costs more to
        # render than the rest of the page. Names are unique in an organization.
        name: str = self.cleaned_data.get("unit", "").strip()
        if name:
            self.unit_obj = (
                Unit.objects.filter(org_id=self.viewer.org_id, is_active=True)
                .filter(name__iexact=name)
                .first()
            )
            if self.unit_obj is None:
                raise forms.ValidationError(f"No unit called “{name}” in this organization.")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        has_person = bool(data.get("person"))
        has_unit = bool(data.get("unit"))
        if kind == CommitmentKind.REQUEST:
            if has_person and has_unit:
                self.add_error("unit", "Ask one person or one unit, not both.")
            elif not has_person and not has_unit and "person" not in self.errors:
                self.add_error("person", "Say who you ask: a person's email, or a unit.")
        elif kind in (CommitmentKind.OFFER, CommitmentKind.SELF):
            if has_unit:
                self.add_error("unit", "Only a request can go to a unit; name a person.")
            if not has_person and "person" not in self.errors:
                self.add_error("person", "Say who it is for: their email address.")
        return data


class MoveForm(forms.Form):
    """The fields any move may carry; each move's service uses the ones it takes."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label="Why you decline",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_date = forms.DateField(
        label="New due date", required=False, widget=DateInput(), validators=[_not_too_far]
    )
    terms = forms.CharField(
        label="New conditions of satisfaction",
        required=False,
        max_length=10_000,
        help_text="Leave empty to keep the current ones.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer_by = forms.DateField(
        label="I will answer by", required=False, widget=DateInput(), validators=[_not_too_far]
    )

    def __init__(self, *args: Any, move: str, note_label: str = "Note", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{move}-%s")
        super().__init__(*args, **kwargs)
        self.move = move
        self.fields["note"].label = note_label
        for name in ("due_date", "answer_by"):
            self.fields[name].widget.attrs.update(_min_today())


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
