"""Tags: standard attributes per customer and the marketer's own tag rules, kept as data (never ``eval``).

Standard attributes (:func:`standard_attributes`) extend :func:`crm_core.customers.customer_table` output,
which already has the favourite product / category (``top_product`` / ``top_category``), the preferred channel
(``channel``, 渠道偏好), the average ticket (``avg_order_value``), ``tenure_days`` and ``avg_interval_days``.

A tag is a :class:`TagRule`: a bilingual name and conditions joined by AND or OR.  A condition is

- :class:`Condition` on one column of the customer table (``monetary >= 1000``, ``channel is 线上``);
- :class:`Bought`, a purchase condition on the cleaned orders ("bought 奶粉 at least 3 times in the last
  90 days");
- :class:`Group`, conditions with their own AND/OR, for rules such as ``A and (B or C)``.

Rules are checked when built (operator, value type, counts) and again against the table when applied (the
column must exist and have the kind the operator needs); every problem is a DataError naming the tag, the
field and what it accepts.  :meth:`TagRule.to_dict` / :meth:`TagRule.from_dict` are the JSON form saved in the
analysis settings file (key ``"tags"``), so the same rules tag next month's customers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from crm_core.columns import label
from crm_core.messages import Localized
from crm_core.schema import DataError

__all__ = ["Bought", "Condition", "Group", "TagRule", "apply_tags", "rules_from_list", "rules_to_list",
           "standard_attributes", "tag_column", "tag_names"]

NUMBER_OPS = (">=", "<=", ">", "<", "==", "!=")
TEXT_OPS = ("is", "is_not", "contains", "in")
OPS = NUMBER_OPS + TEXT_OPS
COMBINES = ("and", "or")
MATCHES = ("product", "category")
SEPARATORS = {"en": ", ", "zh": "、"}


def standard_attributes(table: pd.DataFrame, orders: pd.DataFrame | None = None,
                        as_of: date | None = None) -> pd.DataFrame:
    """``table`` (customer_table output) with ``expected_next_order_date`` and ``return_share`` added.

    expected_next_order_date : the last purchase's calendar day + ``avg_interval_days`` rounded to whole days
        (halves up: 30.5 days -> 31);
        NaT for a customer with one purchase day (no rhythm to extrapolate).  It may lie before ``as_of``: the
        customer is then overdue, which is what a marketer wants to see.
    return_share : the share of gross purchases sent back, ``-returns_value / gross_sales`` (0..1, 0 when
        nothing was returned or nothing was bought for money).

    ``orders`` and ``as_of`` are not needed by these two columns; they are accepted so every attribute
    function has the same signature.
    """
    del orders, as_of
    days = pd.to_timedelta(np.floor(table["avg_interval_days"].astype("float64") + 0.5), unit="D")  # halves up
    expected = pd.to_datetime(table["last_order_date"]).dt.normalize() + days
    gross = table["gross_sales"].astype("float64")
    returned = -table["returns_value"].astype("float64")
    share = np.where(gross > 0, returned / gross.where(gross > 0, 1.0), 0.0)
    return table.assign(expected_next_order_date=expected, return_share=np.clip(share, 0.0, None))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)


def _is_date_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _expects(op: str) -> Localized:
    if op in NUMBER_OPS:
        return Localized(en="a number (or a date YYYY-MM-DD for a date field)",
                         zh="数字（日期字段则为 YYYY-MM-DD 格式的日期）")
    if op == "in":
        return Localized(en="a list of texts", zh="文字列表")
    return Localized(en="a text", zh="文字")


@dataclass(frozen=True)
class Condition:
    """``field op value`` on one customer-table column.

    Numbers (and dates): ``>= <= > < == !=`` with a number (a date column takes a ``YYYY-MM-DD`` text).
    Text: ``is`` / ``is_not`` (exact text), ``contains`` (part of the text, ignoring case), ``in`` (one of a
    list).  A customer with no value in ``field`` never matches, whatever the operator (``is_not`` included:
    "not 线上" means a known channel other than 线上).
    """

    field: str
    op: str
    value: Any

    def __post_init__(self) -> None:
        if not isinstance(self.field, str) or not self.field.strip():
            raise DataError("tag_bad_field_name", field=self.field)
        if self.op not in OPS:
            raise DataError("tag_bad_op", field=self.field, op=self.op, ops=Localized.listing(OPS))
        value = self.value
        if self.op == "in":
            if not isinstance(value, list | tuple) or not value or not all(isinstance(v, str) for v in value):
                raise DataError("tag_bad_value", field=self.field, op=self.op, value=value, expected=_expects("in"))
            object.__setattr__(self, "value", tuple(value))
        elif self.op in NUMBER_OPS:
            if not (_is_number(value) or _is_date_text(value)):
                raise DataError("tag_bad_value", field=self.field, op=self.op, value=value,
                                expected=_expects(self.op))
        elif not isinstance(value, str) or not value:
            raise DataError("tag_bad_value", field=self.field, op=self.op, value=value, expected=_expects(self.op))

    def mask(self, table: pd.DataFrame, orders: pd.DataFrame, as_of: date) -> pd.Series:
        """True for the customers (rows of ``table``) who meet the condition."""
        del orders, as_of
        if self.field not in table.columns:
            usable = _usable(table)
            raise DataError("tag_unknown_field", field=self.field, fields=Localized(
                en=", ".join(f"{label(c, 'en')} ({c})" for c in usable),
                zh="、".join(f"{label(c, 'zh')}（{c}）" for c in usable)))
        column = table[self.field]
        if column.empty:  # no customers: the empty table's columns have no type to check against
            return pd.Series(False, index=table.index, dtype=bool)
        known = column.notna()
        if self.op in NUMBER_OPS:
            if pd.api.types.is_datetime64_any_dtype(column):
                if not _is_date_text(self.value):
                    raise DataError("tag_bad_value", field=self.field, op=self.op, value=self.value,
                                    expected=Localized(en="a date YYYY-MM-DD", zh="YYYY-MM-DD 格式的日期"))
                value: Any = pd.Timestamp(self.value)
            elif _numeric(column):
                if not _is_number(self.value):
                    raise DataError("tag_bad_value", field=self.field, op=self.op, value=self.value,
                                    expected=Localized(en="a number", zh="数字"))
                value = self.value
            else:
                raise DataError("tag_op_needs_number", field=self.field, op=self.op,
                                ops=Localized.listing(TEXT_OPS))
            compare = {">=": column.ge, "<=": column.le, ">": column.gt, "<": column.lt, "==": column.eq,
                       "!=": column.ne}[self.op]
            return (compare(value) & known).astype(bool)
        if _numeric(column) or pd.api.types.is_datetime64_any_dtype(column):
            raise DataError("tag_op_needs_text", field=self.field, op=self.op, ops=Localized.listing(NUMBER_OPS))
        text = column.astype("str")
        if self.op == "is":
            hit = text == self.value
        elif self.op == "is_not":
            hit = text != self.value
        elif self.op == "in":
            hit = text.isin(self.value)
        else:
            hit = text.str.casefold().str.contains(self.value.casefold(), regex=False)
        return (hit & known).fillna(False).astype(bool)

    def to_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"field": self.field, "op": self.op, "value": value}


@dataclass(frozen=True)
class Bought:
    """Bought ``product_or_category`` in at least ``at_least`` distinct orders within ``within_days`` days.

    Counted on the cleaned order lines: purchase lines only (returns never count), dated before the analysis
    day ``as_of`` and, when ``within_days`` is set, on or after ``as_of - within_days`` days (so "the last 90
    days" are the 90 calendar days before the analysis day).  ``match`` says which column is compared:
    ``"product"`` or ``"category"``, exact text.  Several lines of one order count once: "3 times" means 3
    orders, the way a marketer counts visits.
    """

    product_or_category: str
    at_least: int = 1
    within_days: int | None = None
    match: Literal["product", "category"] = "product"

    def __post_init__(self) -> None:
        if not isinstance(self.product_or_category, str) or not self.product_or_category.strip():
            raise DataError("tag_bad_bought_item", value=self.product_or_category)
        if self.match not in MATCHES:
            raise DataError("tag_bad_match", match=self.match, matches=Localized.listing(MATCHES))
        if not _whole(self.at_least):
            raise DataError("tag_bad_times", value=self.at_least)
        if self.within_days is not None and not _whole(self.within_days):
            raise DataError("tag_bad_days", value=self.within_days)

    @property
    def field(self) -> str:
        return self.match

    def mask(self, table: pd.DataFrame, orders: pd.DataFrame, as_of: date) -> pd.Series:
        column = orders[self.match] if self.match in orders.columns else None
        if column is None or not column.notna().any():
            raise DataError("tag_no_purchase_column", match=self.match)
        end = pd.Timestamp(as_of)
        keep = (~orders["is_return"].astype(bool)) & (orders["order_date"] < end) & (column == self.product_or_category)
        if self.within_days is not None:
            keep &= orders["order_date"] >= end - pd.Timedelta(days=self.within_days)
        lines = orders.loc[keep.fillna(False).astype(bool), ["customer_id", "order_id"]]
        counts = lines.drop_duplicates().groupby("customer_id").size()
        return (table["customer_id"].astype("str").map(counts).fillna(0) >= self.at_least).astype(bool)

    def to_dict(self) -> dict[str, Any]:
        return {"bought": self.product_or_category, "at_least": self.at_least, "within_days": self.within_days,
                "match": self.match}


@dataclass(frozen=True)
class Group:
    """Conditions joined by their own ``combine`` ("and" / "or"), for a rule such as ``A and (B or C)``."""

    conditions: tuple[Item, ...]
    combine: Literal["and", "or"] = "and"

    def __post_init__(self) -> None:
        object.__setattr__(self, "conditions", tuple(self.conditions))
        if self.combine not in COMBINES:
            raise DataError("tag_bad_combine", combine=self.combine)
        if not self.conditions:
            raise DataError("tag_empty_group")
        for item in self.conditions:
            if not isinstance(item, Condition | Bought | Group):
                raise DataError("tag_bad_condition", entry=item)

    def mask(self, table: pd.DataFrame, orders: pd.DataFrame, as_of: date) -> pd.Series:
        masks = [item.mask(table, orders, as_of) for item in self.conditions]
        result = masks[0]
        for other in masks[1:]:
            result = (result & other) if self.combine == "and" else (result | other)
        return result.astype(bool)

    def to_dict(self) -> dict[str, Any]:
        return {"combine": self.combine, "conditions": [item.to_dict() for item in self.conditions]}


Item = Condition | Bought | Group  # one condition of a rule or a group


@dataclass(frozen=True)
class TagRule:
    """One tag: ``name_en`` / ``name_zh`` and ``conditions`` joined by ``combine`` ("and": all must hold)."""

    name_en: str
    name_zh: str
    conditions: tuple[Item, ...]
    combine: Literal["and", "or"] = "and"

    def __post_init__(self) -> None:
        for name in (self.name_en, self.name_zh):
            if not isinstance(name, str) or not name.strip():
                raise DataError("tag_no_name", en=self.name_en, zh=self.name_zh)
        if not self.conditions:
            raise DataError("tag_no_conditions", tag=self.name_en)
        object.__setattr__(self, "conditions", Group(tuple(self.conditions), self.combine).conditions)
        if self.combine not in COMBINES:
            raise DataError("tag_bad_combine", combine=self.combine)

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def mask(self, table: pd.DataFrame, orders: pd.DataFrame, as_of: date) -> pd.Series:
        """True for the customers with this tag.

        A condition's DataError is re-raised as ``tag_rule_failed`` naming the tag, with the condition's own
        message as ``detail`` and its code as the ``cause`` parameter.
        """
        try:
            return Group(self.conditions, self.combine).mask(table, orders, as_of)
        except DataError as exc:
            raise DataError("tag_rule_failed", tag=self.name_en, detail=_detail(exc), cause=exc.code) from None

    def to_dict(self) -> dict[str, Any]:
        return {"name_en": self.name_en, "name_zh": self.name_zh, "combine": self.combine,
                "conditions": [item.to_dict() for item in self.conditions]}

    @classmethod
    def from_dict(cls, data: Any) -> TagRule:
        """The rule saved by :meth:`to_dict`; DataError (``tag_bad_rule`` or the condition's own code)."""
        if not isinstance(data, dict) or not isinstance(data.get("conditions"), list):
            raise DataError("tag_bad_rule", entry=_short(data))
        return cls(name_en=data.get("name_en"), name_zh=data.get("name_zh"),
                   conditions=tuple(_item(c) for c in data["conditions"]), combine=data.get("combine", "and"))


def _item(data: Any) -> Item:
    if not isinstance(data, dict):
        raise DataError("tag_bad_condition", entry=_short(data))
    if "conditions" in data:
        if not isinstance(data["conditions"], list):
            raise DataError("tag_bad_condition", entry=_short(data))
        return Group(tuple(_item(c) for c in data["conditions"]), data.get("combine", "and"))
    if "bought" in data:
        return Bought(data["bought"], data.get("at_least", 1), data.get("within_days"), data.get("match", "product"))
    if {"field", "op", "value"} <= set(data):
        return Condition(data["field"], data["op"], data["value"])
    raise DataError("tag_bad_condition", entry=_short(data))


def rules_to_list(rules: tuple[TagRule, ...]) -> list[dict[str, Any]]:
    """The JSON form of ``rules`` (the settings file's ``"tags"``)."""
    return [rule.to_dict() for rule in rules]


def rules_from_list(data: Any) -> tuple[TagRule, ...]:
    """Rules from their JSON form; None is no rules.  DataError from :meth:`TagRule.from_dict`."""
    if data is None:
        return ()
    if not isinstance(data, list):
        raise DataError("tag_bad_rule", entry=_short(data))
    return tuple(TagRule.from_dict(entry) for entry in data)


def tag_column(rule: TagRule, position: int) -> str:
    """The boolean column of ``rule``: ``tag_`` + its English name in lower case, every run of other
    characters than a-z and 0-9 made one ``_`` ("Big spender" -> ``tag_big_spender``); ``tag_<position>``
    (1-based) when nothing is left.  Stable while the English name is, so saved lists keep their columns."""
    slug = re.sub(r"[^a-z0-9]+", "_", rule.name_en.lower()).strip("_")
    return f"tag_{slug or position}"


def apply_tags(table: pd.DataFrame, orders: pd.DataFrame, rules: tuple[TagRule, ...] | list[TagRule],
               as_of: date, *, lang: str = "en") -> pd.DataFrame:
    """``table`` with the standard attributes, one boolean column per rule (:func:`tag_column`) and ``tags``.

    ``tags`` is the text of the customer's tag names in ``lang``, in rule order, joined by ", " (English) or
    "、" (Chinese); "" when none.  Two rules whose columns would clash are a DataError (``tag_duplicate``).
    """
    if "return_share" not in table.columns:
        table = standard_attributes(table, orders, as_of)
    columns: dict[str, pd.Series] = {}
    for position, rule in enumerate(rules, start=1):
        name = tag_column(rule, position)
        if name in columns:
            raise DataError("tag_duplicate", tag=rule.name_en, column=name)
        columns[name] = rule.mask(table, orders, as_of).to_numpy(dtype=bool)
    result = table.assign(**columns)
    names = [rule.name(lang) for rule in rules]
    flags = list(columns)
    separator = SEPARATORS.get(lang, ", ")
    result["tags"] = pd.Series([separator.join(n for n, f in zip(names, row, strict=True) if f)
                                for row in result[flags].itertuples(index=False)] if flags else [""] * len(result),
                               index=result.index, dtype="str")
    return result


def tag_names(row: pd.Series | dict, rules: tuple[TagRule, ...] | list[TagRule], lang: str = "en") -> list[str]:
    """The names (in ``lang``) of the tags a row of :func:`apply_tags` output carries, in rule order."""
    return [rule.name(lang) for position, rule in enumerate(rules, start=1)
            if bool(row.get(tag_column(rule, position), False))]


def _numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _usable(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c != "customer_id" and not str(c).startswith("tag_") and c != "tags"]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _detail(exc: DataError) -> Localized:
    return Localized(en=exc.text("en").rstrip("."), zh=exc.text("zh").rstrip("。"))
