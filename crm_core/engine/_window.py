"""The analysis window on engine lines, shared by :mod:`crm_core.engine.aggregate` and its baskets / CLV part."""

from __future__ import annotations

from datetime import date, datetime

import ibis


def stamp(day: date) -> ibis.expr.types.TimestampScalar:
    """Midnight of ``day`` as a timestamp literal (compared with naive order timestamps)."""
    return ibis.literal(datetime(day.year, day.month, day.day), type="timestamp")


def window_lines(lines: ibis.Table, as_of: date, start: date | None = None) -> ibis.Table:
    """The lines dated in ``[start, as_of)`` (from the first line when ``start`` is None)."""
    keep = lines.order_date < stamp(as_of)
    if start is not None:
        keep &= lines.order_date >= stamp(start)
    return lines.filter(keep)
