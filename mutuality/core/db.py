"""SQL a query needs that Django does not give every database alike: dates and durations.

Django computes dates in the current time zone on SQLite with functions written in Python,
called once per row; over thousands of rows they cost more than the query. These
expressions keep the work in the database: on SQLite in UTC (the default), datetimes are
stored as "YYYY-MM-DD HH:MM:SS" in UTC, so a date is a slice of the text; elsewhere they
fall back to Django's own (PostgreSQL's are native anyway).
"""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, FloatField, Func
from django.db.models.functions import TruncDate
from django.utils import timezone


def _sqlite_in_utc() -> bool:
    return timezone.get_current_timezone_name() == "UTC"


class LocalDate(TruncDate):
    """The date of a datetime column in the current time zone."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        if not _sqlite_in_utc():
            return self.as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"substr({sql}, 1, 10)", params


class MonthStart(Func):
    """The first day of the month of a date expression."""

    output_field = DateField()
    template = "CAST(DATE_TRUNC('month', %(expressions)s) AS DATE)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        template = "(substr(%(expressions)s, 1, 7) || '-01')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class HoursBetween(Func):
    """(later - earlier) in hours, as a float: HoursBetween(later, earlier)."""

    output_field = FloatField()
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
