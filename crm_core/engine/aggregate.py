"""From clean order lines (an Ibis table, :data:`crm_core.engine.lines.LINE_COLUMNS`) to customers, CLV inputs and
baskets, as Ibis expressions that DuckDB or Spark run; the few derived figures are finished in pandas.

Rules that make every engine agree with the pandas path (:func:`crm_core.customers.customer_table`):

- money is summed in integer ten-thousandths (``amount_units``, :data:`~crm_core.engine.lines.MONEY_SCALE`) and
  turned into currency units only at the end (exact sums; scores compare them rounded to cents);
- a line's day is the calendar day of its timestamp as stored (sessions run in UTC, so nothing shifts);
- frequency counts distinct order ids of purchase lines (an order with two lines is one order);
- lines dated on or after ``as_of`` (and before ``start``) are not counted; customers without a purchase line in
  that window are not in the table;
- recency, tenure, orders per year and averages are computed once, in pandas (:func:`finish_customer_table`), from
  the engine's integers and dates, so every engine feeds the same numbers to the same scoring code.

:func:`clv_summary` and :func:`baskets` live in :mod:`crm_core.engine._aggregate_more` (same rules) and are
re-exported here.
"""

from __future__ import annotations

from datetime import date

import ibis
import numpy as np
import pandas as pd

from crm_core.customers import CUSTOMER_COLUMNS, TENURE_FLOOR_DAYS
from crm_core.engine._aggregate_more import baskets, clv_summary
from crm_core.engine._window import stamp as _stamp
from crm_core.engine._window import window_lines
from crm_core.engine.lines import MONEY_SCALE
from crm_core.ingest.dates import LATE_GAP_DAYS, LATE_SHARE

__all__ = ["as_of_from_days", "baskets", "clv_summary", "customer_expr", "default_as_of", "finish_customer_table",
           "keyed_customers", "late_day_cutoff", "window_lines"]

# How frequency (distinct orders) is counted: "two_level" groups by (customer, order) first and then by customer;
# "count_distinct" runs COUNT(DISTINCT order_id) per customer.  Same answer; see the README for the timings on
# DuckDB that chose the default.
DISTINCT_ORDERS = ("two_level", "count_distinct")
_MODE_COLUMNS = (("channel", "channel"), ("top_category", "category"), ("top_product", "product"))
_RHYTHM_COLUMNS = ("previous_order_date", "longest_gap_days", "avg_interval_days")


# -------------------------------------------------------------------------------------------------- as-of day
def late_day_cutoff(days: np.ndarray, counts: np.ndarray) -> np.datetime64 | None:
    """:func:`crm_core.ingest.dates.late_date_cutoff` from distinct days and their line counts.

    The same rule on what an engine returns cheaply (a few thousand (day, lines) rows instead of every line):
    the last gap of more than ``LATE_GAP_DAYS`` between consecutive days; the lines after it are late when
    they are at most ``LATE_SHARE`` of the dated lines (never less than one line) and fewer than the lines
    before it.  Returns the last day before the gap (datetime64[D]) or None.
    """
    order = np.argsort(days)
    days, counts = days[order].astype("datetime64[D]"), counts[order].astype(np.int64)
    if len(days) < 2:
        return None
    gaps = np.diff(days) > np.timedelta64(LATE_GAP_DAYS, "D")
    if not gaps.any():
        return None
    last_gap = int(np.flatnonzero(gaps)[-1])
    total = int(counts.sum())
    late_lines = int(counts[last_gap + 1:].sum())
    few = late_lines <= max(LATE_SHARE * total, 1) and late_lines < total - late_lines
    return days[last_gap] if few else None


def default_as_of(lines: ibis.Table) -> date:
    """The day after the last line (purchase or return) that is not a late outlier, as
    :func:`crm_core.customers.default_as_of` reads it: only the distinct days and their line counts are fetched.

    Raises ValueError when no line is dated (clean lines always are).
    """
    per_day = (lines.filter(lines.order_date.notnull())
               .group_by(day=lines.order_date.date()).aggregate(n=lambda t: t.count()).to_pandas())
    return as_of_from_days(pd.to_datetime(per_day["day"]).to_numpy().astype("datetime64[D]"),
                           per_day["n"].to_numpy(dtype=np.int64))


def as_of_from_days(days: np.ndarray, counts: np.ndarray) -> date:
    """:func:`default_as_of` from the distinct days (datetime64[D]) of the lines and their line counts."""
    if len(days) == 0:
        raise ValueError("no dated line")
    days = np.asarray(days).astype("datetime64[D]")
    cutoff = late_day_cutoff(days, np.asarray(counts))
    if cutoff is not None:
        days = days[days <= cutoff]
    return (days.max() + np.timedelta64(1, "D")).astype(object)


# ---------------------------------------------------------------------------------------------- customer table
def customer_expr(lines: ibis.Table, as_of: date, *, start: date | None = None, modes: bool = False,
                  rhythm: bool = False, distinct_orders: str = "count_distinct",
                  returners: bool = False) -> ibis.Table:
    """One row per customer with a purchase line in ``[start, as_of)``: the engine's part of the customer table.

    Parameters
    ----------
    lines : ibis.Table
        Clean lines, columns :data:`crm_core.engine.lines.LINE_COLUMNS` (returns have negative ``amount_units``).
    as_of : date
        Lines on or after this day are not counted.
    start : date, optional
        First day counted (the analysis window); returns dated in the window whose order id is a purchase order
        before ``start`` are left out with it, as :func:`crm_core.scope.in_scope` does.
    modes : bool
        Add channel, top_category, top_product: the most frequent value on purchase lines (ties: the smallest).
    rhythm : bool
        Add previous_order_date, longest_gap_days, avg_interval_days, on distinct purchase *days* as
        :func:`crm_core.customers._purchase_gaps` counts them.
    distinct_orders : {"two_level", "count_distinct"}
        How frequency is computed (same answer; "two_level" groups by (customer, order) first).
    returners : bool
        Also keep the customers with return lines but no purchase line in the window (``lines`` == 0: their
        dates are null); the caller counts them and leaves them out.

    Returns
    -------
    ibis.Table
        customer_id, first_order_date, last_order_date (first / last purchase timestamp), frequency (distinct
        purchase order ids), gross_units, returns_units (int64 sums, returns <= 0, 0 when none), items (sum of
        purchase quantities, null when none is known), lines, return_lines (line counts), then the optional
        columns.  Unordered: :func:`finish_customer_table` sorts.  ``customer_id`` has the type of
        ``lines.customer_id`` (an integer id stays an integer until :func:`finish_customer_table`).
    """
    if distinct_orders not in DISTINCT_ORDERS:
        raise ValueError(f"distinct_orders must be one of {DISTINCT_ORDERS}")
    window = window_lines(lines, as_of, start)
    if start is not None:
        window = _without_earlier_returns(lines, window, start)
    window = window.select("customer_id", "order_id", "order_date", "amount_units", "quantity", "is_return",
                           *(["product", "category", "channel"] if modes else []))
    base = _two_level(window) if distinct_orders == "two_level" else _count_distinct(window)
    if not returners:
        base = base.filter(base.lines > 0)
    columns = list(base.columns)
    if modes:
        for name, source in _MODE_COLUMNS:
            base = base.left_join(_mode(window, source, name), "customer_id").select(*columns, name)
            columns.append(name)
    if rhythm:
        base = base.left_join(_rhythm(window), "customer_id").select(*columns, *_RHYTHM_COLUMNS)
    return base


def _without_earlier_returns(lines: ibis.Table, window: ibis.Table, start: date) -> ibis.Table:
    """Drop the window's returns of orders bought before ``start`` (they undo a purchase the window does not see)."""
    earlier = lines.filter((lines.order_date < _stamp(start)) & ~lines.is_return).select("order_id").distinct()
    stale = window.is_return & window.order_id.isin(earlier.order_id)
    return window.filter(~stale)


def _two_level(window: ibis.Table) -> ibis.Table:
    bought = ~window.is_return
    per_order = window.group_by(["customer_id", "order_id"]).aggregate(
        first_order_date=window.order_date.min(where=bought),
        last_order_date=window.order_date.max(where=bought),
        gross_units=window.amount_units.sum(where=bought),
        returns_units=window.amount_units.sum(where=window.is_return),
        items=window.quantity.sum(where=bought),
        lines=bought.cast("int64").sum(),
        return_lines=window.is_return.cast("int64").sum(),
    )
    return per_order.group_by("customer_id").aggregate(
        first_order_date=per_order.first_order_date.min(),
        last_order_date=per_order.last_order_date.max(),
        frequency=(per_order.lines > 0).cast("int64").sum(),
        gross_units=per_order.gross_units.sum().coalesce(0),
        returns_units=per_order.returns_units.sum().coalesce(0),
        items=per_order.items.sum(),
        lines=per_order.lines.sum(),
        return_lines=per_order.return_lines.sum(),
    )


def keyed_customers(keyed: ibis.Table, *, count_c: bool = False) -> ibis.Table:
    """:func:`customer_expr`'s aggregates over the whole file, grouped by the keys of
    :func:`crm_core.engine._quick.keyed`: one row per customer and one per reason and day of the rows left out
    (their row count is lines + return_lines; :func:`crm_core.engine._quick.split` tells them apart); ``count_c``
    adds c_lines (C-id lines)."""
    extra = {"c_lines": keyed.count(where=keyed.is_c)} if count_c else {}
    keys = ("customer_id", "slot") if "slot" in keyed.columns else ("customer_id",)
    return _count_distinct(keyed, keys=keys, **extra)


def _count_distinct(window: ibis.Table, keys=("customer_id",), **extra) -> ibis.Table:
    bought = ~window.is_return
    return window.group_by(list(keys)).aggregate(
        first_order_date=window.order_date.min(where=bought),
        last_order_date=window.order_date.max(where=bought),
        frequency=window.order_id.nunique(where=bought),
        gross_units=window.amount_units.sum(where=bought).coalesce(0),
        returns_units=window.amount_units.sum(where=window.is_return).coalesce(0),
        items=window.quantity.sum(where=bought),
        lines=window.count(where=bought),  # (a count keeps 8 bytes per group, a sum of integers 16)
        return_lines=window.count(where=window.is_return),
        **extra,
    )


def _mode(window: ibis.Table, source: str, name: str) -> ibis.Table:
    """customer_id and the most frequent non-null ``source`` on its purchase lines (ties: the smallest value)."""
    bought = window.filter(~window.is_return & window[source].notnull())
    counts = bought.group_by(["customer_id", source]).aggregate(n=lambda t: t.count())
    rank = ibis.row_number().over(group_by=counts.customer_id, order_by=[counts.n.desc(), counts[source].asc()])
    top = counts.mutate(rank=rank)
    return top.filter(top["rank"] == 0).select("customer_id", **{name: top[source]})


def _rhythm(window: ibis.Table) -> ibis.Table:
    """Buying rhythm on distinct purchase days (see :func:`crm_core.customers._purchase_gaps`).

    previous_order_date: the latest purchase time on a day before the last purchase day (null when every purchase
    is on one day); longest_gap_days: most days between consecutive purchase days; avg_interval_days:
    (last day - first day) / (purchase days - 1); both null with one purchase day.
    """
    bought = window.filter(~window.is_return)
    days = bought.group_by(["customer_id", bought.order_date.date().epoch_days().name("day")]).aggregate(
        latest=bought.order_date.max())
    by_customer = ibis.window(group_by=days.customer_id, order_by=days.day)
    days = days.mutate(gap=days.day - days.day.lag().over(by_customer),
                       last_day=days.day.max().over(group_by=days.customer_id))
    per = days.group_by("customer_id").aggregate(
        previous_order_date=days.latest.max(where=days.day < days.last_day),
        longest_gap_days=days.gap.max().cast("float64"),
        n_days=days.count(),
        first_day=days.day.min(),
        end_day=days.day.max(),
    )
    mean = ibis.ifelse(per.n_days > 1, (per.end_day - per.first_day).cast("float64") / (per.n_days - 1), ibis.null())
    return per.select("customer_id", "previous_order_date", "longest_gap_days",
                      avg_interval_days=mean.cast("float64"))


def finish_customer_table(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The engine's per-customer rows (:func:`customer_expr`, executed) as :func:`crm_core.customers.customer_table`
    returns them: columns :data:`crm_core.customers.CUSTOMER_COLUMNS`, same dtypes and formulas, sorted by id.

    - recency_days / tenure_days: whole calendar days from the last / first purchase day to ``as_of``;
    - orders_per_year = frequency x 365.25 / max(tenure_days, TENURE_FLOOR_DAYS);
    - gross_sales, returns_value = units / MONEY_SCALE; monetary = (gross + returns units) / MONEY_SCALE (net
      spend, exact); avg_order_value = gross_sales / frequency;
    - mode / rhythm columns the frame does not have are None / NaT / NaN.
    """
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CUSTOMER_COLUMNS})
    import pyarrow as pa
    import pyarrow.compute as pc

    # Sorted by the id's text (an integer id is turned into text here, once per customer).
    raw = frame["customer_id"]
    order = _text_order(raw.to_numpy()) if raw.dtype.kind in "iu" else None
    ids = pa.array(raw.to_numpy(dtype=object) if raw.dtype == object else raw.to_numpy()).cast(pa.string())
    if order is None:
        order = pc.sort_indices(ids).to_numpy()
    # Each column taken in that order on its own (a take of the whole frame would copy it into blocks first).
    frame = {name: frame[name].iloc[order].reset_index(drop=True) for name in frame.columns}
    ids = ids.take(pa.array(order))
    n = len(order)
    gross = frame["gross_units"].to_numpy(dtype=np.int64)
    returns = frame["returns_units"].to_numpy(dtype=np.int64)
    frequency = frame["frequency"].to_numpy(dtype=np.int64)
    return_lines = frame["return_lines"].to_numpy(dtype=np.int64)
    # As the pandas path: bincount over no return line at all gives whole zeros (int64).
    returns_value = returns / MONEY_SCALE if return_lines.any() else np.zeros(n, dtype=np.int64)
    first, last = _stamps(frame["first_order_date"]), _stamps(frame["last_order_date"])
    day = np.datetime64(pd.Timestamp(as_of).normalize().to_datetime64(), "ns")
    tenure_days = ((day - first.astype("datetime64[D]").astype("datetime64[ns]")) // np.timedelta64(1, "D")).astype(
        "int64")
    recency_days = ((day - last.astype("datetime64[D]").astype("datetime64[ns]")) // np.timedelta64(1, "D")).astype(
        "int64")
    gross_sales = gross / MONEY_SCALE
    columns = {
        "customer_id": pd.Series(ids, dtype="str"),
        "first_order_date": first,
        "last_order_date": last,
        "recency_days": recency_days,
        "frequency": frequency,
        "orders_per_year": frequency * 365.25 / np.maximum(tenure_days, TENURE_FLOOR_DAYS),
        "monetary": (gross + returns) / MONEY_SCALE,
        "gross_sales": gross_sales,
        "returns_value": returns_value,
        "avg_order_value": gross_sales / frequency,
        "items": pd.to_numeric(frame["items"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan),
        "lines": frame["lines"].to_numpy(dtype=np.int64),
        "return_lines": return_lines,
        "tenure_days": tenure_days,
    }
    for name, _ in _MODE_COLUMNS:  # object arrays, as the pandas path assigns them (same dtype inference)
        columns[name] = _texts(frame[name]) if name in frame else np.full(n, None, dtype=object)
    columns["previous_order_date"] = (_stamps(frame["previous_order_date"]) if "previous_order_date" in frame
                                      else np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    columns["longest_gap_days"] = _floats(frame, "longest_gap_days", n)
    columns["avg_interval_days"] = _floats(frame, "avg_interval_days", n)
    return pd.DataFrame({name: columns[name] for name in CUSTOMER_COLUMNS})


def _text_order(ids: np.ndarray) -> np.ndarray | None:
    """The order of non-negative integers by their decimal text ("10" before "9"), without making the text: the
    digits left-aligned in 19 places, then the shorter first ("1" before "10").  None when an id is negative."""
    if len(ids) == 0 or ids.min() < 0:
        return None
    values = ids.astype(np.uint64)
    digits = np.ones(len(values), dtype=np.int64)
    for power in range(1, 20):
        digits += values >= np.uint64(10**power)
    aligned = values * (np.uint64(10) ** (19 - digits).astype(np.uint64))
    return np.lexsort((digits, aligned))


def _stamps(values: pd.Series) -> np.ndarray:
    """Timestamps as naive datetime64[ns] (NaT for missing)."""
    stamps = pd.to_datetime(values)
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.to_numpy(dtype="datetime64[ns]")


def _floats(frame: pd.DataFrame, name: str, n: int) -> np.ndarray:
    if name not in frame:
        return np.full(n, np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _texts(values: pd.Series) -> np.ndarray:
    """Text values as an object array with None for missing."""
    out = np.array(values.to_numpy(dtype=object), dtype=object)  # a writable copy
    out[pd.isna(values).to_numpy()] = None
    return out

