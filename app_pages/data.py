"""Data page: upload, reading options, column mapping (problems right above it), cleaning options, row report.

When an administrator configured server data (ui.server_source), a choice above offers it next to uploads: the
server part (ui.server_view) reads the chosen file with DuckDB; without that setting the page is the upload page.
"""

import dataclasses
import time

import streamlit as st

from crm_core.schema import ColumnMapping, DataError
from ui import cached, data_view, mapping_form, samples, server_source, state
from ui.fmt import fit_height
from ui.i18n import labels, lang, t

st.title(t("data_title"))

# --- server data, when configured (else the page is the upload page below) -----------------------------------
server_paths = server_source.configured_paths()
if server_paths:
    from ui import server_view

    if server_view.choose_source(state.upload()) == "server":
        server_view.server_section(server_paths)
        state.stop()

# --- the file ----------------------------------------------------------------------------------
current = state.upload()
chip_slot = st.container()  # the file in use, above the uploader that would replace it
uploaded = st.file_uploader(t("uploader_replace") if current is not None else t("uploader"),
                            type=["csv", "txt", "tsv", "xlsx", "xls"], help=t("uploader_many_help"),
                            key=state.uploader_key(), on_change=state.on_uploader_change,
                            accept_multiple_files=True)
if uploaded:
    state.take_uploaded(uploaded)  # no callback (tests, old clients)
up = state.upload()
if up is None:
    st.info(t("upload_first"))
    if st.button(t("load_sample"), icon="🧪", key="data_sample"):
        samples.load_sample()
        st.rerun()
    state.stop()
if up.on_server:  # server data in use: the uploader above replaces it ("Server data" shows it)
    with chip_slot:
        data_view.loaded_file_chip(up)
    st.info(t("sv_in_use_upload", name=up.name))
    state.stop()
if not uploaded:
    # Back on the page (or the sample): the uploader shows no file, so say which one is in use.
    with chip_slot:
        data_view.loaded_file_chip(up)

# --- reading, then cleaning, under one status (each st.status costs a 0.05 s pause in Streamlit) ----
# Not a `with` block: the reading options and the preview are sent while the cleaning runs, so the browser
# draws them meanwhile; the cleaning runs before the mapping form, so its problems can be shown above it.
read = state.read_options()
sheets = cached.sheets_of(cached.DatasetKey(up.digest, up.data, up.name))
raw, read_error, report, ingest_error = None, None, None, None
started = time.perf_counter()
status = st.status(t("reading", name=up.name), expanded=False)
try:
    raw = cached.raw_table(state.raw_key(up))
    rows = len(raw.frame) + (0 if raw.overlaps is None else len(raw.overlaps))  # lines also in an earlier file
    status.update(label=t("read_done", rows=rows, seconds=time.perf_counter() - started))
except DataError as exc:
    read_error = exc
    status.update(label=t("read_failed", name=up.name), state="error")

st.markdown(f"##### {t('read_options')}")
data_view.read_options_form(raw, sheets)
if read_error is not None:
    state.set_read_problem(up, "read")
    st.error(read_error.text(lang()))
    if len(sheets) > 1:
        st.info(t("pick_sheet", sheets=("、" if lang() == "zh" else ", ").join(sheets)))
    state.stop()

if len(raw.sheet_names) > 1 and not any(note.code == "note_sheet_chosen" for note in raw.notes):
    st.caption(t("several_sheets", n=len(raw.sheet_names), sheet=raw.sheet))
for note in raw.notes:
    show = st.warning if note.level == "warning" else st.info if note.code == "note_sheet_chosen" else st.caption
    show(note.text(lang()))
with st.expander(t("preview", rows=min(data_view.PREVIEW_ROWS, len(raw.frame)), columns=len(raw.frame.columns)),
                 expanded=True):
    preview = data_view.preview_frame(raw)
    st.dataframe(preview, width="stretch", height=fit_height(len(preview)))

mapping = state.mapping(up)
columns = list(raw.frame.columns)

# --- mapping -----------------------------------------------------------------------------------
st.subheader(t("mapping"))
st.caption(t("mapping_help"))
mapping_form.show_moves()
proposal = cached.proposal(state.raw_key(up))
guessed = mapping_form.show_proposal(proposal, confirmed=st.session_state.get(state.MAPPING) is not None)
# The problem (if any) and the form go here once the cleaning is done; the expanders below are drawn
# first, so the browser renders them while the cleaning runs.
form_slot = st.container()
with st.expander(t("mapping_files")):
    left, right = st.columns(2)
    left.download_button(t("save_mapping"), mapping.to_json(), file_name="mapping.json", mime="application/json",
                         icon="💾")
    mapping_file = right.file_uploader(t("load_mapping"), type=["json"], key="mapping_upload")
    if mapping_file is not None and st.session_state.get("mapping_file_id") != mapping_file.file_id:
        st.session_state["mapping_file_id"] = mapping_file.file_id
        try:
            st.session_state[state.MAPPING] = ColumnMapping.from_json(mapping_file.getvalue())
            st.rerun()
        except DataError as exc:
            st.error(exc.text(lang()))

# --- cleaning options --------------------------------------------------------------------------
options = state.ingest_options()
with st.expander(t("cleaning"), expanded=False):
    with st.form("clean_form", border=False):
        c1, c2, c3 = st.columns(3)
        returns = c1.radio(t("returns"), ["net", "ignore"], index=["net", "ignore"].index(options.returns),
                           format_func=labels(["net", "ignore"], lambda v: t(f"returns_{v}")))
        orders_map = {None: "date_auto", True: "date_day", False: "date_month"}
        day_first = c2.radio(t("date_order"), list(orders_map), index=list(orders_map).index(options.day_first),
                             format_func=labels(list(orders_map), lambda v: t(orders_map[v])))
        merge = c3.toggle(t("merge_dups"), value=options.merge_duplicates)
        phone_region = data_view.phone_region_picker(c3, options.phone_region)
        codes = st.text_input(t("non_product"), ", ".join(options.non_product_codes))
        if st.form_submit_button(t("apply")):
            st.session_state[state.INGEST_OPTIONS] = dataclasses.replace(
                options, returns=returns, day_first=day_first, merge_duplicates=merge, phone_region=phone_region,
                non_product_codes=tuple(c.strip() for c in codes.split(",") if c.strip()),
            )
            st.rerun()

# --- cleaning (cached), then the problem and the mapping form above the expanders --------------------
try:
    report = cached.report(state.ingest_key(up))
    status.update(label=t("balance", read=report.rows_read, used=report.rows_used, excluded=len(report.excluded)),
                  state="complete")
except DataError as exc:
    ingest_error = exc
    status.update(label=t("prepare_failed"), state="error")

with form_slot:
    marked: tuple[str, ...] = ()
    if ingest_error is not None:
        state.set_read_problem(up, "prepare")
        marked = mapping_form.show_problem(ingest_error, mapping, columns)
        if ingest_error.code == "ambiguous_dates":
            inline_orders = {True: "date_day", False: "date_month"}

            def _date_order() -> None:
                chosen = st.session_state["inline_day_first"]
                st.session_state[state.INGEST_OPTIONS] = dataclasses.replace(state.ingest_options(),
                                                                             day_first=chosen)

            st.radio(t("date_order_inline"), list(inline_orders), index=None, horizontal=True, key="inline_day_first",
                     format_func=labels(list(inline_orders), lambda v: t(inline_orders[v])), on_change=_date_order)
    mapping_form.mapping_form(mapping, columns, marked=marked, guessed=guessed)

if ingest_error is not None:
    state.stop()

# --- the report --------------------------------------------------------------------------------
_, summary = state.require_data()
st.subheader(t("report"))
m = st.columns([1, 1, 1, 1, 1, 1.2])
m[0].metric(t("rows_read"), f"{report.rows_read:,}")
m[1].metric(t("rows_used"), f"{report.rows_used:,}")
m[2].metric(t("rows_excluded"), f"{len(report.excluded):,}")
m[3].metric(t("rows_returns"), f"{report.rows_returns:,}")
m[4].metric(t("customers"), f"{summary['customers']:,}")
data_view.currency_picker(m[5], key="currency_data")
st.caption(t("balance", read=report.rows_read, used=report.rows_used, excluded=len(report.excluded)))
for note in report.notes:
    if note not in raw.notes:
        (st.warning if note.level == "warning" else st.info)(note.text(lang()))

st.markdown(f"#### {t('exclusions')}")
if report.excluded.empty:
    st.success(t("nothing_excluded"))
else:
    reasons = report.reason_table(lang()).rename(columns={"reason": t("reason"), "rows": t("rows")})
    st.dataframe(reasons, hide_index=True, height=fit_height(len(reasons)),
                 column_config={t("rows"): st.column_config.NumberColumn(format="localized")})
    st.download_button(
        t("download_excluded"), lambda: data_view.excluded_csv(report), file_name="excluded_rows.csv",
        mime="text/csv", icon="⬇️",
    )

st.markdown(f"#### {t('duplicates')}")
if report.duplicates is None or report.duplicates.empty:
    st.caption(t("duplicates_none"))
else:
    show_full = st.toggle(t("show_full_contacts"), value=False, key="dups_full")
    dups = data_view.duplicates_view(report.duplicates, show_full=show_full)
    st.dataframe(dups, hide_index=True, height=fit_height(len(dups), limit=10))

data_view.customer_file_section(up)

st.success(t("ready"))
st.page_link("app_pages/rfm.py", label=t("go_rfm"), icon="🎯")
