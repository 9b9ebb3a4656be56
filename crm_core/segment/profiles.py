"""What the customers of each group look like, for any segmentation (RFM segments, clusters, stages...).

One row per group: its size, average order value and tenure, and its most common favourite categories,
channels and cities with their shares, so a marketer sees not only how big and valuable a group is but what it
buys, where, and from which cities.
"""

from __future__ import annotations

import pandas as pd

from crm_core.segment.base import Segmentation

__all__ = ["segment_profiles"]

# Customer-table column -> the profile column listing its most common values.
MIX_COLUMNS = (("top_category", "category_mix"), ("channel", "channel_mix"), ("city", "city_mix"))


def _mix(values: pd.Series, top: int, lang: str) -> str:
    """The ``top`` most common values with their share of the group's customers, e.g. "Tea 50%, Coffee 25%".

    Shares are of all the group's customers (a customer without a value counts in the denominator), so a
    column mapped for few customers shows small shares rather than misleading 100%s.  Ties: by value.
    """
    counts = values.dropna().astype(str).value_counts()
    if counts.empty:
        return ""
    counts = counts.sort_index().sort_values(ascending=False, kind="stable").head(top)
    total = len(values)
    return ("、" if lang == "zh" else ", ").join(f"{value} {count / total:.0%}" for value, count in counts.items())


def segment_profiles(scored: pd.DataFrame, segmentation: Segmentation, *, lang: str = "en",
                     top: int = 3) -> pd.DataFrame:
    """One row per group of ``segmentation`` present in ``scored``, in its order.

    Columns: segment (key), segment_name, customers, avg_order_value (mean of the customers' average order
    values, money), tenure_days (mean days since the first purchase, whole days), then category_mix,
    channel_mix and city_mix (text: the ``top`` most common favourite category / channel / city with their
    shares of the group; "" when the column is absent or empty).
    """
    key = segmentation.key_column
    rows = []
    for group in segmentation.segments():
        members = scored[scored[key] == group]
        if members.empty:
            continue
        row = {"segment": group, "segment_name": segmentation.text(group, "name", lang),
               "customers": len(members),
               "avg_order_value": float(members["avg_order_value"].mean()) if "avg_order_value" in members else None,
               "tenure_days": int(round(members["tenure_days"].mean())) if "tenure_days" in members else None}
        for column, name in MIX_COLUMNS:
            row[name] = _mix(members[column], top, lang) if column in members.columns else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=["segment", "segment_name", "customers", "avg_order_value", "tenure_days",
                                       *(name for _, name in MIX_COLUMNS)])
