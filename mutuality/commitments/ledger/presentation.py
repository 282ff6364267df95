"""How the trust ledger reads on a page: its figures in words, and its trend as a chart.

No queries and no decisions here: the figures are `figures.py`'s, who may see them
`selectors.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from mutuality.commitments.ledger.figures import Ledger, Month
from mutuality.core.charts import PERCENT, Chart, Point, Series, Table

# A month's rate is drawn only from at least this many events: one issue resolved of one
# raised would swing the line to 100%, and the next month's one declined to 0%.
MIN_EVENTS = 3


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


def trend_chart(months: list[Month]) -> Chart:
    """The kept share and the issue closure rate by month, with every count in its table.

    A month with fewer than `MIN_EVENTS` promises judged (or issues raised) has no point
    on that line: the table still shows its counts.
    """

    def rate(value: float | None, events: int) -> float | None:
        return value if events >= MIN_EVENTS else None

    return Chart(
        title="Trend by month",
        description=(
            "The share of promises kept and of issues resolved, by month. "
            "The table below the chart has the same figures."
        ),
        series=[
            Series(
                "Commitments kept",
                [Point(m.month, rate(m.kept_share, m.judged)) for m in months],
            ),
            Series(
                "Issues resolved",
                [Point(m.month, rate(m.closure_rate, m.issues_raised)) for m in months],
                stroke="dashed",
            ),
        ],
        y_format=PERCENT,
        y_domain=(0, 1),
        note=(
            f"A month with fewer than {MIN_EVENTS} promises judged, or {MIN_EVENTS} issues "
            "raised, has no point on that line: so few would swing it between 0% and 100%. "
            "The table has every month's counts."
        ),
        empty=(
            f"No month in this period has {MIN_EVENTS} promises judged or {MIN_EVENTS} "
            "issues raised yet, too few to draw a rate from: the table has the counts."
        ),
        table=Table(
            caption="Commitments kept and issues resolved, by month",
            columns=(
                "Month",
                "Kept",
                "Judged",
                "Kept share",
                "Issues raised",
                "Resolved",
                "Closure rate",
            ),
            rows=[
                (
                    f"{m.month:%B %Y}",
                    str(m.kept),
                    str(m.judged),
                    percent(m.kept_share),
                    str(m.issues_raised),
                    str(m.issues_resolved),
                    percent(m.closure_rate),
                )
                for m in reversed(months)
            ],
        ),
    )
