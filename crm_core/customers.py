"""The one per-customer table every analysis starts from.

:func:`customer_table` is the single place where order lines become customers.
Later modules (clusters, churn, CLV...) add columns to its output; a bigger
engine can replace this function as long as it returns the same columns.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import numpy as np
import pandas as pd

from crm_core.ingest.dates import late_date_cutoff

# Orders per year divide by at least this many days of tenure: one order in a customer's first week
# would otherwise read as 52 orders a year.  90 days (a quarter) is about the shortest span over which a
# buying rhythm shows, so customers younger than that are compared as if they were a quarter old.
TENURE_FLOOR_DAYS = 90

CUSTOMER_COLUMNS = (
    "customer_id", "first_order_date", "last_order_date", "recency_days", "frequency", "orders_per_year",
    "monetary", "gross_sales", "returns_value", "avg_order_value", "items", "lines", "return_lines",
    "tenure_days", "channel", "top_category", "top_product", "previous_order_date", "longest_gap_days",
    "avg_interval_days",
)


def default_as_of(orders: pd.DataFrame) -> date:
    """The day after the last order line (purchase or return) that is not a late outlier.

    Read from the data only, never from today's date, so the same file gives the same results on any
    day.  A line dated far after the rest of the file (a mistyped 2099, see
    :func:`crm_core.ingest.dates.late_date_cutoff`) must not make every customer look years inactive: such
    lines do not move the date and stay outside the analysis (they are on or after it).
    """
    dates = orders["order_date"]
    cutoff = late_date_cutoff(dates)
    if cutoff is not None:
        dates = dates[dates < cutoff + pd.Timedelta(days=1)]
    return (pd.Timestamp(dates.max()).normalize() + timedelta(days=1)).date()


def rows_after(orders: pd.DataFrame, as_of: date) -> int:
    """Number of order lines dated on or after ``as_of`` (not counted in an analysis as of that day)."""
    return int((orders["order_date"] >= pd.Timestamp(as_of)).sum())


def customer_table(
    orders: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    as_of: date | None = None,
) -> pd.DataFrame:
    """One row per customer with at least one purchase before ``as_of``.

    Parameters
    ----------
    orders : DataFrame
        Clean order lines from :func:`crm_core.ingest.clean` (``is_return`` lines have negative amounts).
    customers : DataFrame, optional
        Customer attributes (one row per customer_id) joined onto the result.
    as_of : date, optional
        Reference day; lines dated on/after it are ignored. Default: :func:`default_as_of`.

    Returns
    -------
    DataFrame
        Columns :data:`CUSTOMER_COLUMNS` plus the attribute columns, sorted by customer_id:

        - recency_days: whole days from the last purchase's calendar day to ``as_of`` (>= 1 by default as-of);
        - frequency: distinct purchase orders (returns do not count);
        - orders_per_year: frequency x 365.25 / max(tenure_days, :data:`TENURE_FLOOR_DAYS`), i.e. orders per
          year of the customer's own history, so a customer who joined three months ago with 3 orders
          (12 a year) is not ranked below one with 5 orders over five years (1 a year); the 90-day floor
          keeps a one-week-old customer with one order at 4.06 a year, not 52;
        - monetary: net spend = purchases + returns (returns are negative), may be <= 0;
        - gross_sales, returns_value (<= 0), avg_order_value = gross_sales / frequency;
        - items: units bought, lines / return_lines: order lines; tenure_days: first purchase to as_of;
        - channel / top_category / top_product: the most frequent value on purchase lines (ties: first by name);
        - previous_order_date, longest_gap_days, avg_interval_days: the buying rhythm, on distinct purchase
          *days* (see :func:`_purchase_gaps`): the last purchase before the last purchase's day (NaT when all
          purchases fall on one day), the longest number of days between two consecutive purchase days, and
          their mean, (last day - first day) / (purchase days - 1) (both NaN with one purchase day).
    """
    as_of = as_of or default_as_of(orders)
    cutoff = pd.Timestamp(as_of)
    in_window = (orders["order_date"] < cutoff).to_numpy()
    is_return = orders["is_return"].to_numpy(dtype=bool)
    purchase = in_window & ~is_return
    if not purchase.any():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CUSTOMER_COLUMNS})

    # Group on integer codes (sorted by id): string group-bys over 500k lines are several times slower.
    # The text columns are factorized on two threads (Arrow's hashing releases the GIL), the longest first,
    # while this thread selects the numbers; an unmapped column (no value at all) is not factorized.
    with ThreadPoolExecutor(max_workers=2) as pool:
        by_text = {name: pool.submit(pd.factorize, orders[name], sort=True)
                   for name in ("product", "category", "channel") if orders[name].notna().any()}
        by_customer = pool.submit(pd.factorize, orders["customer_id"], sort=True)
        by_order = pool.submit(pd.factorize, orders["order_id"])
        amount = orders["amount"].to_numpy(dtype="float64")
        returned = in_window & is_return
        bought_dates = orders["order_date"][purchase]
        bought_quantity = orders["quantity"].to_numpy(dtype="float64")[purchase]
        codes, ids = by_customer.result()
        n = len(ids)
        buyer = codes[purchase]
        first_date, last_date = _first_and_last(buyer, bought_dates, n)
        previous_date, longest_gap, mean_interval = _purchase_gaps(buyer, bought_dates, n)
        order_codes = by_order.result()[0][purchase].astype(np.int64)
        width = int(order_codes.max()) + 1
        # Distinct (customer, order) pairs; a hash table is enough, their order does not matter to bincount.
        distinct_orders = pd.unique(buyer.astype(np.int64) * width + order_codes)
        text_codes = {name: future.result() for name, future in by_text.items()}
    table = pd.DataFrame(
        {
            "customer_id": np.asarray(ids, dtype=object),
            "first_order_date": first_date,
            "last_order_date": last_date,
            "frequency": np.bincount(distinct_orders // width, minlength=n),
            "gross_sales": np.bincount(buyer, weights=amount[purchase], minlength=n),
            "items": _sum_or_nan(buyer, bought_quantity, n),
            "lines": np.bincount(buyer, minlength=n),
            "returns_value": np.bincount(codes[returned], weights=amount[returned], minlength=n),
            "return_lines": np.bincount(codes[returned], minlength=n),
            "previous_order_date": previous_date,
            "longest_gap_days": longest_gap,
            "avg_interval_days": mean_interval,
        }
    )
    for column, source in (("channel", "channel"), ("top_category", "category"), ("top_product", "product")):
        table[column] = _most_common(buyer, text_codes.get(source), purchase, n)
    table = table[table["lines"] > 0].reset_index(drop=True)

    day = cutoff.normalize()
    tenure_days = (day - table["first_order_date"].dt.normalize()).dt.days.astype("int64")
    table = table.assign(
        monetary=table["gross_sales"] + table["returns_value"],
        recency_days=(day - table["last_order_date"].dt.normalize()).dt.days.astype("int64"),
        tenure_days=tenure_days,
        orders_per_year=table["frequency"] * 365.25 / tenure_days.clip(lower=TENURE_FLOOR_DAYS),
        avg_order_value=table["gross_sales"] / table["frequency"],
        customer_id=table["customer_id"].astype("str"),
    )[list(CUSTOMER_COLUMNS)]
    if customers is not None and len(customers.columns) > 1:
        attributes = customers.drop_duplicates("customer_id").set_index("customer_id")
        table = table.join(attributes, on="customer_id")
    return table


def _first_and_last(buyer: np.ndarray, dates: pd.Series, n_customers: int) -> tuple[np.ndarray, np.ndarray]:
    """Earliest and latest of ``dates`` per customer code 0..n-1 (NaT for a code without a line).

    The lines given are purchases before the as-of day, so none is NaT.  Plain datetime64 columns are
    reduced with numpy on their int64 view (exact); others (time-zone aware) go through a pandas group-by.
    """
    values = dates.to_numpy()
    if values.dtype.kind != "M":
        by_buyer = dates.groupby(buyer)
        return by_buyer.min().reindex(range(n_customers)).to_numpy(), \
            by_buyer.max().reindex(range(n_customers)).to_numpy()
    stamps = values.view("int64")
    nat = np.iinfo(np.int64).min  # NaT's int64 value
    first = np.full(n_customers, np.iinfo(np.int64).max)
    last = np.full(n_customers, nat)
    np.minimum.at(first, buyer, stamps)
    np.maximum.at(last, buyer, stamps)
    first[np.bincount(buyer, minlength=n_customers) == 0] = nat
    return first.view(values.dtype), last.view(values.dtype)


def _purchase_gaps(buyer: np.ndarray, dates: pd.Series,
                   n_customers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per customer code 0..n-1: previous purchase date, longest gap and mean interval, in days.

    Gaps are counted between distinct calendar *days* with a purchase, not between orders: two orders on
    one day are one visit, and a 0-day gap would drag the mean interval down and say nothing about when the
    customer comes back.  Returns

    - previous: the latest purchase time on a day before the customer's last purchase day (NaT when every
      purchase is on one day); lifecycle stages read the gap that ended with the last purchase from it;
    - longest: the most whole days between two consecutive purchase days (float, NaN with one purchase day);
    - mean: (last day - first day) / (purchase days - 1), the mean of those gaps (NaN with one purchase day).

    Speed: the distinct (customer, day) pairs are found with a hash (``pd.unique``) and only they are sorted;
    the previous time is one masked ``maximum.at`` over the lines.  Dates held as objects (or time-zone
    aware) go through pandas, on the days of their local clock.
    """
    values = dates.to_numpy()
    plain = values.dtype.kind == "M"
    if plain:
        local = values
    else:  # Timestamps held as objects, or time-zone aware: calendar days of the local wall clock
        stamps = pd.to_datetime(dates)
        local = (stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps).to_numpy()
    days = local.astype("datetime64[D]").view("int64")
    first_day = int(days.min()) if len(days) else 0
    span = int(days.max()) - first_day + 1 if len(days) else 1
    pairs = np.sort(pd.unique(buyer.astype(np.int64) * span + (days - first_day)))
    customer, day = pairs // span, pairs % span
    count = np.bincount(customer, minlength=n_customers)
    ends = np.cumsum(count)
    has = count > 0
    last_day = np.full(n_customers, -1, dtype=np.int64)
    last_day[has] = day[ends[has] - 1]
    several = count > 1
    mean = np.full(n_customers, np.nan)
    mean[several] = (last_day[several] - day[(ends - count)[several]]) / (count[several] - 1)
    same = customer[1:] == customer[:-1]
    longest = np.full(n_customers, -1, dtype=np.int64)
    np.maximum.at(longest, customer[1:][same], np.diff(day)[same])
    longest = np.where(longest < 0, np.nan, longest.astype("float64"))
    earlier = (days - first_day) < last_day[buyer]
    if not plain:
        previous = dates[earlier].groupby(buyer[earlier]).max().reindex(range(n_customers)).to_numpy()
        return previous, longest, mean
    nat = np.iinfo(np.int64).min
    previous = np.full(n_customers, nat)
    np.maximum.at(previous, buyer[earlier], values.view("int64")[earlier])
    return previous.view(values.dtype), longest, mean


def _sum_or_nan(buyer: np.ndarray, quantity: np.ndarray, n_customers: int) -> np.ndarray:
    """Sum of the known quantities per customer code, NaN where none is known (``sum(min_count=1)``).

    Whole numbers whose total stays below 2**53 add up exactly in any order, so numpy's bincount gives
    pandas' (compensated) group sum bit for bit; other quantities go through the pandas group-by.
    """
    known = ~np.isnan(quantity)
    # Usually every quantity is known: then no selection (copy) of the lines.
    kept, counted = (quantity, buyer) if known.all() else (quantity[known], buyer[known])
    if np.abs(kept).sum() < 2.0**53 and np.array_equal(kept, np.floor(kept)):
        totals = np.bincount(counted, weights=kept, minlength=n_customers).astype("float64")
        totals[np.bincount(counted, minlength=n_customers) == 0] = np.nan
        return totals
    return pd.Series(quantity).groupby(buyer).sum(min_count=1).reindex(range(n_customers)).to_numpy()


def _most_common(customer_codes: np.ndarray, factorized, rows: np.ndarray, n_customers: int) -> np.ndarray:
    """Most frequent non-empty value per customer code 0..n-1 (ties: the smallest value); None when none.

    ``factorized`` is ``pd.factorize(column, sort=True)`` of the whole column (None for a column without any
    value) and ``rows`` the lines counted (one code in ``customer_codes`` each).  Speed: the whole column's
    codes are selected, rather than the text selected first (a copy of every counted line's text).
    """
    result = np.full(n_customers, None, dtype=object)
    if factorized is None:  # an unmapped column: nothing to count
        return result
    value_codes, uniques = factorized
    value_codes = value_codes[rows]
    present = value_codes >= 0
    if not present.any():
        return result
    width = len(uniques)
    # Sorted by customer, then by value (codes follow the sorted values).
    keys, counts = np.unique(customer_codes[present].astype(np.int64) * width + value_codes[present],
                             return_counts=True)
    customer = keys // width
    starts = np.flatnonzero(np.r_[True, customer[1:] != customer[:-1]])
    most = np.maximum.reduceat(counts, starts)
    # Within a customer the first pair with the highest count has the smallest value.
    best = np.flatnonzero(counts == np.repeat(most, np.diff(np.r_[starts, len(counts)])))
    chosen = best[np.r_[True, customer[best][1:] != customer[best][:-1]]]
    result[customer[chosen]] = np.asarray(uniques, dtype=object)[keys[chosen] % width]
    return result
