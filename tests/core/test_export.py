"""Exports read back byte for byte: workbooks with openpyxl and pandas, CSV with the csv module."""

from __future__ import annotations

import builtins
import csv
import io
import os
import re
import unicodedata
import zipfile
from datetime import date, datetime, time
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from crm_core import export
from crm_core.columns import REGISTRY
from crm_core.export import writers  # noqa: F401  (export.writers below)
from crm_core.export.writers import (
    ColumnFormat,
    ListOptions,
    campaign_list,
    column_label,
    mask_email,
    mask_name,
    mask_phone,
    neutralise,
    to_csv_bytes,
    to_excel_bytes,
    valid_sheet_names,
)
from crm_core.schema import DataError

TRIGGERS = "=+-@\t\r\n"


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


# --- neutralise ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("\n=1", "'\n=1"), ("＝1+1", "'＝1+1"), ("＋1", "'＋1"), ("－1", "'－1"), ("＠x", "'＠x"),
    ("﹦1", "'﹦1"),  # small equals sign, NFKC "="
    ("\x01=1", "'=1"),  # the control character goes first, exposing the "="
    ("a=b", "a=b"), ("1-2", "1-2"), ("'=1", "'=1"), ("", ""), ("张三", "张三"),
])
def test_neutralise_prefixes_text_that_starts_like_a_formula(text, expected):
    assert neutralise(pd.DataFrame({"c": [text]}))["c"].tolist() == [expected]


def test_neutralise_leaves_non_text_alone_and_does_not_mutate():
    day = pd.Timestamp("2024-01-05")
    df = pd.DataFrame({"n": [-5, 3], "f": [-1.5, np.nan], "d": [day, pd.NaT], "b": [True, False],
                       "mixed": [-5, "=x"], "cat": pd.Categorical(["=a", "b"])})
    out = neutralise(df)
    assert out["n"].tolist() == [-5, 3] and out["n"].dtype == "int64"
    assert out["f"].iloc[0] == -1.5 and np.isnan(out["f"].iloc[1])
    assert out["d"].iloc[0] == day and out["b"].tolist() == [True, False]
    assert out["mixed"].tolist() == [-5, "'=x"] and out["cat"].tolist() == ["'=a", "b"]
    assert df["mixed"].tolist() == [-5, "=x"] and df["cat"].tolist() == ["=a", "b"]


def test_neutralise_strips_every_character_openpyxl_refuses():
    refused = [chr(c) for c in range(0x20) if ILLEGAL_CHARACTERS_RE.match(chr(c))]
    assert len(refused) == 29
    texts = [f"a{ch}b" for ch in refused] + ["a\tb\nc\rd", "x\ud800\uffffy"]  # object: arrow cannot hold U+D800
    out = neutralise(pd.DataFrame({"c": pd.Series(texts, dtype=object)}))
    assert out["c"].tolist() == ["ab"] * 29 + ["a\tb\nc\rd", "xy"]


# --- masking -------------------------------------------------------------------------------------

def test_mask_phone_keeps_first_three_and_last_four_digits():
    phones = pd.Series(["13812345678", "+86 138-1234-5678", "138 1234 5678", "１３８１２３４５６７８", 13812345678.0,
                        "1234567", "12", None, np.nan], index=list("abcdefghi"), name="phone", dtype=object)
    out = mask_phone(phones)
    assert out.tolist()[:7] == ["138****5678", "+86 1**-****-5678", "138 **** 5678", "138****5678", "138****5678",
                                "*****67", "**"]
    assert out.iloc[7:].isna().all() and list(out.index) == list("abcdefghi") and out.name == "phone"


def test_mask_email_and_name():
    emails = pd.Series(["zhang.san@example.com", " A@b.cn ", "no-at-sign", "a@b@c.com", None])
    assert mask_email(emails).tolist()[:4] == ["z***@example.com", "A***@b.cn", "n***", "a***@c.com"]
    names = pd.Series(["张三", "张三丰", "Alice Smith", "欧阳娜娜", "  Bob ", "张", None])
    out = mask_name(names)
    assert out.tolist()[:6] == ["张*", "张**", "A**** S****", "欧***", "B**", "张"]
    assert pd.isna(out.iloc[6]) and pd.isna(mask_email(emails).iloc[4])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.characters(categories=["Nd"]), st.text(max_size=2)), min_size=8, max_size=20))
def test_mask_phone_property(parts):
    text = "".join(d + sep for d, sep in parts)
    normal = unicodedata.normalize("NFKC", text).strip()
    digits = [i for i, ch in enumerate(normal) if ch.isdecimal()]
    assume(len(digits) >= 8)
    out = mask_phone(pd.Series([text])).iloc[0]
    assert len(out) == len(normal)
    kept = set(digits[:3] + digits[-4:])
    for i, ch in enumerate(normal):
        assert out[i] == (ch if i in kept or i not in digits else "*")
    assert sum(ch.isdecimal() for ch in out) == 7


# --- Excel ---------------------------------------------------------------------------------------

def test_sheet_names_are_made_valid_and_unique():
    names = ["A/B:C", "x" * 40, "Data", "data", "", "'quoted'", "History", "a[1]*?\\", "x" * 40]
    assert valid_sheet_names(names) == [
        "A_B_C", "x" * 31, "Data", "data (2)", "Sheet5", "quoted", "History_", "a_1____", "x" * 27 + " (2)",
    ]
    data = to_excel_bytes({"A/B:C": pd.DataFrame({"a": [1]}), "a/b:c": pd.DataFrame({"a": [2]})})
    assert workbook(data).sheetnames == ["A_B_C", "a_b_c (2)"]


SALES = pd.DataFrame({
    "customer_id": ["C001", "C002", "C003"],
    "city": ["上海市浦东新区张江镇", "北京", None],
    "monetary": [1234567.891, -5.0, 0.5],
    "frequency": [3, 12, 1],
    "share": [0.125, 0.5, 0.375],
    "last_order_date": pd.to_datetime(["2024-01-05", "2024-02-29", None]),
})
SALES_FORMATS = ColumnFormat(money=("monetary",), integer=("frequency",), percent=("share",), date=("last_order_date",))


def test_workbook_layout_formats_and_values():
    ws = workbook(to_excel_bytes({"Sales": SALES}, formats=SALES_FORMATS))["Sales"]
    assert [c.value for c in ws[1]] == list(SALES.columns) and all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F4"
    assert [c.number_format for c in ws[2]] == ["General", "General", "#,##0.00", "#,##0", "0.0%", "yyyy-mm-dd"]
    assert [c.value for c in ws[2]] == ["C001", "上海市浦东新区张江镇", 1234567.891, 3, 0.125, datetime(2024, 1, 5)]
    assert ws["C3"].value == -5 and ws["C3"].data_type == "n" and ws["B4"].value is None and ws["F4"].value is None
    # widths: 8 minimum; header + 4; widest value + 2, CJK counted double ("1,234,567.89" is 12 wide)
    widths = {k: ws.column_dimensions[k].width for k in "ABCDEF"}
    assert widths == {"A": 15.0, "B": 22.0, "C": 14.0, "D": 13.0, "E": 9.0, "F": 19.0}


def test_money_stays_numeric_and_chinese_round_trips_through_pandas():
    data = to_excel_bytes({"销售": SALES}, formats=SALES_FORMATS)
    for engine in ("openpyxl", "calamine"):
        back = pd.read_excel(io.BytesIO(data), sheet_name="销售", engine=engine)
        assert back["monetary"].tolist() == [1234567.891, -5.0, 0.5]
        assert back["city"].iloc[:2].tolist() == ["上海市浦东新区张江镇", "北京"]
        assert back["last_order_date"].iloc[1] == pd.Timestamp("2024-02-29")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "\n=1", "＝1+1", "＋1", "－1", "＠x",
                                  "+86 138 1234 5678"])
def test_formula_like_text_comes_back_unchanged_as_quote_prefixed_text(text):
    ws = workbook(to_excel_bytes({"s": pd.DataFrame({"v": [text, -5, "a=b"]})}))["s"]
    # The value has no apostrophe; the style's quotePrefix keeps it text when someone edits the cell.
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix) == (text, "s", True)
    assert (ws["A3"].value, ws["A3"].data_type, ws["A3"].quotePrefix) == (-5, "n", False)
    assert (ws["A4"].value, ws["A4"].quotePrefix) == ("a=b", False)


def test_unmasked_phone_reads_back_exactly_with_openpyxl_and_calamine():
    phones = pd.DataFrame({"phone": ["+86 138 1234 5678", "=1+1"]})
    data = to_excel_bytes({"s": phones})
    for engine in ("openpyxl", "calamine"):
        back = pd.read_excel(io.BytesIO(data), sheet_name="s", engine=engine, dtype=str)
        assert back["phone"].tolist() == ["+86 138 1234 5678", "=1+1"]
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    assert styles.count('quotePrefix="1"') == 3  # plain, bold header and italic note forms
    # The CSV keeps the neutralising apostrophe: a CSV has no cell types to keep text text.
    assert csv_rows(to_csv_bytes(phones))[1:] == [["'+86 138 1234 5678"], ["'=1+1"]]


def test_headers_and_notes_are_neutralised_too():
    data = to_excel_bytes({"s": pd.DataFrame({"=cmd": [1]})}, title_notes={"s": "=HYPERLINK()"})
    ws = workbook(data)["s"]
    assert (ws["A1"].value, ws["A1"].font.i, ws["A1"].quotePrefix) == ("=HYPERLINK()", True, True)
    assert (ws["A2"].value, ws["A2"].font.b, ws["A2"].quotePrefix, ws["A3"].value) == ("=cmd", True, True, 1)
    assert ws["A1"].data_type == ws["A2"].data_type == "s"
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:A3"
    with pytest.raises(ValueError, match="not exported: t"):
        to_excel_bytes({"s": pd.DataFrame({"a": [1]})}, title_notes={"t": "x"})


def test_awkward_values():
    df = pd.DataFrame({
        "big": pd.Series([12345678901234567, 123456789012345], dtype="int64"),
        "inf": [np.inf, -np.inf],
        "when": pd.to_datetime(["2024-03-01 13:45:00", "2024-03-02"], format="ISO8601").tz_localize("Asia/Shanghai"),
        "long": ["x" * 40_000, "😀" * 20_000],
        "cr": ["a\rb", "x\r\ny"],
        "objects": pd.Series([date(2024, 1, 5), time(13, 45)], dtype=object),
    })
    ws = workbook(to_excel_bytes({"s": df}))["s"]
    assert (ws["A2"].value, ws["A2"].data_type, ws["A3"].value) == ("12345678901234567", "s", 123456789012345)
    assert ws["B2"].value == "∞" and (ws["B3"].value, ws["B3"].quotePrefix) == ("-∞", True)
    assert ws["C2"].value == datetime(2024, 3, 1, 13, 45) and ws["C2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["D2"].value == "x" * 32_767 and ws["D3"].value == "😀" * 16_383  # 32,767 UTF-16 units at most
    assert ws["E2"].value == "a\rb" and ws["E3"].value == "x\r\ny"
    assert (ws["F2"].value, ws["F2"].number_format, ws["F3"].value) == (datetime(2024, 1, 5), "yyyy-mm-dd", "13:45:00")


def test_workbook_package_is_well_formed():
    data = to_excel_bytes({"Bob's list & <more>": pd.DataFrame({"a": [1, 2]}), "empty": pd.DataFrame()})
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                  "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"]
    for part in archive.namelist():
        ElementTree.fromstring(archive.read(part))  # raises on malformed XML
    assert "'Bob''s list &amp; &lt;more&gt;'!$A$1:$A$3" in archive.read("xl/workbook.xml").decode()
    assert workbook(data).sheetnames == ["Bob's list & <more>", "empty"]


def test_index_columns_and_empty_frames():
    named = pd.DataFrame({"m": [1.5]}, index=pd.Index(["C9"], name="customer_id"))
    data = to_excel_bytes({"named": named, "plain": pd.DataFrame({"m": [2]}, index=[7]),
                           "header_only": pd.DataFrame({"a": [], "b": []}), "nothing": pd.DataFrame()})
    wb = workbook(data)
    assert list(wb["named"].values) == [("customer_id", "m"), ("C9", 1.5)]
    assert list(wb["plain"].values) == [("m",), (2,)]
    assert list(wb["header_only"].values) == [("a", "b")] and wb["header_only"].auto_filter.ref == "A1:B1"
    assert wb["nothing"].max_row == 1 and wb["nothing"]["A1"].value is None
    with pytest.raises(ValueError, match="at least one sheet"):
        to_excel_bytes({})


def test_too_many_rows_is_refused_before_writing(monkeypatch):
    monkeypatch.setattr(export.writers, "EXCEL_MAX_ROWS", 3)
    three, four = pd.DataFrame({"a": range(3)}), pd.DataFrame({"a": range(4)})
    assert workbook(to_excel_bytes({"ok": three}))["ok"].max_row == 4
    with pytest.raises(DataError, match=r"Sheet big_1 would have 4 rows, more than Excel's") as caught:
        to_excel_bytes({"ok": three, "big/1": four})
    assert caught.value.code == "too_many_rows_xlsx" and caught.value.params == {"sheet": "big_1", "rows": 4}
    with pytest.raises(DataError, match="would have 3 rows"):  # the note takes one of the rows
        to_excel_bytes({"ok": three}, title_notes={"ok": "note"})


def test_exports_never_touch_the_disk(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("export opened a file")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(os, "open", refuse)
    assert to_excel_bytes({"s": SALES}).startswith(b"PK\x03\x04")
    assert to_csv_bytes(SALES).startswith(b"\xef\xbb\xbf")


# --- CSV -----------------------------------------------------------------------------------------

def test_csv_bytes_exactly():
    df = pd.DataFrame({"id": ["C1", "=1+1"], "amount": [0.1 + 0.2, -5.0], "day": pd.to_datetime(["2024-01-05", None]),
                       "城市": ["上海", None]})
    expected = '\ufeff"id","amount","day","城市"\r\n"C1","0.3","2024-01-05","上海"\r\n"\'=1+1","-5","",""\r\n'
    assert to_csv_bytes(df) == expected.encode("utf-8")


def test_csv_survives_read_back():
    df = pd.DataFrame({"text": ["a\rb", "x\ny", "\r=1", "张三丰"], "n": [1e20, 1234567.0, 2.5, -5],
                       "at": pd.to_datetime(["2024-01-05 13:45", "2024-01-06", None, "2024-01-07"], format="ISO8601")})
    rows = csv_rows(to_csv_bytes(df))
    assert rows == [["text", "n", "at"], ["a\rb", "1e+20", "2024-01-05 13:45:00"],
                    ["x\ny", "1234567", "2024-01-06 00:00:00"], ["'\r=1", "2.5", ""],
                    ["张三丰", "-5", "2024-01-07 00:00:00"]]
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["text"].tolist() == ["a\rb", "x\ny", "'\r=1", "张三丰"]
    assert to_csv_bytes(pd.DataFrame()) == b"\xef\xbb\xbf"


# --- campaign lists ------------------------------------------------------------------------------

CUSTOMERS = pd.DataFrame(
    {"name": ["张三", "Alice Smith", "李四"], "phone": ["13812345678", "13900001111", None],
     "email": ["zhang@example.com", "alice@example.com", None], "city": ["上海", "London", "北京"],
     "monetary": [100.0, 250.5, 80.0], "opted_out": pd.array([False, True, pd.NA], dtype="boolean")},
    index=pd.Index(["C1", "C2", "C3"], name="customer_id"),
)
LIST_COLUMNS = ["customer_id", "name", "phone", "email", "city", "monetary", "opted_out"]


def test_campaign_list_defaults_leave_out_contacts_and_opted_out():
    built = campaign_list(CUSTOMERS, columns=LIST_COLUMNS)
    assert (built.opted_out_excluded, built.rows) == (1, 2)
    assert list(built.frame.columns) == ["Customer ID", "City", "Total spend", "Opted out"]
    assert built.frame["Customer ID"].tolist() == ["C1", "C3"] and list(built.frame.index) == [0, 1]
    assert CUSTOMERS.index.tolist() == ["C1", "C2", "C3"] and "customer_id" not in CUSTOMERS.columns


def test_campaign_list_contacts_masked_unless_asked():
    masked = campaign_list(CUSTOMERS, columns=LIST_COLUMNS[:4], options=ListOptions(include_contact=True))
    assert masked.frame.fillna("<missing>").to_dict("list") == {
        "Customer ID": ["C1", "C3"], "Name": ["张*", "李*"], "Phone": ["138****5678", "<missing>"],
        "Email": ["z***@example.com", "<missing>"]}
    plain = campaign_list(CUSTOMERS, columns=["phone"], options=ListOptions(include_contact=True, mask_personal=False,
                                                                            include_opted_out=True, lang="zh"))
    assert (plain.opted_out_excluded, plain.rows) == (0, 3)
    assert list(plain.frame.columns) == ["手机号"]
    assert plain.frame["手机号"].tolist()[:2] == ["13812345678", "13900001111"]


def test_campaign_list_columns():
    no_phone = CUSTOMERS.drop(columns=["phone"]).assign(segment_name="Champions", custom_col=1)
    built = campaign_list(no_phone, columns=["segment_name", "phone", "custom_col"],
                          options=ListOptions(include_contact=True, lang="zh"))
    assert list(built.frame.columns) == ["客户分群", "custom_col"]
    with pytest.raises(ValueError, match="no column offer"):
        campaign_list(CUSTOMERS, columns=["customer_id", "offer"])
    with pytest.raises(ValueError, match="opted_out must be boolean"):
        campaign_list(CUSTOMERS.assign(opted_out=["no", "yes", "no"]), columns=["customer_id"])


def test_campaign_list_leaves_out_a_column_with_no_data():
    customers = CUSTOMERS.assign(channel=None, gender=["", " ", None], city=[None, None, "北京"])
    built = campaign_list(customers, columns=["customer_id", "channel", "gender", "city", "monetary"])
    # channel: None on every row; gender: blank text only; city has one value among the listed (C1, C3).
    assert list(built.frame.columns) == ["Customer ID", "City", "Total spend"]
    kept = campaign_list(customers, columns=["customer_id", "channel", "city"],
                         options=ListOptions(drop_empty_columns=False))
    assert list(kept.frame.columns) == ["Customer ID", "Channel", "City"]
    nobody = campaign_list(customers.assign(opted_out=True), columns=["customer_id", "channel"])
    # An empty list keeps its header.
    assert nobody.rows == 0 and list(nobody.frame.columns) == ["Customer ID", "Channel"]


def test_has_data():
    assert not export.has_data(pd.Series([None, np.nan], dtype=object))
    assert not export.has_data(pd.Series(["", "  "], dtype="str"))
    assert export.has_data(pd.Series([None, "x"])) and export.has_data(pd.Series([0.0, np.nan]))
    assert not export.has_data(pd.Series([], dtype="float64"))


def test_customer_id_that_is_an_email_or_phone_is_masked():
    shop = pd.DataFrame(
        {"monetary": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]},
        index=pd.Index(["zhang.san@example.com", "13812345678", "+44 20 7946 0958", "C001", "00012345",
                        "138-1234-5678"], name="customer_id"),
    )
    masked = campaign_list(shop, columns=["customer_id", "monetary"]).frame["Customer ID"].tolist()
    assert masked == ["z***@example.com", "138****5678", "+44 2* **** 0958", "C001", "00012345", "138-****-5678"]
    plain = campaign_list(shop, columns=["customer_id"], options=ListOptions(mask_personal=False))
    assert plain.frame["Customer ID"].tolist() == list(shop.index)
    assert export.mask_identifier(pd.Series(["a@b.cn", None])).tolist()[0] == "a***@b.cn"


class _Report:
    """The two attributes excluded_rows_table reads, hand-made."""

    def __init__(self, excluded: pd.DataFrame) -> None:
        self.excluded = excluded


def test_excluded_rows_table_shows_reasons_in_words():
    excluded = pd.DataFrame({
        "row": [3, 7, 9], "reason": ["nonpositive_price", "status", "missing_customer"],
        "detail": ["-2", "已取消", None], "Customer": ["C1", "C2", None], "Price": ["-2", "5", "6"],
    })
    en = export.excluded_rows_table(_Report(excluded), "en")
    assert list(en.columns) == ["Why excluded", "Row in file", "Detail", "Customer", "Price"]
    assert en["Why excluded"].tolist() == ["zero or negative price", "order status 已取消", "no customer id"]
    assert en["Row in file"].tolist() == [3, 7, 9] and en["Customer"].tolist()[:2] == ["C1", "C2"]
    zh = export.excluded_rows_table(_Report(excluded), "zh")
    assert list(zh.columns[:3]) == ["排除原因", "文件中的行号", "详情"]
    assert zh["排除原因"].tolist() == ["单价为零或负数", "订单状态为 已取消", "缺少客户编号"]
    rows = csv_rows(to_csv_bytes(zh))
    assert rows[1][:3] == ["单价为零或负数", "3", "'-2"] and rows[3][2] == ""  # the CSV neutralising rule
    empty = export.excluded_rows_table(_Report(excluded.iloc[:0]), "en")
    assert list(empty.columns) == ["Why excluded", "Row in file", "Detail", "Customer", "Price"] and empty.empty


def test_column_labels():
    required = ["customer_id", "name", "phone", "email", "gender", "city", "segment", "segment_name", "r_score",
                "f_score", "m_score", "rfm_code", "recency_days", "frequency", "orders_per_year", "monetary",
                "avg_order_value", "first_order_date", "last_order_date", "channel", "offer", "suggested_channel",
                "reason", "opted_out", "in_list", "left_out_opted_out", "excluded_reason", "row", "detail"]
    assert set(required) <= set(REGISTRY)
    for name, entry in REGISTRY.items():
        assert entry.en and entry.zh and entry.en != entry.zh, name
    assert (column_label("opted_out", "en"), column_label("opted_out", "zh")) == ("Opted out", "已退订")
    assert column_label("monetary", "fr") == "Total spend" and column_label("whatever", "zh") == "whatever"
    assert ColumnFormat(money=("monetary",)).code_for("消费总额") == "#,##0.00"


# --- properties ----------------------------------------------------------------------------------

def expected_kept(text: str) -> tuple[str, bool]:
    """Written independently of the module: drop what XML 1.0 cannot hold; does it start like a formula?"""
    kept = "".join(ch for ch in text if ch in "\t\n\r" or (ch >= " " and ch not in "\ufffe\uffff"))
    starts = bool(kept[:1]) and (kept[0] in TRIGGERS or unicodedata.normalize("NFKC", kept[0])[0] in TRIGGERS)
    return kept, starts


def expected_text(text: str) -> str:
    """The CSV rule: a formula start gets a leading apostrophe."""
    kept, starts = expected_kept(text)
    return "'" + kept if starts else kept


FRAMES = data_frames(
    columns=[column("text", elements=st.text(max_size=12)),
             column("other", elements=st.text(alphabet="=+-@＝\t\r\n\x01\x1f\ufffe\uffff ab")),
             column("number", elements=st.floats(allow_nan=True, allow_infinity=False)),
             column("count", elements=st.integers(-10**6, 10**6))],
    index=range_indexes(min_size=1, max_size=8),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRAMES)
def test_no_exported_text_starts_like_a_formula(df):
    ws = workbook(to_excel_bytes({"s": df}))["s"]
    for row_number, row in enumerate(ws.iter_rows(min_row=2), start=0):
        for cell, name in zip(row, df.columns, strict=True):
            assert cell.data_type != "f"
            source = df[name].iloc[row_number]
            if isinstance(source, str):
                kept, starts = expected_kept(source)
                assert (cell.value or "") == kept
                assert cell.quotePrefix is starts
                if kept:
                    assert cell.data_type == "s"
            elif name == "count":
                assert cell.value == source
    rows = csv_rows(to_csv_bytes(df))
    for values, (_, source) in zip(rows[1:], df.iterrows(), strict=True):
        for field, name in zip(values, df.columns, strict=True):
            if name in ("text", "other"):
                assert field == expected_text(source[name])
                assert not re.match(r"[=+\-@\t\r\n]", field)


# --- segment lists (pipeline) --------------------------------------------------------------------

def scored_table() -> pd.DataFrame:
    """Five scored customers by hand: three high value (one opted out), two potential (both opted out)."""
    from crm_core.segment import rfm

    return pd.DataFrame(
        {"segment": ["high_value", "high_value", "high_value", "potential", "potential"],
         "recency_days": [1, 2, 3, 40, 50], "frequency": [5, 4, 3, 2, 1],
         "monetary": [500.0, 400.0, 300.0, 80.0, 20.0], "avg_order_value": [100.0, 100.0, 100.0, 40.0, 20.0],
         "r_score": [5, 5, 4, 2, 1], "f_score": [5, 4, 4, 2, 1], "m_score": [5, 5, 4, 2, 1],
         "rfm_code": ["555", "545", "444", "222", "111"],
         "last_order_date": pd.to_datetime(["2025-03-30", "2025-03-29", "2025-03-28", "2025-02-19", "2025-02-09"]),
         "channel": [None] * 5, "city": ["上海", None, None, "北京", None],
         "opted_out": pd.array([False, True, False, True, True], dtype="boolean")},
        index=pd.Index(["a@shop.com", "C2", "C3", "C4", "C5"], name="customer_id"),
    ).reset_index(), rfm.SCHEMES["4"]


def test_segment_lists_count_opted_out_per_segment_and_drop_empty_columns():
    from crm_core import pipeline

    scored, scheme = scored_table()
    built = pipeline.build_lists(scored, export.ListRequest(scheme, options=ListOptions(lang="en")))
    sheets, summary = built.sheets, built.summary
    assert built.opted_out_excluded == 3 and built.left_out == {"high_value": 1, "potential": 2}
    assert built.listed == {"high_value": 2, "potential": 0} and built.rows == 2
    assert list(sheets) == ["High value"]  # potential: both opted out, no empty sheet
    listed = sheets["High value"]
    assert "Channel" not in listed.columns and "City" in listed.columns  # channel is None on every row
    assert listed["Customer ID"].tolist() == ["a***@shop.com", "C3"]  # an e-mail id is masked by default
    assert summary[["Segment", "Customers", "In the list", "Left out (opted out)"]].values.tolist() == [
        ["High value", 3, 2, 1], ["Potential", 2, 0, 2]]
    everyone = pipeline.build_lists(scored, export.ListRequest(scheme, options=ListOptions(include_opted_out=True)))
    assert everyone.opted_out_excluded == 0 and everyone.summary["Left out (opted out)"].tolist() == [0, 0]
    assert everyone.summary["In the list"].tolist() == [3, 2]


def test_workbook_summary_says_why_lists_are_shorter():
    from crm_core import pipeline

    scored, scheme = scored_table()
    ws = workbook(pipeline.rfm_workbook(scored, export.ListRequest(scheme, options=ListOptions(lang="zh"))))["概览"]
    assert ws["A1"].value.startswith("3 位已退订营销的客户未列入名单") and ws["A1"].font.i
    assert [c.value for c in ws[2]][:4] == ["客户分群", "客户数", "列入名单人数", "未列入（已退订）"]
    assert [c.value for c in ws[3]][:4] == [scheme.name("high_value", "zh"), 3, 2, 1]
    assert ws["C3"].number_format == "#,##0"
    nobody_left_out = workbook(pipeline.rfm_workbook(scored.assign(opted_out=False),
                                                     export.ListRequest(scheme)))["Summary"]
    assert nobody_left_out["A1"].value == "Segment"  # no note when no one is left out


def test_personal_ids_are_counted_for_the_masking_switch():
    ids = pd.Series(["a@b.cn", "13812345678", "C001", None, "00012345"])
    assert export.count_personal_ids(ids) == 2


# --- identities that are personal data (review item 4) ----------------------------------------------

@pytest.mark.parametrize(("identity", "masked"), [
    # the last-resort identity: consignee name | address (crm_core.ingest._columns.source_series)
    ("张三 | 北京市 朝阳区 建国路1号", "张* | 北京市***"),
    ("欧阳娜娜 | 上海市徐汇区漕溪路8号", "欧*** | 上海市***"),
    ("Alice Smith | 12 Baker Street, London", "A**** S**** | 12***"),
    ("李四 | 北京", "李* | 北***"),  # a short address keeps only its first character
    # phones in every common form: first 3 and last 4 digits stay
    ("8613812345678", "861******5678"),
    ("008613812345678", "008********5678"),
    ("+8613812345678", "+861******5678"),
    ("+86 138 1234 5678", "+86 1** **** 5678"),
    ("13812345678", "138****5678"),
    ("138 1234 5678", "138 **** 5678"),
    ("１３８１２３４５６７８", "138****5678"),
    ("07700900123", "077****0123"),
    ("447700900123", "447*****0123"),
    ("+44 7700 900123", "+44 7*** **0123"),
    ("020 7946 0958", "020 **** 0958"),
    ("+1 202-555-0123", "+1 20*-***-0123"),
    ("12025550123", "120****0123"),
    ("(202) 555-0123", "(202) ***-0123"),
    ("202.555.0123", "202.***.0123"),
    # not personal: kept as they are
    ("C001", "C001"), ("00012345", "00012345"), ("2025550123", "2025550123"), ("A|B", "A|B"), (" | 北京", " | 北京"),
])
def test_identities_that_are_personal_data_are_masked(identity, masked):
    out = export.mask_identifier(pd.Series([identity, None]))
    assert out.iloc[0] == masked and pd.isna(out.iloc[1])
    assert export.count_personal_ids(pd.Series([identity])) == int(masked != identity)


def test_consignee_identity_is_masked_in_the_rfm_lists():
    scored = pd.DataFrame({"customer_id": ["张三 | 北京市 朝阳区 建国路1号", "13812345678"], "monetary": [100.0, 50.0]})
    listed = campaign_list(scored, columns=["customer_id", "monetary"]).frame
    assert listed["Customer ID"].tolist() == ["张* | 北京市***", "138****5678"]
    plain = campaign_list(scored, columns=["customer_id"], options=ListOptions(mask_personal=False)).frame
    assert plain["Customer ID"].tolist() == scored["customer_id"].tolist()


_CJK_NAME = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=4)
_ADDRESS = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5) | st.sampled_from("0123456789 号路-"),
                   min_size=7, max_size=30).filter(lambda a: a.strip() == a)


@settings(max_examples=200, deadline=None)
@given(_CJK_NAME, _ADDRESS)
def test_composite_identity_property(name, address):
    out = export.mask_identifier(pd.Series([f"{name} | {address}"])).iloc[0]
    assert out == f"{name[0]}{'*' * (len(name) - 1)} | {address[:3].rstrip()}***"
    assert address not in out


_FORMS = {
    "plain": lambda n: n,
    "86": lambda n: "86" + n,
    "0086": lambda n: "0086" + n,
    "+86": lambda n: "+86" + n,
    "+86 spaced": lambda n: f"+86 {n[:3]} {n[3:7]} {n[7:]}",
    "3-4-4": lambda n: f"{n[:3]}-{n[3:7]}-{n[7:]}",
    "3 4 4": lambda n: f"{n[:3]} {n[3:7]} {n[7:]}",
}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9), st.sampled_from(sorted(_FORMS)))
def test_chinese_mobile_in_any_form_is_masked_by_the_phone_rule(second, rest, form):
    number = "1" + second + rest
    written = _FORMS[form](number)
    out = export.mask_identifier(pd.Series([written])).iloc[0]
    digits = [ch for ch in written if ch.isdigit()]
    shown = [ch for ch in out if ch.isdigit()]
    assert len(out) == len(written) and out.count("*") == len(digits) - 7
    assert shown == digits[:3] + digits[-4:] and "".join(shown[-4:]) == number[-4:]
    assert out == export.mask_phone(pd.Series([written])).iloc[0]
