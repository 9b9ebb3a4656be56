"""crm_core.engine.lines: typed cleaning as one Ibis expression, on DuckDB and on PySpark (local[2]).

Each case is a small typed table written to Parquet and read by the backend; the reasons per row and the
line report are hand-computed, and a ~500-line file goes through the pandas path (as CSV) and the engines
(as Parquet) with the same used lines and the same excluded counts.
"""

from __future__ import annotations

import importlib.util
import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crm_core import pipeline
from crm_core.engine.lines import LINE_COLUMNS, MONEY_SCALE, CleanLines, LineReport, clean_lines, line_report
from crm_core.schema import ColumnMapping, DataError, IngestOptions
from crm_core.settings import Scope

ibis = pytest.importorskip("ibis")

_HAS_SPARK = importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None
BACKENDS = ["duckdb", pytest.param("spark", marks=pytest.mark.skipif(
    not _HAS_SPARK, reason="pyspark or a Java runtime is not installed (pip install -r requirements-spark.txt)"))]

MAPPING = ColumnMapping.from_dict({
    "customer_id": "cust", "order_id": "oid", "order_date": "day", "amount": "amt", "quantity": "qty",
    "unit_price": "price", "sku": "code", "product": "item", "status": "state", "channel": "shop",
    "category": "cat",
})


@pytest.fixture(scope="module")
def duck():
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    yield con
    con.disconnect()


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """One local[2] SparkSession for every Spark test of this module (it takes ~20 s to start)."""
    from pyspark.sql import SparkSession

    home = tmp_path_factory.mktemp("spark")
    session = (SparkSession.builder.master("local[2]").appName("test_engine_lines")
               .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "2").config("spark.sql.warehouse.dir", str(home / "wh"))
               .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={home / 'derby'}")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield ibis.pyspark.connect(session)
    session.stop()


@pytest.fixture(params=BACKENDS)
def con(request):
    return request.getfixturevalue("duck" if request.param == "duckdb" else "spark")


def _read(con, frame: pd.DataFrame, path, schema: pa.Schema | None = None):
    """``frame`` written to Parquet (typed by ``schema`` or by pyarrow) and read by the backend."""
    pq.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), path)
    return con.read_parquet(str(path))


def _by_order(clean: CleanLines) -> dict[str, str | None]:
    frame = clean.flagged.select("order_id", "reason").to_pyarrow().to_pandas()
    return {o: (None if pd.isna(r) else r) for o, r in zip(frame["order_id"], frame["reason"], strict=True)}


# One line per rule (order id O01..O22); dates as ISO text so bad_date applies.
ROWS = [
    # oid,  cust,   day,                    amt,   qty,  price, code,   item,          state,                shop
    ("O01", "1001", "2024-01-05 10:00:00", 10.0, 1.0, 10.0, "A1", "Mug", "paid", "Tmall"),
    ("O02", None, "2024-01-05", 10.0, 1.0, 10.0, "A1", "Mug", "paid", "Tmall"),
    ("O03", "  ", "2024-01-05", 10.0, 1.0, 10.0, "A1", "Mug", "paid", "Tmall"),
    ("O04", "1001", None, 10.0, 1.0, 10.0, "A1", "Mug", "paid", "Tmall"),
    ("O05", "1001", " ", 10.0, 1.0, 10.0, "A1", "Mug", "paid", "Tmall"),
    ("O06", "1001", "05/01/2024", 10.0, 1.0, 10.0, "A1", "Mug", "paid", "Tmall"),
    ("O07", "1001", "2024-01-06", 10.0, 1.0, 10.0, "A1", "Mug", "已取消", "JD"),
    ("O08", "1001", "2024-01-06", 10.0, 1.0, 10.0, "A1", "Mug", "Cancelled", "JD"),
    ("O09", "1001", "2024-01-06", 10.0, 1.0, 10.0, "A1", "Mug", "Canceled by customer", "JD"),
    ("O10", "1001", "2024-01-06", None, None, None, "A1", "Mug", "paid", "JD"),
    ("O11", "1001", "2024-01-06", 4.5, 1.0, 4.5, "POST", "Postage", "paid", "JD"),
    ("O12", "1001", "2024-01-06", 1.0, 1.0, 1.0, " m ", "Manual", "paid", "JD"),
    ("O13", "1001", "2024-01-07", 12.0, 1.0, 12.0, "X9", "M", "paid", "JD"),
    ("O14", "1001", "2024-01-07", 2.0, 1.0, 2.0, None, "Bank Charges", "paid", "JD"),
    ("O15", "1001", "2024-01-07", 0.0, 1.0, 0.0, "A2", "Gift", "paid", "JD"),
    ("O16", "1001", "2024-01-08", -10.0, -1.0, 10.0, "A1", "Mug", "paid", "Tmall"),
    ("O17", "1001", "2024-01-08", 10.0, 1.0, 10.0, "A1", "Mug", "refunded", "Tmall"),
    ("O18", "1001", "2024-01-08", 5.25, 1.0, 5.25, "A1", "Mug", "refund", "Tmall"),
    ("O19", "2002", "2024-01-08", -5.0, -1.0, 5.0, "A1", "Mug", "paid", "Tmall"),
    ("O20", "1001", "2024-01-08", 10.0, 1.0, 10.0, "A1", "Mug", "已退款", "Tmall"),
    ("O21", "1001", "2024-01-09", 3.0, 1.0, 3.0, "A1", "Mug", "退货", "Tmall"),
    ("O22", "1001", "2024-01-09", 19.999, 1.0, 19.999, "A3", "Lamp", "交易成功", "Tmall"),
]
REASONS = {
    "O01": None, "O02": "missing_customer", "O03": "missing_customer", "O04": "missing_date",
    "O05": "missing_date", "O06": "bad_date", "O07": "status", "O08": "status", "O09": "status",
    "O10": "bad_amount", "O11": "non_product", "O12": "non_product", "O13": None, "O14": "non_product",
    "O15": "nonpositive_price", "O16": None, "O17": "status", "O18": None, "O19": "return_without_purchase",
    "O20": "status", "O21": None, "O22": None,
}


def _rules_table(con, tmp_path):
    frame = pd.DataFrame(ROWS, columns=["oid", "cust", "day", "amt", "qty", "price", "code", "item", "state",
                                        "shop"]).assign(cat="Home")
    return _read(con, frame, tmp_path / "rules.parquet")


def test_every_reason_per_row_and_the_report(con, tmp_path):
    clean = clean_lines(_rules_table(con, tmp_path), MAPPING)
    assert _by_order(clean) == REASONS
    assert line_report(clean) == LineReport(
        rows_read=22, rows_used=6, rows_returns=3,
        excluded={"missing_customer": 2, "missing_date": 2, "bad_date": 1, "status": 5, "bad_amount": 1,
                  "non_product": 3, "nonpositive_price": 1, "return_without_purchase": 1},
    )
    lines = clean.lines.to_pyarrow().to_pandas().sort_values("order_id").reset_index(drop=True)
    assert tuple(lines.columns) == LINE_COLUMNS
    assert lines["order_id"].tolist() == ["O01", "O13", "O16", "O18", "O21", "O22"]
    # Returns: a negative amount (O16), a refund status (O18), 退货 (O21); ten-thousandths, negative on returns.
    assert lines["amount_units"].tolist() == [100_000, 120_000, -100_000, -52_500, -30_000, 199_990]  # 19.999 as is
    assert lines["is_return"].tolist() == [False, False, True, True, True, False]
    assert lines["order_date"].iloc[0] == pd.Timestamp("2024-01-05 10:00:00")
    assert lines["product"].iloc[1] == "M" and lines["channel"].iloc[0] == "Tmall"
    assert lines["customer_id"].unique().tolist() == ["1001"]
    assert clean.notes == ()  # no C ids, order ids and amount mapped
    unmarked = clean.unmarked.select("order_id", "reason").to_pyarrow().to_pylist()
    assert {r["order_id"]: r["reason"] for r in unmarked} == dict(REASONS, O19=None)


def test_returns_ignored(duck, tmp_path):
    clean = clean_lines(_rules_table(duck, tmp_path), MAPPING, IngestOptions(returns="ignore"))
    expected = dict(REASONS, O16="return_ignored", O18="return_ignored", O19="return_ignored", O21="return_ignored")
    assert _by_order(clean) == expected
    assert line_report(clean).excluded["return_ignored"] == 4
    assert line_report(clean).rows_returns == 0


def test_an_empty_status_list_counts_every_status(duck, tmp_path):
    clean = clean_lines(_rules_table(duck, tmp_path), MAPPING, IngestOptions(excluded_statuses=()))
    reasons = _by_order(clean)
    assert [o for o in ("O07", "O08", "O09", "O17", "O20") if reasons[o] is None] == ["O07", "O08", "O09", "O17",
                                                                                        "O20"]


def _invoices(con, tmp_path, ids, qty):
    n = len(ids)
    frame = pd.DataFrame({"oid": ids, "cust": [17850] * n,
                          "day": pd.date_range("2024-01-01", periods=n, freq="D"), "qty": qty,
                          "price": [2.5] * n})
    mapping = ColumnMapping.from_dict({"customer_id": "cust", "order_id": "oid", "order_date": "day",
                                       "quantity": "qty", "unit_price": "price"})
    return clean_lines(_read(con, frame, tmp_path / "invoices.parquet"), mapping)


def test_cancellation_prefix_detected(con, tmp_path):
    clean = _invoices(con, tmp_path, ["536365", "536366", "C536379", "c536380", "C536381"], [2, 3, -1, -1, 4])
    lines = clean.lines.to_pyarrow().to_pandas().set_index("order_id")
    # C-ids are returns whatever their sign (C536381 has +4): the file's convention.
    assert lines["is_return"].to_dict() == {"536365": False, "536366": False, "C536379": True, "c536380": True,
                                            "C536381": True}
    assert lines.loc["C536381", "amount_units"] == -100_000
    note = [n for n in clean.notes if n.code == "note_cancellation_prefix"]
    assert len(note) == 1 and dict(note[0].params) == {"rows": 3, "example": "C536379", "prefix": "C"}
    assert line_report(clean) == LineReport(rows_read=5, rows_used=5, rows_returns=3, excluded={})


@pytest.mark.parametrize("ids, qty", [
    (["C100", "C101", "C102"], [-1, -1, 2]),            # every id starts with C: a shop's numbering
    (["536365", "C536379", "C536380"], [1, 2, -1]),     # C lines mostly ordinary sales
])
def test_cancellation_prefix_not_detected(duck, tmp_path, ids, qty):
    clean = _invoices(duck, tmp_path, ids, qty)
    lines = clean.lines.to_pyarrow().to_pandas().set_index("order_id")
    assert lines["is_return"].to_dict() == {i: q < 0 for i, q in zip(ids, qty, strict=True)}
    assert not [n for n in clean.notes if n.code == "note_cancellation_prefix"]


def test_typed_values(con, tmp_path):
    """Float ids through int64, tz-aware times to UTC, dates, computed amounts, lines without an order id."""
    frame = pd.DataFrame({
        "cust": [17850.0, 17851.0, 12.5, np.nan],
        "oid": pd.array([1, 2, None, 4], dtype="Int64"),
        "day": pd.to_datetime(["2024-01-05 01:30", "2024-01-05 23:00", "2024-01-06 00:00", "2024-01-07 00:00"])
        .tz_localize("Asia/Shanghai"),
        "qty": [2, 1, 3, 1],
        "price": [1.115, 2.0, 0.5, 1.0],
    })
    mapping = ColumnMapping.from_dict({"customer_id": "cust", "order_id": "oid", "order_date": "day",
                                       "quantity": "qty", "unit_price": "price"})
    clean = clean_lines(_read(con, frame, tmp_path / "typed.parquet"), mapping)
    lines = clean.lines.to_pyarrow().to_pandas()
    assert lines["customer_id"].tolist() == ["17850", "17851", "12.5"]
    assert lines["order_id"].tolist() == ["1", "2", "12.5|2024-01-05"]  # no id: the customer's order of the day
    assert lines["order_date"].tolist() == [pd.Timestamp("2024-01-04 17:30"), pd.Timestamp("2024-01-05 15:00"),
                                            pd.Timestamp("2024-01-05 16:00")]
    assert lines["amount_units"].tolist() == [22_300, 20_000, 15_000]  # 2 x 1.115 = 2.23
    assert [n.code for n in clean.notes] == ["note_amount_computed"]
    assert line_report(clean).excluded == {"missing_customer": 1}


def test_dates_and_text_numbers(duck, tmp_path):
    frame = pd.DataFrame({
        "cust": ["a", "\tb ", "c", "d", "e"],  # padded ids are trimmed (the \t too)
        "day": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05"]).date,
        "amt": ["12.5", " 3 ", "abc", "", "7"],
        "qty": ["1", "1", "1", "1", "x"],
    })
    mapping = ColumnMapping.from_dict({"customer_id": "cust", "order_date": "day", "amount": "amt",
                                       "quantity": "qty"})
    clean = clean_lines(_read(duck, frame, tmp_path / "text.parquet"), mapping)
    flagged = clean.flagged.to_pyarrow().to_pandas().set_index("customer_id")
    assert flagged["reason"].astype(object).where(flagged["reason"].notna(), None).to_dict() == {
        "a": None, "b": None, "c": "bad_amount", "d": "bad_amount", "e": "bad_amount"}
    assert flagged.loc["a", "order_date"] == pd.Timestamp("2024-03-01")
    assert flagged.loc[["a", "b"], "amount_units"].tolist() == [125_000, 30_000]
    assert [n.code for n in clean.notes] == ["note_no_order_id"]


def test_composite_customer_source(duck, tmp_path):
    frame = pd.DataFrame({"name": ["张三", "张三", None], "addr": ["北京市 1 号", "北京市 1 号", "上海"],
                          "day": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]), "amt": [5.0, 6.0, 7.0]})
    mapping = ColumnMapping.from_dict({"customer_id": "name + addr", "order_date": "day", "amount": "amt"})
    clean = clean_lines(_read(duck, frame, tmp_path / "composite.parquet"), mapping)
    assert clean.lines.customer_id.to_pyarrow().to_pylist() == ["张三 | 北京市 1 号"] * 2
    assert line_report(clean).excluded == {"missing_customer": 1}


def test_scope_filters(con, tmp_path):
    table = _rules_table(con, tmp_path)
    clean = clean_lines(table, MAPPING, scope=Scope(channels=(" tmall ", "Taobao")))
    # Tmall lines used: O01, O16 (a return of 1001, who bought on Tmall), O18, O21, O22; JD's O13 is out.
    assert sorted(clean.lines.order_id.to_pyarrow().to_pylist()) == ["O01", "O16", "O18", "O21", "O22"]
    codes = [n.code for n in clean.notes]
    assert codes == ["note_filter_unmatched", "engl_scope_applied"]
    assert line_report(clean).rows_used == 6  # the report ignores the scope, as on the pandas path
    # A return whose customer bought only outside the filter is left out with it.
    jd = clean_lines(table, MAPPING, scope=Scope(channels=("JD",), categories=("home",)))
    assert jd.lines.order_id.to_pyarrow().to_pylist() == ["O13"]


def test_scope_errors(duck, tmp_path):
    table = _rules_table(duck, tmp_path)
    with pytest.raises(DataError) as err:
        clean_lines(table, MAPPING, scope=Scope(channels=("Amazon",)))
    assert err.value.code == "filter_matches_nothing"
    assert "Amazon" in err.value.text("en") and "JD" in err.value.text("en") and "Tmall" in err.value.text("en")
    assert "Amazon" in err.value.text("zh")
    no_channel = ColumnMapping(pairs=tuple(p for p in MAPPING.pairs if p[0] != "channel"))
    with pytest.raises(DataError) as err:
        clean_lines(table, no_channel, scope=Scope(channels=("JD",)))
    assert err.value.code == "filter_needs_column"


def test_mapping_errors_as_an_upload(duck, tmp_path):
    table = _rules_table(duck, tmp_path)
    with pytest.raises(DataError) as err:
        clean_lines(table, ColumnMapping.from_dict({"customer_id": "cust", "order_date": "day", "amount": "nope"}))
    assert err.value.code == "unknown_column" and "nope" in err.value.text("en")
    with pytest.raises(DataError) as err:
        clean_lines(table, ColumnMapping.from_dict({"customer_id": "cust", "order_date": "day", "quantity": "qty"}))
    assert err.value.code == "missing_amount"


def _mixed_file(seed: int = 7, orders: int = 260) -> pd.DataFrame:
    """~500 lines with every case, shaped so only typed-data rules apply (no totals rows, no carried cells).

    Order-level cells (customer, date, status, amount) are blank or unreadable only on single-line orders, so
    the pandas path's carry-down never applies; every amount is its line's quantity x unit price, so no order
    total is spread.
    """
    rng = np.random.default_rng(seed)
    statuses = ["paid", "paid", "交易成功", "交易成功", None, "已取消", "Cancelled", "refunded", "已退款", "refund",
                "退货", "Canceled by customer", "partially_refunded", "wc-on-hold", "卖家已发货，等待买家确认"]
    products = [("A1", "Mug"), ("A2", "Lamp"), ("A3", "Vase"), ("B7", "M"), ("POST", "Postage"), ("M", "Manual"),
                ("D", "Discount"), ("F1", "运费"), (None, "Bank charges"), ("C2", "Carriage")]
    rows = []
    for number in range(orders):
        n_lines = int(rng.choice([1, 1, 2, 3]))
        single = n_lines == 1
        customer: str | None = str(10001 + int(rng.zipf(1.6)) % 70)
        if rng.random() < 0.06:
            customer = str(10090 + int(rng.integers(0, 5)))  # customers who only return
        order = f"{536365 + number}"
        cancel = rng.random() < 0.08
        if cancel:
            order = "C" + order
        day = (pd.Timestamp("2023-01-01") + pd.Timedelta(minutes=int(rng.integers(0, 700 * 1440)))).strftime(
            "%Y-%m-%d %H:%M:%S")
        status = statuses[int(rng.integers(0, len(statuses)))]
        channel = ["Tmall", "JD", " Tmall", "Shop"][int(rng.integers(0, 4))]
        broken = rng.random() if single else 1.0
        if broken < 0.04:
            customer = None if broken < 0.025 else "  "
        elif broken < 0.08:
            day = None if broken < 0.06 else "not a date"
        elif broken < 0.10:
            order = None
        for _ in range(n_lines):
            sku, item = products[int(rng.integers(0, len(products)))] if rng.random() < 0.3 else \
                products[int(rng.integers(0, 3))]
            qty = int(rng.integers(1, 6))
            price = [0.0, 1.25, 2.95, 4.99, 12.5, 19.99][int(rng.integers(0, 6))] if rng.random() < 0.1 else \
                [1.25, 2.95, 4.99, 12.5, 19.99][int(rng.integers(0, 5))]
            if cancel or rng.random() < 0.05:
                qty = -qty
            amount = round(qty * price, 2)
            if single and 0.10 <= broken < 0.16:
                amount = price = None  # a blank amount beside quantity and price would be filled from them
            rows.append((customer, order, day, qty, price, amount, sku, item, status, channel,
                         ["Home", "Garden"][int(rng.integers(0, 2))]))
    return pd.DataFrame(rows, columns=["cust", "oid", "day", "qty", "price", "amt", "code", "item", "state", "shop",
                                       "cat"])


def _pandas_answer(frame: pd.DataFrame, options: IngestOptions):
    data = frame.to_csv(index=False).encode("utf-8")
    loaded = pipeline.load(data, "orders.csv", mapping=MAPPING, options=options)
    orders = loaded.result.orders
    used = pd.DataFrame({
        "customer_id": orders["customer_id"].astype(str), "order_id": orders["order_id"].astype(str),
        "order_date": orders["order_date"], "amount_units": np.round(orders["amount"] * MONEY_SCALE).astype("int64"),
        "is_return": orders["is_return"].astype(bool),
    })
    excluded = loaded.result.report.excluded["reason"].value_counts().to_dict()
    return used, excluded, loaded.result.report


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["customer_id", "order_id", "order_date", "amount_units", "is_return"]
    return frame[keys].sort_values(keys).reset_index(drop=True)


def test_same_lines_as_the_pandas_path(con, tmp_path):
    _same_as_pandas(con, tmp_path, IngestOptions())


def test_same_lines_as_the_pandas_path_returns_ignored(duck, tmp_path):
    _same_as_pandas(duck, tmp_path, IngestOptions(returns="ignore"))


def _same_as_pandas(con, tmp_path, options):
    frame = _mixed_file()
    want_lines, want_excluded, report = _pandas_answer(frame, options)
    assert len(frame) > 450 and len(want_excluded) >= 8  # the file really covers the cases
    clean = clean_lines(_read(con, frame, tmp_path / "mixed.parquet"), MAPPING, options)
    got = clean.lines.select("customer_id", "order_id", "order_date", "amount_units", "is_return")
    pd.testing.assert_frame_equal(_sorted(got.to_pyarrow().to_pandas()), _sorted(want_lines), check_dtype=False)
    got_report = line_report(clean)
    assert got_report.excluded == {k: int(v) for k, v in want_excluded.items()}
    assert (got_report.rows_read, got_report.rows_used, got_report.rows_returns) == (
        report.rows_read, report.rows_used, report.rows_returns)
    pandas_notes = {n.code for n in report.notes}
    assert ("note_cancellation_prefix" in pandas_notes) == ("note_cancellation_prefix" in {n.code for n in
                                                                                            clean.notes})


def test_text_ids_through_a_float_and_offsets_as_written(con, tmp_path):
    """values.clean_ids' column rule (every id digits + ".0" -> no ".0") and dates read at the wall clock written."""
    frame = pd.DataFrame({"cust": ["1001.0", " 1002.0", "1001.0"], "oid": ["5.0", "6.0", "A7"],
                          "day": ["2024-03-15T08:30:00+08:00", "2024-03-15 10:00:00Z", "2024-03-16 00:00:00-0500"],
                          "amt": [1.0, 2.0, 3.0]})
    mapping = ColumnMapping.from_dict({"customer_id": "cust", "order_id": "oid", "order_date": "day", "amount": "amt"})
    lines = clean_lines(_read(con, frame, tmp_path / "float_ids.parquet"), mapping).lines.to_pyarrow().to_pandas()
    assert lines["customer_id"].tolist() == ["1001", "1002", "1001"]
    assert lines["order_id"].tolist() == ["5.0", "6.0", "A7"]  # not every order id has ".0": kept as written
    assert lines["order_date"].tolist() == [pd.Timestamp("2024-03-15 08:30"), pd.Timestamp("2024-03-15 10:00"),
                                            pd.Timestamp("2024-03-16 00:00")]


def test_ids_are_used_as_read_only_when_no_cell_needs_trimming(duck, tmp_path):
    """The survey lets the raw text be the id only when no cell is blank or starts / ends with a blank; a cell
    starting with another control character is let through by the cheap test and left as it is by the trim."""
    from crm_core.engine import _lines_rules as rules

    day = pd.to_datetime(["2024-03-01"] * 4)
    mapping = ColumnMapping.from_dict({"customer_id": "cust", "order_id": "oid", "order_date": "day",
                                       "amount": "amt"})
    plain = pd.DataFrame({"cust": ["a", "b", "c", "d"], "oid": ["1", "2", "C3", "4"], "day": day,
                          "amt": [1.0, 2.0, 3.0, 4.0]})
    padded = plain.assign(oid=["1 ", "2", "\x0b", "\x01x"], cust=["a", "b", "c", "d\n"])
    for frame, name, expected_plain, ids, customers in (
            (plain, "plain", ("customer_id", "order_id"), ["1", "2", "C3", "4"], ["a", "b", "c", "d"]),
            (padded, "padded", (), ["1", "2", "c|2024-03-01", "\x01x"], ["a", "b", "c", "d"])):
        table = _read(duck, frame, tmp_path / f"{name}.parquet")
        cols = rules.typed_columns(table, mapping)
        assert rules.survey(table, cols, Scope()).plain_ids == expected_plain, name
        lines = clean_lines(table, mapping).lines.to_pyarrow().to_pandas()
        assert lines["order_id"].tolist() == ids, name
        assert lines["customer_id"].tolist() == customers, name
    table = duck.read_parquet(str(tmp_path / "padded.parquet"))
    for value in (table.oid, ibis._.oid):  # DuckDB's suffix tests, and the portable last-character test
        flags = table.select(p=rules.padded(value)).to_pyarrow().column("p").to_pylist()
        assert flags == [True, False, True, True]


def test_integer_customer_ids_are_grouped_as_numbers(duck, tmp_path):
    """``kept`` keeps an integer id column as numbers (the aggregate groups them; the text is made per customer),
    ``lines`` has the same ids as text."""
    frame = pd.DataFrame({"cust": pd.array([17850, 17850, None], dtype="Int64"), "oid": ["1", "2", "3"],
                          "day": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"]), "amt": [1.0, 2.0, 3.0]})
    mapping = ColumnMapping.from_dict({"customer_id": "cust", "order_id": "oid", "order_date": "day",
                                       "amount": "amt"})
    clean = clean_lines(_read(duck, frame, tmp_path / "ints.parquet"), mapping)
    assert clean.kept.customer_id.type().is_integer()
    assert clean.kept.customer_id.to_pyarrow().to_pylist() == [17850, 17850]
    assert clean.lines.customer_id.to_pyarrow().to_pylist() == ["17850", "17850"]


def test_infinite_and_huge_amounts_are_bad_amounts_not_a_crash(con, tmp_path):
    """As the pandas path, an infinite amount (typed, or the text "inf") is unreadable: bad_amount.  An amount of
    MAX_AMOUNT or more, whose ten-thousandths would not fit a 64-bit integer, is a bad amount too (the cast would
    fail the whole query)."""
    from crm_core.engine.lines import MAX_AMOUNT

    day = pd.to_datetime(["2024-03-01"] * 6)
    typed = pd.DataFrame({"cust": ["a", "b", "c", "d", "e", "f"], "day": day,
                          "amt": [5.0, np.inf, -np.inf, MAX_AMOUNT, -2e15, MAX_AMOUNT / 10]})
    text = typed.assign(amt=["5", "inf", "-Infinity", "9e14", "-2e15", "9e13"])
    mapping = ColumnMapping.from_dict({"customer_id": "cust", "order_date": "day", "amount": "amt"})
    for frame, name in ((typed, "typed"), (text, "text")):
        clean = clean_lines(_read(con, frame, tmp_path / f"{name}.parquet"), mapping)
        flagged = clean.flagged.to_pyarrow().to_pandas().set_index("customer_id")
        assert flagged["reason"].astype(object).where(flagged["reason"].notna(), None).to_dict() == {
            "a": None, "b": "bad_amount", "c": "bad_amount", "d": "bad_amount", "e": "bad_amount", "f": None}, name
        assert sorted(clean.lines.amount_units.to_pyarrow().to_pylist()) == [50_000, 900_000_000_000_000_000], name


def test_whole_float_ids_beyond_int64_keep_their_text(duck, tmp_path):
    """A whole-number float id too large for int64 is not turned into a missing id: it keeps the engine's text."""
    frame = pd.DataFrame({"cust": [17850.0, 1e19], "day": pd.to_datetime(["2024-03-01"] * 2), "amt": [1.0, 2.0]})
    mapping = ColumnMapping.from_dict({"customer_id": "cust", "order_date": "day", "amount": "amt"})
    clean = clean_lines(_read(duck, frame, tmp_path / "big_ids.parquet"), mapping)
    ids = clean.lines.customer_id.to_pyarrow().to_pylist()
    assert ids[0] == "17850" and ids[1] is not None and ids[1] != "17850"
    assert line_report(clean).excluded == {}


def test_trimming_keeps_the_letters_v_and_f(con, tmp_path):
    """Only ASCII blanks are trimmed, on Spark too (its SQL reads "\\v" / "\\f" in a string as the letters v / f)."""
    frame = pd.DataFrame({"cust": [" fluff\t", "vivf", "\x0bjeff\x0c", "f"], "day": pd.to_datetime(["2024-03-01"] * 4),
                          "amt": [1.0, 2.0, 3.0, 4.0]})
    mapping = ColumnMapping.from_dict({"customer_id": "cust", "order_date": "day", "amount": "amt"})
    clean = clean_lines(_read(con, frame, tmp_path / "letters.parquet"), mapping)
    assert sorted(clean.lines.customer_id.to_pyarrow().to_pylist()) == ["f", "fluff", "jeff", "vivf"]
