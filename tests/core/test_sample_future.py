"""The demo generator's added streams: stable ids when a stream is added, and the planted future period."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.sample.behaviour import BEHAVIOURS
from crm_core.sample.future import RETURN_CHANCE
from crm_core.sample.generator import SampleSpec, generate_sample

FUTURE_CSV = Path(__file__).resolve().parents[2] / "sample_data" / "orders_future_zh.csv"


@pytest.fixture(scope="module")
def with_test_stream():
    return generate_sample(SampleSpec(test_stream=True))


def test_adding_a_stream_leaves_every_existing_line_and_id_unchanged(data, with_test_stream):
    orders = with_test_stream.orders
    added = orders["order_id"].str.startswith("XS")
    # 500 customers, every tenth gets one single-line order: 50 new lines, 50 new ids
    assert added.sum() == 50 and orders.loc[added, "order_id"].nunique() == 50
    pd.testing.assert_frame_equal(orders[~added].reset_index(drop=True), data.orders)
    pd.testing.assert_frame_equal(with_test_stream.customers, data.customers)
    pd.testing.assert_frame_equal(with_test_stream.future, data.future)
    # the added orders really are interleaved in time with the existing ones, not appended at the end
    assert not added.iloc[-50:].all()


def test_the_future_period_changes_nothing_before_the_analysis_date(data):
    shorter = generate_sample(SampleSpec(future_days=30))
    pd.testing.assert_frame_equal(shorter.orders, data.orders)
    pd.testing.assert_frame_equal(shorter.customers, data.customers)
    assert len(shorter.future) < len(data.future)


def test_future_orders_are_purchases_in_the_90_days_after_the_analysis_date(data):
    future = data.future
    assert len(future) == 1287 and future["order_id"].nunique() == 833
    core = future[future["customer_id"].str.startswith("C")]  # the behaviour clusters' customers are "K..."
    assert len(core) == 931 and core["order_id"].nunique() == 568
    assert future["order_date"].min() >= pd.Timestamp("2026-01-01")
    assert future["order_date"].max() < pd.Timestamp("2026-04-01")
    assert (future["status"] == "已完成").all() and (future["quantity"] > 0).all()
    assert future["customer_id"].isin(data.customers["customer_id"]).all()
    assert not set(future["order_id"]) & set(data.orders["order_id"])  # the files can be read together


def test_truth_counts_each_customers_future_orders(data):
    truth = data.truth.set_index("customer_id")
    counted = data.future.groupby("customer_id")["order_id"].nunique()
    pd.testing.assert_series_equal(truth["future_orders"], counted.reindex(truth.index, fill_value=0),
                                   check_names=False)
    assert (truth["churned_in_future"] == (truth["future_orders"] == 0)).all()


def test_who_came_back_follows_the_group_and_not_only_recency(data):
    truth = data.truth.dropna(subset=["group"])  # the core customers
    came_back = (~truth["churned_in_future"]).groupby(truth["group"]).sum().to_dict()
    assert came_back == {"champions": 39, "loyal": 68, "new": 23, "occasional": 67, "at_risk": 21, "lost": 7}
    size = truth["group"].value_counts()
    for group, chance in RETURN_CHANCE.items():  # seeded draws, within 7 points of the planted chance
        assert abs(came_back[group] / size[group] - chance) < 0.07, group
    # recency churn and real churn disagree for 154 of 500: a model cannot just read recency
    agree = truth["churned"] == truth["churned_in_future"]
    assert (~agree).sum() == 121 + 33
    assert ((truth["churned"]) & (~truth["churned_in_future"])).sum() == 33  # "churned", yet came back


def test_the_behaviour_clusters_come_back_with_their_own_chances(data):
    truth = data.truth.dropna(subset=["behaviour_cluster"])
    came_back = (~truth["churned_in_future"]).groupby(truth["behaviour_cluster"]).sum().to_dict()
    assert came_back == {"frequent_low_ticket": 44, "rare_high_ticket": 16, "dormant": 3, "new_high_potential": 40}
    for cluster, profile in BEHAVIOURS.items():  # 50 customers each: within 12 points of the planted chance
        assert abs(came_back[cluster] / 50 - profile.future_chance) <= 0.12, cluster


def test_committed_future_file_reads_like_the_main_export(data):
    loaded = pipeline.load(FUTURE_CSV.read_bytes(), FUTURE_CSV.name)
    report = loaded.result.report
    assert (report.rows_read, report.rows_used) == (len(data.future), len(data.future)) == (1287, 1287)
    assert loaded.result.orders["customer_id"].nunique() == int((data.truth["future_orders"] > 0).sum()) == 328
