"""Share features, days since signup and attribute candidates for the clusters, on hand-made order lines."""

from datetime import date

import pandas as pd
import pytest

from crm_core.customers import customer_table
from crm_core.schema import DataError
from crm_core.segment import cluster_inputs as ci
from crm_core.segment.clusters import ClusterFeatures, fit_clusters


def lines(rows):
    """Clean order lines: (customer, order, day, category, channel, amount); negative amounts are returns."""
    frame = pd.DataFrame(rows, columns=["customer_id", "order_id", "order_date", "category", "channel", "amount"])
    return frame.assign(order_date=pd.to_datetime(frame["order_date"]), is_return=frame["amount"] < 0,
                        product="p", quantity=1.0)


ORDERS = lines([
    ("A", "1", "2025-01-05", "tea", "web", 60.0),
    ("A", "1", "2025-01-05", "milk", "web", 40.0),
    ("A", "2", "2025-02-01", "snack", "shop", 100.0),
    ("A", "3", "2025-02-03", "milk", "shop", -40.0),     # a return: not spend for shares
    ("B", "4", "2025-01-10", "milk", "shop", 30.0),
    ("B", "5", "2025-03-01", "milk", "web", 10.0),
    ("C", "6", "2025-02-20", None, "web", 50.0),          # no category: counts as "other"
    ("C", "7", "2025-04-02", "tea", "web", 50.0),         # on the analysis date: ignored
])
AS_OF = date(2025, 4, 2)


def test_share_features_rank_values_by_lines_and_add_other():
    assert ci.share_features(ORDERS, "category", top=2, as_of=AS_OF) == (
        "category_share=milk", "category_share=snack", "category_share_other")  # milk 3 lines; snack, tea 1 each
    assert ci.share_features(ORDERS, "category", top=5, as_of=AS_OF) == (
        "category_share=milk", "category_share=snack", "category_share=tea")
    assert ci.share_features(ORDERS, "channel", as_of=AS_OF) == ("channel_share=web", "channel_share=shop")
    assert ci.share_features(ORDERS.drop(columns=["channel"]), "channel") == ()
    assert ci.share_features(ORDERS.assign(channel="web"), "channel") == ()  # one value is no choice


def test_shares_by_hand():
    table = pd.DataFrame({"customer_id": ["A", "B", "C", "D"]})
    names = ("category_share=milk", "category_share=tea", "category_share_other", "channel_share=web")
    out = ci.with_shares(table, ORDERS, names, as_of=AS_OF)
    # A spent 200 on purchases: milk 40, tea 60, snack 100 (the -40 return is not spend).
    assert out["category_share=milk"].tolist() == pytest.approx([0.2, 1.0, 0.0, 0.0])
    assert out["category_share=tea"].tolist() == pytest.approx([0.3, 0.0, 0.0, 0.0])  # C's tea is on the as-of day
    assert out["category_share_other"].tolist() == pytest.approx([0.5, 0.0, 1.0, 0.0])  # D never bought: 0
    assert out["channel_share=web"].tolist() == pytest.approx([0.5, 0.25, 1.0, 0.0])
    assert list(out.columns) == ["customer_id", *names]
    assert list(table.columns) == ["customer_id"]  # input untouched


def test_cluster_table_adds_exactly_what_the_features_need():
    table = customer_table(ORDERS, None, as_of=AS_OF).assign(signup_date=pd.to_datetime(
        ["2024-12-31", "2025-03-02", None]))
    features = ClusterFeatures().with_extras("category_share=tea", "signup_days")
    out = ci.cluster_table(table, ORDERS, features, as_of=AS_OF)
    assert set(out.columns) - set(table.columns) == {"category_share=tea", "signup_days"}
    assert out["signup_days"].tolist()[:2] == [92.0, 31.0] and pd.isna(out["signup_days"].iloc[2])
    assert ci.cluster_table(table, ORDERS, ClusterFeatures(), as_of=AS_OF) is table


def test_a_share_of_an_unmapped_column_is_a_missing_feature_by_name():
    table = customer_table(ORDERS, None, as_of=AS_OF)
    features = ClusterFeatures(numeric=("frequency", "channel_share=web"))
    out = ci.cluster_table(table, ORDERS.drop(columns=["channel"]), features, as_of=AS_OF)
    with pytest.raises(DataError) as caught:
        fit_clusters(out, 2, features)
    assert caught.value.code == "cluster_missing_feature"
    assert "Share of spend via channel: web" in caught.value.text("en")
    assert "渠道消费占比：web" in caught.value.text("zh")


def test_labels_and_kinds_read_for_people():
    assert ci.feature_label("category_share=奶粉", "zh") == "品类消费占比：奶粉"
    assert ci.feature_label("category_share=tea", "en") == "Share of spend in category: tea"
    assert ci.feature_label("channel_share_other", "zh") == "其他渠道消费占比"
    assert ci.feature_label("city=北京", "en") == "City: 北京"
    assert ci.feature_label("signup_days", "zh") == "注册至今天数"
    assert [ci.feature_kind(n) for n in ("channel_share_other", "city=北京", "log_monetary", "avg_order_value",
                                         "frequency")] == ["percent", "percent", "log", "money", "count"]


def test_attribute_candidates():
    table = pd.DataFrame({
        "customer_id": list("abcd"), "frequency": [1, 2, 3, 4], "name": list("wxyz"),
        "city": ["北京", "上海", "北京", None], "gender": ["女"] * 4, "country": [f"c{i}" for i in range(4)],
        "signup_date": pd.to_datetime(["2024-01-01", "2024-02-01", None, "2024-02-01"]),
        "opted_out": [False, True, False, False], "points": [10.0, 20.0, 30.0, 10.0], "level": ["gold"] * 4,
    })
    assert ci.attribute_candidates(table) == (("signup_days", "points"), ("city", "country"))


def test_clusters_on_shares_separate_tea_and_milk_buyers():
    rows = []
    for i in range(20):  # ten tea buyers and ten milk buyers, otherwise alike
        product = "tea" if i < 10 else "milk"
        rows += [(f"K{i:02}", f"O{i}a", "2025-01-10", product, "web", 50.0 + i % 3),
                 (f"K{i:02}", f"O{i}b", "2025-02-10", product, "web", 50.0)]
    orders = lines(rows)
    table = customer_table(orders, None, as_of=AS_OF)
    features = ClusterFeatures(numeric=("category_share=tea", "avg_order_value"))
    fitted = fit_clusters(ci.cluster_table(table, orders, features, as_of=AS_OF), 2, features)
    assigned = fitted.assign(ci.cluster_table(table, orders, features, as_of=AS_OF))
    by_group = assigned.groupby(assigned["customer_id"] < "K10")["cluster"].nunique()
    assert by_group.tolist() == [1, 1]
    assert assigned["cluster"].nunique() == 2
    assert "category_share=tea" in fitted.profile_features
