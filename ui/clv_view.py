"""The display parts of the Lifetime value page (app_pages/clv.py): the settings form, the fit's summary and
warning, the fitted parameters in words, the customers and their tenths, the charts and the back-test (the top
customers list is :class:`crm_core.predict.scores.TopClvList`).  No analysis here: everything comes from
:mod:`crm_core.predict.clv` through :mod:`ui.cached_clv`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from crm_core.messages import MESSAGES, render
from crm_core.predict.clv import DAYS_PER_MONTH, FORMULA_INPUTS, ClvChoice, ClvResult
from crm_core.schema import DataError
from crm_core.settings import Scope
from ui import cached_clv, clv_charts
from ui.cached import DatasetKey
from ui.fmt import fit_height, money_column, money_text
from ui.i18n import labels, lang, t

__all__ = ["METHODS", "SHOWN", "backtest_section", "charts_section", "choice_words", "customers_section",
           "default_calibration_end", "fit_words", "headline", "note_text", "parameter_table", "parameters_section",
           "settings_form", "unit_word"]

METHODS = ("auto", "model", "formula")
SHOWN = 1_000  # customers drawn in the table (the list download holds as many as she asks for)


# --------------------------------------------------------------------------------------------------- settings
def unit_word(unit_days: float) -> str:
    """The model's time unit in words: "weeks" for 7 days, else "<n> days"."""
    return t("clv_unit_weeks") if unit_days == 7 else t("clv_unit_days", n=unit_days)


def choice_words(choice: ClvChoice) -> str:
    """The choice in a few words for the settings expander's label."""
    method = t(f"clv_method_{choice.method}")
    if choice.method == "formula":
        return t("clv_words_formula", method=method, years=choice.expected_years, margin=choice.margin)
    return t("clv_words_model", method=method, months=choice.horizon_months, discount=choice.discount_yearly,
             margin=choice.margin)


def _explained(name: str) -> str:
    """The core's fuller explanation of a setting (the CLI says the same), for the tooltip."""
    return FORMULA_INPUTS[name].text(lang())


def settings_form(choice: ClvChoice, currency: str, gen: int) -> ClvChoice:
    """The method, the model's settings and the formula's inputs, each with a sentence saying what it is; the
    choice changes only when "Compute" is pressed (then the page runs again from the new choice)."""
    with st.expander(t("clv_settings", words=choice_words(choice)), icon="⚙️"):
        with st.form(f"clv_settings_form_{gen}", border=False):
            method = st.radio(t("clv_method"), list(METHODS), index=METHODS.index(choice.method), horizontal=True,
                              format_func=labels(METHODS, lambda m: t(f"clv_method_{m}")), key=f"clv_method_{gen}",
                              help=t("clv_method_help"))
            left, right = st.columns(2, gap="large")
            with left:
                st.markdown(f"**{t('clv_model_settings')}**")
                horizon = st.number_input(t("clv_horizon"), min_value=1, max_value=120, step=1,
                                          value=int(choice.horizon_months), key=f"clv_horizon_{gen}",
                                          help=_explained("horizon_months"))
                st.caption(t("clv_horizon_help"))
                discount = st.slider(t("clv_discount"), 0, 50, value=int(round(choice.discount_yearly * 100)),
                                     format="%d%%", key=f"clv_discount_{gen}", help=_explained("discount_yearly"))
                st.caption(t("clv_discount_help"))
                margin = st.slider(t("clv_margin"), 1, 100, value=int(round(choice.margin * 100)), format="%d%%",
                                   key=f"clv_margin_{gen}", help=_explained("margin"))
                st.caption(t("clv_margin_help"))
            with right:
                st.markdown(f"**{t('clv_formula_settings')}**")
                st.caption(t("clv_formula_words"))
                aov = st.number_input(t("clv_aov", currency=currency), min_value=0.0, value=choice.avg_order_value,
                                      step=10.0, placeholder=t("clv_own_value"), key=f"clv_aov_{gen}",
                                      help=_explained("avg_order_value"))
                st.caption(t("clv_aov_help"))
                per_year = st.number_input(t("clv_per_year"), min_value=0.0, value=choice.purchases_per_year,
                                           step=0.5, placeholder=t("clv_own_value"), key=f"clv_per_year_{gen}",
                                           help=_explained("purchases_per_year"))
                st.caption(t("clv_per_year_help"))
                years = st.number_input(t("clv_years"), min_value=0.5, max_value=30.0, step=0.5, format="%.1f",
                                        value=float(choice.expected_years), key=f"clv_years_{gen}",
                                        help=_explained("expected_years"))
                st.caption(t("clv_years_help"))
            if st.form_submit_button(t("clv_apply"), type="primary"):
                try:
                    new = replace(choice, method=method, horizon_months=int(horizon),
                                  discount_yearly=discount / 100, margin=margin / 100,
                                  avg_order_value=None if aov is None else float(aov),
                                  purchases_per_year=None if per_year is None else float(per_year),
                                  expected_years=float(years))
                except DataError as exc:
                    st.error(exc.text(lang()))
                else:
                    return new
    return choice


# -------------------------------------------------------------------------------------------------- the fit
def fit_words(result: ClvResult, seconds: float) -> str:
    """The status box's label once the values are in."""
    words = "clv_done_model" if result.method == "model" else "clv_done_formula"
    return t(words, customers=len(result.table), repeat=int(result.repeat_customers), seconds=seconds)


def note_text(result: ClvResult, choice: ClvChoice) -> str | None:
    """Why the formula was used instead of the model (the result's note, a message of crm_core), in words; None
    without a note."""
    if not result.note:
        return None
    if result.note not in MESSAGES:
        return result.note
    return render(result.note, lang(), repeat=int(result.repeat_customers), minimum=int(choice.min_repeat_customers))


def headline(result: ClvResult, choice: ClvChoice, currency: str) -> None:
    """Customers valued, total and average value and, with the model, the median chance of being alive and the
    purchases expected over the horizon."""
    table = result.table
    values = table["clv"].astype(float)
    cells = st.columns(5 if result.method == "model" else 3)
    cells[0].metric(t("clv_customers"), f"{len(table):,}")
    cells[1].metric(t("clv_total"), money_text(float(values.sum()), currency))
    cells[2].metric(t("clv_average"), money_text(float(values.mean()) if len(values) else 0.0, currency))
    if result.method == "model":
        cells[3].metric(t("clv_alive_median"), f"{float(table['prob_alive'].median()):.0%}")
        cells[4].metric(t("clv_expected_total"), f"{float(table['expected_purchases'].sum()):,.0f}",
                        help=t("clv_expected_total_help", months=choice.horizon_months))
    st.caption(t("clv_method_used", method=t(f"clv_method_{result.method}")))


# ---------------------------------------------------------------------------------------------- parameters
_BGNBD = (("r", "r", "clv_param_r"), ("α", "alpha", "clv_param_alpha"), ("a", "a", "clv_param_a"),
          ("b", "b", "clv_param_b"))
_GAMMA = (("p", "p", "clv_param_p"), ("q", "q", "clv_param_q"), ("γ", "v", "clv_param_gamma"))


def parameter_table(params, rows, unit: str) -> pd.DataFrame:
    """``parameter`` (its symbol), ``value`` and ``meaning`` (in words) of fitted parameters."""
    return pd.DataFrame({"parameter": [symbol for symbol, _, _ in rows],
                         "value": [float(getattr(params, name)) for _, name, _ in rows],
                         "meaning": [t(words, unit=unit) for _, _, words in rows]})


def _parameter_frame(frame: pd.DataFrame) -> None:
    """The parameters as a table whose sentences wrap (a data grid would cut them)."""
    shown = frame.rename(columns={"parameter": t("clv_param"), "value": t("clv_param_value"),
                                  "meaning": t("clv_param_meaning")})
    st.table(shown.style.format({t("clv_param_value"): "{:,.4f}"}), hide_index=True, border="horizontal")


def parameters_section(result: ClvResult, choice: ClvChoice) -> None:
    """The fitted BG/NBD (r, α, a, b) and Gamma-Gamma (p, q, γ) parameters with what each means."""
    if result.bgnbd is None and result.gamma_gamma is None:
        return  # the formula: nothing was fitted (the caption under the figures says so)
    st.markdown(f"##### {t('clv_parameters')}")
    unit = t("clv_unit_week") if choice.unit_days == 7 else t("clv_unit_days", n=choice.unit_days)
    left, right = st.columns(2, gap="large")
    if result.bgnbd is not None:
        with left:
            st.markdown(t("clv_params_bgnbd", customers=int(result.bgnbd.customers)))
            _parameter_frame(parameter_table(result.bgnbd, _BGNBD, unit))
            st.caption(t("clv_loglik", value=float(result.bgnbd.log_likelihood)))
    if result.gamma_gamma is not None:
        with right:
            st.markdown(t("clv_params_gg", customers=int(result.gamma_gamma.customers)))
            _parameter_frame(parameter_table(result.gamma_gamma, _GAMMA, unit))
            st.caption(t("clv_loglik", value=float(result.gamma_gamma.log_likelihood)))


# ----------------------------------------------------------------------------------------------- customers
def _value_label(result: ClvResult) -> str:
    return t("clv_col_clv") if result.method == "model" else t("clv_col_clv_formula")


def _purchases_label(result: ClvResult, choice: ClvChoice) -> str:
    if result.method == "model":
        return t("clv_col_purchases", months=choice.horizon_months)
    return t("clv_col_purchases_formula", years=choice.expected_years)


def customers_section(key: DatasetKey, as_of: date, scope: Scope, choice: ClvChoice, result: ClvResult,
                      currency: str) -> None:
    """The value per tenth of customers, then each customer (most valuable first)."""
    st.markdown(f"##### {t('clv_deciles')}")
    tenths = cached_clv.deciles(key, as_of, scope, choice)
    st.dataframe(tenths.assign(share=tenths["share"] * 100), hide_index=True, width="stretch",
                 height=fit_height(len(tenths)),
                 column_config={"decile": st.column_config.NumberColumn(t("clv_col_decile"), format="%d"),
                                "customers": st.column_config.NumberColumn(t("clv_col_customers"),
                                                                           format="localized"),
                                "total": money_column(t("clv_col_total"), currency),
                                "average": money_column(t("clv_col_average"), currency),
                                "share": st.column_config.NumberColumn(t("clv_col_share"), format="%.1f%%"),
                                "lowest": money_column(t("clv_col_lowest"), currency),
                                "highest": money_column(t("clv_col_highest"), currency)})
    st.markdown(f"##### {t('clv_per_customer')}")
    table = result.table.sort_values("clv", ascending=False, kind="stable")
    columns = [c for c in cached_clv.VALUE_COLUMNS if c in table.columns and table[c].notna().any()]
    shown = table[columns].head(SHOWN).rename_axis("customer_id").reset_index()
    if "prob_alive" in shown.columns:
        shown = shown.assign(prob_alive=shown["prob_alive"] * 100)
    config = {"customer_id": st.column_config.TextColumn(t("clv_col_customer")),
              "prob_alive": st.column_config.NumberColumn(t("clv_col_alive"), format="%.1f%%"),
              "expected_purchases": st.column_config.NumberColumn(_purchases_label(result, choice), format="%.2f"),
              "expected_order_value": money_column(t("clv_col_order_value"), currency),
              "clv": money_column(_value_label(result), currency)}
    st.dataframe(shown, hide_index=True, width="stretch", height=fit_height(len(shown)),
                 column_config={c: config[c] for c in shown.columns})
    if len(table) > SHOWN:
        st.caption(t("clv_first_rows", n=SHOWN))


# -------------------------------------------------------------------------------------------------- charts
GRID_WHAT = ("purchases", "alive")
MAX_GRID_FREQUENCY = 30


def charts_section(key: DatasetKey, as_of: date, scope: Scope, choice: ClvChoice, result: ClvResult,
                   currency: str, gen: int) -> None:
    """Probability alive (distribution and the frequency/recency heat map) and the value's distribution."""
    if result.bgnbd is None or result.method != "model":
        st.info(t("clv_chart_model_only"))
    else:
        left, right = st.columns(2)
        left.altair_chart(clv_charts.alive_histogram(result.table), width="stretch")
        with right:
            what = st.segmented_control(t("clv_grid_what"), list(GRID_WHAT), default=GRID_WHAT[0], required=True,
                                        format_func=labels(GRID_WHAT, lambda w: t(f"clv_grid_{w}")),
                                        key=f"clv_grid_what_{gen}") or GRID_WHAT[0]
            facts = result.summary if result.summary is not None else cached_clv.summary(key, as_of, scope,
                                                                                         choice.unit_days)
            max_frequency = int(min(max(facts["frequency"].quantile(0.99), 1), MAX_GRID_FREQUENCY))
            max_t = float(facts["T"].max())
            horizon = choice.horizon_months * DAYS_PER_MONTH / choice.unit_days
            grid = cached_clv.grid(result.bgnbd, max_frequency, max_t, what, horizon)
            st.altair_chart(clv_charts.grid_heatmap(grid, what=what, unit=unit_word(choice.unit_days),
                                                    months=choice.horizon_months, max_T=max_t), width="stretch")
    st.altair_chart(clv_charts.value_histogram(result.table, currency), width="stretch")


# ------------------------------------------------------------------------------------------------ back-test
def default_calibration_end(as_of: date, first: date) -> date:
    """Three months before the analysis date; in a window shorter than four months, its middle."""
    end = (pd.Timestamp(as_of) - pd.DateOffset(months=3)).date()
    if end > first + timedelta(days=30):
        return end
    return first + timedelta(days=max((as_of - first).days // 2, 1))


def backtest_section(key: DatasetKey, as_of: date, scope: Scope, choice: ClvChoice, gen: int) -> None:
    """The hold-out back-test: the model fitted up to the calibration end she picks, its forecast per frequency
    group against the purchases really made up to the analysis date."""
    first = cached_clv.first_day(key, as_of, scope)
    earliest, latest = first + timedelta(days=1), as_of - timedelta(days=1)
    if earliest > latest:
        st.info(t("clv_backtest_impossible", detail=t("clv_backtest_too_short")))
        return
    default = min(max(default_calibration_end(as_of, first), earliest), latest)
    end = st.columns([1, 2])[0].date_input(t("clv_calibration_end"), value=default, min_value=earliest,
                                           max_value=latest, key=f"clv_calibration_{gen}",
                                           help=t("clv_calibration_help"), format="YYYY-MM-DD")
    end = end or default
    st.caption(t("clv_backtest_intro", start=f"{end:%Y-%m-%d}", end=f"{latest:%Y-%m-%d}"))
    try:
        with st.spinner(t("clv_backtest_running")):
            table = cached_clv.backtest(key, as_of, scope, end, choice.unit_days)
    except DataError as exc:
        st.info(t("clv_backtest_impossible", detail=exc.text(lang())))
        return
    st.altair_chart(clv_charts.backtest_chart(table), width="stretch")
    customers = table["customers"].astype(float)
    predicted = float((table["predicted"].astype(float) * customers).sum())
    actual = float((table["actual"].astype(float) * customers).sum())
    if actual > 0:
        st.markdown(t("clv_backtest_total", customers=int(customers.sum()), predicted=predicted, actual=actual,
                      gap=predicted / actual - 1))
    shown = pd.DataFrame({"group": clv_charts._group_labels(table).to_numpy(),
                          "customers": table["customers"].astype(int).to_numpy(),
                          "predicted": table["predicted"].astype(float).to_numpy(),
                          "actual": table["actual"].astype(float).to_numpy()})
    st.dataframe(shown, hide_index=True, width="stretch", height=fit_height(len(shown)),
                 column_config={"group": st.column_config.TextColumn(t("clv_col_group")),
                                "customers": st.column_config.NumberColumn(t("clv_col_customers"),
                                                                           format="localized"),
                                "predicted": st.column_config.NumberColumn(t("clv_col_predicted"), format="%.2f"),
                                "actual": st.column_config.NumberColumn(t("clv_col_actual"), format="%.2f")})
