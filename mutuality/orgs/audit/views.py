"""The audit log browser: an organization's own change history, for its admins."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from mutuality.core.models import AuditEvent
from mutuality.core.params import id_param
from mutuality.orgs.audit.selectors import (
    audit_events_for,
    names_of_people,
    names_of_units,
    people_by_login,
)
from mutuality.orgs.models import Organization, Person, Role
from mutuality.orgs.selectors import person_or_none
from mutuality.orgs.tenancy import OrgRequest, org_view

admins_only = org_view(roles=[Role.ADMIN])

PAGE_SIZE = 50
# Audited objects that have a page of their own.
OBJECT_PAGES = {"orgs.person": "orgs:person", "orgs.unit": "orgs:unit"}


def object_type_choices() -> list[tuple[str, str]]:
    """Every Mutuality model, as `app.model` (the form audit events name objects in)."""
    choices = [
        (model._meta.label_lower, str(model._meta.verbose_name_plural).capitalize())
        for model in apps.get_models()
        if model.__module__.startswith("mutuality.")
    ]
    return [("", "Anything"), *sorted(choices, key=lambda c: c[1])]


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(label="Kind of object", required=False)
    object_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    actor = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.actor_person: Person | None = None
        object_type = self.fields["object_type"]
        assert isinstance(object_type, forms.ChoiceField)
        object_type.choices = object_type_choices()

    def clean_actor(self) -> int | None:
        pk = self.cleaned_data.get("actor")
        if pk is None:
            return None
        self.actor_person = person_or_none(viewer=self.viewer, pk=pk)
        if self.actor_person is None:
            raise forms.ValidationError("There is no such person in this organization.")
        return int(pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("object_id") and not data.get("object_type"):
            self.add_error("object_type", "Say which kind of object the id belongs to.")
        return data


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None
    after: str


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    actor_person: Person | None
    object_url: str | None
    history_query: str
    changes: list[Change]


# Fields whose values are ids of people or units, per kind of object: shown by name.
PERSON, UNIT = "person", "unit"
REFERENCES: dict[str, dict[str, str]] = {
    "orgs.person": {"manager": PERSON, "unit": UNIT},
    "orgs.unit": {"parent": UNIT, "leads": PERSON},
    "accounts.apitoken": {"person": PERSON},
}
Names = dict[str, dict[int, str]]


def _display(value: Any, kind: str | None = None, names: Names | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_display(v, kind, names) for v in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if kind is not None and names is not None and isinstance(value, int):
        return names[kind].get(value, f"#{value}")
    return str(value)


def _changes(event: AuditEvent, names: Names) -> list[Change]:
    created = event.before is None
    refs = REFERENCES.get(event.object_type, {})
    return [
        Change(
            field=field,
            before=None if created else _display(old, refs.get(field), names),
            after=_display(new, refs.get(field), names),
        )
        for field, old, new in event.changed_fields()
    ]


def _referenced_ids(events: list[AuditEvent]) -> tuple[set[int], set[int]]:
    """The ids of the people and units the events' changes point to."""
    ids: dict[str, set[int]] = {PERSON: set(), UNIT: set()}
    for event in events:
        for field, kind in REFERENCES.get(event.object_type, {}).items():
            for values in (event.before or {}, event.after or {}):
                value = values.get(field)
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, int):
                        ids[kind].add(item)
    return ids[PERSON], ids[UNIT]


def _object_url(event: AuditEvent, org: Organization) -> str | None:
    url_name = OBJECT_PAGES.get(event.object_type)
    pk = id_param(event.object_id)
    if url_name is None or pk is None:
        return None
    return reverse(url_name, kwargs={"org": org.slug, "pk": pk})


@admins_only
def audit_log(request: OrgRequest) -> HttpResponse:
    """Who changed what, when: 50 events a page, by person and by object."""
    form = AuditFilterForm(request.GET, viewer=request.person)
    if not form.is_valid():
        return render(request, "orgs/audit_log.html", {"form": form, "rows": []}, status=400)
    filters = {
        key: form.cleaned_data[key]
        for key in ("actor", "object_type", "object_id")
        if form.cleaned_data.get(key)
    }
    page = form.cleaned_data.get("page") or 1
    start = (page - 1) * PAGE_SIZE
    # One row more than a page tells whether an older page exists, without counting.
    events = list(
        audit_events_for(
            viewer=request.person,
            actor=form.actor_person,
            object_type=form.cleaned_data.get("object_type") or "",
            object_id=form.cleaned_data.get("object_id") or "",
        )[start : start + PAGE_SIZE + 1]
    )
    has_older = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    people_by_user = people_by_login(
        viewer=request.person, user_ids={e.actor_id for e in events if e.actor_id is not None}
    )
    person_ids, unit_ids = _referenced_ids(events)
    names = {
        PERSON: names_of_people(viewer=request.person, ids=person_ids),
        UNIT: names_of_units(viewer=request.person, ids=unit_ids),
    }
    rows = [
        Row(
            event=e,
            actor_person=people_by_user.get(e.actor_id) if e.actor_id is not None else None,
            object_url=_object_url(e, request.org),
            history_query=urlencode({"object_type": e.object_type, "object_id": e.object_id}),
            changes=_changes(e, names),
        )
        for e in events
    ]
    subject_label = None
    if filters.get("object_id") and rows:
        subject_label = rows[0].event.object_label
    return render(
        request,
        "orgs/audit_log.html",
        {
            "form": form,
            "rows": rows,
            "actor_person": form.actor_person,
            "filters": filters,
            "subject_label": subject_label,
            "page": page,
            "newer_query": urlencode({**filters, "page": page - 1}) if page > 1 else None,
            "older_query": urlencode({**filters, "page": page + 1}) if has_older else None,
            "without_actor": urlencode({k: v for k, v in filters.items() if k != "actor"}),
            "without_object": urlencode(
                {k: v for k, v in filters.items() if k not in ("object_type", "object_id")}
            ),
        },
    )
