"""The analysis steps in the order the app and the CLI run them.

Pages call these functions through ``st.cache_data`` wrappers; ``python -m crm_core``
calls them directly, so both give the same numbers and the same workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from crm_core import export
from crm_core.customers import customer_table, default_as_of
from crm_core.ingest import currency
from crm_core.ingest.clean import standardize
from crm_core.ingest.mapping import MappingProposal, propose_mapping
from crm_core.ingest.readers import read_upload
from crm_core.messages import render
from crm_core.schema import (
    ColumnMapping,
    DataError,
    IngestOptions,
    IngestResult,
    RawTable,
    ReadOptions,
    suggest_mapping,
)
from crm_core.segment import rfm

__all__ = [
    "Loaded", "read", "propose", "clean", "load", "rfm_scores", "rfm_list_columns", "segment_lists", "rfm_workbook",
    "customer_table", "default_as_of", "suggest_mapping", "rfm_csv_bytes", "detect_currency",
]


@dataclass(frozen=True)
class Loaded:
    """An upload read, mapped and cleaned.

    ``proposal`` is the automatic mapping proposal (with its notes: which identity column was used,
    which fields were guessed from values) when no mapping was given, else None.
    """

    raw: RawTable
    mapping: ColumnMapping
    result: IngestResult
    proposal: MappingProposal | None = None


def read(data: bytes, filename: str, options: ReadOptions = ReadOptions()) -> RawTable:
    """Step 1: the upload as a table of text (:func:`crm_core.ingest.read_upload`); ``notes`` say how it was read."""
    return read_upload(data, filename, options)


def propose(raw: RawTable) -> MappingProposal:
    """Step 2: the automatic mapping, from the headers checked against the values.

    Its notes say which identity column was used, which fields were guessed from values and why a column
    was passed over (:func:`crm_core.ingest.mapping.propose_mapping`).  Show them before :func:`clean`: when
    cleaning stops with an error, they are what explains it.
    """
    return propose_mapping(raw.frame)


def clean(
    raw: RawTable,
    mapping: ColumnMapping,
    options: IngestOptions = IngestOptions(),
    *,
    proposal: MappingProposal | None = None,
) -> Loaded:
    """Step 3: the clean order lines (:func:`crm_core.ingest.clean`); raises DataError when none can be used."""
    return Loaded(raw=raw, mapping=mapping, result=standardize(raw, mapping, options), proposal=proposal)


def load(
    data: bytes,
    filename: str,
    *,
    read: ReadOptions = ReadOptions(),
    mapping: ColumnMapping | None = None,
    options: IngestOptions = IngestOptions(),
) -> Loaded:
    """Read ``data``, map its columns and standardize it (:func:`read`, :func:`propose`, :func:`clean` in turn).

    When ``mapping`` is None the mapping is proposed from the headers checked against the values
    (:func:`crm_core.ingest.mapping.propose_mapping`); the proposal is kept in :attr:`Loaded.proposal`.
    """
    raw = read_upload(data, filename, read)  # what :func:`read` does (the keyword ``read`` hides it here)
    proposal = None
    if mapping is None:
        proposal = propose(raw)
        mapping = proposal.mapping
    return clean(raw, mapping, options, proposal=proposal)


def detect_currency(loaded: Loaded) -> currency.CurrencyGuess:
    """The currency sign of the upload's money columns and the evidence (:func:`crm_core.ingest.detect_currency`).

    ``symbol`` is None when the file gives no evidence: then ask the user (the app) or show amounts
    without a sign (the CLI), rather than assume one.
    """
    return currency.detect_currency(loaded.raw.frame, loaded.mapping)


def rfm_scores(result: IngestResult, *, as_of: date | None = None, params: rfm.RfmParams = rfm.RfmParams()):
    """Per-customer table with RFM scores and segments (see :func:`crm_core.segment.rfm.score_rfm`)."""
    table = customer_table(result.orders, result.customers, as_of=as_of)
    if table.empty:
        first = result.orders["order_date"].min().date()
        raise DataError("no_purchases_before", as_of=as_of, first=first)
    return rfm.score_rfm(table, params)


RFM_LIST_COLUMNS = (
    "customer_id", "segment_name", "rfm_code", "recency_days", "frequency", "monetary", "avg_order_value",
    "last_order_date", "channel", "offer", "suggested_channel", "reason", "name", "phone", "email", "city",
)


def rfm_list_columns(scored: pd.DataFrame) -> tuple[str, ...]:
    """The default columns of a segment list that this table can fill."""
    return tuple(c for c in RFM_LIST_COLUMNS if c in scored.columns or c in _DERIVED)


_DERIVED = ("segment_name", "offer", "suggested_channel", "reason")


def _with_list_fields(scored: pd.DataFrame, scheme: rfm.SegmentScheme, lang: str, currency: str) -> pd.DataFrame:
    """Add the who/what/which channel/why columns every campaign list carries."""
    keys = scored["segment"]
    return scored.assign(
        segment_name=keys.map(lambda k: scheme.name(k, lang)),
        offer=keys.map(lambda k: scheme.info(k).text("action", lang)),
        suggested_channel=keys.map(lambda k: scheme.info(k).text("channel", lang)),
        reason=rfm.reasons(scored, lang=lang, currency=currency),
    )


def segment_lists(
    scored: pd.DataFrame,
    *,
    scheme: rfm.SegmentScheme,
    segments: Sequence[str] = (),
    columns: Sequence[str] | None = None,
    options: export.ListOptions = export.ListOptions(),
    currency: str = "¥",
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, int]:
    """One campaign list per segment, plus the summary sheet.

    Returns
    -------
    (sheets, summary, opted_out_excluded)
        ``sheets`` maps the localized segment name to its list (localized headers), ordered like the scheme;
        ``summary`` is :func:`crm_core.segment.rfm.segment_summary` with localized headers, plus, right after the
        customer count, ``in_list`` (customers on that segment's list) and ``left_out_opted_out`` (customers
        left out because they opted out), so ``customers == in_list + left_out_opted_out`` on every row and
        the summary says why a list is shorter than its segment; ``opted_out_excluded`` is the total left out.

    Notes
    -----
    With ``options.drop_empty_columns`` (the default) a column with no value on any listed customer of
    any chosen segment (an unmapped channel) is left out of every list, so all sheets share their columns.
    """
    lang = options.lang
    chosen = [s for s in scheme.segments() if (not segments or s in segments)]
    enriched = _with_list_fields(scored, scheme, lang, currency)
    columns = list(columns) if columns else list(rfm_list_columns(scored))
    if options.drop_empty_columns:
        pool = enriched[enriched["segment"].isin(chosen)]
        if not options.include_opted_out:
            pool = pool[~export.opted_out_flags(pool).to_numpy()]
        if len(pool):
            columns = [c for c in columns if c == "customer_id" or c not in pool.columns or export.has_data(pool[c])]
        options = replace(options, drop_empty_columns=False)
    sheets: dict[str, pd.DataFrame] = {}
    listed: dict[str, int] = {}
    left_out: dict[str, int] = {}
    for key in chosen:
        members = enriched[enriched["segment"] == key].sort_values("monetary", ascending=False, kind="stable")
        if members.empty:
            continue
        built = export.campaign_list(members, columns=columns, options=options)
        listed[key], left_out[key] = built.rows, built.opted_out_excluded
        if built.rows:  # a segment whose members all opted out gets no empty sheet
            sheets[scheme.name(key, lang)] = built.frame
    summary = rfm.segment_summary(scored, scheme, lang=lang)
    summary = summary[summary["segment"].isin(chosen)]
    at = summary.columns.get_loc("customers") + 1
    summary.insert(at, "in_list", summary["segment"].map(listed).fillna(0).astype("int64"))
    summary.insert(at + 1, "left_out_opted_out", summary["segment"].map(left_out).fillna(0).astype("int64"))
    summary = summary.drop(columns=["segment"]).rename(columns={"name": "segment_name"})
    summary = summary.rename(columns={c: export.column_label(c, lang) for c in summary.columns})
    return sheets, summary, sum(left_out.values())


SUMMARY_SHEET = {"en": "Summary", "zh": "概览"}


def rfm_workbook(
    scored: pd.DataFrame,
    *,
    scheme: rfm.SegmentScheme,
    segments: Sequence[str] = (),
    columns: Sequence[str] | None = None,
    options: export.ListOptions = export.ListOptions(),
    currency: str = "¥",
) -> bytes:
    """The Excel workbook of the export page: a summary sheet and one sheet per segment."""
    sheets, summary, opted_out = segment_lists(
        scored, scheme=scheme, segments=segments, columns=columns, options=options, currency=currency
    )
    lang = options.lang
    label = lambda c: export.column_label(c, lang)  # noqa: E731
    formats = export.ColumnFormat(
        money=tuple(label(c) for c in ("monetary", "avg_order_value", "revenue", "avg_monetary", "avg_recency_days",
                                       "avg_frequency")),
        integer=tuple(label(c) for c in ("recency_days", "frequency", "customers", "in_list", "left_out_opted_out")),
        percent=tuple(label(c) for c in ("customer_share", "revenue_share")),
        date=tuple(label(c) for c in ("last_order_date", "first_order_date")),
    )
    # The summary's first line says why a list can be shorter than its segment (header then on row 2).
    notes = {SUMMARY_SHEET[lang]: render("export_opted_out_note", lang, customers=opted_out)} if opted_out else None
    return export.to_excel_bytes({SUMMARY_SHEET[lang]: summary, **sheets}, formats=formats, title_notes=notes)


def rfm_csv_bytes(
    scored: pd.DataFrame,
    *,
    scheme: rfm.SegmentScheme,
    segments: Sequence[str] = (),
    columns: Sequence[str] | None = None,
    options: export.ListOptions = export.ListOptions(),
    currency: str = "¥",
) -> bytes:
    """All chosen segment lists in one CSV (UTF-8 with BOM), with a segment column first."""
    sheets, _, _ = segment_lists(
        scored, scheme=scheme, segments=segments, columns=columns, options=options, currency=currency
    )
    label = export.column_label("segment_name", options.lang)
    frames = [f if label in f.columns else f.assign(**{label: n})[[label, *f.columns]] for n, f in sheets.items()]
    return export.to_csv_bytes(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame())
