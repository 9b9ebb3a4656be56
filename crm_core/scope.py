"""The analysis window and filters applied to cleaned order lines (:class:`crm_core.settings.Scope`).

:func:`in_scope` keeps the lines an analysis counts; :func:`analysis_table` is the customer table built on them.
The app's cached steps and the CLI both call these through :mod:`crm_core.pipeline`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from crm_core.customers import customer_table, default_as_of
from crm_core.messages import Localized
from crm_core.schema import FIELD_BY_NAME, DataError, IngestResult, Note
from crm_core.settings import Scope

__all__ = ["analysis_table", "in_scope"]


def _matches(values: pd.Series, wanted: tuple[str, ...]) -> np.ndarray:
    """Rows whose text is one of ``wanted``, ignoring case and surrounding blanks (a typed filter still fits)."""
    keys = {w.strip().casefold() for w in wanted}
    codes, uniques = pd.factorize(values)
    hit = np.array([str(u).strip().casefold() in keys for u in uniques] + [False], dtype=bool)
    return hit[codes]


def _unmatched(values: pd.Series, wanted: tuple[str, ...]) -> list[str]:
    present = {str(v).strip().casefold() for v in values.dropna().unique()}
    return [w for w in wanted if w.strip().casefold() not in present]


def in_scope(result: IngestResult, scope: Scope = Scope(), *, as_of: date | None = None) -> IngestResult:
    """The order lines inside the analysis window and filters (:class:`crm_core.settings.Scope`).

    Lines dated before the window's first day (counted back from ``as_of``, default the day after the last
    order) and lines outside the channel / category / city filters are left out; notes say how many, and
    name a filter value that matches nothing (a channel renamed since the analysis was saved).  The
    ingest report's row balance is unchanged: these lines were read and usable, the analysis just does not
    look at them.  Raises DataError ``filter_needs_column`` when a filter's column is not mapped and
    ``scope_empty`` when nothing is left.
    """
    if scope.is_all:
        return result
    orders, customers = result.orders, result.customers
    as_of = as_of or default_as_of(orders)
    first_day = scope.first_day(as_of)
    if first_day is not None and first_day >= as_of:
        raise DataError("window_after_as_of", start=first_day, as_of=as_of)
    counted = (orders["order_date"] < pd.Timestamp(as_of)).to_numpy()  # lines on/after as_of never count
    keep = np.ones(len(orders), dtype=bool)
    notes: list[Note] = []
    if first_day is not None:
        before = (orders["order_date"] < pd.Timestamp(first_day)).to_numpy()
        if before.any():
            notes.append(Note.of("note_window", rows=int(before.sum()), start=first_day.isoformat()))
        keep &= ~before
    filtered = np.zeros(len(orders), dtype=bool)
    for name, column, frame in (("channels", "channel", orders), ("categories", "category", orders),
                                ("cities", "city", customers)):
        wanted = getattr(scope, name)
        if not wanted:
            continue
        if column not in frame.columns or frame[column].isna().all():
            raise DataError("filter_needs_column", field=_field_label(column))
        unmatched = _unmatched(frame[column], wanted)
        if len(unmatched) == len(wanted):  # nothing of this filter is in the file: say what is
            present = frame[column].dropna().value_counts().index[:8].astype(str).tolist()
            raise DataError("filter_matches_nothing", field=_field_label(column),
                            values=Localized.listing(wanted), present=Localized.listing(present))
        for value in unmatched:
            notes.append(Note.of("note_filter_unmatched", "warning", field=_field_label(column), value=value))
        if frame is orders:
            inside = _matches(orders[column], wanted)
        else:
            ids = customers.loc[_matches(customers[column], wanted), "customer_id"]
            inside = orders["customer_id"].isin(ids).to_numpy()
        filtered |= keep & ~inside & counted
    if filtered.any():
        notes.append(Note.of("note_filtered", rows=int(filtered.sum()), filters=_filter_words(scope)))
    keep &= ~filtered
    stale = _returns_of_other_purchases(orders, keep & counted, before if first_day is not None else None)
    if stale.any():
        notes.append(Note.of("note_scope_returns", rows=int(stale.sum())))
        keep &= ~stale
    kept = orders.loc[keep]
    if not (kept["order_date"] < pd.Timestamp(as_of)).any():
        raise DataError("scope_empty", start=first_day or Localized(en="the first order", zh="最早的订单"),
                        as_of=as_of, filters=_filter_words(scope))
    report = replace(result.report, notes=(*result.report.notes, *notes))
    return IngestResult(orders=kept.reset_index(drop=True), customers=customers, report=report)


def _returns_of_other_purchases(orders: pd.DataFrame, inside: np.ndarray, before: np.ndarray | None) -> np.ndarray:
    """Return lines inside the scope that undo purchases outside it (to be left out with them).

    Without this, a customer who bought ¥100 before the window and returned it inside would show ¥-100 of
    spend in the window.  Two rules, as far as the file lets one tell: a return whose order id is an order
    bought before the window (``before``), and a return of a customer with no purchase inside the scope (the
    same rule as ingest's ``return_without_purchase``, applied to the scope).
    """
    is_return = orders["is_return"].to_numpy(dtype=bool)
    returns = inside & is_return
    if not returns.any():
        return returns
    stale = np.zeros(len(orders), dtype=bool)
    if before is not None:
        earlier = orders.loc[before & ~is_return, "order_id"].unique()
        stale |= returns & orders["order_id"].isin(earlier).to_numpy()
    buyers = orders.loc[inside & ~is_return, "customer_id"].unique()
    stale |= returns & ~orders["customer_id"].isin(buyers).to_numpy()
    return stale


def _field_label(name: str) -> Localized:
    field = FIELD_BY_NAME[name]
    return Localized(en=field.label_en.lower(), zh=field.label_zh)


def _filter_words(scope: Scope) -> Localized:
    """The filters in words, e.g. "channel Tmall, JD; city Shanghai" / "渠道 Tmall、JD；城市 上海"."""
    parts_en, parts_zh = [], []
    for name, column in (("channels", "channel"), ("categories", "category"), ("cities", "city")):
        values = getattr(scope, name)
        if values:
            label = _field_label(column)
            parts_en.append(f"{label.en} {', '.join(values)}")
            parts_zh.append(f"{label.zh} {'、'.join(values)}")
    return Localized(en="; ".join(parts_en) or "none", zh="；".join(parts_zh) or "无")


def analysis_table(result: IngestResult, *, as_of: date | None = None, scope: Scope = Scope()) -> pd.DataFrame:
    """The per-customer table of an analysis: :func:`customer_table` of the lines :func:`in_scope`."""
    scoped = in_scope(result, scope, as_of=as_of)
    return customer_table(scoped.orders, scoped.customers, as_of=as_of)
