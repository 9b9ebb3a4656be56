"""Tags (crm_core.segment.tags): standard attributes and rule-based tags, checked against values worked out by
hand on tests/data/tags/orders.csv, the rules' JSON form in the settings file, and every bad rule's message.

The fixture, as of 2024-07-01 ("the last 90 days" = order lines dated 2024-04-02 or later):

=== ======================================================= ======== ======== ===============================
id  奶粉 (category) orders: in 90 days / all before as-of    monetary channel  note
=== ======================================================= ======== ======== ===============================
C1  3 / 3 (C1-3 has two 奶粉 lines: one order)               1200     线上     also bought product 幼儿奶粉
C2  2 / 3 (C2-1 on 03-01)                                  900      门店     lines: 线上, 门店, 门店
C3  2 / 3 (C3-1 on 04-01 is 91 days back; 4 奶粉 lines)      1500     线上     also bought product 幼儿奶粉
C4  2 / 2 (the third 奶粉 line is a return)                  1000     线上     returned 100 of 1100
C5  3 / 3 (C5-1 on 04-02 is exactly 90 days back)          300      门店
C6  0 / 0 (纸尿裤 only, every 20 days)                       2000     线上
C7  2 / 2 (C7-3 is dated on the as-of day: not counted)    200      门店
C8  0 / 0 (one order)                                      50       线上
=== ======================================================= ======== ======== ===============================
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from crm_core import pipeline
from crm_core.columns import REGISTRY
from crm_core.customers import customer_table
from crm_core.schema import DataError
from crm_core.segment import Bought, Condition, Group, TagRule, apply_tags, standard_attributes, tag_column, tag_names
from crm_core.segment import tags as tag_rules
from crm_core.settings import AnalysisSettings

DATA = Path(__file__).resolve().parents[1] / "data" / "tags"
AS_OF = date(2024, 7, 1)

BOUGHT_MILK_3_IN_90 = Bought("奶粉", at_least=3, within_days=90, match="category")
ONLINE = Condition("channel", "is", "线上")
BIG = Condition("monetary", ">=", 1000)


def load_orders(name: str) -> pd.DataFrame:
    path = DATA / name
    return pipeline.load(path.read_bytes(), path.name).result.orders


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return load_orders("orders.csv")


@pytest.fixture(scope="module")
def table(orders) -> pd.DataFrame:
    return customer_table(orders, as_of=AS_OF)


def tagged(table, orders, *conditions, combine="and", as_of=AS_OF) -> set[str]:
    """The customers one rule made of ``conditions`` tags."""
    rule = TagRule("Test", "测试", conditions, combine)
    result = apply_tags(table, orders, [rule], as_of)
    return set(result.loc[result["tag_test"], "customer_id"])


def rule_file(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# --- standard attributes --------------------------------------------------------------------------------------

def test_expected_next_order_and_return_share_by_hand(table):
    attrs = standard_attributes(table).set_index("customer_id")
    expected = {
        "C1": "2024-07-11",  # 04-10, 05-10, 06-10: 61 days / 2 = 30.5 -> 31 (halves up) after 06-10
        "C2": "2024-07-17",  # 03-01 .. 06-01: 92 / 2 = 46 days after 06-01
        "C3": "2024-07-23",  # 04-01 .. 06-15: 75 / 2 = 37.5 -> 38 days after 06-15
        "C4": "2024-06-19",  # purchases 04-20, 05-20 (the return is not a purchase): 30 days after 05-20, overdue
        "C5": "2024-07-01",  # 04-02 .. 06-01: 60 / 2 = 30
        "C6": "2024-07-14",  # every 20 days, last 06-24
        "C7": "2024-07-06",  # 05-05, 06-05 (07-01 is the as-of day): 31 days
    }
    assert {k: v.date().isoformat() for k, v in attrs["expected_next_order_date"].dropna().items()} == expected
    assert pd.isna(attrs.loc["C8", "expected_next_order_date"])  # one purchase day: no rhythm
    assert attrs.loc["C4", "return_share"] == pytest.approx(100 / 1100)
    assert (attrs.drop(index="C4")["return_share"] == 0).all()
    # the standard attributes customer_table already has
    assert attrs.loc["C2", "channel"] == "门店"  # two 门店 lines against one 线上
    assert attrs.loc["C1", "top_product"] == "婴儿奶粉" and attrs.loc["C6", "top_category"] == "尿裤"
    assert attrs.loc["C6", "avg_order_value"] == 400 and attrs.loc["C6", "avg_interval_days"] == 20


def test_new_columns_are_registered():
    assert REGISTRY["expected_next_order_date"].kind == "date"
    assert REGISTRY["return_share"].kind == "percent"
    assert REGISTRY["tags"].label("zh") == "标签"


# --- conditions, by hand ----------------------------------------------------------------------------------------

def test_bought_milk_at_least_3_times_in_the_last_90_days(table, orders):
    # C3 has 4 奶粉 lines but 2 orders in the window; C4's third is a return; C7's third is on the as-of day
    assert tagged(table, orders, BOUGHT_MILK_3_IN_90) == {"C1", "C5"}


def test_the_window_edge_and_the_analysis_day_move_the_purchase_count(orders):
    # 89 days: C5-1 (2024-04-02) falls out
    table = customer_table(orders, as_of=AS_OF)
    assert tagged(table, orders, Bought("奶粉", 3, 89, "category")) == {"C1"}
    # as of 2024-07-02 the window starts 04-03 (C5 has 2) and C7-3 (07-01) counts (C7 has 3)
    later = customer_table(orders, as_of=date(2024, 7, 2))
    assert tagged(later, orders, BOUGHT_MILK_3_IN_90, as_of=date(2024, 7, 2)) == {"C1", "C7"}


def test_bought_over_all_history_fewer_times_and_by_product(table, orders):
    assert tagged(table, orders, Bought("奶粉", 3, None, "category")) == {"C1", "C2", "C3", "C5"}
    assert tagged(table, orders, Bought("奶粉", 2, 90, "category")) == {"C1", "C2", "C3", "C4", "C5", "C7"}
    assert tagged(table, orders, Bought("幼儿奶粉", 1, None, "product")) == {"C1", "C3"}
    assert tagged(table, orders, Bought("奶粉", 1, None, "product")) == set()  # exact text, not a part of it


def test_preferred_channel_and_monetary(table, orders):
    assert tagged(table, orders, ONLINE) == {"C1", "C3", "C4", "C6", "C8"}
    assert tagged(table, orders, BIG) == {"C1", "C3", "C4", "C6"}  # C4's net spend is exactly 1000
    assert tagged(table, orders, Condition("monetary", ">", 1000)) == {"C1", "C3", "C6"}
    assert tagged(table, orders, Condition("monetary", "<", 300)) == {"C7", "C8"}
    assert tagged(table, orders, Condition("monetary", "<=", 300)) == {"C5", "C7", "C8"}
    assert tagged(table, orders, Condition("frequency", "==", 5)) == {"C6"}
    assert tagged(table, orders, Condition("frequency", "!=", 3)) == {"C4", "C6", "C7", "C8"}


def test_text_operators(table, orders):
    assert tagged(table, orders, Condition("channel", "is_not", "线上")) == {"C2", "C5", "C7"}
    assert tagged(table, orders, Condition("channel", "in", ["门店", "电话"])) == {"C2", "C5", "C7"}
    # categories 奶粉 (C1-C5, C7), 尿裤 (C6), 辅食 (C8)
    assert tagged(table, orders, Condition("top_category", "contains", "粉")) == {"C1", "C2", "C3", "C4", "C5", "C7"}
    assert tagged(table, orders, Condition("top_product", "contains", "米")) == {"C8"}
    assert tagged(table, orders, Condition("customer_id", "contains", "c1")) == {"C1"}  # ignoring case


def test_a_missing_value_never_matches(table, orders):
    gap = table.assign(channel=table["channel"].where(table["customer_id"] != "C8"))
    assert tagged(gap, orders, Condition("channel", "is_not", "门店")) == {"C1", "C3", "C4", "C6"}
    # C8 has no expected next order (one purchase day); C4 and C5 are due by the as-of day
    assert tagged(table, orders, Condition("expected_next_order_date", "<=", "2024-07-01")) == {"C4", "C5"}
    assert tagged(table, orders, Condition("return_share", ">", 0.05)) == {"C4"}


def test_and_or_and_a_nested_group(table, orders):
    assert tagged(table, orders, BOUGHT_MILK_3_IN_90, ONLINE) == {"C1"}
    assert tagged(table, orders, BOUGHT_MILK_3_IN_90, BIG, combine="or") == {"C1", "C3", "C4", "C5", "C6"}
    assert tagged(table, orders, ONLINE, BIG, BOUGHT_MILK_3_IN_90) == {"C1"}
    # online AND (bought 3 in 90 OR monetary >= 1500): {C1,C3,C4,C6,C8} & ({C1,C5} | {C3,C6})
    either = Group((BOUGHT_MILK_3_IN_90, Condition("monetary", ">=", 1500)), "or")
    assert tagged(table, orders, ONLINE, either) == {"C1", "C3", "C6"}


# --- several tags, their columns and names -----------------------------------------------------------------------

RULES = (
    TagRule("Milk regular", "奶粉常客", (BOUGHT_MILK_3_IN_90,)),
    TagRule("Online", "线上偏好", (ONLINE,)),
    TagRule("Big spender", "高消费", (BIG,)),
    TagRule("???", "问号", (Condition("frequency", ">=", 5),)),
)


def test_apply_tags_adds_one_flag_per_rule_and_the_names(table, orders):
    result = apply_tags(table, orders, RULES, AS_OF).set_index("customer_id")
    flags = ["tag_milk_regular", "tag_online", "tag_big_spender", "tag_4"]  # "???" has no letters: its position
    assert [tag_column(rule, i) for i, rule in enumerate(RULES, start=1)] == flags
    assert all(result[f].dtype == bool for f in flags)
    assert result.loc["C1", "tags"] == "Milk regular, Online, Big spender"
    assert result.loc["C6", "tags"] == "Online, Big spender, ???"
    assert result.loc["C7", "tags"] == ""
    assert tag_names(result.loc["C5"], RULES, "zh") == ["奶粉常客"]
    assert len(result) == len(table) and "return_share" in result.columns
    zh = apply_tags(table, orders, RULES, AS_OF, lang="zh").set_index("customer_id")
    assert zh.loc["C1", "tags"] == "奶粉常客、线上偏好、高消费"


def test_no_rules_gives_an_empty_tags_column(table, orders):
    result = apply_tags(table, orders, (), AS_OF)
    assert (result["tags"] == "").all() and len(result) == 8


def test_no_customers_before_the_analysis_day_gives_no_tags(orders):
    empty = customer_table(orders, as_of=date(2024, 1, 1))
    result = apply_tags(empty, orders, RULES, date(2024, 1, 1))
    assert len(result) == 0 and {"tag_milk_regular", "tags"} <= set(result.columns)


# --- the JSON form and the settings file ------------------------------------------------------------------------

def test_rules_round_trip_through_their_json_form():
    nested = TagRule("Online regular", "线上常客",
                     (ONLINE, Group((BOUGHT_MILK_3_IN_90, Condition("channel", "in", ["线上", "小程序"])), "or")))
    for rule in (*RULES, nested):
        text = json.dumps(rule.to_dict(), ensure_ascii=False)
        assert TagRule.from_dict(json.loads(text)) == rule
    assert nested.to_dict()["conditions"][1] == {
        "combine": "or", "conditions": [
            {"bought": "奶粉", "at_least": 3, "within_days": 90, "match": "category"},
            {"field": "channel", "op": "in", "value": ["线上", "小程序"]}]}


def test_settings_keep_the_tags_and_apply_them_again(table, orders):
    settings = AnalysisSettings(lang="zh", tags=RULES)
    text = settings.to_json()
    assert json.loads(text)["tags"][0] == {
        "name_en": "Milk regular", "name_zh": "奶粉常客", "combine": "and",
        "conditions": [{"bought": "奶粉", "at_least": 3, "within_days": 90, "match": "category"}]}
    again = AnalysisSettings.from_json(text)
    assert again == settings and again.tags == RULES
    result = apply_tags(table, orders, again.tags, AS_OF).set_index("customer_id")
    assert set(result.index[result["tag_milk_regular"]]) == {"C1", "C5"}
    # an older file without "tags" opens with none
    assert AnalysisSettings.from_json('{"kind": "crm-analysis", "version": 1}').tags == ()
    assert AnalysisSettings().to_dict()["tags"] == []


@pytest.mark.parametrize(("name", "key", "en"), [
    ("settings_tags_not_a_list.json", "tags", "a list of tag rules"),
    ("settings_bad_tag.json", "tags[1]", 'a usable tag rule (The condition on monetary uses "=>"'),
])
def test_bad_tags_in_the_settings_file_are_named(name, key, en):
    with pytest.raises(DataError) as caught:
        AnalysisSettings.from_json((DATA / name).read_bytes(), source=name)
    assert caught.value.code == "bad_settings" and caught.value.params["key"] == key
    assert en in caught.value.text("en")
    assert f"“{key}”" in caught.value.text("zh")


# --- every bad rule -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "code", "en", "zh"), [
    ("bad_op.json", "tag_bad_op", 'The condition on monetary uses "=>", which is not an operator. Use one of: '
     ">=, <=, >, <, ==, !=, is, is_not, contains, in.", "“=>”"),
    ("number_op_text_value.json", "tag_bad_value", "The condition monetary >= has the value a lot; it needs a "
     "number (or a date YYYY-MM-DD for a date field).", "应为数字"),
    ("number_op_bool_value.json", "tag_bad_value", "has the value True; it needs a number", "应为数字"),
    ("in_not_a_list.json", "tag_bad_value", "The condition channel in has the value 线上; it needs a list of texts",
     "应为文字列表"),
    ("text_op_number_value.json", "tag_bad_value", "The condition channel is has the value 5; it needs a text.",
     "应为文字"),
    ("empty_field.json", "tag_bad_field_name", "A tag condition has no field", "没有字段"),
    ("bought_bad_match.json", "tag_bad_match", 'compares "sku"; it can compare one of: product, category.',
     "product、category"),
    ("bought_zero_times.json", "tag_bad_times", "asks for 0 orders; give a whole number of at least 1", "0"),
    ("bought_days_not_whole.json", "tag_bad_days", "looks back 7.5 days", "7.5"),
    ("bought_nothing.json", "tag_bad_bought_item", "names no product or category", "商品或品类"),
    ("bad_combine.json", "tag_bad_combine", 'Conditions are joined by "xor"', "“xor”"),
    ("empty_group.json", "tag_empty_group", "A group of tag conditions is empty", "空的"),
    ("not_a_condition.json", "tag_bad_condition", "42 is not a tag condition", "42"),
    ("unknown_condition_keys.json", "tag_bad_condition", "{'field': 'monetary', 'value': 1000} is not a tag "
     "condition", "不是标签条件"),
    ("no_chinese_name.json", "tag_no_name", 'both an English and a Chinese name (now "Test tag" / "")',
     "“Test tag”/“”"),
    ("no_conditions.json", "tag_no_conditions", "The tag Test tag has no conditions", "Test tag"),
    ("rule_not_an_object.json", "tag_bad_rule", "['Big spender', 'monetary >= 1000'] is not a tag rule",
     "不是标签规则"),
])
def test_each_bad_rule_is_refused_when_read(name, code, en, zh):
    data = rule_file(name)
    with pytest.raises(DataError) as caught:
        TagRule.from_dict(data)
    assert caught.value.code == code
    assert en in caught.value.text("en")
    assert zh in caught.value.text("zh")


@pytest.mark.parametrize(("name", "cause", "en"), [
    ("unknown_field.json", "tag_unknown_field", "The field vip_level is not a column of the customer table. "
     "Choose one of: First order (first_order_date), Last order (last_order_date),"),
    ("number_op_on_text_field.json", "tag_op_needs_number", 'The field channel holds text, so ">=" cannot '
     "compare it. For text use one of: is, is_not, contains, in"),
    ("text_op_on_number_field.json", "tag_op_needs_text", 'The field monetary holds numbers or dates, so '
     '"contains" cannot compare it. Use one of: >=, <=, >, <, ==, !='),
    ("date_field_number_value.json", "tag_bad_value", "The condition last_order_date >= has the value 5; it "
     "needs a date YYYY-MM-DD"),
    ("number_field_date_value.json", "tag_bad_value", "The condition monetary >= has the value 2024-01-01; it "
     "needs a number"),
])
def test_each_rule_that_does_not_fit_the_table_names_the_tag_and_field(table, orders, name, cause, en):
    rule = TagRule.from_dict(rule_file(name))
    with pytest.raises(DataError) as caught:
        apply_tags(table, orders, [rule], AS_OF)
    assert caught.value.code == "tag_rule_failed" and caught.value.params["cause"] == cause
    assert caught.value.text("en").startswith("The tag Test tag cannot be applied: ")
    assert en in caught.value.text("en")
    assert caught.value.text("zh").startswith("无法应用标签 Test tag：")


def test_a_purchase_condition_needs_the_column_it_compares():
    orders = load_orders("orders_without_category.csv")
    table = customer_table(orders, as_of=AS_OF)
    rule = TagRule.from_dict(rule_file("bought_category_not_mapped.json"))
    with pytest.raises(DataError) as caught:
        apply_tags(table, orders, [rule], AS_OF)
    assert caught.value.params["cause"] == "tag_no_purchase_column"
    assert "compares the category, but the orders have no category column" in caught.value.text("en")
    # the product column is there, so the same purchase by product works
    assert tagged(table, orders, Bought("婴儿奶粉", 1, None, "product")) == {"C1"}


def test_two_tags_with_the_same_column_are_refused(table, orders):
    rules = tag_rules.rules_from_list(rule_file("duplicate_columns.json"))
    with pytest.raises(DataError) as caught:
        apply_tags(table, orders, rules, AS_OF)
    assert caught.value.code == "tag_duplicate"
    assert caught.value.text("en") == ("The tag big-spender would get the column tag_big_spender, which another "
                                       "tag already has. Give it another English name.")
