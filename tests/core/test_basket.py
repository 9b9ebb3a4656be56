"""Baskets, frequent itemsets and association rules, checked by hand on six baskets and against mlxtend."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crm_core.basket import mining, rules
from crm_core.basket.baskets import BasketOptions, Baskets, build_baskets
from crm_core.schema import DataError

# bread 4 (1,2,4,5), milk 5 (1,2,3,5,6), butter 4 (2,3,4,5), jam 1 (5); every pair of bread/milk/butter 3; all three 2
SIX = [["bread", "milk"], ["bread", "butter", "milk"], ["butter", "milk"], ["bread", "butter"],
       ["bread", "butter", "milk", "jam"], ["milk"]]


@pytest.fixture
def six():
    return Baskets.from_item_lists(SIX)


def _rule(frame, ante, cons):
    hit = frame.loc[(frame["antecedents"] == tuple(ante)) & (frame["consequents"] == tuple(cons))]
    assert len(hit) == 1, (ante, cons)
    return hit.iloc[0]


def test_itemsets_and_their_supports_by_hand(six):
    found = mining.frequent_itemsets(six, 0.3)  # at least 2 of 6 baskets: jam (1) is out
    got = {s: (c, sup, n) for s, c, sup, n in found[["itemset", "count", "support", "length"]].itertuples(index=False)}
    assert got == {("bread",): (4, 4 / 6, 1), ("milk",): (5, 5 / 6, 1), ("butter",): (4, 4 / 6, 1),
                   ("bread", "milk"): (3, 0.5, 2), ("bread", "butter"): (3, 0.5, 2), ("butter", "milk"): (3, 0.5, 2),
                   ("bread", "butter", "milk"): (2, 2 / 6, 3)}
    assert set(mining.frequent_itemsets(six, 0.3, max_len=2)["length"]) == {1, 2}
    # support >= minimum, as arules counts: 2/6 is in at 1/3 exactly
    assert ("bread", "butter", "milk") in set(mining.frequent_itemsets(six, 1 / 3)["itemset"])


def test_measures_by_hand(six):
    found = mining.frequent_itemsets(six, 0.3)
    table = rules.association_rules(found, six.n)
    assert len(table) == 12  # 3 pairs x 2 directions + 1 triple x 6
    r = _rule(table, ["bread"], ["milk"])
    assert r["support"] == pytest.approx(3 / 6)
    assert r["confidence"] == pytest.approx(3 / 4)
    assert r["lift"] == pytest.approx((3 / 4) / (5 / 6))  # 0.9
    assert r["leverage"] == pytest.approx(3 / 6 - (4 / 6) * (5 / 6))  # -1/18
    assert r["conviction"] == pytest.approx((1 - 5 / 6) / (1 - 3 / 4))  # 2/3
    assert (r["antecedent_support"], r["consequent_support"], r["count"]) == (pytest.approx(4 / 6),
                                                                            pytest.approx(5 / 6), 3)
    r = _rule(table, ["bread"], ["butter", "milk"])
    assert (r["confidence"], r["lift"]) == (pytest.approx(2 / 4), pytest.approx((2 / 4) / (3 / 6)))
    assert len(rules.association_rules(found, six.n, min_confidence=0.7)) == 4  # bread->butter/milk, butter->bread/milk
    # lift >= 1: bread<->butter (1.125), and {bread,milk}<->butter, {butter,milk}<->bread at exactly 1 (2/3 / 4/6)
    assert len(rules.association_rules(found, six.n, min_lift=1.0)) == 6


def test_conviction_is_infinite_at_confidence_one_and_reads_as_infinity(six):
    table = rules.association_rules(mining.frequent_itemsets(six, 0.1), six.n)
    r = _rule(table, ["jam"], ["bread"])
    assert r["confidence"] == 1.0 and math.isinf(r["conviction"])
    assert rules.conviction_text(r["conviction"]) == "∞"
    assert rules.conviction_text(2 / 3) == "0.67"
    assert not table[["support", "confidence", "lift", "leverage"]].isna().any().any()
    assert not table["conviction"].isna().any()


def test_filters(six):
    table = rules.association_rules(mining.frequent_itemsets(six, 0.3), six.n)
    assert len(rules.filter_rules(table, min_support=0.5)) == 6
    assert len(rules.filter_rules(table, min_confidence=0.75)) == 4
    assert len(rules.filter_rules(table, min_lift=1.1)) == 2
    assert len(rules.filter_rules(table, min_leverage=0.0)) == 6  # the lift >= 1 rules: 1/36 for bread<->butter, else 0
    got = rules.filter_rules(table, antecedent_contains="BREAD", consequent_contains=["milk"])
    assert set(zip(got["antecedents"], got["consequents"], strict=True)) == {
        (("bread",), ("milk",)), (("bread",), ("butter", "milk")), (("bread", "butter"), ("milk",))}
    assert len(rules.filter_rules(table, max_len=2)) == 6
    assert len(rules.filter_rules(table, max_consequent_len=1, max_antecedent_len=1)) == 6


def test_leverage_signs_by_hand(six):
    table = rules.association_rules(mining.frequent_itemsets(six, 0.3), six.n)
    r = _rule(table, ["bread", "milk"], ["butter"])
    assert r["leverage"] == pytest.approx(2 / 6 - (3 / 6) * (4 / 6))  # 0: independent
    assert r["lift"] == pytest.approx(1.0)


def test_redundant_rules_are_pruned(six):
    table = rules.association_rules(mining.frequent_itemsets(six, 0.3), six.n)
    pruned = rules.prune_redundant(table)
    # {bread,butter}->milk (2/3) is no better than bread->milk (3/4); {bread,milk}->butter (2/3) than bread->butter
    # (3/4); {butter,milk}->bread (2/3) than butter->bread (3/4).  Every other rule has no more general one.
    assert len(pruned) == 9
    assert all(len(a) == 1 for a in pruned["antecedents"])
    # a more specific rule that is better is kept
    better = table.copy()
    specific = (better["antecedents"] == ("bread", "butter")) & (better["consequents"] == ("milk",))
    better.loc[specific, "confidence"] = 0.9
    kept = rules.prune_redundant(better)
    assert len(kept) == 10 and (("bread", "butter"), ("milk",)) in set(zip(kept["antecedents"], kept["consequents"],
                                                                          strict=True))


def test_sentences_in_both_languages(six):
    table = rules.association_rules(mining.frequent_itemsets(six, 0.3), six.n)
    r = _rule(table, ["bread"], ["milk"])
    assert rules.rule_sentence(r, "en") == "75% of customers who bought bread also bought milk, 0.9 times the average"
    assert rules.rule_sentence(r, "zh") == "买了bread的顾客中有75%也买了milk，是平均水平的0.9倍"
    r = _rule(table, ["bread", "butter"], ["milk"])
    assert rules.rule_sentence(r, "en") == ("67% of customers who bought bread and butter also bought milk, "
                                            "0.8 times the average")
    assert rules.rule_sentence(r, "zh") == "买了bread、butter的顾客中有67%也买了milk，是平均水平的0.8倍"
    assert rules.rule_sentence(r, "en", by="order") == ("67% of orders with bread and butter also had milk, "
                                                        "0.8 times the average")
    assert rules.rule_sentence({"antecedents": ("A",), "consequents": ("B",), "confidence": 0.63, "lift": 3.1},
                               "zh") == "买了A的顾客中有63%也买了B，是平均水平的3.1倍"


def _orders():
    rows = [  # customer, order, day, product, category, return
        ("C1", "O1", 1, "Tea", "Drinks", False), ("C1", "O1", 1, "Cup", "Kitchen", False),
        ("C1", "O1", 1, "Bag", "Other", False),
        ("C1", "O2", 5, "Coffee", "Drinks", False), ("C1", "O2", 5, "Bag", "Other", False),
        ("C2", "O3", 2, "Tea", "Drinks", False), ("C2", "O3", 2, "Cup", "Kitchen", True),  # the cup went back
        ("C2", "O3", 2, "Bag", "Other", False),
        ("C3", "O4", 3, "Coffee", "Drinks", False), ("C3", "O4", 3, "Tea", "Drinks", False),
        ("C3", "O4", 3, "Spoon", "Kitchen", False), ("C3", "O4", 3, "Bag", "Other", False),
        ("C3", "O5", 20, "Cup", "Kitchen", False),  # after as_of below
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "order_id", "day", "product", "category", "is_return"])
    frame["order_date"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(frame.pop("day"), unit="D")
    frame["amount"] = 10.0
    return frame


def test_baskets_per_order_leave_returns_out():
    b = build_baskets(_orders())
    assert b.basket_ids == ("O1", "O2", "O3", "O4", "O5") and b.customers == ("C1", "C1", "C2", "C3", "C3")
    assert b.items == ("Bag", "Coffee", "Cup", "Spoon", "Tea")
    sets = dict(zip(b.basket_ids, b.item_sets(), strict=True))
    assert sets["O3"] == {"Tea", "Bag"}  # the returned cup is not in it
    assert b.n == 5 and list(b.sizes) == [3, 2, 2, 4, 1]


def test_baskets_per_customer_category_window_sizes_and_exclusions():
    orders = _orders()
    by_customer = build_baskets(orders, BasketOptions(by="customer"), as_of=pd.Timestamp("2025-01-10").date())
    assert by_customer.basket_ids == ("C1", "C2", "C3")
    assert by_customer.item_sets()[0] == {"Tea", "Cup", "Bag", "Coffee"}
    assert by_customer.item_sets()[2] == {"Coffee", "Tea", "Spoon", "Bag"}  # O5's cup is on/after as_of
    since = build_baskets(orders, BasketOptions(by="customer"), since=pd.Timestamp("2025-01-04").date())
    assert since.basket_ids == ("C1", "C3") and since.item_sets()[1] == {"Coffee", "Tea", "Spoon", "Bag", "Cup"}
    category = build_baskets(orders, BasketOptions(level="category"))
    assert category.items == ("Drinks", "Kitchen", "Other")
    assert category.item_sets()[3] == {"Drinks", "Kitchen", "Other"}
    sized = build_baskets(orders, BasketOptions(min_size=2, max_size=3))
    assert sized.basket_ids == ("O1", "O2", "O3")
    excluded = build_baskets(orders, BasketOptions(exclude=(" bag ",), min_size=2))
    assert "Bag" not in excluded.items and excluded.basket_ids == ("O1", "O4")
    with pytest.raises(DataError) as caught:
        build_baskets(orders, BasketOptions(min_size=5))
    assert caught.value.code == "basket_none"
    with pytest.raises(DataError) as caught:
        build_baskets(orders.drop(columns="category"), BasketOptions(level="category"))
    assert caught.value.code == "basket_no_category"
    with pytest.raises(DataError):
        BasketOptions(by="week")


def test_ubiquitous_items_are_pointed_out():
    b = build_baskets(_orders())
    assert b.ubiquitous() == [("Bag", 0.8), ("Tea", 0.6)]
    assert b.ubiquitous(0.7) == [("Bag", 0.8)]


def test_memory_estimate_and_refusal(six):
    assert mining.estimate_memory(six, 0.3) > 0
    assert mining.estimate_memory(six, 0.1) >= mining.estimate_memory(six, 0.3)
    with pytest.raises(DataError) as caught:
        mining.frequent_itemsets(six, 0.1, max_bytes=64)
    error = caught.value
    assert error.code == "basket_too_big"
    en, zh = error.text("en"), error.text("zh")
    assert "minimum support" in en and "category level" in en and "shorter period" in en
    assert "最低支持度" in zh and "按品类" in zh and "更短的时间段" in zh
    with pytest.raises(DataError) as caught:
        mining.frequent_itemsets(six, 0)
    assert caught.value.code == "basket_bad_support"


def test_too_many_itemsets_or_rules_are_refused_with_what_to_change(six):
    assert len(mining.frequent_itemsets(six, 0.3, max_itemsets=7)) == 7
    with pytest.raises(DataError) as caught:
        mining.frequent_itemsets(six, 0.3, max_itemsets=6)  # 3 items + 3 pairs fit; the triple is one too many
    assert caught.value.code == "basket_too_many_itemsets"
    assert "e.g. to 60.00%" in caught.value.text("en") and "例如到 60.00%" in caught.value.text("zh")
    found = mining.frequent_itemsets(six, 0.3)
    assert len(rules.association_rules(found, six.n, max_rules=12)) == 12  # 3 pairs x 2 + the triple's 6
    with pytest.raises(DataError) as caught:
        rules.association_rules(found, six.n, max_rules=11)
    assert caught.value.code == "basket_too_many_rules"
    assert "12 candidate rules" in caught.value.text("en") and "12 条候选规则" in caught.value.text("zh")


def test_agrees_with_mlxtend_on_random_baskets():
    from mlxtend.frequent_patterns import apriori
    from mlxtend.frequent_patterns import association_rules as mlx_rules

    rng = np.random.default_rng(13)
    items = [f"item{k}" for k in range(9)]
    weights = np.linspace(0.15, 0.6, len(items))
    lists = [[it for it, w in zip(items, weights, strict=True) if rng.random() < w] for _ in range(120)]
    lists = [x for x in lists if x]
    b = Baskets.from_item_lists(lists)
    ours = mining.frequent_itemsets(b, 0.05)
    onehot = pd.DataFrame(b.matrix.toarray(), columns=list(b.items))
    theirs = apriori(onehot, min_support=0.05, use_colnames=True)
    assert dict(zip(ours["itemset"], ours["support"], strict=True)) == pytest.approx(
        {tuple(sorted(s)): v for s, v in zip(theirs["itemsets"], theirs["support"], strict=True)})
    our_rules = rules.association_rules(ours, b.n)
    their_rules = mlx_rules(theirs, len(onehot), metric="confidence", min_threshold=0.0)
    assert len(our_rules) == len(their_rules) > 100
    key = [tuple(sorted(a)) + ("->",) + tuple(sorted(c)) for a, c in zip(their_rules["antecedents"],
                                                                       their_rules["consequents"], strict=True)]
    theirs_by_key = their_rules.assign(key=key).set_index("key")
    ours_by_key = our_rules.assign(key=[a + ("->",) + c for a, c in zip(our_rules["antecedents"],
                                                                        our_rules["consequents"], strict=True)])
    ours_by_key = ours_by_key.set_index("key").loc[theirs_by_key.index]
    for ours_col, theirs_col in (("support", "support"), ("confidence", "confidence"), ("lift", "lift"),
                                 ("leverage", "leverage"), ("conviction", "conviction"),
                                 ("antecedent_support", "antecedent support")):
        np.testing.assert_allclose(ours_by_key[ours_col].to_numpy(), theirs_by_key[theirs_col].to_numpy(),
                                   rtol=1e-9, err_msg=ours_col)
