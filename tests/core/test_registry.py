"""The one column registry: every column a list, summary or table can produce is labelled in both languages,
and the workbook's number formats are the registry's."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from crm_core import columns, export, pipeline
from crm_core.export import ListOptions, ListRequest
from crm_core.segment import rfm

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "orders_zh.csv"
CJK = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def loaded():
    return pipeline.load(SAMPLE.read_bytes(), SAMPLE.name)


@pytest.fixture(scope="module")
def scored(loaded):
    return pipeline.rfm_scores(loaded.result)


def produced_columns(scored) -> set[str]:
    """Every canonical column the customer table, the scores, the lists, the summaries and the excluded-rows
    table can carry."""
    built = pipeline.build_lists(scored, ListRequest(rfm.SCHEME_11, options=ListOptions(include_contact=True)))
    assert built.rows  # the lists were really built
    return (set(scored.columns) | set(pipeline.RFM_LIST_COLUMNS) | set(rfm.SUMMARY_COLUMNS)
            | {"segment_name", "in_list", "left_out_opted_out", "excluded_reason", "row", "detail"})


def test_every_produced_column_has_both_labels(scored):
    for name in produced_columns(scored):
        entry = columns.column(name)
        assert entry is not None, name
        assert entry.en and not CJK.search(entry.en), name  # English words only in English
        assert CJK.search(entry.zh), name  # Chinese text in Chinese
        assert entry.kind in columns.KINDS, name


def test_every_header_of_a_written_list_and_summary_comes_from_the_registry(scored, loaded):
    request = ListRequest(rfm.SCHEME_11, columns=pipeline.rfm_list_columns(scored),
                          options=ListOptions(lang="zh", include_contact=True))
    built = pipeline.build_lists(scored, request)
    labels_zh = {entry.zh for entry in columns.REGISTRY.values()}
    for frame in (built.summary, *built.sheets.values()):
        assert set(frame.columns) <= labels_zh
    excluded = export.excluded_rows_table(loaded.result.report, "zh")
    assert list(excluded.columns[:3]) == ["排除原因", "文件中的行号", "详情"]


def test_the_workbook_number_formats_are_the_registry_ones(scored):
    request = ListRequest(rfm.SCHEME_11, columns=("customer_id", "recency_days", "frequency", "monetary",
                                                  "avg_order_value", "last_order_date", "rfm_code"))
    book = openpyxl.load_workbook(io.BytesIO(pipeline.to_workbook(pipeline.build_lists(scored, request))))
    by_label = {entry.en: name for name, entry in columns.REGISTRY.items()}
    checked = set()
    for ws in book.worksheets:
        header_row = 1 if ws["A1"].font.b else 2  # a summary note takes row 1
        for header, cell in zip(ws[header_row], ws[header_row + 1], strict=True):
            name = by_label[header.value]
            expected = columns.excel_format(name) or "General"
            if name == "last_order_date":
                assert expected == "yyyy-mm-dd"
            assert cell.number_format == expected, (ws.title, name)
            checked.add(name)
    # money, count, mean, percent and date columns were all met, so each kind's format was checked
    assert {"monetary", "avg_order_value", "revenue", "customers", "recency_days", "avg_frequency",
            "customer_share", "revenue_share", "last_order_date", "rfm_code"} <= checked
    assert columns.excel_format("monetary") == "#,##0.00" and columns.excel_format("customers") == "#,##0"
    assert columns.excel_format("revenue_share") == "0.0%" and columns.excel_format("rfm_code") is None


def test_adding_a_column_is_one_registry_line(monkeypatch, scored):
    monkeypatch.setitem(columns.REGISTRY, "points", columns.Column("points", "Loyalty points", "积分", "money"))
    assert export.column_label("points", "zh") == "积分"
    request = ListRequest(rfm.SCHEME_11, columns=("customer_id", "points"))
    built = pipeline.build_lists(scored.assign(points=1.5), request)
    ws = openpyxl.load_workbook(io.BytesIO(pipeline.to_workbook(built))).worksheets[1]
    assert [c.value for c in ws[1]] == ["Customer ID", "Loyalty points"]
    assert ws["B2"].value == 1.5 and ws["B2"].number_format == "#,##0.00"


def test_the_app_formats_come_from_the_registry(monkeypatch):
    from ui import fmt

    monkeypatch.setattr(fmt, "lang", lambda: "zh")
    configs = fmt.table_config(["monetary", "customer_share", "frequency", "avg_frequency", "last_order_date",
                                "reason"], "¥")
    assert configs["monetary"]["label"] == "消费总额" and configs["monetary"]["type_config"]["format"] == "yen"
    assert configs["customer_share"]["type_config"]["format"] == "%.1f%%"
    assert configs["frequency"]["type_config"]["format"] == "localized"
    assert configs["avg_frequency"]["type_config"]["format"] == "%.1f"
    assert configs["last_order_date"]["type_config"] == {"type": "date", "format": "YYYY-MM-DD", "min_value": None,
                                                         "max_value": None, "step": None}
    assert configs["reason"]["width"] == "large"
    assert fmt.percent_for_display(pd.DataFrame({"revenue_share": [0.25]}))["revenue_share"][0] == 25
