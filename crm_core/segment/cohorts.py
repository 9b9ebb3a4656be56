"""Monthly acquisition cohorts and new versus returning customers, from clean order lines.

A customer's cohort is the calendar month of their first purchase.  Both tables count the same customers as
:func:`crm_core.customers.customer_table` (a purchase before the as-of date) and the same money (net: return
lines are negative), by calendar month of the line's date.  Months are text "YYYY-MM", so they sort,
display and write to Excel the same everywhere.

If the orders were cut to an analysis window, customers who bought before its start are counted in the
window's first month as if they were new there: the data cannot tell them apart.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from crm_core.customers import default_as_of

__all__ = ["COHORT_COLUMNS", "NEW_RETURNING_COLUMNS", "cohort_matrix", "cohort_table", "new_vs_returning"]

COHORT_COLUMNS = ("cohort", "months_since_first", "month", "cohort_size", "active_customers", "retention",
                  "revenue", "complete_month")
NEW_RETURNING_COLUMNS = ("month", "customers", "new_customers", "returning_customers", "revenue", "new_revenue",
                         "returning_revenue", "complete_month")


def _month_text(months: np.ndarray) -> np.ndarray:
    """Month numbers (year x 12 + month - 1) as "YYYY-MM"."""
    months = np.asarray(months, dtype=np.int64)
    return np.array([f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months], dtype=object)


class _Lines:
    """The lines counted as of ``as_of``: customer code, month number, amount, purchase flag; and each
    customer's first purchase month.  Customers without a purchase before ``as_of`` are dropped."""

    def __init__(self, orders: pd.DataFrame, as_of: date | None) -> None:
        as_of = as_of or (default_as_of(orders) if len(orders) else date(1970, 1, 1))
        dates = orders["order_date"]
        kept = (dates < pd.Timestamp(as_of)).to_numpy()
        dates = dates[kept]
        values = dates.to_numpy()
        if values.dtype.kind == "M":  # months since 1970-01 straight from the datetime64 values
            month = values.astype("datetime64[M]").view("int64") + 1970 * 12
        else:
            month = dates.dt.year.to_numpy(dtype=np.int64) * 12 + dates.dt.month.to_numpy(dtype=np.int64) - 1
        codes, _ = pd.factorize(orders["customer_id"][kept])
        purchase = ~orders["is_return"].to_numpy(dtype=bool)[kept]
        n = int(codes.max()) + 1 if len(codes) else 0
        first = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(first, codes[purchase], month[purchase])
        customer = first[codes] < np.iinfo(np.int64).max  # has a purchase before as_of
        self.customer, self.month = codes[customer], month[customer]
        self.amount = orders["amount"].to_numpy(dtype="float64", na_value=np.nan)[kept][customer]
        self.purchase = purchase[customer]
        self.first = first
        self.cohort = first[self.customer]
        last_day = pd.Timestamp(as_of) - pd.Timedelta(days=1)
        self.last_month = last_day.year * 12 + last_day.month - 1
        # A month is complete when the as-of date is on or after the first day of the next month.
        self.as_of_month_start = pd.Timestamp(as_of).day == 1

    def complete(self, months: np.ndarray) -> np.ndarray:
        """True for months that ended before the as-of date (only the last month can be partial)."""
        return (np.asarray(months) < self.last_month) | self.as_of_month_start


def cohort_table(orders: pd.DataFrame, *, as_of: date | None = None) -> pd.DataFrame:
    """Retention and revenue of monthly acquisition cohorts.

    Parameters
    ----------
    orders : DataFrame
        Clean order lines (:func:`crm_core.ingest.clean`); lines dated on or after ``as_of`` are ignored.
    as_of : date, optional
        Default :func:`crm_core.customers.default_as_of`.

    Returns
    -------
    DataFrame
        Columns :data:`COHORT_COLUMNS`, one row per cohort and month from the cohort's month up to the month
        of the day before ``as_of`` (cohorts oldest first, then months_since_first 0, 1, ...):

        - cohort: first purchase month "YYYY-MM"; month: cohort month + months_since_first;
        - cohort_size: customers whose first purchase is in the cohort month;
        - active_customers: of them, those with a purchase line in ``month`` (returns do not count);
        - retention = active_customers / cohort_size, the share buying again in calendar month m after the
          first month (m = months_since_first; 1.0 at m = 0 by definition).  Calendar months, not 30-day
          steps, so a cohort's customers are compared over the same months, whatever their first day;
        - revenue: net amount (purchases plus negative returns) of the cohort's lines dated in ``month``;
        - complete_month: False for the month of the as-of date when it is cut short (as-of not the 1st), so
          a low last column is not read as customers leaving.

        A return dated before its customer's first purchase month (its purchase lies before the data) is in
        no cell.
    """
    lines = _Lines(orders, as_of)
    if lines.customer.size == 0:
        return _empty(COHORT_COLUMNS)
    first = lines.first[lines.first < np.iinfo(np.int64).max]
    cohort_months, sizes = np.unique(first, return_counts=True)
    # Every (cohort, month) of the grid, so months nobody bought in show 0.
    spans = lines.last_month - cohort_months + 1
    cohort = np.repeat(cohort_months, spans)
    since = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
    # Each line's cell in that grid (lines dated before their cohort month, i.e. early returns, fall out).
    offset = lines.month - lines.cohort
    cell = (np.cumsum(spans) - spans)[np.searchsorted(cohort_months, lines.cohort)] + offset
    inside = offset >= 0
    revenue = np.bincount(cell[inside], weights=np.nan_to_num(lines.amount[inside]), minlength=len(cohort))
    # Distinct (customer, cell) purchases; a customer's cohort is fixed, so the cell says the month.
    bought = pd.unique(lines.customer[lines.purchase].astype(np.int64) * len(cohort) + cell[lines.purchase])
    active = np.bincount(bought % len(cohort), minlength=len(cohort))
    size = np.repeat(sizes, spans)
    table = pd.DataFrame({
        "cohort": _month_text(cohort), "months_since_first": since, "month": _month_text(cohort + since),
        "cohort_size": size, "active_customers": active, "retention": active / size,
        "revenue": revenue, "complete_month": lines.complete(cohort + since),
    })
    return table.astype({c: _DTYPES[c] for c in COHORT_COLUMNS})[list(COHORT_COLUMNS)]


def cohort_matrix(table: pd.DataFrame, value: Literal["retention", "active_customers", "revenue"] = "retention",
                  ) -> pd.DataFrame:
    """:func:`cohort_table` as a heat map grid: one row per cohort (oldest first, index "cohort"), one column per
    months_since_first (0, 1, ...); cells after the last month of a cohort are NaN (not yet happened)."""
    if value not in ("retention", "active_customers", "revenue"):
        raise ValueError(f"value must be retention, active_customers or revenue, not {value!r}")
    return table.pivot(index="cohort", columns="months_since_first", values=value).sort_index()


def new_vs_returning(orders: pd.DataFrame, *, as_of: date | None = None) -> pd.DataFrame:
    """Customers and revenue per calendar month, split by whether the month is their first purchase month.

    Returns
    -------
    DataFrame
        Columns :data:`NEW_RETURNING_COLUMNS`, one row per month from the first purchase month to the month of
        the day before ``as_of``:

        - customers: customers with a purchase line in the month = new_customers + returning_customers;
          new: the month is their first purchase month; returning: they first bought in an earlier month;
        - new_revenue / returning_revenue: net amount (returns negative) of that month's lines of customers
          whose first purchase month is / is not that month (a return of an earlier purchase counts as
          returning even when its customer bought nothing that month); revenue = their sum;
        - complete_month: as in :func:`cohort_table`.
    """
    lines = _Lines(orders, as_of)
    if lines.customer.size == 0:
        return _empty(NEW_RETURNING_COLUMNS)
    months = np.arange(lines.cohort.min(), lines.last_month + 1)
    width = len(months)
    position = lines.month - months[0]
    inside = position >= 0  # a return dated before every first purchase is in no month
    new = lines.month == lines.cohort
    amount = np.nan_to_num(lines.amount)
    new_revenue = np.bincount(position[inside & new], weights=amount[inside & new], minlength=width)
    returning_revenue = np.bincount(position[inside & ~new], weights=amount[inside & ~new], minlength=width)
    # Distinct (customer, month) purchases; whether the month is the customer's first says new or returning.
    bought = pd.unique(lines.customer[lines.purchase].astype(np.int64) * width + position[lines.purchase])
    bought_month = bought % width
    first_month = lines.first[bought // width] - months[0]
    new_customers = np.bincount(bought_month[bought_month == first_month], minlength=width)
    customers = np.bincount(bought_month, minlength=width)
    table = pd.DataFrame({
        "month": _month_text(months),
        "customers": customers,
        "new_customers": new_customers, "returning_customers": customers - new_customers,
        "revenue": new_revenue + returning_revenue,
        "new_revenue": new_revenue, "returning_revenue": returning_revenue,
        "complete_month": lines.complete(months),
    })
    return table.astype({c: _DTYPES[c] for c in NEW_RETURNING_COLUMNS})[list(NEW_RETURNING_COLUMNS)]


_DTYPES = {"cohort": "str", "month": "str", "months_since_first": "int64", "cohort_size": "int64",
           "active_customers": "int64", "retention": "float64", "revenue": "float64", "complete_month": "bool",
           "customers": "int64", "new_customers": "int64", "returning_customers": "int64", "new_revenue": "float64",
           "returning_revenue": "float64"}


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    """No customers: the columns with their types and no rows."""
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in columns})
