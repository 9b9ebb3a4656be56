"""A minimal in-memory .xlsx writer used by :mod:`crm_core.export.writers` (private).

Why not openpyxl's writer: it streams every worksheet, cell text included, through a temporary
file on disk (``openpyxl.worksheet._writer.create_temporary_file``), and customer data must never
touch the disk; it also needs 7 s or more for 50,000 rows x 12 columns.  This module writes the
few parts a workbook needs (content types, relationships, workbook, styles, one XML part per
sheet, text as inline strings) straight into a zip held in memory: about 2 s for that sheet.

Cells are plain Python values prepared by the caller: None (no cell), str, bool, int, float,
datetime or date.  The caller has already removed characters XML cannot carry.  Text that must stay
text even when someone edits the cell (it starts like a formula) comes as :class:`QuotedText`: it is
written unchanged, with a cell style whose ``quotePrefix="1"`` is what Excel itself stores when a user
types a leading apostrophe; the apostrophe is then not part of the value.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

# Style ids in cellXfs: 0 plain, 1 bold header, 2 italic note, then one per number format, then
# the quote-prefixed forms of plain, bold and italic (text that starts like a formula).
NUMBER_FORMATS: tuple[str, ...] = ("#,##0.00", "#,##0", "0.0%", "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss")
_BOLD, _ITALIC, _FIRST_FORMAT_STYLE, _FIRST_CUSTOM_FORMAT_ID = 1, 2, 3, 164
_STYLE_OF = {code: _FIRST_FORMAT_STYLE + i for i, code in enumerate(NUMBER_FORMATS)}
_QUOTED_OF = {style: _FIRST_FORMAT_STYLE + len(NUMBER_FORMATS) + style for style in (0, _BOLD, _ITALIC)}
_DATE_STYLE, _DATETIME_STYLE = _STYLE_OF["yyyy-mm-dd"], _STYLE_OF["yyyy-mm-dd hh:mm:ss"]
_ROWS_PER_CHUNK = 2_000
MAX_CELL_CHARS = 32_767  # Excel's limit, counted in UTF-16 code units
_MAX_WIDTH, _MIN_WIDTH = 60, 8
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f\ud800-\udfff\ufffe\uffff]")

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_ESCAPES = {"\r": "&#13;"}  # a bare CR would otherwise come back as LF


class QuotedText(str):
    """Text written with the quote-prefix style, so Excel keeps it text (never a formula) when edited."""

    __slots__ = ()


@dataclass(frozen=True)
class SheetData:
    """One sheet: a header row of text over rows of plain values.

    ``rows`` yields ``row_count`` rows with one value per header cell; it is an iterator, so a big
    sheet is converted chunk by chunk rather than held in memory twice.  ``formats`` holds one entry
    of :data:`NUMBER_FORMATS` (or None) per column, applied to its numbers and dates; ``widths``
    one width per column; ``note`` an optional italic line written above the header; ``footer`` (label,
    text) pairs written below the table after one empty row, the label bold in column A and the text in B
    (what produced a list: its id, sources, dates, method).
    """

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    row_count: int
    formats: Sequence[str | None]
    widths: Sequence[float]
    note: str | None = None
    footer: Sequence[tuple[str, str]] = ()


def workbook_bytes(sheets: Sequence[SheetData]) -> bytes:
    """The bytes of an .xlsx workbook holding ``sheets`` in order (at least one)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", _root_rels())
        archive.writestr("xl/workbook.xml", _workbook(sheets))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        archive.writestr("xl/styles.xml", _styles())
        for number, sheet in enumerate(sheets, 1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
                for chunk in _sheet_xml(sheet):
                    part.write(chunk.encode("utf-8"))
    return buffer.getvalue()


def valid_sheet_names(names: Sequence[object]) -> list[str]:
    """Excel-valid, case-insensitively unique sheet names, in order.

    ``[]:*?/\\`` and control characters become ``_``; leading/trailing blanks and apostrophes go;
    names are cut to 31 characters; empty names become ``Sheet<n>``; Excel's reserved ``History``
    gets a ``_``; repeats get `` (2)``, `` (3)``, ...
    """
    used: set[str] = set()
    result = []
    for position, raw in enumerate(names, 1):
        base = _BAD_SHEET_CHARS.sub("_", str(raw))[:31].strip().strip("'").strip()
        base = base or f"Sheet{position}"
        if base.casefold() == "history":
            base += "_"
        name, copy = base, 2
        while name.casefold() in used:
            suffix = f" ({copy})"
            name, copy = base[: 31 - len(suffix)].rstrip() + suffix, copy + 1
        used.add(name.casefold())
        result.append(name)
    return result


def _display_width(value: object, code: str | None) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = {"#,##0.00": f"{value:,.2f}", "#,##0": f"{value:,.0f}", "0.0%": f"{value:.1%}"}
        text = shown.get(code, str(value))
    elif isinstance(value, (date, datetime)):
        text = "2000-01-01" if code == "yyyy-mm-dd" else str(value)
    else:
        text = str(value)
    lines = text.splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def column_width(header: str, values: Sequence[object], code: str | None) -> float:
    """Width for a column: its header + 4 (bold, filter button) or its widest value + 2, 8 to 60.

    CJK (wide) characters count double; numbers are measured as ``code`` shows them.
    """
    widest = max((_display_width(v, code) for v in values if v is not None), default=0)
    return float(min(_MAX_WIDTH, max(_MIN_WIDTH, _display_width(header, None) + 4, widest + 2)))


def _fit_cell(text: str) -> str:
    """Cut text to Excel's 32,767 UTF-16 units (longer cells make Excel repair the file)."""
    if len(text) <= MAX_CELL_CHARS // 2:
        return text
    units = text.encode("utf-16-le", errors="surrogatepass")
    if len(units) <= 2 * MAX_CELL_CHARS:
        return text
    return units[: 2 * MAX_CELL_CHARS].decode("utf-16-le", errors="ignore")  # drops a split pair


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{sheets}</Types>'
    )


def _root_rels() -> str:
    return (
        f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    styles = f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL}">{sheets}{styles}</Relationships>'


def _table_bounds(sheet: SheetData) -> tuple[int, str, int] | None:
    """(header row, last column letter, last row) of the table, or None for a sheet without columns."""
    if not sheet.header:
        return None
    top = 2 if sheet.note is not None else 1
    return top, get_column_letter(len(sheet.header)), top + sheet.row_count


def _workbook(sheets: Sequence[SheetData]) -> str:
    entries = "".join(
        f'<sheet name={quoteattr(s.name)} sheetId="{n}" r:id="rId{n}"/>' for n, s in enumerate(sheets, 1)
    )
    names = []
    for index, sheet in enumerate(sheets):
        bounds = _table_bounds(sheet)
        if bounds is not None:  # Excel records every autofilter range under this hidden name
            top, last_col, last_row = bounds
            target = "'" + sheet.name.replace("'", "''") + f"'!$A${top}:${last_col}${last_row}"
            names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                         f"{escape(target)}</definedName>")
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    return (
        f'{_XML_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{entries}</sheets>{defined}</workbook>'
    )


def _styles() -> str:
    formats = "".join(
        f"<numFmt numFmtId=\"{_FIRST_CUSTOM_FORMAT_ID + i}\" formatCode={quoteattr(code)}/>"
        for i, code in enumerate(NUMBER_FORMATS)
    )
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    plain = 'fillId="0" borderId="0" xfId="0"'
    xfs = [f'<xf numFmtId="0" fontId="0" {plain}/>',
           f'<xf numFmtId="0" fontId="1" {plain} applyFont="1"/>',
           f'<xf numFmtId="0" fontId="2" {plain} applyFont="1"/>']
    xfs += [f'<xf numFmtId="{_FIRST_CUSTOM_FORMAT_ID + i}" fontId="0" {plain} applyNumberFormat="1"/>'
            for i in range(len(NUMBER_FORMATS))]
    xfs += [f'<xf numFmtId="0" fontId="{font_id}" {plain} applyFont="1" quotePrefix="1"/>' for font_id in range(3)]
    return (
        f'{_XML_HEAD}<styleSheet xmlns="{_MAIN}">'
        f'<numFmts count="{len(NUMBER_FORMATS)}">{formats}</numFmts>'
        f'<fonts count="3"><font>{font}</font><font><b/>{font}</font><font><i/>{font}</font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )


def _text_cell(ref: str, text: str, style: int = 0) -> str:
    if isinstance(text, QuotedText):
        style = _QUOTED_OF[style]
    styled = f' s="{style}"' if style else ""
    text = escape(_fit_cell(text), _ESCAPES)
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _cell(ref: str, value: object, style: int | None) -> str:
    if isinstance(value, str):
        return _text_cell(ref, value)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        styled = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{styled}><v>{value!r}</v></c>'
    if isinstance(value, (date, datetime)):
        if style not in (_DATE_STYLE, _DATETIME_STYLE):  # else Excel would show a bare serial number
            style = _DATETIME_STYLE if isinstance(value, datetime) else _DATE_STYLE
        return f'<c r="{ref}" s="{style}"><v>{to_excel(value)!r}</v></c>'
    raise TypeError(f"unsupported cell type {type(value).__name__}")  # the caller converts everything else


def _sheet_xml(sheet: SheetData):
    """Yield the worksheet part in chunks, so a million-row sheet is never one huge string."""
    bounds = _table_bounds(sheet)
    header_row = 2 if sheet.note is not None else 1
    ref = None if bounds is None else f"A{bounds[0]}:{bounds[1]}{bounds[2]}"
    letters = [get_column_letter(i) for i in range(1, len(sheet.header) + 1)]
    pane = (f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A{header_row + 1}" sqref="A{header_row + 1}"/>'
            if ref else "")
    cols = "".join(f'<col min="{i}" max="{i}" width="{w:.2f}" customWidth="1"/>'
                   for i, w in enumerate(sheet.widths, 1))
    dimension = ref or "A1"
    if sheet.footer and bounds is not None:  # the block under the table is part of the sheet's used range
        last_column = get_column_letter(max(len(sheet.header), 2))
        dimension = f"A1:{last_column}{bounds[2] + 1 + len(sheet.footer)}"
    yield (
        f'{_XML_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="{dimension}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}<sheetData>'
    )
    if sheet.note is not None:
        yield f'<row r="1">{_text_cell("A1", sheet.note, _ITALIC)}</row>'
    if ref:
        cells = "".join(_text_cell(f"{col}{header_row}", text, _BOLD)
                        for col, text in zip(letters, sheet.header, strict=True))
        yield f'<row r="{header_row}">{cells}</row>'
    styles = [None if code is None else _STYLE_OF[code] for code in sheet.formats]
    chunk: list[str] = []
    for row_number, values in enumerate(sheet.rows, header_row + 1):
        number = str(row_number)
        cells = "".join(_cell(col + number, value, style)
                        for col, value, style in zip(letters, values, styles, strict=True) if value is not None)
        chunk.append(f'<row r="{number}">{cells}</row>')
        if len(chunk) == _ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)
    if sheet.footer:
        first = header_row + sheet.row_count + 2  # one empty row under the table
        yield "".join(f'<row r="{n}">{_text_cell(f"A{n}", label, _BOLD)}'
                      f'{_text_cell(f"B{n}", text) if text else ""}</row>'
                      for n, (label, text) in enumerate(sheet.footer, first))
    autofilter = f'<autoFilter ref="{ref}"/>' if ref else ""
    yield f"</sheetData>{autofilter}</worksheet>"
