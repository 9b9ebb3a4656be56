"""The pandas reference of bench_ingest_rfm computes what crm_core computes (hand-checked on 8 lines).

Not part of the default suite (pytest collects ``tests/``); run it with ``python -m pytest bench -q``.
"""

from __future__ import annotations

import bench_ingest_rfm as bench
import pytest

CSV = b"""InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,HEART,6,2011-01-01 10:00:00,2.50,17850.0,United Kingdom
536366,22633,WARMER,2,2011-01-05 09:00:00,10.00,17850.0,United Kingdom
C536367,22633,WARMER,-1,2011-01-06 09:00:00,10.00,17850.0,United Kingdom
536368,POST,POSTAGE,1,2011-01-06 10:00:00,40.00,12345.0,France
536368,22752,BOXES,4,2011-01-06 10:00:00,5.00,12345.0,France
536369,22752,BOXES,1,2011-01-07 11:00:00,0.00,12345.0,France
536370,21730,LIGHT,3,2011-01-10 12:00:00,3.00,,United Kingdom
536371,84879,BIRD,10,2011-01-03 08:00:00,1.50,13047.0,United Kingdom
"""

# As of 2011-01-07 (the day after the last used line; the 01-07 line has price 0 and the 01-10 line no customer).
# 17850: bought 01-01 (15.00) and 01-05 (20.00), returned 10.00 -> recency 2, 2 invoices, net 25.00.
# 12345: the POST line and the zero-price line are dropped -> recency 1, 1 invoice, 20.00.
# 13047: 01-03, 15.00 -> recency 4, 1 invoice, 15.00.
EXPECTED = {
    17850.0: (2, 2, 25.0, 4, 5, 5),
    12345.0: (1, 1, 20.0, 5, 2, 4),  # F: tied with 13047, both take rank 1 of 3 -> ceil(5 / 3) = 2
    13047.0: (4, 1, 15.0, 2, 2, 2),
}


def _values(table):
    return {
        customer: (row.recency_days, row.frequency, round(row.monetary, 2), row.r_score, row.f_score, row.m_score)
        for customer, row in table.iterrows()
    }


@pytest.mark.parametrize("engine", ["c", "pyarrow"])
def test_pandas_reference_values_by_hand(engine):
    assert _values(bench.run_pandas(CSV, engine)) == EXPECTED
    assert bench.run_pandas(CSV, engine)["segment"].to_dict() == {
        12345.0: "potential_loyalist", 13047.0: "about_to_sleep", 17850.0: "champions",
    }  # SCHEME_11.grid[5 - R][(F + M + 1) // 2 - 1]: (5, 3) (2, 2) (4, 5)


def test_duckdb_reference_values_by_hand(tmp_path):
    pytest.importorskip("duckdb")
    path = tmp_path / "eight.csv"
    path.write_bytes(CSV)
    table = bench.run_duckdb(path)
    assert _values(table) == {float(k): v for k, v in EXPECTED.items()}
    assert table["segment"].to_dict() == {12345: "potential_loyalist", 13047: "about_to_sleep", 17850: "champions"}


def test_reference_agrees_with_crm_core():
    a = bench.run_crm_core(CSV).scored
    b = bench.run_pandas(CSV)
    assert sorted(a["customer_id"]) == ["12345", "13047", "17850"]
    assert bench.compare(a, b) == "customers: A 3 / B 3 (same); same segment in A and B for 3 (100.00%)"
    assert bench.compare(a, b, "D") == "customers: A 3 / D 3 (same); same segment in A and D for 3 (100.00%)"
    by_id = a.set_index("customer_id")
    assert by_id.loc["17850", ["recency_days", "frequency", "monetary"]].tolist() == [2, 2, 25.0]
