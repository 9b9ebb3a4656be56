"""Several monthly exports read as one (crm_core.ingest.combine): same shape, overlaps counted once, every row kept
account of.  Fixtures in tests/data/combine (see its README for the hand-computed figures)."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.customers import customer_table
from crm_core.export.lists import excluded_rows_table
from crm_core.ingest.clean import standardize
from crm_core.ingest.combine import combine, file_rows, read_files
from crm_core.ingest.readers import read_upload
from crm_core.schema import ColumnMapping, DataError, RawTable

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "combine"
SAMPLE = ROOT / "sample_data" / "orders_zh.csv"
ONLINE_RETAIL = ROOT.parent / "shared" / "datasets" / "online_retail" / "online_retail_by_day_concat.csv.gz"

JAN, FEB_GBK = "orders_2025_01.csv", "orders_2025_02_gbk.csv"
MAPPING = ColumnMapping.from_dict({
    "customer_id": "客户编号", "order_id": "订单号", "order_date": "下单时间", "product": "商品名称",
    "quantity": "数量", "unit_price": "单价", "amount": "实付金额", "status": "订单状态",
})


def fixture(name: str) -> tuple[str, bytes]:
    return name, (DATA / name).read_bytes()


def texts(notes, lang="en") -> list[str]:
    return [note.text(lang) for note in notes]


def spend(result) -> dict[str, float]:
    table = customer_table(result.orders, result.customers)
    table = table.reset_index() if "customer_id" not in table.columns else table
    return dict(zip(table["customer_id"], table["monetary"].round(2), strict=True))


# --- one file: nothing changes -----------------------------------------------------------------

def test_one_file_is_exactly_what_read_upload_gives():
    name, data = fixture(JAN)
    alone, through = read_upload(data, name), read_files([(name, data)])
    for field in dataclasses.fields(RawTable):
        if field.name == "frame":
            pd.testing.assert_frame_equal(through.frame, alone.frame)
        else:
            assert getattr(through, field.name) == getattr(alone, field.name), field.name
    assert through.parts == () and through.overlaps is None
    assert combine([alone]) is alone


def test_nothing_to_combine_is_a_programming_error():
    with pytest.raises(ValueError):
        combine([])
    with pytest.raises(ValueError):
        read_files([])


def test_a_single_file_report_keeps_the_plain_excluded_table():
    result = standardize(read_files([fixture(JAN)]), MAPPING)
    table = excluded_rows_table(result.report)
    assert list(table.columns[:3]) == ["Why excluded", "Row in file", "Detail"]
    assert table["Row in file"].tolist() == [4]


# --- two months sharing a week -----------------------------------------------------------------

@pytest.fixture(scope="module")
def jan_feb():
    raw = read_files([fixture(JAN), fixture(FEB_GBK)])
    return raw, standardize(raw, MAPPING)


def test_two_months_are_one_table_named_after_both_files(jan_feb):
    raw, _ = jan_feb
    assert raw.source_name == "orders_2025_01.csv + orders_2025_02_gbk.csv"
    # the largest file's last row is 8, so each file's rows move by 10: February's row 5 is row 15
    assert raw.parts == (("orders_2025_01.csv", 0), ("orders_2025_02_gbk.csv", 10))
    assert raw.frame.index.tolist() == [2, 3, 4, 5, 6, 7, 8, 15, 16, 17, 18]
    assert raw.overlaps.index.tolist() == [12, 13, 14]
    assert raw.overlap_of.tolist() == ["orders_2025_01.csv"] * 3
    assert raw.frame.index.is_unique


def test_lines_shared_by_two_months_are_counted_once_and_reported(jan_feb):
    _, result = jan_feb
    report = result.report
    assert (report.rows_read, report.rows_used) == (14, 9)
    assert report.rows_read == report.rows_used + len(report.excluded)
    assert report.reason_counts().to_dict() == {"overlap": 3, "status": 2}
    assert report.parts == (("orders_2025_01.csv", 0), ("orders_2025_02_gbk.csv", 10))
    # C001: D0101 20 + D0104 twice (two lines in January) 40; the February copy of D0104 counted once, not again
    assert spend(result) == {"C001": 60.0, "C002": 45.0, "C003": 100.0, "C004": 30.0, "C005": 160.0}
    assert texts(report.notes)[2] == ("3 lines were in more than one file (orders_2025_02_gbk.csv: 3 lines also in "
                                      "orders_2025_01.csv); each was counted once.")
    assert texts(report.notes, "zh")[2] == ("3 行同时出现在多个文件中（orders_2025_02_gbk.csv：3 行已在 "
                                            "orders_2025_01.csv 中），每行只计一次。")


def test_the_excluded_rows_say_which_file_and_row_they_came_from(jan_feb):
    _, result = jan_feb
    table = excluded_rows_table(result.report)
    assert list(table.columns[:4]) == ["Why excluded", "File", "Row in file", "Detail"]
    assert table["File"].tolist() == ["orders_2025_01.csv"] + ["orders_2025_02_gbk.csv"] * 4
    assert table["Row in file"].tolist() == [4, 2, 3, 4, 8]
    assert table["Detail"].tolist() == ["已取消", "orders_2025_01.csv", "orders_2025_01.csv", "orders_2025_01.csv",
                                        "待付款"]
    assert table["Why excluded"].tolist()[1] == "line already in an earlier file (counted once)"
    assert table["订单号"].tolist() == ["D0103", "D0104", "D0105", "D0106", "D0203"]  # the line's own cells
    zh = excluded_rows_table(result.report, "zh")
    assert list(zh.columns[:4]) == ["排除原因", "文件", "文件中的行号", "详情"]
    assert zh["排除原因"].tolist()[1] == "与之前文件中的行相同（只计一次）"


def test_a_line_repeated_within_one_file_is_kept_as_often_as_it_is_there(jan_feb):
    _, result = jan_feb
    lines = result.orders["order_id"].value_counts()
    assert lines["D0104"] == 2  # twice in January, once more in February's overlap week: 2, not 3 or 1
    assert lines["D0201"] == 2  # twice in February only
    alone = standardize(read_files([fixture(JAN)]), MAPPING)
    assert alone.orders["order_id"].value_counts()["D0104"] == 2


def test_a_line_is_kept_as_often_as_the_file_holding_it_most_often_has_it():
    head = b"id,date,amount\n"
    a = head + b"X,2025-01-01,1\nY,2025-01-02,2\nY,2025-01-02,2\nZ,2025-01-03,\n"
    b = head + b"X,2025-01-01,1\nX,2025-01-01,1\nX,2025-01-01,1\nY,2025-01-02,2\nZ,2025-01-03,\nZ,2025-01-03,3\n"
    c = head + b"X,2025-01-01,1\nX,2025-01-01,1\nX,2025-01-01,1\nX,2025-01-01,1\n"
    raw = read_files([("a.csv", a), ("b.csv", b), ("c.csv", c)])
    # a: X once, Y twice, Z (empty amount) once.  b: X three times -> the first is a's, two kept; Y once -> a's;
    # Z with the same empty amount -> a's; Z with amount 3 differs in one cell -> kept.
    # c: X four times -> the first is a's, the next two b's, the fourth kept.
    assert raw.parts == (("a.csv", 0), ("b.csv", 10), ("c.csv", 20))
    assert raw.overlaps.index.tolist() == [12, 15, 16, 22, 23, 24]
    assert raw.overlap_of.tolist() == ["a.csv", "a.csv", "a.csv", "a.csv", "b.csv", "b.csv"]
    assert raw.frame.index.tolist() == [2, 3, 4, 5, 13, 14, 17, 25]
    assert raw.frame.value_counts(["id", "amount"], dropna=False).to_dict() == {
        ("X", "1"): 4, ("Y", "2"): 2, ("Z", np.nan): 1, ("Z", "3"): 1}
    assert texts(raw.notes)[-1] == ("6 lines were in more than one file (b.csv: 3 lines also in a.csv; "
                                    "c.csv: 1 line also in a.csv, 2 lines also in b.csv); each was counted once.")


def test_lines_whose_hashes_collide_are_compared_cell_by_cell(monkeypatch):
    # Every line hashed alike: each of b's lines meets one of a's by key, but only equal cells make an overlap.
    monkeypatch.setattr(pd.util, "hash_pandas_object",
                        lambda frame, index=False: pd.Series(np.zeros(len(frame), dtype="uint64")))
    head = b"id,date,amount\n"
    raw = read_files([("a.csv", head + b"X,2025-01-01,1\nY,2025-01-02,2\n"),
                      ("b.csv", head + b"X,2025-01-01,1\nZ,2025-01-03,3\n")])
    assert raw.overlaps.index.tolist() == [12]  # b's X met a's X; b's Z met a's Y and stays
    assert raw.frame["id"].tolist() == ["X", "Y", "Z"]


def test_the_same_file_twice_adds_nothing_and_its_notes_are_not_repeated():
    raw = read_files([fixture(JAN), fixture(JAN)])
    assert raw.parts == (("orders_2025_01.csv", 0), ("orders_2025_01.csv (2)", 10))
    assert texts(raw.notes) == [
        "Read as text in UTF-8 with BOM, separated by comma.",  # once, as for one file
        "7 lines were in more than one file (orders_2025_01.csv (2): 7 lines also in orders_2025_01.csv); "
        "each was counted once.",
    ]
    twice, once = standardize(raw, MAPPING), standardize(read_files([fixture(JAN)]), MAPPING)
    assert (twice.report.rows_read, twice.report.rows_used) == (14, once.report.rows_used) == (14, 6)
    assert spend(twice) == spend(once) == {"C001": 60.0, "C002": 45.0, "C004": 30.0}


# --- shape and encodings -----------------------------------------------------------------------

def test_columns_in_another_order_are_put_in_the_first_files_order(jan_feb):
    raw, result = jan_feb
    reordered = read_files([fixture(JAN), fixture("orders_2025_02_reordered.csv")])
    assert list(reordered.frame.columns) == ["客户编号", "订单号", "下单时间", "商品名称", "数量", "单价", "实付金额",
                                             "订单状态"]
    pd.testing.assert_frame_equal(reordered.frame, raw.frame)
    again = standardize(reordered, MAPPING)
    pd.testing.assert_frame_equal(again.orders, result.orders)
    assert again.report.reason_counts().to_dict() == {"overlap": 3, "status": 2}


def test_files_with_other_columns_are_refused_with_what_differs():
    with pytest.raises(DataError) as caught:
        read_files([fixture(JAN), fixture("orders_2025_02_other_columns.csv")])
    error = caught.value
    assert error.code == "files_differ"
    assert str(error) == ("orders_2025_02_other_columns.csv does not have the same columns as orders_2025_01.csv "
                          "(missing: 订单状态; extra: 渠道). Export every month with the same columns, or load the "
                          "files one at a time.")
    assert error.text("zh") == ("orders_2025_02_other_columns.csv 的列与 orders_2025_01.csv 不同（缺少：订单状态；"
                                "多出：渠道）。请按相同的列导出每个月的数据，或逐个载入这些文件。")


def test_only_missing_columns_say_none_for_the_extra_ones():
    short = b"id,date\nA,2025-01-01\n"
    with pytest.raises(DataError) as caught:
        read_files([("a.csv", b"id,date,amount\nA,2025-01-01,1\n"), ("b.csv", short)])
    assert "(missing: amount; extra: none)" in str(caught.value)
    assert "（缺少：amount；多出：无）" in caught.value.text("zh")


def test_a_gbk_month_and_a_utf8_month_combine_and_each_says_how_it_was_read(jan_feb):
    raw, _ = jan_feb
    assert raw.encoding is None and raw.delimiter == ","
    assert raw.frame.loc[15, "商品名称"] == "白茶" and raw.frame.loc[18, "订单状态"] == "待付款"
    assert texts(raw.notes)[:2] == [
        "orders_2025_01.csv: Read as text in UTF-8 with BOM, separated by comma.",
        "orders_2025_02_gbk.csv: Read as text in Chinese (GB18030/GBK), separated by comma.",
    ]
    assert texts(raw.notes, "zh")[1] == ("orders_2025_02_gbk.csv：已按文本读取，编码为中文编码（GB18030/GBK），"
                                         "分隔符为逗号。")


def test_ragged_lines_keep_their_file_and_row():
    raw = read_files([fixture(JAN), fixture("orders_2025_02_ragged.csv")])
    assert raw.bad_lines == ((13, "C003,D0202,2025/2/8 12:00,乌龙茶,2,50.00,100.00,已完成,多出,两格"),)
    result = standardize(raw, MAPPING)
    assert result.report.rows_read == 7 + 3 == result.report.rows_used + len(result.report.excluded)
    table = excluded_rows_table(result.report)
    malformed = table[table["Why excluded"] == "line with the wrong number of fields"]
    assert malformed[["File", "Row in file"]].values.tolist() == [["orders_2025_02_ragged.csv", 3]]
    assert "orders_2025_02_ragged.csv: Set aside: 1 line with the wrong number of fields." in texts(raw.notes)[2]


def test_file_rows_turns_combined_rows_back_into_file_and_row():
    parts = (("a.csv", 0), ("b.csv", 1_000_000), ("c.csv", 2_000_000))
    names, rows = file_rows(parts, [2, 999_999, 1_000_002, 2_000_540])
    assert names.tolist() == ["a.csv", "a.csv", "b.csv", "c.csv"]
    assert rows.tolist() == [2, 999_999, 2, 540]
    names, rows = file_rows((), [3, 4])
    assert names.tolist() == ["", ""] and rows.tolist() == [3, 4]


# --- an export split by date gives back exactly the one export ---------------------------------

def split_by_date(data: bytes, raw: RawTable, column: str, cutoff: str) -> tuple[bytes, bytes, list[int]]:
    """Two files from one export: its lines dated before ``cutoff``, then the rest, each under the header line.

    Returns the two files and the original line number of each data line of the second.
    """
    lines = data.splitlines(keepends=True)
    assert len(raw.frame) == len(lines) - 1 and not raw.bad_lines  # every line is a row: the split is exact
    later = pd.to_datetime(raw.frame[column], format="mixed") >= pd.Timestamp(cutoff)
    first = [lines[r - 1] for r in raw.frame.index[~later.to_numpy()]]
    second_rows = raw.frame.index[later.to_numpy()].tolist()
    second = [lines[r - 1] for r in second_rows]
    return lines[0] + b"".join(first), lines[0] + b"".join(second), second_rows


def assert_split_gives_the_single_file(data: bytes, name: str, column: str, cutoff: str):
    single_raw = read_upload(data, name)
    mapping = pipeline.propose(single_raw).mapping
    first, second, second_rows = split_by_date(data, single_raw, column, cutoff)
    raw = read_files([("before.csv", first), ("after.csv", second)])
    assert raw.overlaps is None
    pd.testing.assert_frame_equal(raw.frame.reset_index(drop=True), single_raw.frame.reset_index(drop=True))
    single, combined = standardize(single_raw, mapping), standardize(raw, mapping)
    pd.testing.assert_frame_equal(combined.orders.drop(columns="source_row"),
                                  single.orders.drop(columns="source_row"))
    pd.testing.assert_frame_equal(combined.customers, single.customers)
    pd.testing.assert_frame_equal(pipeline.rfm_scores(combined), pipeline.rfm_scores(single))
    assert combined.report.notes == single.report.notes  # the file-level notes too: each said once
    assert (combined.report.rows_read, combined.report.rows_used) == (single.report.rows_read, single.report.rows_used)
    assert combined.report.reason_counts().to_dict() == single.report.reason_counts().to_dict()
    # Each excluded row, as (file, row in that file), is the single file's excluded line.
    files, rows = file_rows(combined.report.parts, combined.report.excluded["row"])
    original = [r if f == "before.csv" else second_rows[r - 2] for f, r in zip(files, rows, strict=True)]
    assert original == single.report.excluded["row"].tolist()
    return single, combined, len(second_rows)


def test_the_sample_split_by_date_gives_exactly_the_single_file():
    single, combined, later = assert_split_gives_the_single_file(
        SAMPLE.read_bytes(), "orders_zh.csv", "下单时间", "2025-07-01")
    assert 0 < later < 7_223
    assert (single.report.rows_read, single.report.rows_used) == (7_223, 7_153)
    assert combined.report.source_name == "before.csv + after.csv"


@pytest.mark.realdata
@pytest.mark.skipif(not ONLINE_RETAIL.exists(), reason=f"real data not found at {ONLINE_RETAIL} (shared/ is beside "
                    "the checkout only in CI and the developers' workplace)")
def test_online_retail_split_by_date_gives_exactly_the_single_file():
    data = gzip.decompress(ONLINE_RETAIL.read_bytes())
    single, combined, later = assert_split_gives_the_single_file(data, "online_retail.csv", "InvoiceDate",
                                                                 "2011-07-01")
    assert single.report.rows_read == 541_909 and single.report.rows_used == 404_777  # tests/core/test_real_data.py
    assert 200_000 < later < 541_909
    assert combined.report.parts == (("before.csv", 0), ("after.csv", 1_000_000))
