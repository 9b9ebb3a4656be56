"""The Excel report: a Contents sheet, one sheet per section, headers in the report's language, number formats,
user text that looks like a formula kept as text."""

from __future__ import annotations

import io

import openpyxl
import pytest
from report_fixtures import FORMULA_PRODUCT, SCRIPT_NAME, hostile_report

from crm_core.measure.report_xlsx import report_xlsx


@pytest.fixture(scope="module")
def books():
    out = {}
    for lang in ("en", "zh"):
        report = hostile_report(lang)
        out[lang] = (report, openpyxl.load_workbook(io.BytesIO(report_xlsx(report))))
    return out


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_contents_then_a_sheet_per_section(books):
    report, book = books["zh"]
    assert book.sheetnames[0] == "目录" and book.sheetnames[-1] == "分析设置"
    contents = _rows(book["目录"])
    assert contents[0][0] == "客户分析报告" and contents[1] == ("部分", "状态", "工作表", "说明")
    listed = contents[2:2 + len(report.sections)]
    assert [r[0] for r in listed] == [f"{i}. {s.title}" for i, s in enumerate(report.sections, 1)]
    for row, section in zip(listed, report.sections, strict=True):
        assert row[2] in book.sheetnames and row[2] == section.title[:31]
        assert row[1] == ("未包含" if section.skipped else "已包含")
    campaign = dict((r[0], r) for r in listed)["6. 营销活动效果"]
    assert campaign[1] == "未包含" and "活动效果" in campaign[3]  # no outcomes given: says why


def test_section_sheets_hold_the_tables_in_the_language(books):
    report, book = books["zh"]
    segments = _rows(book["RFM 客户分群"])
    assert segments[0][0].startswith("RFM 客户分群")
    assert segments[1][:3] == ("分群", "客户数", "客户占比")
    table = report.section("segments").tables[0].frame
    assert [r[1] for r in segments[2:2 + len(table)]] == table["客户数"].tolist()
    sheet = book["RFM 客户分群"]
    assert sheet["C3"].number_format == "0.0%" and sheet["B3"].number_format == "#,##0"
    assert sheet["D3"].number_format == "#,##0.00"
    notes = [r for r in segments if r[0] == "说明"]
    assert notes and notes[0][1] == report.section("segments").paragraphs[0]
    en = books["en"][1]
    assert _rows(en["RFM segments"])[1][:3] == ("Segment", "Customers", "Share of customers")


def test_formula_text_stays_text(books):
    for _, book in books.values():
        cells = [c for ws in book for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("=")]
        assert any(FORMULA_PRODUCT in c.value for c in cells)
        assert all(c.data_type == "s" and c.quotePrefix for c in cells)
        names = [c.value for ws in book for row in ws.iter_rows() for c in row if c.value == SCRIPT_NAME]
        assert names  # personal data asked for: the name as typed, as text


def test_settings_and_sources_sheet(books):
    report, book = books["en"]
    rows = _rows(book["Analysis settings"])
    assert rows[1] == ("Setting", "Value")
    assert rows[2:2 + len(report.settings_rows)] == [tuple(r) for r in report.settings_rows]
    assert ("orders_zh.csv", "0123456789abcdef" * 4) in rows
