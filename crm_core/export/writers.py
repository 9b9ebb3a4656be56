"""The one export path for every list the app produces: Excel workbooks, CSV files, campaign lists.

Every function here is pure: DataFrames in, bytes (or a new DataFrame) out; nothing touches the disk.
Safety rules applied to every exported cell:

* Formula injection: a text cell that begins, after NFKC, with ``= + - @``, tab, CR or LF (so also
  full-width ``＝＋－＠``) must never run as a formula.  In a CSV it gets a leading apostrophe (a CSV
  has no cell types, so the apostrophe is the only guard).  In an .xlsx it is written as a string,
  which cannot run, with no apostrophe in its value: its cell style sets ``quotePrefix``, what Excel
  stores when a user types a leading apostrophe, so it stays text when edited (an unmasked
  ``+86 138 1234 5678`` reads back exactly so).  Numbers, dates and booleans are never changed.
  Headers and sheet notes follow the same rule.
* Characters no xlsx file can hold (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE,
  U+FFFF) are removed, so no writer ever fails with a customer's data in its message.
* Personal data is minimal and masked by default (:func:`campaign_list`, :mod:`crm_core.export._masking`).
* Workbooks are assembled in memory by :mod:`crm_core.export._xlsx` (openpyxl's writer spools every sheet,
  cell text included, through a temporary file on disk).
"""

from __future__ import annotations

import csv
import io
import numbers
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import numpy as np
import pandas as pd

from crm_core import columns as columns_registry
from crm_core.export._masking import (
    CONTACT_COLUMNS,
    count_personal_ids,
    is_missing,
    mask_email,
    mask_frame,
    mask_identifier,
    mask_name,
    mask_phone,
)
from crm_core.export._xlsx import NUMBER_FORMATS, QuotedText, SheetData, column_width, valid_sheet_names, workbook_bytes
from crm_core.export.lists import (
    CampaignList,
    ListOptions,
    campaign_list,
    column_label,
    excluded_rows_table,
    has_data,
    opted_out_flags,
)
from crm_core.schema import DataError

__all__ = [
    "CONTACT_COLUMNS", "EXCEL_MAX_ROWS", "CampaignList", "ColumnFormat", "ListOptions", "campaign_list",
    "column_label", "count_personal_ids", "excluded_rows_table", "has_data",
    "mask_email", "mask_frame", "mask_identifier", "mask_name", "mask_phone", "neutralise", "opted_out_flags",
    "registry_formats", "to_csv_bytes", "to_excel_bytes", "valid_sheet_names",
]

EXCEL_MAX_ROWS = 1_048_575  # data rows under the header row (Excel's grid is 1,048,576 rows)
MONEY, INTEGER, PERCENT, DATE, DATETIME = NUMBER_FORMATS

_TRIGGERS = frozenset("=+-@\t\r\n")
# A superset of openpyxl's ILLEGAL_CHARACTERS_RE: everything XML 1.0 cannot carry.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BIG_INT = 10**15  # Excel keeps 15 significant digits: longer integers (ids) are written as text
_WIDTH_SAMPLE = 200  # rows whose values set the column widths
_CHUNK_ROWS = 10_000

# --- cell safety ---------------------------------------------------------------------------------


def _starts_like_formula(text: str) -> bool:
    # Checking the first character alone is enough: NFKC only ever composes a leading trigger away
    # ("=" + U+0338 -> "≠"), and then the raw "=" still counts here.
    return bool(text) and (text[0] in _TRIGGERS or unicodedata.normalize("NFKC", text[0])[0] in _TRIGGERS)


def _neutral_text(text: str) -> str:
    """CSV rule: writable characters only, and a leading apostrophe before a formula start."""
    text = _UNWRITABLE.sub("", text)
    return "'" + text if _starts_like_formula(text) else text


def _excel_text(text: str) -> str:
    """.xlsx rule: writable characters only; a formula start is marked :class:`QuotedText`, value unchanged."""
    text = _UNWRITABLE.sub("", text)
    return QuotedText(text) if _starts_like_formula(text) else text


def _neutral_cell(value: object) -> object:
    return _neutral_text(value) if isinstance(value, str) else value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells are safe to open in a spreadsheet (the CSV rule).

    Text cells lose the characters an xlsx file cannot hold, then get a leading ``'`` when they
    begin (after NFKC) with ``= + - @``, tab, CR or LF.  Non-text cells, the index and the column
    labels are unchanged (the writers neutralise headers themselves).
    """
    result = df.copy()
    for position, dtype in enumerate(df.dtypes):
        if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, (pd.StringDtype, pd.CategoricalDtype)):
            column = df.iloc[:, position]
            if isinstance(dtype, pd.CategoricalDtype):
                column = column.astype(object)  # new labels may collide ("=a" vs "'=a")
            result.isetitem(position, column.map(_neutral_cell, na_action="ignore"))
    return result


# --- cell values ---------------------------------------------------------------------------------


def _plain(value: object, text: Callable[[str], str] = _neutral_text) -> object:
    """A Python value both writers understand; text is made safe by ``text`` (CSV or .xlsx rule)."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        return text(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value) if abs(int(value)) < _BIG_INT else text(str(int(value)))
    if isinstance(value, (numbers.Real, Decimal)):
        number = float(value)
        if number != number:
            return None
        return text("∞" if number > 0 else "-∞") if number in (float("inf"), float("-inf")) else number
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime(warn=False)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones: keep the local wall time
    if isinstance(value, date):
        return value
    return text(str(value))  # times, durations and other objects are exported as text


def _excel_plain(value: object) -> object:
    return _plain(value, _excel_text)


def _header_text(label: object, text: Callable[[str], str] = _neutral_text) -> str:
    return text(" / ".join(map(str, label)) if isinstance(label, tuple) else str(label))


def _is_date_only(column: pd.Series) -> bool:
    present = column.dropna()
    return bool((present == present.dt.normalize()).all())


def _with_named_index(df: pd.DataFrame) -> pd.DataFrame:
    """Bring a named index (e.g. customer_id) into the columns; an unnamed index is not exported."""
    if all(name is None for name in df.index.names):
        return df
    if any(name in df.columns for name in df.index.names):
        return df.reset_index(drop=True)
    return df.reset_index()


# --- Excel ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnFormat:
    """Number formats by column.

    Names may be canonical (``"monetary"``) or the exported header itself; a canonical name also
    matches its English and Chinese labels from the column registry (:mod:`crm_core.columns`).  Percent columns hold
    fractions (0.125 is shown as 12.5%).
    """

    money: tuple[str, ...] = ()  # "#,##0.00"
    integer: tuple[str, ...] = ()  # "#,##0"
    percent: tuple[str, ...] = ()  # "0.0%"
    date: tuple[str, ...] = ()  # "yyyy-mm-dd"

    def code_for(self, column: object) -> str | None:
        """The number format of ``column``, or None when it is not listed."""
        for names, code in ((self.money, MONEY), (self.integer, INTEGER), (self.percent, PERCENT), (self.date, DATE)):
            for name in names:
                entry = columns_registry.column(name)
                if column == name or (entry is not None and column in (entry.en, entry.zh)):
                    return code
        return None


def registry_formats() -> ColumnFormat:
    """The Excel number format of every registered column (:mod:`crm_core.columns`), by kind.

    Money and averages ``#,##0.00``, counts and scores ``#,##0``, shares ``0.0%``, dates ``yyyy-mm-dd``;
    matched by canonical name and by either language's header, so lists and summaries need no format list.
    """
    by_code: dict[str, list[str]] = {code: [] for code in (MONEY, INTEGER, PERCENT, DATE)}
    for name, entry in columns_registry.REGISTRY.items():
        if entry.excel_format in by_code:
            by_code[entry.excel_format].append(name)
    return ColumnFormat(money=tuple(by_code[MONEY]), integer=tuple(by_code[INTEGER]),
                        percent=tuple(by_code[PERCENT]), date=tuple(by_code[DATE]))


def _plain_rows(frame: pd.DataFrame, converters: Sequence[Callable[[object], object]]) -> Iterator[tuple]:
    """Rows of converted values (one converter per column), made a chunk at a time to bound memory."""
    for start in range(0, len(frame), _CHUNK_ROWS):
        part = frame.iloc[start : start + _CHUNK_ROWS]
        columns = [[convert(v) for v in part.iloc[:, i].astype(object).tolist()]
                   for i, convert in enumerate(converters)]
        yield from zip(*columns, strict=True)


def _sheet_data(name: str, frame: pd.DataFrame, formats: ColumnFormat, note: str | None,
                footer: Sequence[tuple[str, str]] = ()) -> SheetData:
    headers = [_header_text(label, _excel_text) for label in frame.columns]
    codes = []
    for i, label in enumerate(frame.columns):
        code = formats.code_for(label)
        if code is None and pd.api.types.is_datetime64_any_dtype(frame.dtypes.iloc[i]):
            code = DATE if _is_date_only(frame.iloc[:, i]) else DATETIME
        codes.append(code)
    converters = [_excel_plain] * frame.shape[1]
    sample = list(zip(*_plain_rows(frame.iloc[:_WIDTH_SAMPLE], converters), strict=True)) or [()] * len(headers)
    widths = [column_width(h, list(v), code) for h, v, code in zip(headers, sample, codes, strict=True)]
    note_text = None if note is None else _excel_text(note)
    footer = [(_excel_text(label), _excel_text(text)) for label, text in footer]
    if footer and widths:  # the footer's labels fit column A; its texts run on over the empty cells right of B
        widths[0] = max(widths[0], *(column_width(label, [], None) for label, _ in footer))
    return SheetData(name=name, header=headers, rows=_plain_rows(frame, converters), row_count=len(frame),
                     formats=codes, widths=widths, note=note_text, footer=tuple(footer))


def to_excel_bytes(
    sheets: Mapping[str, pd.DataFrame],
    *,
    formats: ColumnFormat = ColumnFormat(),
    title_notes: Mapping[str, str] | None = None,
    footers: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> bytes:
    """Write ``sheets`` (name -> frame, in order) to an .xlsx workbook and return its bytes.

    Each sheet: bold header, frozen header row (panes at ``A2``), autofilter over the table, column
    widths from the header and the first 200 values (CJK characters count double, at most 60),
    number formats from ``formats`` (datetime columns default to ``yyyy-mm-dd``, or with the time
    when any value has one).  Text stays text: characters an xlsx cannot hold are removed, and text
    that starts like a formula keeps its value (no apostrophe) under a ``quotePrefix`` style; numbers stay
    numbers, except integers of 16+ digits (ids), written as text so Excel cannot round them;
    infinity is written as the text ``∞``.  Text longer than Excel's 32,767 characters is cut to
    32,767.  A named index (e.g. ``customer_id``) becomes the first column; an unnamed one is dropped.
    Sheet names are made valid by :func:`valid_sheet_names`.

    ``title_notes`` maps a key of ``sheets`` to a line of text written in row 1 (italic); that
    sheet's header then sits on row 2 with panes frozen at ``A3``.  ``footers`` maps a key of ``sheets`` to
    (label, text) pairs written under its table after one empty row (label bold in column A, text in B).

    Raises
    ------
    DataError
        ``too_many_rows_xlsx`` (params ``sheet``, ``rows``) when a sheet has more than
        :data:`EXCEL_MAX_ROWS` rows (one fewer with a title note); nothing is written.
    """
    if not sheets:
        raise ValueError("to_excel_bytes needs at least one sheet")
    notes = dict(title_notes or {})
    unknown = sorted(map(str, set(notes) - set(sheets)))
    if unknown:
        raise ValueError(f"title_notes names sheets that are not exported: {', '.join(unknown)}")
    names = valid_sheet_names(list(sheets))
    for (key, frame), name in zip(sheets.items(), names, strict=True):
        if len(frame) > EXCEL_MAX_ROWS - int(key in notes):  # a note takes a row
            raise DataError("too_many_rows_xlsx", sheet=name, rows=len(frame))
    return workbook_bytes([
        _sheet_data(name, _with_named_index(frame), formats, notes.get(key), (footers or {}).get(key, ()))
        for (key, frame), name in zip(sheets.items(), names, strict=True)
    ])


# --- CSV -----------------------------------------------------------------------------------------


def _csv_timed_field(value: object) -> str:
    return _csv_field(value, with_time=True)


def _csv_field(value: object, *, with_time: bool = False) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, ".15g")  # Excel's precision: 0.1 + 0.2 is written 0.3
    if isinstance(value, datetime):
        keep_time = with_time or value.time() != time(0)
        return value.strftime("%Y-%m-%d %H:%M:%S" if keep_time else "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Write ``df`` as CSV bytes that Excel opens correctly.

    UTF-8 with a BOM (Chinese text shows in Excel), every field quoted (a bare CR or LF inside a
    cell survives a read-back), CRLF line ends, neutralised text (:func:`neutralise`), dates as
    ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` when the column has times), floats with at most 15
    significant digits, missing values empty, infinity as ``∞``.  A named index becomes the first column.
    """
    frame = _with_named_index(df)
    if frame.shape[1] == 0:
        return "\ufeff".encode()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([_header_text(label) for label in frame.columns])
    # One column-wide decision: a datetime column with any time of day shows the time on every row.
    timed = {i for i in range(frame.shape[1])
             if pd.api.types.is_datetime64_any_dtype(frame.dtypes.iloc[i]) and not _is_date_only(frame.iloc[:, i])}
    converters = [_csv_timed_field if i in timed else _csv_field for i in range(frame.shape[1])]
    writer.writerows(_plain_rows(frame, converters))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
