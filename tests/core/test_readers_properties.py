"""Properties of crm_core.ingest.readers: only DataError escapes, CSV written by pandas reads back exactly, and
the sheet holding the orders is found behind a notes page."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_core.ingest.readers import read_upload
from crm_core.schema import DataError

HEADERS = ["customer_id", "order_date", "amount", "product", "channel"]
CHINESE_HEADERS = ["客户编号", "下单日期", "金额", "商品名称", "渠道"]  # what a GBK export starts with
# Magic numbers send random tails down every branch: zip, OLE2, BOMs, markup, binary.
PREFIXES = [b"", b"PK\x03\x04", bytes.fromhex("D0CF11E0A1B11AE1"), b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
            b"<html>", b"a,b\n", b"\x89PNG"]
NAMES = ["upload.csv", "upload.txt", "upload.xlsx", "upload.xls", "upload"]
COMMON_CHINESE = "客户编号下单日期金额商品名称苹果香蕉北京上海王张李会员订单数量单价合计"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), tail=st.binary(max_size=600), name=st.sampled_from(NAMES))
def test_random_bytes_raise_only_data_error(prefix, tail, name):
    try:
        table = read_upload(prefix + tail, name)
    except DataError as error:
        assert error.code and str(error)
    else:
        assert len(table.frame) >= 1 and len(table.frame.columns) >= 1
        assert all(dtype == "str" for dtype in table.frame.dtypes)


def _alphabet(delimiter: str, chinese_only: bool) -> st.SearchStrategy[str]:
    # Cells may hold their own separator, quotes and line breaks (all quoted by pandas),
    # but not the other candidate separators, which would make the sniffing a coin toss.
    specials = st.sampled_from([delimiter, '"', "\n", " ", "0", "A", "z", "-", "."])
    if chinese_only:  # gb18030 files hold Chinese text, not arbitrary Unicode
        return st.one_of(specials, st.sampled_from(COMMON_CHINESE))
    others = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=",;\t|\ufeff\u2028\u2029\x85")
    return st.one_of(specials, others)


@st.composite
def frames(draw, delimiter: str, chinese_only: bool) -> pd.DataFrame:
    alphabet = _alphabet(delimiter, chinese_only)
    width = draw(st.integers(2, len(HEADERS)))
    rows = draw(st.integers(1, 6))
    first = st.text(alphabet, min_size=1, max_size=6).filter(lambda text: text.strip() and "\n" not in text)
    cell = st.text(alphabet, max_size=6)
    cells = [[draw(first)] + [draw(cell) for _ in range(width - 1)] for _ in range(rows)]
    return pd.DataFrame(cells, columns=(CHINESE_HEADERS if chinese_only else HEADERS)[:width])


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_csv_written_by_pandas_reads_back_the_same_text(encoding, delimiter, data):
    frame = data.draw(frames(delimiter, chinese_only=encoding == "gb18030"))
    written = frame.to_csv(index=False, sep=delimiter, lineterminator="\n").encode(encoding)
    table = read_upload(written, "roundtrip.csv")
    assert table.delimiter == delimiter
    assert table.encoding == encoding
    assert list(table.frame.columns) == list(frame.columns)
    expected = frame.where(frame != "").astype("str")  # only empty cells are missing
    pd.testing.assert_frame_equal(table.frame.reset_index(drop=True), expected)
    if not frame.apply(lambda column: column.str.contains("\n")).any().any():
        assert table.frame.index.tolist() == list(range(2, len(frame) + 2))


NOTES_LINES = st.text(st.sampled_from(COMMON_CHINESE + "，。：1234 说明导出"), min_size=1, max_size=20)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes=st.lists(NOTES_LINES.filter(str.strip), min_size=1, max_size=4), titles=st.integers(0, 3),
       orders=st.integers(1, 5), orders_first=st.booleans())
def test_the_orders_sheet_is_picked_whatever_the_notes_say(notes, titles, orders, orders_first):
    # A notes page of one-column text lines and an orders sheet (title rows, then a known header): with no
    # sheet chosen the orders sheet is read, before or after the notes, and its name is in the first note.
    workbook = openpyxl.Workbook()
    notes_sheet = workbook.active
    notes_sheet.title = "说明"
    for line in notes:
        notes_sheet.append([line])
    orders_sheet = workbook.create_sheet("消费明细", index=0 if orders_first else None)
    for number in range(titles):
        orders_sheet.append([f"标题 {number + 1}"])
    orders_sheet.append(CHINESE_HEADERS[:3])
    for number in range(orders):
        orders_sheet.append([f"C{number}", "2024-01-05", number + 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_upload(buffer.getvalue(), "workbook.xlsx")
    assert table.sheet == "消费明细" and table.header_row == titles + 1
    assert table.frame["客户编号"].tolist() == [f"C{number}" for number in range(orders)]
    assert table.notes[0].code == "note_sheet_chosen" and dict(table.notes[0].params)["sheet"] == "消费明细"
