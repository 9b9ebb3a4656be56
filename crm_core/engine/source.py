"""Inputs of the engine path: find the files, read them as one Ibis table, propose a mapping, check the types.

* :func:`find_inputs` turns the paths given (files or folders) into one :class:`EngineSource`: all Parquet or all
  CSV.  Excel workbooks stay on the pandas path.
* :func:`read_table` reads them on the engine from :func:`crm_core.engine.backends.connect`.  Parquet columns keep
  their types; CSV columns are all read as text (DuckDB's sniffer finds the delimiter, quoting and header), as on
  the pandas path: ids keep their leading zeros, and the cleaning step (:mod:`crm_core.engine.lines`) casts the
  mapped amount and date columns.
* :func:`propose_mapping` runs the upload path's own proposal (:func:`crm_core.ingest.mapping.propose_mapping`) on
  the first rows as text, so English and Chinese headers map as they do for an upload.
* :func:`check_types` says, before any long query, whether the mapped columns can be read by the engine
  (:mod:`crm_core.engine._types`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ibis
import pandas as pd

from crm_core.engine._types import check_types
from crm_core.engine.options import is_remote
from crm_core.ingest.mapping import MappingProposal
from crm_core.ingest.mapping import propose_mapping as _propose_text
from crm_core.messages import Localized
from crm_core.schema import ColumnMapping, DataError

__all__ = [
    "CSV_SUFFIXES", "EXCEL_SUFFIXES", "PARQUET_SUFFIXES", "EngineSource", "check_types", "find_inputs", "propose",
    "propose_mapping", "read_table", "sample_rows",
]

PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".xlsb", ".ods")
SAMPLE_ROWS = 2000
_UTF8_PROBE_BYTES = 1 << 20  # the head of each CSV checked to be UTF-8 (DuckDB and Spark read UTF-8)

_NOT_FOUND = Localized(en="does not exist", zh="不存在")
_NO_PARQUET = Localized(en="is a folder without Parquet files (.parquet, .pq)",
                        zh="是一个文件夹，其中没有 Parquet 文件（.parquet、.pq）")
_EXCEL = Localized(en="an Excel workbook", zh="Excel 工作簿")
_PARQUET = Localized(en="Parquet", zh="Parquet")
_CSV = Localized(en="CSV", zh="CSV")


@dataclass(frozen=True)
class EngineSource:
    """Files for the engine: ``paths`` resolved and sorted within each folder, ``kind`` "parquet" or "csv",
    ``size_bytes`` their total size."""

    paths: tuple[str, ...]
    kind: str
    size_bytes: int


def _folder_files(folder: Path) -> list[Path]:
    """A folder's Parquet files, recursively, sorted; Spark's and Hadoop's marker files (_SUCCESS, .crc) skipped."""
    return sorted(path for path in folder.rglob("*")
                  if path.is_file() and path.suffix.lower() in PARQUET_SUFFIXES
                  and not any(part.startswith(("_", ".")) for part in path.relative_to(folder).parts))


def find_inputs(paths: Sequence[str | Path]) -> EngineSource:
    """The input files behind ``paths``: Parquet files, folders of them (searched recursively), or CSV files.

    Raises
    ------
    DataError
        ``eng_no_input`` (nothing given, a path that does not exist, a folder without Parquet files),
        ``eng_unsupported_input`` (an Excel workbook or another kind of file), ``eng_mixed_inputs`` (Parquet and
        CSV together).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not paths:
        raise DataError("eng_no_input", path="-", problem=Localized(en="(no input given)", zh="（未给出输入）"))
    files: list[Path] = []
    remote: list[str] = []
    for name in paths:
        if is_remote(name):  # hdfs://, s3a://: listed and read by the cluster, kind by its suffix (a folder: Parquet)
            remote.append(str(name))
            continue
        path = Path(name).expanduser()
        if path.is_dir():
            found = _folder_files(path)
            if not found:
                raise DataError("eng_no_input", path=str(name), problem=_NO_PARQUET)
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise DataError("eng_no_input", path=str(name), problem=_NOT_FOUND)
    kinds = {url: "csv" if Path(url).suffix.lower() in CSV_SUFFIXES else "parquet" for url in remote}
    for path in files:
        suffix = path.suffix.lower()
        if suffix in PARQUET_SUFFIXES:
            kinds[path] = "parquet"
        elif suffix in CSV_SUFFIXES:
            kinds[path] = "csv"
        elif suffix in EXCEL_SUFFIXES:
            raise DataError("eng_unsupported_input", path=str(path), kind=_EXCEL)
        else:
            raise DataError("eng_unknown_input", path=str(path), suffix=suffix or "-")
    if len(set(kinds.values())) > 1:
        parquet = [Path(p).name or str(p) for p, kind in kinds.items() if kind == "parquet"]
        csv = [Path(p).name or str(p) for p, kind in kinds.items() if kind == "csv"]
        raise DataError("eng_mixed_inputs", parquet=Localized.listing(parquet[:3]), csv=Localized.listing(csv[:3]))
    unique = list(dict.fromkeys(str(path.resolve()) for path in files))
    return EngineSource(paths=tuple(unique + list(dict.fromkeys(remote))), kind=next(iter(kinds.values())),
                        size_bytes=sum(Path(p).stat().st_size for p in unique))


# --- reading ---------------------------------------------------------------------------------------


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:300]


def _parquet_columns(paths: Sequence[str]) -> list[list[str]]:
    """Each file's column names, from its footer; an unreadable file raises eng_unreadable_input naming it."""
    import pyarrow.parquet as pq

    columns = []
    for path in paths:
        try:
            columns.append(pq.read_schema(path).names)
        except Exception as error:  # pyarrow raises ArrowInvalid / OSError for a damaged or non-Parquet file
            raise DataError("eng_unreadable_input", path=path, kind=_PARQUET, detail=_first_line(error)) from None
    return columns


def _check_utf8(paths: Sequence[str]) -> None:
    for path in paths:
        with open(path, "rb") as handle:
            head = handle.read(_UTF8_PROBE_BYTES)
        try:
            (head[:-4] if len(head) == _UTF8_PROBE_BYTES else head).decode("utf-8")
        except UnicodeDecodeError:
            raise DataError("eng_not_utf8", path=path) from None


def _delimiter(path: str) -> str:
    from crm_core.ingest import _read_text

    with open(path, "rb") as handle:
        text = handle.read(256 * 1024).decode("utf-8", errors="ignore").lstrip("\ufeff")
    return _read_text.sniff_delimiter(_read_text.text_sample(text)) or ("\t" if path.endswith(".tsv") else ",")


def read_table(con: ibis.BaseBackend, source: EngineSource) -> ibis.Table:
    """All files of ``source`` as one Ibis table on ``con`` (nothing is read until a query runs).

    Parquet: every file, matched by column name (files whose columns come in another order, or where some lack
    a column, are read with ``union_by_name``; missing columns are null).  CSV: header on the first line,
    delimiter and quoting sniffed, every column read as text (the cleaning step casts what it needs).

    Raises
    ------
    DataError
        ``eng_unreadable_input`` naming the file (damaged Parquet, a CSV the engine cannot parse),
        ``eng_not_utf8`` (a CSV in another encoding: DuckDB and Spark read UTF-8 only).
    """
    from crm_core.engine.backends import engine_name

    paths = list(source.paths)
    local = [p for p in paths if not is_remote(p)]  # a cluster's paths are read by the cluster only
    if source.kind == "parquet":
        columns = _parquet_columns(local)
        by_name = len(local) < len(paths) or any(names != columns[0] for names in columns)
    else:
        _check_utf8(local)
    try:
        if engine_name(con) == "spark":
            return _read_spark(con, source, paths, merge=source.kind == "parquet" and by_name)
        if source.kind == "parquet":
            table = con.read_parquet(paths, union_by_name=True) if by_name else con.read_parquet(paths)
        else:
            table = con.read_csv(paths, header=True, all_varchar=True, union_by_name=len(paths) > 1)
    except DataError:
        raise
    except Exception as error:  # duckdb.Error / the JVM's AnalysisException: the engine's own words
        raise DataError("eng_unreadable_input", path=paths[0] if len(paths) == 1 else Localized.listing(
            [Path(p).name for p in paths[:3]]), kind=_PARQUET if source.kind == "parquet" else _CSV,
            detail=_first_line(error)) from None
    return table


def _read_spark(con: ibis.BaseBackend, source: EngineSource, paths: list[str], *, merge: bool) -> ibis.Table:
    """Spark's own readers take several paths (ibis's read_parquet takes one): a temp view, then the table."""
    reader = con._session.read
    if source.kind == "parquet":
        frame = reader.parquet(*paths, mergeSchema=merge)
    else:
        sep = "," if is_remote(paths[0]) else _delimiter(paths[0])
        frame = reader.csv(paths, header=True, inferSchema=False, sep=sep, encoding="UTF-8",
                           multiLine=False)
        frame = frame.toDF(*[name.lstrip("\ufeff").strip() for name in frame.columns])
    name = ibis.util.gen_name(f"crm_{source.kind}")
    frame.createOrReplaceTempView(name)
    return con.table(name)


def sample_rows(table: ibis.Table, n: int = SAMPLE_ROWS) -> pd.DataFrame:
    """Up to ``n`` rows of ``table`` (the first ones the engine reads) as a DataFrame, columns as typed."""
    return table.limit(n).to_pandas()


def _text_sample(table: ibis.Table, n: int) -> pd.DataFrame:
    """The first ``n`` rows as a :class:`~crm_core.schema.RawTable` frame: every column text, empty cells
    missing, index = the row number in a CSV file (header on line 1)."""
    texts = table.select(*[table[name].cast("string").name(name) for name in table.columns]).limit(n)
    frame = texts.to_pandas()
    frame = frame.astype("str").apply(lambda column: column.str.strip().replace("", None))
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame.astype("str")


def propose(table: ibis.Table, *, n: int = SAMPLE_ROWS) -> MappingProposal:
    """The upload path's mapping proposal on the first ``n`` rows as text, with its notes (which identity
    column was used, which fields were guessed from values)."""
    return _propose_text(_text_sample(table, n))


def propose_mapping(table: ibis.Table) -> ColumnMapping:
    """The mapping an upload of the same columns would get (:func:`propose` without the notes)."""
    return propose(table).mapping
