"""The English demo workbook: every text value in English, the same orders as the Chinese CSV, yuan in the headers."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from crm_core.ingest.readers import read_upload
from crm_core.sample.catalog import CATALOG, pinyin_name
from crm_core.sample.files import english_export, export_table
from crm_core.sample.generator import SampleSpec

SPEC = SampleSpec()


CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")  # CJK scripts, symbols, full-width forms


@pytest.fixture(scope="module")
def english_rows(files):
    """The English workbook as the app reads it: text cells, header found below the title row."""
    raw = read_upload(files[1].read_bytes(), files[1].name)
    assert raw.header_row == 2
    return raw.frame


@pytest.fixture(scope="module")
def chinese_rows(files):
    return pd.read_csv(files[0], encoding="utf-8-sig", dtype=str)


def test_english_workbook_has_no_chinese_text(english_rows):
    assert not any(CJK.search(str(h)) for h in english_rows.columns)
    cells = english_rows.stack().astype(str)
    assert len(cells) > 80_000  # every filled cell was looked at
    assert not cells.str.contains(CJK).any(), cells[cells.str.contains(CJK)].head().to_dict()


def test_english_workbook_first_row_in_english(english_rows):
    # orders_zh.csv row 1: C00373,DD2025010100001,2025/1/1 08:12,冻干草莓脆,SKU0038,休闲零食,1,39.90,39.90,京东自营,
    # 已完成,周涛,18369765551,,男,武汉,2023/4/1,是
    first = english_rows.iloc[0]
    assert pd.isna(first["Email"])
    assert first.drop("Email").to_dict() == {
        "Customer ID": "C00373", "Order ID": "DD2025010100001", "Order Date": "2025-01-01 08:12:00",
        "Product": "Freeze-dried Strawberry Crisps", "SKU": "SKU0038", "Category": "Snacks", "Quantity": "1",
        "Unit Price (CNY)": "39.9", "Amount (CNY)": "39.9", "Channel": "JD.com Direct", "Status": "Completed",
        "Name": "Zhou Tao", "Phone": "18369765551", "Gender": "Male", "City": "Wuhan",
        "Signup Date": "2023-04-01", "Marketing Consent": "TRUE",
    }


def test_english_values_are_the_translated_chinese_ones(english_rows, chinese_rows, data):
    en, zh = english_rows.reset_index(drop=True), chinese_rows
    assert len(en) == len(zh) == data.planted["order_lines"] == 7223
    for english, chinese in (("Customer ID", "客户编号"), ("Order ID", "订单号"), ("SKU", "商品编码"),
                             ("Quantity", "数量"), ("Phone", "手机号"), ("Email", "邮箱")):
        assert en[english].fillna("").tolist() == zh[chinese].fillna("").tolist(), english
    yuan = zh["实付金额"].str.replace(r"[¥,]", "", regex=True).astype(float)
    assert np.allclose(en["Amount (CNY)"].astype(float), yuan)
    # One English word per Chinese one, both ways: the translation keeps every distinction.
    for english, chinese, n in (("Product", "商品名称", 40), ("Category", "品类", 6), ("Channel", "渠道", 4),
                                ("Status", "订单状态", 2), ("Gender", "性别", 2), ("City", "城市", 14)):
        pairs = pd.DataFrame({"en": en[english], "zh": zh[chinese]}).dropna().drop_duplicates()
        assert len(pairs) == pairs["en"].nunique() == pairs["zh"].nunique() == n, english
    statuses = dict(zip(zh["订单状态"], en["Status"], strict=True))
    assert statuses == {"已完成": "Completed", "已取消": "Cancelled"}
    channels = dict(zip(zh["渠道"], en["Channel"], strict=True))
    assert channels == {"天猫旗舰店": "Tmall Flagship Store", "京东自营": "JD.com Direct",
                        "微信小程序": "WeChat Mini Program", "线下门店": "Retail Store"}
    assert en["Name"].dropna().str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()
    assert set(en["Marketing Consent"].dropna()) == {"TRUE", "FALSE"}


def test_every_catalogue_item_has_a_distinct_english_name():
    assert len({p.name_en for p in CATALOG}) == len(CATALOG) == 40
    assert len({p.category_en for p in CATALOG}) == len({p.category for p in CATALOG}) == 6
    assert not any(CJK.search(p.name_en + p.category_en) for p in CATALOG)
    assert CATALOG[0].name_en == "Specialty Coffee Beans 454g" and CATALOG[0].category_en == "Coffee & Tea"


def test_names_are_written_in_pinyin_surname_first():
    assert pinyin_name("王芳") == "Wang Fang"
    assert pinyin_name("张浩然") == "Zhang Haoran"
    assert pinyin_name("徐晓燕") == pinyin_name("许晓燕") == "Xu Xiaoyan"  # two surnames, one spelling
    with pytest.raises(KeyError):
        pinyin_name("欧阳娜")  # not a generated name


@pytest.mark.parametrize(("column", "value", "message"), [
    ("channel", "抖音小店", "no English channel for '抖音小店'"),
    ("status", "已退款", "no English status for '已退款'"),
    ("name", "欧阳娜", "no English name for '欧阳娜'"),
    ("city", "拉萨", "no English city for '拉萨'"),
])
def test_a_value_without_english_form_is_refused(data, column, value, message):
    export = export_table(data.orders, data.customers)
    bad = export.assign(**{column: export[column].where(export.index != 5, value)})
    with pytest.raises(ValueError, match=re.escape(message)):
        english_export(bad)
