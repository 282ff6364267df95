"""The trust ledger pages: my own ledger, and the unit ledgers I may see.

Thin: `selectors.py` decides who may see what, `figures.py` computes every figure, and
`presentation.py` puts them in words and draws the trend (the one chart component).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join

from mutuality.commitments.ledger.figures import DEFAULT_WINDOW, WINDOWS, ledger_for, ledger_window
from mutuality.commitments.ledger.presentation import figures, trend_chart
from mutuality.commitments.ledger.selectors import (
    Subject,
    ledger_subject_for_viewer,
    units_for_ledger,
)
from mutuality.core.params import id_param
from mutuality.orgs.tenancy import OrgRequest, org_view

# Above this many units, the page offers a picker instead of a list of links.
UNIT_LINKS_MAX = 30


# --- pages --------------------------------------------------------------------------------------------


def _window_links(request: OrgRequest, current: str) -> list[dict[str, Any]]:
    return [
        {"key": key, "label": label, "current": key == current, "query": f"?window={key}"}
        for key, (_, label) in WINDOWS.items()
    ]


def _render(request: OrgRequest, subject: Subject, *, error: str = "") -> HttpResponse:
    window_error = ""
    status = 400 if error else 200
    try:
        window = ledger_window(request.GET.get("window"))
    except ValidationError as refusal:
        window_error = " ".join(refusal.message_dict.get("window", refusal.messages))
        window = ledger_window(DEFAULT_WINDOW)
        status = 400
    ledger = ledger_for(subject=subject, window=window)
    commitment_figures, answer_figures, issue_figures = figures(ledger)
    units = units_for_ledger(viewer=request.person)
    shallowest = min((u.depth for u in units), default=0)
    context = {
        "ledger": ledger,
        "subject": subject,
        "is_own": subject.person is not None and subject.person.pk == request.person.pk,
        "window": window,
        "window_links": _window_links(request, window.key),
        "window_error": window_error,
        "error": error,
        "commitment_figures": commitment_figures,
        "answer_figures": answer_figures,
        "issue_figures": issue_figures,
        "chart": trend_chart(ledger.months),
        "units": units,
        "unit_links": len(units) <= UNIT_LINKS_MAX,
        # Indent from the shallowest unit shown, not from the root of the organization.
        "unit_indent": -shallowest,
        "unit_options": format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    u.pk,
                    " selected" if subject.unit is not None and subject.unit.pk == u.pk else "",
                    "\u00a0\u00a0" * (u.depth - shallowest) + u.name,
                )
                for u in units
            ),
        ),
    }
    return render(request, "commitments/ledger/ledger.html", context, status=status)


@org_view
def my_ledger(request: OrgRequest) -> HttpResponse:
    unit = request.GET.get("unit", "").strip()
    if unit:
        # The unit picker (for admins and facilitators with many units) submits here.
        unit_pk = id_param(unit)
        if unit_pk is None:
            subject = ledger_subject_for_viewer(viewer=request.person)
            return _render(request, subject, error="Choose a unit from the list.")
        url = reverse("ledger:unit", kwargs={"org": request.org.slug, "pk": unit_pk})
        window = request.GET.get("window", "")
        return HttpResponseRedirect(f"{url}?window={window}" if window else url)
    return _render(request, ledger_subject_for_viewer(viewer=request.person))


@org_view
def person_ledger(request: OrgRequest, pk: int) -> HttpResponse:
    subject = ledger_subject_for_viewer(viewer=request.person, person_pk=pk)
    return _render(request, subject)


@org_view
def unit_ledger(request: OrgRequest, pk: int) -> HttpResponse:
    subject = ledger_subject_for_viewer(viewer=request.person, unit_pk=pk)
    return _render(request, subject)
