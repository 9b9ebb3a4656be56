"""The analysis steps in the order the app and the CLI run them.

Pages call these functions through ``st.cache_data`` wrappers; ``python -m crm_core``
calls them directly, so both give the same numbers and the same workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from crm_core import export, rfm
from crm_core.customers import customer_table, default_as_of
from crm_core.ingest import standardize
from crm_core.readers import read_upload
from crm_core.schema import (
    ColumnMapping,
    DataError,
    IngestOptions,
    IngestResult,
    RawTable,
    ReadOptions,
    suggest_mapping,
)

__all__ = [
    "Loaded", "load", "rfm_scores", "rfm_list_columns", "segment_lists", "rfm_workbook", "customer_table",
    "default_as_of", "suggest_mapping", "rfm_csv_bytes",
]


@dataclass(frozen=True)
class Loaded:
    """An upload read, mapped and cleaned."""

    raw: RawTable
    mapping: ColumnMapping
    result: IngestResult


def load(
    data: bytes,
    filename: str,
    *,
    read: ReadOptions = ReadOptions(),
    mapping: ColumnMapping | None = None,
    options: IngestOptions = IngestOptions(),
) -> Loaded:
    """Read ``data``, map its columns (suggested when ``mapping`` is None) and standardize it."""
    raw = read_upload(data, filename, read)
    mapping = mapping if mapping is not None else suggest_mapping(list(raw.frame.columns))
    return Loaded(raw=raw, mapping=mapping, result=standardize(raw, mapping, options))


def rfm_scores(result: IngestResult, *, as_of: date | None = None, params: rfm.RfmParams = rfm.RfmParams()):
    """Per-customer table with RFM scores and segments (see :func:`crm_core.rfm.score_rfm`)."""
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
        ``summary`` is :func:`crm_core.rfm.segment_summary` with localized headers.
    """
    lang = options.lang
    chosen = [s for s in scheme.segments() if (not segments or s in segments)]
    enriched = _with_list_fields(scored, scheme, lang, currency)
    columns = list(columns) if columns else list(rfm_list_columns(scored))
    sheets: dict[str, pd.DataFrame] = {}
    opted_out = 0
    for key in chosen:
        members = enriched[enriched["segment"] == key].sort_values("monetary", ascending=False, kind="stable")
        if members.empty:
            continue
        built = export.campaign_list(members, columns=columns, options=options)
        opted_out += built.opted_out_excluded
        if built.rows:  # a segment whose members all opted out gets no empty sheet
            sheets[scheme.name(key, lang)] = built.frame
    summary = rfm.segment_summary(scored, scheme, lang=lang)
    summary = summary[summary["segment"].isin(chosen)].drop(columns=["segment"])
    summary = summary.rename(columns={"name": "segment_name"})
    summary = summary.rename(columns={c: export.column_label(c, lang) for c in summary.columns})
    return sheets, summary, opted_out


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
    sheets, summary, _ = segment_lists(
        scored, scheme=scheme, segments=segments, columns=columns, options=options, currency=currency
    )
    lang = options.lang
    label = lambda c: export.column_label(c, lang)  # noqa: E731
    formats = export.ColumnFormat(
        money=tuple(label(c) for c in ("monetary", "avg_order_value", "revenue", "avg_monetary", "avg_recency_days",
                                       "avg_frequency")),
        integer=tuple(label(c) for c in ("recency_days", "frequency", "customers")),
        percent=tuple(label(c) for c in ("customer_share", "revenue_share")),
        date=tuple(label(c) for c in ("last_order_date", "first_order_date")),
    )
    return export.to_excel_bytes({SUMMARY_SHEET[lang]: summary, **sheets}, formats=formats)


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
