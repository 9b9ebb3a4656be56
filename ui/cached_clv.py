"""Cached wrappers of the lifetime-value core (:mod:`crm_core.predict.clv`) for the Lifetime value page.

Same rules as :mod:`ui.cached`: keyed on the :class:`ui.cached.DatasetKey` (the upload's digest and settings), the
analysis date and window, and the frozen :class:`ClvChoice`, each cache bounded.  Only what decides a result keys
it, so a display option (the heat map's measure, the list's length, the open tab) never fits the model again:

- the values themselves (:func:`crm_core.predict.clv.run_clv`, the costly step): :func:`run`, shared read-only;
- the per-customer summary the model reads (frequency, recency, T): :func:`summary`;
- the hold-out back-test, fitted again on the calibration period: :func:`backtest`;
- the frequency/recency grid of fitted parameters: :func:`grid`;
- the customer table with the values, for the list: :func:`valued_customers`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from crm_core.predict import clv
from crm_core.segment.combined import with_group_names
from crm_core.segment.rfm import RfmParams
from crm_core.settings import Scope
from ui import cached, cached_segments
from ui.cached import DatasetKey

__all__ = ["CACHES", "Fitted", "VALUE_COLUMNS", "backtest", "deciles", "first_day", "grid", "run", "summary",
           "valued_customers"]

VALUE_COLUMNS = ("prob_alive", "expected_purchases", "expected_order_value", "clv")


@dataclass(frozen=True, eq=False)
class Fitted:
    """The values (:class:`crm_core.predict.clv.ClvResult`) with the seconds they took (shown to her)."""

    result: clv.ClvResult
    seconds: float


@cached._shared(4)
def _run(key: DatasetKey, as_of: date, scope: Scope, choice: clv.ClvChoice) -> Fitted:
    orders = cached_segments.scoped_orders(key, as_of, scope)
    start = time.perf_counter()
    result = clv.run_clv(orders, as_of=as_of, choice=choice)
    return Fitted(result=result, seconds=time.perf_counter() - start)


def run(key: DatasetKey, as_of: date, scope: Scope, choice: clv.ClvChoice) -> Fitted:
    """Each customer's lifetime value as of ``as_of`` for the orders in the window (shared, read-only)."""
    return _run(key, as_of, scope, choice)


@cached._cache(8)
def summary(key: DatasetKey, as_of: date, scope: Scope, unit_days: float) -> pd.DataFrame:
    """:func:`crm_core.predict.clv.clv_summary` of the window's orders (frequency, recency, T, monetary_value)."""
    return clv.clv_summary(cached_segments.scoped_orders(key, as_of, scope), as_of=as_of, unit_days=unit_days)


@cached._cache(8)
def backtest(key: DatasetKey, as_of: date, scope: Scope, calibration_end: date, unit_days: float) -> pd.DataFrame:
    """The hold-out back-test (:func:`crm_core.predict.clv.backtest`): fitted on the lines before
    ``calibration_end``, predicted and counted from then to the analysis date."""
    orders = cached_segments.scoped_orders(key, as_of, scope)
    return clv.backtest(orders, calibration_end=calibration_end, holdout_end=as_of, unit_days=unit_days)


@cached._cache(16)
def grid(params: clv.BgNbdParams, max_frequency: int, max_T: float, what: str, horizon: float) -> pd.DataFrame:
    """:func:`crm_core.predict.clv.frequency_recency_grid` of fitted parameters (``what``: purchases in the next
    ``horizon`` time units / alive)."""
    return clv.frequency_recency_grid(params, max_frequency=max_frequency, max_T=max_T, what=what, t=horizon)


@cached._cache(8)
def first_day(key: DatasetKey, as_of: date, scope: Scope) -> date:
    """The day of the window's first order line (the back-test's calibration must end after it)."""
    orders = cached_segments.scoped_orders(key, as_of, scope)
    dates = orders["order_date"]
    return dates.min().date() if len(dates) else as_of


def _ranked(values: pd.Series) -> pd.Series:
    """1..10 per customer, 1 = the highest tenth of values; ties broken by order, so the groups are equal-sized."""
    order = np.argsort(-values.to_numpy(dtype=float), kind="stable")
    tenth = np.empty(len(values), dtype=np.int64)
    tenth[order] = np.arange(len(values)) * 10 // max(len(values), 1) + 1
    return pd.Series(tenth, index=values.index)


@cached._cache(8)
def deciles(key: DatasetKey, as_of: date, scope: Scope, choice: clv.ClvChoice) -> pd.DataFrame:
    """Customers, total, average, lowest and highest value and share of the total per tenth of customers
    (``decile`` 1 = the most valuable tenth), from :func:`run`."""
    values = run(key, as_of, scope, choice).result.table["clv"].astype(float).fillna(0.0)
    tenth = _ranked(values)
    frame = pd.DataFrame({"decile": tenth.to_numpy(), "clv": values.to_numpy()})
    table = frame.groupby("decile")["clv"].agg(customers="size", total="sum", average="mean", lowest="min",
                                               highest="max").reset_index()
    whole = float(values.sum())
    return table.assign(share=table["total"] / whole if whole else 0.0)


@cached._cache(4)
def valued_customers(key: DatasetKey, as_of: date, scope: Scope, choice: clv.ClvChoice, params: RfmParams,
                     lang: str) -> pd.DataFrame:
    """The customer table (with the RFM segment names) and each customer's values (:data:`VALUE_COLUMNS`,
    ``clv_decile`` "D1".."D10"), most valuable first; customers without a value are left out."""
    table = with_group_names(cached.rfm_scores(key, as_of, params, scope), rfm_params=params, lang=lang)
    values = run(key, as_of, scope, choice).result.table
    values = values[[c for c in VALUE_COLUMNS if c in values.columns]]
    values = values.assign(clv_decile=_ranked(values["clv"].astype(float).fillna(0.0)).map("D{}".format))
    ids = table["customer_id"].astype(str)
    joined = table.assign(**{c: ids.map(values[c]) for c in values.columns})
    joined = joined[ids.isin(values.index).to_numpy()]
    return joined.sort_values("clv", ascending=False, kind="stable").reset_index(drop=True)


CACHES = (_run, summary, backtest, grid, first_day, deciles, valued_customers)
