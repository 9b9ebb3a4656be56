"""Cross-selling: baskets (:mod:`.baskets`), frequent itemsets (:mod:`.mining`), association rules (:mod:`.rules`)
and what to do with them (:mod:`.actions`: bundle completion, next-best offers, the hold-out check).

The names below are imported on first use (see :func:`crm_core.lazy_exports`): importing the package costs nothing.
"""

from __future__ import annotations

from crm_core import lazy_exports

_HOME = {
    "BasketOptions": "baskets",
    "Baskets": "baskets",
    "build_baskets": "baskets",
    "frequent_itemsets": "mining",
    "estimate_memory": "mining",
    "min_count": "mining",
    "association_rules": "rules",
    "filter_rules": "rules",
    "prune_redundant": "rules",
    "rule_sentence": "rules",
    "conviction_text": "rules",
    "search_rules": "rules",
    "sort_rules": "rules",
    "rules_table": "rules",
    "customer_items": "actions",
    "bundle_candidates": "actions",
    "bundle_completion": "actions",
    "next_best_offers": "actions",
    "popularity_offers": "actions",
    "holdout_check": "actions",
    "holdout_score": "actions",
    "HoldoutResult": "actions",
    "CrossSellChoice": "crosssell",
    "Mined": "crosssell",
    "OfferList": "crosssell",
    "BundleList": "crosssell",
    "mine": "crosssell",
    "mine_itemsets": "crosssell",
    "mine_rules": "crosssell",
    "offer_rules": "crosssell",
    "items_of": "crosssell",
    "next_offers": "crosssell",
    "bundles_to_complete": "crosssell",
    "bundle_offers": "crosssell",
    "holdout": "crosssell",
    "flag_offers": "crosssell",
    "offer_table": "crosssell",
    "bundle_table": "crosssell",
    "with_offers": "crosssell",
}
__getattr__, __all__ = lazy_exports(__name__, _HOME)
