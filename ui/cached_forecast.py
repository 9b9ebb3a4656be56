"""Cached wrappers of the forecast core (:mod:`crm_core.measure.forecast`) for the Forecast page.

Same rules as :mod:`ui.cached`: keyed on the orders' :class:`ui.cached.DatasetKey` or the sales table's
:class:`ui.cached_predict.TableKey` (digests, never the bytes), the columns and the frozen
:class:`ForecastChoice`; nothing here reads widgets or session state.  The series (cheap) and the forecasts
(about a second per series: both models fitted twice, backtest and final) are cached apart, so changing the models
or the horizon does not rebuild the series.  Results are small (a few hundred rows): copied per hit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from crm_core.measure import forecast as fc
from crm_core.schema import Note
from crm_core.segment import rfm
from crm_core.settings import Scope
from ui import cached, cached_predict
from ui.cached import DatasetKey
from ui.cached_predict import TableKey

__all__ = ["Series", "Source", "forecasts", "order_series", "table_columns", "table_series", "workbook"]

_cache = cached_predict._cache


@dataclass(frozen=True, eq=False)
class Series:
    """A series frame (:func:`crm_core.measure.forecast.series_from_orders` / ``series_from_table``) with what
    building it left out (``attrs`` do not travel through the cache, so they are carried here)."""

    frame: pd.DataFrame
    notes: tuple[Note, ...]
    excluded: pd.DataFrame


def _series(frame: pd.DataFrame) -> Series:
    return Series(frame=frame, notes=fc.series_notes(frame), excluded=fc.excluded_rows(frame))


def _part(choice: fc.ForecastChoice) -> fc.ForecastChoice:
    """What decides the series (frequency, measure, grouping): the rest at its default, to share the entry."""
    return replace(fc.ForecastChoice(), freq=choice.freq, measure=choice.measure, by=choice.by)


@_cache(8)
def _order_series(key: DatasetKey, part: fc.ForecastChoice, as_of: date | None, params: rfm.RfmParams | None,
                  scope: Scope, lang: str) -> Series:
    orders = cached.cleaned(key).orders
    groups = None
    if part.by == "segment":
        from crm_core.segment.combined import with_group_names

        scored = cached.rfm_scores(key, as_of, params, scope)
        named = with_group_names(scored, rfm_params=params, lang=lang)
        groups = named.set_index("customer_id")["rfm_segment_name"]
    by = "channel" if part.by == "channel" else None
    return _series(fc.series_from_orders(orders, freq=part.freq, measure=part.measure, by=by, groups=groups))


def order_series(key: DatasetKey, choice: fc.ForecastChoice, *, as_of: date | None = None,
                 params: rfm.RfmParams | None = None, scope: Scope = Scope(), lang: str = "en") -> Series:
    """The weekly or monthly series of the session's orders (per RFM segment: the segments scored at ``as_of``
    with ``params`` over ``scope``, named in ``lang``)."""
    segment = choice.by == "segment"
    return _order_series(key, _part(choice), as_of if segment else None, params if segment else None,
                         scope if segment else Scope(), lang if segment else "en")


@_cache(8)
def table_columns(key: TableKey) -> tuple[tuple[str, ...], dict[str, str | None]]:
    """The sales table's columns and the proposed date / revenue / orders / group columns."""
    frame = cached_predict.raw_table(key).frame
    return tuple(str(c) for c in frame.columns), fc.propose_sales_columns(frame.columns)


@_cache(8)
def table_series(key: TableKey, date_column: str, value: str, group: str | None, freq: str) -> Series:
    """The sales table as the chosen frequency (one column per ``group`` value, or "total")."""
    frame = cached_predict.raw_table(key).frame
    return _series(fc.series_from_table(frame, date=date_column, value=value, group=group, freq=freq))


@dataclass(frozen=True)
class Source:
    """Where the series comes from: the session's orders (``orders`` key, with the RFM scoring for per-segment
    series) or a sales table (``table`` key and its columns).  Hashable: it keys the forecast caches."""

    orders: DatasetKey | None = None
    table: TableKey | None = None
    columns: tuple[str | None, str | None, str | None] = (None, None, None)  # date, value, group of the table
    as_of: date | None = None
    params: rfm.RfmParams | None = None
    scope: Scope = Scope()
    lang: str = "en"

    def cache_token(self) -> tuple:
        return (None if self.orders is None else self.orders.cache_token(),
                None if self.table is None else self.table.cache_token(), self.columns, self.as_of, self.params,
                self.scope, self.lang)

    def series(self, choice: fc.ForecastChoice) -> Series:
        if self.orders is not None:
            return order_series(self.orders, choice, as_of=self.as_of, params=self.params, scope=self.scope,
                                lang=self.lang)
        date_column, value, group = self.columns
        return table_series(self.table, date_column, value, group if choice.by == "channel" else None, choice.freq)


_KEYED = {**cached_predict._KEYED, Source: Source.cache_token}


def _source_cache(max_entries: int):
    import streamlit as st

    return st.cache_data(max_entries=max_entries, ttl=cached.TTL_SECONDS, show_spinner=False, hash_funcs=_KEYED)


@_source_cache(8)
def _forecasts(source: Source, choice: fc.ForecastChoice) -> dict:
    series = source.series(choice)
    if choice.by:
        made = fc.forecast_groups(series.frame, choice)
        # A DataError does not survive pickling (its code is its first argument): kept as (code, params).
        return {"made": dict(made), "skipped": {k: (e.code, e.params) for k, e in made.skipped.items()}}
    return {"made": {"total": fc.forecast(series.frame["total"], choice)}, "skipped": {}}


def forecasts(source: Source, choice: fc.ForecastChoice) -> tuple[dict[str, fc.Forecast], dict]:
    """Every series' forecast (name -> Forecast; "total" when not grouped) and the groups skipped (name ->
    DataError)."""
    from crm_core.schema import DataError

    out = _forecasts(source, choice)
    return out["made"], {name: DataError(code, **params) for name, (code, params) in out["skipped"].items()}


@_source_cache(8)
def workbook(source: Source, choice: fc.ForecastChoice, lang: str, currency: str, sources: tuple[str, ...],
             generated: str) -> bytes:
    """The forecast workbook (:func:`crm_core.measure._forecast_export.forecast_workbook`)."""
    from crm_core.measure._forecast_export import forecast_workbook, total_label

    made, _ = forecasts(source, choice)
    history = source.series(choice).frame
    named = {total_label(lang) if name == "total" else name: one for name, one in made.items()}
    return forecast_workbook(named, history, choice, lang=lang, currency=currency, sources=sources,
                             generated=generated)

# Cleared with the rest by "Clear my data" (ui.cached.clear_all): they hold the sales of the files read.
CACHES = (_order_series, table_columns, table_series, _forecasts, workbook)
