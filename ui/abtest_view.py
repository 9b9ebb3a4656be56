"""The display parts of the A/B test page (app_pages/abtest.py): where the counts come from (typed in, a results
file, the session's campaign outcomes), the options, the metric row, the results table, the verdict, the charts, the
planning calculator and the download.  No statistics here: everything comes from :mod:`crm_core.measure.abtest`
through :mod:`ui.cached_abtest`."""

from __future__ import annotations

import math
import zlib

import pandas as pd
import streamlit as st

from crm_core.measure import _abtest_export, _abtest_words
from crm_core.measure.abtest import (
    AbChoice,
    AbResult,
    Variant,
    needed_per_variant,
    propose_ab_columns,
    sample_size,
    variants_from_counts,
    weakest,
)
from crm_core.messages import Localized
from crm_core.schema import DataError
from ui import abtest_charts, cached_abtest, cached_predict, predict_view, samples, state, uploads
from ui.fmt import fit_height, money_column
from ui.i18n import labels, lang, t

__all__ = ["SOURCES", "download", "example_counts", "metrics_row", "options", "planning", "results_table",
           "source_picker", "table_variants", "typed_variants", "verdict"]

SOURCES = ("typed", "upload", "outcomes")
COUNTS = "ab_counts"  # the typed counts (a DataFrame: variant, visitors, conversions), kept across pages
_COUNTS_GEN = "ab_counts_gen"
ROLES = ("variant", "outcome", "visitors", "conversions", "revenue", "group")
CONFIDENCES = (0.8, 0.9, 0.95, 0.99)


def fail(exc: DataError) -> None:
    st.error(exc.text(lang()))
    state.stop()


def source_picker() -> str:
    current = st.session_state.get("ab_source_choice", "typed")
    chosen = st.radio(t("ab_source"), list(SOURCES), index=SOURCES.index(current), horizontal=True,
                      format_func=labels(SOURCES, lambda s: t(f"ab_source_{s}")), key="ab_source")
    st.session_state["ab_source_choice"] = chosen
    return chosen


# --- typed counts ----------------------------------------------------------------------------------------------------
def example_counts() -> pd.DataFrame:
    """A realistic two-variant example in the session's language: 1,200 customers each, 18% and 25% converting."""
    return pd.DataFrame({"variant": [t("ab_example_a"), t("ab_example_b")], "visitors": [1200, 1200],
                         "conversions": [216, 300]})


def typed_variants() -> tuple[Variant, ...]:
    """The counts editor (prefilled with :func:`example_counts`; rows can be added for A/B/n) and its variants.

    The edited table is kept in the session (so it survives a visit to another page); each edit becomes the new
    table under a new editor key, so the editor's own record of edits never applies twice.
    """
    if COUNTS not in st.session_state:
        st.session_state[COUNTS] = example_counts()
    base = st.session_state[COUNTS]
    gen = st.session_state.get(_COUNTS_GEN, 0)
    st.caption(t("ab_typed_help"))
    edited = st.data_editor(
        base, key=f"ab_counts_{gen}", num_rows="dynamic", hide_index=True, width="stretch",
        column_config={"variant": st.column_config.TextColumn(t("ab_col_variant"), required=True),
                       "visitors": st.column_config.NumberColumn(t("ab_col_visitors"), min_value=0, step=1,
                                                                 format="localized"),
                       "conversions": st.column_config.NumberColumn(t("ab_col_conversions"), min_value=0, step=1,
                                                                    format="localized")})
    if not edited.reset_index(drop=True).equals(base.reset_index(drop=True)):
        st.session_state[COUNTS] = edited.reset_index(drop=True)
        st.session_state[_COUNTS_GEN] = gen + 1
        st.rerun()
    if st.button(t("ab_reset_example"), key="ab_reset_example", icon="↩️"):
        st.session_state[COUNTS] = example_counts()
        st.session_state[_COUNTS_GEN] = gen + 1
        st.rerun()
    try:
        return variants_from_counts(edited)
    except DataError as exc:
        fail(exc)
        raise


# --- a table: uploaded results or the campaign outcomes ----------------------------------------------------------
def table_variants(upload: uploads.Upload, prefix: str) -> tuple[Variant, ...]:
    """The column pickers (proposed from the headers, each can be changed) and the table's variants."""
    key = cached_predict.table_key(upload)
    try:
        frame = cached_predict.raw_table(key).frame
    except DataError as exc:
        fail(exc)
        raise
    proposed = propose_ab_columns(frame.columns)
    headers = [None, *map(str, frame.columns)]
    none = t("ab_none")
    chosen: dict[str, str | None] = {}
    found = " · ".join(f"{t(f'ab_role_{r}')}: {proposed[r]}" for r in ROLES if proposed[r])
    with st.expander(f"{t('ab_columns')}: {found or none}", icon="🧭"):
        st.caption(t("ab_columns_help"))
        cols = st.columns(3)
        for i, role in enumerate(ROLES):
            default = proposed[role]
            chosen[role] = cols[i % 3].selectbox(
                t(f"ab_role_{role}"), headers, index=headers.index(default) if default in headers else 0,
                format_func=labels(headers, lambda h: none if h is None else h),
                key=f"ab_{prefix}_{role}_{upload.digest[:12]}")
    if chosen["variant"] is None:
        fail(DataError("ab_no_variant_column", columns=Localized.listing(frame.columns)))
    if chosen["visitors"] is None or chosen["conversions"] is None:
        chosen["visitors"] = chosen["conversions"] = None
    try:
        return cached_abtest.variants(key, tuple(chosen.items()))
    except DataError as exc:
        fail(exc)
        raise


def outcomes_upload() -> uploads.Upload | None:
    """The session's campaign outcomes; a button loads the demo's when there are none."""
    upload = state.dataset("campaign_outcomes")
    if upload is None:
        st.info(t("ab_outcomes_none"))
        if samples.sample_measure_file("campaign_outcomes") is not None and st.button(
                t("ab_outcomes_demo"), key="ab_outcomes_demo", icon="🧪"):
            path = samples.sample_measure_file("campaign_outcomes")
            state.set_table("campaign_outcomes", path.name, path.read_bytes(), file_id="sample")
            st.rerun()
        return None
    st.markdown(t("ab_outcomes_in_use", name=upload.name))
    return upload


def results_upload() -> uploads.Upload | None:
    upload = predict_view.table_upload("ab_results", label=t("ab_upload"), help_text=t("ab_upload_help"))
    if upload is None:
        st.info(t("ab_upload_first"))
    return upload


# --- options ---------------------------------------------------------------------------------------------------------
def options(choice: AbChoice, names: list[str]) -> AbChoice:
    """Confidence, test and baseline; returns the choice they make (the baseline always one of ``names``)."""
    levels = sorted(set(CONFIDENCES) | {choice.confidence})
    c1, c2, c3 = st.columns(3)
    confidence = c1.select_slider(t("ab_confidence"), levels, value=choice.confidence, key="ab_confidence",
                                  format_func=lambda c: _abtest_words.level_text(c), help=t("ab_confidence_help"))
    tests = ["z", "chi2"]
    test = c2.radio(t("ab_test"), tests, index=tests.index(choice.test), horizontal=True, key="ab_test",
                    format_func=labels(tests, lambda x: t(f"ab_test_{x}")), help=t("ab_test_help"))
    baseline = choice.baseline if choice.baseline in names else names[0]
    picked = c3.selectbox(t("ab_baseline"), names, index=names.index(baseline), help=t("ab_baseline_help"),
                          key=f"ab_baseline_{zlib.crc32(chr(31).join(names).encode())}")
    return AbChoice(confidence=float(confidence), test=test, baseline=picked)


# --- results ---------------------------------------------------------------------------------------------------------
def metrics_row(result: AbResult) -> None:
    table = result.table
    top = table.loc[table["prob_best"].idxmax()]
    k = st.columns(4)
    k[0].metric(t("ab_m_variants"), f"{len(table):,}")
    k[1].metric(t("ab_m_visitors"), f"{int(table['visitors'].sum()):,}")
    k[2].metric(t("ab_m_best"), str(top["variant"]), help=t("ab_m_best_help"))
    k[2].caption(t("ab_m_best_share", share=f"{top['prob_best']:.0%}"))
    k[3].metric(t("ab_m_overall"), _abtest_words.p_text(result.overall_p_value).removeprefix("p = "),
                help=t("ab_m_overall_help"))


def _ci(low: float, high: float, text) -> str:
    if math.isnan(low) or math.isnan(high):
        return ""
    joiner = " 至 " if lang() == "zh" else " to "
    return f"{text(low)}{joiner}{text(high)}"


def _lift(value: float) -> str:
    return "" if math.isnan(value) else f"{value * 100:+.1f}%"


def display_table(result: AbResult) -> pd.DataFrame:
    """The results as shown: rates and probabilities in %, intervals as text, the baseline's comparison blank."""
    table = result.table
    level = _abtest_words.level_text(result.confidence)
    first = table.index[0]
    shown = pd.DataFrame({
        t("ab_t_variant"): table["variant"],
        t("ab_t_visitors"): table["visitors"], t("ab_t_conversions"): table["conversions"],
        t("ab_t_rate"): table["rate"] * 100,
        t("ab_t_rate_ci", level=level): [_ci(lo, hi, _abtest_words.percent) for lo, hi in
                                         zip(table["rate_low"], table["rate_high"], strict=True)],
        t("ab_t_diff"): [t("ab_baseline_row") if i == first else _abtest_words.points(d)
                         for i, d in zip(table.index, table["diff"], strict=True)],
        t("ab_t_diff_ci", level=level): [_ci(lo, hi, _abtest_words.points) for lo, hi in
                                         zip(table["diff_low"], table["diff_high"], strict=True)],
        t("ab_t_lift"): [_lift(v) for v in table["lift"]],
        t("ab_t_lift_ci", level=level): [_ci(lo, hi, _lift) for lo, hi in
                                         zip(table["lift_low"], table["lift_high"], strict=True)],
        t("ab_t_p"): ["" if i == first else _abtest_words.p_text(p).removeprefix("p = ").replace("p < ", "< ")
                      for i, p in zip(table.index, table["p_value"], strict=True)],
        t("ab_t_significant"): ["" if i == first else t("ab_yes" if s else "ab_no")
                                for i, s in zip(table.index, table["significant"], strict=True)],
        t("ab_t_power"): table["power"] * 100,
        t("ab_t_best"): table["prob_best"] * 100,
    })
    if "revenue" in table.columns:
        shown[t("ab_t_revenue")] = table["revenue"]
        shown[t("ab_t_rpv")] = table["revenue_per_visitor"]
    return shown


def results_table(result: AbResult) -> None:
    shown = display_table(result)
    currency = state.currency()
    config = {t("ab_t_visitors"): st.column_config.NumberColumn(format="localized"),
              t("ab_t_conversions"): st.column_config.NumberColumn(format="localized"),
              t("ab_t_rate"): st.column_config.NumberColumn(format="%.1f%%"),
              t("ab_t_power"): st.column_config.NumberColumn(format="%.0f%%"),
              t("ab_t_best"): st.column_config.NumberColumn(format="%.1f%%"),
              t("ab_t_revenue"): money_column(t("ab_t_revenue"), currency),
              t("ab_t_rpv"): money_column(t("ab_t_rpv"), currency)}
    st.dataframe(shown, hide_index=True, width="stretch", height=fit_height(len(shown)), column_config=config)


def verdict(result: AbResult) -> None:
    """The sentences: green when significant, amber when not; the probability best; the too-small warning."""
    language = lang()
    st.subheader(t("ab_verdict"))
    sentences = _abtest_words._variant_sentences(result, language)
    for sentence, significant in zip(sentences, result.table["significant"].iloc[1:], strict=True):
        (st.success if significant else st.warning)(sentence, icon="✅" if significant else "⚖️")
    st.info(_abtest_words.best_text(result, language), icon="🎲")
    small = _abtest_words.too_small_text(result, language)
    if small:
        st.warning(small, icon="⚠️")


def charts(result: AbResult) -> None:
    c1, c2 = st.columns([3, 2])
    c1.altair_chart(abtest_charts.rates_chart(result.table, result.confidence), width="stretch")
    c2.altair_chart(abtest_charts.prob_best_chart(result.table), width="stretch")


# --- planning --------------------------------------------------------------------------------------------------------
def planning(result: AbResult, choice: AbChoice) -> None:
    """Customers per variant for a base rate and the smallest effect worth finding; the power of this test."""
    base_now = float(result.table["rate"].iloc[0])
    weak = weakest(result)
    observed = abs(float(result.table["diff"].iloc[1:].abs().max()))
    base_default = float(round(min(max(base_now * 100, 0.1), 99.0), 1))
    effect_default = float(round(min(max(observed * 100, 0.5), 50.0), 1)) if observed else 2.0
    # Keyed on the defaults: another test starts from its own rates (a keyed input would keep the old value).
    token = zlib.crc32(f"{base_default}/{effect_default}".encode())
    with st.expander(t("ab_planning"), icon="📐", expanded=result.too_small):
        c1, c2, c3, c4 = st.columns(4)
        base = c1.number_input(t("ab_plan_base"), min_value=0.1, max_value=99.0, step=0.5, value=base_default,
                               key=f"ab_plan_base_{token}", help=t("ab_plan_base_help"))
        effect = c2.number_input(t("ab_plan_effect"), min_value=0.1, max_value=50.0, step=0.5, value=effect_default,
                                 key=f"ab_plan_effect_{token}", help=t("ab_plan_effect_help"))
        alphas = [0.01, 0.05, 0.1]
        alpha_default = min(alphas, key=lambda a: abs(a - (1 - choice.confidence)))
        alpha = c3.selectbox(t("ab_plan_alpha"), alphas, index=alphas.index(alpha_default), key="ab_plan_alpha")
        powers = [0.8, 0.9, 0.95]
        power = c4.selectbox(t("ab_plan_power"), powers, index=0, key="ab_plan_power",
                             format_func=lambda p: f"{p:.0%}", help=t("ab_plan_power_help"))
        m1, m2 = st.columns(2)
        try:
            n = sample_size(base / 100, effect / 100, alpha=alpha, power=power)
        except DataError as exc:
            st.error(exc.text(lang()))
        else:
            m1.metric(t("ab_plan_n"), f"{n:,}", help=t("ab_plan_formula"))
            m1.caption(t("ab_plan_total", n=n * len(result.table), k=len(result.table)))
        if weak is not None:
            current = float(weak["power"])
        else:
            others = result.table.iloc[1:]
            current = float(others["power"].min()) if len(others) else math.nan
        m2.metric(t("ab_plan_current"), t("ab_plan_no_power") if math.isnan(current) else f"{current:.0%}",
                  help=t("ab_plan_current_help"))
        needed = needed_per_variant(result)
        if result.too_small and needed is not None:
            st.warning(t("ab_plan_too_small", power=f"{current:.0%}", n=needed), icon="⚠️")
        elif result.too_small:
            st.warning(t("ab_plan_too_small_no_n", power=f"{current:.0%}"), icon="⚠️")


def download(result: AbResult, source: str) -> None:
    language = lang()

    def workbook() -> bytes:  # written when she clicks, not on every rerun
        return _abtest_export.workbook(result, language, source=source)

    st.download_button(t("ab_download"), data=workbook, file_name="abtest.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="ab_download", icon="⬇️")
