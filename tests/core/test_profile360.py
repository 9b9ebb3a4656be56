"""Customer 360 core (crm_core.segment.profile360) on a tiny order set worked out by hand.

Analysis day 2024-07-01.
C1: first order 2023-05-28 (400 days before), 2024-04-01 (two lines, 300 + 100), 2024-05-22 (40 days
    before, 500); a return of 100 on 2024-05-25.  3 orders, gross 1,100, net 1,000, average order 366.67;
    gaps 309 and 51 days, mean 180, so the next order is expected 2024-05-22 + 180 days = 2024-11-18.
    Active (last 40 days ago, the gap before it 51 days).
C2: 2023-06-01, then 2024-06-21 (10 days before): 386 days without a purchase, so reactivated.
C3: one order on 2024-06-30 (1 day before): new.
C4: one order on 2024-01-15 (168 days before): silent.
"""

from datetime import date

import pandas as pd
import pytest

from crm_core.customers import customer_table
from crm_core.segment import profile360 as p
from crm_core.segment.clusters import fit_clusters
from crm_core.segment.combined import SegmentChoices, segmented_table
from crm_core.segment.lifecycle import LifecycleWindows
from crm_core.segment.rfm import RfmParams
from crm_core.segment.tags import Bought, Condition, Group, TagRule

AS_OF = date(2024, 7, 1)
LINES = [  # customer, order, date, product, category, amount, channel, return
    ("C1", "O1", "2023-05-28 10:00", "奶粉", "母婴", 200.0, "线上", False),
    ("C1", "O2", "2024-04-01 09:30", "奶粉", "母婴", 300.0, "线上", False),
    ("C1", "O2", "2024-04-01 09:30", "尿布", "母婴", 100.0, "线上", False),
    ("C1", "O3", "2024-05-22 18:00", "奶粉", "母婴", 500.0, "线上", False),
    ("C1", "R1", "2024-05-25 12:00", "奶粉", "母婴", -100.0, "线上", True),
    ("C2", "O4", "2023-06-01 11:00", "大米", "粮油", 80.0, "门店", False),
    ("C2", "O5", "2024-06-21 16:00", "大米", "粮油", 120.0, "门店", False),
    ("C3", "O6", "2024-06-30 20:00", "咖啡", "饮品", 60.0, "线上", False),
    ("C4", "O7", "2024-01-15 08:00", "咖啡", "饮品", 45.0, "门店", False),
    ("C4", "O8", "2024-07-02 08:00", "咖啡", "饮品", 45.0, "门店", False),  # after the analysis day
]
CONTACTS = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3", "C4"],
    "name": ["张丽", "王小明", "李明", None],
    "phone": ["139 1111 2222", "+86 138 0013 8000", "13912348000", None],
    "email": ["zhangli@example.com", None, "li.ming@example.com", "c4@shop.cn"],
    "city": ["上海", "北京", "杭州", "广州"],
}).astype({"customer_id": "str"})
BIG_MILK = TagRule("Big milk buyer", "奶粉大客户",
                   (Condition("monetary", ">=", 1000), Bought("奶粉", 1, 90)))
SHOP_OR_RICH = TagRule("Shop or rich", "门店或高消费",
                       (Condition("channel", "is", "门店"), Condition("monetary", ">=", 5000)), combine="or")
NEVER = TagRule("Milk twice lately", "近期两次奶粉", (Bought("奶粉", 2, 90),))
RULES = (BIG_MILK, SHOP_OR_RICH, NEVER)


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    frame = pd.DataFrame(LINES, columns=["customer_id", "order_id", "order_date", "product", "category", "amount",
                                         "channel", "is_return"])
    return frame.assign(order_date=pd.to_datetime(frame["order_date"]), quantity=1.0, sku=None,
                        unit_price=frame["amount"].abs(), source_row=range(2, 2 + len(frame)))


@pytest.fixture(scope="module")
def table(orders) -> pd.DataFrame:
    plain = customer_table(orders, CONTACTS, as_of=AS_OF)
    return segmented_table(plain, orders, AS_OF, choices=SegmentChoices(clusters=None, tags=RULES))


def profile(table, orders, customer, lang="en", **kwargs):
    row = table[table["customer_id"] == customer].iloc[0]
    return p.customer_profile(row, orders, rfm_params=RfmParams(), windows=LifecycleWindows(), tag_rules=RULES,
                              as_of=AS_OF, lang=lang, currency="¥", **kwargs)


def test_kpis_of_one_customer(table, orders):
    c1 = profile(table, orders, "C1")
    assert c1.customer_id == "C1"
    assert c1.value("frequency") == 3
    assert c1.value("gross_sales") == 1100 and c1.value("returns_value") == -100 and c1.value("monetary") == 1000
    assert c1.value("avg_order_value") == pytest.approx(1100 / 3)
    assert (c1.value("tenure_days"), c1.value("recency_days")) == (400, 40)
    assert c1.value("first_order_date") == pd.Timestamp("2023-05-28 10:00")
    assert c1.value("last_order_date") == pd.Timestamp("2024-05-22 18:00")
    assert c1.value("avg_interval_days") == 180
    assert c1.value("longest_gap_days") == 309
    assert c1.value("expected_next_order_date") == pd.Timestamp("2024-11-18")
    assert c1.value("return_share") == pytest.approx(100 / 1100)
    assert (c1.value("top_product"), c1.value("top_category"), c1.value("channel")) == ("奶粉", "母婴", "线上")
    assert (c1.value("name"), c1.value("city")) == ("张丽", "上海")
    assert (c1.churn_risk, c1.lifetime_value, c1.recommended_products) == (None, None, None)


def test_the_timeline_has_one_point_per_order_and_returns_apart(table, orders):
    timeline = profile(table, orders, "C1", lang="zh").orders
    assert timeline["order_id"].tolist() == ["O1", "O2", "O3", "R1"]
    assert timeline["kind"].tolist() == ["purchase", "purchase", "purchase", "return"]
    assert timeline["amount"].tolist() == [200, 400, 500, -100]
    assert timeline["lines"].tolist() == [1, 2, 1, 1]
    assert timeline["products"].tolist() == ["奶粉", "奶粉、尿布", "奶粉", "奶粉"]
    later = profile(table, orders, "C4")  # the line after the analysis day is not part of the profile
    assert later.orders["order_id"].tolist() == ["O7"] and len(later.lines) == 1


def test_stage_reasons_in_words(table, orders):
    c1, c2, c3, c4 = (profile(table, orders, c) for c in ("C1", "C2", "C3", "C4"))
    assert (c1.stage.key, c2.stage.key, c3.stage.key, c4.stage.key) == ("active", "reactivated", "new", "silent")
    assert c1.stage.reason == ("last purchase 40 days ago, first 400 days ago: Active (bought in the last 90 days; "
                               "first purchase more than 90 days ago)")
    assert c2.stage.reason == ("last purchase 10 days ago, after 386 days without a purchase: Reactivated (came "
                               "back in the last 90 days after more than 180 days without a purchase)")
    assert c3.stage.reason == "last purchase 1 day ago, first 1 day ago: New (first purchase in the last 90 days)"
    assert c4.stage.reason.startswith("last purchase 168 days ago, first 168 days ago: Silent (last purchase 90 to 180")
    zh = profile(table, orders, "C1", lang="zh")
    assert zh.stage.reason == ("最近一次购买在 40 天前，首次购买在 400 天前：活跃客户（最近 90 天内有购买，"
                               "首次购买在 90 天以前）")
    c2_zh = profile(table, orders, "C2", lang="zh").stage.reason
    assert c2_zh.startswith("最近一次购买在 10 天前，此前 386 天没有购买：回流客户")
    wider = p.stage_reason(table[table["customer_id"] == "C4"].drop(columns="stage").iloc[0],
                           LifecycleWindows(new_days=30, active_days=170, churn_days=200))
    assert wider[0] == "active"


def test_tag_reasons_name_the_conditions_that_hold(table, orders):
    c1 = profile(table, orders, "C1")
    assert [(t.name, t.reasons) for t in c1.tags] == [
        ("Big milk buyer", ("Total spend ≥ ¥1,000 (this customer: ¥1,000)", "bought the product 奶粉 in at least "
                            "1 order in the last 90 days (this customer: 1 order)")),
    ]  # O2 on 2024-04-01 is 91 days before: outside the 90 days, so "milk twice lately" does not hold
    c2 = profile(table, orders, "C2", lang="zh")
    assert [(t.name, t.reasons) for t in c2.tags] == [("门店或高消费", ("渠道为“门店”（该客户：门店）",))]
    assert profile(table, orders, "C3").tags == ()
    # the tags shown agree with the table's own tag columns
    assert table.set_index("customer_id").loc["C1", "tags"] == "Big milk buyer"


def test_conditions_in_words():
    assert p.describe(Group((Condition("channel", "in", ["门店", "电话"]), Bought("母婴", 3, None, "category")),
                            "or")) == "(Channel is one of 门店, 电话 or bought the category 母婴 in at least 3 orders)"
    assert p.describe(Condition("return_share", "<", 0.1), "zh") == "退货占比 < 10.0%"
    assert p.describe(Condition("last_order_date", ">=", "2024-01-01")) == "Last order ≥ 2024-01-01"
    assert p.describe(Bought("奶粉", 2, 30), "zh") == "最近 30 天内购买商品“奶粉”至少 2 次"
    assert p.describe(Condition("city", "contains", "京"), "zh") == "城市包含“京”"


def test_rfm_and_cluster_reasons(table, orders):
    c1 = profile(table, orders, "C1")
    row = table[table["customer_id"] == "C1"].iloc[0]
    assert c1.rfm.key == row["segment"]
    assert c1.rfm.reason == (f"Last order 40 days ago · 3 orders · spent ¥1,000 "
                             f"(R{row['r_score']} F{row['f_score']} M{row['m_score']})")
    assert c1.rfm.name == RfmParams().scheme.name(row["segment"], "en") and c1.cluster is None
    fitted = fit_clusters(table, 2)
    clustered = profile(table, orders, "C1", lang="zh", clusters=fitted)
    key = str(fitted.labels(table[table["customer_id"] == "C1"])[0])
    assert clustered.cluster.key == key and clustered.cluster.name == fitted.text(key, "name", "zh")
    assert clustered.cluster.reason == fitted.text(key, "description", "zh") and clustered.cluster.reason


@pytest.mark.parametrize("query", ["138 0013 8000", "+86 13800138000", "13800138000", "0086-138-0013-8000"])
def test_a_phone_is_found_however_it_is_written(table, query):
    found = p.find_customers(table, query)
    assert found["customer_id"].tolist() == ["C2"] and found["matched_on"].tolist() == ["phone"]


def test_search_by_id_name_email_and_last_digits(table):
    assert p.find_customers(table, "c1")["customer_id"].tolist() == ["C1"]
    by_prefix = p.find_customers(table, "C")
    assert by_prefix["customer_id"].tolist() == ["C1", "C2", "C3", "C4"]
    assert set(by_prefix["matched_on"]) == {"id_prefix"}
    assert p.find_customers(table, "明")["customer_id"].tolist() == ["C2", "C3"]
    last4 = p.find_customers(table, "8000")
    assert last4["customer_id"].tolist() == ["C2", "C3"] and set(last4["matched_on"]) == {"phone_end"}
    assert p.find_customers(table, "LI.MING@example.com")["matched_on"].tolist() == ["email"]
    assert p.find_customers(table, "example")["customer_id"].tolist() == ["C1", "C3"]
    assert p.find_customers(table, "C", limit=2)["customer_id"].tolist() == ["C1", "C2"]
    assert p.find_customers(table, "  ").empty and p.find_customers(table, "Z999").empty
    assert p.find_customers(table, "123").empty  # 3 digits are no phone


def test_an_exact_id_comes_before_other_matches():
    table = pd.DataFrame({"customer_id": ["A12", "12", "B7"], "name": ["x", "y", "z"],
                          "phone": ["555 0012", None, "13800000012"]})
    assert p.find_customers(table, "12")["customer_id"].tolist() == ["12"]  # 2 digits: no phone search
    found = p.find_customers(table, "0012")
    assert found["customer_id"].tolist() == ["A12", "B7"]


def test_phone_digits():
    assert p.phone_digits("+86 138 0013 8000") == p.phone_digits("8613800138000") == "13800138000"
    assert p.phone_digits("(020) 7946-0958") == "02079460958"
    assert p.phone_digits(None) == "" and p.phone_digits(float("nan")) == ""


def test_phones_as_ids_and_odd_writings_are_found():
    table = pd.DataFrame({"customer_id": ["+86 139 0000 1111", "M7"], "name": [None, "x"],
                          "phone": [None, "tel: 0086 137-0000-2222 ext"]})
    found = p.find_customers(table, "13900001111")
    assert found["customer_id"].tolist() == ["+86 139 0000 1111"] and found["matched_on"].tolist() == ["phone"]
    assert p.find_customers(table, "137 0000 2222")["customer_id"].tolist() == ["M7"]
    assert p.find_customers(table, "2222")["matched_on"].tolist() == ["phone_end"]
    assert p.find_customers(table, "1111")["customer_id"].tolist() == ["+86 139 0000 1111"]
