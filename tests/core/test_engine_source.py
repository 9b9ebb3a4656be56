"""crm_core.engine.source on DuckDB: finding inputs, reading Parquet / CSV, the mapping proposal, type checks.

Text inputs are committed fixtures (tests/data/engine/io, written by make_fixtures.py); Parquet inputs are
built here in tmp_path by :func:`parquet_orders` and the builders next to each test.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crm_core import pipeline
from crm_core.engine import backends, source, write
from crm_core.engine.options import EngineOptions
from crm_core.schema import ColumnMapping, DataError

FIXTURES = Path(__file__).parents[1] / "data" / "engine" / "io"


@pytest.fixture(scope="module")
def con():
    backend = backends.connect(EngineOptions(memory_limit="1GB", threads=2))
    yield backend
    backends.close(backend)


def parquet_orders(path: Path, columns: dict[str, pa.Array | list]) -> Path:
    """A Parquet file of the given columns (pyarrow arrays keep their exact types)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    return path


def plain_orders(path: Path, *, first: int = 0, rows: int = 3, reverse: bool = False) -> Path:
    ids = list(range(first, first + rows))
    columns = {"customer_id": [f"c{i % 2}" for i in ids], "order_date": pa.array(
        [datetime(2024, 1, 1 + i % 28) for i in ids], pa.timestamp("us")), "amount": [float(i) for i in ids]}
    if reverse:
        columns = dict(reversed(list(columns.items())))
    return parquet_orders(path, columns)


def error_of(call) -> DataError:
    with pytest.raises(DataError) as caught:
        call()
    return caught.value


# --- find_inputs -------------------------------------------------------------------------------------


def test_folder_expands_to_its_parquet_files_recursively_sorted(tmp_path):
    folder = tmp_path / "export"
    plain_orders(folder / "b.parquet")
    plain_orders(folder / "a.pq")
    plain_orders(folder / "2024" / "part-0.parquet")
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / ".part-0.parquet.crc").write_bytes(b"x")
    plain_orders(folder / "_temporary" / "part-9.parquet")  # Spark's unfinished output: not an input
    found = source.find_inputs([folder])
    assert found.kind == "parquet"
    assert [Path(p).relative_to(folder.resolve()).as_posix() for p in found.paths] == [
        "2024/part-0.parquet", "a.pq", "b.parquet"]
    assert found.size_bytes == sum(Path(p).stat().st_size for p in found.paths)


def test_csv_files_are_one_source_and_a_file_given_twice_counts_once():
    found = source.find_inputs([FIXTURES / "orders_ok.csv", FIXTURES / "orders_ok_2.csv", FIXTURES / "orders_ok.csv"])
    assert found.kind == "csv"
    assert [Path(p).name for p in found.paths] == ["orders_ok.csv", "orders_ok_2.csv"]


def test_missing_path_is_named(tmp_path):
    missing = tmp_path / "nowhere.parquet"
    error = error_of(lambda: source.find_inputs([FIXTURES / "orders_ok.csv", missing]))
    assert error.code == "eng_no_input"
    assert str(missing) in error.text("en") and "does not exist" in error.text("en")
    assert str(missing) in error.text("zh") and "不存在" in error.text("zh")


def test_folder_without_parquet_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    error = error_of(lambda: source.find_inputs([tmp_path]))
    assert error.code == "eng_no_input" and "without Parquet files" in error.text("en")
    assert "没有 Parquet 文件" in error.text("zh")


def test_excel_stays_on_the_pandas_path():
    error = error_of(lambda: source.find_inputs([FIXTURES / "orders.xlsx"]))
    assert error.code == "eng_unsupported_input"
    assert "orders.xlsx" in error.text("en") and "pandas path" in error.text("en") and "CSV or Parquet" in error.text(
        "en")
    assert "pandas 路径" in error.text("zh") and "--engine" in error.text("zh")


def test_other_kinds_of_file_are_refused():
    error = error_of(lambda: source.find_inputs([FIXTURES / "orders.json"]))
    assert error.code == "eng_unknown_input" and ".json" in error.text("en") and ".json" in error.text("zh")


def test_parquet_and_csv_cannot_be_mixed(tmp_path):
    error = error_of(lambda: source.find_inputs([plain_orders(tmp_path / "x.parquet"), FIXTURES / "orders_ok.csv"]))
    assert error.code == "eng_mixed_inputs"
    assert "x.parquet" in error.text("en") and "orders_ok.csv" in error.text("en")
    assert "x.parquet" in error.text("zh")


# --- read_table --------------------------------------------------------------------------------------


def test_several_parquet_files_are_one_table(con, tmp_path):
    for part in range(3):
        plain_orders(tmp_path / f"part-{part}.parquet", first=10 * part, rows=4 + part)
    table = source.read_table(con, source.find_inputs([tmp_path]))
    assert table.count().execute() == 4 + 5 + 6
    assert table.amount.sum().execute() == sum(range(0, 4)) + sum(range(10, 15)) + sum(range(20, 26))


def test_parquet_files_with_columns_in_another_order_are_matched_by_name(con, tmp_path):
    plain_orders(tmp_path / "a.parquet", first=0, rows=3)
    plain_orders(tmp_path / "b.parquet", first=100, rows=2, reverse=True)
    table = source.read_table(con, source.find_inputs([tmp_path]))
    frame = table.to_pandas().sort_values("amount")
    assert frame["amount"].tolist() == [0.0, 1.0, 2.0, 100.0, 101.0]
    assert frame["customer_id"].tolist() == ["c0", "c1", "c0", "c0", "c1"]


def test_csv_files_are_read_as_text_with_leading_zeros_kept(con):
    found = source.find_inputs([FIXTURES / "orders_ok.csv", FIXTURES / "orders_ok_2.csv"])
    table = source.read_table(con, found)
    assert all(dtype.is_string() for dtype in table.schema().types)
    frame = table.to_pandas()
    assert len(frame) == 7
    assert sorted(set(frame["customer_id"])) == ["00123", "00456", "00789", "00999"]


def test_damaged_parquet_names_the_file(con, tmp_path):
    good = plain_orders(tmp_path / "good.parquet")
    found = source.find_inputs([good, FIXTURES / "broken.parquet"])
    error = error_of(lambda: source.read_table(con, found))
    assert error.code == "eng_unreadable_input" and "broken.parquet" in error.text("en")
    assert "broken.parquet" in error.text("zh")


def test_csv_not_in_utf8_says_how_to_convert(con):
    error = error_of(lambda: source.read_table(con, source.find_inputs([FIXTURES / "orders_gbk.csv"])))
    assert error.code == "eng_not_utf8" and "orders_gbk.csv" in error.text("en") and "UTF-8" in error.text("en")
    assert "--engine pandas" in error.text("zh")


def test_sample_rows_keeps_types(con, tmp_path):
    table = source.read_table(con, source.find_inputs([plain_orders(tmp_path / "a.parquet", rows=5)]))
    sample = source.sample_rows(table, 3)
    assert len(sample) == 3 and pd.api.types.is_float_dtype(sample["amount"])


# --- propose_mapping: the pandas path's words --------------------------------------------------------

ENGLISH = pd.DataFrame({
    "InvoiceNo": ["536365", "536365", "536366", "C536367"],
    "StockCode": ["85123A", "71053", "22633", "84406B"],
    "Description": ["WHITE HANGING HEART", "WHITE METAL LANTERN", "HAND WARMER", "CREAM CUPID"],
    "Quantity": [6, 6, 6, -8],
    "InvoiceDate": pd.to_datetime(["2010-12-01 08:26", "2010-12-01 08:26", "2010-12-01 08:28", "2010-12-02 09:00"]),
    "UnitPrice": [2.55, 3.39, 1.85, 2.75],
    "CustomerID": [17850, 17850, 13047, 12583],
})
CHINESE = pd.DataFrame({
    "订单号": ["D1001", "D1002", "D1003", "D1004"],
    "客户ID": ["U01", "U02", "U01", "U03"],
    "下单时间": pd.to_datetime(["2024-01-05 10:00", "2024-01-06 11:30", "2024-02-01 09:00", "2024-02-03 20:15"]),
    "数量": [1, 2, 1, 3],
    "单价": [99.0, 45.5, 12.0, 8.0],
    "金额": [99.0, 91.0, 12.0, 24.0],
    "商品名称": ["茶叶", "茶杯", "茶匙", "茶垫"],
    "渠道": ["天猫", "京东", "天猫", "门店"],
})


@pytest.mark.parametrize(("frame", "expected"), [
    (ENGLISH, {"customer_id": "CustomerID", "order_id": "InvoiceNo", "order_date": "InvoiceDate",
               "product": "Description", "sku": "StockCode", "quantity": "Quantity", "unit_price": "UnitPrice"}),
    (CHINESE, {"customer_id": "客户ID", "order_id": "订单号", "order_date": "下单时间", "product": "商品名称",
               "quantity": "数量", "unit_price": "单价", "amount": "金额", "channel": "渠道"}),
], ids=["english", "chinese"])
def test_mapping_is_the_upload_paths_own(con, tmp_path, frame, expected):
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path)
    proposed = source.propose_mapping(source.read_table(con, source.find_inputs([path])))
    assert proposed.as_dict() == expected
    upload = pipeline.propose(pipeline.read(frame.to_csv(index=False).encode("utf-8"), "orders.csv")).mapping
    assert proposed == upload


# --- check_types ---------------------------------------------------------------------------------------

BASE = {"customer_id": ["c1", "c2", "c1"], "order_id": ["o1", "o2", "o3"]}
MAPPING = ColumnMapping.from_dict({"customer_id": "customer_id", "order_id": "order_id", "order_date": "order_date",
                                   "amount": "amount"})
GOOD_DATES = pa.array([datetime(2024, 1, 5), datetime(2024, 1, 6), datetime(2024, 2, 1)], pa.timestamp("us"))


def typed_table(con, tmp_path, **columns):
    path = parquet_orders(tmp_path / "typed.parquet", {**BASE, "order_date": GOOD_DATES, "amount": [1.5, 2.0, 3.0],
                                                         **columns})
    return source.read_table(con, source.find_inputs([path]))


def test_well_typed_columns_pass_without_notes(con, tmp_path):
    assert source.check_types(typed_table(con, tmp_path), MAPPING) == ()


@pytest.mark.parametrize(("column", "values", "found", "needed_en", "needed_zh"), [
    ("order_date", pa.array([20240105, 20240106, 20240201], pa.int64()), "int64", "a date or timestamp",
     "日期或时间戳"),
    ("amount", pa.array([True, False, True]), "boolean", "a number", "数字"),
    ("amount", pa.array([{"value": 1.5, "currency": "CNY"}] * 3), "struct", "a number", "数字"),
    ("customer_id", pa.array([["c1"], ["c2"], ["c1"]]), "array", "text or a number", "文本或数字"),
], ids=["date-as-int", "amount-as-bool", "amount-as-struct", "id-as-list"])
def test_wrong_types_name_the_column_and_the_types(con, tmp_path, column, values, found, needed_en, needed_zh):
    table = typed_table(con, tmp_path, **{column: values})
    error = error_of(lambda: source.check_types(table, MAPPING))
    assert error.code == "eng_bad_type"
    assert f"\u201c{column}\u201d" in error.text("en") and found in error.text("en") and needed_en in error.text("en")
    assert f"\u201c{column}\u201d" in error.text("zh") and found in error.text("zh") and needed_zh in error.text("zh")


def test_yen_amounts_in_text_stay_on_the_pandas_path(con, tmp_path):
    table = typed_table(con, tmp_path, amount=["¥1,234", "¥88", "¥2,000"])
    error = error_of(lambda: source.check_types(table, MAPPING))
    assert error.code == "eng_messy_text"
    assert "\u201camount\u201d" in error.text("en") and "\u201c¥1,234\u201d" in error.text("en")
    assert "pandas path" in error.text("en") and "--engine pandas" in error.text("en")
    assert "\u201c¥1,234\u201d" in error.text("zh") and "pandas 路径" in error.text("zh")


def test_day_month_dates_in_text_stay_on_the_pandas_path(con, tmp_path):
    table = typed_table(con, tmp_path, order_date=["05/01/2024", "06/01/2024", "01/02/2024"])
    error = error_of(lambda: source.check_types(table, MAPPING))
    assert error.code == "eng_messy_text" and "\u201c05/01/2024\u201d" in error.text("en")
    assert "(3 of the 3 values checked do not)" in error.text("en")
    assert "ISO 日期" in error.text("zh")


@pytest.mark.parametrize(("name", "column", "fixture"), [
    ("yen", "金额", "orders_yen.csv"), ("day-first", "order_date", "orders_dmy.csv")])
def test_messy_csv_fixtures(con, name, column, fixture):
    table = source.read_table(con, source.find_inputs([FIXTURES / fixture]))
    error = error_of(lambda: source.check_types(table, source.propose_mapping(table)))
    assert error.code == "eng_messy_text" and f"\u201c{column}\u201d" in error.text("en")


def test_iso_text_dates_and_plain_text_numbers_are_read_with_a_note(con, tmp_path):
    # One unreadable date in 12 is a row to exclude (bad date), not a file for the pandas path.
    dates = ["2024-01-05", "2024-01-06 10:30:00", "2024-1-7", "2024-01-08T09:00:00Z", "2024-01-09 10:00:00+08:00",
             *[f"2024-02-{day:02d}" for day in range(1, 7)], "not a date"]
    path = parquet_orders(tmp_path / "text.parquet", {
        "customer_id": ["c1"] * 12, "order_date": dates, "amount": ["1.5", " 2 ", "-3e1", ".5", *["7"] * 8]})
    notes = {note.code: note for note in source.check_types(source.read_table(con, source.find_inputs([path])),
                                                            MAPPING.from_dict({**MAPPING.as_dict(), "order_id": None}))}
    assert set(notes) == {"eng_text_dates", "eng_text_numbers"}
    assert "11 of the 12 values" in notes["eng_text_dates"].text("en")
    assert "12 of the 12 values" in notes["eng_text_numbers"].text("en")
    assert "抽查 12 个值，11 个可以转换" in notes["eng_text_dates"].text("zh")


def test_csv_fixture_passes_with_text_notes(con):
    table = source.read_table(con, source.find_inputs([FIXTURES / "orders_ok.csv"]))
    mapping = source.propose_mapping(table)
    assert mapping.get("amount") == "amount" and mapping.get("order_date") == "order_date"
    assert [note.code for note in source.check_types(table, mapping)] == ["eng_text_dates", "eng_text_numbers"]


def test_timestamps_with_a_zone_are_fine_with_a_note(con, tmp_path):
    zoned = pa.array([datetime(2024, 1, 5), datetime(2024, 1, 6), datetime(2024, 2, 1)], pa.timestamp("us", "UTC"))
    notes = source.check_types(typed_table(con, tmp_path, order_date=zoned), MAPPING)
    assert [note.code for note in notes] == ["eng_tz_to_utc"]
    assert "UTC" in notes[0].text("en") and "\u201corder_date\u201d" in notes[0].text("zh")


def test_missing_fields_are_named_with_the_mapping_option(con, tmp_path):
    table = typed_table(con, tmp_path)
    error = error_of(lambda: source.check_types(table, ColumnMapping.from_dict({"customer_id": "customer_id"})))
    assert error.code == "eng_missing_field"
    assert "Order date, Amount" in error.text("en") and "--mapping mapping.json" in error.text("en")
    assert "下单日期、金额" in error.text("zh") and "--mapping mapping.json" in error.text("zh")
    quantity_only = ColumnMapping.from_dict({"customer_id": "customer_id", "order_date": "order_date",
                                             "quantity": "amount"})
    assert error_of(lambda: source.check_types(table, quantity_only)).code == "eng_missing_field"


def test_a_mapped_column_the_file_lacks_is_named(con, tmp_path):
    table = typed_table(con, tmp_path)
    mapping = ColumnMapping.from_dict({"customer_id": "Kundennummer", "order_date": "order_date", "amount": "amount"})
    error = error_of(lambda: source.check_types(table, mapping))
    assert error.code == "eng_no_column" and "\u201cKundennummer\u201d" in error.text("en")
    assert "order_id" in error.text("en") and "\u201cKundennummer\u201d" in error.text("zh")


def test_engine_reads_back_the_csv_the_project_writes_and_tab_separated_text(con, tmp_path):
    frame = pd.DataFrame({"客户ID": ["001", "=002"], "金额": [1.5, 2.0],
                          "下单时间": pd.to_datetime(["2024-01-01"] * 2)})
    written = write.write_table(frame, tmp_path / "customers.csv")  # BOM, every field quoted, CRLF
    (tmp_path / "orders.tsv").write_text("customer_id\torder_date\tamount\nc1\t2024-01-01\t3\n", encoding="utf-8")
    table = source.read_table(con, source.find_inputs([written]))
    assert table.columns == ("客户ID", "金额", "下单时间")
    assert table.to_pandas().values.tolist() == [["001", "1.5", "2024-01-01"], ["'=002", "2", "2024-01-01"]]
    tsv = source.read_table(con, source.find_inputs([tmp_path / "orders.tsv"]))
    assert tsv.to_pandas().values.tolist() == [["c1", "2024-01-01", "3"]]
