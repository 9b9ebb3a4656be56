"""The variants of an A/B/n test from a table (private to :mod:`crm_core.measure.abtest`): the columns proposed from
the headers (English and Chinese words), per-row results (one row per customer with an outcome) or aggregated rows
(one row per variant, or per variant and day, with visitors and conversions)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from crm_core.messages import Localized
from crm_core.schema import DataError

# Header words of each column, English and Chinese, lower case.  Matched whole first, then as a part of the header
# (longest word first), each column used once; "group" is the target/control column of a campaign's outcomes.
AB_COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "group": ("group", "target/control", "treatment/control", "holdout", "组别", "分组", "实验组/对照组"),
    "revenue": ("revenue", "sales", "amount", "gmv", "value", "成交金额", "销售额", "收入", "金额", "营收"),
    "outcome": ("outcome", "result", "converted", "response", "status", "success", "结果", "是否转化", "是否成交",
                "状态", "响应"),
    "variant": ("variant", "version", "offer", "arm", "test cell", "cell", "treatment", "creative", "recipe",
                "variation", "版本", "方案", "优惠方案", "变体", "实验版本", "优惠"),
    "visitors": ("visitors", "users", "sessions", "sent", "contacts", "contacted", "customers", "impressions",
                 "recipients", "trials", "participants", "n", "访客", "访客数", "用户数", "人数", "触达", "发送",
                 "发送数", "曝光", "样本", "样本量", "客户数"),
    "conversions": ("conversions", "orders", "successes", "purchases", "buyers", "conversion count", "sales count",
                    "转化", "转化数", "成交数", "成交", "订单数", "购买数", "成功数", "下单数"),
}
_NOT_PART = ("date", "time", "日期", "时间", " id", "编号")  # "sent_date" is no count of customers sent
AB_COLUMN_KEYS = ("variant", "outcome", "visitors", "conversions", "revenue", "group")


def _norm(name: object) -> str:
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"[\s_\-]+", " ", text)


def propose_ab_columns(columns: Iterable[object]) -> dict[str, str | None]:
    """The column of each role, guessed from the headers (English and Chinese words).

    Parameters
    ----------
    columns : iterable
        The table's headers.

    Returns
    -------
    dict
        Keys ``variant``, ``outcome``, ``visitors``, ``conversions``, ``revenue``, ``group`` (the target/control
        column of a campaign's outcomes), each a header or None.  A header equal to one of a role's words wins over
        one that only contains it; each header serves one role.
    """
    names = [str(c) for c in columns]
    normed = {name: _norm(name) for name in names}
    found: dict[str, str | None] = dict.fromkeys(AB_COLUMN_KEYS)
    used: set[str] = set()
    for whole in (True, False):
        for key in AB_COLUMN_KEYS:
            if found[key] is not None:
                continue
            words = sorted(AB_COLUMN_WORDS[key], key=len, reverse=True)
            for word in words:
                if not whole and (len(word) < 2 or (word.isascii() and len(word) < 4)):
                    continue  # "n" or "arm" inside another header is no evidence
                hit = next((n for n in names if n not in used and (normed[n] == word if whole else (
                    word in normed[n] and not any(d in normed[n] for d in _NOT_PART)))), None)
                if hit is not None:
                    found[key] = hit
                    used.add(hit)
                    break
    return found


def _column(frame: pd.DataFrame, name: str | None) -> pd.Series | None:
    if name is None:
        return None
    if name not in frame.columns:
        raise DataError("ab_missing_column", column=name, columns=Localized.listing(frame.columns))
    return frame[name]


def _rows(mask: np.ndarray, index: pd.Index) -> str:
    """The file rows of the first few True entries (a raw table's index is the file's row numbers)."""
    rows = [str(i) for i in index[mask][:5]]
    return ", ".join(rows) + (" …" if int(mask.sum()) > 5 else "")


def _numbers(values: pd.Series, column: str, *, whole: bool) -> np.ndarray:
    """The numbers of a column (``1,000``, ``¥88.50`` read as numbers; blank = 0); DataError naming the first bad
    row when a value is not a number, negative, or (``whole``) not a whole number."""
    from crm_core.ingest.values import parse_amounts

    parsed = parse_amounts(values.astype("string"))
    numbers = parsed.values.to_numpy(dtype="float64")
    bad = parsed.failed.to_numpy(dtype=bool).copy()
    if whole:
        bad |= np.isfinite(numbers) & (numbers != np.round(numbers))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        code = "ab_bad_count" if whole else "ab_bad_revenue"
        raise DataError(code, column=column, rows=_rows(bad, values.index), value=str(values.iloc[first]))
    negative = np.isfinite(numbers) & (numbers < 0)
    if negative.any():
        first = int(np.flatnonzero(negative)[0])
        raise DataError("ab_negative_value", column=column, rows=_rows(negative, values.index),
                        value=str(values.iloc[first]))
    return np.nan_to_num(numbers, nan=0.0)


def _variant_names(values: pd.Series, column: str, group: str | None) -> pd.Series:
    names = values.astype("string").str.strip()
    blank = names.isna() | (names == "")
    if blank.any():
        raise DataError("ab_blank_variant", column=column, rows=_rows(blank.to_numpy(dtype=bool), values.index),
                        count=int(blank.sum()), group_hint=Localized(
                            en="" if group else " If they are a control group, choose the group column.",
                            zh="" if group else "如果这些行是对照组，请选择组别列。"))
    return names


def variants_from_table(frame: pd.DataFrame, *, variant: str, outcome: str | None = None,
                        visitors: str | None = None, conversions: str | None = None, revenue: str | None = None,
                        group: str | None = None) -> tuple:
    """The variants of a results table (a raw text table, :attr:`crm_core.pipeline.RawTable.frame`).

    Parameters
    ----------
    frame : DataFrame
        One row per customer with an ``outcome`` column (success words, read by
        :func:`crm_core.measure.outcomes.is_success`), or aggregated rows with ``visitors`` and ``conversions``
        columns (several rows of one variant are added up, e.g. one per day).  Aggregated columns win when both
        are given.
    variant : str
        The column naming each row's variant.
    revenue : str, optional
        Money per row (summed per variant; blank = 0).
    group : str, optional
        A target/control column (:func:`crm_core.measure.outcomes.parse_group`): its control rows are left out, so
        the offers of a campaign are compared among the customers who got one.

    Returns
    -------
    tuple of Variant
        In the order the variants first appear.  DataError ``ab_*`` for a missing column, blank variant, a count
        that is not a whole number, a negative value, no outcome column, or no target row; then the checks of
        :func:`crm_core.measure.abtest.variants_from_counts`.
    """
    from crm_core.measure.abtest import variants_from_counts

    if frame.empty:
        raise DataError("ab_empty_table")
    _column(frame, variant)
    if group is not None:
        from crm_core.measure.outcomes import parse_group

        groups = parse_group(_column(frame, group), column=group)
        frame = frame.loc[(groups == "target").to_numpy(dtype=bool)]
        if frame.empty:
            raise DataError("ab_no_target_rows", column=group)
    names = _variant_names(frame[variant], variant, group)
    money = None if revenue is None else _numbers(_column(frame, revenue), revenue, whole=False)
    if visitors is not None and conversions is not None:
        shown = _numbers(_column(frame, visitors), visitors, whole=True)
        converted = _numbers(_column(frame, conversions), conversions, whole=True)
    elif outcome is not None:
        from crm_core.measure.outcomes import is_success

        shown = np.ones(len(frame))
        converted = is_success(_column(frame, outcome), column=outcome).to_numpy(dtype=float)
    else:
        raise DataError("ab_no_outcome", columns=Localized.listing(frame.columns))
    sums = pd.DataFrame({"name": names.to_numpy(dtype=object), "visitors": shown, "conversions": converted,
                         "revenue": money if money is not None else np.zeros(len(frame))})
    per = sums.groupby("name", sort=False).sum()
    rows: Sequence = [(str(name), int(r.visitors), int(r.conversions), float(r.revenue) if money is not None else None)
                      for name, r in per.iterrows()]
    return variants_from_counts(rows)
