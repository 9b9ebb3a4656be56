"""Cached wrappers around crm_core.pipeline, keyed on one :class:`DatasetKey` plus the parameters.

Each wrapper calls the pipeline step of the same job (read, propose, clean, score, build the lists, write
them), so the app and the CLI run the same code.  Streamlit hashes big DataFrames from a sample, so no
cached function here takes a frame as a key: the upload travels inside :class:`DatasetKey`, which is hashed
on its SHA-256 digest and its settings only (never on the bytes, see :meth:`DatasetKey.cache_token`), and
every other setting is a frozen dataclass (hashed exactly).  Every cache is bounded (``max_entries``),
expires an hour after its last use (``ttl``) and lives in memory only.

The two big results (the raw table, about 79 MB pickled for the 48 MB Online Retail CSV, and the cleaned
data set) are held with ``st.cache_resource``: one shared object, never pickled on store nor unpickled on
every hit (0.55 s per first run for that file with ``st.cache_data``).  Contract for those two: callers
READ them and never mutate them (no ``frame[col] = ...``, no ``inplace=``); every crm_core step returns new
frames, and pandas copy-on-write makes derived frames independent copies on their first write.  They are
keyed on the upload's SHA-256 digest plus the settings, so two sessions share an object only when they
uploaded byte-identical files with identical settings, i.e. when the result is the same.

Server data (:mod:`ui.server_source`: files on the server read by DuckDB) travels in the same key with
``server`` set (:class:`ServerFiles`: the paths and every file's size and modification time): its "raw table"
is a sample of the first lines (preview, mapping proposal, currency sign) and its cleaned data set comes from
:func:`crm_core.engine.run.order_lines`, so every page works on it as on an upload.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st

from crm_core import export, pipeline
from crm_core.customers import rows_after
from crm_core.ingest import readers
from crm_core.ingest.mapping import MappingProposal
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
from crm_core.settings import Scope
from ui import server_source
from ui.server_source import ServerFiles

# Results of an upload leave memory an hour after their last use, even if the user never clicks "Clear my data".
TTL_SECONDS = 3600


@dataclass(frozen=True)
class DatasetKey:
    """One cleaned data set: the upload (name, bytes and their SHA-256) and every setting that shapes it.

    The bytes ride along so the cached steps can read them, but they are neither compared nor hashed:
    equality, ``hash()`` and the caches' keys use the digest plus the settings (:meth:`cache_token`), so a
    48 MB upload is never re-hashed on a rerun.  ``mapping`` None means "not chosen yet" (the read-level
    steps, which do not depend on it).
    """

    digest: str
    data: bytes = dataclasses.field(compare=False, hash=False, repr=False)
    name: str = ""
    read: ReadOptions = ReadOptions()
    mapping: ColumnMapping | None = None
    options: IngestOptions = IngestOptions()
    # Several exports read as one: every (name, bytes); () for one file (then ``name``/``data``).
    parts: tuple[tuple[str, bytes], ...] = dataclasses.field(default=(), compare=False, hash=False, repr=False)
    customers: CustomerFileKey | None = None
    # Server data (files read by DuckDB, ui.server_source): the paths and every file's size and modification
    # time.  None for an upload.
    server: ServerFiles | None = None

    def cache_token(self) -> tuple:
        """What Streamlit hashes for this key: the digest and the settings, not the bytes."""
        token = (self.digest, self.name, self.read, self.mapping, self.options,
                 None if self.customers is None else self.customers.cache_token())
        return token if self.server is None else (*token, self.server)

    def file_only(self) -> DatasetKey:
        """This upload as read, without the mapping and cleaning settings (for the read-level caches)."""
        return DatasetKey(self.digest, self.data, self.name, self.read, parts=self.parts, server=self.server)

    def files(self) -> tuple[tuple[str, bytes], ...]:
        return self.parts or ((self.name, self.data),)

    def with_mapping(self, mapping: ColumnMapping) -> DatasetKey:
        return dataclasses.replace(self, mapping=mapping)


@dataclass(frozen=True)
class CustomerFileKey:
    """The customer file joined to the orders: hashed on its digest, name and mapping (not the bytes)."""

    digest: str
    data: bytes = dataclasses.field(compare=False, hash=False, repr=False)
    name: str = ""
    mapping: ColumnMapping | None = None

    def cache_token(self) -> tuple:
        return (self.digest, self.name, self.mapping)


_KEYED = {DatasetKey: DatasetKey.cache_token, CustomerFileKey: CustomerFileKey.cache_token}


def _cache(max_entries: int):
    """Small results: copied (pickled) per hit, so a caller may change what it gets."""
    return st.cache_data(max_entries=max_entries, ttl=TTL_SECONDS, show_spinner=False, hash_funcs=_KEYED)


def _shared(max_entries: int):
    """Big read-only results: one object shared by every hit (see the module's contract: never mutate it).

    Bounded tightly (2 entries: the current and the previous file or setting, server-wide), as each entry
    of the Online Retail CSV holds a few hundred MB; an evicted entry is recomputed on its next use.
    """
    return st.cache_resource(max_entries=max_entries, ttl=TTL_SECONDS, show_spinner=False, hash_funcs=_KEYED)


@dataclass(frozen=True)
class Prepared:
    """One cleaned data set and its small facts, computed in one cached step (shared, read-only)."""

    result: IngestResult
    facts: dict


# --- one file, as read -----------------------------------------------------------------------------

@_shared(2)
def raw_table(key: DatasetKey) -> RawTable:
    """The upload as a table of text (:func:`crm_core.pipeline.read`); for server data, its first lines
    (:func:`ui.server_source.sample_table`)."""
    if key.server is not None:
        return server_source.sample_table(key.server)
    return pipeline.read_many(key.files(), key.read)


@_cache(4)
def customer_file_raw(key: CustomerFileKey) -> RawTable:
    """The customer file as a table of text."""
    return pipeline.read(key.data, key.name)


@_cache(4)
def customer_file_mapping(key: CustomerFileKey) -> ColumnMapping:
    """The mapping proposed for the customer file (id, name, phone, e-mail, consent, city, sign-up date)."""
    from crm_core.ingest import master

    return master.propose_master_mapping(customer_file_raw(dataclasses.replace(key, mapping=None)))


@_cache(16)
def sheets_of(key: DatasetKey) -> tuple[str, ...]:
    """The workbook's sheets (``()`` for text, or when even the sheet list cannot be read).

    Asked separately from the read, so the sheet picker is offered also when reading the chosen sheet fails.
    """
    try:
        name, data = key.files()[0]
        return readers.list_sheets(data, name)
    except DataError:
        return ()


@_cache(16)
def proposal(key: DatasetKey) -> MappingProposal:
    """The mapping proposed for this file (:func:`crm_core.pipeline.propose`), with its guesses and notes; for
    server data, the engine's proposal (:func:`ui.server_source.proposal`)."""
    if key.server is not None:
        return server_source.proposal(key.server, raw_table(key.file_only()))
    return pipeline.propose(raw_table(key.file_only()))


@_cache(16)
def proposed_mapping(key: DatasetKey) -> ColumnMapping:
    """The proposed mapping alone: small, so every page's rerun gets it without copying the raw table."""
    return proposal(key.file_only()).mapping


@_cache(16)
def currency_of(key: DatasetKey) -> tuple[str | None, str, str] | None:
    """(symbol or None, evidence in English, evidence in Chinese) seen in the file for ``key.mapping``."""
    guess = pipeline.currency_of(raw_table(key.file_only()), key.mapping)
    return guess.symbol, _words(guess.evidence, "en"), _words(guess.evidence, "zh")


def _words(value: object, lang: str) -> str:
    """A message-like value (Note, Localized, str or None) in ``lang``."""
    if value is None:
        return ""
    text = getattr(value, "text", None)
    return text(lang) if callable(text) else str(value)


# --- one cleaned data set ------------------------------------------------------------------------

@_shared(2)
def prepared(key: DatasetKey, _progress: Callable | None = None) -> Prepared:
    """The clean order lines and report (:func:`crm_core.pipeline.clean`) with their sidebar facts.

    The facts are computed here, once per data set, rather than in a cache of their own that would look
    the cleaned result up again.  Shared and read-only (see the module docstring).

    Server data is read by DuckDB (:func:`ui.server_source.read_orders`); its facts add ``engine`` and
    ``seconds``.  ``_progress(stage, fraction)`` (not part of the key) is called while the engine works, on the
    first run only.
    """
    if key.server is not None:
        result, seconds = server_source.read_orders(key.server, key.mapping, key.options,
                                                    progress=live_progress(_progress))
        loaded = pipeline.Loaded(raw=raw_table(key.file_only()), mapping=key.mapping, result=result)
        engine = {"engine": server_source.ENGINE, "seconds": seconds}
    else:
        loaded = pipeline.clean(raw_table(key.file_only()), key.mapping, key.options)
        engine = {}
    if key.customers is not None:
        customers = key.customers
        loaded = pipeline.join_customer_file(loaded, customers.data, customers.name, mapping=customers.mapping,
                                             options=key.options)
    result = loaded.result
    return Prepared(result, pipeline.facts(result) | engine)


def live_progress(progress: Callable | None) -> Callable | None:
    """``progress`` called outside the cached function's recording of elements (the server read here, the model
    training of :mod:`ui.cached_predict`): it updates elements made before the call, which a later cache hit must
    not replay."""
    if progress is None:
        return None
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import in_cached_function
    except ImportError:  # another Streamlit: no live progress rather than a replay error on the next hit
        return None

    def call(*args) -> None:
        token = in_cached_function.set(False)
        try:
            progress(*args)
        finally:
            in_cached_function.reset(token)

    return call


@_cache(4)
def join_problem(key: DatasetKey) -> tuple[str, str, str] | None:
    """The customer file's own problem as (code, English, Chinese), or None.

    Any error reading, mapping or joining the customer file (an empty file, no id column, no id matching the
    orders) counts when the orders alone clean fine; an error of the orders themselves is not the file's and
    shows where it always does.
    """
    customers = key.customers
    try:
        if customers is not None and customers.mapping is None:  # not even a mapping: read it to say why
            customer_file_mapping(customers)
        prepared(key)
    except DataError as exc:
        try:
            prepared(dataclasses.replace(key, customers=None))
        except DataError:
            return None
        return exc.code, exc.text("en"), exc.text("zh")
    return None


def cleaned(key: DatasetKey) -> IngestResult:
    """The clean order lines and report (shared, read-only: never mutate it)."""
    return prepared(key).result


def report(key: DatasetKey) -> IngestReport:
    """Only the report (what the data page shows; shared, read-only)."""
    return prepared(key).result.report


def facts(key: DatasetKey) -> dict:
    """Small facts for the sidebar (a copy, so a page may change it)."""
    return dict(prepared(key).facts)


@_cache(8)
def scope_values(key: DatasetKey) -> dict[str, list[str]]:
    """The values the filters can pick, most frequent first: channels, categories (lines) and cities (customers)."""
    result = cleaned(key)
    values = {}
    for name, column, frame in (("channels", "channel", result.orders), ("categories", "category", result.orders),
                                ("cities", "city", result.customers)):
        values[name] = (frame[column].dropna().astype(str).value_counts().index.tolist()
                        if column in frame.columns else [])
    return values


@_cache(8)
def customers(key: DatasetKey, as_of: date, scope: Scope = Scope()) -> tuple[pd.DataFrame, int, tuple]:
    """The per-customer table as of ``as_of`` inside ``scope``, the number of lines dated on/after ``as_of``,
    and the notes of the window and filters (:func:`crm_core.pipeline.in_scope`)."""
    result = cleaned(key)
    scoped = pipeline.in_scope(result, scope, as_of=as_of)
    table = pipeline.customer_table(scoped.orders, scoped.customers, as_of=as_of)
    return table, rows_after(result.orders, as_of), scoped.report.notes[len(result.report.notes):]


@_cache(16)
def rfm_scores(key: DatasetKey, as_of: date, params: rfm.RfmParams, scope: Scope = Scope()) -> pd.DataFrame:
    """The scored customer table (:func:`crm_core.pipeline.rfm_scores`, on the cached customer table)."""
    table, _, _ = customers(key, as_of, scope)
    return pipeline.rfm_scores(cleaned(key), as_of=as_of, params=params, table=table)


@_cache(8)
def segment_profiles(key: DatasetKey, as_of: date, params: rfm.RfmParams, scope: Scope, lang: str) -> pd.DataFrame:
    """What each RFM segment's customers look like (:func:`crm_core.segment.profiles.segment_profiles`)."""
    from crm_core.segment import profiles

    return profiles.segment_profiles(rfm_scores(key, as_of, params, scope), params.scheme, lang=lang)


@_cache(4)
def built_lists(key: DatasetKey, as_of: date, params: rfm.RfmParams, scope: Scope, request: export.ListRequest
                ) -> export.BuiltLists:
    """The export page's lists, built once (:func:`crm_core.pipeline.build_lists`) for the preview, the counts
    and the download."""
    return pipeline.build_lists(rfm_scores(key, as_of, params, scope), request)


@dataclass(frozen=True)
class ListSource:
    """What the Summary sheet names besides the settings: the order files and the customer file (name, SHA-256),
    and the standard segment map the user started from."""

    sources: tuple[tuple[str, str], ...]
    customers_file: tuple[str, str] | None = None
    scheme_base: str = "11"


@_cache(2)
def list_file(key: DatasetKey, as_of: date, params: rfm.RfmParams, scope: Scope, request: export.ListRequest,
              fmt: str, source: ListSource) -> tuple[bytes, str]:
    """The export page's file (``fmt`` "xlsx" or "csv") and its list id, written from :func:`built_lists`
    before the button is drawn; the Summary sheet says what produced it (its "Generated" time is when this ran).

    Written here rather than when the button is clicked, so a file that cannot be written (DataError, e.g.
    more rows than an Excel sheet holds) is a message on the page instead of a download that breaks.
    """
    built = built_lists(key, as_of, params, scope, request)
    scored = rfm_scores(key, as_of, params, scope)
    provenance = pipeline.provenance(built, sources=source.sources, result=cleaned(key), scored=scored,
                                     as_of=as_of, scope=scope, params=params, scheme_base=source.scheme_base,
                                     customers_file=source.customers_file, generated_at=datetime.now())
    data = pipeline.to_workbook(built, provenance) if fmt == "xlsx" else pipeline.to_csv(built)
    return data, provenance.list_id


_WARM = threading.Lock()
_warmed = False
# A few lines with the quirks ingest looks for (a currency sign, a return, a cancelled status, a day-first date):
# cleaning them once compiles the regular expressions and loads the lazily imported modules.
_WARM_CSV = ("Customer,Order,Date,Amount,Status,Channel,Phone\n"
             "a,1,05/01/2024,¥10.00,paid,web,138 0013 8000\n"
             "a,2,06/01/2024,-¥5.00,refund,web,138 0013 8000\n"
             "b,3,07/02/2024,\"¥1,299.50\",cancelled,shop,\n"
             "b,4,13/02/2024,¥20,paid,shop,\n").encode()


def warm_up() -> None:
    """Run the whole pipeline once on a few made-up lines, in a background thread, the first time the app runs.

    The first analysis in a fresh server otherwise pays for importing the charting and Excel modules and
    compiling the parsers' regular expressions (about 0.5 s, measured on the Online Retail drop-to-summary
    path); here that happens while the user is still on the start page.  Pure crm_core calls only: no
    Streamlit call is made from the thread, and nothing it computes is kept.
    """
    global _warmed
    with _WARM:
        if _warmed:
            return
        _warmed = True
    pipeline.use_fast_memory_pool()  # before any upload is read: see its docstring (first runs 40% faster)

    def run() -> None:
        import statsmodels.tsa.holtwinters  # noqa: F401 - the Forecast page's models (about 2 s to import)
        import statsmodels.tsa.statespace.sarimax  # noqa: F401

        import ui.charts  # noqa: F401 - Altair, imported by the RFM page
        from crm_core.ingest import combine, master  # noqa: F401 - imported lazily by the pipeline

        try:
            loaded = pipeline.load(_WARM_CSV, "warm_up.csv", options=IngestOptions(day_first=True))
            scored = pipeline.rfm_scores(loaded.result)
            pipeline.to_workbook(pipeline.build_lists(scored, export.ListRequest(rfm.SCHEMES["11"])))
            pipeline.currency_of(loaded.raw, loaded.mapping)
        except DataError:  # the lines are made up to be valid; a change that breaks them only loses the warm-up
            pass

    threading.Thread(target=run, name="crm-warm-up", daemon=True).start()


_CACHES = (raw_table, customer_file_raw, customer_file_mapping, sheets_of, proposal, proposed_mapping, currency_of,
           prepared, join_problem, scope_values, segment_profiles, customers, rfm_scores, built_lists, list_file)


def clear_all() -> None:
    """Drop every cached result (used by 'Clear my data').

    Streamlit cannot drop one entry, so this clears every session's cached results too: they are
    recomputed on their next run (correct, only slower once). Privacy wins over that cost.
    """
    from ui import (  # they import this module: here
        cached_abtest,
        cached_attribution,
        cached_basket,
        cached_clv,
        cached_forecast,
        cached_predict,
        cached_results,
        cached_segments,
        cluster_cache,
        cluster_charts,
    )

    for fn in (_CACHES + cached_segments.CACHES + cluster_cache.CACHES + cluster_charts.CACHES + cached_basket.CACHES
               + cached_predict.CACHES + cached_clv.CACHES + cached_abtest.CACHES + cached_attribution.CACHES
               + cached_forecast.CACHES + cached_results.CACHES):
        fn.clear()
