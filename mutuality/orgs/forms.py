"""Forms for people and units. They parse and resolve input; the services decide.

Pickers are built for large organizations: a unit picker is one query and renders its
options without a template per option; a person is named by email, employee id or full
name in a text field, because a select of 20,000 people is unusable and slow.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mutuality.orgs.models import Person, Role, Unit
from mutuality.orgs.selectors import (
    people_by_reference,
    person_for_viewer,
    reference_for,
    unit_for_viewer,
    unit_or_none,
)

PERSON_REFERENCE_HELP = "Their email, employee id or full name."


class FastSelect(forms.Select):
    """A <select> rendered in one pass, for pickers with thousands of options.

    Django's own Select renders a template per option, which costs tens of milliseconds
    for the two thousand units of a large organization. `option_pairs`, when set, is used as
    it is, skipping the normalization that setting `choices` does.
    """

    option_pairs: list[tuple[int | str, str]] | None = None

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        pairs = self.option_pairs if self.option_pairs is not None else self.choices
        # Every value and label is escaped here (the standard library's escape, without
        # the lazy-string wrapper of Django's), so the joined markup is safe.
        options = SafeString(
            "".join(
                f'<option value="{html.escape(str(key))}"'
                f"{' selected' if str(key) in selected else ''}>"
                f"{html.escape(str(label))}</option>"
                for key, label in pairs
            )
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


NO_SUCH_PERSON = "No one in this organization has that email address or name."


class PersonPicker(forms.CharField):
    """A colleague, named by typing: email, employee id or full name, with suggestions.

    Cleans to the active `Person` of the viewer's organization it names (None when left
    empty). A select of 20,000 people would be unusable and slow; typing two letters
    offers the few best matches (`orgs:people_suggest`). Call `pickers_for(form, viewer)`
    in the form's __init__.
    """

    viewer: Person | None = None

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Person | None:
        reference: str = super().clean(value).strip()
        if not reference:
            return None
        assert self.viewer is not None, "call pickers_for(form, viewer) first"
        found = people_by_reference(viewer=self.viewer, reference=reference)
        if not found:
            raise forms.ValidationError(NO_SUCH_PERSON)
        if len(found) > 1:
            raise forms.ValidationError("Several people have that name; give their email address.")
        return found[0]


class UnitPicker(forms.CharField):
    """An active unit of the viewer's organization, named by typing, with suggestions.

    Cleans to the `Unit` (None when left empty). Names are unique in an organization; a
    select of 2,000 units costs more to render than the rest of a page, and is no way to
    choose among them either.
    """

    viewer: Person | None = None

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Unit | None:
        name: str = super().clean(value).strip()
        if not name:
            return None
        assert self.viewer is not None, "call pickers_for(form, viewer) first"
        unit = unit_or_none(viewer=self.viewer, name=name, active_only=True)
        if unit is None:
            raise forms.ValidationError(f"No unit called “{name}” in this organization.")
        return unit


def pickers_for(form: forms.Form, viewer: Person) -> None:
    """Give the form's person and unit pickers their viewer and their suggestions."""
    slug = viewer.org.slug
    used: set[str] = set()
    for name, field in form.fields.items():
        if isinstance(field, PersonPicker):
            url_name, list_id = "orgs:people_suggest", "people-list"
        elif isinstance(field, UnitPicker):
            url_name, list_id = "orgs:units_suggest", "units-list"
        else:
            continue
        if list_id in used:  # a second picker of the kind gets a list of its own
            list_id = f"{name}-{list_id}"
        used.add(list_id)
        field.viewer = viewer
        field.widget.attrs.update(
            suggestion_attrs(url_name=url_name, org_slug=slug, list_id=list_id)
        )


def suggestion_attrs(*, url_name: str, org_slug: str, list_id: str) -> dict[str, str]:
    """The attributes that make a text input ask for suggestions as its value changes."""
    return {
        "list": list_id,
        "autocomplete": "off",
        "hx-get": reverse(url_name, kwargs={"org": org_slug}),
        "hx-trigger": "input changed delay:200ms",
        "hx-target": f"#{list_id}",
        "hx-swap": "innerHTML",
        "hx-sync": "this:replace",
    }


def _unit_field(label: str, choices: Iterable[tuple[int | str, str]], empty: str) -> Any:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", empty), *choices],
        widget=FastSelect,
    )


def _resolve_person(viewer: Person, reference: str, keep: Iterable[Person] = ()) -> Person:
    # People already in the field keep their place even if they have left since, so that
    # saving an unrelated change never drops them.
    for person in keep:
        if reference_for(person).lower() == reference.lower():
            return person
    matches = people_by_reference(viewer=viewer, reference=reference)
    if not matches:
        raise forms.ValidationError(
            f"Nobody active here has the email, employee id or name “{reference}”."
        )
    if len(matches) > 1:
        raise forms.ValidationError(
            f"More than one person is called “{reference}”: use their email or employee id."
        )
    return matches[0]


def _resolve_unit(viewer: Person, pk: int | None) -> Unit | None:
    if pk is None:
        return None
    try:
        return unit_for_viewer(viewer=viewer, pk=pk)
    except Http404:
        raise forms.ValidationError("Select a valid unit.") from None


class PersonForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "A name is required."})
    email = forms.EmailField(
        required=False,
        max_length=254,
        help_text="Needed to invite them to sign in. Give an email, an employee id or both.",
    )
    employee_id = forms.CharField(label="Employee id", required=False, max_length=64)
    title = forms.CharField(label="Job title", required=False, max_length=200)
    manager = forms.CharField(
        required=False,
        max_length=254,
        help_text=PERSON_REFERENCE_HELP + " Leave empty if they report to nobody here.",
    )
    unit = forms.TypedChoiceField(required=False)  # replaced in __init__ with the org's units
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text="Admins manage people, units and settings. Facilitators see anonymous "
        "aggregates and run reflection sessions. Managing people comes from the reporting "
        "line and unit leads, not from a role.",
    )

    def __init__(
        self,
        *args: Any,
        viewer: Person,
        unit_choices: Iterable[tuple[int, str]],
        person: Person | None = None,
        **kwargs: Any,
    ) -> None:
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": person.name,
                "email": person.email,
                "employee_id": person.employee_id,
                "title": person.title,
                "manager": reference_for(person.manager) if person.manager else "",
                "unit": person.unit_id,
                "role": person.role,
            }
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.person = person
        self.fields["unit"] = _unit_field("Unit", unit_choices, "— No unit —")
        self.fields["manager"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_manager(self) -> Person | None:
        reference = self.cleaned_data["manager"].strip()
        if not reference:
            return None
        current = self.person.manager if self.person is not None else None
        manager = _resolve_person(self.viewer, reference, keep=[current] if current else [])
        if self.person is not None and manager.pk == self.person.pk:
            raise forms.ValidationError("Nobody can be their own manager.")
        return manager

    def clean_unit(self) -> Unit | None:
        return _resolve_unit(self.viewer, self.cleaned_data["unit"])


class UnitForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "A name is required."})
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What this unit is for, in a sentence or two.",
    )
    parent = forms.TypedChoiceField(required=False)  # replaced in __init__
    leads = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="One per line: " + PERSON_REFERENCE_HELP[0].lower() + PERSON_REFERENCE_HELP[1:],
    )

    def __init__(
        self,
        *args: Any,
        viewer: Person,
        parent_choices: Iterable[tuple[int, str]],
        unit: Unit | None = None,
        leads: Iterable[Person] = (),
        **kwargs: Any,
    ) -> None:
        leads = list(leads)
        if unit is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": unit.name,
                "description": unit.description,
                "parent": unit.parent_id,
                "leads": "\n".join(reference_for(p) for p in leads),
            }
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.unit = unit
        self.current_leads = leads
        self.fields["parent"] = _unit_field(
            "Part of", parent_choices, "— Nothing: a top-level unit —"
        )
        self.fields["parent"].help_text = "The unit this one belongs to."

    def clean_parent(self) -> Unit | None:
        return _resolve_unit(self.viewer, self.cleaned_data["parent"])

    def clean_leads(self) -> list[Person]:
        leads: list[Person] = []
        problems: list[str] = []
        lines = [line.strip() for line in self.cleaned_data["leads"].splitlines()]
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            try:
                person = _resolve_person(self.viewer, line, keep=self.current_leads)
            except forms.ValidationError as error:
                problems.extend(f"Line {number}: {message}" for message in error.messages)
                continue
            if person not in leads:
                leads.append(person)
        if problems:
            raise forms.ValidationError(problems)
        return leads


class DirectoryFilterForm(forms.Form):
    """The people directory's search and filters (GET).

    The unit is named by typing, with suggestions, like every unit picker: a select of
    every unit would cost more to draw than the rest of the page at 2,000 units.
    """

    q = forms.CharField(label="Search by name or job title", required=False, max_length=100)
    unit = UnitPicker(label="Unit", help_text="Start typing the unit's name.")
    inactive = forms.BooleanField(label="Include inactive people", required=False)
    # Set by the "all reports" link on a person's page; kept across searches as hidden.
    manager = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Choose a manager from their page."},
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["q"].widget = forms.SearchInput(
            attrs={"autocomplete": "off", "spellcheck": "false"}
        )
        pickers_for(self, viewer)
        if not viewer.is_admin:
            del self.fields["inactive"]

    def clean_manager(self) -> Person | None:
        pk = self.cleaned_data["manager"]
        if pk is None:
            return None
        try:
            return person_for_viewer(viewer=self.viewer, pk=pk)
        except Http404:
            raise forms.ValidationError("Choose a manager from their page.") from None


class ChartForm(forms.Form):
    """Which part of the unit tree the org chart shows (GET)."""

    root = forms.IntegerField(required=False, min_value=1)
    depth = forms.IntegerField(required=False, min_value=1, max_value=6)
