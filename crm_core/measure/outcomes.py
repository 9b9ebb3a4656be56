"""Campaign outcomes: the words of an outcomes file read as outcome codes, its columns recognised, the lists the app
exported read back, and one clean table of who was contacted and what came of it.

Every row of the file is either used or excluded with a stated reason (:attr:`Outcomes.excluded`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from crm_core.measure._exported import ExportedList, read_exported_list
from crm_core.messages import Localized
from crm_core.schema import DataError

__all__ = ["FIELDS", "OUTCOMES", "OUTCOME_LABELS", "REASONS", "ExportedList", "OutcomeColumns", "Outcomes",
           "is_success", "outcome_table", "parse_group", "parse_outcome", "propose_outcome_columns",
           "read_exported_list"]

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


def _all_read(values: pd.Series, codes: pd.Series, code: str, column: str) -> pd.Series:
    """``codes`` when every non-blank value was read; else DataError ``code`` naming the column and examples."""
    unread = values[codes.isna() & values.notna() & (values.astype("string").str.strip() != "")]
    if len(unread):
        raise DataError(code, column=column, count=len(unread), examples=_examples(unread))
    return codes


def parse_outcome(values: pd.Series, *, column: str) -> pd.Series:
    """The outcome of each value: one of :data:`OUTCOMES` (case-insensitive, trimmed; English and Chinese words,
    see :data:`OUTCOME_WORDS`).  Blank values stay NA.

    Raises
    ------
    DataError
        ``cr_outcome_unreadable`` naming the column and examples of the values it could not read.
    """
    return _all_read(values, outcome_codes(values), "cr_outcome_unreadable", column)


def is_success(values: pd.Series, *, column: str) -> pd.Series:
    """True where the value means success (:func:`parse_outcome` ``== "success"``); blanks are False."""
    return parse_outcome(values, column=column).eq("success").fillna(False).astype(bool)


# ----------------------------------------------------------------------------------------------------- groups
_GROUP_WORDS = {
    "target": ("target", "treatment", "treated", "test", "contacted", "exposed", "目标组", "实验组", "目标", "实验",
               "触达组"),
    "control": ("control", "holdout", "hold out", "held out", "not contacted", "对照组", "控制组", "对照", "控制",
                "留出组"),
}
_WORD_TO_GROUP = {word: group for group, words in _GROUP_WORDS.items() for word in words}
# The app's sheet names: "Target - <campaign>" / "目标组 - <campaign>" (crm_core.segment.campaign).
_SHEET_PREFIX = re.compile(r"^\s*(target|control|目标组|对照组)\s*[-–—]\s*", re.IGNORECASE)


def _group_of(value: object) -> object:
    if pd.isna(value):
        return pd.NA
    text = str(value)
    sheet = _SHEET_PREFIX.match(text)
    if sheet:
        return _WORD_TO_GROUP[_normal(sheet.group(1))]
    return _WORD_TO_GROUP.get(_normal(text), pd.NA)


def group_codes(values: pd.Series) -> pd.Series:
    """"target" / "control" per value, NA when blank or unknown (no error; see :func:`parse_group`)."""
    return values.map(_group_of).astype("object")


def parse_group(values: pd.Series, *, column: str) -> pd.Series:
    """"target" or "control" per value: target/treatment/test/contacted/目标组/实验组 and the app's sheet names
    "Target - …"/"目标组 - …"; control/holdout/hold-out/对照组/控制组/"Control - …"/"对照组 - …".  Blanks stay NA.

    Raises
    ------
    DataError
        ``cr_group_unreadable`` naming the column and examples of the values it could not read.
    """
    return _all_read(values, group_codes(values), "cr_group_unreadable", column)


# ---------------------------------------------------------------------------------------------------- columns
FIELDS = ("customer", "list_id", "campaign", "group", "variant", "channel", "agent", "outcome", "revenue",
          "sent_date")
FIELD_LABELS: dict[str, Localized] = {
    "customer": Localized(en="Customer ID", zh="客户编号"), "list_id": Localized(en="List ID", zh="清单编号"),
    "campaign": Localized(en="Campaign", zh="活动"), "group": Localized(en="Group", zh="组别"),
    "variant": Localized(en="Offer / variant", zh="优惠方案"), "channel": Localized(en="Channel", zh="渠道"),
    "agent": Localized(en="Agent", zh="坐席"), "outcome": Localized(en="Outcome", zh="结果"),
    "revenue": Localized(en="Revenue", zh="成交金额"), "sent_date": Localized(en="Sent date", zh="发送日期"),
}
# Header words of each field (compared without case, spaces, "_" or "-"): whole header first, then contained.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "customer": ("customer_id", "customer id", "customer", "customer no", "client id", "member id", "member",
                 "user id", "客户编号", "客户id", "客户号", "会员id", "会员编号", "会员号", "用户id", "客户"),
    "list_id": ("list_id", "list id", "list", "清单编号", "名单编号", "清单id", "清单", "名单"),
    "campaign": ("campaign", "campaign name", "活动名称", "活动"),
    "group": ("group", "test group", "arm group", "组别", "分组", "组"),
    "variant": ("offer", "variant", "version", "arm", "treatment", "优惠方案", "方案", "优惠", "版本"),
    "channel": ("channel", "contact channel", "渠道", "触达渠道"),
    "agent": ("agent", "rep", "sales rep", "caller", "operator", "坐席", "客服", "销售顾问", "销售", "外呼员"),
    "outcome": ("outcome", "result", "status", "response", "结果", "状态", "通话结果"),
    "revenue": ("revenue", "amount", "sales", "order amount", "成交金额", "金额", "销售额", "收入"),
    "sent_date": ("sent_date", "sent date", "send date", "date", "sent", "发送日期", "发送时间", "日期"),
}


def _header(text: object) -> str:
    return re.sub(r"[\s_\-]+", "", str(text).strip().lower())


def _containable(word: str) -> bool:
    """A word found inside a longer header: Chinese of two characters or more, English of four letters or more
    ("rep" would match "report")."""
    return len(word) >= (4 if word.isascii() else 2)


def propose_outcome_columns(columns) -> dict[str, str | None]:
    """The column of each field (keys :data:`FIELDS`) guessed from the headers, or None.

    A header equal to one of a field's words (:data:`HEADER_WORDS`, English or Chinese, without case, spaces,
    "_" or "-") wins; then a header containing one of them.  Each column serves one field at most.
    """
    names = [str(c) for c in columns]
    found: dict[str, str | None] = dict.fromkeys(FIELDS)
    used: set[str] = set()
    for exact in (True, False):
        for field in FIELDS:
            if found[field] is not None:
                continue
            for word in HEADER_WORDS[field]:
                target = _header(word)
                hit = next((n for n in names if n not in used and (
                    _header(n) == target if exact else (_containable(target) and target in _header(n)))), None)
                if hit is not None:
                    found[field] = hit
                    used.add(hit)
                    break
    return found


@dataclass(frozen=True)
class OutcomeColumns:
    """The outcomes file's column of each field (None: the file has none)."""

    outcome: str
    customer: str | None = None
    list_id: str | None = None
    campaign: str | None = None
    group: str | None = None
    variant: str | None = None
    channel: str | None = None
    agent: str | None = None
    revenue: str | None = None
    sent_date: str | None = None

    @classmethod
    def from_proposal(cls, proposal: dict[str, str | None]) -> OutcomeColumns:
        """From :func:`propose_outcome_columns`; DataError ``cr_no_outcome_column`` when no outcome column."""
        if not proposal.get("outcome"):
            raise DataError("cr_no_outcome_column", columns=Localized.listing(
                [c for c in proposal.values() if c] or ["—"]))
        return cls(**{f: proposal.get(f) for f in FIELDS})

    def chosen(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FIELDS if getattr(self, f)}


# ------------------------------------------------------------------------------------------- the clean table
TABLE_COLUMNS = ("customer_id", "list_id", "campaign", "group", "variant", "channel", "agent", "outcome", "success",
                 "revenue", "sent_date")
# Why a row is left out, in the order they are checked (codes of crm_core/measure/_messages_results.py).
REASONS = ("cr_reason_no_outcome", "cr_reason_outcome_unreadable", "cr_reason_no_customer",
           "cr_reason_group_unreadable", "cr_reason_not_on_list", "cr_reason_revenue_unreadable",
           "cr_reason_duplicate")


@dataclass(frozen=True, eq=False)
class Outcomes:
    """The outcomes file as one clean table.

    table : one row per contact used: customer_id, list_id, campaign, group ("target"/"control"), variant,
        channel, agent (text, "" when the file has no such column or the cell is blank), outcome (one of
        :data:`OUTCOMES`), success (bool), revenue (float, 0.0 when blank), sent_date (Timestamp or NaT).
    excluded : row (the file's row number, header = 1), reason (a code of :data:`REASONS`), value (the cell).
    matched_lists : list ids of the exported lists the rows were matched to.
    """

    table: pd.DataFrame
    excluded: pd.DataFrame
    matched_lists: tuple[str, ...]


def _text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if not column:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[column].astype("string").str.strip().fillna("").astype(object)


def outcome_table(frame: pd.DataFrame, columns: OutcomeColumns, *, lists=()) -> Outcomes:
    """The clean table of an outcomes file (:class:`Outcomes`), every row used or excluded with its reason.

    Parameters
    ----------
    frame : DataFrame
        The file as text (``crm_core.pipeline.read(...).frame``: index = the file's row numbers).
    columns : OutcomeColumns
        Which column holds which field.
    lists : sequence of ExportedList
        Lists the app exported.  A row is matched to a list by its list id column, else (no list id column) by
        its customer being on a list.  The group is the group column's when there is one, else the customer's
        group on the matched list (a customer not on it, or on none of the lists when matched by customer, is
        excluded), else "target" for everybody.

    Raises
    ------
    DataError
        ``cr_unknown_column`` (a chosen column is not in the file), ``cr_outcome_unreadable`` (no value of the
        outcome column is an outcome), ``cr_no_rows_used`` (every row was excluded).
    """
    from crm_core.ingest.values import parse_amounts

    for field, column in columns.chosen().items():
        if column not in frame.columns:
            raise DataError("cr_unknown_column", column=column, field=FIELD_LABELS[field],
                            columns=Localized.listing(frame.columns))
    raw_outcome = _text(frame, columns.outcome)
    outcome = outcome_codes(frame[columns.outcome])
    if outcome.isna().all() and (raw_outcome != "").any():
        unread = frame[columns.outcome].dropna()
        raise DataError("cr_outcome_unreadable", column=columns.outcome, count=len(unread),
                        examples=_examples(unread))
    customer = _text(frame, columns.customer)
    list_id = _text(frame, columns.list_id)
    reason = pd.Series(pd.NA, index=frame.index, dtype=object)
    value = pd.Series("", index=frame.index, dtype=object)

    def flag(mask: pd.Series, code: str, cells: pd.Series) -> None:
        new = mask & reason.isna()
        reason[new] = code
        value[new] = cells[new]

    flag(raw_outcome == "", "cr_reason_no_outcome", raw_outcome)
    flag(outcome.isna(), "cr_reason_outcome_unreadable", raw_outcome)
    if columns.customer:
        flag(customer == "", "cr_reason_no_customer", customer)

    # Exported lists: by list id, else by customer.
    known = {x.list_id: x for x in lists}
    matched: list[str] = []
    group = pd.Series(pd.NA, index=frame.index, dtype=object)
    on_list = pd.Series(pd.NA, index=frame.index, dtype=object)
    if known and columns.customer:
        for exported in known.values():
            members = exported.members.drop_duplicates("customer_id").set_index("customer_id")["group"]
            rows = list_id == exported.list_id if columns.list_id else customer.isin(members.index) & on_list.isna()
            if not rows.any():
                continue
            matched.append(exported.list_id)
            on_list[rows] = exported.list_id
            group[rows] = customer[rows].map(members)
            if not columns.list_id:
                list_id = list_id.mask(rows, exported.list_id)
    if columns.group:
        raw_group = _text(frame, columns.group)
        group = group_codes(frame[columns.group])
        flag(group.isna(), "cr_reason_group_unreadable", raw_group)
    else:
        # Matched by customer: a customer on none of the lists has no known group either.
        strays = on_list.isna() if (matched and not columns.list_id) else pd.Series(False, index=frame.index)
        flag((on_list.notna() & group.isna()) | strays, "cr_reason_not_on_list", customer)
        group = group.where(group.isin(["target", "control"]) | on_list.isna(), "target").fillna("target")
    revenue = pd.Series(0.0, index=frame.index)
    if columns.revenue:
        parsed = parse_amounts(frame[columns.revenue])
        flag(parsed.failed, "cr_reason_revenue_unreadable", _text(frame, columns.revenue))
        revenue = parsed.values.fillna(0.0)
    if columns.customer:
        key = pd.DataFrame({"list": list_id if (columns.list_id or matched) else _text(frame, columns.campaign),
                            "customer": customer})
        # Only a later copy of a row still in use counts as the duplicate.
        in_use = reason.isna()
        duplicate = key[in_use].duplicated().reindex(frame.index, fill_value=False)
        flag(duplicate, "cr_reason_duplicate", customer)
    used = reason.isna()
    if not used.any():
        from crm_core.messages import render

        codes = [str(c) for c in pd.unique(reason.dropna())]
        raise DataError("cr_no_rows_used", rows=len(frame), reasons=Localized(
            en="; ".join(render(c, "en") for c in codes), zh="；".join(render(c, "zh") for c in codes)))
    sent = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if columns.sent_date:
        sent = pd.to_datetime(frame[columns.sent_date], errors="coerce", format="mixed")
    table = pd.DataFrame({
        "customer_id": customer, "list_id": list_id, "campaign": _text(frame, columns.campaign), "group": group,
        "variant": _text(frame, columns.variant), "channel": _text(frame, columns.channel),
        "agent": _text(frame, columns.agent), "outcome": outcome, "success": outcome.eq("success").fillna(False),
        "revenue": revenue.astype(float), "sent_date": sent,
    })[used].astype({"success": bool, "group": object, "outcome": object}).reset_index(drop=True)
    excluded = pd.DataFrame({"row": frame.index[~used].astype("int64"), "reason": reason[~used].to_numpy(),
                             "value": value[~used].astype(str).to_numpy()})
    return Outcomes(table=table, excluded=excluded, matched_lists=tuple(matched))

