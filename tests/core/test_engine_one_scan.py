"""crm_core.engine._quick: the customer table in one scan, with the conventions read from a sample.

Each file below follows one convention in its first rows (the sample, cut to 40 rows here) and breaks it later.
The scan must notice and start over with the full survey, so the answer is always the upload path's; a file that
keeps to the sample's conventions is answered by the one scan alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crm_core.engine import _quick, run
from crm_core.engine.options import EngineOptions
from crm_core.schema import ColumnMapping

PANDAS = EngineOptions(engine="pandas")
DUCKDB = EngineOptions(engine="duckdb", memory_limit="1GB")
MAPPING = ColumnMapping.from_dict({"order_id": "InvoiceNo", "customer_id": "CustomerID", "order_date": "InvoiceDate",
                                   "sku": "StockCode", "quantity": "Quantity", "unit_price": "UnitPrice",
                                   "status": "Status"})
N = 120


def _frame() -> pd.DataFrame:
    """120 lines of 23 customers over a year: two lines per order, text ids, one postage line, one cancelled."""
    i = np.arange(N)
    frame = pd.DataFrame({
        "InvoiceNo": [str(500000 + k // 2) for k in i],
        "CustomerID": [str(10000 + (k * 7) % 23) for k in i],
        "InvoiceDate": pd.Timestamp("2024-01-02 09:00") + pd.to_timedelta(i * 61, unit="h"),
        "StockCode": ["85123A"] * N,
        "Quantity": (1 + i % 3).astype("int64"),
        "UnitPrice": [2.5] * N,
        "Status": ["Completed"] * N,
    })
    frame.loc[10, "StockCode"] = "POST"
    frame.loc[20, "Status"] = "Cancelled"
    return frame


def _late_c_lines(frame):  # C lines only after the sample, all negative: the convention, no doubt
    frame.loc[[90, 100], "InvoiceNo"] = ["C600001", "C600002"]
    frame.loc[[90, 100], "Quantity"] = -1


def _late_positive_c_line(frame):  # a C line that is not negative: only the whole file's vote decides
    _late_c_lines(frame)
    frame.loc[110, ["InvoiceNo", "Quantity"]] = ["C600003", 2]


def _late_padded_order_id(frame):
    frame.loc[80, "InvoiceNo"] = " 500040 "


def _late_missing_order_id(frame):
    frame.loc[80, "InvoiceNo"] = None


def _late_padded_customer(frame):
    frame.loc[81, "CustomerID"] = "10004 "


def _late_id_without_float_suffix(frame):  # the sample's ids all end in ".0", a later one does not
    frame["CustomerID"] = frame["CustomerID"] + ".0"
    frame.loc[95, "CustomerID"] = "10004"


def _late_new_status(frame):  # statuses are read from the whole file, not the sample: no doubt
    frame.loc[105, "Status"] = "已取消"


def _late_negative_customer(frame):  # integer ids, none negative in the sample: rows left out get negative keys
    frame["CustomerID"] = frame["CustomerID"].astype("int64")
    frame.loc[85, "CustomerID"] = -4


def _late_padded_postage(frame):  # product codes are tested by their distinct values: no doubt
    frame.loc[100, "StockCode"] = " post\t"


CASES = {  # change -> whether the scan must start over
    "late_c_lines": (_late_c_lines, False),
    "late_positive_c_line": (_late_positive_c_line, True),
    "late_padded_order_id": (_late_padded_order_id, True),
    "late_missing_order_id": (_late_missing_order_id, True),
    "late_padded_customer": (_late_padded_customer, True),
    "late_id_without_float_suffix": (_late_id_without_float_suffix, True),
    "late_new_status": (_late_new_status, False),
    "late_negative_customer": (_late_negative_customer, True),
    "late_padded_postage": (_late_padded_postage, False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_scan_checks_what_the_sample_decided(case, tmp_path, monkeypatch):
    change, starts_over = CASES[case]
    frame = _frame()
    change(frame)
    path = tmp_path / f"{case}.parquet"
    frame.to_parquet(path, index=False)
    monkeypatch.setattr(_quick, "SAMPLE_ROWS", 40)
    again = []
    real = run._prepare_again
    monkeypatch.setattr(run, "_prepare_again", lambda prepared, clock: (again.append(1), real(prepared, clock)))

    expected = run.customer_table([path], PANDAS, mapping=MAPPING)
    got = run.customer_table([path], DUCKDB, mapping=MAPPING)
    assert bool(again) == starts_over
    assert got.report == expected.report and got.as_of == expected.as_of
    assert {n.code for n in got.notes} >= {n.code for n in expected.notes if n.code == "note_cancellation_prefix"}
    columns = ["customer_id", "frequency", "recency_days", "monetary", "lines", "return_lines", "first_order_date"]
    pd.testing.assert_frame_equal(got.table[columns].reset_index(drop=True),
                                  expected.table[columns].reset_index(drop=True), check_dtype=False)


def test_the_report_of_a_file_that_keeps_to_its_sample(tmp_path, monkeypatch):
    """Hand-counted: 120 rows, the postage line and the cancelled line left out, two C lines are returns."""
    frame = _frame()
    _late_c_lines(frame)
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path, index=False)
    monkeypatch.setattr(_quick, "SAMPLE_ROWS", 40)
    got = run.customer_table([path], DUCKDB, mapping=MAPPING)
    assert (got.report.rows_read, got.report.rows_used, got.report.rows_returns) == (120, 118, 2)
    assert got.report.excluded == {"status": 1, "non_product": 1}
    note = next(n for n in got.notes if n.code == "note_cancellation_prefix")
    assert dict(note.params) == {"rows": 2, "example": "C600001", "prefix": "C"}  # the file's first C-id
    assert got.table["lines"].sum() + got.table["return_lines"].sum() == 118
    # The last line is on 2024-01-02 09:00 + 119 x 61 h (302 days 11 h) = 2024-10-30 20:00.
    assert str(got.as_of) == "2024-10-31"


def test_slot_parts():
    codes = ("sample_mismatch", "missing_customer", "missing_date")
    day = np.datetime64("2024-03-05", "D").astype(np.int64)
    slots = np.array([(2 << _quick.DAY_BITS) + day + _quick.DAY_OFFSET, 3 << _quick.DAY_BITS,
                      (1 << _quick.DAY_BITS) + _quick.DAY_OFFSET - 25567])  # 1900-01-01
    reasons, days = _quick.slot_parts(slots, codes)
    assert list(reasons) == ["missing_customer", "missing_date", "sample_mismatch"]
    assert str(days[0]) == "2024-03-05" and np.isnat(days[1]) and str(days[2]) == "1900-01-01"


@pytest.mark.parametrize(("ids", "how"), [
    ([10000 + k % 23 for k in range(N)], "negative"),        # integer ids: rows left out get -1 - slot
    ([-5 + k % 23 for k in range(N)], "pair"),                # a negative id: a second grouping key instead
    ([f"{10000 + k % 23}" for k in range(N)], "blank"),       # text ids: rows left out get " " + slot
    ([10000.0 + k % 23 for k in range(N)], "blank"),          # float ids are text once cleaned
])
def test_every_kind_of_customer_id_is_keyed_apart_from_the_rows_left_out(ids, how, tmp_path):
    from crm_core.engine import backends, lines, source

    frame = _frame().assign(CustomerID=pd.array(ids, dtype="Int64") if isinstance(ids[0], int) else ids)
    frame.loc[5, "CustomerID"] = None  # a missing customer: a row left out
    path = tmp_path / f"{how}.parquet"
    frame.to_parquet(path, index=False)
    con = backends.connect(DUCKDB)
    try:
        clean = lines.clean_lines(source.read_table(con, source.find_inputs([path])), MAPPING, one_scan=True)
        assert clean.quick.how == how
    finally:
        backends.close(con)
    expected = run.customer_table([path], PANDAS, mapping=MAPPING)
    got = run.customer_table([path], DUCKDB, mapping=MAPPING)
    assert got.report == expected.report and got.report.excluded["missing_customer"] == 1
    columns = ["customer_id", "frequency", "recency_days", "monetary", "lines", "return_lines"]
    pd.testing.assert_frame_equal(got.table[columns].reset_index(drop=True),
                                  expected.table[columns].reset_index(drop=True), check_dtype=False)


def test_out_of_memory_in_the_one_scan_falls_back_to_the_exact_path(tmp_path, monkeypatch):
    """The one-scan grouping holds more per customer than the customers' aggregate alone: when it runs out of
    memory, the customer table is made the exact way (full survey, report scan, aggregate) instead of failing."""
    from crm_core.engine import aggregate
    from crm_core.schema import DataError

    frame = _frame()
    _late_c_lines(frame)
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path, index=False)

    def out_of_memory(*args, **kwargs):
        raise DataError("engl_out_of_memory", limit="1GB", temp="-", detail="Out of Memory Error")

    monkeypatch.setattr(aggregate, "keyed_customers", out_of_memory)
    expected = run.customer_table([path], PANDAS, mapping=MAPPING)
    got = run.customer_table([path], DUCKDB, mapping=MAPPING)
    assert got.report == expected.report and got.as_of == expected.as_of
    assert got.table["customer_id"].tolist() == expected.table["customer_id"].tolist()
    assert got.table["monetary"].tolist() == expected.table["monetary"].tolist()


@pytest.mark.parametrize("caps", [None, ("DISTINCT_CAP", 1), ("LISTED_CAP", 1)])
def test_non_product_lists_agree_with_the_per_row_test(caps, monkeypatch):
    """The one scan tests product codes and names by lists of their distinct non-product cells; a column with many
    distinct values (DISTINCT_CAP) or many non-product ones (LISTED_CAP) keeps the per-row test.  Either way a
    cell is a non-product line exactly when the upload path says so: single letters on the code only, padding and
    case ignored."""
    import ibis

    from crm_core.engine import _lines_rules as rules
    from crm_core.schema import IngestOptions

    if caps:
        monkeypatch.setattr(_quick, caps[0], caps[1])
    codes = ["85123A", "POST", " post\t", "m", "85123A", None, "Dot", "22423", "M", "85123A"]
    names = ["MUG", "Postage", "MUG", "MUG", "BANK CHARGES ", "MUG", None, "M", "mug", "运费"]
    expected = [False, True, True, True, True, False, True, False, True, True]
    con = ibis.duckdb.connect()
    table = con.create_table("lines", pd.DataFrame({"code": codes, "name": names, "customer": range(10)}))
    raw = {"sku": table.code, "product": table.name}
    negative_keys, listable = _quick._sample_facts(table, {"customer_id_raw": table.customer, "raw": raw})
    assert negative_keys and listable == (frozenset() if caps == ("DISTINCT_CAP", 1) else {"sku", "product"})
    listed = _quick.non_product(table, raw, IngestOptions(), listable)
    per_row = rules.non_product_expr(raw, IngestOptions())
    got = table.select(listed=listed, per_row=per_row).to_pandas()
    assert got["listed"].tolist() == expected and got["per_row"].tolist() == expected
    sql = ibis.to_sql(table.select(listed=listed))
    assert ("UPPER(" in sql.upper()) == bool(caps)  # the lists test raw cells: nothing upper-cased per row
