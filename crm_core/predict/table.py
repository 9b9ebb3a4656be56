"""Labelled data from uploaded tables: a customer table with a churn or response column (Telco, Bank), or a past
campaign's results joined to the order features as of the day it went out.

Uploads arrive as text (:class:`crm_core.schema.RawTable`); :func:`table_dataset` types each column itself: a
column is numeric when at least :data:`NUMERIC_SHARE` of its non-empty cells read as numbers (the rest become
missing, like the 11 blank ``TotalCharges`` of the Telco data), else categorical.  Columns that cannot help a
model (the id, constants, free text that differs in every row, empty ones, the ones the marketer excluded) are
dropped and listed with their reason in :attr:`LabelledData.dropped`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from crm_core.ingest.values import parse_amounts
from crm_core.messages import Localized, render
from crm_core.predict.features import order_features
from crm_core.predict.labels import _read_flags, guess_target, parse_target
from crm_core.schema import FIELD_BY_NAME, DataError, normalize_header

__all__ = ["DATE_WORDS", "ID_WORDS", "NUMERIC_SHARE", "RESULT_WORDS", "LabelledData", "dropped_text",
           "guess_campaign_date", "guess_id_column", "propose_result_columns", "response_dataset", "table_dataset"]

NUMERIC_SHARE = 0.95  # a column is numeric when this share of its non-empty cells read as numbers
# Text that differs in (nearly) every row is a name, an id or free text: no model learns from it.  Below
# UNIQUE_MIN_ROWS non-empty cells a column of distinct values may still be a real category.
UNIQUE_MIN_ROWS = 10
# Text with more distinct values than this, and more than one per two rows, is free text too (comments, names).
MANY_VALUES = 100
# Headers of a customer-id column, best first, compared after normalize_header: the ingest's own synonyms
# (客户编号, 会员ID, customer id...) plus the short forms of customer tables.
ID_WORDS: tuple[str, ...] = ("customer id", "customerid", "client id", "clientid", "cust id", "custid", "member id",
                             "客户编号", "会员id", "会员编号", "用户id") + tuple(
    w for w in FIELD_BY_NAME["customer_id"].synonyms if w not in ("customer", "client", "客户", "cliente")) + (
                             "id", "编号", "row id")
RESULT_WORDS: dict[str, tuple[str, ...]] = {
    "contacted": ("contacted", "was contacted", "is contacted", "contact", "sent", "was sent", "targeted",
                  "treated", "in campaign", "是否联系", "已联系", "联系", "是否触达", "已触达", "触达", "是否发送",
                  "已发送", "发送", "是否推送", "已推送", "是否外呼", "已外呼"),
    "responded": ("responded", "response", "converted", "purchased", "bought", "redeemed", "accepted", "y",
                  "是否响应", "响应", "已响应", "是否购买", "购买", "已购买", "是否转化", "转化", "已转化", "是否成交",
                  "成交", "是否核销", "核销"),
}


@dataclass(frozen=True, eq=False)
class LabelledData:
    """Features and a yes/no label per customer.

    X : DataFrame, index ``customer_id`` (str): numeric float columns and categorical str columns.
    y : Series of bool, same index.
    dropped : (column, reason) pairs: reason "id", "constant", "excluded", "unique_text", "empty" for a column
        left out; ("<n> rows", "no_target"), ("<n> rows", "not_contacted"), ("<n> customers", "no_history") for
        rows left out.  :func:`dropped_text` says each in words.
    """

    X: pd.DataFrame
    y: pd.Series
    dropped: tuple[tuple[str, str], ...] = ()


def dropped_text(column: str, reason: str, lang: str = "en") -> str:
    """One :attr:`LabelledData.dropped` entry in words, e.g. "customerID: an identifier, not a feature."."""
    counted = re.fullmatch(r"(\d+) (rows|customers)", column)
    if counted:
        return render(f"predict_dropped_{reason}", lang, count=int(counted[1]))
    return render(f"predict_dropped_{reason}", lang, column=column)


def _blank_to_missing(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip()
    return text.where(values.notna() & (text != ""))


# Row counters: unique numbers that say where a row is, not who the customer is.
ROW_WORDS = frozenset({"row", "row number", "rownumber", "row no", "index", "no", "序号", "行号", "编号"})


def _id_like(header: str) -> bool:
    return (header in ID_WORDS or header in ROW_WORDS or header.endswith(" id") or header.endswith("编号")
            or header.endswith("id") and header[:-2].isalpha() and header.isascii() and header[:-2] in _ID_STEMS)


_ID_STEMS = frozenset({"customer", "client", "cust", "member", "user", "account", "row", "record"})


def guess_id_column(frame: pd.DataFrame) -> str | None:
    """The column of customer ids: the first header among :data:`ID_WORDS` (customer id, customerID, 客户编号,
    会员ID...) whose non-empty values are all different; None when there is none (Bank's data has no id)."""
    headers = {normalize_header(c): c for c in reversed(list(frame.columns))}
    for word in ID_WORDS:
        column = headers.get(word)
        if column is not None:
            values = _blank_to_missing(frame[column]).dropna()
            if len(values) and values.is_unique:
                return str(column)
    return None


def _missing_column(code: str, column: str, frame: pd.DataFrame, **params: object) -> DataError:
    return DataError(code, column=column, columns=Localized.listing(frame.columns), **params)


def _ids(frame: pd.DataFrame, id_column: str | None) -> pd.Index:
    if id_column is None:
        return pd.Index([f"row {n}" for n in frame.index], name="customer_id", dtype="str")
    ids = _blank_to_missing(frame[id_column])
    repeated = ids[ids.duplicated(keep=False) & ids.notna()]
    if len(repeated):
        examples = list(dict.fromkeys(repeated))[:5]
        raise DataError("predict_id_not_unique", column=id_column, rows=int(repeated.nunique()),
                        examples=Localized.listing(examples))
    numbered = pd.Series([f"row {n}" for n in frame.index], index=frame.index)
    return pd.Index(ids.fillna(numbered), name="customer_id", dtype="str")


def _typed(values: pd.Series) -> tuple[pd.Series | None, str | None]:
    """(column as float or str, None) or (None, reason it is dropped)."""
    text = _blank_to_missing(values)
    present = text.dropna()
    if present.empty:
        return None, "empty"
    numbers = parse_amounts(text.fillna(""))
    read = numbers.values.notna() & text.notna()
    if read.sum() >= NUMERIC_SHARE * len(present):
        column = numbers.values.where(read).astype("float64")
        return (None, "constant") if column.nunique() < 2 else (column, None)
    distinct = present.nunique()
    if distinct < 2:
        return None, "constant"
    if (len(present) >= UNIQUE_MIN_ROWS and distinct == len(present)) or (
            distinct > MANY_VALUES and distinct > len(present) / 2):
        return None, "unique_text"
    return text.astype("str"), None


def table_dataset(frame: pd.DataFrame, *, target: str, id_column: str | None = None,
                  exclude: Sequence[str] = ()) -> LabelledData:
    """A customer table with a yes/no target column as features and label.

    Parameters
    ----------
    frame : DataFrame
        A :attr:`crm_core.schema.RawTable.frame` (text, blanks missing; index = row number in the file).
    target : str
        The column to predict, read by :func:`crm_core.predict.labels.parse_target`; rows without an answer are
        left out (counted in ``dropped`` as ("<n> rows", "no_target")).
    id_column : str, optional
        Customer ids (must be unique); None numbers the rows "row <n>" (n = the row in the file).
    exclude : sequence of str
        Columns never used as features (a call's duration, known only after the contact).

    Returns
    -------
    LabelledData
        ``X``: every other column, numeric (float, unreadable cells NaN) when at least :data:`NUMERIC_SHARE` of
        its non-empty cells read as numbers, else categorical (str, trimmed, blanks NaN); dropped with a reason:
        the id column and other unique columns with an id header ("id"), excluded ones ("excluded"), empty ones
        ("empty"), one value only ("constant"), text different in every row of at least :data:`UNIQUE_MIN_ROWS`
        ("unique_text").

    Raises
    ------
    DataError
        ``predict_target_missing`` (lists the columns), ``predict_id_column_missing``, ``predict_id_not_unique``,
        and :func:`~crm_core.predict.labels.parse_target`'s errors.
    """
    if target not in frame.columns:
        raise _missing_column("predict_target_missing", target, frame)
    if id_column is not None and id_column not in frame.columns:
        raise _missing_column("predict_id_column_missing", id_column, frame)
    y = parse_target(frame[target], column=target)
    dropped: list[tuple[str, str]] = []
    if len(y) < len(frame):
        dropped.append((f"{len(frame) - len(y)} rows", "no_target"))
    ids = _ids(frame, id_column)
    rows = frame.loc[y.index]
    if id_column is not None:
        dropped.append((id_column, "id"))
    excluded = set(exclude)
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        if name in (target, id_column):
            continue
        if name in excluded:
            dropped.append((str(name), "excluded"))
            continue
        values = rows[name]
        if _id_like(normalize_header(name)) and _blank_to_missing(values).dropna().is_unique:
            dropped.append((str(name), "id"))
            continue
        typed, reason = _typed(values)
        if reason is not None:
            dropped.append((str(name), reason))
        else:
            columns[str(name)] = typed.reset_index(drop=True)
    index = pd.Index(ids[frame.index.get_indexer(y.index)], name="customer_id")
    X = pd.DataFrame(columns, index=pd.RangeIndex(len(index))).set_axis(index)
    return LabelledData(X=X, y=pd.Series(y.to_numpy(dtype=bool), index=index, name=str(target)),
                        dropped=tuple(dropped))


def response_dataset(results: pd.DataFrame, orders: pd.DataFrame, customers: pd.DataFrame | None = None, *,
                     as_of: date, customer_col: str, responded_col: str,
                     contacted_col: str | None = None) -> LabelledData:
    """A past campaign's results as labelled data: order features as of the day it went out, and who answered.

    Parameters
    ----------
    results : DataFrame
        The results file as text: one row per customer (customer id, responded, optionally contacted); a
        customer listed twice responded when any contacted row says so.
    orders, customers : DataFrame
        Clean order lines and customer attributes (:func:`crm_core.predict.features.order_features`).
    as_of : date
        The day the campaign went out: features come from the lines dated before it only.
    customer_col, responded_col, contacted_col : str
        Columns of ``results``; without ``contacted_col`` every listed customer was contacted.

    Returns
    -------
    LabelledData
        X = order features of the contacted customers with a purchase before ``as_of``; y = responded.
        ``dropped`` counts rows not contacted ("<n> rows", "not_contacted"), rows without an answer
        ("<n> rows", "no_target") and customers without purchase history ("<n> customers", "no_history").

    Raises
    ------
    DataError
        ``predict_result_column_missing``, ``predict_no_contacted``, ``predict_no_results_with_history``, and
        :func:`~crm_core.predict.labels.parse_target`'s errors (both columns).
    """
    roles = (("customer", customer_col), ("responded", responded_col), ("contacted", contacted_col))
    for role, column in roles:
        if column is not None and column not in results.columns:
            raise _missing_column("predict_result_column_missing", column, results, role=_ROLE_WORDS[role])
    dropped: list[tuple[str, str]] = []
    rows = results.assign(_customer=_blank_to_missing(results[customer_col]))
    rows = rows[rows["_customer"].notna()]
    if contacted_col is not None:
        contacted = _read_flags(rows[contacted_col], column=contacted_col).reindex(rows.index, fill_value=False)
        if not contacted.any():
            raise DataError("predict_no_contacted", column=contacted_col)
        if (~contacted).sum():
            dropped.append((f"{int((~contacted).sum())} rows", "not_contacted"))
        rows = rows[contacted.to_numpy(dtype=bool)]
    answered = _read_flags(rows[responded_col], column=responded_col)
    if len(answered) < len(rows):
        dropped.append((f"{len(rows) - len(answered)} rows", "no_target"))
    responded = answered.groupby(rows.loc[answered.index, "_customer"].to_numpy()).any()
    features = order_features(orders, customers, as_of=as_of)
    known = responded.index.isin(features.index)
    if not known.any():
        raise DataError("predict_no_results_with_history", customers=len(responded), as_of=as_of)
    if (~known).sum():
        dropped.append((f"{int((~known).sum())} customers", "no_history"))
    y = responded[known].rename_axis("customer_id").sort_index()
    if y.nunique() < 2:  # named by a cell of the file ("否"), not by True/False
        cells = rows.loc[answered.index]
        shown = cells.loc[cells["_customer"].isin(y.index), responded_col].iloc[0]
        raise DataError("predict_target_one_class", column=responded_col, value=str(shown).strip())
    return LabelledData(X=features.loc[y.index], y=y.rename(str(responded_col)), dropped=tuple(dropped))


_DATE_WORDS = ("date", "time", "day", "日期", "时间")
_ROLE_WORDS = {
    "customer": Localized(en="customer", zh="客户"),
    "contacted": Localized(en="contacted", zh="是否联系"),
    "responded": Localized(en="responded", zh="是否响应"),
}


def propose_result_columns(columns: Iterable[object]) -> dict[str, str | None]:
    """Which columns of a campaign's results hold the customer, whether contacted and whether responded.

    Keys "customer", "contacted", "responded"; each value a column name or None, each column used once.
    Headers are compared after :func:`crm_core.schema.normalize_header`: customer by :data:`ID_WORDS` (客户编号,
    会员ID, customer id...), the others by :data:`RESULT_WORDS` (是否联系/已联系/contacted, 是否响应/响应/购买/
    responded...), whole headers first, then the words inside a longer header.
    """
    names = [str(c) for c in columns]
    headers = {name: normalize_header(name) for name in names}
    chosen: dict[str, str | None] = {}

    def pick(words: Sequence[str]) -> str | None:
        free = [n for n in names if n not in chosen.values()]
        for word in words:
            for name in free:
                if headers[name] == word:
                    return name
        for word in words:
            for name in free:
                header = headers[name]
                if any(w in header for w in _DATE_WORDS):  # "sent date" says when, not whether
                    continue
                if len(word) > 1 and (word in header.split() if word.isascii() else word in header):
                    return name
        return None

    chosen["customer"] = pick(ID_WORDS + ("customer", "client", "客户", "会员"))
    chosen["responded"] = pick(RESULT_WORDS["responded"])
    chosen["contacted"] = pick(RESULT_WORDS["contacted"])
    if chosen["responded"] is None:
        guess = guess_target([n for n in names if n not in chosen.values()], "response")
        chosen["responded"] = guess
    return {key: chosen[key] for key in ("customer", "contacted", "responded")}


# Header words of a column that may hold the day a campaign went out.
DATE_WORDS = ("date", "day", "time", "sent", "日期", "时间", "发送")


def guess_campaign_date(results: pd.DataFrame) -> tuple[str, date] | None:
    """(column, day) when a date-like column of a campaign's results holds one day on at least 90% of its filled
    cells (the day the campaign went out, proposed by the Response page and the CLI); else None (she says it)."""
    for column in results.columns:
        if not any(word in str(column).lower() for word in DATE_WORDS):
            continue
        values = results[column].dropna()
        days = pd.to_datetime(values, errors="coerce", format="mixed").dropna()
        if not len(values) or len(days) < 0.9 * len(values):
            continue
        counts = days.dt.normalize().value_counts()
        if counts.iloc[0] >= 0.9 * len(values):
            return str(column), counts.index[0].date()
    return None
