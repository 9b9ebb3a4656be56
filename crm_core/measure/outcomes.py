"""Campaign outcomes: the words of an outcomes file read as outcome codes, its columns recognised, the lists the app
exported read back, and one clean table of who was contacted and what came of it.

Every row of the file is either used or excluded with a stated reason (:attr:`Outcomes.excluded`).
"""

from __future__ import annotations

import re

import pandas as pd

from crm_core.messages import Localized
from crm_core.schema import DataError

OUTCOMES = ("success", "refused", "considering", "no_answer", "no_purchase")
OUTCOME_LABELS: dict[str, Localized] = {
    "success": Localized(en="success", zh="成功"),
    "refused": Localized(en="refused", zh="拒绝"),
    "considering": Localized(en="considering", zh="考虑中"),
    "no_answer": Localized(en="no answer", zh="未接通"),
    "no_purchase": Localized(en="no purchase", zh="未购买"),
}

# Words of each outcome, compared after trimming, lower-casing and turning "_"/"-" into spaces.
OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "success": ("success", "successful", "succeeded", "converted", "conversion", "bought", "purchased", "won",
                "yes", "y", "1", "true", "成功", "成交", "已成交", "已购买", "购买", "已下单", "是"),
    "refused": ("refused", "declined", "rejected", "refusal", "not interested", "拒绝", "已拒绝", "不需要",
                "不感兴趣"),
    "considering": ("considering", "maybe", "later", "thinking", "pending", "call back", "callback", "考虑中",
                    "考虑", "待定", "再联系", "回访"),
    "no_answer": ("no answer", "unanswered", "unreachable", "busy", "no contact", "not reached", "voicemail",
                  "未接通", "无人接听", "关机", "占线", "未联系上", "空号"),
    "no_purchase": ("no purchase", "not purchased", "did not buy", "no", "n", "0", "false", "未购买", "没买",
                    "未成交", "否"),
}
_WORD_TO_OUTCOME = {word: code for code, words in OUTCOME_WORDS.items() for word in words}
_SPACES = re.compile(r"[\s_\-]+")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", str(text).strip().lower()).strip()


def outcome_codes(values: pd.Series) -> pd.Series:
    """Each value as one of :data:`OUTCOMES`, or NA when blank or not a known word (no error; see
    :func:`parse_outcome` for the strict form)."""
    return values.map(lambda v: pd.NA if pd.isna(v) else _WORD_TO_OUTCOME.get(_normal(v), pd.NA)).astype("object")


def _examples(values: pd.Series, limit: int = 3) -> Localized:
    shown = [str(v) for v in pd.unique(values)[:limit]]
    return Localized.listing(f"\u201c{v}\u201d" for v in shown)


def parse_outcome(values: pd.Series, *, column: str) -> pd.Series:
    """The outcome of each value: one of :data:`OUTCOMES` (case-insensitive, trimmed; English and Chinese words,
    see :data:`OUTCOME_WORDS`).  Blank values stay NA.

    Raises
    ------
    DataError
        ``cr_outcome_unreadable`` naming the column and examples of the values it could not read.
    """
    codes = outcome_codes(values)
    unread = values[codes.isna() & values.notna() & (values.astype("string").str.strip() != "")]
    if len(unread):
        raise DataError("cr_outcome_unreadable", column=column, count=len(unread), examples=_examples(unread))
    return codes


def is_success(values: pd.Series, *, column: str) -> pd.Series:
    """True where the value means success (:func:`parse_outcome` ``== "success"``); blanks are False."""
    return parse_outcome(values, column=column).eq("success").fillna(False).astype(bool)
