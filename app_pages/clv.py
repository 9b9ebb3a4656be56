"""Lifetime value page: the method and its settings -> each customer's value (the probabilistic model, cached, with
progress; or the formula, also when there are too few repeat customers) -> the fitted parameters in words, the
customers by value, the charts, the hold-out back-test and the top customers list through the export path.

Everything reads the order lines of the analysis window and filters (the RFM page's customers).  The choice
(:class:`crm_core.predict.clv.ClvChoice`) lives in the session (:mod:`ui.clv_state`); only "Compute" changes it, so
the heat map's measure, the back-test's calibration end or the list's length never fit the model again.
"""

import streamlit as st

from crm_core.predict.scores import TOP_CLV_LIST_COLUMNS, TopClvList, top_clv_table
from crm_core.schema import DataError
from ui import cached_clv, clv_state, clv_view, scope_form, state
from ui.i18n import lang, t
from ui.list_download import list_download

up, summary = state.require_data()
key = state.ingest_key(up)
as_of = state.as_of(summary["default_as_of"])
scope = state.scope()
params = state.rfm_params()
currency = state.currency()
language = lang()
gen = st.session_state.get("editor_gen", 0)
st.title(t("nav_clv"))
st.caption(t("clv_intro") + ("" if language == "zh" else " ") + t("segments_scope_note", date=f"{as_of:%Y-%m-%d}",
                                     scope=scope_form.summary_text(scope, as_of)))


def show_error(exc: DataError) -> None:
    st.error(exc.text(language))
    state.stop()


# --- 1. the method and its settings -------------------------------------------------------------------------------
choice = clv_state.clv_choice()
chosen = clv_view.settings_form(choice, currency, gen)
if chosen != choice:
    clv_state.set_clv_choice(chosen)
    st.rerun()

# --- 2. the values (cached: fitted once per file, window and choice) -------------------------------------------------
with st.status(t("clv_fitting"), expanded=False) as box:
    try:
        box.write(t("clv_step_summary"))
        box.write(t("clv_step_fit"))
        fitted = cached_clv.run(key, as_of, scope, choice)
    except DataError as exc:
        box.update(label=t("clv_failed"), state="error", expanded=True)
        show_error(exc)
    box.update(label=clv_view.fit_words(fitted.result, fitted.seconds), state="complete")
result = fitted.result
clv_state.set_clv_choice(choice)  # fitted: Customer 360 and the campaign builder now show these values
warning = clv_view.note_text(result, choice)
if warning:
    st.warning(warning, icon="⚠️")
clv_view.headline(result, choice, currency)
clv_view.parameters_section(result, choice)

# --- 3. customers, charts, back-test, list: only the open tab runs -------------------------------------------------
names = [t("clv_tab_customers"), t("clv_tab_charts"), t("clv_tab_backtest"), t("clv_tab_list")]
tab_customers, tab_charts, tab_backtest, tab_list = st.tabs(names, key=f"clv_tab_{language}", on_change="rerun")

if tab_customers.open:
    with tab_customers:
        clv_view.customers_section(key, as_of, scope, choice, result, currency)

if tab_charts.open:
    with tab_charts:
        clv_view.charts_section(key, as_of, scope, choice, result, currency, gen)

if tab_backtest.open:
    with tab_backtest:
        clv_view.backtest_section(key, as_of, scope, choice, gen)

if tab_list.open:
    with tab_list:
        try:
            valued = cached_clv.valued_customers(key, as_of, scope, choice, params, language)
        except DataError as exc:
            show_error(exc)
        if valued.empty:
            st.info(t("clv_list_nobody"))
        else:
            n = st.columns([1, 2])[0].number_input(t("clv_list_n"), min_value=1, max_value=len(valued),
                                                   value=min(100, len(valued)), step=10, key=f"clv_list_n_{gen}",
                                                   help=t("clv_list_n_help"))
            list_download(top_clv_table(valued, int(n)), TopClvList(int(n), choice=choice, method=result.method),
                          key=key, up=up, as_of=as_of, scope=scope, file_stem="top_lifetime_value",
                          widget_key="clv_list", columns=TOP_CLV_LIST_COLUMNS, preview=False)
