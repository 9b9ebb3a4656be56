"""What to do with the rules: bundle completion, next-best offers per customer and the hold-out check.

Everything here works on *customer items*: for each customer, the set of products (or categories) they
bought, returns left out, before a date (:func:`customer_items`).  The rules frame is the one of
:func:`crm_core.basket.rules.association_rules` (``antecedents`` and ``consequents`` as tuples, with
``confidence`` and ``lift``); only rules with a single-item consequent make offers.

Ordering is deterministic everywhere: ties are broken by item name, then customer id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

CustomerItems = Mapping[str, frozenset[str]]

__all__ = ["BUNDLE_COLUMNS", "FLAG_COLUMNS", "OFFER_COLUMNS", "POPULAR_COLUMNS", "HoldoutResult", "bundle_candidates",
           "bundle_completion", "bundle_reason", "bundle_text", "customer_items", "holdout_check", "holdout_score",
           "item_popularity", "next_best_offers", "offer_reason", "popularity_offers", "rule_text"]

BUNDLE_COLUMNS = ("customer_id", "missing_item", "bundle", "have", "reason")
OFFER_COLUMNS = ("customer_id", "rank", "item", "confidence", "lift", "rule", "reason")
POPULAR_COLUMNS = ("customer_id", "rank", "item", "customers")
FLAG_COLUMNS = ("rule", "item", "offers", "hits", "hit_rate", "popularity_hit_rate", "beats_popularity")


# ----------------------------------------------------------------------------------------------- words
def _listed(items: Iterable[str], lang: str) -> str:
    """Items for a sentence: "A, B and C" / "A、B、C"."""
    items = list(items)
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def bundle_text(itemset: Iterable[str]) -> str:
    """A bundle or an antecedent as a short label: "A + B + C" (items in the order given)."""
    return " + ".join(itemset)


def rule_text(antecedents: Iterable[str], consequents: Iterable[str]) -> str:
    """A rule as a short label: "A + B → C"."""
    return f"{bundle_text(antecedents)} → {bundle_text(consequents)}"


def bundle_reason(have: Iterable[str], itemset: Iterable[str], missing: str, lang: str = "en") -> str:
    """Why a customer is offered the missing item of a bundle, in ``lang``."""
    if lang == "zh":
        return f"已购买热门组合 {bundle_text(itemset)} 中的 {_listed(have, 'zh')}，尚未购买 {missing}"
    return f"Bought {_listed(have, 'en')} of the popular bundle {bundle_text(itemset)}, not yet {missing}"


def offer_reason(antecedents: Iterable[str], item: str, confidence: float, lift: float, lang: str = "en", *,
                 by: str = "order") -> str:
    """A rule-based offer in words, the rule's sentence (:func:`crm_core.basket.rules.rule_sentence`), e.g.
    "63% of orders with A also had C, 3.1 times the average" (``by="customer"``: "of customers who bought")."""
    from crm_core.basket.rules import rule_sentence

    row = {"antecedents": tuple(antecedents), "consequents": (item,), "confidence": confidence, "lift": lift}
    return rule_sentence(row, lang, by=by)


# ------------------------------------------------------------------------------------- customer items
def customer_items(orders: pd.DataFrame, *, level: str = "product", as_of: date | pd.Timestamp | None = None,
                   since: date | pd.Timestamp | None = None) -> dict[str, frozenset[str]]:
    """What each customer bought: ``{customer_id: frozenset of items}``, customers sorted by id.

    Parameters
    ----------
    orders : DataFrame
        Clean order lines (``customer_id``, ``order_date``, ``is_return`` and the ``level`` column).
    level : "product" or "category"
        The column the items are read from.
    as_of : date, optional
        Lines on or after it are left out (the analysis date, exclusive).
    since : date, optional
        Lines before it are left out (start of the window, inclusive).

    Return lines and lines without an item are left out; a customer with no line left is absent.
    """
    if level not in ("product", "category"):
        raise ValueError(f"level must be 'product' or 'category', not {level!r}")
    keep = ~orders["is_return"].astype(bool)
    if as_of is not None:
        keep &= orders["order_date"] < pd.Timestamp(as_of)
    if since is not None:
        keep &= orders["order_date"] >= pd.Timestamp(since)
    lines = orders.loc[keep, ["customer_id", level]].dropna()
    pairs = pd.DataFrame({"customer": lines["customer_id"].astype(str).to_numpy(),
                          "item": lines[level].astype(str).to_numpy()})
    pairs = pairs[pairs["item"].str.strip() != ""].drop_duplicates()
    codes, customers = pd.factorize(pairs["customer"], sort=True)
    order = np.argsort(codes, kind="stable")
    values = pairs["item"].to_numpy()[order]
    bounds = np.searchsorted(codes[order], np.arange(len(customers) + 1))
    return {str(c): frozenset(values[bounds[k]:bounds[k + 1]]) for k, c in enumerate(customers)}


# ---------------------------------------------------------------------------------- bundle completion
def bundle_candidates(itemsets: pd.DataFrame, min_len: int = 2, top: int = 20) -> pd.DataFrame:
    """The popular itemsets worth completing: length ≥ ``min_len``, most frequent first.

    Ties: the longer itemset first, then by the items' names.  Returns at most ``top`` rows of
    ``itemsets`` (same columns, index reset).
    """
    if itemsets.empty:
        return itemsets.reset_index(drop=True)
    frame = itemsets[itemsets["itemset"].map(len) >= min_len].copy()
    frame["_len"] = frame["itemset"].map(len)
    frame["_key"] = frame["itemset"].map(lambda s: tuple(sorted(s)))
    frame = frame.sort_values(["support", "_len", "_key"], ascending=[False, False, True], kind="mergesort")
    return frame.drop(columns=["_len", "_key"]).head(top).reset_index(drop=True)


def bundle_completion(customer_items: CustomerItems, itemset: Iterable[str], *, lang: str = "en") -> pd.DataFrame:
    """The customers who bought every item of ``itemset`` but exactly one, with the missing item to offer.

    Columns customer_id, missing_item, bundle ("A + B + C"), have (the items they have, in words) and
    reason (a sentence in ``lang``).  Sorted by missing item, then customer id.  An itemset of fewer than
    two items has no completion (empty frame).
    """
    items = tuple(sorted(set(itemset)))
    rows = []
    if len(items) >= 2:
        wanted = frozenset(items)
        for customer in sorted(customer_items):
            gap = wanted - customer_items[customer]
            if len(gap) != 1:
                continue
            missing = next(iter(gap))
            have = [i for i in items if i != missing]
            rows.append((customer, missing, bundle_text(items), _listed(have, lang),
                         bundle_reason(have, items, missing, lang)))
    frame = pd.DataFrame(rows, columns=list(BUNDLE_COLUMNS))
    return frame.sort_values(["missing_item", "customer_id"], kind="mergesort").reset_index(drop=True)


# -------------------------------------------------------------------------------------------- offers
def _incidence(customer_items: CustomerItems,
               extra: Iterable[str] = ()) -> tuple[list[str], dict[str, int], np.ndarray]:
    """Customers (sorted), item → column, and the customers × items bought matrix."""
    customers = sorted(customer_items)
    vocabulary = sorted(set().union(*customer_items.values(), extra)) if customer_items else sorted(set(extra))
    column = {item: j for j, item in enumerate(vocabulary)}
    matrix = np.zeros((len(customers), len(vocabulary)), dtype=bool)
    for i, c in enumerate(customers):
        matrix[i, [column[item] for item in customer_items[c]]] = True
    return customers, column, matrix


def _single_consequent(rules: pd.DataFrame) -> pd.DataFrame:
    if rules.empty:
        return rules.iloc[0:0]
    return rules[rules["consequents"].map(len) == 1]


def _rule_matches(customer_items: CustomerItems, rules: pd.DataFrame) -> pd.DataFrame:
    """Every (customer, rule) where the rule's antecedent is in the customer's items and its item is not.

    Columns customer_id, item, confidence, lift, rule, antecedents (tuple).
    """
    rules = _single_consequent(rules)
    columns = ["customer_id", "item", "confidence", "lift", "rule", "antecedents"]
    if rules.empty or not customer_items:
        return pd.DataFrame(columns=columns)
    needed = {i for a in rules["antecedents"] for i in a} | {c[0] for c in rules["consequents"]}
    customers, column, matrix = _incidence(customer_items, needed)
    who = np.asarray(customers, dtype=object)
    hits, which = [], []
    for r, (ante, cons) in enumerate(zip(rules["antecedents"], rules["consequents"], strict=True)):
        mask = ~matrix[:, column[cons[0]]]
        for a in ante:
            mask &= matrix[:, column[a]]
        found = np.flatnonzero(mask)
        hits.append(found)
        which.append(np.full(len(found), r))
    rows = np.concatenate(which) if which else np.zeros(0, dtype=int)
    if not len(rows):
        return pd.DataFrame(columns=columns)
    labels = [rule_text(a, c) for a, c in zip(rules["antecedents"], rules["consequents"], strict=True)]
    return pd.DataFrame({"customer_id": who[np.concatenate(hits)],
                         "item": np.asarray([c[0] for c in rules["consequents"]], dtype=object)[rows],
                         "confidence": rules["confidence"].to_numpy(dtype=float)[rows],
                         "lift": rules["lift"].to_numpy(dtype=float)[rows],
                         "rule": np.asarray(labels, dtype=object)[rows],
                         "antecedents": _objects(rules["antecedents"])[rows]})


def _objects(values: Iterable) -> np.ndarray:
    """A 1-d object array of the values (tuples stay whole, whatever their lengths)."""
    values = list(values)
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def next_best_offers(customer_items: CustomerItems, rules: pd.DataFrame, *, n: int = 3, lang: str = "en",
                     by: str = "order") -> pd.DataFrame:
    """The top ``n`` items per customer from the rules that match their history, items they have not bought.

    A rule matches when its antecedent is among the customer's items and its (single) consequent is not.
    Offers are ranked by confidence, then lift, then item name; an item offered by several rules keeps its
    best rule (then the shorter rule label).  Columns customer_id, rank (1..n), item, confidence, lift,
    rule ("A + B → C") and reason (the rule in words, in ``lang``; ``by`` says what the rules' baskets were,
    "order" or "customer", see :func:`crm_core.basket.rules.rule_sentence`).  Customers without a matching
    rule have no row.
    """
    matches = _rule_matches(customer_items, rules)
    if matches.empty:
        return pd.DataFrame(columns=list(OFFER_COLUMNS))
    best = _best_per_item(matches, n)
    best["reason"] = [offer_reason(a, i, c, lf, lang, by=by) for a, i, c, lf
                      in zip(best["antecedents"], best["item"], best["confidence"], best["lift"], strict=True)]
    return best[list(OFFER_COLUMNS)].reset_index(drop=True)


def _best_per_item(matches: pd.DataFrame, n: int) -> pd.DataFrame:
    # Ties on confidence and lift: the more general rule (fewer antecedent items), then by label.
    general = matches.assign(_size=matches["antecedents"].map(len))
    ordered = general.sort_values(["customer_id", "confidence", "lift", "item", "_size", "rule"],
                                  ascending=[True, False, False, True, True, True], kind="mergesort")
    ordered = ordered.drop(columns="_size").drop_duplicates(["customer_id", "item"], keep="first")
    ordered = ordered.assign(rank=ordered.groupby("customer_id").cumcount() + 1)
    return ordered[ordered["rank"] <= n].reset_index(drop=True)


def item_popularity(customer_items: CustomerItems) -> pd.Series:
    """Number of customers who bought each item, most popular first (ties by item name)."""
    counts: dict[str, int] = {}
    for items in customer_items.values():
        for item in items:
            counts[item] = counts.get(item, 0) + 1
    frame = pd.Series(counts, dtype="int64").rename_axis("item").rename("customers")
    return frame.reset_index().sort_values(["customers", "item"], ascending=[False, True],
                                           kind="mergesort").set_index("item")["customers"]


def popularity_offers(customer_items: CustomerItems, *, n: int = 3,
                      popularity: pd.Series | None = None) -> pd.DataFrame:
    """Baseline: each customer's ``n`` most popular items they have not bought.

    Popularity is the number of customers who bought the item (``popularity``, or counted on
    ``customer_items``); ties by item name.  Columns customer_id, rank, item, customers.
    """
    popular = item_popularity(customer_items) if popularity is None else popularity
    names, counts = list(popular.index), list(popular.to_numpy())
    rows = []
    for customer in sorted(customer_items):
        bought, rank = customer_items[customer], 0
        for item, count in zip(names, counts, strict=True):
            if rank == n:
                break
            if item not in bought:
                rank += 1
                rows.append((customer, rank, item, int(count)))
    return pd.DataFrame(rows, columns=list(POPULAR_COLUMNS))


# ------------------------------------------------------------------------------------ hold-out check
@dataclass(frozen=True, eq=False)
class HoldoutResult:
    """The hold-out check of the offers (see :func:`holdout_score` for the definitions).

    customers: the customers counted; hits / baseline_hits: those of them with at least one offered item
    bought after the split, with the rules' offers / the popularity offers; hit_rate, baseline_hit_rate the
    shares; beats_popularity: hit_rate > baseline_hit_rate; rules_flagged: one row per rule used
    (:data:`FLAG_COLUMNS`); offers: the rules' offers scored (with a ``bought`` column).
    """

    n: int
    customers: int
    hits: int
    baseline_hits: int
    hit_rate: float
    baseline_hit_rate: float
    beats_popularity: bool
    rules_flagged: pd.DataFrame = field(repr=False)
    offers: pd.DataFrame = field(repr=False)


def holdout_score(rules: pd.DataFrame, before: CustomerItems, after: CustomerItems, *, n: int = 3) -> HoldoutResult:
    """Hit rate at ``n`` of the rules' offers against the popularity baseline, on later purchases.

    ``before``: items bought before the split (the rules were fitted on that period; offers and the
    popularity ranking come from it).  ``after``: items bought from the split to the analysis date.

    Customers counted: those with at least one rule offer *and* at least one purchase after the split.
    A customer is a hit when at least one of their ``n`` offered items is among their items after the split;
    the baseline offers the same customers their ``n`` most popular items not yet bought (popularity = number
    of customers who bought the item before the split), scored the same way.

    Per rule (``rules_flagged``): the counted customers whose offer came from the rule (the rule kept for
    the item, see :func:`next_best_offers`); ``hit_rate`` the share of them who bought its item;
    ``popularity_hit_rate`` the share of the popularity offers made to these same customers that were bought
    (hits per offer, so both are rates per offer); ``beats_popularity`` is hit_rate > popularity_hit_rate.
    """
    offers = next_best_offers(before, rules, n=n)
    later = {c: items for c, items in after.items() if items}
    offers = offers[offers["customer_id"].isin(later)].reset_index(drop=True)
    offers["bought"] = [item in later[c] for c, item in zip(offers["customer_id"], offers["item"], strict=True)]
    counted = sorted(offers["customer_id"].unique())
    popular = popularity_offers({c: before[c] for c in counted}, n=n, popularity=item_popularity(before))
    popular["bought"] = [item in later[c] for c, item in zip(popular["customer_id"], popular["item"], strict=True)]
    hits = int(offers.groupby("customer_id")["bought"].any().sum()) if counted else 0
    base_hits = int(popular.groupby("customer_id")["bought"].any().sum()) if counted else 0
    rate = hits / len(counted) if counted else 0.0
    base = base_hits / len(counted) if counted else 0.0
    return HoldoutResult(n=n, customers=len(counted), hits=hits, baseline_hits=base_hits, hit_rate=rate,
                         baseline_hit_rate=base, beats_popularity=bool(counted) and rate > base,
                         rules_flagged=_flag_rules(offers, popular), offers=offers)


def _flag_rules(offers: pd.DataFrame, popular: pd.DataFrame) -> pd.DataFrame:
    if offers.empty:
        return pd.DataFrame(columns=list(FLAG_COLUMNS))
    per_customer = popular.groupby("customer_id")["bought"].agg(["sum", "count"])
    rows = []
    for (rule, item), group in offers.groupby(["rule", "item"], sort=True):
        who = per_customer.reindex(group["customer_id"].unique())
        pop_offers = int(who["count"].sum())
        pop_rate = float(who["sum"].sum()) / pop_offers if pop_offers else 0.0
        hits = int(group["bought"].sum())
        rate = hits / len(group)
        rows.append((rule, item, len(group), hits, rate, pop_rate, rate > pop_rate))
    frame = pd.DataFrame(rows, columns=list(FLAG_COLUMNS))
    return frame.sort_values(["hit_rate", "offers", "rule"], ascending=[False, False, True],
                             kind="mergesort").reset_index(drop=True)


def holdout_check(orders: pd.DataFrame, *, split: date, as_of: date, min_support: float, min_confidence: float,
                  n: int = 3, level: str = "product", max_len: int | None = None) -> HoldoutResult:
    """Fit the rules on the lines before ``split`` (baskets per order), then score them on [split, as_of).

    Uses :func:`crm_core.basket.baskets.build_baskets`, :func:`crm_core.basket.mining.frequent_itemsets` and
    :func:`crm_core.basket.rules.association_rules`; the scoring is :func:`holdout_score`.
    """
    from crm_core.basket.baskets import BasketOptions, build_baskets
    from crm_core.basket.mining import frequent_itemsets
    from crm_core.basket.rules import association_rules

    earlier = orders[orders["order_date"] < pd.Timestamp(split)]
    baskets = build_baskets(earlier, BasketOptions(level=level), as_of=split)
    itemsets = frequent_itemsets(baskets, min_support, max_len=max_len)
    rules = association_rules(itemsets, baskets.n, min_confidence=min_confidence)
    before = customer_items(orders, level=level, as_of=split)
    after = customer_items(orders, level=level, as_of=as_of, since=split)
    return holdout_score(rules, before, after, n=n)
