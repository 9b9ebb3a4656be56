"""The display parts of the Campaign results page: the outcomes file with its column mapping and exported lists, the
rows left out, the metrics, the lift over control, the success rates by dimension and the agent comparison.  The
model lists section is in :mod:`ui.results_model_view`.  No analysis here: everything comes from
:mod:`crm_core.measure` through :mod:`ui.cached_results`.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from crm_core.measure import results as rs
from crm_core.measure.outcomes import FIELD_LABELS, FIELDS, OUTCOME_LABELS, OUTCOMES, OutcomeColumns, Outcomes
from crm_core.messages import render
from crm_core.schema import DataError
from ui import cached, cached_results, measure_state, results_charts, state, uploads
from ui.cached_predict import TableKey, table_key
from ui.fmt import fit_height, money_column, money_text
from ui.i18n import labels, lang, t

__all__ = ["LISTS_KEY", "MAPPING_KEY", "choice", "lift_section", "metrics_section", "orders", "outcomes_section",
           "rates_section", "set_choice", "table_upload", "with_session_segments"]

MAPPING_KEY = "cr_columns"  # {outcomes digest: {field: column or None}}: her mapping of each outcomes file
LISTS_KEY = "cr_lists"  # tuple of TableKey: the exported list workbooks she uploaded
_PCT = "%.1f%%"


def choice() -> rs.ResultsChoice:
    return measure_state.choice("results")


def set_choice(**changes) -> rs.ResultsChoice:
    """Keep a changed choice in the session (saved with the analysis file)."""
    new = replace(choice(), **changes)
    measure_state.set_choice("results", new)
    return new


def pct(value: float) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.1%}"


def table_upload(kind: str, *, label: str, replace_label: str, help_text: str, in_use: str) -> uploads.Upload | None:
    """The uploader of a table of ``kind`` (:data:`ui.state.TABLE_KINDS`), the table in use and a button to remove
    it; returns the table in use (None when there is none)."""
    gen_key = f"cr_{kind}_gen"
    gen = st.session_state.get(gen_key, 0)
    current = state.dataset(kind)
    uploaded = st.file_uploader(label if current is None else replace_label, type=["csv", "txt", "xlsx", "xls"],
                                key=f"cr_{kind}_uploader_{gen}", help=help_text)
    if uploaded is not None and (current is None or current.file_id != uploaded.file_id):
        state.set_table(kind, uploaded.name, uploaded.getvalue(), file_id=uploaded.file_id)
        current = state.dataset(kind)
    if current is not None:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.markdown(in_use.format(name=current.name))
        if c2.button(t("remove_file"), key=f"cr_{kind}_remove", icon="🗑️"):
            state.remove_table(kind)
            st.session_state[gen_key] = gen + 1
            st.rerun()
    return current


def orders():
    """(orders key, analysis date, scope, RFM params) of the session's orders, or None (none loaded or unreadable)."""
    up = state.upload()
    if up is None:
        return None
    try:
        key = state.ingest_key(up)
        facts = cached.facts(key)
    except DataError:
        return None
    return key, state.as_of(facts["default_as_of"]), state.scope(), state.rfm_params()


# --------------------------------------------------------------------------------------------- the outcomes file
def _mapping(key: TableKey, columns: list[str]) -> OutcomeColumns | None:
    """Her column of each field (proposed, then as she changed it); None when no outcome column is chosen."""
    saved = st.session_state.setdefault(MAPPING_KEY, {})
    chosen = dict(saved.get(key.digest) or cached_results.proposal(key))
    found = ("；" if lang() == "zh" else "; ").join(f"{FIELD_LABELS[f].text(lang())} = {c}"
                                                   for f, c in chosen.items() if c)
    with st.expander(t("cr_mapping", found=found or "—"), icon="🧭", expanded=not chosen.get("outcome")):
        st.caption(t("cr_mapping_help"))
        options = ["", *columns]
        grid = st.columns(5)
        for i, field in enumerate(FIELDS):
            current = chosen.get(field) if chosen.get(field) in columns else ""
            picked = grid[i % 5].selectbox(FIELD_LABELS[field].text(lang()), options, index=options.index(current),
                                           key=f"cr_col_{field}_{key.digest[:8]}",
                                           format_func=labels(options, lambda c: c or t("cr_not_in_file")))
            chosen[field] = picked or None
    saved[key.digest] = chosen
    if not chosen.get("outcome"):
        st.error(DataError("cr_no_outcome_column", columns=", ".join(c for c in chosen.values() if c) or "—")
                 .text(lang()))
        return None
    return OutcomeColumns(**chosen)


def _lists_section() -> tuple[TableKey, ...]:
    """The uploader of exported list workbooks; returns the lists kept in the session."""
    kept: tuple[TableKey, ...] = tuple(st.session_state.get(LISTS_KEY, ()))
    gen = st.session_state.get("cr_lists_gen", 0)
    uploaded = st.file_uploader(t("cr_lists_upload"), type=["xlsx"], accept_multiple_files=True,
                                key=f"cr_lists_uploader_{gen}", help=t("cr_lists_help"))
    if uploaded:
        known = {k.digest for k in kept}
        fresh = [table_key(uploads.make_upload([(f.name, f.getvalue())])) for f in uploaded]
        kept = kept + tuple(k for k in fresh if k.digest not in known)
        st.session_state[LISTS_KEY] = kept
    if kept and st.button(t("cr_remove_lists"), key="cr_remove_lists", icon="🗑️"):
        st.session_state[LISTS_KEY] = ()
        st.session_state["cr_lists_gen"] = gen + 1
        st.rerun()
    return kept


def _show_lists(kept: tuple[TableKey, ...], found: Outcomes) -> None:
    for item in kept:
        try:
            exported = cached_results.exported_list(item)
        except DataError as exc:
            st.error(exc.text(lang()))
            continue
        control = int((exported.members["group"] == "control").sum())
        matched = t("cr_list_matched") if exported.list_id in found.matched_lists else t("cr_list_unmatched")
        st.markdown(t("cr_list_row", list_id=exported.list_id, kind=exported.kind, members=len(exported.members),
                      control=control, matched=matched))


def _excluded(found: Outcomes) -> None:
    excluded = found.excluded
    if excluded.empty:
        st.caption(t("cr_excluded_none"))
        return
    language = lang()
    with st.expander(t("cr_excluded", rows=len(excluded)), icon="🧹"):
        words = excluded["reason"].map(lambda code: render(code, language))
        counts = words.value_counts()
        st.markdown("\n".join(f"- {reason}: {n:,}" for reason, n in counts.items()))
        shown = pd.DataFrame({t("cr_row"): excluded["row"], t("cr_reason"): words, t("cr_value"): excluded["value"]})
        st.dataframe(shown, hide_index=True, height=fit_height(len(shown)))


def outcomes_section() -> Outcomes | None:
    """The outcomes file, its mapping, the exported lists and the rows left out; returns the clean outcomes (None:
    no file yet, or a problem shown)."""
    current = table_upload("campaign_outcomes", label=t("cr_upload"), replace_label=t("cr_replace"),
                           help_text=t("cr_upload_help"), in_use=t("cr_in_use"))
    if current is None:
        st.info(t("cr_none"))
        return None
    key = table_key(current)
    try:
        raw = cached_results.raw(key)
    except DataError as exc:
        st.error(exc.text(lang()))
        return None
    columns = _mapping(key, [str(c) for c in raw.frame.columns])
    box = st.expander(t("cr_lists_box", n=len(st.session_state.get(LISTS_KEY, ()))), icon="📋")
    with box:
        kept = _lists_section()
    if columns is None:
        return None
    try:
        with st.spinner(t("cr_computing")):
            found = cached_results.outcomes(key, columns, kept)
    except DataError as exc:
        st.error(exc.text(lang()))
        return None
    if kept:
        with box:
            _show_lists(kept, found)
            st.caption(t("cr_lists", n=len(found.matched_lists)))
    _excluded(found)
    return found


def with_session_segments(table: pd.DataFrame) -> pd.DataFrame:
    """The outcomes with each customer's RFM segment name when orders are loaded (else unchanged)."""
    found = orders()
    if found is None:
        return table
    key, as_of, scope, params = found
    try:
        with st.spinner(t("computing")):
            names = cached_results.segment_names(key, as_of, params, scope, lang())
    except DataError:
        return table
    with_names = rs.with_segments(table, names)
    return with_names.assign(segment=with_names["segment"].replace(rs.UNKNOWN_SEGMENT, t("cr_unknown_segment")))


# --------------------------------------------------------------------------------------------------- results
def metrics_section(table: pd.DataFrame) -> None:
    target, control = table[table["group"] == "target"], table[table["group"] == "control"]
    currency = state.currency()
    c = st.columns(4)
    c[0].metric(t("cr_contacts"), f"{len(target):,}")
    c[1].metric(t("cr_rate"), pct(target["success"].mean() if len(target) else float("nan")))
    c[2].metric(t("cr_revenue"), money_text(float(target["revenue"].sum()), currency))
    c[3].metric(t("cr_control"), t("cr_control_value", n=len(control),
                                   rate=pct(control["success"].mean() if len(control) else float("nan"))))


def lift_section(table: pd.DataFrame, confidence: float) -> None:
    st.subheader(t("cr_lift_title"))
    try:
        lift = rs.control_lift(table, confidence=confidence)
    except DataError as exc:
        st.info(exc.text(lang()))
        return
    currency = state.currency()
    for row in lift.to_dict("records"):
        st.success(rs.lift_sentence(row, lang(), currency=currency))
    row = lift.iloc[0].to_dict()
    (tl, th), (cl, ch) = (rs.wilson([row["target_successes"]], [row["target_n"]], confidence),
                          rs.wilson([row["control_successes"]], [row["control_n"]], confidence))
    row.update(target_low=tl[0], target_high=th[0], control_low=cl[0], control_high=ch[0])
    left, right = st.columns([2, 3])
    left.altair_chart(results_charts.lift_chart(row), width="stretch")
    if (table.loc[table["group"] == "target", "variant"] != "").any():
        by_offer = rs.control_lift(table, confidence=confidence, by="variant")
        right.caption(t("cr_lift_by_offer"))
        right.dataframe(_lift_table(by_offer, currency), hide_index=True, height=fit_height(len(by_offer)),
                        column_config=_lift_config(currency))
    if len(lift) > 1:
        st.dataframe(_lift_table(lift, currency), hide_index=True, column_config=_lift_config(currency))


def _lift_table(lift: pd.DataFrame, currency: str) -> pd.DataFrame:
    shown = lift[["name", "target_n", "target_rate", "control_n", "control_rate", "lift", "low", "high", "p_value",
                  "incremental_successes", "incremental_revenue"]]
    return shown.assign(**{c: shown[c] * 100 for c in ("target_rate", "control_rate", "lift", "low", "high")},
                        incremental_successes=shown["incremental_successes"].round(0))


def _lift_config(currency: str) -> dict:
    number = st.column_config.NumberColumn
    return {"name": st.column_config.Column(t("cr_name")), "target_n": number(t("cr_target"), format="localized"),
            "target_rate": number(t("cr_target_rate"), format=_PCT),
            "control_n": number(t("cr_control"), format="localized"),
            "control_rate": number(t("cr_control_rate"), format=_PCT), "lift": number(t("cr_lift"), format="%+.1f"),
            "low": number(t("cr_low"), format="%+.1f"), "high": number(t("cr_high"), format="%+.1f"),
            "p_value": number(t("cr_p_value"), format="%.4f"),
            "incremental_successes": number(t("cr_incremental"), format="localized"),
            "incremental_revenue": money_column(t("cr_incremental_revenue"), currency)}


def rates_section(table: pd.DataFrame, confidence: float, min_contacts: int) -> None:
    """Success rates by one dimension at a time (a segmented control), with the interval chart and the table; the
    agent view adds the fair comparison."""
    st.subheader(t("cr_rates_title"))
    target = table[table["group"] == "target"]
    dims = [d for d in rs.BY if d in table.columns and (target[d].astype(str) != "").any()]
    if not dims:
        return
    if "segment" not in dims:
        st.caption(t("cr_segment_needs_orders"))
    by = st.segmented_control(t("cr_by"), dims, default=dims[0], required=True, key="cr_by",
                              format_func=labels(dims, lambda d: t(f"cr_by_{d}"))) or dims[0]
    rates = rs.success_rates(table, by, confidence=confidence)
    label = t(f"cr_by_{by}")
    if by == "agent":
        _agents(table, confidence, min_contacts)
    st.vega_lite_chart(spec=results_charts.rates_chart(rates, by, label=label, confidence=confidence).to_dict(),
                       width="stretch")
    currency = state.currency()
    shown = rates.assign(**{c: rates[c] * 100 for c in ("rate", "low", "high")})
    number = st.column_config.NumberColumn
    config = {by: st.column_config.Column(label), "contacts": number(t("cr_contacts_col"), format="localized"),
              "successes": number(t("cr_successes"), format="localized"),
              "rate": number(t("cr_rate"), format=_PCT), "low": number(t("cr_low"), format=_PCT),
              "high": number(t("cr_high"), format=_PCT), "revenue": money_column(t("cr_revenue"), currency),
              "revenue_per_contact": money_column(t("cr_per_contact"), currency)}
    config |= {o: number(OUTCOME_LABELS[o].text(lang()).capitalize(), format="localized") for o in OUTCOMES}
    st.dataframe(shown, hide_index=True, column_config=config, height=fit_height(len(shown)))


def _agents(table: pd.DataFrame, confidence: float, min_contacts: int) -> None:
    comparison = rs.compare_agents(table, confidence=confidence, min_contacts=min_contacts)
    if comparison is None:
        st.info(t("cr_agents_few", n=min_contacts))
        return
    st.success(comparison.sentence(lang()))
    if comparison.left_out:
        st.caption(t("cr_agents_left_out", names=("、" if lang() == "zh" else ", ").join(comparison.left_out)))
