"""Cached wrappers around crm_core, keyed on the upload's digest plus the parameters.

Streamlit hashes big DataFrames from a sample, so no cached function here takes a
frame as a key: the file bytes travel as ``_data`` (not hashed) beside their SHA-256
``digest``, and every setting is a frozen dataclass (hashed exactly). Every cache is
bounded and lives in memory only.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from crm_core import customers as customers_mod
from crm_core import export, pipeline
from crm_core.ingest import readers
from crm_core.ingest.clean import standardize
from crm_core.ingest.mapping import MappingProposal, propose_mapping
from crm_core.schema import (
    ColumnMapping,
    DataError,
    IngestOptions,
    IngestReport,
    IngestResult,
    RawTable,
    ReadOptions,
)
from crm_core.segment import rfm

# Results of an upload leave memory an hour after their last use, even if the user never clicks "Clear my data".
TTL_SECONDS = 3600


@st.cache_data(max_entries=4, ttl=TTL_SECONDS, show_spinner=False)
def read_raw(digest: str, _data: bytes, name: str, read: ReadOptions) -> RawTable:
    return readers.read_upload(_data, name, read)


@st.cache_data(max_entries=16, ttl=TTL_SECONDS, show_spinner=False)
def sheet_names(digest: str, _data: bytes, name: str) -> tuple[str, ...]:
    """The workbook's sheets (``()`` for text, or when even the sheet list cannot be read).

    Asked separately from the read, so the sheet picker is offered also when reading the chosen sheet fails.
    """
    try:
        return readers.list_sheets(_data, name)
    except DataError:
        return ()


@st.cache_data(max_entries=16, ttl=TTL_SECONDS, show_spinner=False)
def mapping_proposal(digest: str, _data: bytes, name: str, read: ReadOptions) -> MappingProposal:
    """The mapping proposed for this file, checked against its values, with the guesses to confirm and notes."""
    return propose_mapping(read_raw(digest, _data, name, read).frame)


@st.cache_data(max_entries=16, ttl=TTL_SECONDS, show_spinner=False)
def suggested_mapping(digest: str, _data: bytes, name: str, read: ReadOptions) -> ColumnMapping:
    """The mapping proposed for this file: small, so every page's rerun gets it without copying the raw table."""
    return mapping_proposal(digest, _data, name, read).mapping


@st.cache_data(max_entries=16, ttl=TTL_SECONDS, show_spinner=False)
def currency_guess(digest: str, _data: bytes, name: str, read: ReadOptions, mapping: ColumnMapping
                   ) -> tuple[str | None, str, str] | None:
    """(symbol or None, evidence in English, evidence in Chinese) seen in the file; None when not detectable."""
    try:
        from crm_core.ingest import currency
    except ImportError:  # crm_core.ingest.currency not there yet: every file asks
        return None
    guess = currency.detect_currency(read_raw(digest, _data, name, read).frame, mapping)
    return guess.symbol, _words(guess.evidence, "en"), _words(guess.evidence, "zh")


def _words(value: object, lang: str) -> str:
    """A message-like value (Note, Localized, str or None) in ``lang``."""
    if value is None:
        return ""
    text = getattr(value, "text", None)
    return text(lang) if callable(text) else str(value)


@st.cache_data(max_entries=4, ttl=TTL_SECONDS, show_spinner=False)
def ingest(
    digest: str, _data: bytes, name: str, read: ReadOptions, mapping: ColumnMapping, options: IngestOptions
) -> IngestResult:
    raw = read_raw(digest, _data, name, read)
    return standardize(raw, mapping, options)


@st.cache_data(max_entries=8, ttl=TTL_SECONDS, show_spinner=False)
def ingest_report(
    digest: str, _data: bytes, name: str, read: ReadOptions, mapping: ColumnMapping, options: IngestOptions
) -> IngestReport:
    """Only the report (what the data page shows), so its reruns do not copy the cleaned order lines."""
    return ingest(digest, _data, name, read, mapping, options).report


@st.cache_data(max_entries=8, ttl=TTL_SECONDS, show_spinner=False)
def ingest_summary(
    digest: str, _data: bytes, name: str, read: ReadOptions, mapping: ColumnMapping, options: IngestOptions
) -> dict:
    """Small facts for the sidebar, so pages do not copy the full result on every rerun."""
    result = ingest(digest, _data, name, read, mapping, options)
    orders = result.orders
    return {
        "rows_used": result.report.rows_used,
        "customers": int(orders.loc[~orders["is_return"], "customer_id"].nunique()),
        "default_as_of": customers_mod.default_as_of(orders),
        "first_date": orders["order_date"].min().date(),
        "orders": int(orders.loc[~orders["is_return"], "order_id"].nunique()),
    }


@st.cache_data(max_entries=8, ttl=TTL_SECONDS, show_spinner=False)
def customer_table(
    digest: str, _data: bytes, name: str, read: ReadOptions, mapping: ColumnMapping, options: IngestOptions,
    as_of: date,
) -> tuple[pd.DataFrame, int]:
    """The per-customer table as of ``as_of`` and the number of lines dated on/after it."""
    result = ingest(digest, _data, name, read, mapping, options)
    table = customers_mod.customer_table(result.orders, result.customers, as_of=as_of)
    return table, customers_mod.rows_after(result.orders, as_of)


@st.cache_data(max_entries=16, ttl=TTL_SECONDS, show_spinner=False)
def scores(
    digest: str, _data: bytes, name: str, read: ReadOptions, mapping: ColumnMapping, options: IngestOptions,
    as_of: date, params: rfm.RfmParams,
) -> pd.DataFrame:
    table, _ = customer_table(digest, _data, name, read, mapping, options, as_of)
    return rfm.score_rfm(table, params)


@st.cache_data(max_entries=2, ttl=TTL_SECONDS, show_spinner=False)
def list_file(
    digest: str, _data: bytes, name: str, read: ReadOptions, mapping: ColumnMapping, options: IngestOptions,
    as_of: date, params: rfm.RfmParams, fmt: str, segments: tuple[str, ...], columns: tuple[str, ...],
    list_options: export.ListOptions, currency: str,
) -> bytes:
    """The export page's file (``fmt`` "xlsx" or "csv"), built before the button is drawn.

    Built here rather than when the button is clicked, so a file that cannot be built (DataError, e.g.
    more rows than an Excel sheet holds) is a message on the page instead of a download that breaks.
    """
    scored = scores(digest, _data, name, read, mapping, options, as_of, params)
    build = pipeline.rfm_workbook if fmt == "xlsx" else pipeline.rfm_csv_bytes
    return build(scored, scheme=params.scheme, segments=segments, columns=columns, options=list_options,
                 currency=currency)


def clear_all() -> None:
    """Drop every cached result (used by 'Clear my data').

    Streamlit cannot drop one entry, so this clears every session's cached results too: they are
    recomputed on their next run (correct, only slower once). Privacy wins over that cost.
    """
    for fn in (read_raw, sheet_names, mapping_proposal, suggested_mapping, currency_guess, list_file, ingest,
               ingest_report, ingest_summary, customer_table, scores):
        fn.clear()
