"""Lifecycle stages, the buying-rhythm columns of the customer table and migration between two dates, checked
against values worked out by hand on tests/data/lifecycle/orders.csv, and against the sample's planted groups.

Days from each purchase day to 2024-07-01 (2024 is a leap year), used throughout:
2023-10-01 274, 2024-01-02 181, 2024-01-03 180, 2024-04-01 91, 2024-04-02 90, 2024-05-01 61, 2024-06-01 30,
2024-06-21 10, 2024-06-30 1.  To 2024-04-01: 2023-10-01 183, 2024-01-02 90, 2024-01-03 89.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.customers import CUSTOMER_COLUMNS, customer_table
from crm_core.export import ListOptions, ListRequest
from crm_core.schema import DataError
from crm_core.segment import Lifecycle, LifecycleWindows, Segmentation, migration, rfm, stages, with_stages
from crm_core.segment.lifecycle import NOT_YET, STAGES

DATA = Path(__file__).resolve().parents[1] / "data" / "lifecycle"
ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2024, 7, 1)
BEFORE = date(2024, 4, 1)


def load_orders(name: str) -> pd.DataFrame:
    path = DATA / name
    return pipeline.load(path.read_bytes(), path.name).result.orders


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return load_orders("orders.csv")


@pytest.fixture(scope="module")
def table(orders) -> pd.DataFrame:
    return customer_table(orders, as_of=AS_OF).set_index("customer_id")


# --- the customer table's new columns -------------------------------------------------------------------------

def test_the_rhythm_columns_come_last_and_the_old_ones_keep_their_order(table):
    assert CUSTOMER_COLUMNS[-3:] == ("previous_order_date", "longest_gap_days", "avg_interval_days")
    assert CUSTOMER_COLUMNS[:3] == ("customer_id", "first_order_date", "last_order_date")
    assert list(table.reset_index().columns) == list(CUSTOMER_COLUMNS)
    assert sorted(table.index) == ["A1", "A2", "C1", "C2", "N1", "N2", "R1", "R2", "R3", "S1", "S2"]  # X1: on as-of


def test_previous_order_is_the_last_purchase_on_an_earlier_day(table):
    previous = table["previous_order_date"]
    # A1 bought twice on 1 Apr (09:00, 17:30) and twice on 21 Jun: the previous order is 1 Apr 17:30, not 21 Jun.
    assert previous["A1"] == pd.Timestamp("2024-04-01 17:30")
    assert previous["R2"] == pd.Timestamp("2024-05-01 10:00")
    assert previous["R1"] == pd.Timestamp("2023-10-01 10:00")  # R1's 2 Jul order is after the as-of date
    assert previous["N2"] == pd.Timestamp("2024-04-02 12:00")
    # one purchase day: no previous order (C2: two orders on one day; C1: the return is not a purchase)
    assert previous[["N1", "S2", "C1", "C2"]].isna().all()


def test_longest_gap_and_mean_interval_in_days(table):
    # R2 bought 274, 61 and 10 days before: gaps 213 and 51, mean (274 - 10) / 2 = 132.
    # A1: 91 and 10 days before (two orders each day): one gap of 81, mean 81.  A2: 181 and 90 days: 91.
    expected = {"N2": (60, 60), "A1": (81, 81), "A2": (91, 91), "R1": (264, 264), "R2": (213, 132),
                "R3": (180, 180), "S1": (90, 90)}
    for customer, (longest, mean) in expected.items():
        assert table.loc[customer, ["longest_gap_days", "avg_interval_days"]].tolist() == [longest, mean], customer
    assert table.loc[["N1", "S2", "C1", "C2"], ["longest_gap_days", "avg_interval_days"]].isna().all().all()
    assert table["frequency"]["A1"] == 4 and table["frequency"]["C2"] == 2  # orders still count every order


def test_dates_held_as_objects_give_the_same_rhythm(orders):
    as_objects = orders.assign(order_date=orders["order_date"].astype(object))
    got = customer_table(as_objects, as_of=AS_OF).set_index("customer_id")
    plain = customer_table(orders, as_of=AS_OF).set_index("customer_id")
    assert got["previous_order_date"]["A1"] == pd.Timestamp("2024-04-01 17:30")
    assert got["previous_order_date"].isna().sum() == 4
    pd.testing.assert_frame_equal(got[["longest_gap_days", "avg_interval_days"]],
                                  plain[["longest_gap_days", "avg_interval_days"]])


# --- stages ---------------------------------------------------------------------------------------------------

def test_stages_with_the_default_windows_by_hand(table):
    # new: first purchase <= 90 days ago (N2's is exactly 90); reactivated: R1 came back 10 days ago after a
    # 264-day gap (> 180); R2 came back too, but bought again since: its latest gap is 51 days, so active;
    # R3's gap is exactly 180 (not more): active; A2 bought exactly 90 days ago: active; S1 91 days: silent;
    # S2 exactly 180 days: silent; C1 181 days: churned.
    assert stages(table).to_dict() == {
        "A1": "active", "A2": "active", "C1": "churned", "C2": "churned", "N1": "new", "N2": "new",
        "R1": "reactivated", "R2": "active", "R3": "active", "S1": "silent", "S2": "silent",
    }


def test_stages_with_edited_windows_by_hand(table):
    windows = LifecycleWindows(new_days=30, active_days=60, churn_days=120)
    got = stages(table, windows)
    # N2 first bought 90 days ago (> 30), last 30 days ago: active; A2 90 days ago: silent (60 < 90 <= 120);
    # R3 came back yesterday after 180 days (> 120): reactivated; S2 180 days ago: churned.
    assert got.to_dict() == {
        "A1": "active", "A2": "silent", "C1": "churned", "C2": "churned", "N1": "new", "N2": "active",
        "R1": "reactivated", "R2": "active", "R3": "reactivated", "S1": "silent", "S2": "churned",
    }
    assert got.name == "stage" and got.index.equals(table.index)


def test_no_customer_before_the_as_of_date_gives_no_stage(orders):
    empty = stages(customer_table(orders, as_of=date(2020, 1, 1)))
    assert empty.empty and empty.name == "stage" and empty.dtype == "str"


def test_with_stages_feeds_the_segment_summary_in_stage_order(table):
    summary = rfm.segment_summary(with_stages(table.reset_index()), Lifecycle(), lang="zh")
    assert summary["segment"].tolist() == ["new", "active", "reactivated", "silent", "churned"]
    assert summary["name"].tolist() == ["新客", "活跃客户", "回流客户", "沉默客户", "流失客户"]
    assert summary["customers"].tolist() == [2, 4, 1, 2, 2]
    # spend before 1 Jul: new N1 30 + N2 45; active A1 70 + A2 110 + R2 265 + R3 30; reactivated R1 170;
    # silent S1 99 + S2 66; churned C1 77 - 7 + C2 100 - 10
    assert summary["revenue"].tolist() == [75.0, 475.0, 170.0, 165.0, 160.0]
    assert summary["revenue_share"].sum() == pytest.approx(1.0)


def test_lifecycle_is_a_segmentation_with_bilingual_texts_naming_its_windows():
    lifecycle = Lifecycle(LifecycleWindows(new_days=60, active_days=60, churn_days=365))
    assert isinstance(lifecycle, Segmentation) and lifecycle.key_column == "stage"
    assert lifecycle.segments() == STAGES == ("new", "active", "reactivated", "silent", "churned")
    assert lifecycle.text("silent", "description") == "Last purchase 60 to 365 days ago."
    assert lifecycle.text("silent", "description", "zh") == "最近一次购买在 60 到 365 天前。"
    assert lifecycle.text("churned", "name", "zh") == "流失客户"
    assert lifecycle.text("active", "description") == ("Bought in the last 60 days; first purchase more than 60 "
                                                       "days ago.")
    for key in STAGES:
        for field in ("name", "description", "action", "channel"):
            assert lifecycle.text(key, field, "en") and lifecycle.text(key, field, "zh"), (key, field)
    assert hash(lifecycle) == hash(Lifecycle(LifecycleWindows(60, 60, 365)))  # can key a cache


def test_a_stage_list_goes_through_the_campaign_list_builder(table):
    staged = with_stages(table.reset_index()).assign(opted_out=False)
    built = pipeline.build_lists(staged, ListRequest(Lifecycle(), segments=("silent",),
                                                     options=ListOptions(lang="en")))
    assert list(built.sheets) == ["Silent"]
    assert built.sheets["Silent"]["Customer ID"].tolist() == ["S1", "S2"]  # biggest spender first: 99, 66


# --- windows and bad input --------------------------------------------------------------------------------------

def test_windows_out_of_order_are_refused_in_both_languages():
    with pytest.raises(DataError) as caught:
        LifecycleWindows(**json.loads((DATA / "windows_out_of_order.json").read_text()))
    assert caught.value.code == "lifecycle_windows_order"
    assert caught.value.text("en").startswith("The lifecycle windows are out of order: new 120 days, active 90 days, "
                                              "churned after 180 days.")
    assert caught.value.text("zh").startswith("生命周期窗口顺序不对：新客 120 天，活跃 90 天，流失 180 天以上。")
    with pytest.raises(DataError, match="out of order"):
        LifecycleWindows(new_days=90, active_days=180, churn_days=180)  # no room for silent


def test_a_window_that_is_not_whole_days_is_named():
    with pytest.raises(DataError) as caught:
        LifecycleWindows(**json.loads((DATA / "windows_not_days.json").read_text()))
    assert caught.value.text("en") == ('The lifecycle window "active" must be a whole number of days, at least 1 '
                                       "(got 0).")
    assert caught.value.text("zh") == "生命周期窗口“活跃”必须是不小于 1 的整数天数（当前为 0）。"
    for bad in (2.5, float("nan"), "90", True):
        with pytest.raises(DataError):
            LifecycleWindows(new_days=bad)
    assert LifecycleWindows(new_days=30.0).new_days == 30 and isinstance(LifecycleWindows(30.0).new_days, int)


def test_a_customer_table_without_the_previous_order_is_refused_in_words():
    old = pd.read_csv(DATA / "customer_table_without_gaps.csv", parse_dates=["first_order_date", "last_order_date"])
    with pytest.raises(DataError) as caught:
        stages(old)
    assert caught.value.text("en") == ("The customer table has no previous_order_date column, which lifecycle stages "
                                       "need. Rebuild it from the orders.")
    assert caught.value.text("zh") == "客户表缺少生命周期阶段所需的 上一次购买日期 列。请根据订单重新生成客户表。"


# --- migration ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def moved(orders):
    return migration(orders, from_as_of=BEFORE, to_as_of=AS_OF)


def test_migration_cells_by_hand(moved):
    # On 1 Apr: A2, R3, S1, S2, C1 first bought 89-90 days before (new); R1, R2, C2 183 days before (churned);
    # N1, N2, A1 had not bought yet (A1's first order is on 1 Apr itself).  Spend between the dates: N1 30 + N2 45,
    # A1 70, A2 60 + R3 18, S1 55 + S2 0, C1 0, R1 70 (its 2 Jul order is later), R2 65, C2 a 10 return.
    cells = moved.cells
    assert cells[["from_group", "to_group", "customers", "revenue"]].values.tolist() == [
        ["new", "active", 2, 78.0], ["new", "silent", 2, 55.0], ["new", "churned", 1, 0.0],
        ["churned", "active", 1, 65.0], ["churned", "reactivated", 1, 70.0], ["churned", "churned", 1, -10.0],
        ["not_yet", "new", 2, 75.0], ["not_yet", "active", 1, 70.0],
    ]
    assert cells["from_share"].tolist() == pytest.approx([0.4, 0.4, 0.2, 1 / 3, 1 / 3, 1 / 3, 2 / 3, 1 / 3])
    assert cells["customers"].sum() == 11  # every customer of 1 Jul in exactly one cell


def test_migration_matrix_is_the_full_ordered_grid(moved):
    matrix = moved.matrix()
    assert matrix.index.tolist() == [*STAGES, NOT_YET] and matrix.columns.tolist() == list(STAGES)
    assert matrix.loc["new"].tolist() == [0, 2, 0, 2, 1]
    assert matrix.loc["churned"].tolist() == [0, 1, 1, 0, 1]
    assert matrix.loc[NOT_YET].tolist() == [2, 1, 0, 0, 0]
    assert matrix.loc[["active", "reactivated", "silent"]].to_numpy().sum() == 0
    assert moved.matrix("revenue").loc["churned", "churned"] == -10.0
    assert moved.name(NOT_YET, "zh") == "尚未成为客户" and moved.name("churned", "en") == "Churned"


def test_one_cell_gives_exactly_its_customers(moved):
    cell = moved.cell_customers("new", "silent")
    assert cell["customer_id"].tolist() == ["S1", "S2"]  # spend 99 then 66
    assert cell["previous_stage"].tolist() == ["new", "new"] and cell["stage"].tolist() == ["silent", "silent"]
    assert cell["period_revenue"].tolist() == [55.0, 0.0]
    assert moved.cell_customers(NOT_YET, "new")["customer_id"].tolist() == ["N2", "N1"]  # 45, then 30
    assert moved.cell_customers("active", "active").empty


def test_an_unknown_group_is_named_with_the_groups_there_are(moved):
    with pytest.raises(DataError) as caught:
        moved.cell_customers("champions", "silent")
    assert caught.value.text("en") == ("champions is not a group of this comparison (before). Its groups are: new, "
                                       "active, reactivated, silent, churned, not_yet.")
    assert caught.value.text("zh").startswith("champions 不是本次比较（之前）中的分组。")
    with pytest.raises(DataError, match=r"\(now\)"):
        moved.cell_customers("new", NOT_YET)


def test_rfm_migration_scores_each_date_among_its_own_customers(orders):
    moved = migration(orders, from_as_of=BEFORE, to_as_of=AS_OF, by="rfm")
    then = rfm.score_rfm(customer_table(orders, as_of=BEFORE)).set_index("customer_id")["segment"]
    now = rfm.score_rfm(customer_table(orders, as_of=AS_OF)).set_index("customer_id")["segment"]
    got = moved.customers.set_index("customer_id")
    assert got["segment"].to_dict() == now.to_dict()
    assert got["previous_segment"].to_dict() == {c: then.get(c, NOT_YET) for c in now.index}
    assert moved.customers["previous_segment"].eq(NOT_YET).sum() == 3  # N1, N2, A1
    assert moved.matrix().index[-1] == NOT_YET and moved.matrix().to_numpy().sum() == 11
    # every cell's customers are exactly the customers whose two segments are that cell's
    for row in moved.cells.itertuples():
        ids = moved.cell_customers(row.from_group, row.to_group)["customer_id"]
        assert len(ids) == row.customers
        assert all(then.get(c, NOT_YET) == row.from_group and now[c] == row.to_group for c in ids)


def test_migration_dates_and_empty_start_are_refused_in_words(orders):
    with pytest.raises(DataError) as caught:
        migration(orders, from_as_of=AS_OF, to_as_of=BEFORE)
    assert caught.value.text("en").startswith("To compare customers between two dates, the first date (2024-07-01) "
                                              "must be before the second (2024-04-01).")
    assert caught.value.text("zh").startswith("比较两个日期之间的客户变化时，第一个日期（2024-07-01）必须早于")
    with pytest.raises(DataError) as caught:
        migration(load_orders("orders_after_the_first_date.csv"), from_as_of=BEFORE, to_as_of=AS_OF)
    assert caught.value.text("en") == ("No purchase is dated before 2024-04-01, so there is nobody to compare. Choose "
                                       "a later first date (the first order is on 2024-05-02).")
    assert "（最早的订单在 2024-05-02）" in caught.value.text("zh")
    with pytest.raises(ValueError):
        migration(orders, from_as_of=BEFORE, to_as_of=AS_OF, by="clusters")


def test_a_migration_cell_exports_as_a_list(moved):
    cell = moved.cell_customers("churned", "reactivated").assign(opted_out=False)
    request = ListRequest(moved.segmentation, segments=("reactivated",), options=ListOptions(lang="zh"))
    book = openpyxl.load_workbook(io.BytesIO(pipeline.rfm_workbook(cell, request)))
    sheet = book["回流客户"]
    assert sheet.max_row == 2 and sheet["A2"].value == "R1"


# --- planted truth in the sample ---------------------------------------------------------------------------------

def test_planted_new_and_lapsed_customers_get_their_stages():
    loaded = pipeline.load((ROOT / "sample_data" / "orders_zh.csv").read_bytes(), "orders_zh.csv")
    staged = with_stages(customer_table(loaded.result.orders))
    truth = pd.read_csv(ROOT / "sample_data" / "truth.csv", encoding="utf-8-sig")
    both = staged.merge(truth, on="customer_id")
    by_group = both.groupby("group")["stage"]
    # planted new: one order 1-30 days before the as-of date -> new (first purchase <= 90 days ago)
    assert (by_group.get_group("new") == "new").mean() == 1.0 and len(by_group.get_group("new")) == 50
    # planted lost: every order 272+ days before -> churned (> 180); at risk: last order 121-251 days -> lapsed
    assert (by_group.get_group("lost") == "churned").mean() == 1.0 and len(by_group.get_group("lost")) == 100
    assert by_group.get_group("at_risk").isin(["silent", "churned"]).mean() == 1.0
    assert (by_group.get_group("champions") == "active").all() and (by_group.get_group("loyal") == "active").all()
    # at risk split at 180 days, checked against the recency the generator planted
    at_risk = both[both["group"] == "at_risk"]
    assert (at_risk["stage"] == np.where(at_risk["recency_days"] > 180, "churned", "silent")).all()
