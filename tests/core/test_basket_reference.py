"""Association rules on R's Groceries data set, against what R's arules publishes.

``apriori(Groceries, parameter = list(supp = 0.001, conf = 0.5))`` reports "set of 5668 rules" (arules counts
support >= minsupp and confidence >= minconf; its rules have one item on the right).  Needs ../shared/datasets
beside the checkout (CI has it; a fresh clone does not, so these skip).
"""

import csv
from pathlib import Path

import pytest

from crm_core.basket import mining, rules
from crm_core.basket.baskets import Baskets

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
GROCERIES = DATASETS / "groceries" / "groceries.csv"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not GROCERIES.exists(), reason=f"real data not found at {GROCERIES} (shared/ is "
                       "beside the checkout only in CI and the developers' workplace)"),
]


@pytest.fixture(scope="module")
def lines():
    with GROCERIES.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.reader(handle) if row]


@pytest.fixture(scope="module")
def mined(lines):
    baskets = Baskets.from_item_lists(lines)
    itemsets = mining.frequent_itemsets(baskets, 0.001)
    return baskets, itemsets, rules.association_rules(itemsets, baskets.n, min_confidence=0.5)


def _count(lines, *items):
    """Transactions holding every item, counted on the file's lines directly."""
    return sum(1 for row in lines if set(items) <= set(row))


def test_the_file_is_groceries(lines, mined):
    baskets, _, _ = mined
    assert len(lines) == baskets.n == 9_835
    assert len(baskets.items) == 169
    assert "cream cheese " in baskets.items  # the label's trailing blank is kept, as arules keeps it


def test_rule_count_equals_arules(mined):
    _, _, table = mined
    single = table.loc[table["consequents"].map(len) == 1]
    assert len(single) == 5_668


def test_known_rules_measured_independently(lines, mined):
    baskets, _, table = mined
    n = baskets.n
    # arules' top rule by lift: {Instant food products, soda} => {hamburger meat}, support 0.001220132,
    # confidence 0.6315789, lift 18.99565
    rule = table.loc[(table["antecedents"] == ("Instant food products", "soda"))
                     & (table["consequents"] == ("hamburger meat",))].iloc[0]
    both = _count(lines, "Instant food products", "soda", "hamburger meat")
    left = _count(lines, "Instant food products", "soda")
    right = _count(lines, "hamburger meat")
    assert (both, left, right) == (12, 19, 327)
    assert rule["support"] == pytest.approx(both / n) == pytest.approx(0.001220132, abs=1e-9)
    assert rule["confidence"] == pytest.approx(both / left) == pytest.approx(0.6315789, abs=1e-7)
    assert rule["lift"] == pytest.approx((both / left) / (right / n)) == pytest.approx(18.99565, abs=1e-5)
    single = table.loc[table["consequents"].map(len) == 1]
    assert single["lift"].max() == pytest.approx(rule["lift"])
    # {liquor, red/blush wine} => {bottled beer}: support 0.001931876, confidence 0.9047619, lift 11.235269
    rule = table.loc[(table["antecedents"] == ("liquor", "red/blush wine"))
                     & (table["consequents"] == ("bottled beer",))].iloc[0]
    assert (_count(lines, "liquor", "red/blush wine", "bottled beer"), _count(lines, "liquor", "red/blush wine"),
            _count(lines, "bottled beer")) == (19, 21, 792)
    assert (rule["support"], rule["confidence"], rule["lift"]) == (
        pytest.approx(0.001931876, abs=1e-9), pytest.approx(0.9047619, abs=1e-7), pytest.approx(11.235269, abs=1e-6))


def test_itemset_supports_by_counting_lines(lines, mined):
    baskets, itemsets, _ = mined
    counts = dict(zip(itemsets["itemset"], itemsets["count"], strict=True))
    assert counts[("whole milk",)] == _count(lines, "whole milk") == 2_513
    assert counts[("other vegetables", "whole milk")] == _count(lines, "other vegetables", "whole milk") == 736
    assert counts[("cream cheese ", "yogurt")] == _count(lines, "cream cheese ", "yogurt")
    longest = itemsets.loc[itemsets["length"].idxmax(), "itemset"]
    assert counts[longest] == _count(lines, *longest) >= 10  # 0.1% of 9,835 is 9.835: at least 10 transactions
