"""The trust ledger pages: my own ledger, and the unit ledgers I may see.

Thin: `ledger.py` decides who may see what and computes every figure; this module only
formats them and draws the trend chart (inline SVG, styled by CSS classes, with a table
alternative).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join

from mutuality.commitments.ledger.figures import (
    DEFAULT_WINDOW,
    WINDOWS,
    Ledger,
    Month,
    Subject,
    ledger_for,
    ledger_subject_for_viewer,
    ledger_window,
    units_for_ledger,
)
from mutuality.core.params import id_param
from mutuality.orgs.tenancy import OrgRequest, org_view

# Above this many units, the page offers a picker instead of a list of links.
UNIT_LINKS_MAX = 30


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def duration_hours(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def duration_days(days: float | None) -> str:
    if days is None:
        return "—"
    return f"{days:.1f} day{'s' if round(days, 1) != 1 else ''}"


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    detail: str = ""
    tone: str = ""  # "", "ok", "warn" or "bad"


def figures(ledger: Ledger) -> tuple[list[Figure], list[Figure], list[Figure]]:
    """The figures of the commitments, answers and issues panels, formatted."""
    kept_tone = ""
    if ledger.kept_share is not None:
        kept_tone = (
            "ok" if ledger.kept_share >= 0.8 else "warn" if ledger.kept_share >= 0.5 else "bad"
        )
    commitments = [
        Figure(
            "Kept",
            percent(ledger.kept_share),
            f"{ledger.kept} of {ledger.judged} promise{'s' if ledger.judged != 1 else ''} judged",
            kept_tone,
        ),
        Figure(
            "Renegotiated in time",
            str(ledger.renegotiated_in_time),
            f"{ledger.renegotiated_late} renegotiated late",
        ),
        Figure("Satisfied late", str(ledger.late)),
        Figure("Revoked", str(ledger.revoked)),
        Figure(
            "Overdue now",
            str(ledger.overdue_now),
            (
                f"{ledger.overdue_awaiting_acceptance} delivered, waiting for acceptance"
                if ledger.overdue_awaiting_acceptance
                else ""
            ),
            "bad" if ledger.overdue_now else "",
        ),
    ]
    answers = [
        Figure(
            "Median time to answer a request",
            duration_hours(ledger.median_answer_hours),
            f"over {ledger.requests_answered} answered request"
            + ("s" if ledger.requests_answered != 1 else ""),
        ),
        Figure(
            "Requests waiting for an answer",
            str(ledger.requests_waiting),
            "made in this period",
        ),
    ]
    issues = [
        Figure(
            "Issue closure rate",
            percent(ledger.closure_rate),
            f"{ledger.issues_resolved} of {ledger.issues_raised} resolved to the raiser's satisfaction",
        ),
        Figure("Median time to closure", duration_days(ledger.median_days_to_closure)),
        Figure("Closed without confirmation", str(ledger.issues_closed_unconfirmed)),
        Figure("Withdrawn", str(ledger.issues_withdrawn)),
        Figure("Declined after escalation", str(ledger.issues_declined_final)),
        Figure("Still open", str(ledger.issues_open)),
    ]
    return commitments, answers, issues


# --- the trend chart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass
class Series:
    key: str
    name: str
    segments: list[list[Point]] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)

    def polylines(self) -> list[str]:
        return [" ".join(f"{p.x:.1f},{p.y:.1f}" for p in seg) for seg in self.segments]


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    has_data: bool


WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 34
MAX_X_LABELS = 12


def trend_chart(months: list[Month]) -> Chart:
    """Kept share and closure rate by month, as coordinates for the inline SVG."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = len(months)

    def x_at(i: int) -> float:
        return LEFT + plot_w / 2 if n <= 1 else LEFT + i * plot_w / (n - 1)

    def y_at(share: float) -> float:
        return TOP + (1 - share) * plot_h

    series = [
        Series("kept", "Commitments kept"),
        Series("closure", "Issues resolved"),
    ]
    has_data = False
    for s in series:
        current: list[Point] = []
        for i, month in enumerate(months):
            value = month.kept_share if s.key == "kept" else month.closure_rate
            if value is None:
                if current:
                    s.segments.append(current)
                    current = []
                continue
            has_data = True
            point = Point(x_at(i), y_at(value), f"{month.month:%b %Y}: {percent(value)}")
            current.append(point)
            s.points.append(point)
        if current:
            s.segments.append(current)
    step = max(1, -(-n // MAX_X_LABELS))
    x_ticks = [
        Tick(x_at(i), f"{m.month:%b %y}" if i == 0 or m.month.month == 1 else f"{m.month:%b}")
        for i, m in enumerate(months)
        if i % step == 0
    ]
    y_ticks = [Tick(y_at(v / 100), f"{v}%") for v in (0, 25, 50, 75, 100)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        series=series,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        has_data=has_data,
    )


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
        "months": [
            {
                "month": m.month,
                "kept": m.kept,
                "judged": m.judged,
                "kept_share": percent(m.kept_share),
                "raised": m.issues_raised,
                "resolved": m.issues_resolved,
                "closure_rate": percent(m.closure_rate),
            }
            for m in reversed(ledger.months)
        ],
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
    return render(request, "commitments/ledger.html", context, status=status)


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
