"""Cached wrappers of the prediction core (:mod:`crm_core.predict`) for the Churn and Response pages.

Same rules as :mod:`ui.cached`: nothing cached takes a DataFrame as a key.  The orders travel inside the
:class:`ui.cached.DatasetKey`, an uploaded table inside a :class:`TableKey` (hashed on its SHA-256, never on its
bytes), and every choice is a frozen dataclass (hashed exactly).  Each step is keyed on the part of the choice that
decides it, so a slider changes only what depends on it:

- training (the costly step: model comparison, out-of-fold scores, importance) depends on everything but the
  threshold (churn) or the cost and margin (response): :func:`churn_prediction`, :func:`response_prediction`,
  shared read-only (never mutate what they return);
- the retention list and the quadrants add the threshold; the targeting table adds the cost and margin.

Training reports its progress through a callback that draws on the page.  A cached function records the
elements drawn while it runs and draws them again on a later hit, which fails for elements of a container made
outside it; :func:`_live` therefore draws the progress outside that recording (the bar is for the first run only).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
import streamlit as st

from crm_core import pipeline
from crm_core.predict import labels, metrics
from crm_core.predict.churn import ChurnChoice, Prediction, retention_list, risk_value_quadrants, run_churn
from crm_core.predict.response import ResponseChoice, response_targeting, run_response
from crm_core.predict.table import guess_campaign_date
from crm_core.predict.targeting import targeting_table
from crm_core.schema import RawTable
from ui import cached
from ui.cached import DatasetKey

__all__ = ["CACHES", "TableKey", "churn_prediction", "churn_train_part", "evaluation_tables", "quadrants",
           "raw_table", "response_prediction", "response_train_part", "retention", "table_key", "targeting"]

_CHURN = ChurnChoice()
_RESPONSE = ResponseChoice()


@dataclass(frozen=True)
class TableKey:
    """An uploaded table (a customer table with a label column, or a campaign's results): hashed on its digest and
    name, never on its bytes."""

    digest: str
    data: bytes = dataclasses.field(compare=False, hash=False, repr=False)
    name: str = ""

    def cache_token(self) -> tuple:
        return (self.digest, self.name)


def table_key(upload) -> TableKey | None:
    """The key of a :class:`ui.uploads.Upload` (None for None)."""
    return None if upload is None else TableKey(upload.digest, upload.data, upload.name)


_KEYED = {**cached._KEYED, TableKey: TableKey.cache_token}


def _cache(max_entries: int):
    return st.cache_data(max_entries=max_entries, ttl=cached.TTL_SECONDS, show_spinner=False, hash_funcs=_KEYED)


def _shared(max_entries: int):
    return st.cache_resource(max_entries=max_entries, ttl=cached.TTL_SECONDS, show_spinner=False,
                             hash_funcs=_KEYED)


# One wrapper for the whole app: ui.cached.live_progress.
_live = cached.live_progress


@_shared(4)
def raw_table(key: TableKey) -> RawTable:
    """The uploaded table as text (:func:`crm_core.pipeline.read`); shared, read-only."""
    return pipeline.read(key.data, key.name)


# --- churn ----------------------------------------------------------------------------------------------------
@_cache(16)
def default_cutoff(orders: DatasetKey, as_of: date, horizon_days: int) -> tuple[date, date]:
    """(the default cutoff for ``horizon_days``, the first day not observed) of the orders before ``as_of``: the
    latest cutoff whose horizon the data covers (:func:`crm_core.predict.labels.default_cutoff`)."""
    lines = cached.cleaned(orders).orders
    known = lines[lines["order_date"] < pd.Timestamp(as_of)]
    return labels.default_cutoff(known, horizon_days), labels.observed_end(known)


def churn_train_part(choice: ChurnChoice) -> ChurnChoice:
    """What decides the training (the threshold at its default, so moving the slider hits the cache); the
    orders source ignores the table's columns and the table source the orders' horizon and cutoff."""
    if choice.source == "table":
        return replace(_CHURN, source="table", target=choice.target, id_column=choice.id_column,
                       exclude=choice.exclude, model=choice.model, folds=choice.folds, seed=choice.seed)
    return replace(_CHURN, horizon_days=choice.horizon_days, cutoff=choice.cutoff, model=choice.model,
                   folds=choice.folds, rolling=choice.rolling, seed=choice.seed)


@_shared(4)
def _churn(orders: DatasetKey | None, table: TableKey | None, as_of: date | None, part: ChurnChoice,
           _progress: Callable | None = None) -> Prediction:
    if part.source == "table":
        return run_churn(None, choice=part, table=raw_table(table).frame, progress=_live(_progress))
    result = cached.cleaned(orders)
    return run_churn(result.orders, result.customers, choice=part, as_of=as_of, progress=_live(_progress))


def churn_prediction(orders: DatasetKey | None, table: TableKey | None, as_of: date | None, choice: ChurnChoice,
                     progress: Callable | None = None) -> Prediction:
    """:func:`crm_core.predict.churn.run_churn` of the choice on the session's orders (as of ``as_of``) or on the
    uploaded table (shared, read-only).  ``progress(done, total, model)`` is called while the models train (first
    run only)."""
    part = churn_train_part(choice)
    if part.source == "table":
        return _churn(None, table, None, part, progress)
    return _churn(orders, None, as_of, part, progress)


def _churn_args(orders, table, as_of, choice) -> tuple:
    part = churn_train_part(choice)
    return (None, table, None, part) if part.source == "table" else (orders, None, as_of, part)


def _value(prediction: Prediction, value_column: str | None) -> pd.Series | None:
    if value_column is None or value_column not in prediction.scores.columns:
        return None
    return pd.to_numeric(prediction.scores[value_column], errors="coerce").astype(float)


@_cache(8)
def _retention(orders, table, as_of, part: ChurnChoice, threshold: float, lang: str,
               value_column: str | None) -> pd.DataFrame:
    prediction = _churn(orders, table, as_of, part)
    return retention_list(prediction, _value(prediction, value_column), threshold=threshold, lang=lang)


def retention(orders: DatasetKey | None, table: TableKey | None, as_of: date | None, choice: ChurnChoice,
              lang: str, value_column: str | None = None) -> pd.DataFrame:
    """The retention list at the choice's threshold (:func:`crm_core.predict.churn.retention_list`, value = the
    customers' spend before the analysis date, the table's ``value_column``, or 1 for a table without one)."""
    return _retention(*_churn_args(orders, table, as_of, choice), float(choice.threshold), lang, value_column)


@_cache(8)
def _quadrants(orders, table, as_of, part: ChurnChoice, threshold: float, value_column: str | None) -> pd.DataFrame:
    prediction = _churn(orders, table, as_of, part)
    return risk_value_quadrants(prediction, _value(prediction, value_column), threshold=threshold)


def quadrants(orders: DatasetKey | None, table: TableKey | None, as_of: date | None, choice: ChurnChoice,
              value_column: str | None = None) -> pd.DataFrame:
    """Every scored customer's high/low value x high/low risk group at the choice's threshold."""
    return _quadrants(*_churn_args(orders, table, as_of, choice), float(choice.threshold), value_column)


# --- response ---------------------------------------------------------------------------------------------------
def response_train_part(choice: ResponseChoice) -> ResponseChoice:
    """What decides the training (cost and margin at their defaults: changing them hits the cache)."""
    if choice.source == "table":
        return replace(_RESPONSE, source="table", target=choice.target, id_column=choice.id_column,
                       exclude=choice.exclude, model=choice.model, folds=choice.folds, seed=choice.seed)
    return replace(_RESPONSE, customer_col=choice.customer_col, contacted_col=choice.contacted_col,
                   responded_col=choice.responded_col, campaign_date=choice.campaign_date, exclude=choice.exclude,
                   model=choice.model, folds=choice.folds, seed=choice.seed)


@_shared(4)
def _response(orders: DatasetKey | None, source: TableKey, as_of: date | None, part: ResponseChoice,
              _progress: Callable | None = None) -> Prediction:
    frame = raw_table(source).frame
    if part.source == "table":
        return run_response(None, choice=part, table=frame, progress=_live(_progress))
    result = cached.cleaned(orders)
    return run_response(result.orders, result.customers, choice=part, results=frame, as_of=as_of,
                        progress=_live(_progress))


def _response_args(orders, source, as_of, choice) -> tuple:
    part = response_train_part(choice)
    return (None, source, None, part) if part.source == "table" else (orders, source, as_of, part)


def response_prediction(orders: DatasetKey | None, source: TableKey, as_of: date | None, choice: ResponseChoice,
                        progress: Callable | None = None) -> Prediction:
    """:func:`crm_core.predict.response.run_response` of the choice: ``source`` is the campaign's results (with
    the session's orders, scored as of ``as_of``) or the customer table with a response column (shared,
    read-only)."""
    return _response(*_response_args(orders, source, as_of, choice), progress)


@_cache(16)
def _targeting(orders, source, as_of, part: ResponseChoice, cost: float, margin: float) -> pd.DataFrame:
    prediction = _response(orders, source, as_of, part)
    return response_targeting(prediction, replace(part, cost_per_contact=cost, margin_per_response=margin))


def targeting(orders: DatasetKey | None, source: TableKey, as_of: date | None, choice: ResponseChoice) -> pd.DataFrame:
    """The targeting table (:func:`crm_core.predict.response.response_targeting`) at the choice's cost and margin."""
    return _targeting(*_response_args(orders, source, as_of, choice), float(choice.cost_per_contact),
                      float(choice.margin_per_response))


@_cache(32)
def _at_k(orders, source, as_of, part: ResponseChoice, cost: float, margin: float, k: int) -> dict:
    p = _response(orders, source, as_of, part).scores["p"].astype(float)
    top = p.sort_values(ascending=False, kind="stable").head(k)
    rows = targeting_table(top, cost_per_contact=cost, margin_per_response=margin, base_rate=float(p.mean()),
                           steps=max(k, 1))
    row = rows[rows["contacted"] == k].iloc[-1]
    return {"contacted": k, "expected_responders": float(row["expected_responders"]),
            "random_responders": float(row["random_responders"]), "response_rate": float(row["response_rate"]),
            "random_rate": float(p.mean()), "profit": float(row["profit"]),
            "random_profit": float(row["random_profit"])}


def at_k(orders: DatasetKey | None, source: TableKey, as_of: date | None, choice: ResponseChoice, k: int) -> dict:
    """Contacting the top ``k`` by propensity: expected responders, response rate and profit, and the same for ``k``
    customers at random (:func:`crm_core.predict.targeting.targeting_table` of the top ``k`` scores with the base
    rate of all scored customers)."""
    return _at_k(*_response_args(orders, source, as_of, choice), float(choice.cost_per_contact),
                 float(choice.margin_per_response), int(k))


@_cache(8)
def campaign_date(source: TableKey) -> date | None:
    """The day the campaign went out, when the results say it: the one date of a date column (None otherwise)."""
    found = guess_campaign_date(raw_table(source).frame)
    return None if found is None else found[1]


# --- evaluation -------------------------------------------------------------------------------------------------
def evaluation_tables(prediction: Prediction) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(gains by decile, calibration) of the prediction's held-out customers (cheap: a few ms)."""
    y, p = prediction.evaluation["y"], prediction.evaluation["p"]
    return metrics.gains_table(y, p), metrics.calibration_table(y, p)


CACHES = (raw_table, default_cutoff, _churn, _retention, _quadrants, _response, _targeting, _at_k, campaign_date)
