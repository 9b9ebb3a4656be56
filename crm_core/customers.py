"""The one per-customer table every analysis starts from.

:func:`customer_table` is the single place where order lines become customers.
Later modules (clusters, churn, CLV...) add columns to its output; a bigger
engine can replace this function as long as it returns the same columns.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

CUSTOMER_COLUMNS = (
    "customer_id", "first_order_date", "last_order_date", "recency_days", "frequency", "orders_per_year",
    "monetary", "gross_sales", "returns_value", "avg_order_value", "items", "lines", "return_lines",
    "tenure_days", "channel", "top_category", "top_product",
)


def default_as_of(orders: pd.DataFrame) -> date:
    """The day after the last order line (purchase or return) in ``orders``: nothing in the file is left out."""
    last = orders["order_date"].max()
    return (pd.Timestamp(last).normalize() + timedelta(days=1)).date()


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
        Clean order lines from :func:`crm_core.ingest.standardize` (``is_return`` lines have negative amounts).
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
        - orders_per_year: frequency x 365.25 / days in the data window (first purchase in the data to as_of),
          the same window for everyone so customers compare fairly;
        - monetary: net spend = purchases + returns (returns are negative), may be <= 0;
        - gross_sales, returns_value (<= 0), avg_order_value = gross_sales / frequency;
        - items: units bought, lines / return_lines: order lines; tenure_days: first purchase to as_of;
        - channel / top_category / top_product: the most frequent value on purchase lines (ties: first by name).
    """
    as_of = as_of or default_as_of(orders)
    cutoff = pd.Timestamp(as_of)
    window = orders[orders["order_date"] < cutoff]
    purchases = window[~window["is_return"]]
    returns = window[window["is_return"]]
    if purchases.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CUSTOMER_COLUMNS})

    grouped = purchases.groupby("customer_id", sort=True)
    table = pd.DataFrame(
        {
            "first_order_date": grouped["order_date"].min(),
            "last_order_date": grouped["order_date"].max(),
            "frequency": grouped["order_id"].nunique(),
            "gross_sales": grouped["amount"].sum(),
            "items": grouped["quantity"].sum(min_count=1),
            "lines": grouped.size(),
        }
    )
    ret = returns.groupby("customer_id")["amount"].agg(["sum", "size"])
    table["returns_value"] = ret["sum"].reindex(table.index).fillna(0.0)
    table["return_lines"] = ret["size"].reindex(table.index).fillna(0).astype("int64")
    table["monetary"] = table["gross_sales"] + table["returns_value"]

    day = cutoff.normalize()
    table["recency_days"] = (day - table["last_order_date"].dt.normalize()).dt.days.astype("int64")
    table["tenure_days"] = (day - table["first_order_date"].dt.normalize()).dt.days.astype("int64")
    window_days = max(int((day - purchases["order_date"].min().normalize()).days), 1)
    table["orders_per_year"] = table["frequency"] * 365.25 / window_days
    table["avg_order_value"] = table["gross_sales"] / table["frequency"]
    for column, source in (("channel", "channel"), ("top_category", "category"), ("top_product", "product")):
        table[column] = _most_common(purchases, source).reindex(table.index)

    table = table.reset_index()[list(CUSTOMER_COLUMNS)]
    if customers is not None and len(customers.columns) > 1:
        attributes = customers.drop_duplicates("customer_id").set_index("customer_id")
        table = table.join(attributes, on="customer_id")
    return table


def _most_common(lines: pd.DataFrame, column: str) -> pd.Series:
    """Most frequent non-empty value of ``column`` per customer (ties: the smallest value, for determinism).

    Works on integer codes (one sort of int64 keys) because string group-bys over 500k lines are slow.
    """
    present = lines[column].notna().to_numpy()
    customer_codes, customers = pd.factorize(lines["customer_id"].to_numpy()[present])
    value_codes, values = pd.factorize(lines[column].to_numpy()[present], sort=True)
    if len(values) == 0:
        return pd.Series(np.nan, index=pd.Index([], name="customer_id"), dtype="object")
    keys, counts = np.unique(customer_codes.astype(np.int64) * len(values) + value_codes, return_counts=True)
    customer, value = keys // len(values), keys % len(values)
    order = np.lexsort((value, -counts, customer))
    first = np.r_[True, customer[order][1:] != customer[order][:-1]]
    chosen = order[first]
    return pd.Series(np.asarray(values)[value[chosen]], index=pd.Index(np.asarray(customers)[customer[chosen]]))
