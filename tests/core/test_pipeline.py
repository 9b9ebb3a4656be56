"""The list pipeline: one ListRequest built once, written as CSV and as a workbook; the CSV's content by hand."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from crm_core import export, pipeline
from crm_core.export import ListOptions, ListRequest
from crm_core.segment import rfm

SCHEME = rfm.SCHEMES["4"]


def scored_table() -> pd.DataFrame:
    """Four scored customers by hand: C2 and C1 high value (C2 listed first but spends less), C3 and C4 potential
    (C3 opted out)."""
    return pd.DataFrame({
        "customer_id": ["C2", "C1", "C3", "C4"],
        "segment": ["high_value", "high_value", "potential", "potential"],
        "recency_days": [3, 1, 40, 50], "frequency": [3, 5, 2, 1],
        "monetary": [300.0, 500.0, 80.0, 20.0], "avg_order_value": [100.0, 100.0, 40.0, 20.0],
        "r_score": [4, 5, 2, 1], "f_score": [4, 5, 2, 1], "m_score": [4, 5, 2, 1],
        "rfm_code": ["444", "555", "222", "111"],
        "last_order_date": pd.to_datetime(["2025-03-28", "2025-03-30", "2025-02-19", "2025-02-09"]),
        "city": [None, "上海", "北京", "北京"],
        "opted_out": pd.array([False, False, True, False], dtype="boolean"),
    })


def csv_rows(data: bytes) -> list[str]:
    """The CSV as its lines (BOM checked and removed, CRLF line ends checked)."""
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8")[1:]
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.split("\r\n")[:-1]


def test_csv_columns_rows_per_segment_and_values_by_hand():
    columns = ("customer_id", "segment_name", "recency_days", "frequency", "monetary", "last_order_date", "reason")
    request = ListRequest(SCHEME, columns=columns, options=ListOptions(lang="en"), currency="$")
    assert csv_rows(pipeline.rfm_csv_bytes(scored_table(), request)) == [
        '"Customer ID","Segment","Days since last order","Orders","Total spend","Last order","Reason"',
        # high value: biggest spender first; potential: C3 opted out, so C4 alone
        '"C1","High value","1","5","500","2025-03-30","Last order 1 day ago · 5 orders · spent $500 (R5 F5 M5)"',
        '"C2","High value","3","3","300","2025-03-28","Last order 3 days ago · 3 orders · spent $300 (R4 F4 M4)"',
        '"C4","Potential","50","1","20","2025-02-09","Last order 50 days ago · 1 order · spent $20 (R1 F1 M1)"',
    ]


def test_csv_puts_the_segment_first_when_the_lists_lack_it_and_follows_the_language():
    request = ListRequest(SCHEME, segments=("potential",), columns=("customer_id", "monetary", "city"),
                          options=ListOptions(lang="zh", include_opted_out=True))
    assert csv_rows(pipeline.rfm_csv_bytes(scored_table(), request)) == [
        '"客户分群","客户编号","消费总额","城市"',
        '"潜力客户","C3","80","北京"',
        '"潜力客户","C4","20","北京"',
    ]


def test_no_list_gives_an_empty_csv():
    everyone_opted_out = scored_table().assign(opted_out=True)
    assert pipeline.rfm_csv_bytes(everyone_opted_out, ListRequest(SCHEME)) == "\ufeff".encode()


def test_one_build_writes_both_files_with_the_same_customers():
    built = pipeline.build_lists(scored_table(), ListRequest(SCHEME, columns=("customer_id", "monetary")))
    assert list(built.sheets) == ["High value", "Potential"] and built.rows == 3
    assert built.listed == {"high_value": 2, "potential": 1} and built.left_out == {"high_value": 0, "potential": 1}
    book = openpyxl.load_workbook(io.BytesIO(pipeline.to_workbook(built)))
    assert book.sheetnames == ["Summary", "High value", "Potential"]
    in_book = [row[0] for name in ("High value", "Potential")
               for row in book[name].iter_rows(min_row=2, values_only=True)]
    in_csv = [line.split(",")[1].strip('"') for line in csv_rows(pipeline.to_csv(built))[1:]]
    assert in_book == in_csv == ["C1", "C2", "C4"]


def test_a_list_request_is_hashable_and_normalises_lists_to_tuples():
    request = ListRequest(SCHEME, segments=["potential"], columns=["customer_id"])
    assert request == ListRequest(SCHEME, segments=("potential",), columns=("customer_id",))
    assert hash(request) == hash(ListRequest(SCHEME, segments=("potential",), columns=("customer_id",)))
    assert request.chosen() == ("potential",) and ListRequest(SCHEME).chosen() == SCHEME.segments()
    assert isinstance(pipeline.build_lists(scored_table(), request), export.BuiltLists)


def test_the_entry_points_give_arrow_jemalloc_or_the_system_allocator():
    import pyarrow as pa

    name = pipeline.use_fast_memory_pool()
    assert name in ("jemalloc", "system")
    assert pa.default_memory_pool().backend_name == name
    # Arrow buffers made afterwards come from that pool.
    before = pa.default_memory_pool().bytes_allocated()
    buffer = pa.array(["x" * 1000] * 100)
    assert pa.default_memory_pool().bytes_allocated() > before
    del buffer
