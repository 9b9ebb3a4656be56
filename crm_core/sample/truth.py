"""The planted truth and counts of the demo data, derived from the generated frames themselves.

See :mod:`crm_core.sample.generator` for what is planted; nothing here draws random numbers.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from crm_core.sample import files as sample_files
from crm_core.sample.catalog import BUNDLES
from crm_core.sample.quirks import COMPLETED

CHURN_DAYS = 120  # churned: no purchase in the CHURN_DAYS days before the analysis date
# Lifecycle stage (default LifecycleWindows: new 90, active 90, churned 180 days) that core groups get by
# construction: one order 0-29 days before the end is new; every order 271+ days before it is churned.
CORE_STAGES = {"new": "new", "lost": "churned"}


def purchases(orders: pd.DataFrame) -> pd.DataFrame:
    """Completed, non-return lines of known customers: what RFM counts as buying."""
    keep = (orders["status"] == COMPLETED) & (orders["quantity"] > 0) & orders["customer_id"].notna()
    return orders[keep]


def bundle_orders(orders: pd.DataFrame) -> pd.Series:
    """Purchase order ids holding every item of at least one bundle, with the owning customer_id."""
    bought = purchases(orders)
    found = []
    for items in BUNDLES.values():
        hits = bought[bought["product"].isin(items)].groupby("order_id")["product"].nunique()
        found.append(hits.index[(hits == len(items)).to_numpy()])
    ids = pd.Index(np.unique(np.concatenate([np.asarray(f) for f in found])), name="order_id")
    return bought.drop_duplicates("order_id").set_index("order_id")["customer_id"].reindex(ids)


def derive_truth(orders: pd.DataFrame, groups: pd.DataFrame, cross_sell: pd.Series, duplicate_of: pd.Series,
                 future: pd.DataFrame, *, as_of: date, behaviour: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per customer_id: group, churned, bundle_buyer, duplicate_of, cross_sell_product, future_orders,
    churned_in_future, behaviour_cluster, expected_stage.

    The core customers (``groups``) come first, then the planted behaviour clusters' customers (``behaviour``:
    customer_id, behaviour_cluster; group missing).
    churned: the last purchase is more than CHURN_DAYS days before ``as_of`` (the analysis date).
    bundle_buyer: some order of theirs holds a full bundle.
    future_orders: their purchase orders in ``future``; churned_in_future: none.
    behaviour_cluster: the planted cluster (:data:`crm_core.sample.behaviour.BEHAVIOURS`), missing for the core
    customers.  expected_stage: the lifecycle stage planted by construction (:data:`CORE_STAGES` and each
    behaviour cluster's stage), missing where the data does not fix it.
    """
    from crm_core.sample.behaviour import expected_stages

    if behaviour is None:
        behaviour = pd.DataFrame({"customer_id": pd.Series(dtype="str"), "behaviour_cluster": pd.Series(dtype="str")})
    future_orders = future.groupby("customer_id")["order_id"].nunique()
    last = purchases(orders).groupby("customer_id")["order_date"].max()
    recency = (pd.Timestamp(as_of) - last.dt.normalize()).dt.days
    ids = pd.concat([groups["customer_id"], behaviour["customer_id"]], ignore_index=True)
    group = groups["group"].reindex(range(len(ids)))
    stage = pd.concat([groups["group"].map(CORE_STAGES), expected_stages(behaviour).reset_index(drop=True)],
                      ignore_index=True)
    return pd.DataFrame({
        "customer_id": ids,
        "group": group,
        "churned": (recency.reindex(ids) > CHURN_DAYS).to_numpy(),
        "bundle_buyer": ids.isin(bundle_orders(orders)).to_numpy(),
        "duplicate_of": duplicate_of.reindex(ids).to_numpy(),
        "cross_sell_product": cross_sell.reindex(ids).to_numpy(),
        "future_orders": future_orders.reindex(ids, fill_value=0).astype("int64").to_numpy(),
        "churned_in_future": ~ids.isin(future_orders.index).to_numpy(),
        "behaviour_cluster": pd.concat([pd.Series([None] * len(groups), dtype="str"), behaviour["behaviour_cluster"]],
                                       ignore_index=True).to_numpy(),
        "expected_stage": stage.to_numpy(),
    }).astype({"group": "str", "duplicate_of": "str", "cross_sell_product": "str", "behaviour_cluster": "str",
               "expected_stage": "str"})


def planted_counts(orders: pd.DataFrame, customers: pd.DataFrame, truth: pd.DataFrame) -> dict[str, int]:
    """Counts of what the ingest should find and report, computed from the data itself.

    currency_text_amounts: lines whose amount the Chinese CSV writes like "¥1,299.00" (one channel's rows).
    multi_item_orders / bundle_orders: purchase orders with 2+ distinct products / with a full bundle.
    """
    bought = purchases(orders)
    cancelled = orders[orders["status"] != COMPLETED]
    return {
        "order_lines": len(orders),
        "customers": len(customers),
        "walk_in_lines": int(orders["customer_id"].isna().sum()),
        "return_lines": int((orders["quantity"] < 0).sum()),
        "cancelled_orders": cancelled["order_id"].nunique(),
        "cancelled_lines": len(cancelled),
        "duplicate_pairs": int(truth["duplicate_of"].notna().sum()),
        "consent_false": int((~customers["consent"]).sum()),
        "missing_email": int(customers["email"].isna().sum()),
        "currency_text_amounts": int((orders["channel"] == sample_files.CURRENCY_TEXT_CHANNEL).sum()),
        "multi_item_orders": int((bought.groupby("order_id")["product"].nunique() >= 2).sum()),
        "bundle_orders": len(bundle_orders(orders)),
        "bundle_buyers": int(truth["bundle_buyer"].sum()),
        "cross_sell_customers": int(truth["cross_sell_product"].notna().sum()),
    }
