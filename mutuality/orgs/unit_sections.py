"""Sections other apps add to the end of a unit's page, without editing the orgs app.

An app registers a template and a function that computes its context, from its
AppConfig.ready():

    from mutuality.orgs import unit_sections

    def open_commitments(*, unit: Unit, viewer: Person) -> dict[str, Any] | None:
        return {"commitments": commitments_open_for_unit(unit=unit, viewer=viewer)}

    unit_sections.register("commitments/_unit_section.html", open_commitments, order=10)

The template is included with the page's whole context plus `section` (the returned
dict). Returning None hides the section for that unit and viewer. Keep each context
function to a bounded number of queries: it runs on every unit page view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from mutuality.orgs.models import Person, Unit


class SectionContext(Protocol):
    def __call__(self, *, unit: Unit, viewer: Person) -> Mapping[str, Any] | None: ...


@dataclass(frozen=True)
class UnitSection:
    template_name: str
    context: SectionContext
    order: int = 100


@dataclass(frozen=True)
class RenderedSection:
    """What the unit page's template loops over."""

    template_name: str
    context: Mapping[str, Any]


_sections: dict[str, UnitSection] = {}


def register(
    template_name: str,
    context: SectionContext,
    *,
    order: int = 100,
) -> None:
    """Add (or replace, by template name) a section of the unit page."""
    _sections[template_name] = UnitSection(template_name, context, order)


def unregister(template_name: str) -> None:
    _sections.pop(template_name, None)


def sections_for(*, unit: Unit, viewer: Person) -> list[RenderedSection]:
    """The sections to show on `unit`'s page for `viewer`, in order."""
    rendered = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.template_name)):
        context = section.context(unit=unit, viewer=viewer)
        if context is not None:
            rendered.append(RenderedSection(section.template_name, context))
    return rendered
