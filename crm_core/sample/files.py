"""Bytes of the demo files, written the way real shop exports look (see :mod:`crm_core.sample.generator`).

* ``orders_zh.csv``: UTF-8 with BOM, CRLF, Chinese headers, dates like
  "2025/3/7 14:05", amounts of one channel's rows like "¥1,299.00", consent 是/否.
* ``orders_en.xlsx``: English headers on row 2 below a merged title row, real
  dates and numbers, consent TRUE/FALSE; fixed timestamps, so equal data gives equal bytes.
  Every text value is English (:func:`english_export`), and the money headers name the
  currency ("Amount (CNY)"), so the app reads the amounts as yuan from the file itself.
* ``truth.csv``: the planted truth, UTF-8 with BOM.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from datetime import datetime

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from crm_core.sample.catalog import CATALOG, CHANNELS, CHANNELS_EN, CITIES_EN, GENDERS_EN, pinyin_name
from crm_core.sample.quirks import STATUSES_EN

EXPORT_COLUMNS = ("customer_id", "order_id", "order_date", "product", "sku", "category", "quantity", "unit_price",
                  "amount", "channel", "status", "name", "phone", "email", "gender", "city", "signup_date", "consent")
ZH_HEADERS = ("客户编号", "订单号", "下单时间", "商品名称", "商品编码", "品类", "数量", "单价", "实付金额", "渠道",
              "订单状态", "姓名", "手机号", "邮箱", "性别", "城市", "注册日期", "是否同意营销")
# The amounts are yuan: the headers say so, as a currency-aware export would (crm_core.ingest.currency reads them).
EN_HEADERS = ("Customer ID", "Order ID", "Order Date", "Product", "SKU", "Category", "Quantity", "Unit Price (CNY)",
              "Amount (CNY)", "Channel", "Status", "Name", "Phone", "Email", "Gender", "City", "Signup Date",
              "Marketing Consent")
CURRENCY_TEXT_CHANNEL = "微信小程序"  # this channel's amounts are written "¥1,299.00" in the Chinese CSV
_NUMBER_FORMATS = {"order_date": "yyyy-mm-dd hh:mm", "signup_date": "yyyy-mm-dd", "unit_price": "#,##0.00",
                   "amount": "#,##0.00"}
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_WIDTHS = {"order_id": 18, "order_date": 17, "product": 22, "phone": 18, "email": 26, "signup_date": 12}


def export_table(orders: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Order lines joined with their customer's attributes, columns in :data:`EXPORT_COLUMNS` order."""
    return orders.merge(customers, on="customer_id", how="left", validate="many_to_one").loc[:, list(EXPORT_COLUMNS)]


def _slash_dates(values: pd.Series, *, with_time: bool) -> pd.Series:
    """2025/3/7 14:05 (or 2025/3/7): year first, no zero padding, as Excel shows dates on Chinese Windows."""
    text = (values.dt.year.astype("Int64").astype("str") + "/" + values.dt.month.astype("Int64").astype("str")
            + "/" + values.dt.day.astype("Int64").astype("str"))
    if with_time:
        text = text + " " + values.dt.strftime("%H:%M")
    return text


def _money_text(amount: float) -> str:
    return f"{'-' if amount < 0 else ''}¥{abs(amount):,.2f}"


def zh_csv_bytes(export: pd.DataFrame) -> bytes:
    """The export as a Chinese shop would write it (see the module docstring)."""
    amounts = [_money_text(a) if c == CURRENCY_TEXT_CHANNEL else f"{a:.2f}"
               for a, c in zip(export["amount"], export["channel"], strict=True)]
    text = export.assign(
        order_date=_slash_dates(export["order_date"], with_time=True),
        signup_date=_slash_dates(export["signup_date"], with_time=False),
        unit_price=[f"{p:.2f}" for p in export["unit_price"]],
        amount=amounts,
        consent=export["consent"].map({True: "是", False: "否"}),
    )
    text.columns = list(ZH_HEADERS)
    return text.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _translated(values: pd.Series, table: Mapping[str, str] | Callable[[str], str], what: str) -> pd.Series:
    """``values`` in English through ``table``; missing cells stay missing.

    Raises
    ------
    ValueError
        If a value has no English form (a Chinese word must never reach the English file).
    """
    lookup = table.__getitem__ if isinstance(table, Mapping) else table
    english = {}
    for value in values.dropna().unique():
        try:
            english[value] = lookup(value)
        except KeyError:
            raise ValueError(f"no English {what} for {value!r}") from None
    return values.map(english, na_action="ignore").astype("str")


def english_export(export: pd.DataFrame) -> pd.DataFrame:
    """The export with every text value in English: products, categories, channels, statuses, names
    (pinyin, surname first), genders and cities.

    Ids, dates, quantities, prices, amounts, phones, emails and consent are unchanged, so the
    English file holds the same customers and orders as the Chinese one.
    """
    return export.assign(
        product=_translated(export["product"], {p.name: p.name_en for p in CATALOG}, "product"),
        category=_translated(export["category"], {p.category: p.category_en for p in CATALOG}, "category"),
        channel=_translated(export["channel"], dict(zip(CHANNELS, CHANNELS_EN, strict=True)), "channel"),
        status=_translated(export["status"], STATUSES_EN, "status"),
        name=_translated(export["name"], pinyin_name, "name"),
        gender=_translated(export["gender"], GENDERS_EN, "gender"),
        city=_translated(export["city"], CITIES_EN, "city"),
    )


def _cell(value: object) -> object:
    """Python value for openpyxl: missing -> empty cell, numpy scalars -> Python scalars."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def en_xlsx_bytes(export: pd.DataFrame, *, title: str, stamp: datetime) -> bytes:
    """The export as an English workbook: ``title`` merged across row 1, headers on row 2, data below.

    ``export`` is the canonical (Chinese) export; its text values are written in English
    (:func:`english_export`).  ``stamp`` is written as the workbook's created/modified time and every zip
    entry's time, so the bytes depend only on the data.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Orders"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(EN_HEADERS))
    sheet.append(list(EN_HEADERS))
    english = english_export(export)
    values = english.assign(signup_date=english["signup_date"].dt.date)
    for row in values.astype(object).itertuples(index=False):
        sheet.append([_cell(v) for v in row])
    for position, column in enumerate(EXPORT_COLUMNS, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = _WIDTHS.get(column, 12)
        if column in _NUMBER_FORMATS:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=position, max_col=position):
                cell.number_format = _NUMBER_FORMATS[column]
    sheet.freeze_panes = "A3"
    book.properties.creator = "crm_core.sample"
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return _fix_zip_times(buffer.getvalue(), stamp)


def _fix_zip_times(content: bytes, stamp: datetime) -> bytes:
    """Rewrite a zip with every entry dated ``stamp``.

    openpyxl dates zip entries and the document's "modified" property with the
    current time, whatever the workbook's properties say.
    """
    modified = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + modified + rb"\g<2>", data)
            target.writestr(entry, data)
    return out.getvalue()


def truth_csv_bytes(truth: pd.DataFrame) -> bytes:
    """The planted truth as UTF-8 CSV with BOM (product names are Chinese)."""
    return truth.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
