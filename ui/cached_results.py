"""Cached wrappers of the campaign results core (:mod:`crm_core.measure.outcomes`, :mod:`crm_core.measure.results`)
for the Campaign results page.

Uploaded tables are keyed on their digest and name (:class:`ui.cached_predict.TableKey`), the orders on the
:class:`ui.cached.DatasetKey`, the choices on frozen dataclasses; nothing here reads widgets or session state.
The rates, lifts and sentences are cheap on one campaign's rows and are computed on the page.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from crm_core import pipeline
from crm_core.measure import outcomes as oc
from crm_core.measure import results as rs
from crm_core.segment import rfm
from crm_core.settings import Scope
from ui import cached, cached_predict
from ui.cached import DatasetKey
from ui.cached_predict import TableKey

__all__ = ["exported_list", "later_orders", "model_truth", "outcomes", "proposal", "raw", "segment_names"]


def _cache(max_entries: int):
    return st.cache_data(max_entries=max_entries, ttl=cached.TTL_SECONDS, show_spinner=False,
                         hash_funcs=cached_predict._KEYED)


def raw(key: TableKey):
    """The uploaded outcomes (or later orders) as text (shared with the prediction pages' cache, read-only)."""
    return cached_predict.raw_table(key)


@_cache(8)
def proposal(key: TableKey) -> dict[str, str | None]:
    """The column of each outcome field, proposed from the headers."""
    return oc.propose_outcome_columns(raw(key).frame.columns)


@_cache(8)
def exported_list(key: TableKey) -> oc.ExportedList:
    """An exported list workbook read back (DataError ``cr_not_an_exported_list``)."""
    return oc.read_exported_list(key.data, key.name)


@_cache(8)
def outcomes(key: TableKey, columns: oc.OutcomeColumns, lists: tuple[TableKey, ...] = ()) -> oc.Outcomes:
    """The clean outcomes table, matched to the exported lists that could be read."""
    found = []
    for item in lists:
        try:
            found.append(exported_list(item))
        except Exception:  # noqa: BLE001 - a list that cannot be read is shown with its message by the page
            continue
    return oc.outcome_table(raw(key).frame, columns, lists=found)


@_cache(8)
def segment_names(orders: DatasetKey, as_of: date, params: rfm.RfmParams, scope: Scope, lang: str) -> pd.Series:
    """customer_id -> the RFM segment's name in ``lang`` (the RFM page's scores)."""
    scored = cached.rfm_scores(orders, as_of, params, scope)
    names = scored["segment"].map(lambda s: params.scheme.name(s, lang))
    return pd.Series(names.to_numpy(), index=scored["customer_id"].astype(str).to_numpy(), name="segment")


@_cache(4)
def later_orders(key: TableKey) -> pd.DataFrame:
    """The later orders as clean lines (:func:`crm_core.pipeline.load`): customer_id, order_date, is_return, ..."""
    lines = pipeline.load(key.data, key.name).result.orders
    return lines[["customer_id", "order_date", "is_return", "amount"]].assign(
        customer_id=lines["customer_id"].astype(str))


@_cache(8)
def model_truth(later: TableKey, customers: tuple[str, ...], start: date, days: int, kind: str) -> pd.Series:
    """What happened to each scored customer in the window: churned (``kind="churn"``) or bought."""
    lines = later_orders(later)
    outcome = rs.churn_outcome if kind == "churn" else rs.response_outcome
    return outcome(lines, customers, start=start, days=days)

# Cleared with the rest by "Clear my data" (ui.cached.clear_all): they hold customers' outcomes and orders.
CACHES = (proposal, exported_list, outcomes, segment_names, later_orders, model_truth)
