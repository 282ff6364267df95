"""Forms for issues. They parse and resolve input; the services in issues.py decide the rest."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from mutuality.commitments.commitments.forms import NO_SUCH_PERSON
from mutuality.commitments.issues.selectors import ROLE_FILTERS, STATE_FILTERS
from mutuality.commitments.models import IssueState
from mutuality.orgs.forms import FastSelect, suggestion_attrs
from mutuality.orgs.models import Person, Unit
from mutuality.orgs.selectors import people_by_reference


class RaiseIssueForm(forms.Form):
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
    person = forms.CharField(
        label="Raise it with a person",
        required=False,
        max_length=254,
        help_text="Start typing their name and pick them, or give their email address.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    unit = forms.TypedChoiceField(
        label="Or with a unit",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Any member or lead of the unit can take it on.",
        widget=FastSelect,
    )

    def __init__(
        self, *args: Any, viewer: Person, unit_choices: Iterable[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["person"].widget.attrs.update(
            suggestion_attrs(
                url_name="orgs:people_suggest", org_slug=viewer.org.slug, list_id="people-list"
            )
        )
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.TypedChoiceField)
        unit_field.choices = [("", "No unit: the person above"), *unit_choices]
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

    def clean_unit(self) -> int | None:
        pk: int | None = self.cleaned_data.get("unit")
        if pk is not None:
            self.unit_obj = Unit.objects.filter(
                org_id=self.viewer.org_id, pk=pk, is_active=True
            ).first()
            if self.unit_obj is None:
                raise forms.ValidationError("No such unit in this organization.")
        return pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_person = bool(data.get("person"))
        has_unit = data.get("unit") is not None
        if has_person and has_unit:
            self.add_error("unit", "Raise it with one person or one unit, not both.")
        elif not has_person and not has_unit and "person" not in self.errors:
            self.add_error("person", "Say who should answer it: a person's email, or a unit.")
        return data


class IssueMoveForm(forms.Form):
    """The fields any issue move may carry; each service uses the ones it takes."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label="Note", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label="Why you decline it",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    resolution = forms.CharField(
        label="Your proposed resolution",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    facilitator = forms.TypedChoiceField(
        label="Facilitator", required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        move: str,
        note_label: str = "Note",
        facilitators: Iterable[Person] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", f"{move}-%s")
        super().__init__(*args, **kwargs)
        self.move = move
        self.fields["note"].label = note_label
        self.facilitators = {p.pk: p for p in facilitators}
        field = self.fields["facilitator"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a facilitator"), *((p.pk, p.name) for p in facilitators)]

    @property
    def facilitator_obj(self) -> Person | None:
        pk = self.cleaned_data.get("facilitator") if hasattr(self, "cleaned_data") else None
        return self.facilitators.get(pk) if pk is not None else None


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
    unit = forms.TypedChoiceField(
        label="Raised with unit", required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def __init__(self, *args: Any, unit_choices: Iterable[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.TypedChoiceField)
        unit_field.choices = [("", "Any unit"), *unit_choices]
