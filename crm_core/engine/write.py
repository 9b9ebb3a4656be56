"""Write the engine path's result (one row per customer) as Parquet, CSV or, when it fits, an Excel workbook.

CSV and Excel go through the project's export writers (:mod:`crm_core.export.writers`): UTF-8 with a BOM, text
that starts like a formula (``=1+1``) neutralised, dates as ``YYYY-MM-DD``.  The CSV is written in chunks, so a
table of millions of customers never sits in memory twice as text.  A workbook is written only when the table
fits an Excel sheet (1,048,576 rows including the header); otherwise DataError ``eng_too_many_rows_for_excel``
says to choose .csv or .parquet.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crm_core.schema import DataError

__all__ = ["EXCEL_MAX_ROWS", "OUT_SUFFIXES", "excel_fits", "write_table"]

EXCEL_MAX_ROWS = 1_048_576  # rows of an Excel sheet, the header row included
OUT_SUFFIXES = (".parquet", ".csv", ".xlsx")
CSV_CHUNK_ROWS = 200_000
_SHEET_NAMES = {"Customers": {"en": "Customers", "zh": "客户"}}
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def excel_fits(n_rows: int) -> bool:
    """Whether ``n_rows`` data rows and the header row fit one Excel sheet (:data:`EXCEL_MAX_ROWS` rows)."""
    return n_rows + 1 <= EXCEL_MAX_ROWS


def write_table(frame: pd.DataFrame, out: str | Path, *, sheet_name: str = "Customers", lang: str = "en") -> Path:
    """Write ``frame`` to ``out`` by its suffix and return the path.

    Parameters
    ----------
    frame : DataFrame
        The table as it should appear (columns already named for the reader); a named index becomes the first
        column (as in the export writers), an unnamed one is dropped.
    out : path
        ``.parquet`` (pyarrow, snappy), ``.csv`` (UTF-8 with BOM, every field quoted, formula-like text
        neutralised: :func:`crm_core.export.to_csv_bytes`) or ``.xlsx`` (one sheet,
        :func:`crm_core.export.to_excel_bytes`).  Folders on the way are created.
    sheet_name : str
        The sheet of an .xlsx; the default "Customers" reads "客户" with ``lang="zh"``.
    lang : str
        "en" or "zh", for the default sheet name.

    Raises
    ------
    DataError
        ``eng_bad_out`` (another suffix), ``eng_too_many_rows_for_excel`` (an .xlsx that would not fit).
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in OUT_SUFFIXES:
        raise DataError("eng_bad_out", path=str(out), suffix=suffix or "-")
    if suffix == ".xlsx" and not excel_fits(len(frame)):
        raise DataError("eng_too_many_rows_for_excel", rows=len(frame))
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        _write_parquet(frame, out)
    elif suffix == ".csv":
        _write_csv(frame, out)
    else:
        from crm_core import export

        name = _SHEET_NAMES.get(sheet_name, {}).get(lang, sheet_name)
        out.write_bytes(export.to_excel_bytes({name: frame}, formats=export.registry_formats()))
    return out


def _write_parquet(frame: pd.DataFrame, out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    index_named = any(name is not None for name in frame.index.names)  # kept as columns, as the other writers do
    table = pa.Table.from_pandas(frame, preserve_index=index_named)
    pq.write_table(table, out, compression="snappy")


def _write_csv(frame: pd.DataFrame, out: Path) -> None:
    """The export CSV writer on chunks of rows; one decision per column, as the writer makes on a whole frame.

    The writer shows a datetime column's time of day when any value has one: a column with times anywhere is
    written as text ``YYYY-MM-DD HH:MM:SS`` in every chunk (the same text the writer would give).
    """
    from crm_core import export

    if any(name is not None for name in frame.index.names):
        frame = frame.reset_index(drop=any(name in frame.columns for name in frame.index.names))
    timed = [column for column in frame.columns
             if pd.api.types.is_datetime64_any_dtype(frame[column]) and not _date_only(frame[column])]
    with out.open("wb") as handle:
        if frame.empty:
            handle.write(export.to_csv_bytes(frame))
            return
        header = len(export.to_csv_bytes(frame.iloc[:0]))  # the BOM and the header row, written once
        for start in range(0, len(frame), CSV_CHUNK_ROWS):
            chunk = frame.iloc[start:start + CSV_CHUNK_ROWS]
            if timed:
                chunk = chunk.copy()
                for column in timed:
                    chunk[column] = _timed_text(chunk[column])
            data = export.to_csv_bytes(chunk)
            handle.write(data[header:] if start else data)


def _date_only(column: pd.Series) -> bool:
    present = column.dropna()
    return bool((present == present.dt.normalize()).all())


def _timed_text(column: pd.Series) -> pd.Series:
    plain = column.dt.tz_localize(None) if getattr(column.dt, "tz", None) is not None else column
    return plain.dt.strftime(_TIME_FORMAT).astype(object).where(column.notna(), None)
