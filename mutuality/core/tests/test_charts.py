"""The one chart component: a chart is its numbers as JSON and the same numbers as a table."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.template import Context, Template

from mutuality.commitments.ledger.figures import Month
from mutuality.commitments.ledger.presentation import MIN_EVENTS, trend_chart
from mutuality.core.charts import (
    HEATMAP,
    PERCENT,
    Cell,
    Chart,
    Point,
    Rule,
    Series,
    Table,
)

TABLE = Table(columns=("Month", "Value"), rows=[("January 2026", "3")], caption="Values")


def render(chart: Chart) -> str:
    return Template("{% load charts %}{% chart chart %}").render(Context({"chart": chart}))


def data_of(html: str, chart: Chart) -> dict[str, object]:
    match = re.search(rf'<script id="{chart.id}-data" type="application/json">(.*?)</script>', html)
    assert match, html
    return json.loads(match.group(1))


def test_a_chart_is_its_numbers_as_data_and_as_an_open_table() -> None:
    chart = Chart(
        title="Kept",
        description="The share kept, by month.",
        table=TABLE,
        series=[
            Series("Kept", [Point(dt.date(2026, 1, 1), 0.5), Point(dt.date(2026, 2, 1), None)])
        ],
        rules=[Rule("y", 0.8, "Target 80%"), Rule("x", dt.date(2026, 2, 1), "Pilot starts")],
        y_format=PERCENT,
        y_domain=(0, 1),
    )
    html = render(chart)
    assert '<figcaption class="chart-title">Kept</figcaption>' in html
    assert 'role="img" aria-label="The share kept, by month."' in html
    # Data, never code: no inline script the Content-Security-Policy would refuse.
    assert "<script>" not in html and 'type="application/json"' in html
    assert 'data-plot="/static/vendor/plot-0.6.17/plot.umd.min.js"' in html
    assert 'data-d3="/static/vendor/d3-7.9.2/d3.min.js"' in html
    data = data_of(html, chart)
    assert data["points"] == [
        {"series": "Kept", "stroke": "solid", "x": "2026-01-01", "y": 0.5, "facet": "", "flag": ""},
        {
            "series": "Kept",
            "stroke": "solid",
            "x": "2026-02-01",
            "y": None,
            "facet": "",
            "flag": "",
        },
    ]
    assert data["rules"] == [
        {"axis": "y", "value": 0.8, "label": "Target 80%"},
        {"axis": "x", "value": "2026-02-01", "label": "Pilot starts"},
    ]
    assert (data["yFormat"], data["yDomain"]) == ("percent", [0, 1])
    # Without JavaScript the table is the chart: open until charts.js draws.
    assert '<details class="chart-table" open>' in html
    assert '<th scope="row">January 2026</th><td class="num">3</td>' in html


def test_a_heatmap_keeps_suppressed_cells_as_no_value() -> None:
    chart = Chart(
        title="By unit",
        description="Scores by unit.",
        table=TABLE,
        kind=HEATMAP,
        cells=[Cell("Support", "Q1", 4.2), Cell("Finance", "Q1", None, note="fewer than 5")],
    )
    data = data_of(render(chart), chart)
    assert data["cells"] == [
        {"row": "Support", "column": "Q1", "value": 4.2, "note": ""},
        {"row": "Finance", "column": "Q1", "value": None, "note": "fewer than 5"},
    ]


def test_a_chart_with_nothing_to_draw_says_so_and_keeps_its_table() -> None:
    chart = Chart(title="Empty", description="Nothing.", table=TABLE, series=[Series("A", [])])
    html = render(chart)
    assert "Nothing to chart yet." in html and "chart-plot" not in html
    assert "January 2026" in html


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"kind": "pie"}, "kind of chart"),
        ({"y_format": "stars"}, "y format"),
        ({"rules": [Rule("z", 1, "?")]}, "x or y"),
    ],
)
def test_a_chart_that_cannot_be_drawn_is_refused(
    changes: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        Chart(title="T", description="D", table=TABLE, **changes)  # type: ignore[arg-type]


def test_each_chart_has_its_own_id() -> None:
    first = Chart(title="A", description="A", table=TABLE)
    second = Chart(title="B", description="B", table=TABLE)
    assert first.id != second.id


# --- the trust ledger's trend --------------------------------------------------------------------


def test_the_ledgers_trend_draws_no_rate_from_too_few_events_and_tables_every_count() -> None:
    months = [
        Month(dt.date(2026, 8, 1), kept=1, issues_raised=1, issues_resolved=1),
        Month(dt.date(2026, 9, 1), kept=3, late=1, issues_raised=4, issues_resolved=1),
    ]
    chart = trend_chart(months)
    kept, resolved = chart.series
    assert [p.y for p in kept.points] == [None, 0.75]
    assert [p.y for p in resolved.points] == [None, 0.25]
    assert resolved.stroke == "dashed"
    assert str(MIN_EVENTS) in chart.note
    # Every month's counts, newest first, with the month written out (not "Sep 26").
    assert [row[0] for row in chart.table.rows] == ["September 2026", "August 2026"]
    assert chart.table.rows[1] == ("August 2026", "1", "1", "100%", "1", "1", "100%")
