"""Cached wrappers of the cross-sell core (:mod:`crm_core.basket.crosssell`) for the Cross-sell page and the
campaign builder.

Same rules as :mod:`ui.cached`: keyed on the :class:`ui.cached.DatasetKey`, the analysis date and window, and the
part of the :class:`CrossSellChoice` that matters for each step, so a slider changes only what depends on it:

- the baskets and their frequent itemsets (the costly step) depend on the basket options, the support and the
  maximum length: :func:`itemsets`, shared read-only (never mutate what it returns);
- the rules add the confidence: :func:`rules`;
- the offers and bundles add the lift, the pruning, the number of offers and the bundles chosen;
- the hold-out check mines again on the earlier period: :func:`holdout`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from crm_core.basket import crosssell as cs
from crm_core.basket.actions import HoldoutResult
from crm_core.basket.baskets import Baskets
from crm_core.settings import Scope
from ui import cached, cached_segments
from ui.cached import DatasetKey

__all__ = ["CACHES", "Found", "bundles", "fixed_charts", "holdout", "item_names", "itemsets", "items", "network_spec",
           "offers", "rules", "with_offers"]

_DEFAULT = cs.CrossSellChoice()


def itemset_part(choice: cs.CrossSellChoice) -> cs.CrossSellChoice:
    """What decides the baskets and itemsets (everything else at its default, so other changes hit the cache)."""
    return replace(_DEFAULT, level=choice.level, by=choice.by, months=choice.months, min_size=choice.min_size,
                   max_size=choice.max_size, exclude=choice.exclude, min_support=choice.min_support,
                   max_len=choice.max_len)


def rule_part(choice: cs.CrossSellChoice) -> cs.CrossSellChoice:
    return replace(itemset_part(choice), min_confidence=choice.min_confidence)


@dataclass(frozen=True, eq=False)
class Found:
    """Baskets and itemsets with the seconds the mining took (shown to her)."""

    baskets: Baskets
    itemsets: pd.DataFrame
    seconds: float


@cached._shared(4)
def _itemsets(key: DatasetKey, as_of: date, scope: Scope, part: cs.CrossSellChoice) -> Found:
    orders = cached_segments.scoped_orders(key, as_of, scope)
    start = time.perf_counter()
    baskets, found = cs.mine_itemsets(orders, part, as_of=as_of)
    return Found(baskets=baskets, itemsets=found, seconds=time.perf_counter() - start)


def itemsets(key: DatasetKey, as_of: date, scope: Scope, choice: cs.CrossSellChoice) -> Found:
    """The baskets and frequent itemsets of the choice (shared, read-only)."""
    return _itemsets(key, as_of, scope, itemset_part(choice))


@cached._shared(8)
def _rules(key: DatasetKey, as_of: date, scope: Scope, part: cs.CrossSellChoice) -> pd.DataFrame:
    found = _itemsets(key, as_of, scope, itemset_part(part))
    return cs.mine_rules(found.baskets, found.itemsets, part)


def rules(key: DatasetKey, as_of: date, scope: Scope, choice: cs.CrossSellChoice) -> pd.DataFrame:
    """All rules at the choice's support and confidence (shared, read-only)."""
    return _rules(key, as_of, scope, rule_part(choice))


@cached._cache(8)
def item_names(key: DatasetKey, as_of: date, scope: Scope, level: str) -> list[str]:
    """The item labels at ``level`` in the analysis window, most frequent first (for the exclusion list)."""
    orders = cached_segments.scoped_orders(key, as_of, scope)
    if level not in orders.columns:
        return []
    return [str(x) for x in orders[level].dropna().astype(str).value_counts().index]


@cached._shared(4)
def _items(key: DatasetKey, as_of: date, scope: Scope, level: str, exclude: tuple[str, ...]) -> dict:
    orders = cached_segments.scoped_orders(key, as_of, scope)
    return cs.items_of(orders, replace(_DEFAULT, level=level, exclude=exclude), as_of=as_of)


def items(key: DatasetKey, as_of: date, scope: Scope, choice: cs.CrossSellChoice) -> dict:
    """What each customer bought (at the choice's level, excluded items left out): shared, read-only."""
    return _items(key, as_of, scope, choice.level, choice.exclude)


def _offer_part(choice: cs.CrossSellChoice) -> cs.CrossSellChoice:
    return replace(rule_part(choice), min_lift=choice.min_lift, prune=choice.prune, offers=choice.offers)


@cached._cache(8)
def _offers(key: DatasetKey, as_of: date, scope: Scope, part: cs.CrossSellChoice, lang: str) -> pd.DataFrame:
    chosen = cs.offer_rules(_rules(key, as_of, scope, rule_part(part)), part)
    return cs.next_offers(items(key, as_of, scope, part), chosen, part, lang=lang)


def offers(key: DatasetKey, as_of: date, scope: Scope, choice: cs.CrossSellChoice, lang: str) -> pd.DataFrame:
    """The next-best offers (:func:`crm_core.basket.crosssell.next_offers`) of the rules that make offers."""
    return _offers(key, as_of, scope, _offer_part(choice), lang)


@cached._cache(8)
def bundles(key: DatasetKey, as_of: date, scope: Scope, choice: cs.CrossSellChoice, chosen: tuple[tuple[str, ...], ...],
            lang: str) -> pd.DataFrame:
    """Bundle completion for the ``chosen`` bundles (:func:`crm_core.basket.crosssell.bundle_offers`)."""
    return cs.bundle_offers(items(key, as_of, scope, choice), chosen, lang=lang)


@cached._shared(4)
def _holdout(key: DatasetKey, as_of: date, scope: Scope, part: cs.CrossSellChoice) -> HoldoutResult:
    return cs.holdout(cached_segments.scoped_orders(key, as_of, scope), part, as_of=as_of)


def holdout(key: DatasetKey, as_of: date, scope: Scope, choice: cs.CrossSellChoice) -> HoldoutResult:
    """The hold-out check (:func:`crm_core.basket.crosssell.holdout`), shared read-only."""
    return _holdout(key, as_of, scope, replace(_offer_part(choice), holdout_months=choice.holdout_months))


def with_offers(table: pd.DataFrame, key: DatasetKey, as_of: date, scope: Scope, choice: cs.CrossSellChoice,
                lang: str) -> pd.DataFrame:
    """The combined customer table with the cross-sell columns (:func:`crm_core.basket.crosssell.with_offers`):
    the first next-best offer and the missing item of the first bundle each customer can complete."""
    found = itemsets(key, as_of, scope, choice)
    chosen = cs.bundles_to_complete(found.itemsets, choice)
    return cs.with_offers(table, offers(key, as_of, scope, choice, lang), bundles(key, as_of, scope, choice, chosen,
                                                                               lang), lang)


# --- chart specs: what does not change with the rule filters is drawn once ------------------------------------------
@cached._cache(8)
def _fixed_charts(key: DatasetKey, as_of: date, scope: Scope, part: cs.CrossSellChoice, lang: str) -> tuple:
    from ui import basket_charts

    found = _itemsets(key, as_of, scope, part)
    singles = found.itemsets[found.itemsets["length"] == 1]
    supports = {str(s[0]): float(v) for s, v in zip(singles["itemset"], singles["support"], strict=True)}
    return (basket_charts.top_items(found.baskets, top=15).to_dict(),
            basket_charts.top_pairs(found.itemsets, top=15).to_dict(), supports)


def fixed_charts(key: DatasetKey, as_of: date, scope: Scope, choice: cs.CrossSellChoice,
                 lang: str) -> tuple[dict, dict, dict[str, float]]:
    """The top items and top pairs charts (Vega-Lite specs) and each item's support, for the mined baskets."""
    return _fixed_charts(key, as_of, scope, itemset_part(choice), lang)


_NETWORK_COLUMNS = ("antecedents", "consequents", "lift", "confidence")


@cached._cache(16)
def _network(best: tuple, supports: tuple, lang: str) -> dict:
    from ui import basket_charts

    rules = pd.DataFrame(list(best), columns=list(_NETWORK_COLUMNS))
    return basket_charts.item_network(rules, top=len(rules), supports=dict(supports)).to_dict()


def network_spec(rules: pd.DataFrame, supports: dict[str, float], lang: str, *, top: int = 30) -> dict:
    """The item network of the ``top`` rules with the highest lift (Vega-Lite spec), drawn again only when those
    rules change (a higher lift floor seldom changes them)."""
    from ui import basket_charts

    if rules.empty:
        return basket_charts.item_network(rules).to_dict()
    best = rules.sort_values(["lift", "confidence"], ascending=False, kind="stable").head(top)
    rows = tuple(zip(best["antecedents"], best["consequents"], best["lift"].astype(float),
                     best["confidence"].astype(float), strict=True))
    items = {i for side in (best["antecedents"], best["consequents"]) for tup in side for i in tup}
    return _network(rows, tuple(sorted((i, supports[i]) for i in items if i in supports)), lang)


CACHES = (item_names, _itemsets, _rules, _items, _offers, bundles, _holdout, _fixed_charts, _network)
