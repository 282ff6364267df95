"""One chart component for the whole product: a chart is data, drawn in the browser.

A page describes a chart in Python (`Chart`): what it shows, its series of points, its
reference lines (a target, a median, a start date), the points to flag, the cells of a
heatmap (a suppressed cell is `None`: drawn as "hidden", never as a value). The template
tag `{% chart %}` (core/templatetags/charts.py) renders it once, the same way everywhere:

- the figure and its caption;
- the numbers as JSON (`json_script`: data, never code, so the Content-Security-Policy
  stays without `unsafe-eval` or inline scripts), which `mutuality/charts.js` draws with
  Observable Plot (vendored under static/vendor/, see its README) at the width of its
  container, again when that changes;
- the same numbers as a table: the accessible alternative, what is shown without
  JavaScript, and what is printed.

Kinds: LINES (time series: run charts with a median and flagged points, series with
target lines, a paired series on one time axis, group means with a start date; small
multiples when points carry a `facet`) and HEATMAP (rows × columns of values, with
suppressed cells).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

LINES, HEATMAP = "lines", "heatmap"
# How a y value reads: a share (0–1, shown as a percentage) or a plain number.
PERCENT, NUMBER = "percent", "number"

_ids = itertools.count(1)


@dataclass(frozen=True)
class Point:
    x: dt.date | str
    # None: no value here (a gap in the line, or too few events to draw a rate from).
    y: float | None
    # Small multiples: which panel the point belongs to.
    facet: str = ""
    # Drawn as a flagged point (an astronomical point, a run), with this note.
    flag: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Point]
    # "solid", or "dashed" (a counter-metric, a control group beside a pilot).
    stroke: str = "solid"


@dataclass(frozen=True)
class Rule:
    """A reference line: a target or a median (axis "y"), a start date (axis "x")."""

    axis: str
    value: float | dt.date
    label: str


@dataclass(frozen=True)
class Cell:
    """One cell of a heatmap; `value` None is suppressed (too few to show, say)."""

    row: str
    column: str
    value: float | None
    note: str = ""


@dataclass(frozen=True)
class Table:
    """The numbers as a table: column headings, then rows of text (first cell a header)."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""


@dataclass
class Chart:
    title: str
    # A sentence saying what the chart shows, for screen readers (the table has the values).
    description: str
    table: Table
    kind: str = LINES
    series: Sequence[Series] = ()
    rules: Sequence[Rule] = ()
    cells: Sequence[Cell] = ()
    y_label: str = ""
    y_format: str = NUMBER
    # The y axis runs over at least this range (a share: 0 to 1).
    y_domain: tuple[float, float] | None = None
    # What is left out of the lines and why, said under the chart.
    note: str = ""
    # What the figure says when there is nothing to draw (its table is still there).
    empty: str = "Nothing to chart yet."
    height: int = 260
    id: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    def __post_init__(self) -> None:
        if self.kind not in (LINES, HEATMAP):
            raise ValueError(f"Unknown kind of chart: {self.kind!r}.")
        if self.y_format not in (PERCENT, NUMBER):
            raise ValueError(f"Unknown y format: {self.y_format!r}.")
        for rule in self.rules:
            if rule.axis not in ("x", "y"):
                raise ValueError(f"A rule runs along x or y, not {rule.axis!r}.")

    @property
    def has_data(self) -> bool:
        if self.kind == HEATMAP:
            return bool(self.cells)
        return any(p.y is not None for s in self.series for p in s.points)

    def data(self) -> dict[str, Any]:
        """What charts.js draws: plain JSON values (dates as ISO text)."""

        def value(v: Any) -> Any:
            return v.isoformat() if isinstance(v, dt.date) else v

        return {
            "kind": self.kind,
            "height": self.height,
            "yLabel": self.y_label,
            "yFormat": self.y_format,
            "yDomain": list(self.y_domain) if self.y_domain else None,
            "points": [
                {
                    "series": s.name,
                    "stroke": s.stroke,
                    "x": value(p.x),
                    "y": p.y,
                    "facet": p.facet,
                    "flag": p.flag,
                }
                for s in self.series
                for p in s.points
            ],
            "series": [{"name": s.name, "stroke": s.stroke} for s in self.series],
            "rules": [
                {"axis": r.axis, "value": value(r.value), "label": r.label} for r in self.rules
            ],
            "cells": [
                {"row": c.row, "column": c.column, "value": c.value, "note": c.note}
                for c in self.cells
            ],
        }
