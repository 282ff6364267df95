"""The chart component in a real browser: every kind draws, fills its card, and keeps to the CSP.

Charts are drawn by static/mutuality/charts.js with the vendored Observable Plot; only a
real browser runs them, and only a real browser enforces the Content-Security-Policy (the
`page` fixture fails a test on any violation).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone
from playwright.sync_api import Page, expect

from mutuality.commitments.history.plans import CommitmentPlan, plan_commitment
from mutuality.commitments.history.writer import HistoryWriter
from mutuality.core.charts import HEATMAP, PERCENT, Cell, Chart, Point, Rule, Series, Table
from mutuality.orgs.models import Person
from mutuality.testing import Personas

pytestmark = pytest.mark.e2e


def months_of_kept_promises(p: Personas, count: int = 40) -> None:
    """A year of promises Mia kept for Noah, written as the demo writes its history."""
    now = timezone.now()
    writer = HistoryWriter(now=now)
    rng = random.Random(5)
    for i in range(count):
        created = now - dt.timedelta(days=330 - 8 * i)
        plan = CommitmentPlan(
            org_id=p.org.pk,
            kind="request",
            title=f"Weekly figures {i}",
            conditions="Checked totals.",
            requester=p.member2.pk,
            performer=p.member.pk,
            unit=None,
            created_at=created,
            due=created.date() + dt.timedelta(days=7),
        )
        writer.commitment(plan_commitment(plan, rng, outcome="kept" if i % 4 else "late"))
    writer.finish()


def test_the_ledgers_trend_is_drawn_across_its_card(
    page: Page, personas: Personas, log_in: Callable[[Person], None]
) -> None:
    months_of_kept_promises(personas)
    log_in(personas.member)
    page.goto(f"/o/{personas.org.slug}/ledger/?window=365")
    figure = page.locator("figure.chart-figure")
    chart = figure.locator("svg.mutuality-plot")
    expect(chart).to_be_visible()
    # Drawn, the chart's table folds away (a click opens it); it fills its card's width.
    expect(figure.locator("details.chart-table")).not_to_have_attribute("open", "")
    box = figure.locator(".chart-plot").bounding_box()
    drawn = chart.bounding_box()
    assert box and drawn and drawn["width"] >= box["width"] - 2, (box, drawn)
    expect(figure.locator(".chart-legend")).to_contain_text("Commitments kept")
    expect(figure.locator(".chart-legend")).to_contain_text("Issues resolved")
    # Months read as months: "Sep" over "2026", never "Sep 26" (which reads as a date).
    ticks = chart.locator("g[aria-label='x-axis tick label'] text").all_text_contents()
    assert ticks and not any(re.fullmatch(r"[A-Z][a-z]{2} \d{2}", t) for t in ticks), ticks
    # Still drawn at a phone's width, across it.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(chart).to_be_visible()
    page.wait_for_function(
        "() => Math.abs(document.querySelector('svg.mutuality-plot').getBoundingClientRect()"
        ".width - document.querySelector('.chart-plot').clientWidth) < 3"
    )
    figure.get_by_text("The figures as a table").click()
    expect(figure.get_by_role("columnheader", name="Kept share")).to_be_visible()


def _gallery() -> str:
    months = [dt.date(2026, m, 1) for m in range(1, 9)]
    table = Table(columns=("Month", "Value"), rows=[(f"{m:%B %Y}", "1") for m in months])
    charts = [
        Chart(  # a run chart: a median line and a flagged point
            title="Run chart",
            description="Values by month with their median.",
            table=table,
            series=[
                Series(
                    "Orders",
                    [
                        Point(m, v, flag="Astronomical point" if v == 31 else "")
                        for m, v in zip(months, [12, 14, 13, 31, 12, 15, 14, 13], strict=True)
                    ],
                )
            ],
            rules=[Rule("y", 13.5, "Median 13.5")],
        ),
        Chart(  # a series with its target and its counter-metric on one time axis
            title="Paired series",
            description="Resolution time and satisfaction.",
            table=table,
            series=[
                Series("Time to resolve", [Point(m, 0.5 + i / 20) for i, m in enumerate(months)]),
                Series(
                    "Satisfaction",
                    [Point(m, 0.9 - i / 30) for i, m in enumerate(months)],
                    stroke="dashed",
                ),
            ],
            rules=[Rule("y", 0.8, "Target"), Rule("x", months[3], "Pilot starts")],
            y_format=PERCENT,
            y_domain=(0, 1),
        ),
        Chart(  # small multiples
            title="Small multiples",
            description="One panel per unit.",
            table=table,
            series=[
                Series(
                    "Kept",
                    [Point(m, 0.7, facet=unit) for unit in ("Support", "Finance") for m in months],
                )
            ],
            y_format=PERCENT,
        ),
        Chart(  # a heatmap with a suppressed cell
            title="Heatmap",
            description="Scores by unit and quarter.",
            table=table,
            kind=HEATMAP,
            cells=[
                Cell("Support", "Q1", 4.1),
                Cell("Support", "Q2", 4.4),
                Cell("Finance", "Q1", None, note="fewer than 5 answers"),
                Cell("Finance", "Q2", 3.2),
            ],
        ),
    ]
    body = Template("{% load charts %}{% for c in charts %}{% chart c %}{% endfor %}").render(
        Context({"charts": charts})
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="/static/mutuality/mutuality.css">'
        '<script src="/static/mutuality/charts.js" defer></script>'
        f"</head><body><main>{body}</main></body></html>"
    )


def _csp() -> str:
    directives: dict[str, Any] = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def test_every_kind_of_chart_draws_within_the_content_security_policy(page: Page) -> None:
    html = _gallery()
    page.route(
        "**/chart-gallery",
        lambda route: route.fulfill(
            status=200,
            body=html,
            headers={"Content-Type": "text/html", "Content-Security-Policy": _csp()},
        ),
    )
    page.goto("/chart-gallery")
    figures = page.locator("figure.chart-figure")
    expect(figures).to_have_count(4)
    for i in range(4):
        expect(figures.nth(i).locator("svg.mutuality-plot")).to_be_visible()
    run, paired, multiples, heatmap = (figures.nth(i) for i in range(4))
    expect(run.locator("svg")).to_contain_text("Median 13.5")
    expect(run.locator("svg title", has_text="Astronomical point")).to_have_count(1)
    expect(paired.locator("svg")).to_contain_text("Pilot starts")
    expect(paired.locator(".chart-legend li")).to_have_count(2)
    expect(paired.locator(".chart-key-dashed")).to_have_count(1)
    expect(multiples.locator("svg")).to_contain_text("Finance")
    expect(multiples.locator("svg")).to_contain_text("Support")
    expect(heatmap.locator("svg")).to_contain_text("hidden")
    expect(heatmap.locator("svg")).to_contain_text("4.4")
    # Plot's own stylesheet never reaches the page (the CSP would refuse it).
    assert page.locator("style").count() == 0
