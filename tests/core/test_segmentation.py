"""Any Segmentation goes through summaries, lists and the workbook: proved with a hand-made 2-tier one."""

from __future__ import annotations

import io
from dataclasses import dataclass

import openpyxl
import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.export import ListOptions, ListRequest
from crm_core.schema import DataError
from crm_core.segment import rfm
from crm_core.segment.base import Segmentation

_TEXTS = {
    "gold": {"name": ("Gold", "金卡"), "description": ("Top spenders", "消费最高"),
             "action": ("Invite to the VIP evening", "邀请参加贵宾之夜"), "channel": ("Phone", "电话")},
    "silver": {"name": ("Silver", "银卡"), "description": ("The rest", "其余客户"),
               "action": ("Send the newsletter", "发送会员简报"), "channel": ("Email", "邮件")},
}


@dataclass(frozen=True)
class Tiers:
    """A second Segmentation, by hand: two tiers on a "tier" column."""

    key_column: str = "tier"

    def segments(self) -> tuple[str, ...]:
        return ("gold", "silver")

    def text(self, key: str, field: str, lang: str = "en") -> str:
        return _TEXTS[key][field][1 if lang == "zh" else 0]


TIERS = Tiers()


def customers() -> pd.DataFrame:
    """Silver listed first, so the order must come from the segmentation; G2 opted out; S2 listed before S1
    but spends less, so the list must sort by spend."""
    return pd.DataFrame({
        "customer_id": ["S2", "G1", "S1", "G2"],
        "tier": ["silver", "gold", "silver", "gold"],
        "recency_days": [90, 10, 30, 20], "frequency": [1, 4, 1, 2],
        "monetary": [80.0, 400.0, 120.0, 200.0],
        "opted_out": [False, False, False, True],
    })


def test_rfm_schemes_and_the_tiers_are_segmentations():
    assert isinstance(rfm.SCHEME_11, Segmentation) and isinstance(TIERS, Segmentation)
    assert rfm.SCHEME_4.key_column == "segment"
    assert rfm.SCHEME_4.text("potential", "channel", "en") == rfm.SCHEME_4.info("potential").channel_en


def test_segment_summary_of_any_segmentation_by_hand():
    summary = rfm.segment_summary(customers(), TIERS, lang="zh")
    # gold: 400 + 200 = 600 of 800; silver: 120 + 80 = 200 of 800
    assert summary.to_dict("list") == {
        "segment": ["gold", "silver"], "name": ["金卡", "银卡"], "customers": [2, 2],
        "customer_share": [0.5, 0.5], "revenue": [600.0, 200.0], "revenue_share": [0.75, 0.25],
        "avg_recency_days": [15.0, 60.0], "avg_frequency": [3.0, 1.0], "avg_monetary": [300.0, 100.0],
        "description": ["消费最高", "其余客户"], "action": ["邀请参加贵宾之夜", "发送会员简报"],
    }


def test_lists_of_any_segmentation_by_hand():
    built = pipeline.build_lists(customers(), ListRequest(TIERS, options=ListOptions(lang="en")))
    assert list(built.sheets) == ["Gold", "Silver"]
    assert built.listed == {"gold": 1, "silver": 2} and built.left_out == {"gold": 1, "silver": 0}
    # default columns the table can fill: no RFM code and no reason without RFM scores
    assert built.sheets["Silver"].to_dict("list") == {
        "Customer ID": ["S1", "S2"], "Segment": ["Silver", "Silver"], "Days since last order": [30, 90],
        "Orders": [1, 1], "Total spend": [120.0, 80.0], "Offer": ["Send the newsletter"] * 2,
        "Suggested channel": ["Email"] * 2,
    }
    assert built.summary[["Segment", "Customers", "In the list", "Left out (opted out)"]].values.tolist() == [
        ["Gold", 2, 1, 1], ["Silver", 2, 2, 0]]


def test_workbook_of_any_segmentation_by_hand():
    request = ListRequest(TIERS, segments=("gold", "silver"), options=ListOptions(lang="zh"))
    book = openpyxl.load_workbook(io.BytesIO(pipeline.rfm_workbook(customers(), request)))
    assert book.sheetnames == ["概览", "金卡", "银卡"]
    summary = book["概览"]
    assert summary["A1"].value.startswith("1 位已退订营销的客户未列入名单")  # the note, then the header on row 2
    assert [c.value for c in summary[2]][:6] == ["客户分群", "客户数", "列入名单人数", "未列入（已退订）",
                                                 "客户占比", "销售额"]
    assert [c.value for c in summary[3]][:6] == ["金卡", 2, 1, 1, 0.5, 600]
    assert summary["E3"].number_format == "0.0%" and summary["F3"].number_format == "#,##0.00"
    gold = book["金卡"]
    assert [c.value for c in gold[1]] == ["客户编号", "客户分群", "距上次购买天数", "购买次数", "消费总额", "推荐优惠",
                                          "建议触达渠道"]
    assert [c.value for c in gold[2]] == ["G1", "金卡", 10, 4, 400, "邀请参加贵宾之夜", "电话"]
    assert gold.max_row == 2  # G2 opted out
    assert gold["E2"].number_format == "#,##0.00" and gold["C2"].number_format == "#,##0"


def test_a_table_without_the_key_column_is_refused_in_words():
    with pytest.raises(DataError) as caught:
        rfm.segment_summary(customers().drop(columns="tier"), TIERS)
    assert caught.value.text("en") == ("The customer table has no tier column, which says which group each customer "
                                       "is in. Group the customers first.")
    assert caught.value.text("zh") == "客户表缺少表示每位客户所属分组的 tier 列。请先为客户分组。"


def test_the_segment_chart_draws_any_segmentation(monkeypatch):
    from ui import charts

    monkeypatch.setattr(charts, "t", lambda key, **_: key)  # labels by key: no Streamlit session needed
    chart = charts.segment_bars(rfm.segment_summary(customers(), TIERS)).to_dict()
    assert chart["encoding"]["y"]["sort"] == ["Gold", "Silver"]
    values = next(iter(chart["datasets"].values()))
    shares = {(v["name"], v["measure"]): v["share"] for v in values}
    assert shares == {("Gold", "share_customers"): 0.5, ("Silver", "share_customers"): 0.5,
                      ("Gold", "share_revenue"): 0.75, ("Silver", "share_revenue"): 0.25}
