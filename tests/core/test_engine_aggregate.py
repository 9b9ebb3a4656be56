"""crm_core.engine.aggregate on hand-built lines (LINE_COLUMNS), on DuckDB and on Spark (one session per module).

Values are computed by hand on a 12-line table, and compared with the pandas path's own functions
(customers.customer_table, customers.default_as_of, predict.clv.clv_summary, basket.baskets.build_baskets) on the
same lines given as a pandas orders frame.
"""

from __future__ import annotations

import shutil
from datetime import date

import ibis
import numpy as np
import pandas as pd
import pytest

from crm_core import customers
from crm_core.basket import mining
from crm_core.basket.baskets import BasketOptions, build_baskets
from crm_core.engine import aggregate
from crm_core.engine.lines import MONEY_SCALE
from crm_core.predict import clv
from crm_core.schema import DataError

AS_OF = date(2024, 3, 1)
COLUMNS = ("customer_id", "order_id", "order_date", "amount_units", "quantity", "is_return", "product", "category",
           "channel")
ROWS = [
    # A: order o1 has two lines; o2 and o3 on one day (one purchase day); o2 partly returned; channel web 3 / store 2.
    ("A", "o1", "2024-01-10 09:00", 1000, 1.0, False, "P1", "C1", "web"),
    ("A", "o1", "2024-01-10 09:00", 550, 2.0, False, "P2", "C1", "web"),
    ("A", "o2", "2024-01-20 15:30", 2000, 1.0, False, "P1", "C2", "store"),
    ("A", "o3", "2024-01-20 18:00", 300, np.nan, False, "P3", "C2", "store"),
    ("A", "o2", "2024-01-25 11:00", -1000, -1.0, True, "P1", "C2", "store"),
    # B: ties in channel (app / web) and product (P1 / P2): the smallest value wins; a line on as_of is not counted.
    ("B", "o4", "2024-02-01 00:00", 1234, 1.0, False, "P2", "C1", "app"),
    ("B", "o5", "2024-02-11 08:00", 766, 1.0, False, "P1", "C1", "web"),
    # C only returned: not a customer of the table.  D's only line is on as_of: not in the table either.
    ("C", "o6", "2024-02-05 10:00", -500, -1.0, True, "P1", "C1", "web"),
    ("D", "o7", "2024-03-01 00:00", 999, 1.0, False, "P1", "C1", "web"),
    ("B", "o8", "2024-03-01 10:00", 100, 1.0, False, "P2", "C1", "web"),
    # E: one line a minute before as_of, without category or channel.
    ("E", "o9", "2024-02-29 23:59", 4200, 3.0, False, "P4", None, None),
    ("A", "o10", "2024-02-15 12:00", 1500, 1.0, False, "P3", "C2", "web"),
]


def lines_frame(rows=ROWS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    text = {c: pd.Series(frame[c], dtype="str") for c in ("product", "category", "channel")}  # typed when all missing
    # The rows above are written in cents, for reading; the engine's unit is MONEY_SCALE per currency unit.
    units = frame["amount_units"] * (MONEY_SCALE // 100)
    return frame.assign(order_date=pd.to_datetime(frame["order_date"]).astype("datetime64[ns]"), amount_units=units,
                        **text)


def orders_frame(lines: pd.DataFrame) -> pd.DataFrame:
    """The same lines as the pandas path's clean orders (crm_core.ingest.clean.ORDER_COLUMNS)."""
    return pd.DataFrame({
        "customer_id": lines["customer_id"].astype("str"), "order_id": lines["order_id"].astype("str"),
        "order_date": lines["order_date"], "product": lines["product"], "sku": None, "category": lines["category"],
        "quantity": lines["quantity"], "unit_price": np.nan, "amount": lines["amount_units"] / MONEY_SCALE,
        "channel": lines["channel"], "is_return": lines["is_return"].astype(bool),
        "source_row": np.arange(1, len(lines) + 1)})


def _spark_skip_reason() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -r requirements-dev.txt)"
    if shutil.which("java") is None:
        return "no Java runtime (apt-get install default-jre-headless)"
    return None


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    reason = _spark_skip_reason()
    if reason:
        pytest.skip(reason)
    from pyspark.sql import SparkSession

    tmp = tmp_path_factory.mktemp("spark")
    session = (SparkSession.builder.master("local[2]").appName("test-engine-aggregate")
               .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.warehouse.dir", str(tmp / "warehouse"))
               .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={tmp / 'derby'}")
               .getOrCreate())
    yield session


def _plain(value):
    """A cell as the Python value Spark accepts (None for missing, datetime for a Timestamp)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if isinstance(value, np.generic) else value


@pytest.fixture(scope="module")
def duck():
    con = ibis.duckdb.connect()
    yield con
    con.disconnect()


def _on_duckdb(con):
    counter = iter(range(10_000))

    def on_duckdb(frame: pd.DataFrame) -> ibis.Table:
        return con.create_table(f"lines_{next(counter)}", frame, overwrite=True)

    on_duckdb.engine = "duckdb"
    return on_duckdb


@pytest.fixture
def make_duck(duck):
    """Lines frame -> ibis table on DuckDB (the cases checked on one engine only: Spark runs the same SQL)."""
    return _on_duckdb(duck)


@pytest.fixture(params=["duckdb", "spark"])
def make(request, duck):
    """A function turning a pandas lines frame into an ibis table on the engine of the parameter."""
    counter = iter(range(10_000))
    if request.param == "duckdb":
        return _on_duckdb(duck)
    session = request.getfixturevalue("spark")
    con = ibis.pyspark.connect(session)

    def on_spark(frame: pd.DataFrame) -> ibis.Table:
        name = f"lines_{id(frame)}_{next(counter)}"
        # Spark infers types from values: an all-missing text column needs its schema, so give it.
        schema = ("customer_id string, order_id string, order_date timestamp, amount_units bigint, quantity double, "
                  "is_return boolean, product string, category string, channel string")
        session.createDataFrame([tuple(_plain(v) for v in row) for row in frame.itertuples(index=False)],
                                schema=schema).createOrReplaceTempView(name)
        return con.table(name)

    on_spark.engine = "spark"
    return on_spark


def test_customer_rows_by_hand(make):
    table = make(lines_frame())
    for how in aggregate.DISTINCT_ORDERS if make.engine == "duckdb" else ("count_distinct",):
        raw = aggregate.customer_expr(table, AS_OF, modes=True, rhythm=True, distinct_orders=how).to_pandas()
        got = aggregate.finish_customer_table(raw, AS_OF).set_index("customer_id")
        assert list(got.index) == ["A", "B", "E"]
        a, b, e = got.loc["A"], got.loc["B"], got.loc["E"]
        assert (a.frequency, a.lines, a.return_lines, a["items"]) == (4, 5, 1, 5.0)
        assert (a.gross_sales, a.returns_value, a.monetary, a.avg_order_value) == (53.5, -10.0, 43.5, 13.375)
        assert (a.first_order_date, a.last_order_date) == (pd.Timestamp("2024-01-10 09:00"),
                                                            pd.Timestamp("2024-02-15 12:00"))
        assert (a.recency_days, a.tenure_days) == (15, 51)
        assert a.orders_per_year == pytest.approx(4 * 365.25 / 90)
        assert (a.channel, a.top_category, a.top_product) == ("web", "C2", "P1")  # P1 / P3 tie: P1
        # Purchase days 01-10, 01-20, 02-15: gaps 10 and 26; previous = the latest purchase before 02-15.
        assert (a.longest_gap_days, a.avg_interval_days) == (26.0, 18.0)
        assert a.previous_order_date == pd.Timestamp("2024-01-20 18:00")
        assert (b.frequency, b.lines, b.gross_sales, b.returns_value, b.recency_days) == (2, 2, 20.0, 0.0, 19)
        assert (b.channel, b.top_category, b.top_product) == ("app", "C1", "P1")
        assert (b.longest_gap_days, b.avg_interval_days, b.previous_order_date) == (10.0, 10.0,
                                                                                     pd.Timestamp("2024-02-01"))
        assert (e.frequency, e.recency_days, e.tenure_days, e.monetary, e["items"]) == (1, 1, 1, 42.0, 3.0)
        assert pd.isna(e.channel) and pd.isna(e.top_category) and e.top_product == "P4"
        assert pd.isna(e.previous_order_date) and np.isnan(e.longest_gap_days) and np.isnan(e.avg_interval_days)


def test_window_start_drops_earlier_orders_and_their_returns(make_duck):
    make = make_duck
    table = make(lines_frame())
    raw = aggregate.customer_expr(table, AS_OF, start=date(2024, 1, 21)).to_pandas()
    got = aggregate.finish_customer_table(raw, AS_OF).set_index("customer_id")
    # A keeps o10 only; the return of o2 (bought before the window) goes with it.
    assert got.loc["A", "frequency"] == 1 and got.loc["A", "returns_value"] == 0 and got.loc["A", "monetary"] == 15
    assert got.loc["A", "items"] == 1.0
    assert got["channel"].isna().all()  # modes not asked: missing


def test_items_null_when_no_quantity_known(make_duck):
    make = make_duck
    rows = [r if r[0] != "E" else (*r[:4], np.nan, *r[5:]) for r in ROWS]
    raw = aggregate.customer_expr(make(lines_frame(rows)), AS_OF).to_pandas()
    got = aggregate.finish_customer_table(raw, AS_OF).set_index("customer_id")
    assert np.isnan(got.loc["E", "items"]) and got.loc["A", "items"] == 5.0


def test_finish_equals_pandas_customer_table(make):
    lines = lines_frame()
    expected = customers.customer_table(orders_frame(lines), as_of=AS_OF)
    raw = aggregate.customer_expr(make(lines), AS_OF, modes=True, rhythm=True).to_pandas()
    got = aggregate.finish_customer_table(raw, AS_OF)
    assert list(got.columns) == list(customers.CUSTOMER_COLUMNS)
    for column in customers.CUSTOMER_COLUMNS:
        if column in ("monetary", "gross_sales", "returns_value", "avg_order_value"):
            assert np.array_equal(np.round(got[column].to_numpy(dtype=float) * 100),
                                  np.round(expected[column].to_numpy(dtype=float) * 100)), column
            assert got[column].dtype == expected[column].dtype, column
        else:
            pd.testing.assert_series_equal(got[column], expected[column], check_names=True, obj=column)


def test_finish_without_returns_keeps_the_pandas_dtypes(make_duck):
    make = make_duck
    lines = lines_frame([r for r in ROWS if not r[5]])
    expected = customers.customer_table(orders_frame(lines), as_of=AS_OF)
    got = aggregate.finish_customer_table(aggregate.customer_expr(make(lines), AS_OF).to_pandas(), AS_OF)
    assert got["returns_value"].dtype == expected["returns_value"].dtype == np.dtype("int64")
    pd.testing.assert_frame_equal(got.drop(columns=["channel", "top_category", "top_product", "previous_order_date",
                                                    "longest_gap_days", "avg_interval_days"]),
                                  expected.drop(columns=["channel", "top_category", "top_product",
                                                         "previous_order_date", "longest_gap_days",
                                                         "avg_interval_days"]))


def test_default_as_of_equals_pandas_with_a_late_line(make):
    lines = lines_frame()
    assert aggregate.default_as_of(make(lines)) == customers.default_as_of(orders_frame(lines)) == date(2024, 3, 2)
    late = lines_frame([*ROWS, ("A", "o99", "2099-01-01 12:00", 100, 1.0, False, "P1", "C1", "web")])
    assert aggregate.default_as_of(make(late)) == customers.default_as_of(orders_frame(late)) == date(2024, 3, 2)


def test_late_day_cutoff_counts_lines_as_the_pandas_rule():
    days = np.array(["2024-01-01", "2024-01-02", "2099-01-01"], dtype="datetime64[D]")
    # 1 late line of 3: not "few" (more than 1 %, at least one line allowed: 1 <= max(0.03, 1) and 1 < 2) -> late.
    assert aggregate.late_day_cutoff(days, np.array([1, 1, 1])) == np.datetime64("2024-01-02")
    # 2 late lines of 3: as many late as not -> none is late.
    assert aggregate.late_day_cutoff(days, np.array([1, 0, 2])) is None
    assert aggregate.late_day_cutoff(days[:2], np.array([5, 5])) is None


def test_clv_summary_equals_pandas(make):
    lines = lines_frame()
    expected = clv.clv_summary(orders_frame(lines), as_of=AS_OF)
    got = aggregate.clv_summary(make(lines), as_of=AS_OF)
    pd.testing.assert_frame_equal(got, expected, rtol=1e-12)
    # A: purchase days 01-10, 01-20 (23.00), 02-15 (15.00); the return on 01-25 is on no purchase day.
    assert got.loc["A", "frequency"] == 2 and got.loc["A", "monetary_value"] == 19.0
    assert got.loc["A", "T"] == pytest.approx((date(2024, 2, 29) - date(2024, 1, 10)).days / 7)
    with pytest.raises(DataError):
        aggregate.clv_summary(make(lines), as_of=AS_OF, unit_days=0)


def test_baskets_on_both_engines(make):
    lines = lines_frame()
    options = BasketOptions(by="customer", level="category", exclude=("c1",))
    _same_baskets(aggregate.baskets(make(lines), options, as_of=AS_OF, start=date(2024, 1, 15)),
                  build_baskets(orders_frame(lines), options, as_of=AS_OF, since=date(2024, 1, 15)))


def _same_baskets(got, expected) -> None:
    assert got.items == expected.items
    assert got.basket_ids == expected.basket_ids
    assert got.customers == expected.customers
    assert got.matrix.shape == expected.matrix.shape and (got.matrix != expected.matrix).nnz == 0


@pytest.mark.parametrize("options", [BasketOptions(), BasketOptions(by="customer", level="category"),
                                     BasketOptions(min_size=2, exclude=(" p3 ",)), BasketOptions(max_size=1)])
def test_baskets_equal_build_baskets(make_duck, options):
    make = make_duck
    lines = lines_frame()
    table = make(lines)
    expected = build_baskets(orders_frame(lines), options, as_of=AS_OF)
    _same_baskets(aggregate.baskets(table, options, as_of=AS_OF), expected)
    since = date(2024, 1, 15)
    if options.min_size == 1:
        _same_baskets(aggregate.baskets(table, options, as_of=AS_OF, start=since),
                      build_baskets(orders_frame(lines), options, as_of=AS_OF, since=since))


def test_baskets_by_hand_and_min_support(make_duck):
    make = make_duck
    table = make(lines_frame())
    got = aggregate.baskets(table, BasketOptions(), as_of=AS_OF)
    assert got.items == ("P1", "P2", "P3", "P4")
    assert got.basket_ids == ("o1", "o10", "o2", "o3", "o4", "o5", "o9")
    assert got.matrix.toarray()[0].tolist() == [True, True, False, False]  # o1: P1 and P2
    # min_support 0.25 of 7 baskets: at least 2 baskets -> P1 (o1, o2, o5), P2 (o1, o4), P3 (o3, o10); not P4.
    pruned = aggregate.baskets(table, BasketOptions(), as_of=AS_OF, min_support=0.25)
    assert pruned.items == ("P1", "P2", "P3") and pruned.n == got.n == 7
    pd.testing.assert_frame_equal(mining.frequent_itemsets(pruned, 0.25), mining.frequent_itemsets(got, 0.25))


def test_baskets_errors(make_duck):
    make = make_duck
    table = make(lines_frame([(*r[:7], None, r[8]) for r in ROWS]))
    with pytest.raises(DataError) as caught:
        aggregate.baskets(table, BasketOptions(level="category"), as_of=AS_OF)
    assert caught.value.code == "basket_no_category"
    with pytest.raises(DataError) as caught:
        aggregate.baskets(table, BasketOptions(), as_of=date(2024, 1, 10))
    assert caught.value.code == "basket_none"


def test_no_purchase_gives_the_empty_customer_table(make_duck):
    make = make_duck
    raw = aggregate.customer_expr(make(lines_frame()), date(2024, 1, 1)).to_pandas()
    got = aggregate.finish_customer_table(raw, date(2024, 1, 1))
    expected = customers.customer_table(orders_frame(lines_frame()), as_of=date(2024, 1, 1))
    pd.testing.assert_frame_equal(got, expected)
