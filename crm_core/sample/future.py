"""Streams planted after the core demo data: the future period, and a dummy stream for tests.

Both build working order lines (the columns of :mod:`crm_core.sample.quirks`) from
their own random stream and are numbered in an id series of their own by
:func:`crm_core.sample.generator.finalize_orders`, so they never change a line or an
order id of the core data (see the generator's docstring).

The future period is what happened after the analysis date: for ``future_days``
days from ``SampleSpec.as_of``, each customer comes back with the chance of their
group (:data:`RETURN_CHANCE`) and then places orders at the pace of their group.
A customer with no purchase in that window churned, whatever their recency said.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from crm_core.sample.catalog import CATALOG, PROFILES, draw_channels, product_keys, timestamps
from crm_core.sample.quirks import COMPLETED

# Chance that a customer of the group buys at least once in the future window.  Recent, frequent groups mostly
# come back; lapsed ones rarely do.  Chances, not rules: a model must predict them, not read them off recency.
RETURN_CHANCE: Mapping[str, float] = {
    "champions": 0.95, "loyal": 0.85, "new": 0.40, "at_risk": 0.25, "lost": 0.05, "occasional": 0.45,
}
_YEAR_DAYS = 365


def plant_future(groups: pd.DataFrame, rng: np.random.Generator, *, end: date, future_days: int) -> pd.DataFrame:
    """Purchase lines dated in the ``future_days`` days after ``end`` + 1 day (the analysis date onwards).

    A returning customer places 1 + Poisson(pace - 1) orders, where pace is their group's mean yearly order
    count scaled to the window (at least 1); each order has 1-4 lines drawn like the core baskets.
    Returns working lines with kind "future" (empty if nobody returns).
    """
    profiles = [PROFILES[g] for g in groups["group"]]
    returns = rng.random(len(groups)) < np.array([RETURN_CHANCE[g] for g in groups["group"]])
    pace = np.array([(p.orders[0] + p.orders[1]) / 2 * future_days / _YEAR_DAYS for p in profiles])
    n_orders = np.where(returns, 1 + rng.poisson(np.maximum(pace - 1, 0)), 0)
    orders = groups.iloc[np.repeat(np.arange(len(groups)), n_orders)].reset_index(drop=True)
    days_ahead = rng.integers(0, future_days, size=len(orders))
    orders = orders.assign(order_date=timestamps(end, -(1 + days_ahead), rng),
                           channel=draw_channels(orders["group"], rng), order_key=np.arange(len(orders)))
    return _baskets(orders, rng, kind="future")


def plant_test_stream(groups: pd.DataFrame, rng: np.random.Generator, *, end: date, span_days: int) -> pd.DataFrame:
    """A dummy behaviour for tests: one single-line order for every tenth customer, somewhere in the year.

    It exists to prove that adding a stream leaves the existing lines and ids unchanged.
    """
    chosen = groups.iloc[::10].reset_index(drop=True)
    orders = chosen.assign(order_date=timestamps(end, rng.integers(0, span_days + 1, size=len(chosen)), rng),
                           channel=draw_channels(chosen["group"], rng), order_key=np.arange(len(chosen)))
    return _baskets(orders.assign(single=True), rng, kind="test").drop(columns="single")


def _baskets(orders: pd.DataFrame, rng: np.random.Generator, *, kind: str) -> pd.DataFrame:
    """Expand orders into lines of distinct products (1 + Poisson(extra_lines), at most 4; 1 if ``single``)."""
    extra = rng.poisson([PROFILES[g].extra_lines for g in orders["group"]]) if len(orders) else np.zeros(0, int)
    n_lines = 1 + np.minimum(extra, 3)
    if "single" in orders:
        n_lines = np.ones(len(orders), dtype=int)
    ranked = np.argsort(-product_keys(orders["group"], rng), axis=1, kind="stable")
    row, rank = np.nonzero(np.arange(len(CATALOG))[None, :] < n_lines[:, None])
    big = rng.random(len(row)) < np.array([PROFILES[g].multi_quantity for g in orders["group"]])[row]
    quantity = np.where(big, rng.choice([2, 3], size=len(row), p=[0.75, 0.25]), 1)
    lines = orders.iloc[row].reset_index(drop=True)
    return lines.assign(product_idx=ranked[row, rank].astype(int), quantity=quantity, status=COMPLETED, kind=kind)
