"""The pandas engine of :mod:`crm_core.engine.run`: the upload path on files given by path.

CSV and Excel files are read as an upload is (:func:`crm_core.pipeline.read_many`); Parquet files are read with
pyarrow and every column turned into text (timestamps ``YYYY-MM-DD HH:MM:SS[.ffffff]``, time-zone aware ones as
UTC wall clock as the engines read them; whole-number floats without ``.0``), which gives the same all-text
:class:`crm_core.schema.RawTable` an upload of the same data gives, cleaned by the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from crm_core.engine.lines import LineReport
from crm_core.schema import ColumnMapping, IngestOptions, IngestReport, RawTable

__all__ = ["line_report_of", "parquet_raw", "prepare_pandas", "read_raw"]

_EXCEL_SUFFIXES = (".xlsx", ".xls", ".xlsm")


def read_raw(paths: Sequence[str | Path]) -> RawTable:
    """The files as one all-text RawTable (several files combined as uploads are, overlaps counted once)."""
    from crm_core import pipeline
    from crm_core.engine.source import find_inputs
    from crm_core.ingest.combine import combine

    if isinstance(paths, (str, Path)):
        paths = [paths]
    if any(Path(p).suffix.lower() in _EXCEL_SUFFIXES for p in paths):  # workbooks stay on the upload path
        return pipeline.read_many([(Path(p).name, Path(p).read_bytes()) for p in paths])
    found = find_inputs(paths)
    if found.kind == "csv":
        return pipeline.read_many([(Path(p).name, Path(p).read_bytes()) for p in found.paths])
    return combine([parquet_raw(path) for path in found.paths])


def parquet_raw(path: str | Path) -> RawTable:
    """One Parquet file as the all-text RawTable an upload of the same data gives (index = row number as in a CSV
    with its header on line 1; empty text missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from crm_core.ingest.readers import clean_header

    table = pq.read_table(path)
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_timestamp(kind) and kind.tz is not None:
            column = pc.cast(column, pa.timestamp(kind.unit, tz="UTC")).cast(pa.timestamp(kind.unit))
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
        text = column if pa.types.is_string(column.type) or pa.types.is_large_string(column.type) \
            else pc.cast(column, pa.string())
        text = pc.utf8_trim_whitespace(text)
        columns[clean_header(name)] = pd.Series(text.to_pandas(), dtype="str").replace("", None)
    frame = pd.DataFrame(columns)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    frame = frame.dropna(how="all").astype("str")
    return RawTable(frame=frame, source_name=Path(path).name, file_type="csv", encoding="utf-8")


def line_report_of(report: IngestReport) -> LineReport:
    """The engine's LineReport of an upload's IngestReport (excluded rows counted per reason code)."""
    counts = report.reason_counts()
    return LineReport(rows_read=int(report.rows_read), rows_used=int(report.rows_used),
                      rows_returns=int(report.rows_returns),
                      excluded={str(code): int(rows) for code, rows in counts.items() if int(rows)})


def prepare_pandas(paths, mapping: ColumnMapping | None, cleaning: IngestOptions, clock):
    """Read, propose (when ``mapping`` is None) and clean on the pandas path: the run's ``_Prepared``."""
    from crm_core import pipeline
    from crm_core.engine.run import _Prepared

    notes = []
    with clock.stage("read"):
        raw = read_raw(paths)
        notes.extend(raw.notes)
        if mapping is None:
            proposal = pipeline.propose(raw)
            mapping = proposal.mapping
            notes.extend(proposal.notes)
    with clock.stage("clean"):
        result = pipeline.clean(raw, mapping, cleaning).result
    notes.extend(result.report.notes)
    return _Prepared(con=None, lines=None, flagged=None, result=result, report=line_report_of(result.report),
                     mapping=mapping, notes=tuple(notes), seconds=clock.seconds)
