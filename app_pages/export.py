"""Export page: choose segments and columns, preview, download Excel or CSV.

The lists are built once per choice (``cached.built_lists``); the preview, the counts and the file all come
from that one build.
"""

import streamlit as st

from crm_core import export, pipeline
from crm_core.schema import DataError
from crm_core.settings import ListSettings
from ui import cached, saved_analysis, scope_form, state
from ui.fmt import localized_table_config
from ui.i18n import labels, lang, t

up, summary = state.require_data()
key = state.ingest_key(up)
params = state.rfm_params()
scheme = params.scheme
as_of = state.as_of(summary["default_as_of"])
scope = state.scope()
st.title(t("export_title"))
if not scope.is_all:  # the lists follow the RFM page's window and filters: say so where they are downloaded
    st.caption(t("scope_expander", summary=scope_form.summary_text(scope, as_of)))

try:
    with st.spinner(t("computing")):
        scored = cached.rfm_scores(key, as_of, params, scope)
except DataError as exc:  # a window or filter that leaves nobody (chosen on the RFM page)
    st.error(exc.text(lang()))
    state.stop()
saved = state.list_settings()
seen = set(scored["segment"].unique())
present = [s for s in scheme.segments() if s in seen]
available = pipeline.rfm_list_columns(scored)
contact = ("name", "phone", "email")
default_cols = [c for c in available if c not in contact]
# The widgets start from the session's list settings (a saved analysis, or the last visit) when they hold none.
# Saved groups absent this month stay unchosen (as the CLI does): the page then says no list can be made.
st.session_state.setdefault("export_segments", [s for s in saved.segments if s in present] if saved.segments
                            else present)
st.session_state.setdefault("export_contact", saved.include_contact)
st.session_state.setdefault("export_mask", saved.mask_personal)
st.session_state.setdefault("export_opted_out", saved.include_opted_out)
st.session_state.setdefault("export_format", saved.format)
# A segment map or contact choice changed elsewhere: keep only what these lists can still offer.
st.session_state["export_segments"] = [s for s in st.session_state["export_segments"] if s in present]
segments = st.multiselect(t("export_segments"), present, key="export_segments",
                          format_func=labels(present, lambda s: scheme.name(s, lang())))
c1, c2, c3 = st.columns(3)
include_contact = c1.toggle(t("include_contact"), key="export_contact")
mask = c2.toggle(t("mask"), key="export_mask", disabled=not include_contact)
include_opted_out = c3.toggle(t("include_opted_out"), key="export_opted_out")
choices = available if include_contact else default_cols
standard_columns = list(choices)  # the default columns, in the lists' own order (what columns=None gives)
if "export_columns" not in st.session_state:
    st.session_state["export_columns"] = [c for c in (saved.columns or standard_columns) if c in choices]
elif st.session_state.get("export_columns_contact") != include_contact:
    # Contacts switched on or off: they join the chosen columns at their place, or leave them.
    kept = set(st.session_state["export_columns"]) | (set(contact) if include_contact else set())
    st.session_state["export_columns"] = [c for c in choices if c in kept]
st.session_state["export_columns_contact"] = include_contact
st.session_state["export_columns"] = [c for c in st.session_state["export_columns"] if c in choices]
columns = st.multiselect(t("export_columns"), choices, key="export_columns",
                         format_func=labels(available, lambda c: export.column_label(c, lang())))
fmt = st.segmented_control(t("format"), ["xlsx", "csv"], required=True, key="export_format",
                           format_func=labels(["xlsx", "csv"], lambda f: t("excel" if f == "xlsx" else "csv")))
list_settings = ListSettings(
    segments=() if segments == present else tuple(segments),
    columns=None if columns == standard_columns else tuple(columns), include_contact=include_contact,
    mask_personal=mask, include_opted_out=include_opted_out, format=fmt or "xlsx")
st.session_state[state.LIST_SETTINGS] = list_settings

if not segments or not columns:
    st.info(t("export_empty"))
    state.stop()
currency = state.currency()
request = pipeline.list_request(saved_analysis.current_settings(summary), params=params, lang=lang(), currency=currency)
try:
    built = cached.built_lists(key, as_of, params, scope, request)
except DataError as exc:
    st.error(exc.text(lang()))
    state.stop()
state.set_scored_count(up, as_of, len(scored))
sheets = built.sheets
if built.opted_out_excluded:
    st.info(t("opted_out_left_out", n=built.opted_out_excluded))
st.caption(t("export_summary_one", rows=built.rows) if len(sheets) == 1 else
           t("export_summary", lists=len(sheets), rows=built.rows))

first_file = up.files[0][0].rsplit(".", 1)[0]
name = first_file if len(up.files) == 1 else f"{first_file}_combined"
file_name = f"{name}_rfm_{as_of:%Y%m%d}.{fmt}"
joined = key.customers  # the customer file actually joined (one that cannot be is left out of the key)
source = cached.ListSource(sources=up.sources(), scheme_base=st.session_state.get("scheme_base", "11"),
                           customers_file=None if joined is None else (joined.name, joined.digest))
try:
    with st.spinner(t("building")):
        payload, list_id = cached.list_file(key, as_of, params, scope, request, fmt, source)
except DataError as exc:
    st.error(t("download_failed", detail=exc.text(lang())))
else:
    st.caption(t("list_id_caption" if fmt == "xlsx" else "list_id_caption_csv", list_id=list_id))
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
