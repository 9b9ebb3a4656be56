"""The tag rule builder on the Campaign builder page: rules added through the widgets tag exactly the customers
crm_core's ``apply_tags`` tags, are saved in the analysis file and come back when it is opened; bad values show
the core's message; a tag is then a condition of the campaign.
"""

from __future__ import annotations

import json

import pytest
from app_helpers import APP_FIXTURES, by_key, en, make_upload, metrics, open_app, rerun, texts

from crm_core import pipeline
from crm_core.customers import customer_table, default_as_of
from crm_core.schema import DataError
from crm_core.segment import tags
from crm_core.segment.tags import Bought, Condition, TagRule

CAMPAIGN = "app_pages/campaign.py"
DATA = "app_pages/data.py"
BIG = TagRule("Big spender", "高消费", (Condition("monetary", ">=", 1000),))


@pytest.fixture(scope="module")
def sample(sample_loaded):
    result = sample_loaded.result
    as_of = default_as_of(result.orders)
    return customer_table(result.orders, result.customers, as_of=as_of), result.orders, as_of


@pytest.fixture(scope="module")
def top_category(sample_loaded) -> str:
    orders = sample_loaded.result.orders
    return str(orders.loc[~orders["is_return"], "category"].value_counts().index[0])




def counts(rules, sample) -> list[int]:
    """Customers per rule, from crm_core directly."""
    table, orders, as_of = sample
    tagged = tags.apply_tags(table, orders, tuple(rules), as_of)
    return [int(tagged[tags.tag_column(r, i)].sum()) for i, r in enumerate(rules, start=1)]


def shown_counts(at) -> dict[str, int]:
    """Tag name -> customers, from the page's table of tags."""
    (frame,) = [d.value for d in at.dataframe if en("tag_col_customers") in d.value.columns]
    return dict(zip(frame[en("tag_col_en")], frame[en("tag_col_customers")], strict=True))


def name_rule(at, en_name: str, zh_name: str) -> None:
    by_key(at.main.text_input, r"tag_\d+_\d+_name_en").set_value(en_name)
    by_key(at.main.text_input, r"tag_\d+_\d+_name_zh").set_value(zh_name)


def add_big_spender(at) -> None:
    name_rule(at, "Big spender", "高消费")
    assert by_key(at.main.selectbox, r"tag_\d+_\d+_0_field").value == "monetary"
    by_key(at.main.selectbox, r"tag_\d+_\d+_0_op_False").set_value(">=")
    by_key(at.main.text_input, r"tag_\d+_\d+_0_value_number_monetary").set_value("1000")
    rerun(at)
    by_key(at.main.button, r"tag_\d+_\d+_save").click()
    rerun(at)


def add_category_buyer(at, category: str) -> None:
    by_key(at.main.button, r"tag_\d+_\d+_0_remove").click()  # the new rule's field row: a purchase rule instead
    rerun(at)
    by_key(at.main.button, r"tag_\d+_\d+_add_bought").click()
    rerun(at)
    name_rule(at, "Category fan", "品类粉丝")
    by_key(at.main.selectbox, r"tag_\d+_\d+_0_match").set_value("category")
    rerun(at)
    by_key(at.main.selectbox, r"tag_\d+_\d+_0_item_category").set_value(category)
    by_key(at.main.number_input, r"tag_\d+_\d+_0_times").set_value(2)
    by_key(at.main.number_input, r"tag_\d+_\d+_0_days").set_value(120)
    rerun(at)
    by_key(at.main.button, r"tag_\d+_\d+_save").click()
    rerun(at)


def test_a_numeric_and_a_purchase_rule_tag_the_customers_apply_tags_tags(sample_upload, sample, top_category):
    at = open_app(CAMPAIGN, upload=sample_upload)
    assert en("tag_none") in texts(at.info)
    add_big_spender(at)
    fan = TagRule("Category fan", "品类粉丝", (Bought(top_category, 2, 120, "category"),))
    big_n, fan_n = counts([BIG, fan], sample)
    assert 0 < big_n < 500 and 0 < fan_n < 500
    assert at.session_state["tag_rules"] == (BIG,)
    assert en("tag_saved", name="Big spender", n=big_n) in texts(at.success)
    add_category_buyer(at, top_category)
    assert at.session_state["tag_rules"] == (BIG, fan)
    assert en("tag_saved", name="Category fan", n=fan_n) in texts(at.success)
    assert shown_counts(at) == {"Big spender": big_n, "Category fan": fan_n}
    # Each tag is a condition of the campaign: "has the tag" selects exactly its customers.
    by_key(at.main.selectbox, r"cmp_\d+_\d+_rows0_column").set_value("tag_big_spender")
    rerun(at)
    assert by_key(at.main.multiselect, r"cmp_\d+_\d+_rows0_keys_tag_big_spender").value == [True]
    assert metrics(at)[en("cmp_selected")] == f"{big_n:,}"
    assert en("cmp_words", words=en("cmp_tag_yes", name="Big spender")) in texts(at.markdown)


def test_rules_are_saved_in_the_analysis_file_and_opening_it_restores_them(sample_upload, sample, downloads):
    at = open_app(CAMPAIGN, upload=sample_upload)
    add_big_spender(at)
    analysis = downloads["save_analysis"]  # the new session below records its own
    assert json.loads(analysis)["tags"] == [BIG.to_dict()]
    fresh = open_app(DATA, upload=sample_upload)
    fresh.file_uploader(key="open_analysis").set_value(("march.json", analysis, "application/json"))
    rerun(fresh)
    fresh.switch_page(CAMPAIGN)
    rerun(fresh)
    assert fresh.session_state["tag_rules"] == (BIG,)
    assert shown_counts(fresh) == {"Big spender": counts([BIG], sample)[0]}


def test_a_bad_value_shows_the_core_message_and_nothing_is_saved(sample_upload):
    at = open_app(CAMPAIGN, upload=sample_upload)
    name_rule(at, "Big spender", "高消费")
    by_key(at.main.text_input, r"tag_\d+_\d+_0_value_number_monetary").set_value("a lot")
    rerun(at)
    with pytest.raises(DataError) as caught:
        Condition("monetary", ">=", "a lot")
    assert caught.value.text("en") in texts(at.error)
    assert by_key(at.main.button, r"tag_\d+_\d+_save").disabled
    assert "tag_rules" not in at.session_state or at.session_state["tag_rules"] == ()


def test_a_text_rule_edit_and_delete(sample_upload, sample):
    table = sample[0]
    assert table["city"].nunique() >= 2
    top_city = str(table["city"].value_counts().index[0])
    at = open_app(CAMPAIGN, upload=sample_upload)
    name_rule(at, "Big city", "大城市")
    by_key(at.main.selectbox, r"tag_\d+_\d+_0_field").set_value("city")
    rerun(at)
    by_key(at.main.selectbox, r"tag_\d+_\d+_0_op_True").set_value("is")
    rerun(at)
    by_key(at.main.selectbox, r"tag_\d+_\d+_0_value_pick_city").set_value(top_city)
    rerun(at)
    by_key(at.main.button, r"tag_\d+_\d+_save").click()
    rerun(at)
    city = TagRule("Big city", "大城市", (Condition("city", "is", top_city),))
    assert at.session_state["tag_rules"] == (city,)
    assert shown_counts(at) == {"Big city": int((table["city"] == top_city).sum())}
    # Edit: the rule's conditions come back in the widgets; "is one of" two cities.
    by_key(at.main.selectbox, r"tag_edit_\d+_\d+").set_value(0)
    rerun(at)
    assert by_key(at.main.selectbox, r"tag_\d+_\d+_0_value_pick_city").value == top_city
    second = str(table["city"].value_counts().index[1])
    by_key(at.main.selectbox, r"tag_\d+_\d+_0_op_True").set_value("in")
    rerun(at)
    by_key(at.main.multiselect, r"tag_\d+_\d+_0_value_in_city").set_value([top_city, second])
    rerun(at)
    by_key(at.main.button, r"tag_\d+_\d+_save").click()
    rerun(at)
    both = TagRule("Big city", "大城市", (Condition("city", "in", (top_city, second)),))
    assert at.session_state["tag_rules"] == (both,)
    assert shown_counts(at) == {"Big city": int(table["city"].isin([top_city, second]).sum())}
    by_key(at.main.selectbox, r"tag_edit_\d+_\d+").set_value(0)
    rerun(at)
    by_key(at.main.button, r"tag_\d+_\d+_delete").click()
    rerun(at)
    assert at.session_state["tag_rules"] == ()
    assert en("tag_deleted", name="Big city") in texts(at.success)


def test_one_click_examples_fit_the_data(sample_upload, sample):
    table, orders, _ = sample
    at = open_app(CAMPAIGN, upload=sample_upload)
    labels = [b.label for b in at.main.button if b.key and b.key.startswith("tag_example_")]
    top_channel = str(table["channel"].value_counts().index[0])
    assert any(label.startswith("＋ Big spender: Total spend ≥ 1000") for label in labels)
    # The sample has no channel called 线上 / Online: the example names its most common channel instead.
    assert not any("Prefers online" in label for label in labels)
    assert any(f"Prefers {top_channel}: Channel is {top_channel}" in label for label in labels)
    by_key(at.main.button, r"tag_example_0").click()
    rerun(at)
    assert at.session_state["tag_rules"] == (BIG,)
    assert shown_counts(at) == {"Big spender": counts([BIG], (table, orders, sample[2]))[0]}
    assert not any(b.label.startswith("＋ Big spender") for b in at.main.button if b.key.startswith("tag_example_"))



def test_hand_made_file_examples_and_a_purchase_window(tmp_path):
    """tests/data/app/campaign_small.csv, analysis date 2024-05-31 (the day after its last order), by hand:
    preferred channel Online = A (3 online orders) and C; Milk in at least 2 orders since 2024-03-02 = A only
    (B bought Milk once); nobody spent 1000, so no "Big spender" example."""
    small = APP_FIXTURES / "campaign_small.csv"
    at = open_app(CAMPAIGN, upload=make_upload(small.name, small.read_bytes()))
    labels = [b.label for b in at.main.button if b.key.startswith("tag_example_")]
    assert "＋ Prefers online: Channel is Online" in labels
    assert not any("Big spender" in label for label in labels)
    next(b for b in at.main.button if b.label == "＋ Prefers online: Channel is Online").click()
    rerun(at)
    assert shown_counts(at) == {"Prefers online": 2}
    by_key(at.main.button, r"tag_\d+_\d+_0_remove").click()
    rerun(at)
    by_key(at.main.button, r"tag_\d+_\d+_add_bought").click()
    rerun(at)
    name_rule(at, "Milk regular", "牛奶常客")
    by_key(at.main.selectbox, r"tag_\d+_\d+_0_item_product").set_value("Milk")
    by_key(at.main.number_input, r"tag_\d+_\d+_0_times").set_value(2)
    rerun(at)
    assert en("tag_preview", n=1) in texts(at.caption)
    by_key(at.main.button, r"tag_\d+_\d+_save").click()
    rerun(at)
    assert shown_counts(at) == {"Prefers online": 2, "Milk regular": 1}
    # The campaign on "Prefers online": A and C, 400 + 900 spent, half the customers, 1300 / 1415 of revenue.
    by_key(at.main.selectbox, r"cmp_\d+_\d+_rows0_column").set_value("tag_prefers_online")
    rerun(at)
    shown = metrics(at)
    assert shown[en("cmp_selected")] == "2" and "1,300" in shown[en("cmp_revenue")]
    assert shown[en("cmp_customer_share")] == "50.0%" and shown[en("cmp_revenue_share")] == f"{1300 / 1415:.1%}"


def test_a_purchase_rule_on_an_item_the_data_lacks_is_flagged(sample_upload):
    at = open_app(CAMPAIGN, upload=sample_upload)
    at.session_state["tag_rules"] = (TagRule("Tea lover", "爱喝茶", (Bought("No such tea", 1, None, "product"),)),)
    rerun(at)
    assert shown_counts(at) == {"Tea lover": 0}
    assert en("tag_item_missing", tag="Tea lover", match=en("tag_match_product"), item="No such tea") in texts(
        at.warning)


def test_a_saved_rule_this_data_cannot_carry_is_explained_and_can_be_deleted():
    """A rule on "city" (saved with last month's customer file) over orders without cities: the core's message,
    the rest of the page still works, and the rule can be deleted."""
    small = APP_FIXTURES / "campaign_small.csv"
    at = open_app(CAMPAIGN, upload=make_upload(small.name, small.read_bytes()))
    shanghai = TagRule("Shanghai", "上海客户", (Condition("city", "is", "上海"),))
    at.session_state["tag_rules"] = (shanghai,)
    rerun(at)
    loaded = pipeline.load(small.read_bytes(), small.name).result
    table = customer_table(loaded.orders, loaded.customers, as_of=default_as_of(loaded.orders))
    assert "city" not in table.columns
    with pytest.raises(DataError) as caught:
        tags.apply_tags(table, loaded.orders, (shanghai,), default_as_of(loaded.orders))
    assert caught.value.code == "tag_rule_failed"
    # The same message (the page's table has more columns to list as choices).
    said = caught.value.text("en").split(" Choose one of")[0]
    assert said == "The tag Shanghai cannot be applied: The field city is not a column of the customer table."
    assert [e for e in texts(at.error) if e.startswith(said)]
    assert en("cmp_no_condition") in texts(at.info)  # the builder below still works
    by_key(at.main.selectbox, r"tag_edit_\d+_\d+").set_value(0)
    rerun(at)
    by_key(at.main.button, r"tag_\d+_\d+_delete").click()
    rerun(at)
    assert at.session_state["tag_rules"] == () and not at.error


def test_tags_read_only_the_orders_inside_the_analysis_window(sample_upload, sample_loaded, top_category):
    """With the last 3 months as the window, "bought <category> at least 2 times (any time)" counts the orders of
    those months only, as crm_core does on the same window."""
    from crm_core.settings import Scope
    from ui.state import SCOPE

    fan = TagRule("Category fan", "品类粉丝", (Bought(top_category, 2, None, "category"),))
    at = open_app(CAMPAIGN, upload=sample_upload)
    at.session_state[SCOPE] = Scope(months=3)
    at.session_state["tag_rules"] = (fan,)
    rerun(at)
    result = sample_loaded.result
    as_of = default_as_of(result.orders)
    scoped = pipeline.in_scope(result, Scope(months=3), as_of=as_of)
    in_window = counts([fan], (customer_table(scoped.orders, scoped.customers, as_of=as_of), scoped.orders, as_of))
    everything = counts([fan], (customer_table(result.orders, result.customers, as_of=as_of), result.orders, as_of))
    assert in_window[0] < everything[0]
    assert shown_counts(at) == {"Category fan": in_window[0]}
    by_key(at.main.selectbox, r"tag_edit_\d+_\d+").set_value(0)  # the editor's preview reads the same orders
    rerun(at)
    assert en("tag_preview", n=in_window[0]) in texts(at.caption)
