"""The form of each move, derived from its declaration: its fields, labels and help, in order.

A move's form has the hidden `version` it is based on and the move's declared fields,
none of them required by the form: the service says what is missing, in its own words,
and what was typed comes back with the refusal. A PERSON field is a choice among the
people the machine offers the viewer (`Workflow.person_choices`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from mutuality.core.workflow.engine import DATE, PERSON, TEXT, Field, Move, Workflow


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MoveForm(forms.Form):
    """The version a move is based on, and the move's own fields (added per move)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args: Any,
        move: Move,
        people: Iterable[Any] = (),
        date_range: tuple[Any, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        # Each move's form has its own ids: a page holds the forms of several moves.
        kwargs.setdefault("auto_id", f"{move.name}-%s")
        super().__init__(*args, **kwargs)
        self.move = move
        self.people = {p.pk: p for p in people}
        for f in move.fields:
            self.fields[f.name] = _form_field(f, self.people, date_range)

    def move_data(self) -> dict[str, Any]:
        """The cleaned fields as the service takes them (a PERSON field as the person)."""
        data: dict[str, Any] = {}
        for f in self.move.fields:
            value = self.cleaned_data.get(f.name)
            if f.kind == PERSON:
                value = self.people.get(value) if value is not None else None
            data[f.name] = value
        return data

    def typed_text(self) -> str:
        """What the person wrote in the text fields, to give back if the move is refused."""
        return "\n\n".join(
            str(self.cleaned_data[f.name])
            for f in self.move.fields
            if f.kind == TEXT and self.cleaned_data.get(f.name)
        )


def _form_field(
    f: Field, people: Mapping[int, Any], date_range: tuple[Any, Any] | None
) -> forms.Field:
    if f.kind == DATE:
        attrs: dict[str, Any] = {}
        if date_range is not None:
            attrs = {"min": date_range[0].isoformat(), "max": date_range[1].isoformat()}
        return forms.DateField(
            label=f.label, required=False, help_text=f.help, widget=DateInput(attrs=attrs)
        )
    if f.kind == PERSON:
        return forms.TypedChoiceField(
            label=f.label,
            required=False,
            coerce=int,
            empty_value=None,
            help_text=f.help,
            choices=[
                ("", f"Choose a {f.label.lower()}"),
                *((pk, p.name) for pk, p in people.items()),
            ],
        )
    return forms.CharField(
        label=f.label,
        required=False,
        max_length=f.max_length,
        help_text=f.help,
        widget=forms.Textarea(attrs={"rows": f.rows}),
    )


def move_form(
    workflow: Workflow,
    move: Move,
    obj: Any,
    viewer: Any,
    *,
    data: Mapping[str, Any] | None = None,
    initial: Mapping[str, Any] | None = None,
) -> MoveForm:
    """The form of `move` on `obj` for `viewer`: bound to `data` when given."""
    people: list[Any] = []
    for f in move.fields:
        if f.kind == PERSON:
            people = workflow.person_choices(f, obj, viewer)
    return MoveForm(
        data,
        move=move,
        people=people,
        date_range=workflow.date_range(),
        initial={"version": obj.version, **(initial or {})},
    )
