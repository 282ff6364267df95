"""Suggestions while typing a colleague's or a unit's name in a form (htmx, <datalist>).

A form field names a person by email address or a unit by name (the services resolve
them). Typing two letters asks one of these views for the few best matches, which the
browser offers under the field; picking one fills in the exact reference. Without
JavaScript the field still takes an email address or a name as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.template.loader import render_to_string

from mutuality.orgs.models import Person
from mutuality.orgs.selectors import people_visible_to, reference_for, units_named
from mutuality.orgs.tenancy import OrgRequest, org_view
from mutuality.orgs.text import fold

SUGGESTIONS = 8
MIN_LETTERS = 2


@dataclass(frozen=True)
class Suggestion:
    value: str
    label: str


def _typed(request: OrgRequest) -> str:
    # The input sends itself under its own name ("person", "unit"); "q" works too.
    for name in ("q", "person", "unit"):
        value = request.GET.get(name, "")
        if value.strip():
            return value.strip()[:100]
    return ""


def _render(request: OrgRequest, suggestions: list[Suggestion]) -> HttpResponse:
    # Without the request: a fragment needs none of the page shell's context (navigation
    # badges, memberships), which would cost more queries than the suggestions.
    return HttpResponse(render_to_string("orgs/_suggestions.html", {"suggestions": suggestions}))


def _person_label(person: Person) -> str:
    details = [d for d in (person.title, person.unit.name if person.unit else "") if d]
    return f"{person.name} · {', '.join(details)}" if details else person.name


@org_view
def people_suggest(request: OrgRequest) -> HttpResponse:
    typed = _typed(request)
    if len(fold(typed)) < MIN_LETTERS:
        return _render(request, [])
    people = (
        people_visible_to(viewer=request.person, q=typed)
        .exclude(pk=request.person.pk)
        .select_related("unit")  # each suggestion names the person's unit
    )
    return _render(
        request,
        [Suggestion(reference_for(p), _person_label(p)) for p in people[:SUGGESTIONS]],
    )


@org_view
def units_suggest(request: OrgRequest) -> HttpResponse:
    typed = _typed(request)
    if len(fold(typed)) < MIN_LETTERS:
        return _render(request, [])
    units = units_named(org=request.org, typed=typed, limit=SUGGESTIONS)
    return _render(request, [Suggestion(u.name, u.name) for u in units])
