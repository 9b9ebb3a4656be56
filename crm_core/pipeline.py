"""The analysis steps in the order the app and the CLI run them.

Pages call these functions through ``st.cache_data`` wrappers; ``python -m crm_core``
calls them directly, so both give the same numbers and the same workbook.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd

from crm_core import export
from crm_core.customers import customer_table, default_as_of
from crm_core.ingest import currency
from crm_core.ingest.clean import standardize
from crm_core.ingest.mapping import MappingProposal, propose_mapping
from crm_core.ingest.readers import read_upload
from crm_core.messages import Localized, render
from crm_core.schema import (
    ColumnMapping,
    DataError,
    IngestOptions,
    IngestResult,
    RawTable,
    ReadOptions,
    suggest_mapping,
)
from crm_core.scope import analysis_table, in_scope
from crm_core.segment import rfm
from crm_core.settings import AnalysisSettings, Scope

__all__ = [
    "Loaded", "read", "propose", "clean", "load", "rfm_scores", "rfm_list_columns", "build_lists", "to_workbook",
    "to_csv", "rfm_workbook", "customer_table", "default_as_of", "suggest_mapping", "rfm_csv_bytes",
    "detect_currency", "currency_of", "in_scope", "analysis_table", "Scope", "provenance",
    "digest", "use_fast_memory_pool", "read_many", "join_customer_file", "list_request", "facts",
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


def use_fast_memory_pool() -> str:
    """Give Arrow (which holds every text column of an upload) the jemalloc allocator; return the pool's name.

    The app and the CLI analyse each upload once, so its first run is the one users wait for.  With the
    mimalloc pool that pyarrow picks by default, that first run of read + clean + RFM takes 1.11 s on Online
    Retail against 0.65 s with jemalloc (0.64 s with the system's malloc): every large buffer is fresh
    memory the first time.  Warm runs are alike (0.54-0.57 s) and jemalloc's peak is the lowest (706 MB).
    Where pyarrow has no jemalloc (some platforms), the system allocator is used.  Called by the entry
    points (app.py, the CLI), not on import: a library should not change a process-wide setting by itself.
    """
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:
        pool = pa.system_memory_pool()
    pa.set_memory_pool(pool)
    return pool.backend_name


def digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes (hex): how the app's caches and a list id know a file."""
    return hashlib.sha256(data).hexdigest()


def read_many(files: Sequence[tuple[str, bytes]], options: ReadOptions = ReadOptions()) -> RawTable:
    """Step 1 for several exports of the same shape, as one table (:func:`crm_core.ingest.combine.read_files`).

    ``files`` are (name, bytes).  One file gives exactly what :func:`read` gives; with several, a line found
    in more than one file counts once (the extra copies are excluded, with the file named, and a note).
    """
    from crm_core.ingest import combine

    return combine.read_files(list(files), options)


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


def join_customer_file(
    loaded: Loaded,
    data: bytes,
    filename: str,
    *,
    mapping: ColumnMapping | None = None,
    read: ReadOptions = ReadOptions(),
    options: IngestOptions = IngestOptions(),
) -> Loaded:
    """Join a customer file (ids with name, phone, e-mail, consent, city, sign-up date) to cleaned orders.

    ``mapping`` None proposes one from the file's headers and values
    (:func:`crm_core.ingest.master.propose_master_mapping`); the file's non-empty values win over the orders'
    (:func:`crm_core.ingest.master.join_customers`, whose notes say how many ids matched).
    """
    from crm_core.ingest import master

    raw = read_upload(data, filename, read)
    mapping = mapping or master.propose_master_mapping(raw)
    return replace(loaded, result=master.join_customers(loaded.result, raw, mapping, options))


def facts(result: IngestResult) -> dict:
    """What the app's sidebar and pages show about a cleaned data set, computed once with it.

    ``rows_used``; ``customers`` and ``orders`` (bought lines only: a customer with only returns is not
    counted); ``default_as_of`` (:func:`default_as_of`) and ``first_date`` (the earliest line's day).
    """
    orders = result.orders
    bought = orders.loc[~orders["is_return"]]
    return {
        "rows_used": result.report.rows_used,
        "customers": int(bought["customer_id"].nunique()),
        "default_as_of": default_as_of(orders),
        "first_date": orders["order_date"].min().date(),
        "orders": int(bought["order_id"].nunique()),
    }


def detect_currency(loaded: Loaded) -> currency.CurrencyGuess:
    """The currency sign of the upload's money columns and the evidence (:func:`crm_core.ingest.detect_currency`).

    ``symbol`` is None when the file gives no evidence: then ask the user (the app) or show amounts
    without a sign (the CLI), rather than assume one.
    """
    return currency_of(loaded.raw, loaded.mapping)


def currency_of(raw: RawTable, mapping: ColumnMapping) -> currency.CurrencyGuess:
    """:func:`detect_currency` from the raw table and mapping alone (what the app caches per file)."""
    return currency.detect_currency(raw.frame, mapping)


def rfm_scores(
    result: IngestResult,
    *,
    as_of: date | None = None,
    params: rfm.RfmParams = rfm.RfmParams(),
    table: pd.DataFrame | None = None,
    scope: Scope = Scope(),
) -> pd.DataFrame:
    """Per-customer table with RFM scores and segments (see :func:`crm_core.segment.rfm.score_rfm`).

    ``table`` is ``analysis_table(result, as_of=as_of, scope=scope)`` when the caller already has it (the app
    caches it); it is computed when None.  Raises DataError ``no_purchases_before`` when no customer bought
    before ``as_of``.
    """
    if table is None:
        table = analysis_table(result, as_of=as_of, scope=scope)
    if table.empty:
        first = result.orders["order_date"].min().date()
        raise DataError("no_purchases_before", as_of=as_of, first=first)
    return rfm.score_rfm(table, params)


RFM_LIST_COLUMNS = (
    "customer_id", "segment_name", "rfm_code", "recency_days", "frequency", "monetary", "avg_order_value",
    "last_order_date", "channel", "offer", "suggested_channel", "reason", "name", "phone", "email", "city",
)
_DERIVED = ("segment_name", "offer", "suggested_channel")  # from the segmentation's texts
_REASON_NEEDS = ("recency_days", "frequency", "monetary", "r_score", "f_score", "m_score")


def rfm_list_columns(scored: pd.DataFrame) -> tuple[str, ...]:
    """The default columns of a segment list that this table can fill (``reason`` needs the RFM scores)."""
    derived = set(_DERIVED) | ({"reason"} if all(c in scored.columns for c in _REASON_NEEDS) else set())
    return tuple(c for c in RFM_LIST_COLUMNS if c in scored.columns or c in derived)


def _with_list_fields(scored: pd.DataFrame, request: export.ListRequest) -> pd.DataFrame:
    """Add the who/what/which channel/why columns every campaign list carries (why: RFM-scored tables only)."""
    segmentation, lang = request.segmentation, request.lang
    keys = scored[segmentation.key_column]
    texts = {field: {k: segmentation.text(k, field, lang) for k in keys.unique()}
             for field in ("name", "action", "channel")}
    fields = {"segment_name": keys.map(texts["name"]), "offer": keys.map(texts["action"]),
              "suggested_channel": keys.map(texts["channel"])}
    if all(c in scored.columns for c in _REASON_NEEDS):
        fields["reason"] = rfm.reasons(scored, lang=lang, currency=request.currency)
    return scored.assign(**fields)


def list_request(settings: AnalysisSettings, *, params: rfm.RfmParams | None = None, lang: str | None = None,
                 currency: str = "¥") -> export.ListRequest:
    """The :class:`crm_core.export.ListRequest` of a saved analysis's list options (the app's Export page and
    the CLI build the same request from the same settings).  ``params`` is the scoring actually used (default
    ``settings.rfm``), ``lang`` the lists' language (default ``settings.lang``)."""
    lists = settings.lists
    options = export.ListOptions(include_contact=lists.include_contact, mask_personal=lists.mask_personal,
                                 include_opted_out=lists.include_opted_out, lang=lang or settings.lang)
    return export.ListRequest((params or settings.rfm).scheme, segments=lists.segments, columns=lists.columns,
                              options=options, currency=currency)


def build_lists(scored: pd.DataFrame, request: export.ListRequest) -> export.BuiltLists:
    """Build the campaign lists of ``request`` once: one list per chosen group, plus the summary.

    ``scored`` is the customer table with the segmentation's key column (for RFM: :func:`rfm_scores`).

    Returns
    -------
    BuiltLists
        ``sheets`` maps the localized group name to its list (localized headers, biggest spenders first),
        ordered like the segmentation; ``summary`` is :func:`crm_core.segment.rfm.segment_summary` of the chosen
        groups with localized headers, plus, right after the customer count, ``in_list`` (customers on that
        group's list) and ``left_out_opted_out`` (customers left out because they opted out), so
        ``customers == in_list + left_out_opted_out`` on every row and the summary says why a list is shorter
        than its group; ``listed`` and ``left_out`` give those counts by group key.

    Notes
    -----
    With ``options.drop_empty_columns`` (the default) a column with no value on any listed customer of
    any chosen group (an unmapped channel) is left out of every list, so all sheets share their columns.
    """
    segmentation, options, lang = request.segmentation, request.options, request.lang
    key_column = segmentation.key_column
    chosen = request.chosen()
    if not chosen:  # e.g. groups saved from another segment map
        raise DataError("no_groups_chosen", asked=Localized.listing(request.segments),
                        groups=Localized.listing(segmentation.segments()))
    enriched = _with_list_fields(scored, request)
    columns = list(request.columns) if request.columns else list(rfm_list_columns(scored))
    if options.drop_empty_columns:
        pool = enriched[enriched[key_column].isin(chosen)]
        if not options.include_opted_out:
            pool = pool[~export.opted_out_flags(pool).to_numpy()]
        if len(pool):
            columns = [c for c in columns if c == "customer_id" or c not in pool.columns or export.has_data(pool[c])]
        options = replace(options, drop_empty_columns=False)
    sheets: dict[str, pd.DataFrame] = {}
    listed: dict[str, int] = {}
    left_out: dict[str, int] = {}
    for key in chosen:
        members = enriched[enriched[key_column] == key]
        # A list keeps its own order when it has one (lifetime value, value at risk), else the biggest spenders first.
        sort_by = getattr(segmentation, "sort_column", "monetary")
        if sort_by in members.columns:
            members = members.sort_values(sort_by, ascending=False, kind="stable")
        if members.empty:
            continue
        built = export.campaign_list(members, columns=columns, options=options)
        listed[key], left_out[key] = built.rows, built.opted_out_excluded
        if built.rows:  # a group whose members all opted out gets no empty sheet
            sheets[segmentation.text(key, "name", lang)] = built.frame
    summary = rfm.segment_summary(scored, segmentation, lang=lang)
    summary = summary[summary["segment"].isin(chosen)]
    at = summary.columns.get_loc("customers") + 1
    summary.insert(at, "in_list", summary["segment"].map(listed).fillna(0).astype("int64"))
    summary.insert(at + 1, "left_out_opted_out", summary["segment"].map(left_out).fillna(0).astype("int64"))
    summary = summary.drop(columns=["segment"]).rename(columns={"name": "segment_name"})
    summary = summary.rename(columns={c: export.column_label(c, lang) for c in summary.columns})
    return export.BuiltLists(request=request, sheets=sheets, summary=summary, listed=listed, left_out=left_out)


SUMMARY_SHEET = {"en": "Summary", "zh": "概览"}


def to_workbook(built: export.BuiltLists, provenance: export.Provenance | None = None) -> bytes:
    """The Excel workbook of built lists: a summary sheet, then one sheet per group.

    Number formats come from the column registry (:func:`crm_core.export.registry_formats`): money
    ``#,##0.00``, counts ``#,##0``, shares ``0.0%``, dates ``yyyy-mm-dd``.  ``provenance`` (what produced the
    lists: list id, files, dates, window, filters, method, time) is written under the summary's table.
    """
    lang = built.request.lang
    opted_out = built.opted_out_excluded
    # The summary's first line says why a list can be shorter than its group (header then on row 2).
    notes = {SUMMARY_SHEET[lang]: render("export_opted_out_note", lang, customers=opted_out)} if opted_out else None
    footers = {SUMMARY_SHEET[lang]: provenance.rows(lang)} if provenance is not None else None
    return export.to_excel_bytes({SUMMARY_SHEET[lang]: built.summary, **built.sheets},
                                 formats=export.registry_formats(), title_notes=notes, footers=footers)


def provenance(
    built: export.BuiltLists,
    *,
    sources: tuple[tuple[str, str], ...],
    result: IngestResult,
    scored: pd.DataFrame,
    as_of: date,
    scope: Scope,
    params: rfm.RfmParams,
    scheme_base: str,
    generated_at: datetime,
    customers_file: tuple[str, str] | None = None,
) -> export.Provenance:
    """What produced ``built`` (:class:`crm_core.export.Provenance`), with its list id.

    ``sources`` are the order files as (name, SHA-256 hex), ``customers_file`` the customer file likewise;
    ``generated_at`` is the time the caller writes the file (nothing in crm_core reads the clock).  The lines
    counted are the cleaned lines inside the window and filters dated before ``as_of`` (purchases and returns).
    """
    first_day = scope.first_day(as_of)
    orders = in_scope(result, scope, as_of=as_of).orders
    lines = int((orders["order_date"] < pd.Timestamp(as_of)).sum())
    identifier = export.list_id([digest for _, digest in sources], as_of=as_of, first_day=first_day, scope=scope,
                                params=params, request=built.request,
                                customers_digest=None if customers_file is None else customers_file[1])
    return export.Provenance(
        list_id=identifier, sources=tuple(name for name, _ in sources), rows_used=lines,
        customers=len(scored), as_of=as_of, first_day=first_day, scope=scope, params=params,
        scheme_base=scheme_base, generated_at=generated_at.replace(microsecond=0),
        customers_file=None if customers_file is None else customers_file[0],
    )


def to_csv(built: export.BuiltLists) -> bytes:
    """All built lists in one CSV (UTF-8 with BOM, :func:`crm_core.export.to_csv_bytes`), group name first.

    Rows are the lists one after the other, in the segmentation's order; the first column is the group's
    name (``segment_name``'s header), added when the lists do not carry it already.
    """
    label = export.column_label("segment_name", built.request.lang)
    frames = [f if label in f.columns else f.assign(**{label: n})[[label, *f.columns]]
              for n, f in built.sheets.items()]
    return export.to_csv_bytes(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame())


def rfm_workbook(scored: pd.DataFrame, request: export.ListRequest) -> bytes:
    """Build and write in one go (the CLI): :func:`to_workbook` of :func:`build_lists`."""
    return to_workbook(build_lists(scored, request))


def rfm_csv_bytes(scored: pd.DataFrame, request: export.ListRequest) -> bytes:
    """Build and write in one go (the CLI): :func:`to_csv` of :func:`build_lists`."""
    return to_csv(build_lists(scored, request))
