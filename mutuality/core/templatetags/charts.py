"""`{% chart chart %}`: a `mutuality.core.charts.Chart`, drawn the one way every page draws one."""

from __future__ import annotations

from typing import Any

from django import template

from mutuality.core.charts import Chart

register = template.Library()


@register.inclusion_tag("core/_chart.html")
def chart(chart: Chart) -> dict[str, Any]:
    return {"chart": chart, "data": chart.data(), "data_id": f"{chart.id}-data"}
