"""Forecast page: the session's orders (overall, per channel or per RFM segment) or a sales history table ->
weekly or monthly revenue or orders -> Holt-Winters and SARIMA with intervals, backtested against the
seasonal-naive baseline (cached, under a status) -> metrics, chart, backtest, table, notes, Excel download.

The choice lives in the session (:mod:`ui.measure_state`), so "Save analysis" keeps it.
"""

import streamlit as st

from crm_core.schema import DataError
from ui import cached_forecast, cached_predict, forecast_view, measure_state, state
from ui.i18n import labels, lang, t

language = lang()
st.title(t("nav_forecast"))
st.caption(t("fc_intro"))
choice = measure_state.choice("forecast")
has_orders = state.upload() is not None
kinds = ["orders", "sales"]
# A sales history table is loaded for forecasting (the sample's: three years with a planted season): it comes first.
default = 1 if state.dataset("sales_history") is not None or not has_orders else 0
kind = st.radio(t("fc_source"), kinds, index=default, horizontal=True, key="fc_source",
                format_func=labels(kinds, lambda k: t(f"fc_source_{k}")))

if kind == "orders":
    if not has_orders:
        st.info(t("fc_no_orders"))
        st.page_link("app_pages/data.py", label=t("fc_go_to_data"), icon="📤")
        state.stop()
    up, summary = state.require_data()
    source = cached_forecast.Source(orders=state.ingest_key(up), as_of=state.as_of(summary["default_as_of"]),
                                    params=state.rfm_params(), scope=state.scope(), lang=language)
    sources = (up.name,)
    by_options = ("", "channel", "segment")
else:
    table = forecast_view.sales_upload()
    if table is None:
        st.info(t("fc_no_sales"))
        state.stop()
    key = cached_predict.table_key(table)
    try:
        columns, proposed = cached_forecast.table_columns(key)
    except DataError as exc:
        st.error(exc.text(language))
        state.stop()
    sources = (table.name,)
    by_options = ("", "channel")

choice = forecast_view.options_form(choice, by_options=by_options)
measure_state.set_choice("forecast", choice)
if kind == "sales":
    date_column, value, group = forecast_view.sales_columns(table.name, columns, proposed, choice.measure,
                                                            table.digest[:12])
    if choice.by == "channel" and group is None:
        st.error(DataError("fc_no_group_values", column=t("fc_group_col")).text(language))
        state.stop()
    source = cached_forecast.Source(table=key, columns=(date_column, value, group))
made, skipped, series = forecast_view.run(source, choice)
forecast_view.results(made, skipped, series, source=source, choice=choice, currency=state.currency(),
                      sources=sources)
