"""Monthly acquisition cohorts and new versus returning customers, worked out by hand on
tests/data/lifecycle/orders.csv (as of 2024-07-01, so the last month is June 2024, complete).

First purchase months: 2023-10 R1, R2, C2 (3); 2024-01 A2, R3, S1, S2, C1 (5); 2024-04 N2, A1 (2); 2024-06 N1 (1).
Purchase months after the first: R1 2024-06; R2 2024-05, 2024-06; A2 and S1 2024-04; R3 2024-06; N2 and A1 2024-06.
Returns: C1 -7 in 2024-02, C2 -10 in 2024-05.  X1 bought on the as-of day and R1 on 2 Jul: not counted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.customers import customer_table
from crm_core.segment import cohort_matrix, cohort_table, new_vs_returning
from crm_core.segment.cohorts import COHORT_COLUMNS, NEW_RETURNING_COLUMNS

DATA = Path(__file__).resolve().parents[1] / "data" / "lifecycle"
ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2024, 7, 1)


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    path = DATA / "orders.csv"
    return pipeline.load(path.read_bytes(), path.name).result.orders


@pytest.fixture(scope="module")
def cohorts(orders) -> pd.DataFrame:
    return cohort_table(orders, as_of=AS_OF)


def rows(table: pd.DataFrame, cohort: str) -> pd.DataFrame:
    return table[table["cohort"] == cohort].set_index("months_since_first")


def test_one_row_per_cohort_and_month_up_to_the_last_month(cohorts):
    assert list(cohorts.columns) == list(COHORT_COLUMNS)
    # 2023-10: months 0..8 (Oct to Jun); 2024-01: 0..5; 2024-04: 0..2; 2024-06: 0
    assert cohorts.groupby("cohort", sort=False).size().to_dict() == {"2023-10": 9, "2024-01": 6, "2024-04": 3,
                                                                        "2024-06": 1}
    assert rows(cohorts, "2023-10")["month"].tolist()[-2:] == ["2024-05", "2024-06"]
    assert cohorts.groupby("cohort")["cohort_size"].first().to_dict() == {"2023-10": 3, "2024-01": 5, "2024-04": 2,
                                                                          "2024-06": 1}
    assert cohorts["complete_month"].all()  # as of 1 Jul: June is complete


def test_retention_by_hand(cohorts):
    # 2023-10: R2 bought in month 7 (May), R1 and R2 in month 8 (June): 1/3 and 2/3; C2's May return is no purchase.
    oct_ = rows(cohorts, "2023-10")
    assert oct_["active_customers"].tolist() == [3, 0, 0, 0, 0, 0, 0, 1, 2]
    assert oct_["retention"].tolist() == pytest.approx([1, 0, 0, 0, 0, 0, 0, 1 / 3, 2 / 3])
    # 2024-01: A2 and S1 in April (month 3), R3 in June (month 5); C1's February return is no purchase.
    assert rows(cohorts, "2024-01")["retention"].tolist() == [1.0, 0.0, 0.0, 0.4, 0.0, 0.2]
    # 2024-04: N2 and A1 both again in June (month 2)
    assert rows(cohorts, "2024-04")["retention"].tolist() == [1.0, 0.0, 1.0]
    assert rows(cohorts, "2024-06")["retention"].tolist() == [1.0]


def test_revenue_per_cohort_month_is_net_of_returns(cohorts):
    # 2023-10: month 0 100 + 200 + 90 + 10; month 7 R2 30 and C2's return -10; month 8 R1 70 + R2 35
    assert rows(cohorts, "2023-10")["revenue"].tolist() == [400.0, 0, 0, 0, 0, 0, 0, 20.0, 105.0]
    # 2024-01: 50 + 12 + 44 + 66 + 77; C1's return -7 in February; April A2 60 + S1 55; June R3 18
    assert rows(cohorts, "2024-01")["revenue"].tolist() == [249.0, -7.0, 0.0, 115.0, 0.0, 18.0]
    assert rows(cohorts, "2024-04")["revenue"].tolist() == [45.0, 0.0, 70.0]
    assert rows(cohorts, "2024-06")["revenue"].tolist() == [30.0]


def test_cohort_revenue_adds_up_to_the_customer_tables_spend(orders, cohorts):
    # 400 + 20 + 105 + 249 - 7 + 115 + 18 + 45 + 70 + 30
    assert cohorts["revenue"].sum() == customer_table(orders, as_of=AS_OF)["monetary"].sum() == 1045.0


def test_the_heat_map_grid(cohorts):
    grid = cohort_matrix(cohorts)
    assert grid.index.tolist() == ["2023-10", "2024-01", "2024-04", "2024-06"]
    assert grid.columns.tolist() == list(range(9))
    assert grid.loc["2024-04"].tolist()[:3] == [1.0, 0.0, 1.0]
    assert np.isnan(grid.loc["2024-04"].tolist()[3:]).all()  # months that have not happened yet
    assert cohort_matrix(cohorts, "active_customers").loc["2023-10", 8] == 2
    with pytest.raises(ValueError):
        cohort_matrix(cohorts, "customers")


def test_a_month_cut_short_by_the_as_of_date_is_flagged(orders):
    # as of 22 Jun, June is partial (the 21 Jun orders count, R3's of 30 Jun does not)
    partial = cohort_table(orders, as_of=date(2024, 6, 22))
    assert partial.loc[partial["month"] == "2024-06", "complete_month"].tolist() == [False] * 4
    assert partial.loc[partial["month"] != "2024-06", "complete_month"].all()
    # R3's 30 Jun order is after the as-of date: 2024-01 cohort month 5 has nobody now
    assert rows(partial, "2024-01")["active_customers"].tolist() == [5, 0, 0, 2, 0, 0]


def test_new_versus_returning_by_hand(orders):
    table = new_vs_returning(orders, as_of=AS_OF)
    assert list(table.columns) == list(NEW_RETURNING_COLUMNS)
    assert table["month"].tolist() == ["2023-10", "2023-11", "2023-12", "2024-01", "2024-02", "2024-03", "2024-04",
                                       "2024-05", "2024-06"]
    got = table.set_index("month")
    assert got["new_customers"].tolist() == [3, 0, 0, 5, 0, 0, 2, 0, 1]
    # April: A2 and S1 came back; May: R2; June: N2, A1, R1, R2, R3
    assert got["returning_customers"].tolist() == [0, 0, 0, 0, 0, 0, 2, 1, 5]
    assert (got["customers"] == got["new_customers"] + got["returning_customers"]).all()
    assert got["new_revenue"].tolist() == [400.0, 0, 0, 249.0, 0, 0, 45.0, 0, 30.0]
    # February: C1's return of a January purchase; May: R2 30 and C2's return -10; June 25 + 45 + 70 + 35 + 18
    assert got["returning_revenue"].tolist() == [0.0, 0, 0, 0, -7.0, 0, 115.0, 20.0, 193.0]
    assert (got["revenue"] == got["new_revenue"] + got["returning_revenue"]).all()


def test_no_purchase_before_the_as_of_date_gives_empty_tables_with_their_columns(orders):
    empty = cohort_table(orders, as_of=date(2023, 1, 1))
    assert empty.empty and list(empty.columns) == list(COHORT_COLUMNS)
    assert empty.dtypes["retention"] == "float64" and empty.dtypes["cohort_size"] == "int64"
    empty = new_vs_returning(orders.iloc[:0], as_of=AS_OF)
    assert empty.empty and list(empty.columns) == list(NEW_RETURNING_COLUMNS)


def test_the_sample_cohorts_count_every_customer_once():
    loaded = pipeline.load((ROOT / "sample_data" / "orders_zh.csv").read_bytes(), "orders_zh.csv")
    orders = loaded.result.orders
    table = customer_table(orders)
    cohorts = cohort_table(orders)
    sizes = cohorts.groupby("cohort")["cohort_size"].first()
    first_months = table["first_order_date"].dt.strftime("%Y-%m").value_counts().sort_index()
    assert sizes.to_dict() == first_months.to_dict()
    assert cohorts["revenue"].sum() == pytest.approx(table["monetary"].sum())
    monthly = new_vs_returning(orders)
    assert monthly["new_customers"].sum() == len(table)  # each customer is new in exactly one month
    assert monthly["revenue"].sum() == pytest.approx(table["monetary"].sum())
