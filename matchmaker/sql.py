"""Date arithmetic inside SQL, the same on SQLite and PostgreSQL, so statistics stay set-based.

The platform reports in China Standard Time, a fixed UTC+8 without daylight saving since 1991, so a
constant offset gives local months and weekdays without a time-zone database inside SQLite.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

LOCAL_OFFSET_HOURS = 8
LOCAL = ZoneInfo("Asia/Shanghai")  # the same zone, for Python-side day boundaries


class epoch_days(FunctionElement):
    """A timestamp as fractional days since 1970-01-01 00:00 UTC."""

    type = sa.Float()
    inherit_cache = True


@compiles(epoch_days, "sqlite")
def _epoch_days_sqlite(element, compiler, **kw):
    return f"(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5)"


@compiles(epoch_days, "postgresql")
def _epoch_days_pg(element, compiler, **kw):
    return f"(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) / 86400.0)"


class local_month(FunctionElement):
    """'YYYY-MM' of a UTC timestamp in China Standard Time."""

    type = sa.String()
    inherit_cache = True


@compiles(local_month, "sqlite")
def _local_month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)}, '+{LOCAL_OFFSET_HOURS} hours')"


@compiles(local_month, "postgresql")
def _local_month_pg(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"to_char(({column} AT TIME ZONE 'UTC') + INTERVAL '{LOCAL_OFFSET_HOURS} hours', 'YYYY-MM')"


class utc_weekday(FunctionElement):
    """Day of the week of a UTC timestamp, Monday = 0 (Python's ``weekday()``, as the response clock uses)."""

    type = sa.Integer()
    inherit_cache = True


@compiles(utc_weekday, "sqlite")
def _weekday_sqlite(element, compiler, **kw):
    return f"((CAST(strftime('%w', {compiler.process(element.clauses, **kw)}) AS INTEGER) + 6) % 7)"


@compiles(utc_weekday, "postgresql")
def _weekday_pg(element, compiler, **kw):
    return f"(CAST(EXTRACT(ISODOW FROM ({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC')) AS INTEGER) - 1)"


def hours_between(start, end):
    return (epoch_days(end) - epoch_days(start)) * 24.0


def due_epoch_days(submitted, working_days):
    """When an answer is due, as epoch days: ``working_days`` working days after ``submitted``,
    weekends skipped; the closed form of ``applications.clock.due_at`` (a test holds them equal).

    From a weekday w (Mon = 0) n working days span n + 2·⌊(w + n) / 5⌋ calendar days; a Saturday or
    Sunday start counts as Friday, one or two days nearer.
    """
    weekday = utc_weekday(submitted)
    counted_from = sa.case((weekday > 4, 4), else_=weekday)
    weekend_head = sa.case((weekday > 4, weekday - 4), else_=0)
    calendar_days = working_days + 2 * ((counted_from + working_days) // 5) - weekend_head
    return epoch_days(submitted) + calendar_days
