"""Export page: choose segments and columns, preview, download Excel or CSV.

The lists are built once per choice (``cached.built_lists``); the preview, the counts and the file all come
from that one build.
"""

import streamlit as st

from crm_core import export, pipeline
from crm_core.schema import DataError
from ui import cached, state
from ui.fmt import localized_table_config
from ui.i18n import labels, lang, t

up, summary = state.require_data()
key = state.ingest_key(up)
params = state.rfm_params()
scheme = params.scheme
as_of = state.as_of(summary["default_as_of"])
st.title(t("export_title"))

with st.spinner(t("computing")):
    scored = cached.rfm_scores(key, as_of, params)
seen = set(scored["segment"].unique())
present = [s for s in scheme.segments() if s in seen]
segments = st.multiselect(t("export_segments"), present, default=present,
                          format_func=labels(present, lambda s: scheme.name(s, lang())))
available = pipeline.rfm_list_columns(scored)
contact = ("name", "phone", "email")
c1, c2, c3 = st.columns(3)
include_contact = c1.toggle(t("include_contact"), value=False)
mask = c2.toggle(t("mask"), value=True, disabled=not include_contact)
include_opted_out = c3.toggle(t("include_opted_out"), value=False)
default_cols = [c for c in available if c not in contact]
choices = available if include_contact else default_cols
columns = st.multiselect(t("export_columns"), choices, default=[c for c in choices if c in default_cols] +
                         ([c for c in contact if c in choices] if include_contact else []),
                         format_func=labels(available, lambda c: export.column_label(c, lang())))
fmt = st.segmented_control(t("format"), ["xlsx", "csv"], default="xlsx", required=True,
                           format_func=labels(["xlsx", "csv"], lambda f: t("excel" if f == "xlsx" else "csv")))

if not segments or not columns:
    st.info(t("export_empty"))
    state.stop()
currency = state.currency()
options = export.ListOptions(include_contact=include_contact, mask_personal=mask,
                             include_opted_out=include_opted_out, lang=lang())
request = export.ListRequest(scheme, segments=tuple(segments), columns=tuple(columns), options=options,
                             currency=currency)
try:
    built = cached.built_lists(key, as_of, params, request)
except DataError as exc:
    st.error(exc.text(lang()))
    state.stop()
state.set_scored_count(up, as_of, len(scored))
sheets = built.sheets
if built.opted_out_excluded:
    st.info(t("opted_out_left_out", n=built.opted_out_excluded))
st.caption(t("export_summary", lists=len(sheets), rows=built.rows))

name = up.name.rsplit(".", 1)[0]
file_name = f"{name}_rfm_{as_of:%Y%m%d}.{fmt}"
try:
    with st.spinner(t("building")):
        payload = cached.list_file(key, as_of, params, request, fmt)
except DataError as exc:
    st.error(t("download_failed", detail=exc.text(lang())))
else:
    st.download_button(
        t("download", fmt="Excel" if fmt == "xlsx" else "CSV"), data=payload, file_name=file_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx" else "text/csv",
        type="primary", icon="⬇️",
    )
st.caption(t("export_safety"))

if sheets:
    first = next(iter(sheets))
    st.markdown(f"#### {t('export_preview', name=first, rows=len(sheets[first]))}")
    st.dataframe(sheets[first].head(50), hide_index=True, width="stretch",
                 column_config=localized_table_config(columns, currency))
