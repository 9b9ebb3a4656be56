"""crm_core.engine.write: Parquet / CSV / xlsx written and read back, formula injection, Excel's row limit."""

from __future__ import annotations

from datetime import date

import openpyxl
import pandas as pd
import pytest

from crm_core import export
from crm_core.engine import write
from crm_core.schema import DataError


def customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["00123", "=1+1", "张三", "c4"],
        "recency_days": [3, 40, 365, 12],
        "frequency": [5, 1, 2, 9],
        "monetary": [1234.56, 19.9, 0.1 + 0.2, 88.0],
        "last_order_date": pd.to_datetime(["2024-03-01", "2024-01-22", "2023-03-07", "2024-02-20"]),
        "segment": ["Champions", "New", "Lost", None],
    })


def test_excel_fits_counts_the_header_row(monkeypatch):
    assert write.excel_fits(1_048_575) and not write.excel_fits(1_048_576)
    monkeypatch.setattr(write, "EXCEL_MAX_ROWS", 5)
    assert write.excel_fits(4) and not write.excel_fits(5)


def test_parquet_round_trip_is_exact(tmp_path):
    frame = customers()
    out = write.write_table(frame, tmp_path / "deep" / "customers.parquet")
    assert out == tmp_path / "deep" / "customers.parquet"
    pd.testing.assert_frame_equal(pd.read_parquet(out), frame)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(out).metadata.row_group(0).column(0).compression == "SNAPPY"


def test_named_index_becomes_the_first_column_in_every_format(tmp_path):
    frame = customers().set_index("customer_id")
    assert pd.read_parquet(write.write_table(frame, tmp_path / "c.parquet")).index.tolist() == frame.index.tolist()
    assert pd.read_csv(write.write_table(frame, tmp_path / "c.csv"), dtype=str).columns[0] == "customer_id"


def test_csv_round_trip_and_same_bytes_as_the_export_writer(tmp_path, monkeypatch):
    frame = customers()
    monkeypatch.setattr(write, "CSV_CHUNK_ROWS", 3)  # two chunks: the header and BOM written once
    out = write.write_table(frame, tmp_path / "customers.csv")
    data = out.read_bytes()
    assert data == export.to_csv_bytes(frame) and data.startswith("\ufeff".encode())
    back = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["customer_id"].tolist() == ["00123", "'=1+1", "张三", "c4"]  # formula neutralised, zeros kept
    assert back["monetary"].tolist() == ["1234.56", "19.9", "0.3", "88"]
    assert back["last_order_date"].tolist() == ["2024-03-01", "2024-01-22", "2023-03-07", "2024-02-20"]
    assert back["segment"].tolist() == ["Champions", "New", "Lost", ""]


def test_csv_chunks_keep_times_where_any_row_has_one(tmp_path, monkeypatch):
    frame = pd.DataFrame({"customer_id": ["a", "b", "c"],
                          "seen": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03 10:30"], format="ISO8601")})
    monkeypatch.setattr(write, "CSV_CHUNK_ROWS", 2)  # the first chunk has no time of day; the column does
    out = write.write_table(frame, tmp_path / "seen.csv")
    assert out.read_bytes() == export.to_csv_bytes(frame)
    assert pd.read_csv(out, encoding="utf-8-sig")["seen"].tolist() == [
        "2024-01-01 00:00:00", "2024-01-02 00:00:00", "2024-01-03 10:30:00"]


def test_xlsx_is_injection_safe_and_typed(tmp_path):
    out = write.write_table(customers(), tmp_path / "customers.xlsx", lang="zh")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["客户"]
    sheet = book["客户"]
    assert [cell.value for cell in sheet[1]][:3] == ["customer_id", "recency_days", "frequency"]
    formula_cell = sheet["A3"]
    assert formula_cell.value == "=1+1" and formula_cell.data_type == "s" and formula_cell.quotePrefix
    assert sheet["A2"].value == "00123" and sheet["D2"].value == 1234.56
    assert sheet["E2"].value.date() == date(2024, 3, 1)
    assert openpyxl.load_workbook(write.write_table(customers(), tmp_path / "en.xlsx")).sheetnames == ["Customers"]


def test_xlsx_beyond_excel_rows_says_to_choose_csv_or_parquet(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "EXCEL_MAX_ROWS", 4)  # a sheet of 4 rows: a header and 3 customers
    write.write_table(customers().head(3), tmp_path / "fits.xlsx")
    with pytest.raises(DataError) as caught:
        write.write_table(customers(), tmp_path / "too_many.xlsx")
    error = caught.value
    assert error.code == "eng_too_many_rows_for_excel"
    assert "4 rows" in error.text("en") and ".csv or .parquet" in error.text("en")
    assert "4 行" in error.text("zh") and ".parquet" in error.text("zh")
    assert not (tmp_path / "too_many.xlsx").exists()
    write.write_table(customers(), tmp_path / "big.parquet")  # the other formats have no such limit


def test_other_suffixes_are_refused(tmp_path):
    with pytest.raises(DataError) as caught:
        write.write_table(customers(), tmp_path / "customers.json")
    assert caught.value.code == "eng_bad_out" and "“.json”" in caught.value.text("en")
    assert "“.json”" in caught.value.text("zh")
