"""Prediction features: values computed by hand on a tiny order file, words for every feature, and no leakage:
nothing dated on or after the cutoff changes a feature (tiny file and the sample)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.predict.features import (
    BASE_FEATURES,
    FEATURE_LABELS,
    feature_kinds,
    feature_label,
    order_features,
)
from crm_core.schema import DataError

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
AS_OF = date(2025, 4, 1)

# (customer, order, date, product, category, channel, quantity, amount, is_return)
LINES = [
    ("A", "o1", "2025-01-10 09:00", "green tea", "Tea", "Web", 1, 100.0, False),
    ("A", "o1", "2025-01-10 09:00", "mug", "Cup", "Web", 1, 50.0, False),
    ("A", "o2", "2025-03-10 18:30", "black tea", "Tea", "Store", 2, 60.0, False),
    ("A", "r1", "2025-03-15 12:00", "black tea", "Tea", "Store", -1, -30.0, True),
    ("B", "o3", "2025-02-15 10:00", "mug", "Cup", "Store", 1, 80.0, False),
    ("B", "r2", "2025-03-05 10:00", "mug", "Cup", "Store", -1, -20.0, True),
    ("C", "o4", "2025-03-20 08:00", "green tea", "Tea", "Web", 1, 40.0, False),
    ("C", "o5", "2025-03-25 20:00", "green tea", "Tea", "Web", 1, 20.0, False),
    # on/after the cutoff 2025-04-01: never read by the features at that date
    ("D", "o6", "2025-04-05 11:00", "green tea", "Tea", "Web", 1, 70.0, False),
    ("A", "o7", "2025-04-10 11:00", "mug", "Cup", "Web", 1, 90.0, False),
]


def tiny_orders(lines=LINES) -> pd.DataFrame:
    frame = pd.DataFrame(lines, columns=["customer_id", "order_id", "order_date", "product", "category", "channel",
                                         "quantity", "amount", "is_return"])
    return frame.assign(order_date=pd.to_datetime(frame["order_date"]), quantity=frame["quantity"].astype(float),
                        customer_id=frame["customer_id"].astype("str"))


CUSTOMERS = pd.DataFrame({
    "customer_id": ["A", "B", "C", "D"], "name": ["An", "Bo", "Cy", "Di"], "phone": ["1", "2", "3", "4"],
    "email": ["a@x", "b@x", "c@x", "d@x"], "gender": ["F", "M", "F", "M"], "city": ["Paris", "Lyon", None, "Nice"],
    "region": ["FR", "FR", "FR", "DE"], "member_id": ["m1", "m2", "m3", "m4"],
    "signup_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]),
    "opted_out": pd.array([False, True, False, False], dtype="boolean"),
})


@pytest.fixture(scope="module")
def features():
    return order_features(tiny_orders(), CUSTOMERS, as_of=AS_OF, trend_days=30)


def test_one_row_per_customer_who_bought_before_the_cutoff(features):
    assert features.index.name == "customer_id" and features.index.tolist() == ["A", "B", "C"]  # D buys later
    assert list(features.columns[: len(BASE_FEATURES)]) == list(BASE_FEATURES)


def test_features_computed_by_hand(features):
    # recent window [2025-03-02, 2025-04-01), prior [2025-01-31, 2025-03-02)
    expected = pd.DataFrame({
        "recency_days": [22, 45, 7], "frequency": [2, 1, 2], "monetary": [180, 60, 60],
        "avg_order_value": [105, 80, 30], "orders_per_year": [2 * 365.25 / 90, 365.25 / 90, 2 * 365.25 / 90],
        "tenure_days": [81, 45, 12], "avg_interval_days": [59, np.nan, 5], "longest_gap_days": [59, np.nan, 5],
        "return_share": [30 / 210, 20 / 80, 0], "items": [4, 1, 2],
        "orders_recent": [1, 0, 2], "orders_prior": [0, 1, 0], "spend_recent": [60, 0, 60],
        "spend_prior": [0, 80, 0], "trend": [1, -1, 2],
        # Tea 220 and Cup 130 of spend; Web 210, Store 140
        "cat_share:Tea": [160 / 210, 0, 1], "cat_share:Cup": [50 / 210, 1, 0],
        "channel_share:Web": [150 / 210, 0, 1], "channel_share:Store": [60 / 210, 1, 0],
    }, index=pd.Index(["A", "B", "C"], name="customer_id"), dtype="float64")
    pd.testing.assert_frame_equal(features[expected.columns], expected)


def test_attributes_are_traits_never_personal_data_ids_flags_or_dates(features):
    numeric, categorical = feature_kinds(features)
    assert categorical == ("gender", "city")  # region is "FR" for all three buyers: no information
    assert features["gender"].tolist() == ["F", "M", "F"]
    assert features["city"].iloc[:2].tolist() == ["Paris", "Lyon"] and pd.isna(features["city"].iloc[2])
    for personal in ("name", "phone", "email", "member_id", "signup_date", "opted_out", "region"):
        assert personal not in features.columns
    assert set(numeric) == set(features.columns) - {"gender", "city"}
    assert all(features[c].dtype == "float64" for c in numeric)


def test_the_other_share_takes_what_the_top_levels_leave():
    few = order_features(tiny_orders(), as_of=AS_OF, max_levels=1)
    assert [c for c in few.columns if ":" in c] == ["cat_share:Tea", "cat_share:other", "channel_share:Web",
                                                   "channel_share:other"]
    np.testing.assert_allclose(few["cat_share:other"], [50 / 210, 1, 0])
    np.testing.assert_allclose(few["channel_share:other"], [60 / 210, 1, 0])


def test_no_share_columns_without_a_second_value_or_without_the_column():
    one_channel = tiny_orders().assign(channel="Web")
    assert not [c for c in order_features(one_channel, as_of=AS_OF).columns if c.startswith("channel_share")]
    unmapped = tiny_orders().assign(category=pd.Series([None] * len(LINES), dtype="str"))
    assert not [c for c in order_features(unmapped, as_of=AS_OF).columns if c.startswith("cat_share")]


def test_no_purchase_before_the_cutoff_is_an_error():
    with pytest.raises(DataError) as raised:
        order_features(tiny_orders(), as_of=date(2025, 1, 1))
    assert raised.value.code == "predict_no_customers_before_cutoff"
    assert "2025-01-10" in raised.value.text("en") and "2025-01-10" in raised.value.text("zh")


# --- no leakage: whatever happens on/after the cutoff, the features at the cutoff stay the same ---

def test_altering_lines_after_the_cutoff_changes_no_feature(features):
    orders = tiny_orders()
    after = orders["order_date"] >= pd.Timestamp(AS_OF)
    altered = orders.assign(amount=orders["amount"].where(~after, orders["amount"] * 7))
    extra = tiny_orders([
        ("B", "o8", "2025-04-01 00:00", "wine", "Wine", "Phone", 5, 999.0, False),  # a new category and channel
        ("C", "r9", "2025-05-01 00:00", "green tea", "Tea", "Web", -1, -40.0, True),
        ("E", "o9", "2025-06-01 00:00", "mug", "Cup", "Store", 1, 10.0, False),
    ])
    for changed in (altered, pd.concat([orders, extra], ignore_index=True), orders[~after],
                    orders[~after | (orders["customer_id"] == "A")]):
        pd.testing.assert_frame_equal(order_features(changed, CUSTOMERS, as_of=AS_OF, trend_days=30), features)
    # the check can fail: the same change one day before the cutoff does change the features
    earlier = orders.assign(order_date=orders["order_date"].where(~after, pd.Timestamp("2025-03-31")))
    with pytest.raises(AssertionError):
        pd.testing.assert_frame_equal(order_features(earlier, CUSTOMERS, as_of=AS_OF, trend_days=30), features)


def test_altering_the_samples_lines_after_the_cutoff_changes_no_feature():
    loaded = pipeline.load((SAMPLE / "orders_zh.csv").read_bytes(), "orders_zh.csv")
    future = pipeline.load((SAMPLE / "orders_future_zh.csv").read_bytes(), "orders_future_zh.csv").result.orders
    orders, customers = loaded.result.orders, loaded.result.customers
    cutoff = date(2025, 10, 1)
    reference = order_features(orders, customers, as_of=cutoff)
    assert len(reference) == 592 and reference["frequency"].sum() > 0
    after = (orders["order_date"] >= pd.Timestamp(cutoff)).to_numpy()
    assert 500 < after.sum() < len(orders)  # the cutoff really splits the file
    rng = np.random.default_rng(0)
    variants = {
        "amounts": orders.assign(amount=np.where(after, orders["amount"] * rng.uniform(0.1, 9, len(orders)),
                                                 orders["amount"])),
        "removed": orders[~after | (rng.random(len(orders)) < 0.5)],
        "added": pd.concat([orders, future], ignore_index=True),
        "new values": orders.assign(category=orders["category"].where(~after, "新品类"),
                                    channel=orders["channel"].where(~after, "抖音")),
        "only before": orders[~after],
    }
    for name, changed in variants.items():
        pd.testing.assert_frame_equal(order_features(changed, customers, as_of=cutoff), reference, obj=name)


def test_inputs_are_not_changed():
    orders = tiny_orders()
    copy = orders.copy()
    order_features(orders, CUSTOMERS, as_of=AS_OF)
    pd.testing.assert_frame_equal(orders, copy)


# --- words ---

@pytest.mark.parametrize(("name", "en", "zh"), [
    ("recency_days", "days since last purchase", "距上次购买天数"),
    ("orders_recent", "orders in the last 90 days", "近 90 天购买次数"),
    ("orders_prior", "orders 91-180 days ago", "91–180 天前购买次数"),
    ("cat_share:Tea", "share of spend on Tea", "Tea 消费占比"),
    ("cat_share:茶饮", "share of spend on 茶饮", "茶饮消费占比"),
    ("cat_share:other", "share of spend on other categories", "其他品类消费占比"),
    ("channel_share:WeChat", "share of spend via WeChat", "通过 WeChat 的消费占比"),
    ("channel_share:微信小程序", "share of spend via 微信小程序", "通过微信小程序的消费占比"),
    ("channel_share:other", "share of spend via other channels", "其他渠道消费占比"),
    ("city", "City", "城市"),
    ("something_else", "something_else", "something_else"),
])
def test_feature_labels_in_both_languages(name, en, zh):
    assert feature_label(name) == en and feature_label(name, "en") == en
    assert feature_label(name, "zh") == zh


def test_every_base_feature_has_words_and_the_trend_window_is_named():
    assert set(FEATURE_LABELS) == set(BASE_FEATURES)
    for name, words in FEATURE_LABELS.items():
        assert words.en and words.zh and words.en != words.zh, name
    assert feature_label("spend_recent", "zh", trend_days=30) == "近 30 天消费额"
    assert feature_label("trend", trend_days=30) == "change in orders (last 30 days against the 30 before)"
