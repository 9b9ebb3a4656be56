"""The measurement sections of the client report: campaign results (:mod:`crm_core.measure.results`) and the
sales forecast (:mod:`crm_core.measure.forecast`), computed with the functions their pages and CLIs use."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_core.measure.report import Chart, Section, Table
from crm_core.messages import render
from crm_core.schema import DataError

__all__ = ["campaign_results", "forecast", "outcomes_from_file", "sales_from_file"]

_BREAKDOWNS = ("variant", "channel", "agent", "segment")
_MAX_HISTORY = 104  # periods of history drawn before the forecast


def _has_values(table: pd.DataFrame, column: str) -> bool:
    if column not in table.columns:
        return False
    target = table.loc[table["group"].astype(str) == "target", column] if "group" in table.columns else table[column]
    values = target.dropna().astype(str).str.strip()
    return bool((values != "").any()) and values[values != ""].nunique() >= 1


def campaign_results(ctx, title: str) -> pd.DataFrame | Section:
    """Success rates by offer, channel, agent and RFM segment with intervals, the lift over the control group and
    the summary sentences (:func:`results.success_rates`, :func:`results.control_lift`,
    :func:`results.results_summary`)."""
    from crm_core.measure import results as rs

    outcomes = ctx.inputs.outcomes
    if outcomes is None:
        return Section("campaign_results", title, skipped=render("rp_skip_no_outcomes", ctx.lang))
    confidence = ctx.settings.results.confidence
    min_contacts = getattr(ctx.settings.results, "min_contacts", 20)
    table = outcomes.table
    try:
        table = rs.with_segments(table, ctx.segment_names)
    except DataError:
        pass
    paragraphs = list(rs.results_summary(table, ctx.lang, confidence=confidence, currency=ctx.inputs.currency,
                                         min_contacts=min_contacts))
    tables, charts = [], []
    try:
        lift = rs.control_lift(table, confidence=confidence)
    except DataError as exc:
        if exc.code != "cr_no_control":
            raise
        paragraphs.append(ctx.w("no_control"))
    else:
        frame = pd.DataFrame({
            ctx.w("campaign"): lift["name"].astype(str),
            ctx.w("target_n"): lift["target_n"], ctx.w("target_rate"): lift["target_rate"],
            ctx.w("control_n"): lift["control_n"], ctx.w("control_rate"): lift["control_rate"],
            ctx.w("lift_points"): lift["lift"], ctx.w("low"): lift["low"], ctx.w("high"): lift["high"],
            ctx.w("p_value"): lift["p_value"], ctx.w("incremental"): lift["incremental_successes"],
            ctx.w("incremental_revenue"): lift["incremental_revenue"]}).reset_index(drop=True)
        tables.append(Table(ctx.w("lift_table"), frame, {
            ctx.w("target_n"): "int", ctx.w("control_n"): "int", ctx.w("target_rate"): "pct",
            ctx.w("control_rate"): "pct", ctx.w("lift_points"): "pct", ctx.w("low"): "pct", ctx.w("high"): "pct",
            ctx.w("p_value"): "num", ctx.w("incremental"): "int", ctx.w("incremental_revenue"): "money"}))
        first = lift.iloc[0]
        charts.append(Chart("bar", ctx.w("lift_table"), "", ctx.w("rate_axis"),
                            (ctx.w("target_rate"), ctx.w("control_rate")),
                            ((ctx.w("rate_axis"), (float(first["target_rate"]), float(first["control_rate"]))),),
                            "pct"))
    for by in _BREAKDOWNS:
        if not _has_values(table, by):
            continue
        rates = rs.success_rates(table, by, confidence=confidence)
        if rates.empty:
            continue
        label = ctx.w(f"by_{by}")
        header = label[:1].upper() + label[1:]
        frame = pd.DataFrame({header: rates[by].astype(str), ctx.w("contacts"): rates["contacts"],
                              ctx.w("successes"): rates["successes"], ctx.w("rate"): rates["rate"],
                              ctx.w("low"): rates["low"], ctx.w("high"): rates["high"],
                              ctx.w("revenue"): rates["revenue"]}).reset_index(drop=True)
        tables.append(Table(ctx.w("rates_by", by=label), frame, {
            ctx.w("contacts"): "int", ctx.w("successes"): "int", ctx.w("rate"): "pct", ctx.w("low"): "pct",
            ctx.w("high"): "pct", ctx.w("revenue"): "money"}))
        charts.append(Chart("bar", ctx.w("rates_by", by=label), header, ctx.w("rate_axis"),
                            tuple(rates[by].astype(str)), ((ctx.w("rate"), tuple(rates["rate"].astype(float))),),
                            "pct", intervals=(tuple(rates["low"].astype(float)), tuple(rates["high"].astype(float)))))
    return Section("campaign_results", title, tuple(paragraphs), tuple(tables), tuple(charts))


def _period_text(value: object, freq: str) -> str:
    stamp = pd.Timestamp(value)
    return f"{stamp:%Y-%m}" if freq == "M" else f"{stamp:%Y-%m-%d}"


def forecast(ctx, title: str) -> Section:
    """The chosen measure forecast overall (:func:`forecast.forecast` on :func:`forecast.series_from_orders`, or
    on the sales file's series), with the backtest of every model against the seasonal-naive baseline and the
    best model's forecast and interval."""
    from crm_core.measure import forecast as fc

    choice = ctx.settings.forecast
    if ctx.inputs.sales is not None:
        frame, origin = ctx.inputs.sales, "from_sales"
    else:
        frame = fc.series_from_orders(ctx.result.orders, freq=choice.freq, measure=choice.measure)  # as its page
        origin = "from_orders"
    series = frame["total"] if "total" in frame.columns else frame.sum(axis=1)
    result = fc.forecast(series, choice)
    label = lambda model: fc.MODEL_LABELS[model].text(ctx.lang) if model in fc.MODEL_LABELS else model  # noqa: E731
    freq_word = ctx.w(f"freq_{choice.freq}") if choice.freq in ("W", "M") else choice.freq
    paragraphs = [result.summary(ctx.lang), ctx.w(origin, freq=freq_word)]
    backtest = result.backtest
    errors = pd.DataFrame({ctx.w("model"): [label(m) for m in backtest["model"]],
                           ctx.w("mape"): backtest["mape"].astype(float),
                           ctx.w("smape"): backtest["smape"].astype(float),
                           ctx.w("mae"): backtest["mae"].astype(float)}).reset_index(drop=True)
    periods = int(backtest["periods"].iloc[0]) if "periods" in backtest.columns and len(backtest) else choice.horizon
    best = result.table.loc[result.table["model"] == result.best].sort_values("period")
    ahead = pd.DataFrame({ctx.w("period_col"): [_period_text(p, choice.freq) for p in best["period"]],
                          ctx.w("forecast_col"): best["forecast"].astype(float).to_numpy(),
                          ctx.w("low"): best["low"].astype(float).to_numpy(),
                          ctx.w("high"): best["high"].astype(float).to_numpy()})
    money = "money" if choice.measure == "revenue" else "num"
    history = result.history.iloc[-_MAX_HISTORY:]
    x = tuple(_period_text(p, choice.freq) for p in history.index) + tuple(ahead.iloc[:, 0])
    n_hist, n_ahead = len(history), len(ahead)
    nan = float("nan")
    past = tuple(float(v) for v in history.to_numpy()) + (nan,) * n_ahead
    # The forecast line starts at the last observed point, so the two lines join.
    joined = (nan,) * (n_hist - 1) + (float(history.iloc[-1]),) + tuple(ahead.iloc[:, 1])
    measure = ctx.w(f"measure_{choice.measure}") if choice.measure in ("revenue", "orders") else choice.measure
    chart = Chart("line", ctx.w("forecast_chart", measure=measure), ctx.w("period_col"), measure, x,
                  ((ctx.w("history"), past), (label(result.best), joined)), money,
                  band=(ctx.w("interval", confidence=choice.confidence), tuple(np.asarray(ahead.iloc[:, 2], float)),
                        tuple(np.asarray(ahead.iloc[:, 3], float))))
    return Section("forecast", title, tuple(p for p in paragraphs if p),
                   (Table(ctx.w("forecast_table", model=label(result.best)), ahead,
                          {ctx.w("forecast_col"): money, ctx.w("low"): money, ctx.w("high"): money}),
                    Table(ctx.w("backtest_table", n=periods), errors,
                          {ctx.w("mape"): "pct", ctx.w("smape"): "pct", ctx.w("mae"): money})), (chart,))


def outcomes_from_file(data: bytes, name: str):
    """A campaign outcomes file read as the Campaign results page reads it: :func:`crm_core.pipeline.read`, the
    columns proposed from the headers (:func:`outcomes.propose_outcome_columns`), :func:`outcomes.outcome_table`."""
    from crm_core import pipeline
    from crm_core.measure import outcomes as oc

    frame = pipeline.read(data, name).frame
    columns = oc.OutcomeColumns.from_proposal(oc.propose_outcome_columns(list(frame.columns)))
    return oc.outcome_table(frame, columns)


def sales_from_file(data: bytes, name: str, choice) -> pd.DataFrame:
    """A sales file (date, revenue / orders, group) as a series frame (:func:`forecast.series_from_table`, the
    choice's measure and frequency, overall)."""
    from crm_core import pipeline
    from crm_core.measure import forecast as fc
    from crm_core.messages import Localized

    frame = pipeline.read(data, name).frame
    proposed = fc.propose_sales_columns(list(frame.columns))
    value = proposed.get(choice.measure)
    if not proposed.get("date") or not value:
        measure = {"revenue": Localized(en="revenue", zh="销售额"), "orders": Localized(en="orders", zh="订单数")}
        raise DataError("rp_sales_no_columns", name=name, measure=measure.get(choice.measure, choice.measure),
                        found=Localized.listing(frame.columns))
    return fc.series_from_table(frame, date=proposed["date"], value=value, freq=choice.freq)
