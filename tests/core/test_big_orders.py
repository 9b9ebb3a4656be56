"""The big order-line generator (crm_core.sample.big_orders): types, planted shares, determinism, chunking, and
that every return has an earlier purchase of the same product by the same customer."""

import hashlib
import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from crm_core.sample.big_orders import (
    BIG_COLUMNS,
    CHANNELS,
    FIRST_INVOICE,
    big_orders_frame,
    write_big_orders,
)

N = 60_000


@pytest.fixture(scope="module")
def frame():
    return big_orders_frame(N, seed=16)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The same lines written in 4 chunks as Parquet and as CSV (customer base fixed: 1,000)."""
    folder = tmp_path_factory.mktemp("big")
    pq_path = write_big_orders(folder / "orders.parquet", 40_000, seed=7, customers=1_000, chunk_lines=10_000)
    csv_path = write_big_orders(folder / "orders.csv", 40_000, seed=7, customers=1_000, chunk_lines=10_000,
                                kind="csv")
    return pq_path, csv_path


def test_columns_and_types(frame):
    assert tuple(frame.columns) == BIG_COLUMNS
    assert len(frame) == N
    dtypes = frame.dtypes.astype(str).to_dict()
    for column in ("InvoiceNo", "StockCode", "Description", "Category", "Channel", "Status"):
        assert dtypes[column] == "str", column
    assert dtypes["Quantity"] == "int64"
    assert dtypes["UnitPrice"] == dtypes["Amount"] == "float64"
    assert dtypes["InvoiceDate"] == "datetime64[us]"
    assert dtypes["CustomerID"] == "Int64"
    assert frame["InvoiceDate"].min() >= pd.Timestamp("2023-01-01")
    assert frame["InvoiceDate"].max() < pd.Timestamp("2026-01-01")
    assert set(frame["Channel"]) == set(CHANNELS)
    # money: 2 decimals, Amount = Quantity x UnitPrice to the cent
    cents = frame["UnitPrice"] * 100
    assert np.allclose(cents, cents.round())
    assert np.allclose(frame["Amount"], (frame["Quantity"] * frame["UnitPrice"]).round(2), atol=1e-9)
    assert (frame["UnitPrice"] > 0).all()


def test_planted_shares(frame):
    is_return = frame["InvoiceNo"].str.startswith("C")
    assert is_return.mean() == pytest.approx(0.02, abs=1e-4)          # exactly round(2% of N) lines
    assert (frame.loc[is_return, "Quantity"] < 0).all()
    assert (frame.loc[~is_return, "Quantity"] > 0).all()
    assert frame["CustomerID"].isna().mean() == pytest.approx(0.01, abs=0.004)
    status = frame["Status"].value_counts(normalize=True)
    assert status["Cancelled"] == pytest.approx(0.01, abs=0.004)
    assert 0 < status["已取消"] < 0.003
    assert set(status.index) == {"Completed", "Cancelled", "已取消"}
    post = frame["StockCode"].eq("POST")
    assert 0.001 < post.mean() < 0.006
    assert (frame.loc[post, "UnitPrice"] == 18.0).all() and (frame.loc[post, "Quantity"] == 1).all()
    assert frame["StockCode"].eq("M").sum() > 0


def test_invoices_are_orders(frame):
    """One customer, timestamp, channel and status per invoice; several lines per invoice on average; numbers
    start at Online Retail's first invoice and are unique."""
    per_invoice = frame.groupby("InvoiceNo", sort=False).agg(
        customers=("CustomerID", lambda s: s.astype("float").fillna(-1).nunique()),
        times=("InvoiceDate", "nunique"), channels=("Channel", "nunique"), statuses=("Status", "nunique"),
        lines=("StockCode", "size"))
    assert (per_invoice[["customers", "times", "channels", "statuses"]] == 1).all().all()
    assert per_invoice["lines"].mean() > 3
    numbers = frame["InvoiceNo"].str.removeprefix("C").astype(int)
    assert numbers.min() == FIRST_INVOICE
    # a number is either a purchase or a return, never both
    both = frame.assign(n=numbers, r=frame["InvoiceNo"].str.startswith("C")).groupby("n")["r"].nunique()
    assert (both == 1).all()


def test_skewed_customers_and_products(frame):
    lines = frame.groupby("CustomerID").size().sort_values(ascending=False)
    assert lines.iloc[: len(lines) // 10].sum() > 0.35 * lines.sum()   # the top tenth buy over a third
    products = frame["StockCode"].value_counts()
    assert products.iloc[0] > 20 * products.median()                  # Zipf head
    assert 2_000 < frame["StockCode"].nunique() <= 5_002
    assert frame.groupby("StockCode")["Category"].nunique().max() == 1


def _returns_have_purchases(frame):
    rets = frame[frame["InvoiceNo"].str.startswith("C")]
    buys = frame[~frame["InvoiceNo"].str.startswith("C") & frame["Status"].eq("Completed")]
    first = buys.groupby(["CustomerID", "StockCode"])["InvoiceDate"].min().rename("first")
    bought = buys.groupby(["CustomerID", "StockCode"])["Quantity"].sum().rename("bought")
    joined = rets.join(first, on=["CustomerID", "StockCode"]).join(bought, on=["CustomerID", "StockCode"])
    assert rets["CustomerID"].notna().all()
    assert joined["first"].notna().all()
    assert (joined["first"] < joined["InvoiceDate"]).all()
    assert (-joined["Quantity"] <= joined["bought"]).all()
    assert not rets["StockCode"].isin(["POST", "M"]).any()


def test_every_return_has_an_earlier_purchase(frame, written):
    _returns_have_purchases(frame)
    _returns_have_purchases(pq.read_table(written[0]).to_pandas())


def test_deterministic_and_seeded(tmp_path):
    a = write_big_orders(tmp_path / "a.parquet", 25_000, seed=3, chunk_lines=10_000)
    b = write_big_orders(tmp_path / "b.parquet", 25_000, seed=3, chunk_lines=10_000)
    c = write_big_orders(tmp_path / "c.parquet", 25_000, seed=4, chunk_lines=10_000)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b, c)]
    assert digest[0] == digest[1] != digest[2]
    assert not list(tmp_path.glob("*.part"))
    pd.testing.assert_frame_equal(big_orders_frame(5_000, seed=3), big_orders_frame(5_000, seed=3))


def test_chunks_continue_the_file(written):
    """One row group per chunk; invoice numbers unique across chunks; chunk 0 is big_orders_frame itself."""
    meta = pq.ParquetFile(written[0]).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [10_000] * 4
    table = pq.read_table(written[0]).to_pandas()
    assert len(table) == 40_000
    numbers = table["InvoiceNo"].str.removeprefix("C").astype(int)
    chunk = np.arange(len(table)) // 10_000
    owners = pd.DataFrame({"n": numbers, "chunk": chunk}).groupby("n")["chunk"].nunique()
    assert (owners == 1).all()                                     # no invoice spans two chunks
    assert numbers.nunique() > 4 * 2_000
    first = big_orders_frame(10_000, seed=7, customers=1_000)
    got = table.iloc[:10_000].astype({"CustomerID": "Int64"})
    pd.testing.assert_frame_equal(got, first, check_dtype=False)


def test_csv_holds_the_parquet_rows(written):
    from_pq = pq.read_table(written[0]).to_pandas()
    from_csv = pd.read_csv(written[1], dtype={"InvoiceNo": "str", "StockCode": "str", "CustomerID": "Int64"},
                           parse_dates=["InvoiceDate"])
    assert list(from_csv.columns) == list(BIG_COLUMNS)
    first_line = written[1].read_text(encoding="utf-8").splitlines()[1]
    assert re.search(r',"2023-\d\d-\d\d \d\d:\d\d:\d\d",', first_line)   # ISO date and time, no fraction
    pd.testing.assert_frame_equal(from_csv, from_pq.astype({"CustomerID": "Int64"}), check_dtype=False)


def test_small_and_empty():
    assert len(big_orders_frame(0)) == 0
    tiny = big_orders_frame(7, seed=1)
    assert len(tiny) == 7 and tiny["CustomerID"].notna().any()
    with pytest.raises(ValueError, match="kind"):
        write_big_orders("x.json", 10, kind="json")
