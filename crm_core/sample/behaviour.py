"""Planted behaviour clusters: customers of their own (ids "K00001" ...) in four groups a marketer knows.

A stream added after the core demo data (see :mod:`crm_core.sample.generator`): its customers, orders,
identities and future purchases are drawn from random streams of their own and appended, so no core line,
id, customer or master row changes.  The groups are far apart on the default cluster features
(:data:`crm_core.segment.clusters.DEFAULT_FEATURES`: log spend, orders, recency, average order value and
tenure), so clustering must find them again (tests/core/test_planted_clusters.py):

=====================  ======  =====================  =========================  ===============  =======
cluster                orders  first / last order,    basket                     channels         stage
                               days before the end
=====================  ======  =====================  =========================  ===============  =======
frequent_low_ticket    12-18   300-364 / 0-10         1 item of <= 80 yuan       mini program,    active
(高频低客单价)                                                                     store
rare_high_ticket       2-3     280-364 / 100-170      1 item of 499-1,299 yuan   Tmall, JD        silent
(低频高客单价)
dormant (休眠)          2-4     320-364 / 275-319      1-2 items of 40-200 yuan   Tmall, JD        churned
new_high_potential     2-3     20-60 / 0-14           2-3 items of 99-399 yuan   mini program     new
(高潜新客)
=====================  ======  =====================  =========================  ===============  =======

"stage" is the lifecycle stage the default windows (:class:`crm_core.segment.lifecycle.LifecycleWindows`:
new 90, active 90, churned 180 days) give by construction; the truth records it as ``expected_stage``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from crm_core.sample.catalog import CATALOG, CHANNELS, timestamps
from crm_core.sample.quirks import COMPLETED

ID_PREFIX = "K"


@dataclass(frozen=True)
class BehaviourProfile:
    """How one planted behaviour cluster buys.

    ``first_order`` / ``last_order``: windows (days before the last day of the data, inclusive) of a customer's
    first and last order; with 3 or more orders, the one before the last comes within 30 days of it, and the
    others fall uniformly between the first and the last.  Items are drawn uniformly from the catalogue
    products priced within ``prices`` (yuan).  ``future_chance``: chance of buying in the future period, at
    ``future_pace`` orders (Poisson mean, at least 1) when they do.
    """

    name_zh: str
    name_en: str
    orders: tuple[int, int]
    first_order: tuple[int, int]
    last_order: tuple[int, int]
    lines: tuple[int, int]
    prices: tuple[float, float]
    multi_quantity: float  # chance a line has quantity 2
    channels: tuple[float, float, float, float]  # shares of CHANNELS
    stage: str
    future_chance: float
    future_pace: float


BEHAVIOURS: Mapping[str, BehaviourProfile] = {
    "frequent_low_ticket": BehaviourProfile("高频低客单价", "Frequent, low ticket", (12, 18), (300, 364), (0, 10),
                                            (1, 1), (0, 80), 0.15, (0.10, 0.05, 0.55, 0.30), "active", 0.9, 4.0),
    "rare_high_ticket": BehaviourProfile("低频高客单价", "Infrequent, high ticket", (2, 3), (280, 364), (100, 170),
                                         (1, 1), (499, 1299), 0.0, (0.45, 0.45, 0.05, 0.05), "silent", 0.3, 1.0),
    "dormant": BehaviourProfile("休眠", "Dormant", (2, 4), (320, 364), (275, 319), (1, 2), (40, 200), 0.1,
                                (0.45, 0.35, 0.05, 0.15), "churned", 0.08, 1.0),
    "new_high_potential": BehaviourProfile("高潜新客", "New, high potential", (2, 3), (20, 60), (0, 14), (2, 3),
                                           (99, 399), 0.1, (0.20, 0.10, 0.60, 0.10), "new", 0.7, 1.5),
}
CLUSTERS = tuple(BEHAVIOURS)


def assign_clusters(n_customers: int, rng: np.random.Generator) -> pd.DataFrame:
    """customer_id ("K00001" ...) and behaviour_cluster: equal counts (the first clusters take any remainder),
    in random order."""
    counts = np.full(len(CLUSTERS), n_customers // len(CLUSTERS))
    counts[: n_customers % len(CLUSTERS)] += 1
    clusters = rng.permutation(np.repeat(np.array(CLUSTERS), counts))
    ids = [f"{ID_PREFIX}{i:05d}" for i in range(1, n_customers + 1)]
    return pd.DataFrame({"customer_id": ids, "behaviour_cluster": clusters}).astype("str")


def _profiles(members: pd.DataFrame) -> list[BehaviourProfile]:
    return [BEHAVIOURS[c] for c in members["behaviour_cluster"]]


def _channels(profiles: list[BehaviourProfile], rng: np.random.Generator) -> np.ndarray:
    cumulative = np.cumsum([p.channels for p in profiles], axis=1)
    picks = (rng.random(len(profiles))[:, None] > cumulative[:, :-1]).sum(axis=1)
    return np.array(CHANNELS)[picks]


def _baskets(orders: pd.DataFrame, rng: np.random.Generator, *, kind: str) -> pd.DataFrame:
    """Expand orders into lines of distinct products priced within the cluster's range (working line columns of
    :mod:`crm_core.sample.quirks`; ``group`` is the behaviour cluster)."""
    profiles = _profiles(orders)
    low, high = (np.array([p.lines[i] for p in profiles], dtype=int) for i in (0, 1))
    n_lines = rng.integers(low, high + 1) if len(orders) else np.zeros(0, int)
    prices = np.array([p.price for p in CATALOG])
    allowed = np.array([(prices >= p.prices[0]) & (prices <= p.prices[1]) for p in profiles]).reshape(
        len(orders), len(CATALOG))
    keys = np.where(allowed, rng.random((len(orders), len(CATALOG))), -1.0)  # uniform over the allowed products
    ranked = np.argsort(-keys, axis=1, kind="stable")
    row, rank = np.nonzero(np.arange(len(CATALOG))[None, :] < n_lines[:, None])
    double = rng.random(len(row)) < np.array([p.multi_quantity for p in profiles])[row] if len(row) else row > 0
    lines = orders.iloc[row].reset_index(drop=True)
    return lines.assign(product_idx=ranked[row, rank].astype(int), quantity=np.where(double, 2, 1),
                        status=COMPLETED, kind=kind)


def plant_behaviour_orders(members: pd.DataFrame, rng: np.random.Generator, *, end: date) -> pd.DataFrame:
    """Working purchase lines of ``members`` (customer_id, behaviour_cluster) dated as their cluster buys."""
    profiles = _profiles(members)
    low, high = (np.array([p.orders[i] for p in profiles]) for i in (0, 1))
    n_orders = rng.integers(low, high + 1)
    first = rng.integers(*np.array([p.first_order for p in profiles]).T + np.array([[0], [1]]))
    last = rng.integers(*np.array([p.last_order for p in profiles]).T + np.array([[0], [1]]))
    owner = np.repeat(np.arange(len(members)), n_orders)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(n_orders) - n_orders, n_orders)
    between = rng.integers(last[owner], first[owner] + 1)
    # the order before the last comes within 30 days of it, so no gap makes a recent buyer "reactivated"
    before_last = np.minimum(last[owner] + rng.integers(0, 31, size=len(owner)), first[owner])
    days_back = np.select([position == 0, position == 1, position == 2],
                          [first[owner], last[owner], before_last], between)
    orders = members.iloc[owner].reset_index(drop=True)
    orders = orders.assign(group=orders["behaviour_cluster"], order_date=timestamps(end, days_back, rng))
    orders = orders.assign(channel=_channels(_profiles(orders), rng), order_key=np.arange(len(orders)))
    return _baskets(orders, rng, kind="purchase").drop(columns="behaviour_cluster")


def plant_behaviour_future(members: pd.DataFrame, rng: np.random.Generator, *, end: date,
                           future_days: int) -> pd.DataFrame:
    """Working purchase lines in the ``future_days`` days after ``end`` + 1 day: each member comes back with their
    cluster's chance and then places 1 + Poisson(pace - 1) orders (pace scaled to the window)."""
    profiles = _profiles(members)
    returns = rng.random(len(members)) < np.array([p.future_chance for p in profiles])
    pace = np.array([p.future_pace for p in profiles]) * future_days / 90
    n_orders = np.where(returns, 1 + rng.poisson(np.maximum(pace - 1, 0)), 0)
    orders = members.iloc[np.repeat(np.arange(len(members)), n_orders)].reset_index(drop=True)
    days_ahead = rng.integers(0, future_days, size=len(orders))
    orders = orders.assign(group=orders["behaviour_cluster"], order_date=timestamps(end, -(1 + days_ahead), rng))
    orders = orders.assign(channel=_channels(_profiles(orders), rng), order_key=np.arange(len(orders)))
    return _baskets(orders, rng, kind="future").drop(columns="behaviour_cluster")


def expected_stages(members: pd.DataFrame) -> pd.Series:
    """The lifecycle stage each member's cluster gives by construction, indexed by customer_id."""
    return pd.Series([BEHAVIOURS[c].stage for c in members["behaviour_cluster"]],
                     index=pd.Index(members["customer_id"], name="customer_id"), name="expected_stage", dtype="str")
