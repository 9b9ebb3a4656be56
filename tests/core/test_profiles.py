"""Segment profiles for any segmentation: sizes, averages and the mix of categories, channels and cities."""

from __future__ import annotations

import pandas as pd

from crm_core.segment import lifecycle, profiles, rfm

TABLE = pd.DataFrame({
    "customer_id": ["a", "b", "c", "d", "e"],
    "segment": ["champions", "champions", "champions", "champions", "lost"],
    "avg_order_value": [100.0, 200.0, 300.0, 400.0, 50.0],
    "tenure_days": [10, 20, 30, 40, 500],
    "top_category": ["Tea", "Tea", "Coffee", None, "Tea"],
    "channel": ["web", "web", "web", "shop", None],
    "city": ["上海", "北京", "上海", "上海", "杭州"],
})


def test_each_present_group_in_the_maps_order_with_hand_computed_figures():
    got = profiles.segment_profiles(TABLE, rfm.SCHEMES["11"], lang="en")
    assert got["segment"].tolist() == ["champions", "lost"]
    first = got.iloc[0]
    assert (first["segment_name"], first["customers"]) == ("Champions", 4)
    assert (first["avg_order_value"], first["tenure_days"]) == (250.0, 25)
    # Shares of the group's 4 customers; d has no category, so Tea 2/4 and Coffee 1/4.
    assert first["category_mix"] == "Tea 50%, Coffee 25%"
    assert first["channel_mix"] == "web 75%, shop 25%"
    assert first["city_mix"] == "上海 75%, 北京 25%"
    assert got.iloc[1]["channel_mix"] == ""  # e's channel is unknown


def test_in_chinese_with_another_segmentation_and_a_missing_column():
    table = TABLE.drop(columns=["city"]).assign(stage=["new", "new", "active", "churned", "churned"])
    got = profiles.segment_profiles(table, lifecycle.Lifecycle(), lang="zh", top=1)
    assert got["segment"].tolist() == ["new", "active", "churned"]
    assert got.iloc[0]["category_mix"] == "Tea 100%"
    assert got.iloc[2]["category_mix"] == "Tea 50%"
    assert got["city_mix"].tolist() == ["", "", ""]
    assert got.iloc[0]["segment_name"] == lifecycle.Lifecycle().text("new", "name", "zh")
