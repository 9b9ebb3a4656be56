"""Order files on the server, read by DuckDB: where they are configured, what they hold, and the engine call.

An administrator points the app at Parquet files or folders on the server (never uploaded through the browser,
so the upload limit does not apply):

- the environment variable ``CRM_SERVER_DATA``: one path, or several separated by ``os.pathsep`` (":" on Linux);
- else ``.streamlit/secrets.toml``::

      [server_data]
      paths = ["/data/orders.parquet", "/data/orders_2024/"]
      memory_limit = "4GB"      # optional: DuckDB's memory limit (it spills to disk beyond it)

The environment variable wins when it is set and not empty (a container or a service sets it without touching
the app's files); no secrets file, or one without ``[server_data]``, means nothing is configured.  A relative
path is relative to the folder the app was started from.

The Data page then offers each path next to uploads.  Reading one runs :func:`crm_core.engine.run.order_lines`
on DuckDB (the cleaning rules of the engine path), whose clean lines become the session's data exactly like an
upload's.  The cache key of a server source is :class:`ServerFiles`: the configured paths plus every file's size
and modification time, so a file replaced on the server is read again.  Nothing here draws on the page
(:mod:`ui.server_view` does); nothing reads session state.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from crm_core.ingest.mapping import MappingProposal
from crm_core.schema import ColumnMapping, DataError, IngestOptions, IngestReport, IngestResult, RawTable

ENV_PATHS = "CRM_SERVER_DATA"
ENV_MEMORY = "CRM_SERVER_MEMORY_LIMIT"
SECRETS_SECTION = "server_data"
DEFAULT_MEMORY_LIMIT = "2GB"
# Used lines above which the app's pandas pages get slow (about 5 GB of clean lines in memory, seconds per
# page): the Data page says so and points to the CLI, which keeps the whole step in DuckDB.
SLOW_LINES = 20_000_000
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
SAMPLE_ROWS = 2000
ENGINE = "duckdb"

Progress = Callable[[str, "float | None"], None]


# --- configuration -----------------------------------------------------------------------------------------

def _secrets_section() -> dict:
    """``[server_data]`` of the secrets (``{}`` when there is no secrets file, no section, or it cannot be read)."""
    try:
        section = st.secrets.get(SECRETS_SECTION)
    except (FileNotFoundError, OSError, ValueError, TypeError):  # no secrets file (or an unreadable one)
        return {}
    if section is None:
        return {}
    try:
        return dict(section)
    except (TypeError, ValueError):  # `server_data = "/data"`: a bare path rather than a section
        return {"paths": section}


def _as_paths(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(os.pathsep) if os.pathsep in value else [value]
    return tuple(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))


def configured_paths() -> tuple[str, ...]:
    """The server paths the administrator configured (environment variable first, then secrets), or ``()``."""
    env = os.environ.get(ENV_PATHS, "").strip()
    if env:
        return _as_paths(env)
    return _as_paths(_secrets_section().get("paths"))


def config_origin() -> str | None:
    """Where the paths come from: "env", "secrets" or None (not configured)."""
    if os.environ.get(ENV_PATHS, "").strip():
        return "env"
    return "secrets" if _as_paths(_secrets_section().get("paths")) else None


def memory_limit() -> str:
    """DuckDB's memory limit for server reads: ``CRM_SERVER_MEMORY_LIMIT``, else secrets' ``memory_limit``,
    else :data:`DEFAULT_MEMORY_LIMIT`."""
    env = os.environ.get(ENV_MEMORY, "").strip()
    if env:
        return env
    return str(_secrets_section().get("memory_limit") or DEFAULT_MEMORY_LIMIT)


def display_name(path: str) -> str:
    """What the sidebar and the Data page call a server source: its file or folder name ("orders/")."""
    p = Path(path)
    name = p.name or str(p)
    return f"{name}/" if p.is_dir() else name


# --- the files and their cache key -------------------------------------------------------------------------

def _data_files(path: Path) -> list[Path]:
    """The order files of one configured path (a folder: its Parquet files, else its text files, sorted)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    # (Spark's and Hadoop's marker files, _SUCCESS and .crc, skipped as the engine does)
    files = [p for p in path.rglob("*") if p.is_file()
             and not any(part.startswith(("_", ".")) for part in p.relative_to(path).parts)]
    found = sorted(p for p in files if p.suffix.lower() in PARQUET_SUFFIXES)
    return found or sorted(p for p in files if p.suffix.lower() in CSV_SUFFIXES)


@dataclass(frozen=True)
class ServerFiles:
    """Configured server paths and, per file found under them, (file, size in bytes, modification time in ns).

    Equal (and hashed alike) only when no file was added, removed, resized or rewritten: the cache key of
    everything read from the server.  A path that does not exist has no stamp (the engine says so on reading).
    """

    paths: tuple[str, ...]
    stamps: tuple[tuple[str, int, int], ...] = ()

    @classmethod
    def of(cls, paths: Sequence[str]) -> ServerFiles:
        stamps = []
        for name in paths:
            for file in _data_files(Path(name)):
                try:
                    stat = file.stat()
                except OSError:
                    continue
                stamps.append((str(file), stat.st_size, stat.st_mtime_ns))
        return cls(tuple(str(p) for p in paths), tuple(stamps))

    @property
    def size_bytes(self) -> int:
        return sum(size for _, size, _ in self.stamps)

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(file for file, _, _ in self.stamps)


@dataclass(frozen=True)
class ServerEntry:
    """One configured path as the Data page lists it, from the files' metadata only (nothing is scanned).

    ``rows``: lines in the Parquet files' footers (None for text files: known after reading); ``problem``:
    the engine's message (English, Chinese) when the path cannot be used as it stands.
    """

    path: str
    name: str
    kind: str | None
    files: int
    size_bytes: int
    rows: int | None
    columns: tuple[str, ...] = ()
    problem: tuple[str, str] | None = None


def _problem(exc: DataError) -> tuple[str, str]:
    return exc.text("en"), exc.text("zh")


def _unreadable(path: str, kind: str, exc: Exception) -> DataError:
    """A file pyarrow cannot open, as the engine's message naming it (no traceback on the page)."""
    detail = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
    return DataError("eng_unreadable_input", path=path, kind="Parquet" if kind == "parquet" else "CSV",
                     detail=detail)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def describe(files: ServerFiles) -> ServerEntry:
    """Kind, file count, size, and (Parquet) rows and columns of one configured path, from the footers only.

    ``files`` holds one configured path (with its stamps, so a changed file is described again).
    """
    path = files.paths[0]
    try:
        source = _find_inputs([path])
    except DataError as exc:
        return ServerEntry(path, display_name(path), None, 0, 0, None, problem=_problem(exc))
    rows, columns = None, ()
    if source.kind == "parquet":
        import pyarrow.parquet as pq

        rows = 0
        try:
            for i, file in enumerate(source.paths):
                meta = pq.ParquetFile(file).metadata
                rows += meta.num_rows
                if i == 0:
                    columns = tuple(meta.schema.to_arrow_schema().names)
        except (OSError, ValueError) as exc:  # pyarrow.ArrowInvalid is a ValueError
            return ServerEntry(path, display_name(path), source.kind, len(source.paths), source.size_bytes, None,
                               problem=_problem(_unreadable(str(file), source.kind, exc)))
    return ServerEntry(path, display_name(path), source.kind, len(source.paths), source.size_bytes, rows, columns)


def _find_inputs(paths: Sequence[str]):
    """:func:`crm_core.engine.source.find_inputs` (folders expanded, kinds checked, with the engine's messages)."""
    from crm_core.engine import source

    return source.find_inputs(list(paths))


# --- what the Data page shows before reading: a sample and the proposed mapping -------------------------------

def sample_table(files: ServerFiles, rows: int = SAMPLE_ROWS) -> RawTable:
    """The first ``rows`` lines of the first file as a table of text (preview, mapping proposal, currency sign).

    Read with pyarrow from the first row group(s) only: instant on a file of any size.  Values as text the way
    a person reads them (timestamps ``2024-01-05 10:00:00``, numbers without a trailing ``.0``), empty cells
    missing, index = line number.
    """
    source = _find_inputs(files.paths)
    first = source.paths[0]
    try:
        if source.kind == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            batch = next(pq.ParquetFile(first).iter_batches(batch_size=rows), None)
            frame = (pa.Table.from_batches([batch]) if batch is not None else
                     pq.read_schema(first).empty_table()).to_pandas()
        else:
            sep = "\t" if first.lower().endswith(".tsv") else None
            frame = pd.read_csv(first, nrows=rows, dtype=str, sep=sep, engine="python" if sep is None else "c")
    except (OSError, ValueError) as exc:
        raise _unreadable(first, source.kind, exc) from None
    text = pd.DataFrame({str(c): _as_text(frame[c]) for c in frame.columns})
    text.index = pd.RangeIndex(1, len(text) + 1)
    return RawTable(frame=text, source_name=display_name(files.paths[0]), file_type="csv")


def _as_text(column: pd.Series) -> pd.Series:
    """One column as text: whole floats without ".0", timestamps without a zero time, missing stays missing."""
    if pd.api.types.is_datetime64_any_dtype(column):
        values = column.dt.strftime("%Y-%m-%d %H:%M:%S").str.removesuffix(" 00:00:00")
    elif pd.api.types.is_float_dtype(column):
        values = column.map(lambda v: None if pd.isna(v) else (f"{v:.0f}" if float(v).is_integer() else repr(v)))
    else:
        values = column.map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    return values.astype("str").where(column.notna())


def proposal(files: ServerFiles, raw: RawTable) -> MappingProposal:
    """The mapping the engine proposes, with its notes (which column stands for the customer, what was guessed
    from values): :func:`crm_core.engine.source.propose` -- the upload path's header words on a text sample, so
    the app and the CLI map a file the same way.  ``raw`` (the preview sample) is used only when the engine
    offers no notes (:func:`crm_core.engine.source.propose_mapping` alone)."""
    from crm_core import pipeline
    from crm_core.engine import backends, source

    con = backends.connect(engine_options())
    try:
        table = source.read_table(con, source.find_inputs(list(files.paths)))
        if hasattr(source, "propose"):
            return source.propose(table)
        mapping = source.propose_mapping(table)
    finally:
        backends.close(con)
    base = pipeline.propose(raw)
    return base if mapping == base.mapping else MappingProposal(mapping)


# --- reading ------------------------------------------------------------------------------------------------

def engine_options():
    """DuckDB with the configured memory limit (spilling to a temporary folder beyond it)."""
    from crm_core.engine.options import EngineOptions

    return EngineOptions(engine=ENGINE, memory_limit=memory_limit())


def read_orders(files: ServerFiles, mapping: ColumnMapping | None, options: IngestOptions = IngestOptions(), *,
                progress: Progress | None = None) -> tuple[IngestResult, float]:
    """The clean order lines of the server files (:func:`crm_core.engine.run.order_lines` on DuckDB) and the
    seconds it took.  DataError (missing path, wrong types, messy text...) carries the engine's message."""
    from crm_core.engine import run

    started = time.perf_counter()
    result = run.order_lines(list(files.paths), engine_options(), mapping=mapping, cleaning=options,
                             progress=progress)
    return result, time.perf_counter() - started


def excluded_counts(report: IngestReport) -> dict[str, int]:
    """Rows excluded per reason code, largest first.

    The engine's report may keep one example row per reason with its count in a ``rows`` column (its excluded
    table would otherwise hold millions of rows); an upload's report keeps every row.
    """
    excluded = report.excluded
    if excluded is None or excluded.empty:
        return {}
    if "rows" in excluded.columns:
        counts = excluded.groupby("reason", sort=False)["rows"].sum()
    else:
        counts = excluded["reason"].value_counts()
    counts = counts.sort_values(ascending=False, kind="stable")
    return {str(k): int(v) for k, v in counts.items()}


def reason_table(report: IngestReport, lang: str) -> pd.DataFrame:
    """Excluded rows per reason in words (columns reason, rows), largest first, as the upload's
    :meth:`IngestReport.reason_table` (order statuses one by one when the rows name them) but from counts."""
    excluded = report.excluded
    if excluded is None or excluded.empty or "rows" not in excluded.columns:
        return report.reason_table(lang)
    from crm_core.messages import render

    status = (excluded["detail"].where(excluded["reason"] == "status", "").fillna("")
              if "detail" in excluded.columns else pd.Series("", index=excluded.index))
    counts = (excluded.assign(status=status).groupby(["reason", "status"], sort=False)["rows"].sum()
              .reset_index().sort_values("rows", ascending=False, kind="stable"))
    return pd.DataFrame({"reason": [render(f"reason_{code}", lang, status=s).strip()
                                    for code, s in zip(counts["reason"], counts["status"], strict=True)],
                         "rows": counts["rows"].astype("int64").to_numpy()})


def excluded_total(report: IngestReport) -> int:
    """Rows read and not used (every reason)."""
    return int(report.rows_read - report.rows_used)


def size_text(size: int) -> str:
    """Bytes for people: "840 KB", "3.2 MB", "4.1 GB"."""
    if size >= 1024**3:
        return f"{size / 1024**3:,.1f} GB"
    return f"{size / 1024:,.0f} KB" if size < 1024**2 else f"{size / 1024**2:,.1f} MB"


def cli_command(path: str) -> str:
    """The command that keeps the whole analysis in DuckDB, for a file too big for the app's pages."""
    return f"python -m crm_core rfm {path} --engine duckdb --out rfm.parquet"
