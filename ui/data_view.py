"""Pieces of the data page: the loaded-file chip, reading options, preview, duplicates, downloads, currency.

Display only: nothing here changes the data the analysis uses.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import phonenumbers
import streamlit as st

from crm_core import export
from crm_core.ingest import readers, values
from crm_core.schema import FIELD_BY_NAME, ColumnMapping, IngestReport, RawTable, ReadOptions
from ui import cached, samples, state, uploads
from ui.i18n import labels, lang, t

PREVIEW_ROWS = 8
_DELIMITERS = {",": "sep_comma", ";": "sep_semicolon", "\t": "sep_tab", "|": "sep_pipe"}
# Default regions offered for phones written without a country code (IngestOptions.phone_region), shop
# markets first; each has a "region_XX" text.
PHONE_REGIONS = ("CN", "HK", "TW", "MO", "SG", "MY", "JP", "KR", "AU", "US", "CA", "GB", "DE", "FR")


def encoding_label(codec: str | None) -> str:
    """An encoding in words in the session's language ("Detect automatically" for None)."""
    return t("auto") if codec is None else readers.encoding_label(codec, lang())


def loaded_file_chip(up: uploads.Upload) -> None:
    """The file in use, with Remove (shown when the uploader itself shows no file, e.g. back on the page)."""
    with st.container(border=True):
        left, right = st.columns([5, 1], vertical_alignment="center")
        if up.on_server:  # files on the server (ui.server_source): their size on disk
            from ui import server_source

            size = server_source.ServerFiles.of(up.paths).size_bytes
            left.markdown(t("sv_chip", name=up.name, size=server_source.size_text(size)))
            if right.button(t("remove_file"), icon="✖️", key="remove_file", width="stretch"):
                state.clear_data()
                st.rerun()
            return
        size = f"{up.size / 1024:,.0f} KB" if up.size < 1024**2 else f"{up.size / 1024**2:,.1f} MB"
        kind = t("sample_tag") if up.file_id == "sample" else t("loaded_tag")
        several = f" · {t('files_combined', n=len(up.files))}" if len(up.files) > 1 else ""
        left.markdown(f"📄 **{up.name}** · {size} · {kind}{several}")
        if right.button(t("remove_file"), icon="✖️", key="remove_file", width="stretch"):
            state.clear_data()
            st.rerun()


def read_options_form(raw: RawTable | None, sheets: tuple[str, ...]) -> None:
    """Sheet, header row, encoding and separator: always drawn, also when the read failed."""
    read = state.read_options()
    is_text = not sheets and (raw is None or raw.file_type == "csv")
    with st.form("read_form"):
        cols = st.columns(4)
        if sheets:
            current = raw.sheet if raw is not None and raw.sheet in sheets else (read.sheet or sheets[0])
            sheet = cols[0].selectbox(t("sheet"), sheets, index=sheets.index(current) if current in sheets else 0)
        else:
            sheet = None
            cols[0].selectbox(t("sheet"), [t("no_sheets")], disabled=True)
        header_row = cols[1].number_input(t("header_row"), min_value=0, max_value=50, value=read.header_row or 0,
                                          help=t("header_row_help", row=raw.header_row) if raw is not None else None)
        found = raw.encoding_candidates if raw is not None else ()
        chosen_encoding = (read.encoding,) if read.encoding else ()  # e.g. from a saved analysis: kept on Apply
        encodings = [None, *dict.fromkeys((*chosen_encoding, *found, "utf-8", "gb18030", "utf-16", "cp1252"))]
        encoding = cols[2].selectbox(
            t("encoding"), encodings, index=encodings.index(read.encoding) if read.encoding in encodings else 0,
            format_func=labels(encodings, encoding_label), disabled=not is_text,
        )
        delimiters = [None, *dict.fromkeys((*_DELIMITERS, *((read.delimiter,) if read.delimiter else ())))]
        delimiter = cols[3].selectbox(
            t("delimiter"), delimiters, index=delimiters.index(read.delimiter) if read.delimiter in delimiters else 0,
            format_func=labels(delimiters, lambda d: t("auto") if d is None else t(_DELIMITERS[d]) if d in _DELIMITERS
                               else repr(d)),
            disabled=not is_text,
        )
        if st.form_submit_button(t("apply_read")):
            st.session_state[state.READ_OPTIONS] = ReadOptions(
                sheet=sheet, header_row=int(header_row) or None, encoding=encoding, delimiter=delimiter
            )
            st.session_state.pop(state.MAPPING, None)
            st.rerun()


def preview_frame(raw: RawTable, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows as a person reads them: blanks for empty cells, ``="2435…"`` ids unwrapped."""
    head = raw.frame.head(rows)
    return head.assign(**{c: values.clean_ids(head[c]).fillna("") for c in head.columns})


def duplicates_view(duplicates: pd.DataFrame, *, show_full: bool) -> pd.DataFrame:
    """The duplicates table with localized headers; phones and e-mails masked unless ``show_full``."""
    shown = duplicates.assign(matched_on=duplicates["matched_on"].map(lambda m: t(f"match_{m}")))
    if not show_full:
        shown = shown.assign(**{c: export.mask_identifier(shown[c]) for c in ("customer_id", "merged_into", "key")
                                if c in shown.columns})
    return shown.rename(columns={c: t(f"dup_{c}") for c in ("merged_into", "matched_on", "key", "group_size")}
                        | {"customer_id": t("dup_customer")})


def excluded_csv(report: IngestReport) -> bytes:
    """The excluded rows with their reasons in words (as on the page), as CSV."""
    return export.to_csv_bytes(export.excluded_rows_table(report, lang()))


def currency_picker(container, *, key: str) -> None:
    """A small currency selector with where the choice came from ("detected from …" / "please choose")."""
    current = state.currency()
    options = list(dict.fromkeys((*state.CURRENCIES, current)))
    st.session_state[key] = current

    def chosen() -> None:
        state.set_currency(st.session_state[key], "user")

    container.selectbox(t("currency"), options, key=key, on_change=chosen)
    source = state.currency_source()
    if source == "detected":
        evidence = st.session_state.get(state.CURRENCY_EVIDENCE)
        evidence = evidence[0 if lang() == "en" else 1] if evidence else None
        container.caption(t("currency_detected", evidence=evidence) if evidence else t("currency_detected_plain"))
    elif source != "user":
        container.caption(f":orange[{t('currency_not_detected')}]")


def region_label(region: str) -> str:
    """ "United Kingdom (+44)": the region's name in the session's language and its calling code."""
    return f"{t('region_' + region)} (+{phonenumbers.country_code_for_region(region)})"


def phone_region_picker(container, current: str) -> str:
    """The default region for phones without a country code; ``current`` (any region code) is preselected."""
    regions = list(dict.fromkeys((*PHONE_REGIONS, current)))
    names = labels(regions, lambda r: region_label(r) if r in PHONE_REGIONS else r)
    return container.selectbox(t("phone_region"), regions, index=regions.index(current), format_func=names,
                               help=t("phone_region_help"), key="phone_region")




def field_label(name: str) -> str:
    """A schema field's label in the session's language."""
    field = FIELD_BY_NAME[name]
    return field.label_zh if lang() == "zh" else field.label_en


def _customer_mapping_form(key, fields) -> None:
    """The customer file's columns, one picker per field, applied together (keys renewed per file)."""
    columns = list(cached.customer_file_raw(dataclasses.replace(key, mapping=None)).frame.columns)
    current = key.mapping.as_dict()
    gen = state.customer_gen()
    with st.form(f"customer_mapping_form_{gen}", border=False):
        st.caption(t("customer_file_mapping"))
        cols = st.columns(4)
        chosen = {}
        for i, field in enumerate(fields):
            options = [None, *columns]
            value = current.get(field)
            chosen[field] = cols[i % 4].selectbox(
                field_label(field), options, index=options.index(value) if value in options else 0,
                format_func=lambda c: t("not_mapped") if c is None else c, key=f"customer_map_{gen}_{field}")
        if st.form_submit_button(t("apply")):
            state.set_customers_mapping(ColumnMapping.from_dict(chosen))
            st.rerun()


def customer_file_section(up: uploads.Upload) -> None:
    """The optional customer file: upload, its columns (proposed, changeable), remove, and its problem if any.

    The join's notes (ids matched, never ordered...) show in the report above, with the orders' notes.
    """
    from crm_core.ingest.master import MASTER_FIELDS

    customers = state.dataset("customers")
    problem = state.customer_file_problem(up) if customers is not None else None
    with st.expander(t("customer_file"), icon="👥", expanded=customers is not None):
        st.caption(t("customer_file_help"))
        if customers is not None:
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.markdown(t("customer_file_loaded" if problem is None else "customer_file_not_joined",
                            name=customers.name))
            if right.button(t("remove_file"), icon="✖️", key="remove_customer_file", width="stretch",
                            help=t("customer_file_remove")):
                state.remove_customer_file()
                st.rerun()
            if problem is not None:
                st.error(problem[2] if lang() == "zh" else problem[1])
            key = state.customer_file_key()
            if key.mapping is not None:  # else the file could not be read: its problem is shown above
                _customer_mapping_form(key, MASTER_FIELDS)
        if customers is None and up.file_id == "sample":  # the demo: one click adds the sample's membership list
            if st.button(t("customer_file_sample"), icon="🧪", key="customer_file_sample"):
                samples.load_sample_customers()
                st.rerun()
        chosen_file = st.file_uploader(t("customer_file_uploader"), type=["csv", "txt", "tsv", "xlsx", "xls"],
                                       key=f"customer_file_upload_{state.customer_gen()}")
        if chosen_file is not None and (customers is None or customers.file_id != chosen_file.file_id):
            state.set_customer_file(chosen_file.name, chosen_file.getvalue(), file_id=chosen_file.file_id)
            st.rerun()
