"""crm_core.customers.customer_table and default_as_of, checked against values worked out by hand."""

from __future__ import annotations

import inspect
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core import customers, pipeline
from crm_core.customers import CUSTOMER_COLUMNS, TENURE_FLOOR_DAYS, customer_table, default_as_of
from crm_core.segment import rfm

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "orders_zh.csv"
AS_OF = date(2024, 7, 1)


def orders(*lines: tuple) -> pd.DataFrame:
    """Order lines (customer, order, day, product, category, channel, quantity, amount) like standardize() gives."""
    frame = pd.DataFrame(lines, columns=["customer_id", "order_id", "order_date", "product", "category", "channel",
                                         "quantity", "amount"])
    return frame.assign(
        order_date=pd.to_datetime(frame["order_date"], format="ISO8601"),
        is_return=frame["amount"] < 0,
        sku=None, unit_price=np.nan, source_row=range(2, len(frame) + 2),
    )


# A: order O1 on 1 Jan (two lines, in the shop), O2 on 20 Jun (online), a return on 25 Jun.
# B: one order 24 Jun, no channel.  C: two orders, one line each, tied on channel and product.
# D: only a line dated on the as-of day itself, so D is not a customer yet.
LINES = orders(
    ("A", "O1", "2024-01-01 10:00", "Tea", "Drinks", "Shop", 2, 20.0),
    ("A", "O1", "2024-01-01 10:00", "Cake", "Food", "Shop", 1, 15.0),
    ("A", "O2", "2024-06-20 18:30", "Tea", "Drinks", "Online", 1, 10.0),
    ("A", "R1", "2024-06-25", "Tea", "Drinks", "Online", -1, -10.0),
    ("B", "O3", "2024-06-24", "Mug", "Home", None, 1, 50.0),
    ("C", "O4", "2024-03-01", "Pen", "Office", "Web", 3, 6.0),
    ("C", "O5", "2024-05-01", "Ink", "Office", "App", 1, 4.0),
    ("D", "O6", "2024-07-01 09:00", "Tea", "Drinks", "Shop", 1, 10.0),
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return customer_table(LINES, as_of=AS_OF).set_index("customer_id")


def test_columns_and_customers(table):
    assert list(table.reset_index().columns) == list(CUSTOMER_COLUMNS)
    assert table.index.tolist() == ["A", "B", "C"]  # D only bought on the as-of day


def test_recency_tenure_and_counts(table):
    # A: last purchase 20 Jun -> 11 days to 1 Jul; first 1 Jan -> 182 days (2024 is a leap year).
    # B: 24 Jun -> 7 and 7.  C: 1 May -> 61 days; first 1 Mar -> 122 days.  The return does not count as an order.
    assert table["recency_days"].tolist() == [11, 7, 61]
    assert table["tenure_days"].tolist() == [182, 7, 122]
    assert table["frequency"].tolist() == [2, 1, 2]
    assert table["lines"].tolist() == [3, 1, 2] and table["return_lines"].tolist() == [1, 0, 0]
    assert table["items"].tolist() == [4.0, 1.0, 4.0]
    assert table["gross_sales"].tolist() == [45.0, 50.0, 10.0]
    assert table["returns_value"].tolist() == [-10.0, 0.0, 0.0]
    assert table["monetary"].tolist() == [35.0, 50.0, 10.0]
    assert table["avg_order_value"].tolist() == [22.5, 50.0, 5.0]


def test_orders_per_year_over_each_customers_own_tenure(table):
    # frequency x 365.25 / max(tenure_days, 90): A 2 x 365.25 / 182, C 2 x 365.25 / 122, and B, a week old with
    # one order, is divided by the 90-day floor: 4.058 a year, not 1 x 365.25 / 7 = 52.
    assert TENURE_FLOOR_DAYS == 90
    expected = [2 * 365.25 / 182, 365.25 / 90, 2 * 365.25 / 122]
    assert table["orders_per_year"].tolist() == pytest.approx(expected, rel=1e-12)
    assert table["orders_per_year"].round(3).tolist() == [4.014, 4.058, 5.988]


def test_channel_top_category_and_top_product(table):
    # A: Shop on 2 purchase lines, Online on 1 (the return line does not count); Drinks and Tea on 2 of 3.
    # B: no channel -> missing.  C: one line each, ties go to the first by name: App, Ink; Office twice.
    assert table.loc[["A", "C"], "channel"].tolist() == ["Shop", "App"] and pd.isna(table.loc["B", "channel"])
    assert table["top_category"].tolist() == ["Drinks", "Home", "Office"]
    assert table["top_product"].tolist() == ["Tea", "Mug", "Ink"]


def test_first_and_last_order_dates(table):
    assert table.loc["A", "first_order_date"] == pd.Timestamp("2024-01-01 10:00")
    assert table.loc["A", "last_order_date"] == pd.Timestamp("2024-06-20 18:30")


def test_default_as_of_is_the_day_after_the_last_line():
    # D's line on 1 Jul 09:00 is the last one: the default analysis date is 2 Jul, and D is a customer.
    assert default_as_of(LINES) == date(2024, 7, 2)
    assert customer_table(LINES)["customer_id"].tolist() == ["A", "B", "C", "D"]


def test_a_line_dated_2099_does_not_move_the_analysis_date():
    typo = pd.concat([LINES, orders(("E", "O7", "2099-01-05", "Tea", "Drinks", "Shop", 1, 10.0))],
                     ignore_index=True)
    assert default_as_of(typo) == date(2024, 7, 2)
    table = customer_table(typo).set_index("customer_id")
    assert "E" not in table.index  # dated after the analysis date, so left out
    assert table.loc["B", "recency_days"] == 8


def test_results_do_not_depend_on_todays_date():
    # Orders entirely in the future of the day the tests run: the analysis date still comes from the data.
    future = LINES.assign(order_date=LINES["order_date"] + pd.DateOffset(years=20))
    assert default_as_of(future) == date(2044, 7, 2)
    assert customer_table(future)["recency_days"].tolist() == [12, 8, 62, 1]
    for module in (customers, rfm):
        assert "today(" not in inspect.getsource(module) and "now(" not in inspect.getsource(module)


def test_no_purchase_before_the_as_of_date_gives_an_empty_table():
    empty = customer_table(LINES, as_of=date(2023, 1, 1))
    assert empty.empty and list(empty.columns) == list(CUSTOMER_COLUMNS)


def test_per_year_basis_changes_f_scores_on_the_sample():
    table = customer_table(pipeline.load(SAMPLE.read_bytes(), SAMPLE.name).result.orders)
    by_orders = rfm.score_rfm(table)["f_score"]
    per_year = rfm.score_rfm(table, rfm.RfmParams(frequency_basis="per_year"))["f_score"]
    changed = (by_orders != per_year).mean()
    assert changed > 0.05, changed  # the same window for everyone would change none
    # Customers who joined within the last 90 days are divided by the floor, never by less.
    young = table[table["tenure_days"] < TENURE_FLOOR_DAYS]
    assert len(young) > 0
    assert np.allclose(young["orders_per_year"], young["frequency"] * 365.25 / TENURE_FLOOR_DAYS)
