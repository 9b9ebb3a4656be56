"""RFM page: settings -> scores and segments (cached) -> summary, charts and the customer table."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from crm_core import export
from crm_core.schema import DataError
from crm_core.segment import edits, rfm
from ui import cached, charts, data_view, scope_form, state
from ui.fmt import fit_height, money_text, percent_for_display, table_config
from ui.i18n import labels, lang, t

up, summary = state.require_data()
key = state.ingest_key(up)
st.title(t("rfm_title"))

# --- settings ----------------------------------------------------------------------------------
params = state.rfm_params()
c1, c2, c3, c4 = st.columns([1, 1.3, 1.3, 1])
earliest = summary["first_date"] + timedelta(days=1)
if state.as_of(summary["default_as_of"]) < earliest:  # a saved fixed date before this file's first order
    st.info(t("as_of_reset", saved=f"{state.as_of(earliest):%Y-%m-%d}", used=f"{summary['default_as_of']:%Y-%m-%d}"))
    st.session_state[state.AS_OF] = summary["default_as_of"]
    st.session_state.pop("as_of_input", None)
as_of = c1.date_input(t("as_of"), value=state.as_of(summary["default_as_of"]), help=t("as_of_help"),
                      min_value=earliest, key="as_of_input")
st.session_state[state.AS_OF] = as_of
# Radios rather than segmented controls: their labels wrap instead of being cut off in a narrow column.
method = c2.radio(t("method"), ["quantile", "threshold"], horizontal=True, help=t("method_help"),
                  index=["quantile", "threshold"].index(st.session_state.get(state.METHOD_PREFERENCE, params.method)),
                  format_func=labels(["quantile", "threshold"], lambda m: t(f"method_{m}")))
st.session_state[state.METHOD_PREFERENCE] = method
basis = c3.radio(t("frequency_basis"), ["orders", "per_year"], horizontal=True, help=t("frequency_basis_help"),
                 index=["orders", "per_year"].index(params.frequency_basis),
                 format_func=labels(["orders", "per_year"], lambda b: t(f"basis_{b}")))
schemes = list(rfm.SCHEMES)
# Remembered in the session (not in widget state, which Streamlit drops when the user visits another page).
scheme_key = c4.selectbox(t("scheme"), schemes, index=schemes.index(st.session_state.get("scheme_base", "11")),
                          format_func=labels(schemes, lambda k: t(f"scheme_{k}")))
st.session_state["scheme_base"] = scheme_key
# The edited scheme lives in the session (widget state is dropped when the user visits another page),
# and the editors start from it; their own edits are re-applied on top each run.
edited_schemes = st.session_state.setdefault("edited_schemes", {})
scheme = edited_schemes.get(scheme_key, rfm.SCHEMES[scheme_key])

scope = scope_form.scope_form(key, as_of, summary["first_date"])
try:
    table, rows_after, scope_notes = cached.customers(key, as_of, scope)
except DataError as exc:
    st.error(exc.text(lang()))
    state.stop()
thresholds = params.thresholds
if method == "threshold":
    st.markdown(f"##### {t('thresholds')}")
    st.caption(t("thresholds_help"))
    # Prefilled from this file's quintiles whenever the file or the frequency basis changes.
    if thresholds is None or st.session_state.get("threshold_basis") != (basis, up.digest):
        thresholds = rfm.quantile_thresholds(table, frequency_basis=basis)
    st.session_state["threshold_basis"] = (basis, up.digest)
    score_cols = [t("score_n", n=n) for n in (5, 4, 3, 2)]
    grid = pd.DataFrame(edits.thresholds_rows(thresholds),
                        index=[t("recency_days"), t("frequency_min"), t("monetary_min")], columns=score_cols)
    edited = st.data_editor(grid, key="threshold_editor", width="stretch",
                            column_config={c: st.column_config.NumberColumn(c, min_value=0.0) for c in score_cols})
    try:
        thresholds = edits.thresholds_from_rows(edited.to_numpy().tolist())
    except DataError as exc:
        st.error(exc.text(lang()))
        state.stop()

with st.expander(t("edit_segments")):
    names = {k: scheme.name(k, lang()) for k in rfm.SEGMENT_INFO}
    editor = f"{scheme_key}_{lang()}_{st.session_state.get('editor_gen', 0)}"
    grid_df = pd.DataFrame([[names[k] for k in row] for row in scheme.grid],
                           index=[t("r_row", r=r) for r in (5, 4, 3, 2, 1)],
                           columns=[t("fm_column", f=f) for f in (1, 2, 3, 4, 5)])
    st.caption(t("segment_map"))
    st.caption(t("fm_explained"))
    options = [names[k] for k in scheme.segments()] + [n for k, n in names.items() if k not in scheme.segments()]
    edited_grid = st.data_editor(grid_df, key=f"grid_{editor}", width="stretch", height=fit_height(5),
                                 column_config={
        c: st.column_config.SelectboxColumn(c, options=options, required=True) for c in grid_df.columns})
    label_df = pd.DataFrame([{"key": k, "English": scheme.name(k, "en"), "中文": scheme.name(k, "zh")}
                             for k in scheme.segments()])
    st.caption(t("segment_names"))
    edited_labels = st.data_editor(label_df, key=f"labels_{editor}", hide_index=True, disabled=["key"],
                                   column_order=("English", "中文"), height=fit_height(len(label_df)))
    try:
        cells = [list(row) for row in edited_grid.itertuples(index=False)]
        labels_typed = [(row.key, row.English, row.中文) for row in edited_labels.itertuples(index=False)]
        scheme = edits.scheme_from_edits(scheme, cells, labels_typed)
        if scheme is not rfm.SCHEMES[scheme_key]:
            edited_schemes[scheme_key] = scheme
    except DataError as exc:
        st.error(exc.text(lang()))
    if scheme_key in edited_schemes and st.button(t("reset"), key="reset_segments"):
        edited_schemes.pop(scheme_key)
        st.session_state["editor_gen"] = st.session_state.get("editor_gen", 0) + 1
        st.rerun()

params = rfm.RfmParams(method=method, thresholds=thresholds if method == "threshold" else params.thresholds,
                       frequency_basis=basis, scheme=scheme)
st.session_state[state.RFM_PARAMS] = params

# --- results -----------------------------------------------------------------------------------
with st.spinner(t("computing")):
    scored = cached.rfm_scores(key, as_of, params, scope)
state.set_scored_count(up, as_of, len(scored))
if rows_after:
    st.warning(t("future_rows", rows=rows_after))
for note in scope_notes:
    (st.warning if note.level == "warning" else st.caption)(note.text(lang()))
relative = rfm.relative_scores_note(table, params)
if relative is not None:
    st.info(relative.text(lang()))
segs = rfm.segment_summary(scored, scheme, lang=lang())
currency = state.currency()
pareto = rfm.pareto_share(scored)
k = st.columns([1, 1.3, 1, 1.3])
k[0].metric(t("kpi_customers"), f"{len(scored):,}")
k[1].metric(t("kpi_revenue"), money_text(float(scored["monetary"].sum()), currency))
k[2].metric(t("kpi_orders"), f"{int(scored['frequency'].sum()):,}")
k[3].metric(t("kpi_pareto"), "–" if pd.isna(pareto) else f"{pareto:.0%}")
# The currency right under the money figures (a narrow column beside them would cut the revenue off at 1,280 px).
sentence, money = st.columns([3, 1])
if not pd.isna(pareto):
    sentence.caption(t("pareto_sentence", cust=pareto))
data_view.currency_picker(money, key="currency_rfm")

st.subheader(t("summary"))
numbers = segs.drop(columns=["segment", "description", "action"]).rename(columns={"name": "segment_name"})
shown = percent_for_display(numbers)
st.dataframe(shown, hide_index=True, width="stretch", height=fit_height(len(shown)),
             column_config=table_config(shown.columns, currency))
# Description and action are sentences: a static table wraps them, so nothing needs scrolling sideways.
with st.expander(t("segment_meaning"), expanded=False):
    st.table(segs.set_index("name")[["description", "action"]].rename_axis(t("segment"))
             .rename(columns={"description": export.column_label("description", lang()),
                              "action": export.column_label("action", lang())}))

with st.expander(t("segment_profiles"), expanded=False):
    shown_profiles = cached.segment_profiles(key, as_of, params, scope, lang()).drop(columns=["segment"])
    st.dataframe(shown_profiles, hide_index=True, width="stretch", height=fit_height(len(shown_profiles)),
                 column_config=table_config(shown_profiles.columns, currency))

st.subheader(t("charts"))
views = {"segments": "chart_segments", "heatmap": "chart_heatmap", "distributions": "chart_distributions"}
view = st.segmented_control(t("charts"), list(views), default="segments", required=True,
                            label_visibility="collapsed", format_func=labels(views, lambda v: t(views[v])))
if view == "segments":
    st.altair_chart(charts.segment_bars(segs), width="stretch")
elif view == "heatmap":
    st.altair_chart(charts.rf_heatmap(rfm.rf_matrix(scored)), width="stretch")
else:
    d1, d2, d3 = st.columns(3)
    d1.altair_chart(charts.distribution(scored, "recency_days", t("recency")), width="stretch")
    d2.altair_chart(charts.distribution(scored, "frequency", t("frequency")), width="stretch")
    d3.altair_chart(charts.distribution(scored, "monetary", f"{t('monetary')} ({currency})"), width="stretch")

with st.expander(t("customer_table")):
    st.caption(t("rfm_code_explained"))
    cols = ["customer_id", "segment_name", "rfm_code", "recency_days", "frequency", "monetary", "avg_order_value",
            "last_order_date"]
    view_df = scored.assign(segment_name=scored["segment"].map(lambda s: scheme.name(s, lang())))[cols]
    # Customer ids that are e-mails or phones (a file whose buyer is known by them) follow the masking rule.
    masked_ids = export.mask_identifier(view_df["customer_id"])
    if (masked_ids != view_df["customer_id"]).any() and not st.toggle(t("show_full_contacts"), key="customers_full"):
        view_df = view_df.assign(customer_id=masked_ids)
    st.dataframe(view_df, hide_index=True, width="stretch", column_config=table_config(cols, currency))
