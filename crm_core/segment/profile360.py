"""Customer 360: find one customer and everything known about them, each grouping with its reason in words.

:func:`find_customers` searches the segmented customer table (:func:`crm_core.segment.combined.segmented_table`)
by id, name, phone or e-mail.  :func:`customer_profile` gathers one customer's attributes and KPIs, their
orders for a timeline, and why they are in their RFM segment, cluster, lifecycle stage and each tag, in
English or Chinese.  Churn risk, lifetime value and recommended products are placeholders (None) that the
prediction and cross-sell features fill later.

Pure pandas: contact details come back as they are in the data; masking them is the caller's rule
(:func:`crm_core.export.mask_frame`), so a phone can be searched while it is shown masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from crm_core import columns as registry
from crm_core.segment import clusters as cl
from crm_core.segment import lifecycle, rfm, tags

__all__ = ["GroupReason", "CustomerProfile", "TagReason", "customer_profile", "describe", "find_customers",
           "phone_digits", "rule_words", "stage_reason", "tag_reasons", "value_text"]

# Rank of each way a row can match a query (lower first): an exact id or phone beats a part of a name.
_RANKS = {"id": 0, "phone": 1, "email": 2, "id_prefix": 3, "name": 4, "phone_end": 5, "email_part": 6}
_PHONE_QUERY = re.compile(r"\+?[\d\s\-().]+")
_SEPARATORS = (" ", "-", "+", "(", ")", ".", "/")
MIN_PHONE_DIGITS = 4  # "the last 4 digits", the way a shop assistant asks for a phone


def phone_digits(text: object) -> str:
    """The digits of a phone as written, without a Chinese country code: "+86 138 0013 8000",
    "0086-13800138000" and "13800138000" all give "13800138000"; "" for a missing value."""
    if not isinstance(text, str):
        return ""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0086") and len(digits) == 15:
        return digits[4:]
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


def _phone_digits(values: pd.Series) -> pd.Series:
    """:func:`phone_digits` of a whole column at once.  The usual separators are removed as plain text (a
    regular expression over 100,000 phones is several times slower); only what is left with other characters
    goes through one."""
    digits = values
    for separator in _SEPARATORS:
        digits = digits.str.replace(separator, "", regex=False)
    odd = ~digits.str.isdigit() & (digits != "")
    if odd.any():
        digits = digits.mask(odd, digits.str.replace(r"\D", "", regex=True))
    length = digits.str.len()
    return digits.mask(digits.str.startswith("0086") & (length == 15), digits.str.slice(4)).mask(
        digits.str.startswith("86") & (length == 13), digits.str.slice(2))


def _text(table: pd.DataFrame, column: str) -> pd.Series:
    if column not in table.columns:
        return pd.Series("", index=table.index, dtype="str")
    return table[column].astype("str").where(table[column].notna(), "")


def find_customers(table: pd.DataFrame, query: str, limit: int = 20) -> pd.DataFrame:
    """Rows of ``table`` matching ``query``, best match first, at most ``limit``.

    Matches, in rank order: the customer id exactly (ignoring case), the phone exactly (digits only, see
    :func:`phone_digits`; the id too when the shop uses phones as ids), the e-mail exactly (ignoring case),
    the start of the id, a part of the name, the phone's (or phone id's) last digits (at least 4), a part of the
    e-mail (3 characters or more).
    Ties keep the table's order (by id).  Adds ``matched_on`` (id, phone, email, id_prefix, name,
    phone_end, email_part).  A blank query matches nothing.
    """
    text = (query or "").strip()
    if not text or len(table) == 0:
        return table.iloc[0:0].assign(matched_on=pd.Series(dtype="str"))
    folded = text.lower()  # lower(), not casefold(): pandas runs lower() in Arrow, 10x faster on 100,000 rows
    ids = _text(table, "customer_id").str.lower()
    names = _text(table, "name").str.lower()
    emails = _text(table, "email").str.lower()
    rank = pd.Series(np.inf, index=table.index)

    def hit(mask: pd.Series, how: str) -> None:
        rank.loc[mask.to_numpy(dtype=bool) & (rank.to_numpy() > _RANKS[how])] = _RANKS[how]

    hit(ids == folded, "id")
    digits = phone_digits(text) if _PHONE_QUERY.fullmatch(text) else ""
    if len(digits) >= MIN_PHONE_DIGITS:
        phones = _phone_digits(_text(table, "phone"))
        id_text = _text(table, "customer_id")
        # Only ids written like a phone (a shop that knows its buyers by mobile number) are compared as phones.
        id_phones = _phone_digits(id_text.where(id_text.str.match(r"[+(\d]"), ""))
        hit((phones == digits) | (id_phones == digits), "phone")
        hit((phones.str.endswith(digits) & (phones != "")) | (id_phones.str.endswith(digits) & (id_phones != "")),
            "phone_end")
    hit(emails == folded, "email")
    hit(ids.str.startswith(folded), "id_prefix")
    hit(names.str.contains(folded, regex=False) & (names != ""), "name")
    if len(folded) >= 3:
        hit(emails.str.contains(folded, regex=False), "email_part")
    found = rank[np.isfinite(rank.to_numpy())].sort_values(kind="stable").head(limit)
    how = {v: k for k, v in _RANKS.items()}
    return table.loc[found.index].assign(matched_on=found.map(how).astype("str"))


# --- words ------------------------------------------------------------------------------------------------

_OPS = {
    "en": {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠", "is": "is", "is_not": "is not",
           "contains": "contains", "in": "is one of"},
    "zh": {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠", "is": "为", "is_not": "不是",
           "contains": "包含", "in": "属于"},
}
_WORDS = {
    "en": {"and": " and ", "or": " or ", "group": "({})", "this": " (this customer: {})", "none": "no value",
           "in": "{}", "quote": "“{}”",
           "product": "the product {item}", "category": "the category {item}",
           "bought": "bought {what} in at least {n} order{s}", "within": " in the last {days} days",
           "count": " (this customer: {n} order{s})"},
    "zh": {"and": " 且 ", "or": " 或 ", "group": "（{}）", "this": "（该客户：{}）", "none": "无",
           "in": "{} 之一", "quote": "“{}”",
           "product": "商品“{item}”", "category": "品类“{item}”",
           "bought": "购买{what}至少 {n} 次", "within": "最近 {days} 天内", "count": "（该客户：{n} 次）"},
}


def _lang(lang: str) -> str:
    return "zh" if lang == "zh" else "en"


def value_text(column: str, value: Any, *, currency: str = "¥") -> str:
    """``value`` of canonical ``column`` for people, by its registry kind: money with the currency, shares as
    percent, days and counts whole, averages with one decimal, dates YYYY-MM-DD ("" when missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    entry = registry.column(column)
    kind = entry.kind if entry is not None else "text"
    if isinstance(value, pd.Timestamp | date) or kind == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    if kind == "money":
        return rfm._money(float(value), currency)
    if kind == "percent":
        return f"{float(value):.1%}"
    if kind in ("count", "score"):
        return f"{float(value):,.0f}"
    if kind == "mean":
        return f"{float(value):,.1f}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def describe(item: tags.Item, lang: str = "en", *, currency: str = "¥") -> str:
    """A condition of a tag rule in words: "Total spend ≥ ¥1,000", "渠道 为 “线上”", "bought the product 奶粉 in
    at least 3 orders in the last 90 days"; a group in brackets joined by its and/or."""
    w = _WORDS[_lang(lang)]
    if isinstance(item, tags.Group):
        return w["group"].format(w[item.combine].join(describe(i, lang, currency=currency) for i in item.conditions))
    if isinstance(item, tags.Bought):
        what = w[item.match].format(item=item.product_or_category)
        words = w["bought"].format(what=what, n=item.at_least, s="" if item.at_least == 1 else "s")
        if item.within_days is None:
            return words
        within = w["within"].format(days=item.within_days)
        return within + words if lang == "zh" else words + within
    label = registry.label(item.field, _lang(lang))
    op = _OPS[_lang(lang)][item.op]
    if item.op == "in":
        value = w["in"].format(tags.SEPARATORS[_lang(lang)].join(item.value))
    elif item.op in tags.NUMBER_OPS and not tags._is_date_text(item.value):
        value = value_text(item.field, item.value, currency=currency)
    else:
        value = w["quote"].format(item.value) if item.op in tags.TEXT_OPS else str(item.value)
    if lang == "zh" and item.op in tags.TEXT_OPS:  # 渠道为“线上”: Chinese puts no spaces between words
        return f"{label}{op}{value}"
    return f"{label} {op} {value}"


def rule_words(rule: tags.TagRule, lang: str = "en", *, currency: str = "¥") -> str:
    """A tag rule's conditions in words (:func:`describe`), joined by its and/or: "Total spend ≥ ¥1,000 and
    bought the category 奶粉 in at least 3 orders in the last 90 days"."""
    return _WORDS[_lang(lang)][rule.combine].join(describe(item, lang, currency=currency) for item in rule.conditions)


def _bought_orders(item: tags.Bought, customer_orders: pd.DataFrame, as_of: date) -> int:
    """Distinct orders of ``item`` on the customer's purchase lines counted as :meth:`tags.Bought.mask` does."""
    lines = customer_orders
    if item.match not in lines.columns:
        return 0
    end = pd.Timestamp(as_of)
    keep = (~lines["is_return"].astype(bool)) & (lines["order_date"] < end) \
        & (lines[item.match] == item.product_or_category)
    if item.within_days is not None:
        keep &= lines["order_date"] >= end - pd.Timedelta(days=item.within_days)
    return int(lines.loc[keep.fillna(False).astype(bool), "order_id"].nunique())


def _why(item: tags.Item, row: pd.DataFrame, customer_orders: pd.DataFrame, as_of: date, lang: str,
         currency: str) -> list[str]:
    """The words of the parts of ``item`` that hold for the one-row table ``row`` (all parts of an "and",
    the true ones of an "or"), each with this customer's own value."""
    w = _WORDS[_lang(lang)]
    if isinstance(item, tags.Group):
        parts = [_why(i, row, customer_orders, as_of, lang, currency) for i in item.conditions]
        if item.combine == "or":
            parts = [p for p in parts if p]
        return [text for part in parts for text in part]
    if not bool(item.mask(row, customer_orders, as_of).iloc[0]):
        return []
    if isinstance(item, tags.Bought):
        n = _bought_orders(item, customer_orders, as_of)
        return [describe(item, lang, currency=currency) + w["count"].format(n=n, s="" if n == 1 else "s")]
    own = value_text(item.field, row[item.field].iloc[0], currency=currency) or w["none"]
    return [describe(item, lang, currency=currency) + w["this"].format(own)]


@dataclass(frozen=True)
class TagReason:
    """A tag the customer carries: its name and the conditions that made it true, in words."""

    name: str
    reasons: tuple[str, ...]


def tag_reasons(row: pd.DataFrame, customer_orders: pd.DataFrame, rules: tuple[tags.TagRule, ...], as_of: date, *,
                lang: str = "en", currency: str = "¥") -> tuple[TagReason, ...]:
    """The tags of the one-row table ``row`` (with the standard attributes) in rule order, each with the
    conditions that hold (:func:`_why`); rules the customer does not meet are left out."""
    found = []
    for rule in rules:
        group = tags.Group(rule.conditions, rule.combine)
        if bool(rule.mask(row, customer_orders, as_of).iloc[0]):
            found.append(TagReason(rule.name(lang), tuple(_why(group, row, customer_orders, as_of, lang, currency))))
    return tuple(found)


_STAGE_WORDS = {
    "en": {"last": "last purchase {ago}", "first": "first {ago}", "gap": "after {g} days without a purchase",
           "join": ", ", "then": ": ", "ago": "{d} days ago", "one": "1 day ago", "today": "today"},
    "zh": {"last": "最近一次购买在{ago}", "first": "首次购买在{ago}", "gap": "此前 {g} 天没有购买",
           "join": "，", "then": "：", "ago": " {d} 天前", "one": " 1 天前", "today": "今天"},
}


def _ago(days: int, w: dict[str, str]) -> str:
    return w["today"] if days == 0 else w["one"] if days == 1 else w["ago"].format(d=days)


def stage_reason(row: pd.Series, windows: lifecycle.LifecycleWindows, lang: str = "en") -> tuple[str, str]:
    """The customer's stage key and why in words, e.g. "last purchase 40 days ago, first 400 days ago: Active
    (Bought in the last 90 days; first purchase more than 90 days ago.)"."""
    frame = pd.DataFrame([row])
    stage = str(row["stage"]) if "stage" in row.index else str(lifecycle.stages(frame, windows).iloc[0])
    w = _STAGE_WORDS[_lang(lang)]
    parts = [w["last"].format(ago=_ago(int(row["recency_days"]), w))]
    if stage == "reactivated":
        gap = (pd.Timestamp(row["last_order_date"]).normalize() - pd.Timestamp(row["previous_order_date"]).normalize())
        parts.append(w["gap"].format(g=gap.days))
    else:
        parts.append(w["first"].format(ago=_ago(int(row["tenure_days"]), w)))
    segmentation = lifecycle.Lifecycle(windows)
    name, rule = segmentation.text(stage, "name", lang), segmentation.text(stage, "description", lang)
    rule = rule.rstrip(".。")
    bracket = f"（{rule}）" if lang == "zh" else f" ({rule[:1].lower() + rule[1:]})"
    return stage, w["join"].join(parts) + w["then"] + name + bracket


@dataclass(frozen=True)
class GroupReason:
    """One grouping of the customer: its key, display name, why in words, what the group means (a cluster's
    meaning is its reason: its most distinctive features) and the suggested action."""

    key: str
    name: str
    reason: str
    description: str = ""
    action: str = ""


@dataclass(frozen=True, eq=False)
class CustomerProfile:
    """Everything the Customer 360 page shows about one customer (see :func:`customer_profile`).

    attributes : the customer's row of the segmented table (a copy), every column; contact details unmasked.
    orders : one row per order and kind (purchase / return): order_id, order_date, kind, amount (net, returns
        negative), items, lines, products (the first three names, joined), oldest first.
    lines : the customer's order lines before the analysis date, oldest first.
    rfm, cluster, stage : the groupings with their reasons (cluster None when no clusters were fitted).
    tags : the tags the customer carries, each with the conditions that made it true.
    churn_risk, lifetime_value, recommended_products : None until the prediction / cross-sell features.
    """

    customer_id: str
    attributes: pd.Series
    orders: pd.DataFrame
    lines: pd.DataFrame
    rfm: GroupReason
    cluster: GroupReason | None
    stage: GroupReason
    tags: tuple[TagReason, ...]
    churn_risk: float | None = None
    lifetime_value: float | None = None
    recommended_products: tuple[str, ...] | None = None

    def value(self, column: str) -> Any:
        """The attribute ``column`` (None when the table has no such column)."""
        return self.attributes.get(column)


def _order_timeline(lines: pd.DataFrame, lang: str) -> pd.DataFrame:
    columns = ["order_id", "order_date", "kind", "amount", "items", "lines", "products"]
    if len(lines) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    separator = tags.SEPARATORS[_lang(lang)]

    def products(values: pd.Series) -> str:
        names = list(dict.fromkeys(values.dropna().astype("str")))
        return separator.join(names[:3]) + ("…" if len(names) > 3 else "")

    kind = np.where(lines["is_return"].astype(bool), "return", "purchase")
    grouped = lines.assign(kind=kind).groupby(["order_id", "kind"], sort=False)
    frame = grouped.agg(order_date=("order_date", "min"), amount=("amount", "sum"), items=("quantity", "sum"),
                        lines=("amount", "size"), products=("product", products)).reset_index()
    return frame.sort_values(["order_date", "order_id"], kind="stable").reset_index(drop=True)[columns]


def customer_profile(row: pd.Series, orders: pd.DataFrame, *, rfm_params: rfm.RfmParams = rfm.RfmParams(),
                     clusters: cl.Clusters | None = None,
                     windows: lifecycle.LifecycleWindows = lifecycle.LifecycleWindows(),
                     tag_rules: tuple[tags.TagRule, ...] = (), as_of: date, lang: str = "en",
                     currency: str = "¥") -> CustomerProfile:
    """One customer's profile.

    Parameters
    ----------
    row : Series
        The customer's row of :func:`crm_core.segment.combined.segmented_table` (RFM scores, ``segment``,
        ``stage``, ``cluster`` when clustered, the standard attributes).  A row of the plain customer table
        with RFM scores works too: the stage and standard attributes are then computed here.
    orders : DataFrame
        Clean order lines (all customers, or this one's); lines on/after ``as_of`` are left out.
    """
    customer_id = str(row["customer_id"])
    frame = pd.DataFrame([row]).reset_index(drop=True)
    if "return_share" not in frame.columns:
        frame = tags.standard_attributes(frame)
    attributes = frame.iloc[0]
    mine = orders[(orders["customer_id"].astype("str") == customer_id) & (orders["order_date"] < pd.Timestamp(as_of))]
    mine = mine.sort_values("order_date", kind="stable").reset_index(drop=True)

    key = str(attributes["segment"])
    scheme = rfm_params.scheme
    segment = GroupReason(key, scheme.name(key, lang), str(rfm.reasons(frame, lang=lang, currency=currency).iloc[0]),
                          scheme.text(key, "description", lang), scheme.text(key, "action", lang))
    stage_key, why_stage = stage_reason(attributes, windows, lang)
    stages = lifecycle.Lifecycle(windows)
    stage = GroupReason(stage_key, stages.text(stage_key, "name", lang), why_stage,
                        stages.text(stage_key, "description", lang), stages.text(stage_key, "action", lang))
    cluster = None
    if clusters is not None:
        ckey = str(attributes["cluster"]) if "cluster" in frame.columns else str(clusters.labels(frame)[0])
        cluster = GroupReason(ckey, clusters.text(ckey, "name", lang), clusters.text(ckey, "description", lang),
                              "", clusters.text(ckey, "action", lang))
    return CustomerProfile(
        customer_id=customer_id, attributes=attributes, orders=_order_timeline(mine, lang), lines=mine,
        rfm=segment, cluster=cluster, stage=stage,
        tags=tag_reasons(frame, mine, tuple(tag_rules), as_of, lang=lang, currency=currency))
