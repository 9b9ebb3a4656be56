"""Cluster features beyond the customer table's own columns: spend shares by category and channel, and the
customer file's attributes.

:func:`crm_core.segment.clusters.fit_clusters` reads its features from the table it is given.  The customer
table (:func:`crm_core.customers.customer_table`) has no per-category spend, so this module adds the columns
a :class:`~crm_core.segment.clusters.ClusterFeatures` asks for, from the clean order lines:

- ``category_share=<value>`` / ``channel_share=<value>``: the share (0..1) of a customer's purchase spend on
  lines of that category / channel; ``category_share_other`` / ``channel_share_other``: the rest, i.e. 1 minus
  the shares named in the same features (lines without a value count there too).  Customers whose purchases
  add up to 0 or less get 0 everywhere.
- ``signup_days``: whole days from the signup date (customer file) to the analysis date.

The names carry their value, so a saved analysis asks next month's file for the same categories; a category
that has disappeared gives a share of 0 for everybody, which the clusters report as a feature without
variance.  Headers for people come from the column registry: "Share of spend in category: 奶粉" /
"品类消费占比：奶粉" (:func:`feature_label`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from crm_core.columns import column as registered
from crm_core.segment import _cluster_names
from crm_core.segment.clusters import DEFAULT_FEATURES, ClusterFeatures

__all__ = ["ATTRIBUTES", "MAX_LEVELS", "SHARE_SOURCES", "TOP_SHARES", "attribute_candidates", "cluster_table",
           "feature_kind", "feature_label", "is_share", "share_features", "with_shares"]

# Order-line column -> prefix of its share features.
SHARE_SOURCES = {"category": "category_share", "channel": "channel_share"}
TOP_SHARES = 5  # share features for the most common values; the rest is one "other" share
# Customer-file columns offered as categorical features (one-hot), when they have 2..MAX_LEVELS values: more
# values than that would outweigh the behaviour features (each value is a 0/1 column of its own).
ATTRIBUTES = ("gender", "city", "region", "country")
MAX_LEVELS = 30
_OTHER = "_other"
# Columns of the customer table that are not attributes a marketer mapped (behaviour, contact details, flags).
_NOT_ATTRIBUTES = frozenset({"customer_id", "first_order_date", "last_order_date", "recency_days", "frequency",
                             "orders_per_year", "monetary", "gross_sales", "returns_value", "avg_order_value",
                             "items", "lines", "return_lines", "tenure_days", "channel", "top_category",
                             "top_product", "previous_order_date", "longest_gap_days", "avg_interval_days",
                             "name", "phone", "email", "opted_out", "signup_date"})


def _share_parts(name: str) -> tuple[str, str | None] | None:
    """(order-line column, value or None for "other") of a share feature name, else None."""
    for source, prefix in SHARE_SOURCES.items():
        if name == prefix + _OTHER:
            return source, None
        if name.startswith(prefix + "="):
            return source, name[len(prefix) + 1:]
    return None


def is_share(name: str) -> bool:
    """True for ``category_share=...``, ``channel_share_other`` and the like."""
    return _share_parts(name) is not None


def _purchases(orders: pd.DataFrame, as_of: date | None) -> pd.DataFrame:
    keep = ~orders["is_return"].to_numpy(dtype=bool)
    if as_of is not None:
        keep &= (orders["order_date"] < pd.Timestamp(as_of)).to_numpy()
    return orders.loc[keep]


def share_features(orders: pd.DataFrame, source: str, *, top: int = TOP_SHARES,
                   as_of: date | None = None) -> tuple[str, ...]:
    """Share feature names for the ``top`` most common values of ``source`` ("category" or "channel") on the
    purchase lines before ``as_of`` (most lines first, ties by value), plus the "other" share when more values
    exist.  () when the column is not mapped or has fewer than 2 values (one value is no choice)."""
    prefix = SHARE_SOURCES[source]
    if source not in orders.columns:
        return ()
    counts = _purchases(orders, as_of)[source].dropna().astype("str").value_counts()
    if len(counts) < 2:
        return ()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    names = tuple(f"{prefix}={value}" for value, _ in ranked[:top])
    return names + ((prefix + _OTHER,) if len(ranked) > top else ())


def with_shares(table: pd.DataFrame, orders: pd.DataFrame, names, *, as_of: date | None = None) -> pd.DataFrame:
    """``table`` plus the share columns ``names`` (see the module docstring), floats 0..1 per customer.

    Share = spend on purchase lines (before ``as_of``) with that value / all purchase spend of the customer,
    clipped to 0..1; the "other" share is 1 minus the named shares of the same source in ``names``.  A share
    whose order-line column is absent (not mapped) is left out, so the clusters say which feature is missing.
    """
    wanted = [n for n in dict.fromkeys(names) if is_share(n)]
    if not wanted or table.empty:
        return table
    purchases = _purchases(orders, as_of)
    ids = table["customer_id"].astype("str").to_numpy()
    position = pd.Index(ids)
    line_ids = purchases["customer_id"].astype("str")
    rows = position.get_indexer(line_ids)
    inside = rows >= 0
    rows = rows[inside]
    amount = purchases["amount"].to_numpy(dtype=float)[inside]
    total = np.bincount(rows, weights=amount, minlength=len(ids))
    spends = total > 0
    added: dict[str, np.ndarray] = {}
    for source in SHARE_SOURCES:
        mine = [n for n in wanted if _share_parts(n)[0] == source]
        if not mine or source not in purchases.columns or purchases[source].isna().all():
            continue
        cells = purchases[source].astype("str").to_numpy()[inside]
        named = np.zeros(len(ids))
        values = {_share_parts(n)[1] for n in wanted if _share_parts(n)[0] == source} - {None}
        for value in sorted(values):
            spend = np.bincount(rows, weights=np.where(cells == value, amount, 0.0), minlength=len(ids))
            share = np.clip(np.divide(spend, total, out=np.zeros(len(ids)), where=spends), 0.0, 1.0)
            named += share
            added[f"{SHARE_SOURCES[source]}={value}"] = share
        added[SHARE_SOURCES[source] + _OTHER] = np.where(spends, np.clip(1.0 - named, 0.0, 1.0), 0.0)
    return table.assign(**{n: pd.Series(added[n], index=table.index) for n in wanted if n in added})


def _with_signup_days(table: pd.DataFrame, as_of: date | None) -> pd.DataFrame:
    if "signup_date" not in table.columns or as_of is None:
        return table
    days = (pd.Timestamp(as_of) - pd.to_datetime(table["signup_date"], errors="coerce")).dt.days
    return table.assign(signup_days=days.astype("float64"))


def cluster_table(table: pd.DataFrame, orders: pd.DataFrame, features: ClusterFeatures, *,
                  as_of: date | None = None) -> pd.DataFrame:
    """``table`` with exactly the columns ``features`` needs that the customer table lacks: the share columns
    (:func:`with_shares`) and ``signup_days`` (needs ``as_of``).  ``orders`` are the clean order lines the
    table was made from (same analysis window and filters); ``as_of`` is the table's analysis date (lines on
    or after it are ignored, as in the customer table)."""
    missing = [n for n in features.numeric if n not in table.columns]
    if "signup_days" in missing:
        table = _with_signup_days(table, as_of)
    shares = [n for n in missing if is_share(n)]
    return with_shares(table, orders, shares, as_of=as_of) if shares else table


def attribute_candidates(table: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The customer attributes a marketer can add as features: (numeric, categorical) column names.

    Categorical: :data:`ATTRIBUTES` columns with 2..:data:`MAX_LEVELS` distinct values, then other text
    columns of the customer file alike.  Numeric: ``signup_days`` when the signup date varies, then other
    numeric columns of the customer file that vary.
    """
    extra = [c for c in table.columns if c not in _NOT_ATTRIBUTES and c not in ATTRIBUTES and not is_share(c)]
    numeric, categorical = [], []
    if "signup_date" in table.columns and pd.to_datetime(table["signup_date"], errors="coerce").nunique() > 1:
        numeric.append("signup_days")
    for column in [c for c in ATTRIBUTES if c in table.columns] + extra:
        values = table[column]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        if pd.api.types.is_numeric_dtype(values):
            if values.nunique() > 1:
                numeric.append(column)
        elif 2 <= values.dropna().nunique() <= MAX_LEVELS:
            categorical.append(column)
    return tuple(numeric), tuple(categorical)


def feature_label(name: str, lang: str) -> str:
    """A feature in words ("Share of spend in category: 奶粉", "City: 北京", "Orders"), as in the profiles."""
    return _cluster_names.feature_label(name, lang)


def feature_kind(name: str) -> str:
    """How a profile feature's mean reads: "percent" (shares and one-hot columns, 0..1), "log" (log money),
    else the registry kind of its column ("money", "count", "mean"...)."""
    if is_share(name) or ("=" in name and name not in DEFAULT_FEATURES):
        return "percent"
    if name == "log_monetary":
        return "log"
    entry = registered(name)
    return entry.kind if entry is not None else "mean"
