"""Data page: upload, reading options, column mapping, cleaning options and the row report."""

import time

import streamlit as st

from crm_core import export
from crm_core.schema import FIELDS, ColumnMapping, DataError, IngestOptions, ReadOptions
from ui import cached, state
from ui.i18n import labels, lang, t

st.title(t("data_title"))

uploaded = st.file_uploader(t("uploader"), type=["csv", "txt", "tsv", "xlsx", "xls"], help=t("uploader_help"),
                            key=state.uploader_key())
current = state.upload()
if uploaded is not None and (current is None or current.file_id != uploaded.file_id):
    state.set_upload(uploaded.name, uploaded.getvalue(), file_id=uploaded.file_id)
up = state.upload()
if up is None:
    st.info(t("upload_first"))
    if st.button(t("load_sample"), icon="🧪", key="data_sample"):
        state.load_sample()
        st.rerun()
    st.stop()

# --- reading -----------------------------------------------------------------------------------
read = state.read_options()
try:
    started = time.perf_counter()
    with st.status(t("reading", name=up.name), expanded=False) as status:
        raw = cached.read_raw(up.digest, up.data, up.name, read)
        seconds = time.perf_counter() - started
        status.update(label=t("read_done", rows=len(raw.frame), seconds=seconds), state="complete")
except DataError as exc:
    st.error(exc.text(lang()))
    st.stop()

with st.expander(t("read_options"), expanded=False):
    with st.form("read_form", border=False):
        cols = st.columns(4)
        sheet = cols[0].selectbox(t("sheet"), raw.sheet_names, index=raw.sheet_names.index(raw.sheet)) \
            if raw.sheet_names else None
        header_row = cols[1].number_input(t("header_row"), min_value=0, max_value=50, value=read.header_row or 0)
        encodings = [None, *dict.fromkeys((*raw.encoding_candidates, "utf-8", "gb18030", "utf-16", "cp1252"))]
        encoding = cols[2].selectbox(
            t("encoding"), encodings, index=encodings.index(read.encoding) if read.encoding in encodings else 0,
            format_func=labels(encodings, lambda e: t("auto") if e is None else e), disabled=raw.file_type != "csv",
        )
        delimiters = [None, ",", ";", "\t", "|"]
        delimiter = cols[3].selectbox(
            t("delimiter"), delimiters, index=delimiters.index(read.delimiter) if read.delimiter in delimiters else 0,
            format_func=labels(delimiters, lambda d: t("auto") if d is None else {"\t": "Tab"}.get(d, d)),
            disabled=raw.file_type != "csv",
        )
        if st.form_submit_button(t("apply")):
            st.session_state[state.READ_OPTIONS] = ReadOptions(
                sheet=sheet, header_row=int(header_row) or None, encoding=encoding, delimiter=delimiter
            )
            st.session_state.pop(state.MAPPING, None)
            st.rerun()

if len(raw.sheet_names) > 1:
    st.info(t("several_sheets", n=len(raw.sheet_names), sheet=raw.sheet))
for note in raw.notes:
    (st.warning if note.level == "warning" else st.caption)(note.text(lang()))
st.subheader(t("preview"))
st.dataframe(raw.frame.head(20), width="stretch")

# --- mapping -----------------------------------------------------------------------------------
mapping = state.mapping(up)
st.subheader(t("mapping"))
st.caption(t("mapping_help"))
columns = list(raw.frame.columns)
with st.form("mapping_form"):
    grid = st.columns(4)
    chosen = {}
    for i, field in enumerate(FIELDS):
        current_col = mapping.get(field.name)
        options = [None, *columns]
        label = field.label_zh if lang() == "zh" else field.label_en
        chosen[field.name] = grid[i % 4].selectbox(
            label, options, index=options.index(current_col) if current_col in options else 0,
            format_func=labels(options, lambda c: t("not_mapped") if c is None else c), key=f"map_{field.name}",
        )
    if st.form_submit_button(t("apply"), type="primary"):
        st.session_state[state.MAPPING] = ColumnMapping.from_dict(chosen)
        st.rerun()
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
        currency = c3.selectbox(t("currency"), state.CURRENCIES, index=state.CURRENCIES.index(state.currency()))
        codes = st.text_input(t("non_product"), ", ".join(options.non_product_codes))
        if st.form_submit_button(t("apply")):
            st.session_state[state.INGEST_OPTIONS] = IngestOptions(
                returns=returns, day_first=day_first, merge_duplicates=merge,
                non_product_codes=tuple(c.strip() for c in codes.split(",") if c.strip()),
            )
            st.session_state[state.CURRENCY] = currency
            st.rerun()

# --- cleaning and the report -------------------------------------------------------------------
try:
    with st.status(t("reading", name=up.name), expanded=False) as status:
        report = cached.ingest_report(*state.ingest_key(up))
        status.update(label=t("balance", read=report.rows_read, used=report.rows_used,
                              excluded=len(report.excluded)), state="complete")
except DataError as exc:
    st.error(exc.text(lang()))
    if exc.code == "ambiguous_dates":
        st.info(t("choose_date_order"))
    st.stop()

_, summary = state.require_data()
st.subheader(t("report"))
m = st.columns(5)
m[0].metric(t("rows_read"), f"{report.rows_read:,}")
m[1].metric(t("rows_used"), f"{report.rows_used:,}")
m[2].metric(t("rows_excluded"), f"{len(report.excluded):,}")
m[3].metric(t("rows_returns"), f"{report.rows_returns:,}")
m[4].metric(t("customers"), f"{summary['customers']:,}")
st.caption(t("balance", read=report.rows_read, used=report.rows_used, excluded=len(report.excluded)))
for note in report.notes:
    if note not in raw.notes:
        (st.warning if note.level == "warning" else st.info)(note.text(lang()))

st.markdown(f"#### {t('exclusions')}")
counts = report.reason_counts()
if counts.empty:
    st.success(t("nothing_excluded"))
else:
    excluded = report.excluded
    reasons = report.reason_table(lang()).rename(columns={"reason": t("reason"), "rows": t("rows")})
    st.dataframe(reasons, hide_index=True,
                 column_config={t("rows"): st.column_config.NumberColumn(format="localized")})
    st.download_button(
        t("download_excluded"), lambda: export.to_csv_bytes(excluded), file_name="excluded_rows.csv",
        mime="text/csv", icon="⬇️",
    )

st.markdown(f"#### {t('duplicates')}")
if report.duplicates is None or report.duplicates.empty:
    st.caption(t("duplicates_none"))
else:
    dups = report.duplicates.assign(matched_on=report.duplicates["matched_on"].map(lambda m: t(f"match_{m}")))
    st.dataframe(dups.rename(columns={c: t(f"dup_{c}") for c in ("merged_into", "matched_on", "key", "group_size")}
                             | {"customer_id": t("dup_customer")}), hide_index=True)

st.success(t("ready"))
st.page_link("app_pages/rfm.py", label=t("go_rfm"), icon="🎯")
