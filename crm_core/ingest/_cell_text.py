"""Workbook cells as the text a user sees (the text half of :mod:`crm_core.ingest._read_excel`).

Each column is converted by the type of its cells: text, numbers and moments with Arrow and numpy
(each distinct number or moment rendered once), the rarer types (ints, booleans, times, durations)
cell by cell in Python.  Both paths give the same text; the Arrow one is the fast one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import infer_dtype


def cells_to_text(cells: pd.DataFrame) -> pd.DataFrame:
    """Workbook cells as the text a user sees, column by column.

    Whole floats lose the ".0" (``12345.0`` -> ``"12345"``), other floats use the shortest
    repr (``2.55``); dates and times become ISO text, date-only when every moment of the column
    is at midnight; booleans ``"TRUE"``/``"FALSE"``; ``""``, ``None`` and NaN become missing.
    """
    return pd.DataFrame({column: text_series(cells[column].to_numpy(dtype=object), cells.index)
                         for column in cells.columns})


def text_series(values: np.ndarray, index: pd.Index) -> pd.Series:
    """One column as text (see :func:`cells_to_text`): built as an Arrow string array where the column's
    types allow (:func:`_column_to_arrow`), else as Python strings; both give the same cells."""
    try:
        text = _column_to_arrow(values)
    except Exception:  # noqa: BLE001 - any surprise: the Python path decides (and raises what it raises)
        text = None
    if text is None:
        return pd.Series(_column_to_text(values), index=index, dtype="str")
    return pd.Series(pd.array(text, dtype="str"), index=index)


def _column_to_arrow(values: np.ndarray) -> pa.Array | None:
    """:func:`_column_to_text` as an Arrow large_string array, converting text, floats and moments with Arrow
    and numpy; None for a column holding other types (ints, booleans, times...), left to the Python path.

    The groups are the same as :func:`_column_to_text`'s (the inferred type of the whole column, else each
    cell's Python type), so a moment group gets one format, and each group is converted at once.
    """
    group = _GROUP_OF_INFERRED.get(infer_dtype(values, skipna=False))
    if group is not None:
        return _ARROW_CONVERTERS[group](values) if group in _ARROW_CONVERTERS else None
    types = np.fromiter(map(type, values), dtype=object, count=len(values))
    kinds = list(dict.fromkeys(types.tolist()))
    groups = [_GROUP_OF_TYPE.get(kind, "other") for kind in kinds]
    if not set(groups) <= set(_ARROW_CONVERTERS):
        return None
    pieces, positions = [], []
    for group in dict.fromkeys(groups):
        mask = np.zeros(len(values), dtype=bool)
        for kind, kind_group in zip(kinds, groups, strict=True):
            if kind_group == group:
                mask |= types == kind
        at = np.flatnonzero(mask)
        pieces.append(_ARROW_CONVERTERS[group](values[at]))
        positions.append(at)
    # Scatter the groups back to their rows: take through the inverse of the grouped order.
    grouped_order = np.concatenate(positions)
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[grouped_order] = np.arange(len(values), dtype=np.int64)
    return pa.concat_arrays(pieces).take(pa.array(inverse))


def _column_to_text(values: np.ndarray) -> np.ndarray:
    # Most columns hold one type (with "" for empty cells): infer_dtype finds it in C.  Mixed
    # columns (the header row is text above numbers) are split into type groups with factorize.
    group = _GROUP_OF_INFERRED.get(infer_dtype(values, skipna=False))
    if group is not None:
        return np.asarray(_CONVERTERS[group](values), dtype=object)
    codes, kinds = pd.factorize(np.fromiter(map(type, values), dtype=object, count=len(values)))
    groups = np.array([_GROUP_OF_TYPE.get(kind, "other") for kind in kinds])[codes]
    text = np.full(len(values), None, dtype=object)
    for group in set(groups.tolist()):  # a group at once: dates and datetimes share one format
        mask = groups == group
        text[mask] = _CONVERTERS[group](values[mask])
    return text


def _strings(values: np.ndarray) -> np.ndarray:
    return np.where(values == "", None, values)


def _floats(values: np.ndarray) -> np.ndarray:
    # Arrow prints floats the short way (2.55, 0.00001); whole numbers go through int64 so ids keep every digit.
    numbers = values.astype(float) + 0.0  # + 0.0 turns -0.0 into 0.0
    whole = np.isfinite(numbers) & (np.floor(numbers) == numbers) & (np.abs(numbers) < 2.0**63)
    text = np.asarray(pc.cast(pa.array(numbers, from_pandas=True), pa.string()).to_numpy(zero_copy_only=False),
                      dtype=object)
    text[whole] = pc.cast(pa.array(numbers[whole].astype(np.int64)), pa.string()).to_numpy(zero_copy_only=False)
    text[~np.isfinite(numbers)] = None
    return text


def _moments(values: np.ndarray) -> np.ndarray:
    try:
        # DatetimeIndex renders date-only when every value is at midnight, with time otherwise.
        return np.asarray(pd.DatetimeIndex(pd.to_datetime(values)).astype(str), dtype=object)
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return np.array([moment.isoformat(sep=" ") if isinstance(moment, dt.datetime) else moment.isoformat()
                         for moment in values], dtype=object)


def _duration(value: dt.timedelta) -> str:
    seconds = round(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"  # like Excel's [h]:mm:ss


def _each(convert: Callable[[object], str]) -> Callable[[np.ndarray], list[str]]:
    return lambda values: [convert(value) for value in values]


_CONVERTERS: dict[str, Callable[[np.ndarray], object]] = {
    "text": _strings,
    "float": _floats,
    "int": _each(str),
    "bool": _each(lambda flag: "TRUE" if flag else "FALSE"),
    "moment": _moments,
    "time": _each(lambda moment: moment.isoformat()),
    "duration": _each(_duration),
    "missing": lambda values: [None] * len(values),
    "other": _each(str),
}
_NULL_TEXT = pa.scalar(None, pa.large_string())


def _strings_arrow(values: np.ndarray) -> pa.Array:
    text = pa.array(values, type=pa.large_string())
    return pc.if_else(pc.equal(text, ""), _NULL_TEXT, text)


def _floats_arrow(values: np.ndarray) -> pa.Array:
    """:func:`_floats` without Python strings, each distinct number rendered once (both ways, in Arrow)."""
    numbers = values.astype(float) + 0.0  # + 0.0 turns -0.0 into 0.0
    codes, distinct = pd.factorize(numbers, use_na_sentinel=False)
    finite = np.isfinite(distinct)
    whole = finite & (np.floor(distinct) == distinct) & (np.abs(distinct) < 2.0**63)
    short = pc.cast(pa.array(distinct), pa.large_string())
    digits = pc.cast(pa.array(np.where(whole, distinct, 0.0).astype(np.int64)), pa.large_string())
    text = pc.if_else(pa.array(finite), pc.if_else(pa.array(whole), digits, short), _NULL_TEXT)
    return text.take(pa.array(codes))


def _moments_arrow(values: np.ndarray) -> pa.Array:
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(values))
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return pa.array(_moments(values), type=pa.large_string())
    text = _iso_text(stamps)
    return text if text is not None else pa.array(_moments(values), type=pa.large_string())


_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
_YEAR_1000 = np.datetime64("1000-01-01")
_YEAR_10000 = np.datetime64("9999-12-31") + np.timedelta64(1, "D")


def _iso_text(stamps: pd.DatetimeIndex) -> pa.Array | None:
    """``stamps.astype(str)`` (pandas' rendering) built from digits: date-only when every moment is at
    midnight, else ``YYYY-MM-DD HH:MM:SS`` with as many fraction digits (3, 6 or 9) as the finest moment
    needs.  None for what this does not cover (missing moments, time zones, years outside 1000-9999)."""
    if stamps.tz is not None or not len(stamps) or stamps.hasnans:
        return None
    codes, distinct = pd.factorize(stamps.to_numpy())  # each distinct moment is written once
    raw = np.asarray(distinct)
    if raw.dtype.kind != "M":
        return None
    unit = np.datetime_data(raw.dtype)[0]
    per_second = _PER_SECOND.get(unit)
    if per_second is None or raw.min() < _YEAR_1000.astype(raw.dtype) or raw.max() >= _YEAR_10000.astype(raw.dtype):
        return None
    ticks = raw.view(np.int64)
    days = raw.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    fields = [(years.astype(np.int64) + 1970, 4), (None, "-"), ((months - years).astype(np.int64) + 1, 2),
              (None, "-"), ((days - months).astype(np.int64) + 1, 2)]
    of_day = ticks - days.astype(raw.dtype).view(np.int64)
    if of_day.any():
        seconds = of_day // per_second
        fields += [(None, " "), (seconds // 3600, 2), (None, ":"), (seconds // 60 % 60, 2), (None, ":"),
                   (seconds % 60, 2)]
        fraction_ns = (of_day % per_second) * (10**9 // per_second)
        for digits in (9, 6, 3):  # the finest resolution any moment needs, as pandas shows it
            if (fraction_ns % 10 ** (12 - digits)).any():
                fields += [(None, "."), (fraction_ns // 10 ** (9 - digits), digits)]
                break
    return _ascii_columns(fields, len(raw)).take(pa.array(codes))


def _ascii_columns(fields: list, count: int) -> pa.Array:
    """``count`` fixed-width ASCII strings from zero-padded numbers and literal separators, written as one
    byte matrix that becomes an Arrow string array without copying."""
    width = sum(len(part) if number is None else part for number, part in fields)
    text = np.empty((count, width), dtype=np.uint8)
    at = 0
    for number, part in fields:
        if number is None:
            text[:, at:at + len(part)] = np.frombuffer(part.encode("ascii"), dtype=np.uint8)
            at += len(part)
            continue
        for place in range(part):
            text[:, at + place] = 48 + number // 10 ** (part - 1 - place) % 10
        at += part
    offsets = np.arange(0, count * width + 1, width, dtype=np.int64)
    return pa.Array.from_buffers(pa.large_string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(text)])


def _missing_arrow(values: np.ndarray) -> pa.Array:
    return pa.nulls(len(values), pa.large_string())


_ARROW_CONVERTERS: dict[str, Callable[[np.ndarray], pa.Array]] = {
    "text": _strings_arrow, "float": _floats_arrow, "moment": _moments_arrow, "missing": _missing_arrow,
}
_GROUP_OF_TYPE: dict[type, str] = {
    str: "text", float: "float", np.float64: "float", int: "int", np.int64: "int", bool: "bool", np.bool_: "bool",
    dt.datetime: "moment", dt.date: "moment", pd.Timestamp: "moment", dt.time: "time", dt.timedelta: "duration",
    type(None): "missing",
}
_GROUP_OF_INFERRED = {"string": "text", "empty": "missing", "floating": "float", "integer": "int",
                      "boolean": "bool", "datetime": "moment", "date": "moment", "time": "time"}
