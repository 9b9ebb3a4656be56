"""Read an uploaded file (bytes + file name) into a :class:`~crm_core.schema.RawTable` of text cells.

The type comes from the bytes, not the name: ``PK`` zips holding ``xl/workbook.xml`` are
xlsx, OLE2 (``D0 CF 11 E0``) is xls, text is CSV whatever it is called.  Nothing is
converted to numbers or dates here (IDs keep their leading zeros; "NA" stays a name); only
empty cells are missing.  Hard problems raise :class:`~crm_core.schema.DataError`, soft ones
become :class:`~crm_core.schema.Note` objects in the result.

>>> table = read_upload(b"customer_id,order_date\\n00123,2023-01-05\\n", "orders.csv")
>>> table.frame.loc[2, "customer_id"], table.delimiter
('00123', ',')
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import PurePath
from typing import Literal

import pandas as pd

from crm_core.ingest import _read_excel, _read_text
from crm_core.messages import Localized
from crm_core.schema import FIELDS, DataError, Note, RawTable, ReadOptions, normalize_header

FileType = Literal["csv", "xlsx", "xls"]

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
HEADER_SEARCH_ROWS = 30

_OLE2 = b"\xd0\xcf\x11\xe0"  # compound file: .xls, also .doc and password-protected .xlsx
_BINARY_SIGNATURES = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
# Zips that are not workbooks, by a part only they contain.
_ZIP_KINDS = (
    ("xl/workbook.bin", Localized(en="an Excel binary workbook (.xlsb)", zh="Excel 二进制工作簿（.xlsb）")),
    ("word/document.xml", Localized(en="a Word document", zh="Word 文档")),
    ("ppt/presentation.xml", Localized(en="a PowerPoint presentation", zh="PowerPoint 演示文稿")),
    ("content.xml", Localized(en="an OpenDocument file (.ods/.odt)", zh="OpenDocument 文件（.ods/.odt）")),
)
_ZIP_ARCHIVE = Localized(en="a zip archive", zh="压缩包（zip）")
_WORD_97 = Localized(en="a Word document (.doc)", zh="Word 文档（.doc）")
_HTML = Localized(en="a web page (HTML)", zh="网页（HTML）")
_XML = Localized(en="an XML file", zh="XML 文件")
_EXCEL_2003_XML = Localized(en="an Excel 2003 XML spreadsheet", zh="Excel 2003 XML 表格")
_NO_EXTENSION = Localized(en="spreadsheet", zh="（无扩展名）")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060\u00ad"), None)
_UNNAMED = re.compile(r"unnamed(:?\s*\d+)?(_level_\d+)?", re.IGNORECASE)
_VALUE_LIKE = re.compile(r"[\s\d.,:/%()+\-$¥€£年月日时分秒]*\d[\s\d.,:/%()+\-$¥€£年月日时分秒]*")
# The encoding in words ("Chinese (GB18030/GBK)"), for showing RawTable.encoding and encoding_candidates.
encoding_label = _read_text.encoding_label

_DELIMITER_ALIASES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}


def sniff_file_type(data: bytes, filename: str) -> FileType:
    """What the bytes really are: "xlsx", "xls" or "csv" (any text), whatever the file is called.

    Raises
    ------
    DataError
        ``wrong_type`` for other zips (a renamed .docx), a Word .doc, or a web page / XML saved
        with a spreadsheet name; ``unsupported_type`` for images, PDFs, archives and other binary;
        ``unreadable_workbook`` for a damaged zip or a password-protected workbook.
    """
    name = _display_name(filename)
    if data[:2] == b"PK" and data[2:4] in (b"\x03\x04", b"\x05\x06", b"\x07\x08"):
        return _sniff_zip(data, filename)
    if data.startswith(_OLE2):
        return _sniff_ole2(data, filename)
    if _read_text.bom_encoding(data):
        return "csv"
    if data.startswith(_BINARY_SIGNATURES):
        raise DataError("unsupported_type", name=name)
    if _read_text.utf16_without_bom(data):  # its NUL bytes are text
        return "csv"
    if b"\x00" in data[:8192]:
        raise DataError("unsupported_type", name=name)
    markup = _markup_kind(data)
    if markup:
        raise DataError("wrong_type", name=name, claimed=_claimed(filename), actual=markup)
    return "csv"


def list_sheets(data: bytes, filename: str) -> tuple[str, ...]:
    """Names of the workbook's sheets in order; ``()`` for a text file."""
    _check_size(data, filename, max_bytes=MAX_UPLOAD_BYTES)
    kind = sniff_file_type(data, filename)
    if kind == "csv":
        return ()
    if kind == "xlsx":
        _open_checked_zip(data, filename)
    return _read_excel.sheet_names(data, kind, name=_display_name(filename))


def read_upload(
    data: bytes, filename: str, options: ReadOptions = ReadOptions(), *, max_bytes: int = MAX_UPLOAD_BYTES
) -> RawTable:
    """Read an upload as a table of text.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name, used in messages and to notice text saved under a spreadsheet name.
    options : ReadOptions
        ``sheet`` (default: the sheet holding the orders, see :func:`~crm_core.ingest._read_excel.pick_sheet`,
        with a ``note_sheet_chosen`` Note when the workbook has several), ``header_row`` (1-based;
        default: detected among the first 30 rows), ``encoding`` and ``delimiter`` for text (default:
        detected; ``RawTable.encoding`` is a codec name, :func:`encoding_label` says it in words).
    max_bytes : int
        Larger uploads raise ``DataError("too_large")`` before anything is parsed.

    Returns
    -------
    RawTable
        ``frame`` has one str column per header (cleaned: NFKC, no BOM/zero-width characters
        or surrounding blanks; empty -> "Column N"; repeats -> "name (2)"), empty cells
        missing, blank rows and unnamed empty columns dropped.  Its index is the row number the
        user sees: the Excel row, or the text line (exact when no quoted field spans lines).

    Raises
    ------
    DataError
        too_large, empty_file, header_only, single_column, wrong_type, unsupported_type,
        unsafe_workbook, unreadable_workbook, undecodable_text, unreadable_text, no_sheet, and for a
        workbook of several sheets sheet_no_data (the chosen sheet is empty) or no_sheet_with_data
        (none chosen and none has data), both naming every sheet with its count of filled rows.
    """
    _check_size(data, filename, max_bytes=max_bytes)
    if options.header_row is not None and options.header_row < 1:
        raise ValueError(f"header_row is 1-based, got {options.header_row}")
    kind = sniff_file_type(data, filename)
    if kind == "csv":
        return _read_text_upload(data, filename, options)
    return _read_workbook_upload(data, filename, kind, options)


def _check_size(data: bytes, filename: str, *, max_bytes: int) -> None:
    name = _display_name(filename)
    if len(data) > max_bytes:
        raise DataError("too_large", name=name, size_mb=len(data) / 1024**2, limit_mb=max_bytes / 1024**2)
    if not data:
        raise DataError("empty_file", name=name)


def _display_name(filename: str) -> str:
    return PurePath(filename).name or "the file"


def _claimed(filename: str) -> str | Localized:
    return PurePath(filename).suffix.lower() or _NO_EXTENSION


def _sniff_zip(data: bytes, filename: str) -> FileType:
    archive = _open_zip(data, filename)
    parts = {part.lower() for part in archive.namelist()}
    if "xl/workbook.xml" in parts:
        return "xlsx"
    actual = next((kind for part, kind in _ZIP_KINDS if part in parts), _ZIP_ARCHIVE)
    raise DataError("wrong_type", name=_display_name(filename), claimed=_claimed(filename), actual=actual)


def _open_zip(data: bytes, filename: str) -> zipfile.ZipFile:
    with _read_excel.parser_errors_as_data_error(_display_name(filename)):
        return zipfile.ZipFile(io.BytesIO(data))


def _open_checked_zip(data: bytes, filename: str) -> zipfile.ZipFile:
    archive = _open_zip(data, filename)
    _read_excel.check_zip_safety(archive, name=_display_name(filename))
    return archive


def _sniff_ole2(data: bytes, filename: str) -> FileType:
    # OLE2 holds .xls, but also .doc and password-protected .xlsx; their stream names are UTF-16.
    name = _display_name(filename)
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise DataError("unreadable_workbook", name=name, detail=_read_excel.PASSWORD_PROTECTED)
    if "WordDocument".encode("utf-16-le") in data:
        raise DataError("wrong_type", name=name, claimed=_claimed(filename), actual=_WORD_97)
    return "xls"


def _markup_kind(data: bytes) -> Localized | None:
    """"a web page (HTML)" / XML description when the text starts with a tag, else None."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not re.match(rb"<[!?a-z]", head):
        return None
    if head.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            return _EXCEL_2003_XML
        return _HTML if b"<html" in head else _XML
    return _HTML


def _read_text_upload(data: bytes, filename: str, options: ReadOptions) -> RawTable:
    name = _display_name(filename)
    decoded = _read_text.decode_text(data, encoding=options.encoding, name=name)
    text = decoded.text.replace("\x00", "") if "\x00" in decoded.text else decoded.text
    if re.search("[^ \t\r\n,;|\ufeff]", text) is None:  # finds the first real character without copying 48 MB
        raise DataError("empty_file", name=name)
    sample = _read_text.text_sample(text)
    delimiter = _delimiter_option(options.delimiter) or _read_text.sniff_delimiter(sample) or ","
    head = _read_text.first_records(sample, delimiter, HEADER_SEARCH_ROWS + 10)
    header_index = _header_index(options, head)
    utf8 = data if decoded.encoding == "utf-8" and text is decoded.text else text.encode("utf-8")
    grid = _read_text.read_grid(text, utf8, delimiter=delimiter, skip=header_index, name=name)
    frame, notes = _finish(grid.header, grid.body, name=name)
    if len(frame.columns) == 1:
        raise DataError("single_column", name=name, header=str(frame.columns[0])[:60])
    shown = _read_text.DELIMITER_NAMES.get(delimiter, delimiter)
    notes = [Note.of("note_encoding", encoding=_read_text.encoding_words(decoded.encoding), delimiter=shown), *notes]
    if _claimed(filename) in (".xlsx", ".xls", ".xlsm"):
        notes.append(Note.of("note_text_as_excel", "warning", name=name, claimed=_claimed(filename)))
    if grid.bad_lines:
        notes.append(Note.of("note_bad_lines", "warning", rows=len(grid.bad_lines)))
    return RawTable(
        frame=frame, source_name=name, file_type="csv", encoding=decoded.encoding, delimiter=delimiter,
        header_row=header_index + 1, bad_lines=grid.bad_lines, encoding_candidates=decoded.candidates,
        notes=tuple(_header_row_notes(header_index) + notes),
    )


def _delimiter_option(delimiter: str | None) -> str | None:
    if delimiter is None:
        return None
    delimiter = _DELIMITER_ALIASES.get(delimiter.lower(), delimiter)
    if len(delimiter) != 1 or delimiter in "\"\r\n":
        raise ValueError(f"delimiter must be one character other than a quote or line break, got {delimiter!r}")
    return delimiter


def _read_workbook_upload(data: bytes, filename: str, kind: FileType, options: ReadOptions) -> RawTable:
    name = _display_name(filename)
    archive = _open_checked_zip(data, filename) if kind == "xlsx" else None
    sheets = _read_excel.sheet_names(data, kind, name=name)
    if not sheets:
        raise DataError("empty_file", name=name)
    if options.sheet is not None and options.sheet not in sheets:
        raise DataError("no_sheet", name=name, sheet=options.sheet, sheets=Localized.listing(sheets))
    chosen: list[Note] = []
    # The scan for formulas without a cached value reads the sheet's XML with zipfile while calamine parses
    # the same sheet (it releases the GIL): on a second core the scan then costs nothing (0.6 s of the 48 MB
    # Online Retail workbook).  Started early only when the sheet is known before parsing.
    with ThreadPoolExecutor(max_workers=1) as pool:
        scan = None
        if options.sheet is not None or len(sheets) == 1:
            sheet = options.sheet if options.sheet is not None else sheets[0]
            if archive is not None:
                scan = pool.submit(_read_excel.count_formulas_without_value, archive, sheet)
            cells = _read_excel.read_sheet(data, kind, sheet, name=name)
        else:
            sheet, cells = _read_excel.pick_sheet(data, kind, sheets, name=name, header_score=_header_score(options),
                                                  head_rows=HEADER_SEARCH_ROWS + 10)
            others = Localized.listing([other for other in sheets if other != sheet])
            chosen.append(Note.of("note_sheet_chosen", sheet=sheet, others=others))
        try:
            header_index, frame, notes = _sheet_table(cells, options, name=name)
        except DataError as error:
            if len(sheets) > 1 and error.code in ("empty_file", "header_only"):
                raise _read_excel.sheet_without_data(data, kind, sheets, sheet, name=name,
                                                     picked=bool(chosen)) from None
            raise
        if archive is not None:
            with _read_excel.parser_errors_as_data_error(name):
                formulas = (scan.result() if scan is not None
                            else _read_excel.count_formulas_without_value(archive, sheet))
            if formulas:
                notes.append(Note.of("note_formula_no_value", "warning", cells=formulas))
    return RawTable(
        frame=frame, source_name=name, file_type=kind, sheet=sheet, sheet_names=sheets,
        header_row=header_index + 1, notes=tuple(chosen + _header_row_notes(header_index) + notes),
    )


def _sheet_table(cells: pd.DataFrame, options: ReadOptions, *, name: str) -> tuple[int, pd.DataFrame, list[Note]]:
    """(0-based header position, the table under it, notes) of one sheet's text cells."""
    if cells.empty or cells.isna().all().all():
        raise DataError("empty_file", name=name)
    header_index = _header_index(options, _read_excel.head_text(cells, HEADER_SEARCH_ROWS + 10))
    if header_index >= len(cells):
        raise DataError("header_only", name=name)
    header = tuple(value if isinstance(value, str) else None for value in cells.iloc[header_index])
    frame, notes = _finish(header, cells.iloc[header_index + 1:], name=name)
    return header_index, frame, notes


def _header_score(options: ReadOptions) -> Callable[[list[list[str | None]]], tuple[int, int]]:
    """For :func:`_read_excel.pick_sheet`: (header position, known headers in it) of a sheet's first rows."""
    known = _known_headers()

    def score(head: list[list[str | None]]) -> tuple[int, int]:
        header_index = _header_index(options, head)
        header = head[header_index] if header_index < len(head) else []
        return header_index, sum(normalize_header(cell) in known for cell in header if cell and cell.strip())

    return score


def _header_index(options: ReadOptions, head: Sequence[Sequence[str | None]]) -> int:
    """0-based header position: the user's choice, else :func:`detect_header_row` on the first rows."""
    if options.header_row is not None:
        return options.header_row - 1
    return detect_header_row(head)


def _header_row_notes(header_index: int) -> list[Note]:
    if header_index == 0:
        return []
    return [Note.of("note_header_row", row=header_index + 1, skipped=header_index)]


@lru_cache(maxsize=1)
def _known_headers() -> frozenset[str]:
    names = (text for fld in FIELDS for text in (fld.name, fld.label_en, fld.label_zh, *fld.synonyms))
    return frozenset(normalize_header(text) for text in names)


def detect_header_row(rows: Sequence[Sequence[str | None]]) -> int:
    """0-based index of the header among ``rows`` (the first rows of a sheet or file, as text).

    Among the first 30 rows, the first where most non-empty cells are words (not number- or
    date-like) and at least two are known headers (:data:`~crm_core.schema.FIELDS` synonyms,
    compared with :func:`~crm_core.schema.normalize_header`).  Else the first row of two or
    more cells, mostly words, over rows at most half as wide again (a title row is narrower
    than the table under it).  Else the first row of two or more cells, else the first non-empty.
    """
    filled = [[cell.strip() for cell in row if cell and cell.strip()] for row in rows]
    widths = [len(cells) for cells in filled]
    known = _known_headers()
    mostly_words = [2 * sum(not _VALUE_LIKE.fullmatch(cell) for cell in cells) > len(cells) for cells in filled]
    for index, cells in enumerate(filled[:HEADER_SEARCH_ROWS]):
        if len(cells) >= 2 and mostly_words[index] and sum(normalize_header(cell) in known for cell in cells) >= 2:
            return index
    for index, width in enumerate(widths[:HEADER_SEARCH_ROWS]):
        below = sorted(w for w in widths[index + 1:index + 6] if w)
        if width >= 2 and mostly_words[index] and (not below or below[len(below) // 2] <= 1.5 * width):
            return index
    for least in (2, 1):
        for index, width in enumerate(widths):
            if width >= least:
                return index
    return 0


def clean_header(value: object) -> str:
    """NFKC, without BOM/zero-width characters, blanks collapsed and stripped (case kept)."""
    text = unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE)
    return re.sub(r"\s+", " ", text).strip()


def _finish(header: Sequence[str | None], body: pd.DataFrame, *, name: str) -> tuple[pd.DataFrame, list[Note]]:
    """Name the columns, drop blank rows and unnamed empty columns; header_only when nothing is left."""
    width = max(len(header), len(body.columns))
    cleaned = [clean_header(header[i]) if i < len(header) and header[i] is not None else "" for i in range(width)]
    body = body.reindex(columns=range(width))
    unnamed = [i for i, text in enumerate(cleaned) if not text or _UNNAMED.fullmatch(text)]
    empty = set(body.columns[body.isna().all()].tolist()) if len(body) else set(range(width))
    keep = [i for i in range(width) if not (i in unnamed and i in empty)]
    names, notes = _unique_names([cleaned[i] or f"Column {i + 1}" for i in keep])
    frame = body[keep].set_axis(names, axis=1).dropna(how="all").astype("str")
    if frame.empty or not len(frame.columns):
        raise DataError("header_only", name=name)
    return frame, notes


def _unique_names(names: list[str]) -> tuple[list[str], list[Note]]:
    """Suffix repeated names " (2)", " (3)"... skipping names already taken; one Note if any."""
    taken = set(names)
    seen: set[str] = set()
    result, renamed = [], []
    for text in names:
        if text not in seen:
            seen.add(text)
            result.append(text)
            continue
        number = 2
        while f"{text} ({number})" in taken:
            number += 1
        new = f"{text} ({number})"
        taken.add(new)
        result.append(new)
        renamed.append((text, new))
    if not renamed:
        return result, []
    repeated = ", ".join(dict.fromkeys(old for old, _ in renamed))
    return result, [Note.of("note_duplicate_headers", "warning", names=repeated, example=renamed[0][1])]
