"""Lifecycle & cohorts page: stages with editable windows, migration between two dates, monthly cohorts.

Settings -> the core through the cached wrappers -> tables and Altair charts.  The windows live in the session
(:mod:`ui.segment_state`, saved with the analysis); the migration's dates, grouping and chosen cell are kept in
the session too, so a visit to another page does not lose them.  Heavy views sit behind a segmented control.
"""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from crm_core import export
from crm_core.schema import DataError
from crm_core.segment import lifecycle, profiles, rfm
from crm_core.segment.combined import with_group_names
from crm_core.segment.lifecycle import NOT_YET, STAGE_COLORS, Lifecycle
from crm_core.settings import Scope
from ui import cached, cached_segments, lifecycle_charts, lifecycle_form, scope_form, segment_state, state
from ui.fmt import fit_height, money_text, percent_for_display, table_config
from ui.i18n import labels, lang, t
from ui.list_download import list_download

# Session keys of this page's own choices (plain values, not widget state, which Streamlit drops elsewhere).
VIEW = "lc_view_choice"
MIGRATION = "lc_migration_choice"
LIST_STAGES = "lc_list_stages_choice"

up, summary = state.require_data()
key = state.ingest_key(up)
as_of = state.as_of(summary["default_as_of"])
scope = state.scope()
params = state.rfm_params()
currency = state.currency()
st.title(t("nav_lifecycle"))
st.caption(t("lc_intro"))

views = {"stages": "lc_view_stages", "migration": "lc_view_migration", "cohorts": "lc_view_cohorts"}
view = st.segmented_control(t("lc_view"), list(views), default=st.session_state.get(VIEW, "stages"),
                            required=True, key="lc_view", label_visibility="collapsed",
                            format_func=labels(views, lambda v: t(views[v]))) or "stages"
st.session_state[VIEW] = view
if not scope.is_all and view != "stages":
    st.caption(t("lc_all_orders_note", scope=scope_form.summary_text(scope, as_of)))


def stages_view() -> None:
    windows = lifecycle_form.windows_editor(as_of)
    segmentation = Lifecycle(windows)
    try:
        table, _, _ = cached.customers(key, as_of, scope)
    except DataError as exc:  # a window or filter that leaves nobody (chosen on the RFM page)
        st.error(exc.text(lang()))
        state.stop()
    staged = lifecycle.with_stages(table, windows)
    segs = rfm.segment_summary(staged, segmentation, lang=lang())
    counts = dict(zip(segs["segment"], segs["customers"], strict=True))
    shares = dict(zip(segs["segment"], segs["customer_share"], strict=True))
    for column, stage in zip(st.columns(len(lifecycle.STAGES)), lifecycle.STAGES, strict=True):
        column.metric(segmentation.text(stage, "name", lang()), f"{counts.get(stage, 0):,}",
                      help=segmentation.text(stage, "description", lang()), border=True)
        column.caption(t("lc_share_of_customers", share=shares.get(stage, 0.0)))

    st.subheader(t("lc_stage_summary"))
    numbers = segs.drop(columns=["segment", "description", "action"]).rename(columns={"name": "stage_name"})
    shown = percent_for_display(numbers)
    st.dataframe(shown, hide_index=True, width="stretch", height=fit_height(len(shown)),
                 column_config=table_config(shown.columns, currency))
    meaning = pd.DataFrame({
        t("lc_stage"): segs["name"],
        export.column_label("description", lang()): segs["description"],
        export.column_label("action", lang()): segs["action"],
        export.column_label("suggested_channel", lang()): [segmentation.text(k, "channel", lang())
                                                           for k in segs["segment"]],
    }).set_index(t("lc_stage"))
    with st.expander(t("lc_stage_meaning"), expanded=True):
        st.table(meaning)
    st.markdown(f"##### {t('lc_stage_chart')}")
    if len(segs):
        st.altair_chart(lifecycle_charts.stage_bars(segs, STAGE_COLORS))
    with st.expander(t("lc_stage_profiles")):
        shown_profiles = profiles.segment_profiles(staged, segmentation, lang=lang())
        shown_profiles = shown_profiles.drop(columns=["segment"]).rename(columns={"segment_name": "stage_name"})
        st.dataframe(shown_profiles, hide_index=True, width="stretch", height=fit_height(len(shown_profiles)),
                     column_config=table_config(shown_profiles.columns, currency))

    st.subheader(t("lc_list_title"))
    present = [s for s in lifecycle.STAGES if counts.get(s, 0)]
    chosen = st.multiselect(t("lc_list_stages"), present, key="lc_list_stages", placeholder=t("lc_list_placeholder"),
                            default=[s for s in st.session_state.get(LIST_STAGES, ()) if s in present],
                            format_func=labels(present, lambda s: segmentation.text(s, "name", lang())))
    st.session_state[LIST_STAGES] = tuple(chosen)
    if not chosen:
        st.info(t("lc_list_choose"))
        return
    scored = cached.rfm_scores(key, as_of, params, scope)
    listed = with_group_names(lifecycle.with_stages(scored, windows), rfm_params=params, windows=windows,
                              lang=lang())
    list_download(listed, segmentation, key=key, up=up, as_of=as_of, scope=scope, file_stem="lifecycle",
                  widget_key="lc_stage_list", segments=tuple(chosen))


def migration_choice() -> tuple[date, date, str]:
    """The two dates and the grouping, started from the session's (reset when the analysis date changed)."""
    first_day = summary["first_date"]
    last_day = max(as_of, summary["default_as_of"])
    default_from = min(max(as_of - timedelta(days=90), first_day + timedelta(days=1)), as_of)
    saved = st.session_state.get(MIGRATION)
    if saved is None or saved["as_of"] != (up.digest, as_of):  # another file or analysis date: the defaults
        saved = {"as_of": (up.digest, as_of), "from": default_from, "to": as_of, "by": "stage",
                 "value": "customers", "cell": None}
    c1, c2, c3 = st.columns([1, 1, 1.4])
    from_day = c1.date_input(t("lc_from_date"), value=saved["from"], min_value=first_day, max_value=last_day,
                             help=t("lc_from_date_help"), key="lc_from_date")
    to_day = c2.date_input(t("lc_to_date"), value=saved["to"], min_value=first_day, max_value=last_day,
                           help=t("lc_to_date_help"), key="lc_to_date")
    by_options = {"stage": "lc_by_stage", "rfm": "lc_by_rfm"}
    by = c3.radio(t("lc_by"), list(by_options), index=list(by_options).index(saved["by"]), horizontal=True,
                  help=t("lc_by_rfm_help"), key="lc_by",
                  format_func=labels(by_options, lambda b: t(by_options[b])))
    st.session_state[MIGRATION] = {**saved, "from": from_day, "to": to_day, "by": by}
    return from_day, to_day, by


def migration_view() -> None:
    from_day, to_day, by = migration_choice()
    windows = segment_state.lifecycle_windows()
    try:
        with st.spinner(t("lc_migrating")):
            moved = cached_segments.migration(key, from_day, to_day, by, windows, params)
    except DataError as exc:
        st.error(exc.text(lang()))
        state.stop()
    cells = moved.cells
    frm, to = f"{from_day:%Y-%m-%d}", f"{to_day:%Y-%m-%d}"
    arrived = int(cells.loc[cells["from_group"] == NOT_YET, "customers"].sum())
    stayed = int(cells.loc[cells["from_group"] == cells["to_group"], "customers"].sum())
    total = int(cells["customers"].sum())
    st.markdown(t("lc_migration_sentence", total=total, stayed=stayed, moved=total - stayed - arrived,
                  arrived=arrived, to=to, frm=frm))

    values = {"customers": "lc_value_customers", "revenue": "lc_value_revenue", "from_share": "lc_value_from_share"}
    saved = st.session_state[MIGRATION]
    value = st.segmented_control(t("lc_show"), list(values), default=saved["value"], required=True,
                                 key="lc_value", format_func=labels(values, lambda v: t(values[v]))) or "customers"
    st.session_state[MIGRATION] = {**saved, "value": value}
    rows = {k: moved.name(k, lang()) for k in moved.from_groups()}
    columns = {k: moved.name(k, lang()) for k in moved.to_groups()}
    st.markdown(f"##### {t('lc_heatmap_title', frm=frm, to=to)}")
    value_title = t(values[value]) + (f" ({currency})" if value == "revenue" else "")
    st.altair_chart(lifecycle_charts.migration_heatmap(
        moved.matrix(value), rows, columns, value, row_title=t("lc_group_before", date=frm),
        column_title=t("lc_group_now", date=to), value_title=value_title), width="stretch")

    st.markdown(f"##### {t('lc_biggest_moves')}")
    st.caption(t("lc_biggest_moves_caption"))
    moves = cells[(cells["from_group"] != cells["to_group"]) & (cells["from_group"] != NOT_YET)]
    moves = moves.sort_values("customers", ascending=False, kind="stable").head(10)
    if moves.empty:
        st.info(t("lc_no_moves"))
    else:
        shown = percent_for_display(moves.assign(from_group=moves["from_group"].map(rows),
                                                 to_group=moves["to_group"].map(columns)))
        st.dataframe(shown.rename(columns={"revenue": "period_revenue"}), hide_index=True, width="stretch",
                     height=fit_height(len(shown)),
                     column_config=table_config(["from_group", "to_group", "customers", "from_share",
                                                 "period_revenue"], currency))
    cell_view(moved, rows, columns, moves)


def cell_view(moved: lifecycle.Migration, rows: dict[str, str], columns: dict[str, str],
              moves: pd.DataFrame) -> None:
    """Pick one cell (sorted by size), show exactly its customers and offer their list."""
    cells = moved.cells.sort_values("customers", ascending=False, kind="stable")
    options = [f"{a}|{b}" for a, b in zip(cells["from_group"], cells["to_group"], strict=True)]
    sizes = dict(zip(options, cells["customers"], strict=True))
    saved = st.session_state[MIGRATION]
    wanted = saved.get("cell") if saved.get("cell") in options else (
        f"{moves.iloc[0]['from_group']}|{moves.iloc[0]['to_group']}" if len(moves) else options[0])

    def cell_label(option: str) -> str:
        a, b = option.split("|")
        return t("lc_cell_option", frm=rows[a], to=columns[b], n=int(sizes[option]))

    picked = st.selectbox(t("lc_cell"), options, index=options.index(wanted), key=f"lc_cell_{moved.by}",
                          help=t("lc_cell_help"), format_func=labels(options, cell_label))
    st.session_state[MIGRATION] = {**saved, "cell": picked}
    from_group, to_group = picked.split("|")
    chosen = moved.cell_customers(from_group, to_group)
    windows = segment_state.lifecycle_windows()
    named = with_group_names(chosen, rfm_params=params, windows=windows, lang=lang())
    spend = money_text(float(chosen["period_revenue"].sum()), currency)
    st.markdown(f"##### {t('lc_cell_title', frm=rows[from_group], to=columns[to_group], n=len(chosen), spend=spend)}")
    shown = named.assign(**{moved.previous_column: chosen[moved.previous_column].map(rows)})
    group_name = "rfm_segment_name" if moved.by == "rfm" else "stage_name"
    cols = ["customer_id", moved.previous_column, group_name, "recency_days", "frequency", "monetary",
            "period_revenue", "last_order_date"]
    shown = shown[cols].rename(columns={moved.previous_column: "from_group", group_name: "to_group"})
    masked = export.mask_identifier(shown["customer_id"])
    if (masked != shown["customer_id"]).any() and not st.toggle(t("lc_show_full_ids"), key="lc_cell_full"):
        shown = shown.assign(customer_id=masked)
    config = table_config(shown.columns, currency)
    config["from_group"] = st.column_config.Column(t("lc_group_before", date=f"{moved.from_as_of:%Y-%m-%d}"))
    config["to_group"] = st.column_config.Column(t("lc_group_now", date=f"{moved.to_as_of:%Y-%m-%d}"))
    st.dataframe(shown, hide_index=True, width="stretch", height=fit_height(len(shown)), column_config=config)
    # Migration counts every order (no window or filter), and the list's Summary sheet says so.
    list_download(named, moved.segmentation, key=key, up=up, as_of=moved.to_as_of, scope=Scope(),
                  file_stem=f"migration_{from_group}_to_{to_group}", widget_key="lc_cell_list",
                  segments=(to_group,), preview=False)


def cohorts_view() -> None:
    with st.spinner(t("computing")):
        table = cached_segments.cohort_table(key, as_of)
        monthly = cached_segments.new_vs_returning(key, as_of)
    if table.empty:
        st.info(t("lc_no_cohorts"))
        return
    st.subheader(t("lc_cohort_title"))
    st.caption(t("lc_cohort_caption"))
    values = {"retention": "lc_cohort_retention", "active_customers": "lc_cohort_active",
              "revenue": "lc_cohort_revenue"}
    value = st.segmented_control(t("lc_show"), list(values), default="retention", required=True,
                                 key="lc_cohort_value", format_func=labels(values, lambda v: t(values[v])))
    value = value or "retention"
    title = t(values[value]) + (f" ({currency})" if value == "revenue" else "")
    st.altair_chart(lifecycle_charts.cohort_heatmap(table, value, value_title=title), width="stretch")
    partial = table.loc[~table["complete_month"], "month"]
    if len(partial):
        st.caption(t("lc_partial_month", month=partial.iloc[0], date=f"{as_of:%Y-%m-%d}"))
    with st.expander(t("lc_cohort_data")):
        shown = percent_for_display(table)
        st.dataframe(shown, hide_index=True, width="stretch", column_config=table_config(shown.columns, currency))

    st.subheader(t("lc_new_returning_title"))
    st.caption(t("lc_new_returning_caption"))
    st.altair_chart(lifecycle_charts.new_returning_bars(monthly, currency))


{"stages": stages_view, "migration": migration_view, "cohorts": cohorts_view}[view]()
