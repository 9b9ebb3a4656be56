"""Regenerate every fixture of tests/core/test_readers.py, byte for byte.

Run from the repository root:  python tests/data/readers/make_fixtures.py
Workbooks are re-packed with fixed timestamps and without the theme part, so the
output is deterministic and each file stays under 5 KB.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
CP1252_TEXT = "Kunde,Name,Stadt,Betrag\nK1,Müller,Zürich,10\nK2,Françoise,Besançon,20\nK3,Gößl,Köln,30\n"


def text_fixtures() -> dict[str, bytes]:
    return {
        "utf8.csv": "客户编号,下单日期,金额,商品名称\nC001,2023-01-05,100.50,苹果\nC002,2023-01-06,88,Zoë's tea\n\n"
                    "C003,2023-02-01,35,香蕉\n".encode(),
        "utf8_bom.csv": "\ufeffcustomer_id,order_date,amount\r\nA1,2023-03-01,10\r\nA2,2023-03-02,20\r\n".encode(),
        "gbk.csv": "客户编号,下单日期,金额\nC001,2023-01-05,100\nC002,2023-01-06,200.5\nC003,2023-02-01,王堃\n"
                   .encode("gb18030"),
        # Every accented letter is followed by a letter, so the bytes also decode as gb18030 (into nonsense).
        "cp1252.csv": CP1252_TEXT.encode("cp1252"),
        "utf16_tab.txt": "\ufeff客户编号\t下单日期\t金额\r\nC001\t2023-01-05\t99.5\r\nC002\t2023-01-06\t12\r\n"
                         .encode("utf-16-le"),
        "semicolon_decimal_comma.csv": b"Kunde;Datum;Betrag\nK001;05.01.2023;1.234,50\nK002;06.01.2023;99,90\n"
                                       b"K003;07.01.2023;0,5\n",
        "pipe.csv": b"customer_id|order_date|amount\nP1|2023-01-05|5\nP2|2023-01-06|6\n",
        "ragged.csv": b"customer_id,order_date,amount,product\nR1,2023-01-05,10,tea\nR2,2023-01-06,20,cake\n"
                      b"R3,2023-01-07,30,pie,EXTRA\nR4,2023-01-08\nR5,2023-01-09,50,jam,oops,again\n"
                      b"R6,2023-01-10,60,bun,\n",
        "empty.csv": b"",
        "header_only.csv": b"customer_id,order_date,amount\n",
        "single_column.csv": b"customer id order date amount\nC001 2023-01-05 100\nC002 2023-01-06 200\n",
        "html_as.xls": "<html><head><meta charset='utf-8'></head><body><table><tr><td>客户编号</td><td>金额</td></tr>"
                       "<tr><td>C001</td><td>5</td></tr></table></body></html>\n".encode(),
        "text_as.xlsx": b"customer_id,order_date,amount\nT1,2023-01-05,7\n",
        "image.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15",
        "leading_zero_ids.csv": b"customer_id,phone,order_id,amount\n00123,+8613812345678,1234567890123456789,12.50\n"
                                b"0000456,013812345678,0012,7\n",
        "na_strings.csv": b"customer_id,customer name,order_date\nN1,NA,2023-01-05\nN2,None,2023-01-06\n"
                          b"N3,null,2023-01-07\nN4,,2023-01-08\nN5,N/A,2023-01-09\n",
        "dup_headers.csv": "客户编号,金额,金额,下单日期,金额\nC1,1,2,2023-01-05,3\n".encode(),
        # BOM, zero-width characters, a trailing blank, full-width "ａｍｏｕｎｔ", an empty header over data,
        # an empty "Unnamed: 5" column (dropped) and a second BOM inside a header.
        "bom_zero_width_headers.csv": (
            "\ufeff\u200bcustomer_id ,order\u200d_date,\uff41\uff4d\uff4f\uff55\uff4e\uff54\u3000,"
            ",Unnamed: 5,\ufeffname\n"
            "Z1,2023-01-05,5,note,,Ann\nZ2,2023-01-06,6,,,Bob\n"
        ).encode(),
    }


def _repack(data: bytes) -> bytes:
    """Same workbook with fixed timestamps, no theme part (not needed to read it) and no volatile dates."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda item: item.filename):
            if info.filename.startswith("xl/theme/"):
                continue
            content = source.read(info.filename)
            if info.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                content = re.sub(rb"<(Relationship|Override)[^>]*theme[^>]*/>", b"", content)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _repack(buffer.getvalue())


def title_rows() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "销售"
    sheet["A1"] = "2023年销售报表"
    sheet.merge_cells("A1:D1")
    sheet["A2"], sheet["C2"] = "导出时间：2023-12-31", "门店：上海"
    sheet.append(["客户编号", "下单日期", "金额", "商品名称"])
    sheet.append(["00123", dt.datetime(2023, 1, 5), 120.5, "苹果"])
    sheet.append(["00124", dt.datetime(2023, 1, 6), 88, "香蕉"])
    sheet.append([])
    sheet.append(["00125", dt.datetime(2023, 2, 1), 3, "梨"])
    return _workbook_bytes(workbook)


def two_sheets() -> bytes:
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "一月"
    first.append(["客户编号", "金额"])
    first.append(["J1", 1])
    second = workbook.create_sheet("二月")
    second.append(["客户编号", "金额"])
    second.append(["F1", 2])
    second.append(["F2", 3])
    return _workbook_bytes(workbook)


def notes_then_orders() -> bytes:
    """A notes page (说明) in front of the orders (消费明细), which have two title rows above the header."""
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "说明"
    for line in ("说明", "1. 本表由收银系统导出，金额单位为元。", "2. 消费明细见第二张工作表。"):
        notes.append([line])
    orders = workbook.create_sheet("消费明细")
    orders.append(["会员消费明细表"])
    orders.append(["导出日期：2024-01-31", None, "门店：全部"])
    orders.append(["会员卡号", "消费时间", "消费金额", "商品名称"])
    for row in (["V001", dt.datetime(2024, 1, 3, 10, 5), 128.0, "洗面奶"], ["V002", dt.datetime(2024, 1, 4, 15, 30),
                56.5, "面膜"], ["V001", dt.datetime(2024, 1, 20, 11, 0), 99.0, "爽肤水"]):
        orders.append(row)
    return _workbook_bytes(workbook)


def no_data_sheets() -> bytes:
    """Two sheets and no data: a one-line notes page and an orders sheet holding only its header."""
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes.append(["订单请在下一张表填写"])
    orders = workbook.create_sheet("订单")
    orders.append(["客户编号", "下单日期", "金额"])
    return _workbook_bytes(workbook)


def totals_row() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["客户编号", "下单日期", "金额"])
    for row in (["C1", "2023-01-05", 100], ["C2", "2023-01-06", 150], ["C3", "2023-01-07", 50]):
        sheet.append(row)
    sheet.append(["合计", None, 300])
    return _workbook_bytes(workbook)


def formula_no_value() -> bytes:
    workbook = openpyxl.Workbook()  # openpyxl writes formulas without a cached value
    sheet = workbook.active
    sheet.append(["客户编号", "数量", "单价", "金额"])
    sheet.append(["C1", 2, 5, "=B2*C2"])
    sheet.append(["C2", 3, 4, "=B3*C3"])
    return _workbook_bytes(workbook)


def excel_dates_numbers() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["会员卡号", "下单日期", "下单时间", "序列号日期", "金额", "数量", "是否会员", "备注"])
    sheet.append([123456.0, dt.datetime(2023, 1, 5), dt.datetime(2023, 1, 5, 14, 30), 44931, 2.55, 3.0, True, None])
    sheet.append([622202123456789.0, dt.date(2023, 1, 6), dt.datetime(2023, 1, 6), 44932, 1234.5, 1.0, False, "x"])
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "yyyy-mm-dd"
    return _workbook_bytes(workbook)


def renamed_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", FIXED_TIME), '<?xml version="1.0"?><Types/>')
        archive.writestr(zipfile.ZipInfo("word/document.xml", FIXED_TIME), '<?xml version="1.0"?><w:document/>')
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("xl/workbook.xml", FIXED_TIME), "<workbook/>", zipfile.ZIP_DEFLATED)
        bomb = zipfile.ZipInfo("xl/worksheets/sheet1.xml", FIXED_TIME)
        archive.writestr(bomb, b"0" * (3 * 1024 * 1024), zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _biff(record_type: int, payload: bytes) -> bytes:
    return struct.pack("<HH", record_type, len(payload)) + payload


def _biff_text(text: str, length_format: str) -> bytes:
    return struct.pack(length_format, len(text)) + b"\x01" + text.encode("utf-16-le")


def legacy_xls_stream() -> bytes:
    """A BIFF8 workbook stream: one sheet "订单" with text, a number, a date cell (XF 1) and a boolean."""
    xf_general = struct.pack("<HHHBBBBIiH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    xf_date = struct.pack("<HHHBBBBIiH", 0, 14, 0x0001, 0x20, 0, 0, 0x04, 0, 0, 0x20C0)
    sheet_name = _biff_text("订单", "<B")
    bof_globals = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
    head = bof_globals + _biff(0x0042, struct.pack("<H", 1200)) + _biff(0x00E0, xf_general) + _biff(0x00E0, xf_date)
    boundsheet_size = 4 + 4 + 2 + len(sheet_name)
    sheet_offset = len(head) + boundsheet_size + 4
    globals_part = head + _biff(0x0085, struct.pack("<IBB", sheet_offset, 0, 0) + sheet_name) + _biff(0x000A, b"")
    cells = [
        _biff(0x0204, struct.pack("<HHH", 0, 0, 0) + _biff_text("客户编号", "<H")),
        _biff(0x0204, struct.pack("<HHH", 0, 1, 0) + _biff_text("下单日期", "<H")),
        _biff(0x0204, struct.pack("<HHH", 0, 2, 0) + _biff_text("金额", "<H")),
        _biff(0x0204, struct.pack("<HHH", 0, 3, 0) + _biff_text("会员", "<H")),
        _biff(0x0204, struct.pack("<HHH", 1, 0, 0) + _biff_text("00123", "<H")),
        _biff(0x0203, struct.pack("<HHHd", 1, 1, 1, 44931.0)),
        _biff(0x0203, struct.pack("<HHHd", 1, 2, 0, 12.0)),
        _biff(0x0205, struct.pack("<HHHBB", 1, 3, 0, 1, 0)),
        _biff(0x0204, struct.pack("<HHH", 2, 0, 0) + _biff_text("00124", "<H")),
        _biff(0x0203, struct.pack("<HHHd", 2, 1, 1, 44932.5)),
        _biff(0x0203, struct.pack("<HHHd", 2, 2, 0, 2.55)),
    ]
    sheet_part = (_biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
                  + _biff(0x0200, struct.pack("<IIHHH", 0, 3, 0, 4, 0)) + b"".join(cells) + _biff(0x000A, b""))
    return globals_part + sheet_part


def ole2_container(stream: bytes, stream_name: str = "Workbook") -> bytes:
    """A minimal compound file holding ``stream`` (< 4096 bytes, so it lives in the mini stream).

    Sectors: 0 FAT, 1 directory, 2 mini FAT, 3.. the mini stream container.
    """
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    mini_sectors = -(-len(stream) // 64)
    container = stream.ljust(mini_sectors * 64, b"\x00")
    container_sectors = -(-len(container) // 512)
    container = container.ljust(container_sectors * 512, b"\x00")
    fat = [fat_sector, end, end] + [3 + i + 1 for i in range(container_sectors - 1)] + [end]
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    minifat = [i + 1 for i in range(mini_sectors - 1)] + [end]
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat).ljust(512, b"\xff")

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBBIII", len(encoded), kind, 1, free, free, child)
                + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16 + struct.pack("<III", start, size, 0))

    directory = (entry("Root Entry", 5, 1, 3, mini_sectors * 64) + entry(stream_name, 2, free, 0, len(stream))
                 + entry("", 0, free, free, 0) * 2)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 2, 1, end, 0)
              + struct.pack("<I", 0) + b"\xff" * (108 * 4))
    return header + fat_bytes + directory + minifat_bytes + container


def binary_fixtures() -> dict[str, bytes]:
    return {
        "title_rows.xlsx": title_rows(),
        "two_sheets.xlsx": two_sheets(),
        "notes_then_orders.xlsx": notes_then_orders(),
        "no_data_sheets.xlsx": no_data_sheets(),
        "totals_row.xlsx": totals_row(),
        "formula_no_value.xlsx": formula_no_value(),
        "excel_dates_numbers.xlsx": excel_dates_numbers(),
        "renamed_docx.xlsx": renamed_docx(),
        "zip_bomb.xlsx": zip_bomb(),
        "legacy.xls": ole2_container(legacy_xls_stream()),
        "word97_as.xls": ole2_container(b"\x00" * 100, "WordDocument"),
        "encrypted.xlsx": ole2_container(b"\x00" * 100, "EncryptedPackage"),  # how Excel saves a password
    }


def main() -> None:
    # The point of cp1252.csv: its bytes are also valid gb18030, so only ranking can tell them apart.
    assert CP1252_TEXT.encode("cp1252").decode("gb18030") != CP1252_TEXT
    for name, content in {**text_fixtures(), **binary_fixtures()}.items():
        assert len(content) < 5 * 1024, name
        (HERE / name).write_bytes(content)
        print(f"{name:32} {len(content):6,} bytes")


if __name__ == "__main__":
    main()
