"""Why a customer scores high, in words; and which columns look too good to be true (leakage).

``reasons`` asks the model itself: each feature of a customer is set, one at a time, to the typical value
(median of numbers, most frequent text) and the customer scored again; the features whose typical value
lowers the score the most are the ones pushing it up.  All (feature, customer) variants are scored in one
call, so 5,000 customers x 27 features is one prediction of 135,000 rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crm_core.predict.features import feature_label
from crm_core.predict.metrics import roc_auc
from crm_core.predict.models import predict_proba

LEAKAGE_COLUMNS = ["feature", "auc_alone", "reason"]
# Known only once the contact happened (the Bank data's "duration" is the classic): never a predictor of it.
AFTER_CONTACT = re.compile(
    r"duration|call[ _.-]?(?:length|time|seconds|minutes|secs|mins)|talk[ _.-]?time|contact[ _.-]?length"
    r"|通话时长|通话时间|通话秒数|通话分钟|通话长度|呼叫时长",
    re.IGNORECASE,
)
_SEPARATOR = {"en": "; ", "zh": "；"}
_MISSING = {"en": "missing", "zh": "缺失"}


def _number(value: float, lang: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return _MISSING.get(lang, _MISSING["en"])
    value = float(value)
    if abs(value - round(value)) < 1e-9 or abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _value(value, lang: str) -> str:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return _number(value, lang)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return _MISSING.get(lang, _MISSING["en"])
    return str(value)


def _typical(reference: pd.DataFrame, columns) -> dict:
    """Median of each numeric column, most frequent value of each text column."""
    typical = {}
    for column in columns:
        values = reference[column] if column in reference.columns else pd.Series(dtype=float)
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            typical[column] = float(values.median()) if values.notna().any() else np.nan
        else:
            mode = values.dropna().mode()
            typical[column] = mode.iloc[0] if len(mode) else np.nan
    return typical


def reasons(model, X: pd.DataFrame, *, top: int = 3, lang: str = "en",
            reference: pd.DataFrame | None = None) -> pd.Series:
    """The top features pushing each customer's score up, in words.

    Parameters
    ----------
    model : fitted Pipeline
    X : DataFrame
        The customers to explain (index kept).
    top : int
        At most this many reasons per customer (only features that raise the score by more than 0.001).
    lang : {"en", "zh"}
    reference : DataFrame, optional
        Where the typical values come from (default ``X``).

    Returns
    -------
    Series of str (index of ``X``)
        E.g. ``"days since last purchase 120 (typical 35); orders in the last 90 days 0 (typical 2)"`` /
        ``"距上次购买天数 120（一般为 35）；…"``; "" when no feature raises the score.
    """
    from crm_core.predict.models import _columns_of

    numeric, categorical = _columns_of(model)
    columns = [c for c in numeric + categorical if c in X.columns]
    if not len(X) or not columns:
        return pd.Series("", index=X.index, dtype=object, name="reasons")
    typical = _typical(reference if reference is not None else X, columns)
    base = predict_proba(model, X)
    n = len(X)
    variants = []
    for column in columns:
        variants.append(X.assign(**{column: pd.Series(typical[column], index=X.index, dtype=X[column].dtype)
                                    if column in numeric else typical[column]}))
    scores = predict_proba(model, pd.concat(variants, ignore_index=True)).reshape(len(columns), n)
    push = base[None, :] - scores  # how much the customer's own value raises the score over the typical one
    order = np.argsort(-push, axis=0, kind="stable")[:top]
    labels = {c: feature_label(c, lang) for c in columns}
    typical_words = {c: _value(typical[c], lang) for c in columns}
    values = {c: X[c].to_numpy() for c in columns}
    out = []
    for row in range(n):
        parts = []
        for j in order[:, row]:
            if push[j, row] <= 1e-3:
                break
            column = columns[j]
            value = _value(values[column][row], lang)
            if lang == "zh":
                parts.append(f"{labels[column]} {value}（一般为 {typical_words[column]}）")
            else:
                parts.append(f"{labels[column]} {value} (typical {typical_words[column]})")
        out.append(_SEPARATOR.get(lang, "; ").join(parts))
    return pd.Series(out, index=X.index, dtype=object, name="reasons")


def _auc_alone(values: pd.Series, y: np.ndarray) -> float:
    """ROC AUC of one column alone, either direction (max(auc, 1 - auc)); text columns by their level's
    positive rate; missing values are a level of their own (numbers: below every value)."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        numbers = values.astype(float).to_numpy()
        if np.isnan(numbers).all():
            return float("nan")
        score = np.where(np.isnan(numbers), np.nanmin(numbers) - 1.0, numbers)
    else:
        codes = pd.Series(pd.factorize(values.astype(object).where(values.notna(), "\0missing"))[0])
        score = codes.map(pd.Series(y).groupby(codes).mean()).to_numpy(dtype=float)
    auc = roc_auc(y, score)
    return float(max(auc, 1.0 - auc)) if not np.isnan(auc) else float("nan")


def leakage_warnings(X: pd.DataFrame, y, *, threshold: float = 0.95) -> pd.DataFrame:
    """Columns that should not be features: known only after the contact, or predicting the outcome almost
    perfectly on their own.

    Returns
    -------
    DataFrame
        ``feature``, ``auc_alone`` (single-column ROC AUC, max(auc, 1 - auc)), ``reason``: "after_contact"
        (the name says it is known only after the contact: duration, call length, 通话时长 ...) or
        "near_perfect" (``auc_alone >= threshold``); one row per flagged column, highest auc_alone first.
        Messages: ``predict_leak_after_contact`` / ``predict_leak_near_perfect`` (params feature, auc).
    """
    labels = np.asarray(y, dtype=bool)
    rows = []
    for column in X.columns:
        auc = _auc_alone(X[column], labels)
        if AFTER_CONTACT.search(str(column)):
            rows.append({"feature": column, "auc_alone": auc, "reason": "after_contact"})
        elif not np.isnan(auc) and auc >= threshold:
            rows.append({"feature": column, "auc_alone": auc, "reason": "near_perfect"})
    table = pd.DataFrame(rows, columns=LEAKAGE_COLUMNS)
    return table.sort_values("auc_alone", ascending=False, kind="stable").reset_index(drop=True)
