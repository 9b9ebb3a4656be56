"""The cross-sell analysis as one choice and its results: what the Cross-sell page, the ``rules`` command and the
campaign builder share.

:class:`CrossSellChoice` holds everything besides the data that decides the rules and the lists (basket options,
thresholds, number of offers, the bundles to complete); it is saved with the analysis
(:class:`crm_core.settings.AnalysisSettings`).  :func:`mine` builds the baskets and mines the itemsets and rules
once; :func:`offer_rules` applies the lift threshold and the optional pruning (cheap, so the page's sliders stay
fast); :func:`next_offers` and :func:`bundle_offers` make the two lists.

The lists go through the usual export path (:func:`crm_core.pipeline.build_lists`): :func:`offer_table` and
:func:`bundle_table` join them to the customer table with the key column :data:`LIST_COLUMN`, and
:class:`OfferList` / :class:`BundleList` are the :class:`crm_core.segment.base.Segmentation` naming the sheets.
:func:`with_offers` adds the offer columns to the combined customer table, so the campaign builder can select
"customers offered product X".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from crm_core.basket.actions import (
    HoldoutResult,
    bundle_candidates,
    bundle_completion,
    bundle_text,
    customer_items,
    holdout_score,
    next_best_offers,
)
from crm_core.basket.baskets import BasketOptions, Baskets, build_baskets
from crm_core.basket.mining import frequent_itemsets
from crm_core.basket.rules import association_rules, filter_rules, prune_redundant
from crm_core.messages import Localized
from crm_core.schema import DataError

__all__ = ["BUNDLE_LIST_COLUMNS", "BundleList", "CrossSellChoice", "LIST_COLUMN", "Mined", "OFFER_KEY",
           "OFFER_LIST_COLUMNS", "OfferList", "bundle_offers", "bundle_table", "bundles_to_complete",
           "flag_offers", "holdout", "items_of", "mine", "mine_itemsets", "mine_rules", "next_offers", "offer_rules",
           "offer_table", "split_date", "with_offers"]

LIST_COLUMN = "crosssell_list"
OFFER_KEY = "next_best_offer"
# The default columns of the two lists (who, what to offer, why, then the customer's figures and contacts).
OFFER_LIST_COLUMNS = ("customer_id", "offer_item", "offer_reason", "offer_confidence", "offer_lift", "beats_popularity",
                      "more_offers",
                      "rfm_segment_name", "recency_days", "frequency", "monetary", "last_order_date", "channel",
                      "name", "phone", "email", "city")
BUNDLE_LIST_COLUMNS = ("customer_id", "offer_item", "bundle", "bundle_have", "offer_reason", "rfm_segment_name",
                       "recency_days", "frequency", "monetary", "last_order_date", "channel", "name", "phone", "email",
                       "city")
MAX_OFFERS = 10
DEFAULT_BUNDLES = 3


def _months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier (the month's last day when it has no such day)."""
    return (pd.Timestamp(day) - pd.DateOffset(months=months)).date()


@dataclass(frozen=True)
class CrossSellChoice:
    """How the baskets are built, the rules mined and the lists made.

    Attributes
    ----------
    level, by, min_size, max_size, exclude
        The basket options (:class:`crm_core.basket.baskets.BasketOptions`).
    months : int or None
        Baskets from the last ``months`` months before the analysis date; None: the whole analysis window.
    min_support, min_confidence, max_len
        What is mined (:func:`crm_core.basket.mining.frequent_itemsets`, :func:`association_rules`).
    min_lift, prune
        Which mined rules make offers (lift at least ``min_lift``; ``prune``: no rule that a more general
        rule already beats, :func:`crm_core.basket.rules.prune_redundant`).
    offers : int
        Offers per customer (1..10).
    bundles : tuple of item tuples
        The bundles to complete; empty: the most popular bundle of at least two items.
    holdout_months : int
        The hold-out check fits on the lines before ``as_of`` minus this many months and scores the offers on
        the purchases after.
    """

    level: str = "product"
    by: str = "order"
    months: int | None = None
    min_size: int = 1
    max_size: int | None = None
    exclude: tuple[str, ...] = ()
    min_support: float = 0.01
    min_confidence: float = 0.3
    max_len: int | None = 3
    min_lift: float = 1.0
    prune: bool = False
    offers: int = 3
    bundles: tuple[tuple[str, ...], ...] = ()
    holdout_months: int = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "exclude", tuple(str(x) for x in self.exclude))
        object.__setattr__(self, "bundles", tuple(tuple(sorted(str(i) for i in b)) for b in self.bundles))
        self.basket_options()  # the basket options' own checks
        if not 0 < self.min_support <= 1:
            raise DataError("basket_bad_support", value=self.min_support)
        if not 0 <= self.min_confidence <= 1:
            raise DataError("basket_bad_option", option="min_confidence", value=self.min_confidence, choices="0..1")
        if self.max_len is not None and self.max_len < 2:
            raise DataError("basket_bad_option", option="max_len", value=self.max_len, choices="2 or more")
        if not 1 <= self.offers <= MAX_OFFERS:
            raise DataError("basket_bad_option", option="offers", value=self.offers, choices=f"1..{MAX_OFFERS}")
        if self.months is not None and self.months < 1:
            raise DataError("basket_bad_option", option="months", value=self.months, choices="1 or more")
        if self.holdout_months < 1:
            raise DataError("basket_bad_option", option="holdout_months", value=self.holdout_months,
                            choices="1 or more")

    def basket_options(self) -> BasketOptions:
        return BasketOptions(level=self.level, by=self.by, min_size=self.min_size, max_size=self.max_size,
                             exclude=self.exclude)

    def since(self, as_of: date) -> date | None:
        """The first day of the basket window (None: no start)."""
        return None if self.months is None else _months_before(as_of, self.months)

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "by": self.by, "months": self.months, "min_size": self.min_size,
                "max_size": self.max_size, "exclude": list(self.exclude), "min_support": self.min_support,
                "min_confidence": self.min_confidence, "max_len": self.max_len, "min_lift": self.min_lift,
                "prune": self.prune, "offers": self.offers, "bundles": [list(b) for b in self.bundles],
                "holdout_months": self.holdout_months}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CrossSellChoice:
        """The choice saved by :meth:`to_dict` (missing keys keep their defaults); DataError
        ``basket_bad_option`` naming the first value that cannot be one."""
        known = {k: data[k] for k in cls().to_dict() if k in data}

        def bad(name: str, choices: str) -> DataError:
            return DataError("basket_bad_option", option=name, value=json_text(known[name]), choices=choices)

        for name in ("months", "min_size", "max_size", "max_len", "offers", "holdout_months"):
            value = known.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise bad(name, "a whole number")
        for name in ("min_support", "min_confidence", "min_lift"):
            value = known.get(name)
            if name in known and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise bad(name, "a number")
        if "prune" in known and not isinstance(known["prune"], bool):
            raise bad("prune", "true, false")
        for name in ("exclude", "bundles"):
            if name in known and not isinstance(known[name] or [], list):
                raise bad(name, "a list")
        if "exclude" in known:
            known["exclude"] = tuple(known["exclude"] or ())
        if "bundles" in known:
            if not all(isinstance(b, list) for b in known["bundles"] or []):
                raise bad("bundles", "a list of lists of items")
            known["bundles"] = tuple(tuple(b) for b in (known["bundles"] or ()))
        return cls(**known)


def json_text(value: Any) -> str:
    """A saved value as it reads in the file (for messages)."""
    import json

    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True, eq=False)
class Mined:
    """The baskets, their frequent itemsets and the rules at the choice's support and confidence."""

    choice: CrossSellChoice
    baskets: Baskets = field(repr=False)
    itemsets: pd.DataFrame = field(repr=False)
    rules: pd.DataFrame = field(repr=False)


def mine(orders: pd.DataFrame, choice: CrossSellChoice, *, as_of: date) -> Mined:
    """Baskets of the lines before ``as_of`` (from ``choice.since(as_of)``), itemsets and rules.

    Raises the core's DataError when no basket is left, when the mining would not fit in memory or would find too
    many itemsets or rules (each says what to change).
    """
    baskets, itemsets = mine_itemsets(orders, choice, as_of=as_of)
    return Mined(choice=choice, baskets=baskets, itemsets=itemsets, rules=mine_rules(baskets, itemsets, choice))


def mine_itemsets(orders: pd.DataFrame, choice: CrossSellChoice, *, as_of: date) -> tuple[Baskets, pd.DataFrame]:
    """The first, costly half of :func:`mine`: the baskets and their frequent itemsets (what the rules' confidence
    does not change, so the app mines once and recomputes only the rules when she moves the confidence)."""
    baskets = build_baskets(orders, choice.basket_options(), as_of=as_of, since=choice.since(as_of))
    return baskets, frequent_itemsets(baskets, choice.min_support, max_len=choice.max_len)


def mine_rules(baskets: Baskets, itemsets: pd.DataFrame, choice: CrossSellChoice) -> pd.DataFrame:
    """The second half of :func:`mine`: the rules of the itemsets at ``choice.min_confidence``."""
    return association_rules(itemsets, baskets.n, min_confidence=choice.min_confidence)


def offer_rules(rules: pd.DataFrame, choice: CrossSellChoice) -> pd.DataFrame:
    """The rules that make offers: lift at least ``choice.min_lift``, pruned when ``choice.prune``."""
    kept = filter_rules(rules, min_lift=choice.min_lift, min_confidence=choice.min_confidence)
    return prune_redundant(kept) if choice.prune else kept


def items_of(orders: pd.DataFrame, choice: CrossSellChoice, *, as_of: date) -> dict[str, frozenset[str]]:
    """What each customer bought before ``as_of`` at the choice's level (returns left out, excluded items too):
    the history the offers are made from (all the customer's purchases in the analysis window)."""
    return _without_excluded(customer_items(orders, level=choice.level, as_of=as_of), choice)


def _without_excluded(found: dict[str, frozenset[str]], choice: CrossSellChoice) -> dict[str, frozenset[str]]:
    """``found`` without the choice's excluded items (compared like the baskets: trimmed, case ignored)."""
    if not choice.exclude:
        return found
    dropped = {x.strip().casefold() for x in choice.exclude}
    return {c: frozenset(i for i in items if i.strip().casefold() not in dropped) for c, items in found.items()}


def next_offers(items: Mapping[str, frozenset[str]], rules: pd.DataFrame, choice: CrossSellChoice, *,
                lang: str = "en") -> pd.DataFrame:
    """:func:`crm_core.basket.actions.next_best_offers` with the choice's number of offers and basket kind."""
    return next_best_offers(items, rules, n=choice.offers, lang=lang, by=choice.by)


def bundles_to_complete(itemsets: pd.DataFrame, choice: CrossSellChoice) -> tuple[tuple[str, ...], ...]:
    """The chosen bundles that are still frequent itemsets; without any, the :data:`DEFAULT_BUNDLES` most popular
    bundles of three or more items (the classic "bought two of three"), else of two items."""
    frequent = {tuple(sorted(s)) for s in itemsets["itemset"]} if len(itemsets) else set()
    chosen = tuple(b for b in choice.bundles if b in frequent)
    if chosen:
        return chosen
    top = bundle_candidates(itemsets, min_len=3, top=DEFAULT_BUNDLES)
    if top.empty:
        top = bundle_candidates(itemsets, min_len=2, top=DEFAULT_BUNDLES)
    return tuple(tuple(sorted(s)) for s in top["itemset"])


def bundle_offers(items: Mapping[str, frozenset[str]], bundles: Iterable[tuple[str, ...]], *,
                  lang: str = "en") -> pd.DataFrame:
    """Bundle completion for each bundle (:func:`crm_core.basket.actions.bundle_completion`), one frame with the
    bundle's key in :data:`LIST_COLUMN` (bundles in the order given)."""
    frames = [bundle_completion(items, b, lang=lang).assign(**{LIST_COLUMN: bundle_text(b)}) for b in bundles]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["customer_id", "missing_item", "bundle", "have", "reason", LIST_COLUMN])
    return pd.concat(frames, ignore_index=True)


def split_date(as_of: date, choice: CrossSellChoice) -> date:
    """Where the hold-out check splits: ``choice.holdout_months`` months before ``as_of``."""
    return _months_before(as_of, choice.holdout_months)


def holdout(orders: pd.DataFrame, choice: CrossSellChoice, *, as_of: date) -> HoldoutResult:
    """The hold-out check with the choice's baskets and thresholds: rules mined on the lines before
    :func:`split_date` (same basket window length, when one is set), offers scored on the purchases from the split
    to ``as_of`` against the popularity baseline (:func:`crm_core.basket.actions.holdout_score`)."""
    split = split_date(as_of, choice)
    fitted = mine(orders, choice, as_of=split)
    rules = offer_rules(fitted.rules, choice)
    before = items_of(orders, choice, as_of=split)
    after = _without_excluded(customer_items(orders, level=choice.level, as_of=as_of, since=split), choice)
    return holdout_score(rules, before, after, n=choice.offers)


# ------------------------------------------------------------------------------------------- the lists
def _customers(customers: pd.DataFrame) -> pd.DataFrame:
    frame = customers.reset_index() if "customer_id" not in customers.columns else customers
    return frame.assign(customer_id=frame["customer_id"].astype(str))


def offer_table(customers: pd.DataFrame, offers: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per customer with an offer: the customer table's row with the first offer (``offer_item``,
    ``offer_reason``, ``offer_confidence``, ``offer_lift``, ``offer_rule``), the other offers in words
    (``more_offers``, "B (45%); C (30%)"), the first offer's ``beats_popularity`` when ``offers`` has it
    (:func:`flag_offers`) and :data:`LIST_COLUMN` = :data:`OFFER_KEY`.  Customers not in
    ``customers`` (outside the analysis filters) are left out."""
    frame = _customers(customers)
    if offers.empty:
        blank = {c: pd.Series(dtype=object) for c in ("offer_item", "offer_reason", "offer_rule", "more_offers")}
        numbers = {c: pd.Series(dtype=float) for c in ("offer_confidence", "offer_lift")}
        return frame.iloc[0:0].assign(**blank, **numbers, **{LIST_COLUMN: pd.Series(dtype=object)})
    first = offers[offers["rank"] == 1].set_index("customer_id")
    sep = "；" if lang == "zh" else "; "
    rest = offers[offers["rank"] > 1]
    more = rest.groupby("customer_id", sort=False).apply(
        lambda g: sep.join(f"{i} ({c * 100:.0f}%)" for i, c in zip(g["item"], g["confidence"], strict=True)),
        include_groups=False) if len(rest) else pd.Series(dtype=object)
    joined = frame[frame["customer_id"].isin(first.index)].copy()
    ids = joined["customer_id"]
    joined["offer_item"] = ids.map(first["item"]).to_numpy()
    joined["offer_reason"] = ids.map(first["reason"]).to_numpy()
    joined["offer_confidence"] = ids.map(first["confidence"]).astype(float).to_numpy()
    joined["offer_lift"] = ids.map(first["lift"]).astype(float).to_numpy()
    joined["offer_rule"] = ids.map(first["rule"]).to_numpy()
    joined["more_offers"] = [m if isinstance(m, str) else "" for m in ids.map(more)]
    if "beats_popularity" in first.columns:
        joined["beats_popularity"] = ids.map(first["beats_popularity"]).to_numpy()
    joined[LIST_COLUMN] = OFFER_KEY
    return joined.reset_index(drop=True)


def bundle_table(customers: pd.DataFrame, completion: pd.DataFrame) -> pd.DataFrame:
    """One row per customer and bundle to complete: the customer table's row with ``offer_item`` (the missing
    item), ``bundle``, ``bundle_have``, ``offer_reason`` and the bundle's key in :data:`LIST_COLUMN`."""
    added = ("offer_item", "bundle", "bundle_have", "offer_reason", LIST_COLUMN)
    # A table that already holds these columns (the combined table of with_offers): the bundle's values win.
    frame = _customers(customers).drop(columns=list(added), errors="ignore")
    if completion.empty:
        return frame.iloc[0:0].assign(**{c: pd.Series(dtype=object) for c in added})
    rows = completion.rename(columns={"missing_item": "offer_item", "have": "bundle_have", "reason": "offer_reason"})
    rows = rows.assign(customer_id=rows["customer_id"].astype(str))
    return frame.merge(rows, on="customer_id", how="inner").reset_index(drop=True)


def with_offers(table: pd.DataFrame, offers: pd.DataFrame, completion: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The combined customer table with the cross-sell columns for the campaign builder: ``offer_item``,
    ``offer_reason``, ``offer_confidence``, ``more_offers`` (first next-best offer, blank without one) and
    ``bundle_item`` / ``bundle`` (the missing item of the first bundle the customer can complete)."""
    listed = offer_table(table, offers, lang).set_index("customer_id")
    ids = table["customer_id"].astype(str) if "customer_id" in table.columns else table.index.astype(str)
    out = table.copy()
    for column in ("offer_item", "offer_reason", "offer_confidence", "more_offers"):
        values = listed[column] if column in listed.columns else pd.Series(dtype=object)
        out[column] = ids.map(values).to_numpy()
    first = completion.drop_duplicates("customer_id") if len(completion) else completion
    first = first.assign(customer_id=first["customer_id"].astype(str)).set_index("customer_id") if len(first) else None
    out["bundle_item"] = ids.map(first["missing_item"]).to_numpy() if first is not None else None
    out["bundle"] = ids.map(first["bundle"]).to_numpy() if first is not None else None
    return out


@dataclass(frozen=True)
class OfferList:
    """The next-best-offer list as a Segmentation: one group (:data:`OFFER_KEY`) on :data:`LIST_COLUMN`.

    ``rules_words``: how the rules were made, in both languages (shown in the list's description); ``choice``: the
    cross-sell choice that made the offers (in the list id)."""

    n: int = 3
    rules_words: Localized = Localized(en="", zh="")
    choice: CrossSellChoice | None = None
    key_column: str = field(default=LIST_COLUMN, init=False)

    def fingerprint(self) -> dict:
        """What decides the list besides the data, for its list id (``XS-…``): the cross-sell choice."""
        return {"crosssell": None if self.choice is None else self.choice.to_dict(), "list": "offers", "n": self.n}

    def segments(self) -> tuple[str, ...]:
        return (OFFER_KEY,)

    def text(self, key: str, field: str, lang: str = "en") -> str:
        if key != OFFER_KEY:
            return ""
        zh = lang == "zh"
        if field == "name":
            return "下一最佳推荐" if zh else "Next-best offers"
        if field == "description":
            base = (f"每位顾客最多 {self.n} 个尚未购买的商品，来自与其购买记录相符的关联规则" if zh else
                    f"Up to {self.n} products per customer, not yet bought, from the rules matching their purchases")
            words = self.rules_words.text(lang)
            return f"{base}（{words}）" if zh and words else f"{base} ({words})" if words else base
        if field == "action":
            return "推荐“推荐商品”列中的商品，“推荐理由”说明依据的规则" if zh else \
                "Offer the product in “Product to offer”; “Why this product” gives the rule"
        return ""


@dataclass(frozen=True)
class BundleList:
    """The bundle-completion lists as a Segmentation: one group per bundle (key "A + B + C") on
    :data:`LIST_COLUMN`."""

    bundles: tuple[tuple[str, ...], ...] = ()
    choice: CrossSellChoice | None = None
    key_column: str = field(default=LIST_COLUMN, init=False)

    def fingerprint(self) -> dict:
        """What decides the lists besides the data, for their list id (``XS-…``): the bundles and the choice."""
        return {"crosssell": None if self.choice is None else self.choice.to_dict(), "list": "bundles",
                "bundles": [list(b) for b in self.bundles]}

    def segments(self) -> tuple[str, ...]:
        return tuple(bundle_text(b) for b in self.bundles)

    def text(self, key: str, field: str, lang: str = "en") -> str:
        keys = self.segments()
        if key not in keys:
            return ""
        zh = lang == "zh"
        number = keys.index(key) + 1
        if field == "name":
            return f"组合{number} · {key}" if zh else f"Bundle {number} · {key}"
        if field == "description":
            return f"买齐了组合 {key} 中除一件以外所有商品的顾客" if zh else \
                f"Customers who bought all of {key} but one item"
        if field == "action":
            return "推荐所缺的那件商品，凑齐组合" if zh else "Offer the missing item to complete the bundle"
        return ""


def flag_offers(offers: pd.DataFrame, checked: HoldoutResult | None) -> pd.DataFrame:
    """``offers`` with ``beats_popularity``: whether the offer's rule (the same rule, fitted on the earlier
    period) beat the popularity baseline in the hold-out check (:func:`holdout`); None when the check did not
    test that rule (it did not exist then, or no customer with the offer bought afterwards)."""
    if checked is None or checked.rules_flagged.empty or offers.empty:
        return offers.assign(beats_popularity=pd.Series([None] * len(offers), index=offers.index, dtype=object))
    verdict = {(r, i): bool(b) for r, i, b in zip(checked.rules_flagged["rule"], checked.rules_flagged["item"],
                                                   checked.rules_flagged["beats_popularity"], strict=True)}
    flags = [verdict.get((r, i)) for r, i in zip(offers["rule"], offers["item"], strict=True)]
    return offers.assign(beats_popularity=pd.Series(flags, index=offers.index, dtype=object))
