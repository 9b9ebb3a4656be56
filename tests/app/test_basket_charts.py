"""Charts of the Cross-sell page (ui/basket_charts.py): their data and encodings on five baskets worked out by hand.

Baskets: {bread, butter} twice, {bread, jam}, {jam, milk}, {milk}.  n = 5; bread is in 3 baskets (0.6), butter,
jam and milk in 2 (0.4); pairs: bread+butter 2 (0.4), bread+jam 1 (0.2), jam+milk 1 (0.2).  At support 0.2:
  butter -> bread  support 0.4, confidence 1,   lift 1/0.6 = 1.667, conviction inf (always holds)
  bread -> butter  support 0.4, confidence 2/3, lift (2/3)/0.4 = 1.667, conviction 0.6/(1/3) = 1.8
  jam -> milk, milk -> jam  support 0.2, confidence 0.5, lift 0.5/0.4 = 1.25, conviction 0.6/0.5 = 1.2
  jam -> bread     support 0.2, confidence 0.5, lift 0.5/0.6 = 0.833, conviction 0.4/0.5 = 0.8
  bread -> jam     support 0.2, confidence 1/3, lift (1/3)/0.4 = 0.833, conviction 0.6/(2/3) = 0.9
"""

import json
import math

import numpy as np
import pandas as pd
import pytest

from crm_core.basket.baskets import Baskets
from crm_core.basket.mining import frequent_itemsets
from crm_core.basket.rules import RULE_COLUMNS, association_rules
from ui import basket_charts as bc
from ui import i18n
from ui.i18n_basket_charts import TEXT

if "bc_scatter_title" not in i18n.TEXT:  # until ui/i18n.py merges this table itself
    i18n._merge(TEXT)

LISTS = [["bread", "butter"], ["bread", "butter"], ["bread", "jam"], ["jam", "milk"], ["milk"]]
EXPECTED = {  # rule -> (support, confidence, lift, conviction text, baskets)
    "butter → bread": (0.4, 1.0, 1 / 0.6, "∞", 2),
    "bread → butter": (0.4, 2 / 3, (2 / 3) / 0.4, "1.80", 2),
    "jam → milk": (0.2, 0.5, 1.25, "1.20", 1),
    "milk → jam": (0.2, 0.5, 1.25, "1.20", 1),
    "jam → bread": (0.2, 0.5, 0.5 / 0.6, "0.80", 1),
    "bread → jam": (0.2, 1 / 3, (1 / 3) / 0.4, "0.90", 1),
}


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr(i18n, "lang", lambda: "en")


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setattr(i18n, "lang", lambda: "zh")


@pytest.fixture(scope="module")
def baskets():
    return Baskets.from_item_lists(LISTS)


@pytest.fixture(scope="module")
def itemsets(baskets):
    return frequent_itemsets(baskets, 0.2)


@pytest.fixture(scope="module")
def rules(baskets, itemsets):
    return association_rules(itemsets, baskets.n)


def spec_of(chart) -> dict:
    spec = chart.to_dict()
    text = json.dumps(spec, ensure_ascii=False, allow_nan=False)  # raises on inf / NaN anywhere
    assert "Infinity" not in text and "NaN" not in text
    return spec


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def rows(spec: dict, layer: dict) -> list[dict]:
    """The records a layer draws (its own data, or the chart's when the layers share it)."""
    return spec["datasets"][layer.get("data", spec.get("data"))["name"]]


def message_of(spec: dict) -> str:
    (only,) = layers(spec)
    assert only["mark"]["type"] == "text"
    (row,) = rows(spec, only)
    return row["message"]


# ----------------------------------------------------------------------------------------------- scatter
def test_scatter_points_are_the_rules_with_their_measures(rules):
    spec = spec_of(bc.rules_scatter(rules))
    (dots,) = layers(spec)
    points = {p["rule"]: p for p in rows(spec, dots)}
    assert set(points) == set(EXPECTED)
    for rule, (support, confidence, lift, conviction, count) in EXPECTED.items():
        p = points[rule]
        assert (p["support"], p["confidence"], p["lift"]) == pytest.approx((support, confidence, lift))
        assert (p["conviction"], p["count"]) == (conviction, count)
    enc = dots["encoding"]
    assert (enc["x"]["field"], enc["x"]["axis"]["format"], enc["x"]["title"]) == ("support", "%",
                                                                                   "Support (share of baskets)")
    assert (enc["y"]["field"], enc["y"]["axis"]["format"]) == ("confidence", "%")
    assert (enc["color"]["field"], enc["color"]["title"], enc["color"]["legend"]["format"]) == ("lift", "Lift", ".1f")
    assert enc["size"]["field"] == "count"
    tips = {tip["field"]: tip for tip in enc["tooltip"]}
    assert tips["lift"]["format"] == ".2f" and tips["conviction"]["type"] == "nominal"
    assert spec["title"]["text"] == "Rules: how common against how reliable"


def test_scatter_rings_the_selected_rule(rules):
    spec = spec_of(bc.rules_scatter(rules, selected=1))
    dots, ring = layers(spec)
    assert ring["mark"]["type"] == "point"
    assert [p["rule"] for p in rows(spec, ring)] == ["bread → butter"]
    assert len(rows(spec, dots)) == 6
    assert len(layers(spec_of(bc.rules_scatter(rules, selected=99)))) == 1  # not a rule: no ring


def test_scatter_draws_the_highest_lifts_when_there_are_too_many(rules):
    n = bc.MAX_POINTS + 7
    lift = np.arange(n, dtype=float)[::-1] / 100 + 0.5  # distinct, shuffled below
    order = np.random.default_rng(0).permutation(n)
    many = pd.DataFrame({
        "antecedents": [(f"item {i}",) for i in order], "consequents": [("other",)] * n,
        "support": 0.01, "confidence": 0.5, "lift": lift[order], "leverage": 0.0,
        "conviction": np.where(order % 3 == 0, np.inf, 2.0), "antecedent_support": 0.1, "consequent_support": 0.1,
        "count": 5,
    }, columns=RULE_COLUMNS)
    spec = spec_of(bc.rules_scatter(many))
    (dots,) = layers(spec)
    drawn = rows(spec, dots)
    assert len(drawn) == bc.MAX_POINTS
    lowest_drawn = min(p["lift"] for p in drawn)
    assert lowest_drawn == pytest.approx(np.sort(lift)[7])  # the 7 lowest lifts are left out
    assert {p["conviction"] for p in drawn} == {"∞", "2.00"}
    assert spec["title"]["subtitle"] == f"Showing the 5,000 rules with the highest lift, of {n:,}"


def test_scatter_in_chinese(rules, chinese):
    spec = spec_of(bc.rules_scatter(rules))
    assert spec["title"]["text"] == "规则：常见程度与可靠程度"
    enc = layers(spec)[0]["encoding"]
    titles = (enc["x"]["title"], enc["y"]["title"], enc["color"]["title"])
    assert titles == ("支持度（占购物篮比例）", "置信度", "提升度")
    assert {tip["title"] for tip in enc["tooltip"]} >= {"规则", "确信度"}


def test_no_rules_is_a_sentence(rules, chinese):
    empty = rules.iloc[:0]
    assert message_of(spec_of(bc.rules_scatter(empty))) == TEXT["bc_no_rules"][1]
    assert message_of(spec_of(bc.item_network(empty))) == TEXT["bc_no_rules"][1]


# ----------------------------------------------------------------------------------------------- network
def test_layout_is_deterministic_and_places_every_item():
    edges = [("a", "b", 3.0), ("b", "c", 2.0), ("c", "a", 1.0), ("x", "y", 5.0), ("y", "z", 4.0), ("z", "x", 1.5)]
    first, second = bc.network_layout(edges), bc.network_layout(list(edges))
    pd.testing.assert_frame_equal(first, second)
    assert list(first["item"]) == ["a", "b", "c", "x", "y", "z"]
    coords = first[["x", "y"]].to_numpy()
    assert np.isfinite(coords).all() and np.abs(coords).max() <= 1 + 1e-9
    where = first.set_index("item")[["x", "y"]]

    def gap(p, q):
        return math.dist(where.loc[p], where.loc[q])

    within = max(gap(p, q) for group in ("abc", "xyz") for p in group for q in group)
    between = min(gap(p, q) for p in "abc" for q in "xyz")
    assert within < between  # two separate triangles stay apart, each one together


def test_layout_of_tiny_graphs():
    assert bc.network_layout([]).empty
    assert list(bc.network_layout([]).columns) == ["item", "x", "y"]
    two = bc.network_layout([("a", "b", float("inf"))])  # a weight that is not a number still links them
    assert np.isfinite(two[["x", "y"]].to_numpy()).all()
    assert math.dist(two.iloc[0][["x", "y"]], two.iloc[1][["x", "y"]]) > 0.5


def test_network_nodes_and_edges(rules):
    spec = spec_of(bc.item_network(rules))
    edges, nodes, halo, labels = layers(spec)
    assert (edges["mark"]["type"], nodes["mark"]["type"], labels["mark"]["type"]) == ("rule", "circle", "text")
    lines = {r["pair"]: r for r in rows(spec, edges)}
    assert set(lines) == {"bread — butter", "jam — milk", "bread — jam"}  # one line per item pair
    assert lines["bread — butter"]["lift"] == pytest.approx(1 / 0.6)
    assert lines["bread — butter"]["confidence"] == pytest.approx(1.0)  # the better of the two directions
    assert lines["bread — jam"]["lift"] == pytest.approx(0.5 / 0.6)
    items = {r["item"]: r for r in rows(spec, nodes)}
    assert {k: v["links"] for k, v in items.items()} == {"bread": 2, "butter": 1, "jam": 2, "milk": 1}
    assert items["bread"]["support"] == "60.00%" and items["butter"]["support"] == "40.00%"
    for line in lines.values():  # each line joins the two circles
        a, b = line["pair"].split(" — ")
        assert (line["x"], line["y"], line["x2"], line["y2"]) == (items[a]["x"], items[a]["y"], items[b]["x"],
                                                                  items[b]["y"])
    assert nodes["encoding"]["x"]["axis"] is None and nodes["encoding"]["size"]["legend"] is None
    assert spec["title"]["text"] == "Items linked by the top 6 rules (by lift)"


def test_network_keeps_the_top_rules_and_cuts_long_names(rules, chinese):
    spec = spec_of(bc.item_network(rules, top=2))
    edges, nodes, _, _ = layers(spec)
    assert [r["pair"] for r in rows(spec, edges)] == ["bread — butter"]
    assert sorted(r["item"] for r in rows(spec, nodes)) == ["bread", "butter"]
    assert spec["title"]["text"] == "提升度最高的 2 条规则所关联的商品"
    long_name = "有机冷榨特级初榨橄榄油礼盒装 750ml × 2"
    renamed = rules.assign(antecedents=rules["antecedents"].map(lambda a: (long_name,) if a == ("bread",) else a),
                           consequents=rules["consequents"].map(lambda c: (long_name,) if c == ("bread",) else c))
    spec = spec_of(bc.item_network(renamed))
    node = next(r for r in rows(spec, layers(spec)[1]) if r["item"] == long_name)
    assert node["label"] == long_name[:17] + "…" and len(node["label"]) == bc.LABEL_CHARS


# ----------------------------------------------------------------------------------------------- top items, pairs
def test_top_items_from_the_baskets(baskets):
    spec = spec_of(bc.top_items(baskets, top=3))
    bars = layers(spec)[0]
    data = rows(spec, bars)
    assert [(r["label"], r["count"]) for r in data] == [("bread", 3), ("butter", 2), ("jam", 2)]
    assert [r["share"] for r in data] == pytest.approx([0.6, 0.4, 0.4])
    assert [r["text"] for r in data] == ["60.0%", "40.0%", "40.0%"]
    assert bars["encoding"]["y"]["sort"] == ["bread", "butter", "jam"]
    assert bars["encoding"]["x"]["axis"]["format"] == "%"
    assert spec["title"]["subtitle"] == "Top 3 of 4 items, 5 baskets"
    assert message_of(spec_of(bc.top_items(Baskets.from_item_lists([])))) == TEXT["bc_no_items"][0]


def test_top_items_from_counts_in_chinese(chinese):
    counts = pd.Series({"牛奶": 1, "面包": 4, "黄油": 2})
    spec = spec_of(bc.top_items(counts, 8))
    data = rows(spec, layers(spec)[0])
    assert [(r["label"], r["share"]) for r in data] == [("面包", 0.5), ("黄油", 0.25), ("牛奶", 0.125)]
    assert spec["title"]["text"] == "出现在最多购物篮中的商品"
    assert layers(spec)[0]["encoding"]["x"]["title"] == "占购物篮比例"
    assert message_of(spec_of(bc.top_items(pd.Series(dtype="int64"), 0))) == TEXT["bc_no_items"][1]


def test_top_pairs(itemsets):
    spec = spec_of(bc.top_pairs(itemsets))
    data = rows(spec, layers(spec)[0])
    assert [(r["label"], r["count"]) for r in data] == [("bread + butter", 2), ("bread + jam", 1), ("jam + milk", 1)]
    assert [r["share"] for r in data] == pytest.approx([0.4, 0.2, 0.2])
    assert spec["title"]["text"] == "Pairs bought together most often"
    one = spec_of(bc.top_pairs(itemsets, top=1))
    assert [r["label"] for r in rows(one, layers(one)[0])] == ["bread + butter"]
    singles = itemsets.loc[itemsets["length"] == 1]
    assert message_of(spec_of(bc.top_pairs(singles))) == TEXT["bc_no_pairs"][0]
    assert message_of(spec_of(bc.top_pairs(itemsets.iloc[:0]))) == TEXT["bc_no_pairs"][0]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_scatter_spec_is_the_altair_chart_with_the_data_swapped(rules, monkeypatch, language):
    """The page's fast spec draws what rules_scatter draws: same points, x range, titles; the template is reused."""
    monkeypatch.setattr(i18n, "lang", lambda: language)
    altair_spec = spec_of(bc.rules_scatter(rules))
    fast = bc.scatter_spec(rules)
    json.dumps(fast, allow_nan=False)
    (dots,) = layers(fast)
    assert rows(fast, dots) == rows(altair_spec, layers(altair_spec)[0])
    assert dots["encoding"] == layers(altair_spec)[0]["encoding"]
    assert fast["title"] == altair_spec["title"] and fast["config"] == altair_spec["config"]
    fewer = bc.scatter_spec(rules[rules["lift"] > 1])
    assert len(rows(fewer, layers(fewer)[0])) == int((rules["lift"] > 1).sum()) < len(rules)
    assert message_of(bc.scatter_spec(rules.iloc[0:0])) == (i18n.TEXT["bc_no_rules"][1 if language == "zh" else 0])
