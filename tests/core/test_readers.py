"""crm_core.ingest.readers on the nasty files of tests/data/readers (regenerate them with make_fixtures.py)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from crm_core.ingest.readers import detect_header_row, encoding_label, list_sheets, read_upload, sniff_file_type
from crm_core.schema import DataError, ReadOptions

DATA = Path(__file__).resolve().parents[1] / "data" / "readers"


def read(name: str, options: ReadOptions = ReadOptions()):
    return read_upload((DATA / name).read_bytes(), name, options)


def codes(table) -> list[str]:
    return [note.code for note in table.notes]


def error_of(name: str, options: ReadOptions = ReadOptions()) -> DataError:
    with pytest.raises(DataError) as caught:
        read(name, options)
    return caught.value


# --- text encodings and separators ---

def test_utf8_keeps_line_numbers_across_a_blank_line():
    table = read("utf8.csv")
    assert table.file_type == "csv" and table.encoding == "utf-8" and table.delimiter == ","
    assert list(table.frame.columns) == ["客户编号", "下单日期", "金额", "商品名称"]
    assert table.frame.index.tolist() == [2, 3, 5]  # line 4 is blank
    assert table.frame.loc[3, "商品名称"] == "Zoë's tea"
    assert table.frame.loc[2, "金额"] == "100.50"
    assert all(dtype == "str" for dtype in table.frame.dtypes)
    assert table.notes[0].code == "note_encoding"
    assert table.notes[0].text("en") == "Read as text in UTF-8, separated by comma."
    assert table.notes[0].text("zh") == "已按文本读取，编码为UTF-8，分隔符为逗号。"


def test_utf8_lists_legacy_codecs_that_also_decode_it():
    # Short GBK text can be valid UTF-8; the UI offers the alternatives that also decode.
    assert read("utf8.csv").encoding_candidates == ("utf-8", "gb18030")
    assert read("pipe.csv").encoding_candidates == ("utf-8",)  # ASCII only: nothing to choose


def test_utf16_without_bom_is_recognised_by_its_nul_bytes():
    table = read_upload("客户编号\t金额\nC1\t2\n".encode("utf-16-le"), "u.txt")
    assert (table.encoding, table.delimiter) == ("utf-16-le", "\t")
    assert table.frame.loc[2].tolist() == ["C1", "2"]


def test_utf8_bom_does_not_leak_into_the_first_header():
    table = read("utf8_bom.csv")
    assert table.encoding == "utf-8-sig"
    assert list(table.frame.columns) == ["customer_id", "order_date", "amount"]
    assert table.frame.loc[3, "amount"] == "20"  # CRLF line ends leave no "\r"


def test_gbk_is_read_as_gb18030():
    table = read("gbk.csv")
    assert table.encoding == "gb18030"
    assert table.encoding_candidates[0] == "gb18030"
    assert list(table.frame.columns) == ["客户编号", "下单日期", "金额"]
    assert table.frame.loc[4, "金额"] == "王堃"  # 堃 is GBK, not GB2312


def test_cp1252_wins_over_gb18030_which_also_decodes_it():
    assert (DATA / "cp1252.csv").read_bytes().decode("gb18030")  # the trap: no decode error
    table = read("cp1252.csv")
    assert table.encoding == "cp1252"
    assert table.encoding_candidates[0] == "cp1252" and "gb18030" in table.encoding_candidates
    assert table.frame["Name"].tolist() == ["Müller", "Françoise", "Gößl"]
    assert table.frame.loc[3, "Stadt"] == "Besançon"


def test_user_can_pick_another_encoding():
    table = read("cp1252.csv", ReadOptions(encoding="gb18030"))
    assert table.encoding == "gb18030" and table.encoding_candidates == ("gb18030",)
    assert table.frame.loc[2, "Name"] != "Müller"


def test_unknown_or_wrong_encoding_choice_is_a_data_error():
    assert error_of("gbk.csv", ReadOptions(encoding="no-such-codec")).code == "undecodable_text"
    assert error_of("gbk.csv", ReadOptions(encoding="utf-8")).code == "undecodable_text"


def test_utf16_unicode_text_with_tabs():
    table = read("utf16_tab.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert dict(table.notes[0].params)["delimiter"] == "tab"
    assert table.frame.loc[2].tolist() == ["C001", "2023-01-05", "99.5"]


def test_semicolon_with_decimal_comma_keeps_the_number_text():
    table = read("semicolon_decimal_comma.csv")
    assert table.delimiter == ";"
    assert list(table.frame.columns) == ["Kunde", "Datum", "Betrag"]
    assert table.frame["Betrag"].tolist() == ["1.234,50", "99,90", "0,5"]


def test_pipe_separator():
    table = read("pipe.csv")
    assert table.delimiter == "|"
    assert table.frame.loc[3, "customer_id"] == "P2"


def test_delimiter_option_wins_over_sniffing():
    table = read_upload(b"a;b,c\n1;2,3\n", "x.csv", ReadOptions(delimiter=";"))
    assert list(table.frame.columns) == ["a", "b,c"]
    assert read_upload(b"a;b\tc\n1;2\t3\n", "x.csv", ReadOptions(delimiter="tab")).delimiter == "\t"


def test_ragged_lines_are_set_aside_with_their_numbers():
    table = read("ragged.csv")
    assert table.bad_lines == ((4, "R3,2023-01-07,30,pie,EXTRA"), (6, "R5,2023-01-09,50,jam,oops,again"))
    assert table.frame.index.tolist() == [2, 3, 5, 7]
    assert pd.isna(table.frame.loc[5, "amount"])  # a short line is padded
    assert table.frame.loc[7, "product"] == "bun"  # one trailing empty field is tolerated
    assert "note_bad_lines" in codes(table)
    assert dict(next(n for n in table.notes if n.code == "note_bad_lines").params) == {"rows": 2}


def test_quoted_line_break_and_ragged_line_use_exact_line_numbers():
    table = read_upload(b'id,comment,amount\n1,"two\nlines",5\n2,plain,6,7\n3,x,8\n', "q.csv")
    assert table.frame.index.tolist() == [2, 5]
    assert table.frame.loc[2, "comment"] == "two\nlines"
    assert table.bad_lines == ((4, "2,plain,6,7"),)


def test_unclosed_quote_is_refused_with_its_line():
    with pytest.raises(DataError, match=r"opened on line 3 is never closed") as caught:
        read_upload(b'a,b\n0,1\n1,"2\n3,4\n5,6\n', "q.csv")
    assert caught.value.code == "unreadable_text"


# --- empty, header-only, single column ---

def test_empty_file():
    with pytest.raises(DataError, match="empty.csv is empty"):
        read("empty.csv")
    assert error_of("empty.csv").code == "empty_file"
    with pytest.raises(DataError, match="is empty"):
        read_upload(b",,,\r\n\r\n,,\n", "commas.csv")


def test_header_only():
    error = error_of("header_only.csv")
    assert error.code == "header_only" and error.params == {"name": "header_only.csv"}


def test_single_column_names_the_header():
    error = error_of("single_column.csv")
    assert error.code == "single_column"
    assert error.params["header"] == "customer id order date amount"


# --- values stay text ---

def test_leading_zero_ids_phones_and_long_ids_stay_text():
    table = read("leading_zero_ids.csv")
    assert table.frame.loc[2].tolist() == ["00123", "+8613812345678", "1234567890123456789", "12.50"]
    assert table.frame.loc[3].tolist() == ["0000456", "013812345678", "0012", "7"]


def test_na_words_are_names_and_only_empty_cells_are_missing():
    names = read("na_strings.csv").frame["customer name"]
    assert names.loc[[2, 3, 4, 6]].tolist() == ["NA", "None", "null", "N/A"]
    assert names.isna().tolist() == [False, False, False, True, False]


# --- headers ---

def test_duplicate_headers_are_suffixed_and_reported():
    table = read("dup_headers.csv")
    assert list(table.frame.columns) == ["客户编号", "金额", "金额 (2)", "下单日期", "金额 (3)"]
    note = next(n for n in table.notes if n.code == "note_duplicate_headers")
    assert dict(note.params) == {"names": "金额", "example": "金额 (2)"}
    assert table.frame.loc[2, "金额 (3)"] == "3"


def test_bom_zero_width_and_full_width_headers_are_cleaned():
    table = read("bom_zero_width_headers.csv")
    # "Unnamed: 5" is empty and goes; the empty header over "note" becomes "Column 4".
    assert list(table.frame.columns) == ["customer_id", "order_date", "amount", "Column 4", "name"]
    assert table.frame.loc[2, "Column 4"] == "note"
    assert table.frame.loc[3, "name"] == "Bob"


def test_title_rows_in_a_csv_are_skipped():
    data = "2023年销售报表,,\n,,\n客户编号,下单日期,金额\nC1,2023-01-05,5\nC2,2023-01-06,6\n".encode()
    table = read_upload(data, "report.csv")
    assert table.header_row == 3 and table.frame.index.tolist() == [4, 5]
    assert table.notes[0].code == "note_header_row" and dict(table.notes[0].params) == {"row": 3, "skipped": 2}
    chosen = read_upload(data, "report.csv", ReadOptions(header_row=1))
    assert list(chosen.frame.columns) == ["2023年销售报表", "Column 2", "Column 3"]
    assert chosen.frame.index.tolist() == [3, 4, 5]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["Report"], [], ["customer id", "order date", "amount"], ["1", "2023-01-05", "3"]], 2),
        ([["Exported", "2023-12-31"], ["foo", "bar", "baz"], ["1", "2", "3"], ["4", "5", "6"]], 1),
        ([["a", "b", "c"], ["1", "2", "3"]], 0),
        ([["a", "b"], ["1", "2", "3"], ["4", "5"], ["6", "7", "8"]], 0),  # ragged rows, not a title
        ([["门店：上海", "导出人：张三"], ["a", "b", "c", "d", "e"], ["1", "2", "3", "4", "5"]], 1),
        ([["2021", "2022"], ["1", "2"]], 0),
        ([[None, ""], ["only"]], 1),
    ],
)
def test_detect_header_row(rows, expected):
    assert detect_header_row(rows) == expected


# --- workbooks ---

def test_title_rows_and_merged_cells_above_the_excel_header():
    table = read("title_rows.xlsx")
    assert (table.file_type, table.sheet, table.header_row) == ("xlsx", "销售", 3)
    assert list(table.frame.columns) == ["客户编号", "下单日期", "金额", "商品名称"]
    assert table.frame.index.tolist() == [4, 5, 7]  # Excel rows; row 6 is blank
    assert table.frame.loc[4].tolist() == ["00123", "2023-01-05", "120.5", "苹果"]
    assert table.frame.loc[5, "金额"] == "88"
    assert codes(table) == ["note_header_row"] and dict(table.notes[0].params) == {"row": 3, "skipped": 2}


def test_excel_header_row_chosen_by_the_user():
    table = read("title_rows.xlsx", ReadOptions(header_row=1))
    assert list(table.frame.columns) == ["2023年销售报表", "Column 2", "Column 3", "Column 4"]
    assert table.frame.index.tolist() == [2, 3, 4, 5, 7]
    assert table.frame.loc[2, "Column 3"] == "门店：上海" and table.notes == ()


def test_two_sheets_with_orders_the_bigger_by_default_other_on_request():
    # Both sheets have the same two known headers; 二月 has more rows, so it is read, with a note.
    data = (DATA / "two_sheets.xlsx").read_bytes()
    assert list_sheets(data, "two_sheets.xlsx") == ("一月", "二月")
    chosen = read("two_sheets.xlsx")
    assert chosen.sheet == "二月" and chosen.sheet_names == ("一月", "二月")
    assert chosen.frame["客户编号"].tolist() == ["F1", "F2"]
    assert codes(chosen) == ["note_sheet_chosen"]
    first = read("two_sheets.xlsx", ReadOptions(sheet="一月"))
    assert first.frame.index.tolist() == [2] and first.frame.loc[2, "金额"] == "1" and first.notes == ()
    with pytest.raises(DataError, match="no sheet named 三月. Sheets: 一月, 二月") as caught:
        read("two_sheets.xlsx", ReadOptions(sheet="三月"))
    assert caught.value.code == "no_sheet"
    assert "现有工作表：一月、二月。" in caught.value.text("zh")


def test_notes_sheet_in_front_of_the_orders_is_passed_over():
    table = read("notes_then_orders.xlsx")
    assert (table.sheet, table.header_row) == ("消费明细", 3)
    assert table.sheet_names == ("说明", "消费明细")
    assert list(table.frame.columns) == ["会员卡号", "消费时间", "消费金额", "商品名称"]
    assert table.frame.index.tolist() == [4, 5, 6]
    assert table.frame.loc[5].tolist() == ["V002", "2024-01-04 15:30:00", "56.5", "面膜"]
    assert codes(table) == ["note_sheet_chosen", "note_header_row"]
    assert table.notes[0].text("en") == ("Read the sheet 消费明细: it holds the orders table. The workbook also has "
                                         "说明; choose another sheet if this is not the right one.")
    assert table.notes[0].text("zh").startswith("已读取工作表 消费明细：订单数据在这张表中。工作簿中还有 说明；")
    notes = read("notes_then_orders.xlsx", ReadOptions(sheet="说明"))  # the user's choice is read as asked
    assert notes.sheet == "说明" and notes.frame["说明"].tolist()[0].startswith("1. 本表由收银系统导出")


def test_notes_then_orders_loads_through_the_pipeline():
    from crm_core import pipeline

    loaded = pipeline.load((DATA / "notes_then_orders.xlsx").read_bytes(), "notes_then_orders.xlsx")
    assert loaded.result.orders["customer_id"].tolist() == ["V001", "V002", "V001"]
    assert loaded.result.orders["amount"].tolist() == [128.0, 56.5, 99.0]


def test_a_sheet_without_data_names_every_sheet():
    error = error_of("no_data_sheets.xlsx", ReadOptions(sheet="订单"))
    assert error.code == "sheet_no_data"
    assert str(error) == ("The sheet 订单 of no_data_sheets.xlsx has no data rows under its header. The workbook's "
                          "sheets: 说明 (1 row), 订单 (1 row). Choose the sheet that holds the orders.")
    assert "工作簿中的工作表：说明（1 行）、订单（1 行）。" in error.text("zh")
    # With no sheet chosen, none holds data: both are named too.
    error = error_of("no_data_sheets.xlsx")
    assert error.code == "no_sheet_with_data"
    assert "Sheets: 说明 (1 row), 订单 (1 row)." in str(error)
    assert "工作表：说明（1 行）、订单（1 行）。" in error.text("zh")
    # The CLI prints the very same error.
    from crm_core import cli

    assert error.text("zh") in cli_output(cli, DATA / "no_data_sheets.xlsx")


def cli_output(cli, path) -> str:
    import contextlib
    import tempfile

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            with tempfile.TemporaryDirectory() as folder:  # the run fails before writing anything
                code = cli.main(["rfm", str(path), "--out", f"{folder}/out.xlsx", "--lang", "zh"])
        except SystemExit as exit_:
            code = exit_.code
    assert code == 2
    return out.getvalue() + err.getvalue()


@pytest.mark.parametrize(
    ("codec", "en", "zh"),
    [("utf-8", "UTF-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM", "UTF-8（带 BOM）"),
     ("gb18030", "Chinese (GB18030/GBK)", "中文编码（GB18030/GBK）"),
     ("GBK", "Chinese (GB18030/GBK)", "中文编码（GB18030/GBK）"),
     ("utf-16-le", "UTF-16", "UTF-16"), ("cp1252", "Western European (Windows-1252)", "西欧语言（Windows-1252）"),
     ("mac-roman", "MAC-ROMAN", "MAC-ROMAN"), ("no-such-codec", "NO-SUCH-CODEC", "NO-SUCH-CODEC")],
)
def test_encoding_label_in_words(codec, en, zh):
    assert encoding_label(codec) == encoding_label(codec, "en") == en
    assert encoding_label(codec, "zh") == zh


@pytest.mark.parametrize("name", ["utf8_bom.csv", "gbk.csv", "cp1252.csv", "utf16_tab.txt"])
def test_encoding_notes_carry_no_codec_names(name):
    note = read(name).notes[0]
    for lang in ("en", "zh"):
        assert not re.search(r"utf-8-sig|gb18030|cp1252|utf-16", note.text(lang))
    assert "编码为" in note.text("zh")


def test_totals_row_is_kept_for_standardize_to_drop():
    table = read("totals_row.xlsx")
    assert table.frame.index.tolist() == [2, 3, 4, 5]
    assert table.frame.loc[5, "客户编号"] == "合计" and table.frame.loc[5, "金额"] == "300"
    assert pd.isna(table.frame.loc[5, "下单日期"])


def test_excel_dates_numbers_and_booleans_as_text():
    table = read("excel_dates_numbers.xlsx")
    assert table.frame.loc[2].iloc[:7].tolist() == [
        "123456", "2023-01-05", "2023-01-05 14:30:00", "44931", "2.55", "3", "TRUE",
    ]
    assert pd.isna(table.frame.loc[2, "备注"])
    # A column with any time of day shows the time everywhere.
    assert table.frame.loc[3].tolist() == [
        "622202123456789", "2023-01-06", "2023-01-06 00:00:00", "44932", "1234.5", "1", "FALSE", "x",
    ]


def test_formula_without_cached_value_is_reported():
    table = read("formula_no_value.xlsx")
    assert table.frame["金额"].isna().all()
    assert codes(table) == ["note_formula_no_value"] and dict(table.notes[0].params) == {"cells": 2}


def test_legacy_xls_is_read_with_xlrd():
    data = (DATA / "legacy.xls").read_bytes()
    assert sniff_file_type(data, "legacy.xls") == "xls"
    assert list_sheets(data, "legacy.xls") == ("订单",)
    table = read("legacy.xls")
    assert table.file_type == "xls" and list(table.frame.columns) == ["客户编号", "下单日期", "金额", "会员"]
    assert table.frame.loc[2].tolist() == ["00123", "2023-01-05 00:00:00", "12", "TRUE"]
    assert table.frame.loc[3, "下单日期"] == "2023-01-06 12:00:00"


# --- wrong, unsafe and unsupported files ---

def test_renamed_docx():
    error = error_of("renamed_docx.xlsx")
    assert error.code == "wrong_type"
    assert error.text("en") == ("renamed_docx.xlsx is named like a .xlsx file but is really a Word document. "
                                "Open it in Excel and save it as .xlsx or CSV.")
    assert "实际内容是 Word 文档" in error.text("zh")


def test_word97_named_xls():
    error = error_of("word97_as.xls")
    assert "is really a Word document (.doc)." in error.text("en")
    assert "实际内容是 Word 文档（.doc）" in error.text("zh")


def test_password_protected_workbook():
    expected = r"encrypted.xlsx could not be opened .* \(it is password-protected\)"
    with pytest.raises(DataError, match=expected) as caught:
        read("encrypted.xlsx")
    assert "（文件设有密码保护）" in caught.value.text("zh")


def test_sniff_file_type_trusts_bytes_not_names():
    assert sniff_file_type((DATA / "title_rows.xlsx").read_bytes(), "orders.csv") == "xlsx"
    assert sniff_file_type((DATA / "legacy.xls").read_bytes(), "orders.xlsx") == "xls"
    assert sniff_file_type((DATA / "gbk.csv").read_bytes(), "orders.xls") == "csv"
    with pytest.raises(DataError, match="is really a Word document"):
        list_sheets((DATA / "renamed_docx.xlsx").read_bytes(), "renamed_docx.xlsx")


def test_html_saved_as_xls():
    with pytest.raises(DataError, match=r"named like a \.xls file but is really a web page \(HTML\)"):
        read("html_as.xls")


def test_plain_zip_named_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("orders.csv", "a,b\n1,2\n")
    with pytest.raises(DataError, match="is really a zip archive"):
        read_upload(buffer.getvalue(), "orders.xlsx")


def test_text_named_xlsx_is_read_as_csv_with_a_note():
    table = read("text_as.xlsx")
    assert table.file_type == "csv" and table.frame.loc[2, "amount"] == "7"
    assert codes(table) == ["note_encoding", "note_text_as_excel"]
    assert sniff_file_type((DATA / "text_as.xlsx").read_bytes(), "text_as.xlsx") == "csv"


def test_zip_bomb_is_refused_before_parsing():
    error = error_of("zip_bomb.xlsx")
    assert error.code == "unsafe_workbook"
    assert "(a part expands 1,026 times)" in error.text("en")
    assert "（其中一个部件解压后膨胀 1,026 倍）" in error.text("zh")


def test_image_named_csv_is_unsupported():
    assert error_of("image.csv").code == "unsupported_type"
    for head in (b"%PDF-1.7\n", b"\x1f\x8b\x08\x00"):
        with pytest.raises(DataError, match="not a file type we can read"):
            read_upload(head + b"abc", "x.csv")


def test_damaged_ole2_and_zip_are_unreadable_workbooks():
    damaged = ((bytes.fromhex("D0CF11E0A1B11AE1") + b"junk" * 50, "x.xls"), (b"PK\x03\x04" + b"junk" * 50, "x.xlsx"))
    for data, name in damaged:
        with pytest.raises(DataError, match="could not be opened as a workbook") as caught:
            read_upload(data, name)
        assert caught.value.code == "unreadable_workbook"
        # In words, never a Python exception name such as BadZipFile.
        assert "(the file is damaged or is not a complete Excel workbook)" in str(caught.value)
        assert "（文件已损坏，或不是完整的 Excel 工作簿）" in caught.value.text("zh")
        assert not re.search(r"[A-Z][a-z]+(Error|File|Exception)", caught.value.text("en"))


def test_size_limit_comes_first():
    with pytest.raises(DataError, match="is 2 MB; the limit is 1 MB") as caught:
        read_upload(b"x" * (2 * 1024 * 1024), "big.csv", max_bytes=1024 * 1024)
    assert caught.value.code == "too_large"


def test_list_sheets_of_text_is_empty():
    assert list_sheets((DATA / "utf8.csv").read_bytes(), "utf8.csv") == ()


def test_a_properly_quoted_last_cell_with_a_quote_and_a_line_break_is_not_an_unclosed_quote():
    # Found by hypothesis: pandas writes the cell '"' + newline as """\n" at the very end of the file.
    data = pd.DataFrame({"客户编号": ["0"], "下单日期": ['"\n']}).to_csv(index=False, sep="|").encode("gb18030")
    raw = read_upload(data, "roundtrip.csv")
    assert raw.frame.iloc[0].tolist() == ["0", '"\n']
