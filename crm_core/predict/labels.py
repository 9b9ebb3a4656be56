"""What a model learns to predict: churn labels from orders, and yes/no target columns of uploaded tables.

Churn from orders: a customer who bought before the cutoff churned when they bought nothing in the
``horizon_days`` days from the cutoff on.  The horizon must lie inside the data: a customer cannot be called
churned for not buying on days the file does not cover.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd

from crm_core.customers import default_as_of
from crm_core.messages import Localized
from crm_core.schema import DataError, normalize_header

__all__ = ["NEGATIVE_WORDS", "POSITIVE_WORDS", "TARGET_PARTS", "TARGET_WORDS", "churn_labels", "default_cutoff",
           "guess_target", "observed_end", "parse_target"]

# Answers read as True / False, compared after NFKC, trimming and lower-casing.  Words for "yes, it happened"
# under churn and response headers alike (流失, responded, 购买...), and plain yes/no, 1/0, true/false.
POSITIVE_WORDS = frozenset({
    "yes", "y", "true", "t", "1", "1.0", "是", "对", "有", "√", "✓", "✔",
    "churn", "churned", "left", "lost", "exited", "attrited", "attrition", "cancelled", "canceled",
    "流失", "已流失", "是流失", "流失客户",
    "responded", "response", "responder", "subscribed", "converted", "purchased", "bought", "accepted", "success",
    "响应", "已响应", "有响应", "购买", "已购买", "有购买", "转化", "已转化", "成交", "已成交", "接受",
})
NEGATIVE_WORDS = frozenset({
    "no", "n", "false", "f", "0", "0.0", "否", "不", "不是", "无", "没有", "×", "✗", "✘",
    "stayed", "retained", "active", "existing", "current", "not churned", "no churn", "未流失", "没流失", "留存",
    "活跃", "在网", "非流失",
    "not responded", "no response", "non responder", "nonresponder", "not subscribed", "not converted",
    "not purchased", "declined", "failure",
    "未响应", "无响应", "没响应", "不响应", "未购买", "没购买", "没有购买", "无购买", "未转化", "未成交", "拒绝",
})
# Header words of a target column, by kind; compared with normalized headers, best first (whole headers).
TARGET_WORDS: dict[str, tuple[str, ...]] = {
    "churn": ("churn", "churned", "is churned", "churn flag", "churn label", "attrition", "attrition flag",
              "exited", "left", "is lost", "lost",
              "流失", "是否流失", "已流失", "流失标记", "流失标签", "是否流失客户"),
    "response": ("response", "responded", "is responded", "y", "subscribed", "converted", "conversion",
                 "purchased", "accepted", "accepted offer",
                 "响应", "是否响应", "已响应", "是否购买", "是否转化", "转化", "是否成交", "成交"),
}
# Words that also find a target inside a longer header: English as a whole word ("Churn Value"), Chinese
# anywhere ("本月是否流失").  Only unambiguous ones: "购买" alone would find 购买次数 (a count, not an answer).
TARGET_PARTS: dict[str, tuple[str, ...]] = {
    "churn": ("churn", "churned", "attrition", "是否流失", "已流失", "流失标"),
    "response": ("responded", "response", "subscribed", "converted", "是否响应", "已响应", "是否购买", "是否转化",
                 "是否成交"),
}


def observed_end(orders: pd.DataFrame) -> date:
    """The first day the orders do NOT cover: :func:`crm_core.customers.default_as_of` (the day after the last
    order line that is not a late outlier)."""
    return default_as_of(orders)


def default_cutoff(orders: pd.DataFrame, horizon_days: int) -> date:
    """The latest cutoff whose ``horizon_days`` days after it all lie in the data: observed_end - horizon_days."""
    return observed_end(orders) - timedelta(days=int(horizon_days))


def churn_labels(orders: pd.DataFrame, *, cutoff: date, horizon_days: int) -> pd.Series:
    """Whether each customer who bought before ``cutoff`` bought nothing in the ``horizon_days`` days after it.

    Parameters
    ----------
    orders : DataFrame
        Clean order lines (customer_id, order_date, is_return).
    cutoff : date
        First day of the horizon; features must come from the lines dated before it.
    horizon_days : int
        Length of the horizon in days: purchases dated in ``[cutoff, cutoff + horizon_days)`` count.

    Returns
    -------
    Series
        bool, named "churned", index ``customer_id`` (str, sorted): the customers with a purchase (a line that
        is not a return) before ``cutoff`` -- the customers of
        :func:`crm_core.predict.features.order_features` at that cutoff.  True = no purchase line in the horizon
        (a return alone is not a purchase).

    Raises
    ------
    DataError
        ``predict_horizon_too_short`` (horizon < 1 day); ``predict_horizon_beyond_data`` when
        ``cutoff + horizon_days`` is after :func:`observed_end` (the message gives the latest cutoff possible);
        ``predict_no_customers_before_cutoff``.
    """
    horizon_days = int(horizon_days)
    if horizon_days < 1:
        raise DataError("predict_horizon_too_short", horizon=horizon_days)
    end = observed_end(orders)
    needed = cutoff + timedelta(days=horizon_days)
    if needed > end:
        raise DataError("predict_horizon_beyond_data", cutoff=cutoff, horizon=horizon_days,
                        needed=needed - timedelta(days=1), last=end - timedelta(days=1),
                        latest=end - timedelta(days=horizon_days), longest=max((end - cutoff).days, 0))
    purchases = orders.loc[~orders["is_return"].to_numpy(dtype=bool) & orders["customer_id"].notna().to_numpy()]
    dates = purchases["order_date"]
    start, stop = pd.Timestamp(cutoff), pd.Timestamp(needed)
    ids = purchases["customer_id"].astype("str")
    before = pd.Index(ids[(dates < start).to_numpy()].unique(), name="customer_id").sort_values()
    if before.empty:
        first = dates.min()
        raise DataError("predict_no_customers_before_cutoff", cutoff=cutoff,
                        first=pd.Timestamp(first).date() if pd.notna(first) else "-")
    came_back = ids[((dates >= start) & (dates < stop)).to_numpy()].unique()
    return pd.Series(~before.isin(came_back), index=before, name="churned", dtype=bool)


def _token(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().lower().replace("_", " ").replace("-", " ")


def _read_flags(values: pd.Series, *, column: str) -> pd.Series:
    """``values`` as bool (see :func:`parse_target`) without the two-classes check; blanks left out."""
    if pd.api.types.is_bool_dtype(values):
        known = values.dropna()
        return known.astype(bool)
    present = values[values.notna()]
    tokens = present.map(_token)
    present, tokens = present[tokens != ""], tokens[tokens != ""]
    yes, no = tokens.isin(POSITIVE_WORDS), tokens.isin(NEGATIVE_WORDS)
    unknown = ~(yes | no)
    if unknown.any():
        examples = list(dict.fromkeys(str(v).strip() for v in present[unknown]))[:5]
        raise DataError("predict_target_unreadable", column=column, rows=int(unknown.sum()),
                        examples=Localized.listing(examples))
    return yes.astype(bool).rename(values.name)


def parse_target(values: pd.Series, *, column: str) -> pd.Series:
    """A yes/no column read as bool: True = churned / responded.

    Accepted (case-insensitive, trimmed, NFKC so full-width text reads the same): :data:`POSITIVE_WORDS`
    (yes, y, true, 1, 是, 流失, churned, responded, subscribed, 响应, 购买...) and :data:`NEGATIVE_WORDS` (no, n,
    false, 0, 否, 未流失, stayed, not responded, 未响应, 未购买...); bool columns as they are, number columns
    holding only 1/0.  Blank cells are left out: the result's index holds the rows with an answer.

    Raises
    ------
    DataError
        ``predict_target_unreadable`` (names the column, how many rows and up to five values that are not a
        yes/no answer); ``predict_no_target_values`` (every cell blank); ``predict_target_one_class`` when all
        answers are the same (names that answer).
    """
    flags = _read_flags(values, column=column)
    if flags.empty:
        raise DataError("predict_no_target_values", column=column)
    if flags.nunique() < 2:
        shown = values.loc[flags.index].dropna()
        raise DataError("predict_target_one_class", column=column, value=str(shown.iloc[0]).strip())
    return flags


def guess_target(columns: Iterable[object], kind: str) -> str | None:
    """The column that most likely holds the target of ``kind`` ("churn" or "response"), or None.

    Headers are compared after :func:`crm_core.schema.normalize_header` with :data:`TARGET_WORDS` of the kind, in
    their order: a whole-header match first (Telco's "Churn", Bank's "y"), then a :data:`TARGET_PARTS` word inside a
    header ("Churn Value", "本月是否流失").
    """
    if kind not in TARGET_WORDS:
        raise ValueError(f"kind must be one of {sorted(TARGET_WORDS)}, got {kind!r}")
    names = [str(c) for c in columns]
    headers = [normalize_header(c) for c in names]
    for word in TARGET_WORDS[kind]:
        for name, header in zip(names, headers, strict=True):
            if header == word:
                return name
    for word in TARGET_PARTS[kind]:
        for name, header in zip(names, headers, strict=True):
            if word in header.split() if word.isascii() else word in header:
                return name
    return None
