"""Can the engine read the mapped columns?  Checked on the table's schema, and on a sample of the text columns.

The engine casts, it does not parse: an order date must be a date or timestamp column, or text in ISO form
(``YYYY-MM-DD``, optionally `` hh:mm[:ss[.ffffff]]`` and a ``Z`` / ``+08:00`` offset); an amount, quantity or unit
price must be numeric, or text of plain numbers (``1234.5``, ``-3``, ``1e3``).  Text that needs the pandas path's
parsers (``¥1,234``, ``05/01/2024``, ``2024年1月5日``) stops with ``eng_messy_text`` naming the column and a value;
a few unreadable values among readable ones do not (their rows are excluded by the cleaning step as bad dates
or amounts, as on the pandas path).
"""

from __future__ import annotations

import re

import ibis
import ibis.expr.datatypes as dt

from crm_core.ingest.mapping import composite_parts, label
from crm_core.messages import Localized
from crm_core.schema import ColumnMapping, DataError, Note

__all__ = ["ISO_DATE", "MESSY_SHARE", "PLAIN_NUMBER", "check_types"]

DATE_FIELDS = ("order_date",)
NUMBER_FIELDS = ("amount", "quantity", "unit_price")
SAMPLE_VALUES = 2000
# More than this share of the sampled values failing to cast = the column needs the pandas path's parsers.
MESSY_SHARE = 0.1
ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}"
                      r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

_NEED_DATE = Localized(en="a date or timestamp (or ISO text, YYYY-MM-DD)",
                       zh="日期或时间戳（或 ISO 格式文本 YYYY-MM-DD）")
_NEED_NUMBER = Localized(en="a number (integer, decimal or float)", zh="数字（整数、小数或浮点数）")
_NEED_SCALAR = Localized(en="text or a number (one value per cell)", zh="文本或数字（每格一个值）")
_TODO_DATE = Localized(
    en="Write the column as a date or timestamp (e.g. pyarrow's timestamp type), or as ISO text 2024-01-05.",
    zh="请把这一列写成日期或时间戳类型（如 pyarrow 的 timestamp），或写成 ISO 文本 2024-01-05。")
_TODO_NUMBER = Localized(en="Cast the column to a number (e.g. float64 or decimal) when writing the file.",
                         zh="请在生成文件时把这一列转换为数字类型（如 float64 或 decimal）。")
_TODO_SCALAR = Localized(en="Write one plain value per cell (flatten the nested column).",
                         zh="请每格只写一个普通值（把嵌套列展开）。")
_FIX_DATE = Localized(en="write ISO dates, 2024-01-05", zh="写成 ISO 日期，如 2024-01-05")
_FIX_NUMBER = Localized(en="plain numbers, 1234.5, without currency signs or thousands separators",
                        zh="写成不带货币符号和千位分隔符的普通数字，如 1234.5")


def _columns_of(source: str, columns: list[str]) -> list[str]:
    """The table columns a mapping source reads: itself, or the two of a composite "name + address"."""
    if source in columns:
        return [source]
    parts = composite_parts(source, columns)
    return list(parts) if parts else []


def _check_present(mapping: ColumnMapping, columns: list[str]) -> None:
    listing = Localized.listing(columns[:40])
    for field, source in mapping.pairs:
        if not _columns_of(source, columns):
            raise DataError("eng_no_column", field=label(field), column=source, columns=listing)
    missing = [field for field in ("customer_id", "order_date") if mapping.get(field) is None]
    if mapping.get("amount") is None and (mapping.get("quantity") is None or mapping.get("unit_price") is None):
        missing.append("amount")
    if missing:
        names = [label(field) for field in missing]
        raise DataError("eng_missing_field", columns=listing, fields=Localized(
            en=", ".join(n.en for n in names), zh="、".join(n.zh for n in names)))


def _bad_type(field: str, column: str, dtype: dt.DataType, needed: Localized, todo: Localized) -> DataError:
    return DataError("eng_bad_type", column=column, field=label(field), found=str(dtype), needed=needed, todo=todo)


def _text_values(table: ibis.Table, column: str, n: int) -> list[str]:
    """Up to ``n`` filled values of a text column (the first the engine reads), stripped, blanks left out."""
    values = table.filter(table[column].notnull()).select(table[column]).limit(n).to_pandas().iloc[:, 0]
    return [text for text in (str(v).strip() for v in values) if text]


def _check_text(table: ibis.Table, field: str, column: str, *, is_date: bool) -> Note | None:
    values = _text_values(table, column, SAMPLE_VALUES)
    if not values:
        return None  # nothing to cast: the cleaning step counts the rows as missing
    pattern = ISO_DATE if is_date else PLAIN_NUMBER
    bad = [text for text in values if not pattern.fullmatch(text)]
    if len(bad) > MESSY_SHARE * len(values):
        raise DataError("eng_messy_text", column=column, field=label(field), example=bad[0][:60], bad=len(bad),
                        checked=len(values), needed=Localized(en="ISO dates", zh="ISO 日期") if is_date else
                        Localized(en="numbers", zh="数字"), todo=_FIX_DATE if is_date else _FIX_NUMBER)
    return Note.of("eng_text_dates" if is_date else "eng_text_numbers", column=column, field=label(field),
                   good=len(values) - len(bad), checked=len(values))


def check_types(table: ibis.Table, mapping: ColumnMapping) -> tuple[Note, ...]:
    """Check that ``table``'s mapped columns have types the engine can clean, before any long query.

    Parameters
    ----------
    table : ibis.Table
        From :func:`crm_core.engine.source.read_table`.
    mapping : ColumnMapping
        Field -> column (a composite identity ``"name + address"`` names two columns).

    Returns
    -------
    tuple of Note
        ``eng_text_dates`` / ``eng_text_numbers`` for text columns read by casting (how many sampled values
        convert), ``eng_tz_to_utc`` for timestamps with a time zone (converted to UTC).

    Raises
    ------
    DataError
        ``eng_no_column`` (the mapping names a column the file lacks), ``eng_missing_field`` (no customer id,
        order date, or amount / quantity × unit price), ``eng_bad_type`` (the column, its type, the type needed,
        what to do), ``eng_messy_text`` (text needing the pandas path's parsers: the column and an example).
    """
    columns = list(table.columns)
    _check_present(mapping, columns)
    schema = table.schema()
    notes: list[Note] = []
    for field, source in mapping.pairs:
        for column in _columns_of(source, columns):
            dtype = schema[column]
            if dtype.is_nested():
                needed, todo = ((_NEED_DATE, _TODO_DATE) if field in DATE_FIELDS
                                else (_NEED_NUMBER, _TODO_NUMBER) if field in NUMBER_FIELDS
                                else (_NEED_SCALAR, _TODO_SCALAR))
                raise _bad_type(field, column, dtype, needed, todo)
            if field in DATE_FIELDS:
                note = _check_date(table, field, column, dtype)
            elif field in NUMBER_FIELDS:
                note = _check_number(table, field, column, dtype)
            else:
                note = None
            if note is not None:
                notes.append(note)
    return tuple(notes)


def _check_date(table: ibis.Table, field: str, column: str, dtype: dt.DataType) -> Note | None:
    if dtype.is_timestamp():
        zone = dtype.timezone
        return Note.of("eng_tz_to_utc", column=column, field=label(field), zone=zone) if zone else None
    if dtype.is_date():
        return None
    if dtype.is_string():
        return _check_text(table, field, column, is_date=True)
    raise _bad_type(field, column, dtype, _NEED_DATE, _TODO_DATE)


def _check_number(table: ibis.Table, field: str, column: str, dtype: dt.DataType) -> Note | None:
    if dtype.is_numeric() and not dtype.is_boolean():
        return None
    if dtype.is_string():
        return _check_text(table, field, column, is_date=False)
    raise _bad_type(field, column, dtype, _NEED_NUMBER, _TODO_NUMBER)
