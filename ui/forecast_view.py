"""The Forecast page's sections (app_pages/forecast.py): the sales table's uploader and columns, the options form,
fitting under a status, and the results (metrics, chart, backtest against the baseline, forecast table, notes,
Excel download).  Analysis comes from :mod:`crm_core.measure.forecast` through :mod:`ui.cached_forecast`."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

import pandas as pd
import streamlit as st

from crm_core.measure import forecast as fc
from crm_core.measure._forecast_text import _unit, amount_text
from crm_core.schema import DataError
from ui import cached_forecast, forecast_charts, state, uploads
from ui.i18n import labels, lang, t

__all__ = ["options_form", "results", "run", "sales_columns", "sales_upload"]

CONFIDENCES = (0.8, 0.9, 0.95, 0.99)
HORIZONS = {"W": (4, 8, 12, 26, 52), "M": (3, 6, 12, 18, 24)}
KIND = "sales_history"


def sales_upload() -> uploads.Upload | None:
    """The sales history table's uploader, the table in use and a button to remove it; the table or None."""
    gen = st.session_state.get("fc_sales_gen", 0)
    current = state.dataset(KIND)
    uploaded = st.file_uploader(t("fc_sales_upload"), type=["csv", "txt", "xlsx", "xls"], key=f"fc_sales_{gen}",
                                help=t("fc_sales_help"))
    if uploaded is not None and (current is None or current.file_id != uploaded.file_id):
        state.set_table(KIND, uploaded.name, uploaded.getvalue(), file_id=uploaded.file_id)
        current = state.dataset(KIND)
    if current is not None:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.markdown(f"📈 **{current.name}**")
        if c2.button(t("remove_file"), key="fc_sales_remove", icon="🗑️"):
            state.remove_table(KIND)
            st.session_state["fc_sales_gen"] = gen + 1
            st.rerun()
    return current


def sales_columns(name: str, columns: tuple[str, ...], proposed: dict, measure: str,
                  digest: str) -> tuple[str, str, str | None]:
    """Date, value (sales or orders, following the measure) and group columns of the sales table, proposed from
    its headers and changeable."""
    none = t("fc_none")
    with st.expander(t("fc_columns", name=name), expanded=proposed["date"] is None):
        c1, c2, c3 = st.columns(3)
        options = list(columns)
        first = proposed["date"] or options[0]
        date_column = c1.selectbox(t("fc_date_col"), options, index=options.index(first), key=f"fc_date_{digest}")
        wanted = proposed[measure] or proposed["revenue"] or proposed["orders"] or options[-1]
        value = c2.selectbox(t("fc_value_col"), options, index=options.index(wanted),
                             key=f"fc_value_{digest}_{measure}")
        groups = [none, *options]
        group = c3.selectbox(t("fc_group_col"), groups, index=groups.index(proposed["group"] or none),
                             key=f"fc_group_{digest}")
    return date_column, value, None if group == none else group


def options_form(choice: fc.ForecastChoice, *, by_options: tuple[str, ...]) -> fc.ForecastChoice:
    """Frequency, measure, horizon, models, interval and grouping in one form; the new choice once submitted."""
    language = lang()
    allowed = choice.by if choice.by in by_options else ""
    gen = st.session_state.get("editor_gen", 0)  # an opened analysis (a new generation) puts its values in the widgets
    with st.form(f"fc_options_form_{gen}", border=True):
        st.markdown(f"**{t('fc_options')}**")
        c1, c2, c3 = st.columns(3)
        freq = c1.radio(t("fc_freq"), ["W", "M"], index=["W", "M"].index(choice.freq), horizontal=True,
                        format_func=labels(["W", "M"], lambda v: t(f"fc_freq_{v}")), key=f"fc_freq_{gen}")
        measures = list(fc.MEASURES)
        measure = c2.radio(t("fc_measure"), measures, index=measures.index(choice.measure), horizontal=True,
                           format_func=labels(measures, lambda v: t(f"fc_measure_{v}")), key=f"fc_measure_{gen}")
        horizon = c3.number_input(t("fc_horizon"), min_value=1, max_value=104, value=int(choice.horizon), step=1,
                                  key=f"fc_horizon_{gen}", help=t("fc_horizon_help"))
        d1, d2, d3 = st.columns(3)
        models = d1.multiselect(t("fc_models"), list(fc.MODELS), default=list(choice.models), key=f"fc_models_{gen}",
                                format_func=labels(list(fc.MODELS), lambda m: fc.MODEL_LABELS[m].text(language)))
        levels = list(CONFIDENCES) if choice.confidence in CONFIDENCES else sorted({*CONFIDENCES, choice.confidence})
        confidence = d2.selectbox(t("fc_confidence"), levels, index=levels.index(choice.confidence),
                                  format_func=labels(levels, lambda c: f"{c:.0%}"), key=f"fc_confidence_{gen}")
        grouping = list(by_options)
        by = d3.radio(t("fc_by"), grouping, index=grouping.index(allowed), key=f"fc_by_{gen}",
                      format_func=labels(grouping, lambda v: t(f"fc_by_{v}")),
                      help=t("fc_by_segment_help") if "segment" in grouping else None)
        submitted = st.form_submit_button(t("fc_run"), type="primary", icon="📈")
    if not submitted:
        return replace(choice, by=allowed) if allowed != choice.by else choice
    try:
        return fc.ForecastChoice(freq=freq, measure=measure, horizon=int(horizon), by=by,
                                 confidence=float(confidence), models=tuple(models) or choice.models)
    except DataError as exc:
        st.error(exc.text(language))
        return choice


def run(source: cached_forecast.Source, choice: fc.ForecastChoice) -> tuple[dict, dict, cached_forecast.Series]:
    """The series and every forecast, fitted under a status (cached: a rerun with the same choice is instant).
    A DataError stops the page with its message."""
    language = lang()
    try:
        series = source.series(choice)
        with st.status(t("fc_fitting"), expanded=False) as box:
            start = time.perf_counter()
            made, skipped = cached_forecast.forecasts(source, choice)
            box.update(label=t("fc_fitted", series=len(made), seconds=time.perf_counter() - start), state="complete")
    except DataError as exc:
        st.error(exc.text(language))
        state.stop()
    if not made:
        st.error(next(iter(skipped.values())).text(language) if skipped else t("fc_no_sales"))
        state.stop()
    return made, skipped, series


def _metrics(made: fc.Forecast, currency: str) -> None:
    language = lang()
    totals = made.totals.set_index("model").loc[made.best]
    scores = made.backtest.set_index("model")["smape"]
    span = _unit(made.freq, made.horizon, language)

    def money(value: float) -> str:
        return amount_text(value, language, currency=currency, measure=made.measure)

    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("fc_metric_total", model=made.model_label(made.best, language), span=span), money(totals["total"]),
              help=t("fc_metric_interval", level=f"{made.confidence:.0%}", low=money(totals["low"]),
                     high=money(totals["high"])))
    if made.best in scores.index:
        diff = scores[made.best] - scores[fc.BASELINE]
        c2.metric(t("fc_metric_error"), f"{scores[made.best]:.1%}",
                  delta=t("fc_metric_error_delta", diff=f"{diff * 100:+.1f}"), delta_color="inverse")
    c3.metric(t("fc_metric_baseline", baseline=made.model_label(fc.BASELINE, language)),
              f"{scores[fc.BASELINE]:.1%}")
    c4.metric(t("fc_metric_season"), t(f"fc_season_{made.seasonality}"), help=t("fc_season_help"))


def _backtest(made: fc.Forecast, currency: str) -> None:
    language = lang()
    span = _unit(made.freq, made.horizon, language)
    st.subheader(t("fc_backtest_title", span=span))
    table = pd.DataFrame({
        t("fc_col_model"): [made.model_label(m, language) for m in made.backtest["model"]],
        t("fc_col_smape"): [f"{v:.1%}" for v in made.backtest["smape"]],
        t("fc_col_mape"): ["—" if pd.isna(v) else f"{v:.1%}" for v in made.backtest["mape"]],
        t("fc_col_mae"): [amount_text(v, language, currency=currency) if made.measure == "revenue" else f"{v:,.1f}"
                          for v in made.backtest["mae"]],
        t("fc_col_best"): ["✓" if m == made.best else "" for m in made.backtest["model"]],
    })
    st.dataframe(table, hide_index=True, width="stretch")
    scores = made.backtest.set_index("model")["smape"]
    if made.best in scores.index and fc.BASELINE in scores.index:
        words = {"model": made.model_label(made.best, language),
                 "baseline": made.model_label(fc.BASELINE, language), "err": f"{scores[made.best]:.1%}",
                 "base": f"{scores[fc.BASELINE]:.1%}", "span": span}
        if scores[made.best] < scores[fc.BASELINE]:
            st.success(t("fc_backtest_wins_model", **words))
        else:
            st.warning(t("fc_backtest_wins_baseline", **words))


def _forecast_table(made: fc.Forecast) -> None:
    language = lang()
    with st.expander(t("fc_forecast_table"), icon="📋"):
        wide = made.table.pivot_table(index="period", columns="model", values="forecast", sort=False)
        wide = wide.loc[:, [m for m in made.table["model"].unique()]]
        best = made.table.loc[made.table["model"] == made.best].set_index("period")
        shown = wide.rename(columns={m: made.model_label(m, language) for m in wide.columns}).assign(
            **{t("fc_low"): best["low"], t("fc_high"): best["high"]})
        shown.index = shown.index.strftime("%Y-%m-%d")
        st.dataframe(shown.rename_axis(t("fc_col_period")).round(0), width="stretch")


def results(made: dict[str, fc.Forecast], skipped: dict, series: cached_forecast.Series, *,
            source: cached_forecast.Source, choice: fc.ForecastChoice, currency: str,
            sources: tuple[str, ...]) -> None:
    """Everything after fitting: a series picker when grouped, metrics, chart, backtest, table, notes, download."""
    language = lang()
    names = list(made)
    name = names[0]
    if len(names) > 1 or choice.by:
        name = st.selectbox(t("fc_group_pick"), names, key=f"fc_group_pick_{choice.by}")
    one = made[name]
    st.markdown(one.summary(language, currency=currency))
    _metrics(one, currency)
    st.altair_chart(forecast_charts.forecast_chart(one, currency=currency), width="stretch")
    _backtest(one, currency)
    _forecast_table(one)
    for group, exc in skipped.items():
        st.warning(t("fc_skipped", group=group, reason=exc.text(language)))
    notes = [n.text(language) for n in series.notes] + one.note_texts(language)
    with st.expander(t("fc_notes"), icon="ℹ️"):
        for text in dict.fromkeys(notes):
            st.markdown(f"- {text}")
        st.caption(t("fc_method"))
    generated = f"{datetime.now():%Y-%m-%d %H:%M}"
    data = cached_forecast.workbook(source, choice, language, currency, sources, generated)
    st.download_button(t("fc_download"), data=data, file_name=f"forecast_{datetime.now():%Y%m%d}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", type="primary",
                       icon="⬇️", key="fc_download")
