"""crm_core.basket.crosssell: the choice (saved with the analysis), the mining window, offer rules and offers.

Checked by hand on tests/data/crosssell/orders.csv (the table of its README): with the analysis date 2025-04-01
and a 3-month window, ten order baskets; counts A 6, B 6, C 4, D 4, E 2, AB 4, AC 3, BC 2, DE 2, ABC 2.
The lists, the export path and the planted truth of the sample are in test_crosssell_lists.py.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from crm_core.basket import crosssell as cs
from crm_core.schema import DataError
from crm_core.settings import AnalysisSettings

ORDERS = Path(__file__).resolve().parents[1] / "data" / "crosssell" / "orders.csv"
AS_OF = date(2025, 4, 1)
# Ten baskets (o1..o10), items in at least 2 of them, rules at confidence 0.3 or more; "  bAG " drops "Bag".
TINY = cs.CrossSellChoice(months=3, min_support=0.2, min_confidence=0.3, exclude=("  bAG ",), offers=2)


def load_orders() -> pd.DataFrame:
    frame = pd.read_csv(ORDERS, dtype={"customer_id": str, "order_id": str, "product": str, "category": str})
    return frame.assign(order_date=pd.to_datetime(frame["order_date"]), is_return=frame["is_return"].astype(bool))


@pytest.fixture(scope="module")
def orders():
    return load_orders()


@pytest.fixture(scope="module")
def mined(orders):
    return cs.mine(orders, TINY, as_of=AS_OF)


def rule(rules: pd.DataFrame, ante: str, cons: str) -> pd.Series:
    hit = rules[(rules["antecedents"] == tuple(ante)) & (rules["consequents"] == tuple(cons))]
    assert len(hit) == 1, (ante, cons)
    return hit.iloc[0]


def labels(rules: pd.DataFrame) -> set[str]:
    return {"".join(a) + ">" + "".join(c) for a, c in zip(rules["antecedents"], rules["consequents"], strict=True)}


# ------------------------------------------------------------------------------------------------ the choice
def test_defaults():
    choice = cs.CrossSellChoice()
    assert (choice.level, choice.by, choice.months, choice.min_size, choice.max_size) == ("product", "order", None,
                                                                                          1, None)
    assert (choice.exclude, choice.min_support, choice.min_confidence, choice.max_len) == ((), 0.01, 0.3, 3)
    assert (choice.min_lift, choice.prune, choice.offers, choice.bundles, choice.holdout_months) == (1.0, False, 3,
                                                                                                   (), 3)
    assert choice.since(AS_OF) is None
    options = TINY.basket_options()
    assert (options.level, options.by, options.min_size, options.exclude) == ("product", "order", 1, ("  bAG ",))


def test_bundles_and_exclusions_normalised():
    choice = cs.CrossSellChoice(bundles=[["C", "A", "B"], ("E", "D")], exclude=["Bag", 7])
    assert choice.bundles == (("A", "B", "C"), ("D", "E"))
    assert choice.exclude == ("Bag", "7")
    assert choice == cs.CrossSellChoice(bundles=(("A", "B", "C"), ("D", "E")), exclude=("Bag", "7"))
    assert hash(choice) == hash(cs.CrossSellChoice(bundles=(("B", "C", "A"), ("D", "E")), exclude=("Bag", "7")))
    loaded = cs.CrossSellChoice.from_dict({"bundles": [["yoga mat", "block", "strap"]]})
    assert loaded.bundles == (("block", "strap", "yoga mat"),)


ODD = cs.CrossSellChoice(level="category", by="customer", months=6, min_size=2, max_size=5, exclude=("Bag", "Postage"),
                         min_support=0.05, min_confidence=0.4, max_len=None, min_lift=1.5, prune=True, offers=10,
                         bundles=(("B", "A"),), holdout_months=2)


def test_to_dict_from_dict_round_trip():
    saved = ODD.to_dict()
    assert saved == {"level": "category", "by": "customer", "months": 6, "min_size": 2, "max_size": 5,
                     "exclude": ["Bag", "Postage"], "min_support": 0.05, "min_confidence": 0.4, "max_len": None,
                     "min_lift": 1.5, "prune": True, "offers": 10, "bundles": [["A", "B"]], "holdout_months": 2}
    assert cs.CrossSellChoice.from_dict(json.loads(json.dumps(saved))) == ODD
    assert cs.CrossSellChoice.from_dict({}) == cs.CrossSellChoice()
    assert cs.CrossSellChoice.from_dict({"offers": 5, "unknown": 1}) == cs.CrossSellChoice(offers=5)
    assert cs.CrossSellChoice.from_dict({"exclude": None, "bundles": None}) == cs.CrossSellChoice()


def test_round_trip_through_the_saved_analysis():
    settings = replace(AnalysisSettings(), crosssell=ODD)
    text = settings.to_json()
    assert json.loads(text)["crosssell"] == ODD.to_dict()
    assert AnalysisSettings.from_json(text).crosssell == ODD
    assert AnalysisSettings.from_json(text) == settings
    # An analysis saved before the cross-sell page has no "crosssell" key: the defaults.
    data = json.loads(text)
    del data["crosssell"]
    assert AnalysisSettings.from_json(json.dumps(data)).crosssell == cs.CrossSellChoice()


BAD = [  # (saved values, code, option named in the message)
    ({"offers": 0}, "basket_bad_option", "offers"),
    ({"offers": 11}, "basket_bad_option", "offers"),
    ({"min_support": 0}, "basket_bad_support", None),
    ({"min_support": 1.5}, "basket_bad_support", None),
    ({"min_confidence": 1.2}, "basket_bad_option", "min_confidence"),
    ({"max_len": 1}, "basket_bad_option", "max_len"),
    ({"months": 0}, "basket_bad_option", "months"),
    ({"holdout_months": 0}, "basket_bad_option", "holdout_months"),
    ({"min_size": 0}, "basket_bad_option", "min_size"),
    ({"min_size": 3, "max_size": 2}, "basket_bad_option", "max_size"),
    ({"level": "sku"}, "basket_bad_option", "level"),
    ({"by": "week"}, "basket_bad_option", "by"),
    ({"offers": True}, "basket_bad_option", "offers"),
    ({"months": 2.5}, "basket_bad_option", "months"),
    ({"max_len": "3"}, "basket_bad_option", "max_len"),
    ({"min_support": "0.1"}, "basket_bad_option", "min_support"),
    ({"min_lift": "high"}, "basket_bad_option", "min_lift"),
    ({"min_confidence": False}, "basket_bad_option", "min_confidence"),
    ({"prune": "yes"}, "basket_bad_option", "prune"),
    ({"exclude": "Bag"}, "basket_bad_option", "exclude"),
    ({"bundles": "A + B"}, "basket_bad_option", "bundles"),
    ({"bundles": ["A", "B"]}, "basket_bad_option", "bundles"),
]


@pytest.mark.parametrize(("saved", "code", "option"), BAD, ids=[json.dumps(b[0]) for b in BAD])
def test_bad_values_refused(saved, code, option):
    with pytest.raises(DataError) as caught:
        cs.CrossSellChoice.from_dict(saved)
    error = caught.value
    assert error.code == code
    for lang in ("en", "zh"):
        text = error.text(lang)
        assert text and "{" not in text
        if option is not None:
            assert option in text, text
    if code == "basket_bad_support":
        assert "minimum support" in error.text("en") and "最低支持度" in error.text("zh")


@pytest.mark.parametrize("values", [{"offers": 0}, {"offers": 11}, {"min_support": 0}, {"min_support": 1.5},
                                    {"max_len": 1}, {"months": 0}, {"min_size": 0}, {"min_size": 2, "max_size": 1},
                                    {"level": "sku"}, {"by": "week"}, {"holdout_months": 0},
                                    {"min_confidence": -0.1}])
def test_constructor_refuses_the_same_values(values):
    with pytest.raises(DataError) as caught:
        cs.CrossSellChoice(**values)
    assert caught.value.code in ("basket_bad_option", "basket_bad_support")
    with pytest.raises(DataError) as saved:
        cs.CrossSellChoice.from_dict(values)
    assert (saved.value.code, saved.value.text("zh")) == (caught.value.code, caught.value.text("zh"))


@pytest.mark.parametrize("crosssell", [{"offers": 11}, {"level": "sku"}, {"bundles": "A"}, [], "default"])
def test_saved_analysis_with_a_bad_crosssell_names_it(crosssell):
    data = json.loads(AnalysisSettings().to_json())
    data["crosssell"] = crosssell
    with pytest.raises(DataError) as caught:
        AnalysisSettings.from_json(json.dumps(data))
    assert caught.value.code == "bad_settings"
    assert "crosssell" in caught.value.text("en") and "crosssell" in caught.value.text("zh")


# --------------------------------------------------------------------------------------------------- dates
@pytest.mark.parametrize(("as_of", "months", "first"), [
    (date(2025, 4, 1), 3, date(2025, 1, 1)),
    (date(2025, 3, 31), 1, date(2025, 2, 28)),
    (date(2024, 3, 31), 1, date(2024, 2, 29)),  # leap year
    (date(2025, 5, 31), 3, date(2025, 2, 28)),
    (date(2025, 1, 15), 2, date(2024, 11, 15)),  # across the year
    (date(2025, 3, 15), 12, date(2024, 3, 15)),
    (date(2025, 12, 31), 6, date(2025, 6, 30)),
])
def test_since_and_split_date(as_of, months, first):
    assert cs.CrossSellChoice(months=months).since(as_of) == first
    assert cs.split_date(as_of, cs.CrossSellChoice(holdout_months=months)) == first
    assert isinstance(cs.split_date(as_of, cs.CrossSellChoice(holdout_months=months)), date)


# ---------------------------------------------------------------------------------------------------- mine
def test_mine_support_confidence_lift_by_hand(mined):
    assert mined.baskets.n == 10  # o1..o10: o0 is before the window, o11 on the analysis date
    assert sorted(mined.baskets.basket_ids) == sorted(f"o{k}" for k in range(1, 11))
    counts = {s: c for s, c in zip(mined.itemsets["itemset"], mined.itemsets["count"], strict=True)}
    assert counts == {("A",): 6, ("B",): 6, ("C",): 4, ("D",): 4, ("E",): 2, ("A", "B"): 4, ("A", "C"): 3,
                      ("B", "C"): 2, ("D", "E"): 2, ("A", "B", "C"): 2}
    rules = mined.rules
    assert len(rules) == 14  # AB, AC, BC, DE both ways (8) + the 6 rules of ABC; every one at confidence >= 1/3
    expected = {  # (ante, cons): (support, confidence, lift)
        ("A", "B"): (4 / 10, 4 / 6, (4 / 6) / (6 / 10)),
        ("A", "C"): (3 / 10, 3 / 6, (3 / 6) / (4 / 10)),
        ("C", "A"): (3 / 10, 3 / 4, (3 / 4) / (6 / 10)),
        ("B", "C"): (2 / 10, 2 / 6, (2 / 6) / (4 / 10)),
        ("D", "E"): (2 / 10, 2 / 4, (2 / 4) / (2 / 10)),
        ("E", "D"): (2 / 10, 1.0, 1.0 / (4 / 10)),
        ("AB", "C"): (2 / 10, 2 / 4, (2 / 4) / (4 / 10)),
        ("BC", "A"): (2 / 10, 1.0, 1.0 / (6 / 10)),
        ("A", "BC"): (2 / 10, 2 / 6, (2 / 6) / (2 / 10)),
    }
    for (ante, cons), (support, confidence, lift) in expected.items():
        r = rule(rules, ante, cons)
        assert (r["support"], r["confidence"], r["lift"]) == pytest.approx((support, confidence, lift)), (ante, cons)
    assert rule(rules, "E", "D")["conviction"] == float("inf")
    assert rule(rules, "A", "C")["leverage"] == pytest.approx(3 / 10 - (6 / 10) * (4 / 10))
    # At confidence 0.6 only: A->B, B->A, C->A, E->D, AC->B, BC->A.
    strict = cs.mine(load_orders(), replace(TINY, min_confidence=0.6), as_of=AS_OF)
    assert labels(strict.rules) == {"A>B", "B>A", "C>A", "E>D", "AC>B", "BC>A"}
    assert strict.itemsets.equals(mined.itemsets)


def test_mine_in_two_halves_is_mine(orders, mined):
    baskets, itemsets = cs.mine_itemsets(orders, TINY, as_of=AS_OF)
    assert baskets.n == mined.baskets.n and itemsets.equals(mined.itemsets)
    assert cs.mine_rules(baskets, itemsets, TINY).equals(mined.rules)
    assert labels(cs.mine_rules(baskets, itemsets, replace(TINY, min_confidence=0.9))) == {"E>D", "BC>A"}


def test_window_drops_older_orders(orders):
    whole = cs.mine(orders, replace(TINY, months=None), as_of=AS_OF)
    assert whole.baskets.n == 11 and "o0" in whole.baskets.basket_ids  # 2024-12-31 counts again
    counts = dict(zip(whole.itemsets["itemset"], whole.itemsets["count"], strict=True))
    assert (counts[("A",)], counts[("E",)], counts.get(("A", "E"))) == (7, 3, None)  # AE once: below 2 of 11
    # One month: from 2025-03-01, baskets o9 and o10 only.
    short = cs.mine(orders, replace(TINY, months=1), as_of=AS_OF)
    assert sorted(short.baskets.basket_ids) == ["o10", "o9"]
    # A later analysis date moves the window: from 2025-02-06 to 2025-05-05, o7..o11.
    later = cs.mine(orders, TINY, as_of=date(2025, 5, 6))
    assert sorted(later.baskets.basket_ids) == ["o10", "o11", "o7", "o8", "o9"]


def test_exclusions_returns_and_as_of(orders, mined):
    assert "Bag" not in mined.baskets.items
    kept = cs.mine(orders, replace(TINY, exclude=()), as_of=AS_OF)
    counts = dict(zip(kept.itemsets["itemset"], kept.itemsets["count"], strict=True))
    assert (counts[("Bag",)], counts[("A", "Bag")], counts[("A", "B", "Bag")]) == (2, 2, 2)
    assert ("Bag",) not in set(mined.itemsets["itemset"])
    # The return of E in o10 is no purchase: E stays in 2 baskets, o10 holds B alone.
    sets = dict(zip(mined.baskets.basket_ids, mined.baskets.item_sets(), strict=True))
    assert sets["o10"] == frozenset({"B"}) and sets["o3"] == frozenset({"A", "B"})
    # Lines on or after the analysis date are left out: the day after, o11 (A, E) counts.
    after = cs.mine(orders, replace(TINY, months=None, min_support=0.1), as_of=date(2025, 4, 2))
    assert after.baskets.n == 12
    assert dict(zip(after.itemsets["itemset"], after.itemsets["count"], strict=True))[("A", "E")] == 2


def test_baskets_per_customer_merge_their_orders(orders):
    mined = cs.mine(orders, replace(TINY, by="customer"), as_of=AS_OF)
    # C1..C7 in the window (C8's only order before it is o0); C1 = o1 + o6, C3 = o3 + o8, C5 = o5 + o9.
    sets = dict(zip(mined.baskets.basket_ids, mined.baskets.item_sets(), strict=True))
    assert sets == {"C1": frozenset("ABCD"), "C2": frozenset("ABC"), "C3": frozenset("ABCDE"),
                    "C4": frozenset("AB"), "C5": frozenset("ACDE"), "C6": frozenset("BD"), "C7": frozenset("B")}
    # A in 5 of 7, B in 6, AB in 4: A -> B has confidence 4/5 and lift (4/5) / (6/7).
    r = rule(mined.rules, "A", "B")
    assert (r["support"], r["confidence"], r["lift"]) == pytest.approx((4 / 7, 4 / 5, (4 / 5) / (6 / 7)))


def test_category_level_and_basket_sizes(orders):
    # Categories X (A, B, C), Y (D, E), Z (Bag): X in 9 baskets, Y in 4, both in o6, o7, o8.
    mined = cs.mine(orders, replace(TINY, level="category"), as_of=AS_OF)
    r = rule(mined.rules, "Y", "X")
    assert (r["support"], r["confidence"]) == pytest.approx((3 / 10, 3 / 4))
    # Baskets of at least 3 items (after the exclusion): o1, o2, o8.
    big = cs.mine(orders, replace(TINY, min_size=3, min_support=0.5), as_of=AS_OF)
    assert sorted(big.baskets.basket_ids) == ["o1", "o2", "o8"]
    small = cs.mine(orders, replace(TINY, max_size=1), as_of=AS_OF)
    assert sorted(small.baskets.basket_ids) == ["o10"]


def test_no_basket_left_is_a_data_error(orders):
    with pytest.raises(DataError) as caught:
        cs.mine(orders, TINY, as_of=date(2024, 6, 1))
    assert caught.value.code == "basket_none"


# --------------------------------------------------------------------------------------------- offer rules
def test_offer_rules_min_lift_and_pruning(mined):
    every = labels(mined.rules)
    # Lift at least 1: B -> C and C -> B (lift 5/6) go.
    assert every - labels(cs.offer_rules(mined.rules, TINY)) == {"B>C", "C>B"}
    # Lift at least 1.2: also A -> B, B -> A, AC -> B and B -> AC (lift 10/9).
    high = cs.offer_rules(mined.rules, replace(TINY, min_lift=1.2))
    assert every - labels(high) == {"B>C", "C>B", "A>B", "B>A", "AC>B", "B>AC"}
    assert (high["lift"] >= 1.2).all()
    # Pruning: AB -> C (1/2) is no better than A -> C (1/2), AC -> B (2/3) no better than A -> B (2/3);
    # BC -> A (1) beats B -> A (2/3) and C -> A (3/4): kept.
    pruned = cs.offer_rules(mined.rules, replace(TINY, prune=True))
    assert labels(cs.offer_rules(mined.rules, TINY)) - labels(pruned) == {"AB>C", "AC>B"}
    assert "BC>A" in labels(pruned)
    # A higher confidence than mined also filters (the app re-filters without mining again).
    assert labels(cs.offer_rules(mined.rules, replace(TINY, min_confidence=0.9))) == {"E>D", "BC>A"}


# ------------------------------------------------------------------------------------------ items and offers
def test_items_of_leaves_out_excluded_items_returns_and_later_lines(orders):
    f = frozenset
    items = cs.items_of(orders, TINY, as_of=AS_OF)
    # The whole history before the analysis date (not the basket window): C8's o0 counts, o11 does not.
    assert items == {"C1": f("ABCD"), "C2": f("ABC"), "C3": f("ABCDE"), "C4": f("AB"), "C5": f("ACDE"),
                     "C6": f("BD"), "C7": f("B"), "C8": f("AE")}
    raw = cs.items_of(orders, replace(TINY, exclude=()), as_of=AS_OF)
    assert raw["C3"] == f({"A", "B", "C", "D", "E", "Bag"}) and raw["C4"] == f({"A", "B", "Bag"})
    assert cs.items_of(orders, replace(TINY, exclude=("bag",)), as_of=AS_OF) == items
    assert cs.items_of(orders, replace(TINY, exclude=("Ba",)), as_of=AS_OF) == raw  # whole labels only
    cats = cs.items_of(orders, replace(TINY, level="category"), as_of=AS_OF)
    assert cats["C4"] == f("XZ") and cats["C8"] == f("XY")  # the exclusion names products, not category Z


@pytest.fixture(scope="module")
def pruned(mined):
    return cs.offer_rules(mined.rules, replace(TINY, prune=True))


def test_next_offers_by_hand(orders, pruned):
    items = cs.items_of(orders, TINY, as_of=AS_OF)
    offers = cs.next_offers(items, pruned, TINY)
    got = list(zip(offers["customer_id"], offers["rank"], offers["item"], offers["rule"], strict=True))
    assert got == [("C1", 1, "E", "D → E"),
                   ("C4", 1, "C", "A → C"),
                   ("C5", 1, "B", "A → B"),
                   ("C6", 1, "A", "B → A"), ("C6", 2, "E", "D → E"),  # confidence 2/3 before 1/2
                   ("C7", 1, "A", "B → A"),
                   ("C8", 1, "D", "E → D"), ("C8", 2, "B", "A → B")]  # 2 offers: A -> C (1/2) is left out
    # C2 and C3 bought everything the rules offer: no row.
    c8 = offers[offers["customer_id"] == "C8"].iloc[0]
    assert (c8["confidence"], c8["lift"]) == pytest.approx((1.0, 2.5))
    assert c8["reason"] == "100% of orders with E also had D, 2.5 times the average"
    zh = cs.next_offers(items, pruned, TINY, lang="zh")
    assert list(zh["item"]) == list(offers["item"])
    assert zh.iloc[3]["reason"] == "含有B的订单中有67%也含有A，是平均水平的1.1倍"
    three = cs.next_offers(items, pruned, replace(TINY, offers=3))
    assert list(three.loc[three["customer_id"] == "C8", "item"]) == ["D", "B", "C"]
    one = cs.next_offers(items, pruned, replace(TINY, offers=1))
    assert (one["rank"] == 1).all() and list(one["customer_id"]) == ["C1", "C4", "C5", "C6", "C7", "C8"]
    by_customer = cs.next_offers(items, pruned, replace(TINY, by="customer"))
    assert by_customer.iloc[0]["reason"] == "50% of customers who bought D also bought E, 2.5 times the average"
    assert cs.next_offers(items, pruned.iloc[0:0], TINY).empty


def test_tied_rules_keep_the_shorter_rule(orders, mined):
    # Without pruning, C4 (A, B) is offered C by A -> C and AB -> C, both confidence 1/2 and lift 1.25.
    items = cs.items_of(orders, TINY, as_of=AS_OF)
    offers = cs.next_offers(items, cs.offer_rules(mined.rules, TINY), TINY)
    assert offers.loc[offers["customer_id"] == "C4", "rule"].tolist() == ["A → C"]


# ------------------------------------------------------------------------------------------------- hold-out
HOLDOUT = replace(TINY, months=None, holdout_months=1)


def test_holdout_by_hand(orders):
    # Split 2025-03-01, one month before. Fitted on o0..o8 (nine baskets, at least 2 of them): A 7, B 5, C 4, D 3,
    # E 2, AB 4, AC 3, BC 2, ABC 2. Offer rules (lift >= 1): A -> B (4/7), B -> A (4/5), AB -> C (1/2),
    # AC -> B (2/3), BC -> A (1); A -> C, C -> A, B -> C, C -> B have lift below 1.
    assert cs.split_date(AS_OF, HOLDOUT) == date(2025, 3, 1)
    result = cs.holdout(orders, HOLDOUT, as_of=AS_OF)
    # Offers: C4 (A, B) C, C5 (A, C) B, C6 (B, D) A, C8 (A, E) B. Bought later: C5 D, E (o9); C7 B (o10), who
    # bought nothing before and has no offer. Counted: C5 only, offered B: no hit. Popularity before the split
    # (customers): A 6, B 5, C 4, D 3, E 2: C5 is offered B and D, and bought D: a hit.
    assert (result.customers, result.hits, result.baseline_hits) == (1, 0, 1)
    assert list(zip(result.offers["customer_id"], result.offers["item"], result.offers["bought"],
                    strict=True)) == [("C5", "B", False)]
    assert result.offers.iloc[0]["confidence"] == pytest.approx(2 / 3)  # AC -> B beats A -> B (4/7)
    assert (result.hit_rate, result.baseline_hit_rate, result.beats_popularity) == (0.0, 1.0, False)
    # A window of two months fits on o0..o8 as well (from 2025-01-01: o0 is left out, B -> A is then 4/5 ...):
    # C5 is still the one counted.
    assert cs.holdout(orders, replace(HOLDOUT, months=2), as_of=AS_OF).customers == 1


def test_holdout_ignores_excluded_items_bought_later(orders):
    bag = pd.DataFrame([{"customer_id": "C4", "order_id": "o12", "order_date": pd.Timestamp("2025-03-15"),
                         "product": "Bag", "category": "Z", "is_return": False, "quantity": 1, "amount": 0.5}])
    more = pd.concat([orders, bag], ignore_index=True)
    with_bag = cs.holdout(more, HOLDOUT, as_of=AS_OF)
    # C4 (offered C) bought only the excluded bag after the split: nothing the analysis counts.
    assert (with_bag.customers, with_bag.hits, with_bag.baseline_hits) == (1, 0, 1)


def test_flag_offers_from_the_holdout(orders, mined):
    checked = cs.holdout(orders, HOLDOUT, as_of=AS_OF)
    # The check scored one rule, AC -> B (C5): no hit, while the popularity offers to C5 (B, D) hit once.
    flags = checked.rules_flagged
    assert list(zip(flags["rule"], flags["item"], flags["hit_rate"], flags["popularity_hit_rate"],
                    flags["beats_popularity"], strict=True)) == [("A + C → B", "B", 0.0, 0.5, False)]
    scored = cs.flag_offers(checked.offers.drop(columns="bought"), checked)
    assert scored["beats_popularity"].tolist() == [False]
    offers = cs.next_offers(cs.items_of(orders, TINY, as_of=AS_OF), cs.offer_rules(mined.rules, TINY), TINY)
    flagged = cs.flag_offers(offers, checked)
    # Today's offers by the same rule and item get its verdict; offers by rules the check did not test, None.
    expected = [False if (r, i) == ("A + C → B", "B") else None for r, i in zip(offers["rule"], offers["item"],
                                                                                 strict=True)]
    assert flagged["beats_popularity"].tolist() == expected and len(offers) == 8
    assert flagged.drop(columns="beats_popularity").equals(offers)
    assert set(cs.flag_offers(offers, None)["beats_popularity"]) == {None}
    table = cs.offer_table(pd.DataFrame({"customer_id": ["C5", "C8"]}), flagged)
    assert table["beats_popularity"].tolist() == [expected[2], None]  # C5's first offer, C8's first offer
