"""One download block for a list of any segmentation (a campaign's target and control groups, a migration cell,
a cluster): options, the file through the usual export path (consent, masking, injection safety, Summary sheet
with the list id), a preview.

The RFM Export page keeps its own, cached form; the pages of the other segmentations draw this block under the
customers they chose.  The file is written on each run from the rows given (a few thousand customers: well under
a second), so what is downloaded is exactly what the page shows.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from crm_core import columns as registry
from crm_core import export, pipeline
from crm_core.schema import DataError
from crm_core.segment.base import Segmentation
from crm_core.segment.combined import SEGMENT_LIST_COLUMNS
from crm_core.settings import Scope
from ui import cached, state, uploads
from ui.fmt import localized_table_config
from ui.i18n import labels, lang, t

__all__ = ["list_download"]

_CONTACT = ("name", "phone", "email")


def list_download(table: pd.DataFrame, segmentation: Segmentation, *, key: cached.DatasetKey, up: uploads.Upload,
                  as_of: date, scope: Scope, file_stem: str, widget_key: str, segments: tuple[str, ...] = (),
                  columns: tuple[str, ...] | None = None, preview: bool = True) -> tuple[bytes, str] | None:
    """Draw the list options, the download button and a preview; return (file bytes, list id), or None when no
    list can be made (the reason is shown).

    ``table`` holds the customers to list with ``segmentation.key_column`` and, ideally, the names of the
    other groupings (:func:`crm_core.segment.combined.with_group_names`); ``segments`` are the groups to list
    (all when empty); ``columns`` the default columns (those of :data:`SEGMENT_LIST_COLUMNS` the table fills).
    The consent, masking and format choices start from the session's list settings (the Export page's).
    """
    saved = state.list_settings()
    c1, c2, c3 = st.columns(3)  # three, so that the toggles' labels are not cut off
    include_contact = c1.toggle(t("include_contact"), value=saved.include_contact, key=f"{widget_key}_contact")
    mask = c2.toggle(t("mask"), value=saved.mask_personal, key=f"{widget_key}_mask", disabled=not include_contact)
    opted_out = c3.toggle(t("include_opted_out"), value=saved.include_opted_out, key=f"{widget_key}_opted_out")
    fmt = st.segmented_control(t("format"), ["xlsx", "csv"], default=saved.format, required=True,
                               key=f"{widget_key}_format",
                               format_func=labels(["xlsx", "csv"], lambda f: t("excel" if f == "xlsx" else "csv")))
    fmt = fmt or "xlsx"
    wanted = columns or SEGMENT_LIST_COLUMNS
    derived = set(pipeline.rfm_list_columns(table)) | {"segment_name", "offer", "suggested_channel"}
    chosen = tuple(c for c in wanted if (c in table.columns or c in derived)
                   and (include_contact or c not in _CONTACT))
    options = export.ListOptions(include_contact=include_contact, mask_personal=mask, include_opted_out=opted_out,
                                 lang=lang())
    request = export.ListRequest(segmentation, segments=segments, columns=chosen, options=options,
                                 currency=state.currency())
    params = state.rfm_params()
    try:
        built = pipeline.build_lists(table, request)
        joined = key.customers
        provenance = pipeline.provenance(
            built, sources=up.sources(), result=cached.cleaned(key), scored=table, as_of=as_of, scope=scope,
            params=params, scheme_base=st.session_state.get("scheme_base", "11"), generated_at=datetime.now(),
            customers_file=None if joined is None else (joined.name, joined.digest))
        data = pipeline.to_workbook(built, provenance) if fmt == "xlsx" else pipeline.to_csv(built)
    except DataError as exc:
        st.error(t("download_failed", detail=exc.text(lang())))
        return None
    if built.opted_out_excluded:
        st.info(t("opted_out_left_out", n=built.opted_out_excluded))
    lists = len(built.sheets)
    st.caption(t("export_summary_one", rows=built.rows) if lists == 1 else
               t("export_summary", lists=lists, rows=built.rows))
    st.caption(t("list_id_caption" if fmt == "xlsx" else "list_id_caption_csv", list_id=provenance.list_id))
    st.download_button(
        t("download", fmt="Excel" if fmt == "xlsx" else "CSV"), data=data,
        file_name=f"{file_stem}_{as_of:%Y%m%d}.{fmt}", key=f"{widget_key}_download",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx" else "text/csv",
        type="primary", icon="⬇️",
    )
    st.caption(t("export_safety"))
    if preview and built.sheets:
        first = next(iter(built.sheets))
        st.markdown(f"###### {t('export_preview', name=first, rows=len(built.sheets[first]))}")
        shown = built.sheets[first].head(50)
        # The registry's percent columns hold fractions; the app shows them times 100 (ui.fmt).
        percent = [c for c in shown.columns if c in _percent_headers(chosen)]
        shown = shown.assign(**{c: pd.to_numeric(shown[c], errors="coerce") * 100 for c in percent})
        st.dataframe(shown, hide_index=True, width="stretch",
                     column_config=localized_table_config(chosen, state.currency()))
    return data, provenance.list_id


def _percent_headers(columns) -> set[str]:
    """The headers (in the session's language) of the percent columns among ``columns``."""
    found = set()
    for name in columns:
        entry = registry.REGISTRY.get(name)
        if entry is not None and entry.kind == "percent":
            found.add(registry.label(name, lang()))
    return found
