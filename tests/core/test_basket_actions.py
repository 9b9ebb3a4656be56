"""Cross-sell actions: customer items, bundle completion, next-best offers, popularity baseline, hold-out check.

Hand-computed on six customers; then the sample generator's planted bundles and 2-of-3 buyers.
"""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.basket import actions
from crm_core.sample.catalog import BUNDLES

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "sample_data" / "orders_zh.csv"
TRUTH = ROOT / "sample_data" / "truth.csv"
CATEGORY = {"A": "X", "B": "X", "C": "X", "D": "Y", "E": "Y"}

# (customer, order, date, product, is_return)
LINES = [
    ("C1", "o1", "2025-01-05", "A", False), ("C1", "o1", "2025-01-05", "B", False),
    ("C1", "o1", "2025-01-05", "C", False),
    ("C2", "o2", "2025-01-10", "A", False), ("C2", "o2", "2025-01-10", "B", False),
    ("C3", "o3", "2025-01-12", "A", False), ("C3", "o3", "2025-01-12", "C", False),
    ("C3", "o4", "2025-02-01", "D", False),
    ("C4", "o5", "2025-01-15", "B", False), ("C4", "o5", "2025-01-15", "C", False),
    ("C4", "o6", "2025-01-20", "A", True),  # a return: not bought
    ("C5", "o7", "2025-01-20", "A", False),
    ("C6", "o9", "2025-02-20", "D", False), ("C6", "o9", "2025-02-20", "E", False),
    # after the split (2025-03-01)
    ("C5", "o8", "2025-03-01", "B", False),
    ("C6", "o10", "2025-03-05", "C", False),
    ("C2", "o11", "2025-03-10", "C", False),
    ("C3", "o12", "2025-03-15", "B", False),
    ("C4", "o13", "2025-03-20", "D", False),
    ("C1", "o14", "2025-04-02", "E", False),  # on/after as_of 2025-04-01: left out
]
SPLIT, AS_OF = date(2025, 3, 1), date(2025, 4, 1)


@pytest.fixture(scope="module")
def orders():
    frame = pd.DataFrame(LINES, columns=["customer_id", "order_id", "order_date", "product", "is_return"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    frame["category"] = frame["product"].map(CATEGORY)
    return frame


@pytest.fixture(scope="module")
def before(orders):
    return actions.customer_items(orders, as_of=SPLIT)


def _rule(ante, cons, confidence, lift):
    return {"antecedents": tuple(ante), "consequents": tuple(cons), "support": 0.1, "confidence": confidence,
            "lift": lift}


RULES = pd.DataFrame([
    _rule("A", "B", 0.5, 1.0),
    _rule("A", "C", 0.5, 1.2),
    _rule("AB", "C", 0.5, 1.5),
    _rule("D", "E", 0.5, 3.0),
    _rule("B", "A", 2 / 3, 1.3),
    _rule("A", "BC", 0.9, 2.0),  # two-item consequent: never an offer
])


def test_customer_items_leave_out_returns_and_dates(orders, before):
    f = frozenset
    assert before == {"C1": f("ABC"), "C2": f("AB"), "C3": f("ACD"), "C4": f("BC"), "C5": f("A"), "C6": f("DE")}
    later = actions.customer_items(orders, as_of=AS_OF, since=SPLIT)
    assert later == {"C2": f("C"), "C3": f("B"), "C4": f("D"), "C5": f("B"), "C6": f("C")}
    cats = actions.customer_items(orders, level="category", as_of=SPLIT)
    assert cats == {"C1": f({"X"}), "C2": f({"X"}), "C3": f({"X", "Y"}), "C4": f({"X"}), "C5": f({"X"}),
                    "C6": f({"Y"})}
    with pytest.raises(ValueError):
        actions.customer_items(orders, level="sku")


def test_bundle_completion_by_hand(before):
    table = actions.bundle_completion(before, ("C", "A", "B"))
    assert list(table.columns) == list(actions.BUNDLE_COLUMNS)
    # C1 has all three, C5 and C6 miss two or more: left out. Sorted by missing item.
    assert list(zip(table["customer_id"], table["missing_item"], strict=True)) == [("C4", "A"), ("C3", "B"),
                                                                                    ("C2", "C")]
    row = table.iloc[2]
    assert row["bundle"] == "A + B + C" and row["have"] == "A and B"
    assert row["reason"] == "Bought A and B of the popular bundle A + B + C, not yet C"
    zh = actions.bundle_completion(before, ("A", "B", "C"), lang="zh")
    assert zh.iloc[2]["reason"] == "已购买热门组合 A + B + C 中的 A、B，尚未购买 C"
    assert zh.iloc[0]["have"] == "B、C"
    pair = actions.bundle_completion(before, ("D", "E"))
    assert list(pair["customer_id"]) == ["C3"] and list(pair["missing_item"]) == ["E"]
    assert actions.bundle_completion(before, ("A",)).empty


def test_bundle_candidates_most_popular_first():
    itemsets = pd.DataFrame({"itemset": [("A",), ("A", "B"), ("A", "C"), ("A", "B", "C"), ("B", "C"), ("D", "E")],
                             "support": [0.8, 0.5, 0.5, 0.5, 0.3, 0.5]})
    top = actions.bundle_candidates(itemsets, top=3)
    assert list(top["itemset"]) == [("A", "B", "C"), ("A", "B"), ("A", "C")]
    assert list(actions.bundle_candidates(itemsets, min_len=3)["itemset"]) == [("A", "B", "C")]


def test_next_best_offers_by_hand(before):
    offers = actions.next_best_offers(before, RULES, n=3)
    assert list(offers.columns) == list(actions.OFFER_COLUMNS)
    got = list(zip(offers["customer_id"], offers["rank"], offers["item"], offers["rule"], strict=True))
    assert got == [
        ("C2", 1, "C", "A + B → C"),  # A → C and A + B → C tie on confidence: the higher lift wins
        ("C3", 1, "E", "D → E"), ("C3", 2, "B", "A → B"),  # same confidence, lift 3.0 before 1.0
        ("C4", 1, "A", "B → A"),
        ("C5", 1, "C", "A → C"), ("C5", 2, "B", "A → B"),
    ]  # C1 has everything offered, C6 has E: no row
    c2 = offers.iloc[0]
    assert (c2["confidence"], c2["lift"]) == (0.5, 1.5)
    assert c2["reason"] == "50% of orders with A and B also had C, 1.5 times the average"
    by_customer = actions.next_best_offers(before, RULES, n=1, by="customer")
    assert by_customer.iloc[0]["reason"] == "50% of customers who bought A and B also bought C, 1.5 times the average"
    zh = actions.next_best_offers(before, RULES, n=1, lang="zh", by="customer")
    assert list(zh["item"]) == ["C", "E", "A", "C"]
    assert zh.iloc[2]["reason"] == "买了B的顾客中有67%也买了A，是平均水平的1.3倍"
    assert zh.iloc[0]["reason"] == "买了A、B的顾客中有50%也买了C，是平均水平的1.5倍"
    assert actions.next_best_offers(before, RULES.iloc[0:0]).empty
    only_pair = actions.next_best_offers(before, RULES.iloc[[2]])  # antecedents all of one length
    assert list(zip(only_pair["customer_id"], only_pair["item"], strict=True)) == [("C2", "C")]
    assert only_pair.iloc[0]["rule"] == "A + B → C"


def test_popularity_offers_by_hand(before):
    # Customers who bought: A 4, B 3, C 3, D 2, E 1 (ties by name).
    assert list(actions.item_popularity(before).items()) == [("A", 4), ("B", 3), ("C", 3), ("D", 2), ("E", 1)]
    offers = actions.popularity_offers(before, n=2)
    got = offers.groupby("customer_id")["item"].agg(tuple).to_dict()
    assert got == {"C1": ("D", "E"), "C2": ("C", "D"), "C3": ("B", "E"), "C4": ("A", "D"), "C5": ("B", "C"),
                   "C6": ("A", "B")}
    assert list(offers["rank"]) == [1, 2] * 6


def test_holdout_score_by_hand(orders, before):
    after = actions.customer_items(orders, as_of=AS_OF, since=SPLIT)
    # n = 1. Offers: C2 C, C3 E, C4 A, C5 C; bought after the split: C2 C, C3 B, C4 D, C5 B, C6 C.
    # Counted: C2..C5 (C6 has no offer, C1 no purchase). Rules hit C2 only; popularity offers C2 C, C3 B,
    # C4 A, C5 B: three hits.
    one = actions.holdout_score(RULES, before, after, n=1)
    assert (one.customers, one.hits, one.baseline_hits) == (4, 1, 3)
    assert (one.hit_rate, one.baseline_hit_rate, one.beats_popularity) == (0.25, 0.75, False)
    # n = 2: rules add C3 B and C5 B (hits), popularity adds C4 D: 3 of 4 against 4 of 4.
    two = actions.holdout_score(RULES, before, after, n=2)
    assert (two.customers, two.hits, two.baseline_hits, two.beats_popularity) == (4, 3, 4, False)
    flags = two.rules_flagged
    assert list(flags.columns) == list(actions.FLAG_COLUMNS)
    rows = {r.rule: (r.offers, r.hits, r.hit_rate, r.popularity_hit_rate, r.beats_popularity)
            for r in flags.itertuples()}
    # Popularity offers per customer (2 each): C2 hits 1 (C), C3 1 (B), C4 1 (D), C5 1 (B).
    assert rows == {"A → B": (2, 2, 1.0, 0.5, True), "A + B → C": (1, 1, 1.0, 0.5, True),
                    "A → C": (1, 0, 0.0, 0.5, False), "B → A": (1, 0, 0.0, 0.5, False),
                    "D → E": (1, 0, 0.0, 0.5, False)}
    assert list(flags["rule"]) == ["A → B", "A + B → C", "A → C", "B → A", "D → E"]
    # Only C3 buys, and buys the rule's E: the rules beat popularity (which offers C3 B).
    win = actions.holdout_score(RULES, before, {"C3": frozenset("E"), "C1": frozenset("E")}, n=1)
    assert (win.customers, win.hit_rate, win.baseline_hit_rate, win.beats_popularity) == (1, 1.0, 0.0, True)
    none = actions.holdout_score(RULES, before, {}, n=1)
    assert (none.customers, none.hit_rate, none.beats_popularity) == (0, 0.0, False) and none.rules_flagged.empty


# ----------------------------------------------------------------------------------------- planted truth
@pytest.fixture(scope="module")
def sample_orders():
    return pipeline.load(CSV.read_bytes(), CSV.name).result.orders


@pytest.fixture(scope="module")
def planted_gaps():
    truth = pd.read_csv(TRUTH, encoding="utf-8-sig", dtype=str)
    return truth.dropna(subset=["cross_sell_product"]).set_index("customer_id")["cross_sell_product"]


TRIPLES = [items for items in BUNDLES.values() if len(items) == 3]


def _by_hand_two_of_three(orders: pd.DataFrame, bundle: tuple[str, ...]) -> dict[str, str]:
    """Customers with exactly 2 of the bundle's items among their bought lines, counted with pandas."""
    bought = orders[~orders["is_return"] & orders["product"].isin(bundle)]
    have = bought.groupby("customer_id")["product"].agg(lambda s: set(s))
    return {c: (set(bundle) - items).pop() for c, items in have.items() if len(items) == 2}


@pytest.mark.parametrize("bundle", TRIPLES, ids=["coffee", "yoga"])
def test_bundle_completion_finds_the_planted_two_of_three_buyers(sample_orders, planted_gaps, bundle):
    items = actions.customer_items(sample_orders)
    table = actions.bundle_completion(items, bundle, lang="zh")
    found = dict(zip(table["customer_id"], table["missing_item"], strict=True))
    planted = {c: m for c, m in planted_gaps.items() if m in bundle}
    assert planted, "the sample plants 2-of-3 buyers of every 3-item bundle"
    # Every planted buyer is found, with their cross_sell_product as the missing item ...
    assert {c: found.get(c) for c in planted} == planted
    # ... and the others found are customers who reached 2 of 3 by chance over several orders (not planted:
    # the generator's 2-of-3 buyers hold the pair in one order), exactly those counted independently.
    assert found == _by_hand_two_of_three(sample_orders, bundle)


def _bundle_rules(orders: pd.DataFrame) -> pd.DataFrame:
    """Rules "two items of a 3-item bundle → the third", measured by hand on the order baskets."""
    bought = orders[~orders["is_return"]]
    baskets = bought.groupby("order_id")["product"].agg(frozenset)
    n = len(baskets)
    rows = []
    for bundle in TRIPLES:
        for missing in bundle:
            ante = tuple(sorted(set(bundle) - {missing}))
            has_ante = baskets.map(lambda b, a=ante: set(a) <= b)
            both = int((has_ante & baskets.map(lambda b, m=missing: m in b)).sum())
            cons = int(baskets.map(lambda b, m=missing: m in b).sum())
            confidence = both / int(has_ante.sum())
            rows.append(_rule(ante, (missing,), confidence, confidence / (cons / n)))
    return pd.DataFrame(rows)


def test_next_best_offer_ranks_the_planted_product_first(sample_orders, planted_gaps):
    rules = _bundle_rules(sample_orders)
    assert (rules["confidence"] > 0.5).all() and (rules["lift"] > 2).all()
    offers = actions.next_best_offers(actions.customer_items(sample_orders), rules, n=3)
    offered = offers.set_index(["customer_id", "item"])
    ranks = {c: offered["rank"].get((c, m)) for c, m in planted_gaps.items()}
    assert all(r is not None for r in ranks.values()), "every planted buyer is offered their missing product"
    # Ranked first, unless the customer also holds 2 of the other 3-item bundle (by chance, over several
    # orders) and that bundle's rule is more confident: then that item comes first, the planted one second.
    items = actions.customer_items(sample_orders)
    for customer, rank in ranks.items():
        if rank == 1:
            continue
        assert rank == 2
        top = offers[(offers["customer_id"] == customer) & (offers["rank"] == 1)].iloc[0]
        other = next(b for b in TRIPLES if top["item"] in b)
        assert planted_gaps[customer] not in other and len(set(other) & items[customer]) == 2
        mine = offered.loc[(customer, planted_gaps[customer])]
        assert (top["confidence"], top["lift"]) > (mine["confidence"], mine["lift"])
    firsts = sum(r == 1 for r in ranks.values())
    assert firsts >= len(ranks) - 2  # on the committed sample: 23 of 25 first, 2 second


# ------------------------------------------------------------------------------- with the mining engine
FUTURE = ROOT / "sample_data" / "orders_future_zh.csv"
SUPPORT, CONFIDENCE = 0.005, 0.2


def _engine_rules(orders: pd.DataFrame, as_of=None) -> pd.DataFrame:
    from crm_core.basket import baskets, mining, rules

    found = baskets.build_baskets(orders, as_of=as_of)
    return rules.association_rules(mining.frequent_itemsets(found, SUPPORT), found.n, min_confidence=CONFIDENCE)


def test_engine_rules_offer_the_planted_product(sample_orders, planted_gaps):
    mined = _engine_rules(sample_orders)
    by_hand = _bundle_rules(sample_orders).set_index(["antecedents", "consequents"])
    engine = mined.set_index(["antecedents", "consequents"]).loc[by_hand.index]
    assert engine["confidence"].to_numpy() == pytest.approx(by_hand["confidence"].to_numpy())
    assert engine["lift"].to_numpy() == pytest.approx(by_hand["lift"].to_numpy())
    offers = actions.next_best_offers(actions.customer_items(sample_orders), mined, n=3)
    ranks = offers.set_index(["customer_id", "item"])["rank"]
    got = [ranks.get((c, m)) for c, m in planted_gaps.items()]
    # Same as with the by-hand bundle rules: first for all but the two who hold 2 of the other bundle too.
    assert sorted(got) == [1] * (len(got) - 2) + [2, 2]


def _independent_holdout(lines_before: pd.DataFrame, lines_after: pd.DataFrame, rules: pd.DataFrame, n: int):
    """Hit counts at n by plain loops over the raw lines: (customers, rule hits, popularity hits)."""
    before: dict[str, set] = {}
    for row in lines_before[~lines_before["is_return"]].itertuples():
        before.setdefault(row.customer_id, set()).add(row.product)
    after: dict[str, set] = {}
    for row in lines_after[~lines_after["is_return"]].itertuples():
        after.setdefault(row.customer_id, set()).add(row.product)
    counts: dict[str, int] = {}
    for items in before.values():
        for item in items:
            counts[item] = counts.get(item, 0) + 1
    popular = sorted(counts, key=lambda i: (-counts[i], i))
    single = [r for r in rules.itertuples() if len(r.consequents) == 1]
    customers = hits = base_hits = 0
    for customer, items in before.items():
        best: dict[str, tuple] = {}
        for r in single:
            item = r.consequents[0]
            if set(r.antecedents) <= items and item not in items:
                key = (-r.confidence, -r.lift, item)
                best[item] = min(best.get(item, key), key)
        offered = [k[2] for k in sorted(best.values())][:n]
        if not offered or not after.get(customer):
            continue
        customers += 1
        hits += any(i in after[customer] for i in offered)
        base = [i for i in popular if i not in items][:n]
        base_hits += any(i in after[customer] for i in base)
    return customers, hits, base_hits


def test_holdout_check_inside_the_history_by_independent_count(sample_orders):
    split, as_of = date(2025, 10, 1), date(2026, 1, 1)
    result = actions.holdout_check(sample_orders, split=split, as_of=as_of, min_support=SUPPORT,
                                   min_confidence=CONFIDENCE, n=3)
    dates = sample_orders["order_date"]
    expected = _independent_holdout(sample_orders[dates < pd.Timestamp(split)],
                                     sample_orders[(dates >= pd.Timestamp(split)) & (dates < pd.Timestamp(as_of))],
                                     _engine_rules(sample_orders, as_of=split), 3)
    assert (result.customers, result.hits, result.baseline_hits) == expected
    assert result.customers > 100 and result.hit_rate == result.hits / result.customers
    assert result.beats_popularity == (result.hits > result.baseline_hits)
    flags = result.rules_flagged
    assert flags["offers"].sum() == len(result.offers)  # every offer scored under one rule
    assert (flags["beats_popularity"] == (flags["hit_rate"] > flags["popularity_hit_rate"])).all()


def test_holdout_on_the_future_file_by_independent_count(sample_orders):
    future = pipeline.load(FUTURE.read_bytes(), FUTURE.name).result.orders
    rules = _engine_rules(sample_orders)
    result = actions.holdout_score(rules, actions.customer_items(sample_orders), actions.customer_items(future), n=3)
    assert (result.customers, result.hits, result.baseline_hits) == _independent_holdout(sample_orders, future,
                                                                                         rules, 3)
    assert result.customers > 50
