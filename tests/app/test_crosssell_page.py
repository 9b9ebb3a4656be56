"""Cross-sell page: the figures equal crm_core's on the same file, the offers and bundle lists downloaded through the
export path are the ones computed here, and the choice reaches the campaign builder.

Two files: a hand-made one (tests/data/app/crosssell_bags.csv: eight orders, a carrier bag in each, no category
column) whose rules and offers are worked out by hand below, and the sample (expected values computed from
crm_core on the same file, never hard-coded, as the sample may grow).

Hand-made baskets once the bag is left out: {Tea, Cups} x2, {Tea, Cups, Kettle}, {Tea}, {Cups}, {Biscuits},
{Tea, Biscuits}, {Kettle}.  Tea in 5 of 8, Cups in 4, Kettle 2, Biscuits 2.  At the default thresholds
(support 1%, confidence 30%, lift >= 1) the first offers are: C1, C2 Kettle (Tea + Cups -> Kettle, 1 of 3,
lift 8/3 / 2 = 1.33); C4, C7 Cups (Tea -> Cups, 3 of 5 = 60%, lift 1.2); C5 Tea (Cups -> Tea, 3 of 4 = 75%);
C8 Cups (Kettle -> Cups, 1 of 2, lift 1.0).  C3 holds every item a rule offers, C6 (Biscuits) only matches
rules of lift 0.8.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest
from app_helpers import APP_FIXTURES, SAMPLE, by_key, en, make_upload, metrics, open_app, rerun, texts, zh

from crm_core.basket import crosssell as cs
from crm_core.customers import default_as_of
from ui.segment_state import CROSSSELL

PAGE = "app_pages/crosssell.py"
BAGS = APP_FIXTURES / "crosssell_bags.csv"


@pytest.fixture(scope="module")
def bags():
    return make_upload(BAGS.name, BAGS.read_bytes())


@pytest.fixture(scope="module")
def sample_orders(sample_loaded) -> pd.DataFrame:
    return sample_loaded.result.orders


def sheets(data: bytes) -> dict[str, pd.DataFrame]:
    """Each sheet's table (header on the first row, down to the first empty row)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = {}
    for name in book.sheetnames:
        rows = list(book[name].iter_rows(values_only=True))
        end = next((i for i, r in enumerate(rows) if all(c is None for c in r)), len(rows))
        found[name] = pd.DataFrame(rows[1:end], columns=rows[0]) if rows else pd.DataFrame()
    return found


def open_tab(at, label_key: str, lang: str = "en"):
    """Open a tab of the page (only the open tab runs) and run again."""
    at.session_state[f"xs_tab_{lang}"] = (zh if lang == "zh" else en)(label_key)
    return rerun(at)


def list_ids(at) -> list[str]:
    return [re.search(r"\*\*(\S+)\*\*", c).group(1) for c in texts(at.caption) if c.startswith("List ID")]


# ------------------------------------------------------------------------------------------ the hand-made file
def test_the_bag_is_pointed_out_and_left_out_with_one_click(bags):
    at = open_app(PAGE, upload=bags)
    warnings = texts(at.main.warning)
    assert en("xs_ubiquitous", item="Carrier bag", share=1.0) in warnings
    # No category column: baskets hold products, the category choice is not offered.
    level = by_key(at.main.radio, r"xs_level_\d+")
    assert level.options == [en("xs_level_product")]
    by_key(at.main.button, r"xs_leave_out_Carrier bag").click()
    rerun(at)
    assert at.session_state[CROSSSELL].exclude == ("Carrier bag",)
    assert not [w for w in texts(at.main.warning) if "Carrier bag" in w]
    shown = metrics(at)
    assert shown[en("xs_n_baskets")] == "8" and shown[en("xs_n_items_product")] == "4"
    assert shown[en("xs_avg_size")] == f"{13 / 8:.1f}" and shown[en("xs_single_share")] == f"{4 / 8:.0%}"


def bags_without_the_bag(bags):
    at = open_app(PAGE, upload=bags)
    at.session_state[CROSSSELL] = cs.CrossSellChoice(exclude=("carrier BAG ",))  # case and blanks ignored
    return rerun(at)


def test_offers_and_bundle_lists_of_the_hand_made_file(bags, downloads):
    at = open_tab(bags_without_the_bag(bags), "xs_tab_offers")
    assert metrics(at)[en("xs_offer_customers")] == "6"
    ids = list_ids(at)
    # Bundle completion: the only 3-item bundle Tea + Cups + Kettle; C1 and C2 miss the kettle.
    open_tab(at, "xs_tab_bundles")
    assert metrics(at)[en("xs_bundle_customers")] == "2"
    ids += list_ids(at)
    offers = sheets(downloads["xs_offer_list_download"])
    first = offers["Next-best offers"].set_index("Customer ID")["Product to offer"].to_dict()
    assert first == {"C1": "Kettle", "C2": "Kettle", "C4": "Cups", "C5": "Tea", "C7": "Cups", "C8": "Cups"}
    why = offers["Next-best offers"].set_index("Customer ID")["Why this product"]
    assert why["C5"] == "75% of orders with Cups also had Tea, 1.2 times the average"
    bundles = sheets(downloads["xs_bundle_list_download"])
    sheet = bundles["Bundle 1 · Cups + Kettle + Tea"]
    assert sorted(sheet["Customer ID"]) == ["C1", "C2"] and set(sheet["Product to offer"]) == {"Kettle"}
    # Both lists carry a cross-sell list id, written on their Summary sheet too.
    assert len(ids) == 2 and all(i.startswith("XS-20240622-") for i in ids) and ids[0] != ids[1]
    assert "Summary" in bundles and "Summary" in offers


def test_rules_table_filters_search_and_sentences(bags):
    at = bags_without_the_bag(bags)
    by_key(at.main.number_input, r"xs_min_lift_\d+").set_value(0.0)  # every rule, also those of lift < 1
    rerun(at)
    table = [d for d in at.main.dataframe if "sentence" in d.value.columns][0].value
    # Every rule's lift is the hand-computed one, highest first.
    lifts = dict(zip(table["antecedents"] + " → " + table["consequents"], table["lift"], strict=True))
    assert lifts["Cups → Tea"] == pytest.approx(1.2) and lifts["Tea → Cups"] == pytest.approx(1.2)
    assert lifts["Kettle → Tea"] == pytest.approx(0.8)
    assert list(table["lift"]) == sorted(table["lift"], reverse=True)
    row = table[(table["antecedents"] == "Cups") & (table["consequents"] == "Tea")].iloc[0]
    assert row["support"] == pytest.approx(37.5) and row["confidence"] == pytest.approx(75.0)  # shown in %
    assert row["sentence"] == "75% of orders with Cups also had Tea, 1.2 times the average"
    # A rule that never fails has conviction ∞ (text), never inf.
    assert table.loc[table["confidence"] == pytest.approx(100.0), "conviction"].eq("∞").all()
    # The search keeps the rules with "kett" on either side; lift >= 1 drops the 0.8 ones.
    by_key(at.main.text_input, r"xs_search_\d+").input("kett")
    by_key(at.main.number_input, r"xs_min_lift_\d+").set_value(1.0)
    rerun(at)
    table = [d for d in at.main.dataframe if "sentence" in d.value.columns][0].value
    assert len(table) > 0
    assert all("Kettle" in a + c for a, c in zip(table["antecedents"], table["consequents"], strict=True))
    assert (table["lift"] >= 1.0).all()
    assert at.session_state[CROSSSELL].min_lift == 1.0


def test_holdout_without_earlier_buyers_says_so(bags):
    at = open_tab(bags_without_the_bag(bags), "xs_tab_holdout")
    assert en("xs_holdout_nobody") in texts(at.main.info)


def test_no_basket_left_is_explained_not_raised(bags):
    at = open_app(PAGE, upload=bags)
    at.session_state[CROSSSELL] = cs.CrossSellChoice(min_size=10)
    rerun(at)
    errors = texts(at.main.error)
    assert len(errors) == 1 and "No basket is left to analyse" in errors[0]


# ------------------------------------------------------------------------------------------------- the sample
def test_sample_figures_equal_crm_core(sample_upload, sample_orders):
    at = open_app(PAGE, upload=sample_upload)
    as_of = default_as_of(sample_orders)
    choice = cs.CrossSellChoice()
    mined = cs.mine(sample_orders, choice, as_of=as_of)
    shown = metrics(at)
    assert shown[en("xs_n_baskets")] == f"{mined.baskets.n:,}"
    assert en("xs_rules_count", shown=len(mined.rules), total=len(mined.rules)) in " ".join(texts(at.caption))
    items = cs.items_of(sample_orders, choice, as_of=as_of)
    offers = cs.next_offers(items, cs.offer_rules(mined.rules, choice), choice)
    assert metrics(open_tab(at, "xs_tab_offers"))[en("xs_offer_customers")] == f"{offers['customer_id'].nunique():,}"
    checked = cs.holdout(sample_orders, choice, as_of=as_of)
    shown = metrics(open_tab(at, "xs_tab_holdout"))
    assert shown[en("xs_holdout_customers")] == f"{checked.customers:,}"
    assert shown[en("xs_holdout_rate", n=3)] == f"{checked.hit_rate:.1%}"
    assert shown[en("xs_holdout_baseline", n=3)] == f"{checked.baseline_hit_rate:.1%}"
    verdict = "xs_holdout_beats" if checked.beats_popularity else "xs_holdout_loses"
    assert [m for m in texts(at.main.success) + texts(at.main.warning)
            if m == en(verdict, rate=checked.hit_rate, base=checked.baseline_hit_rate)]


def test_support_slider_mines_again(sample_upload, sample_orders):
    at = open_app(PAGE, upload=sample_upload)
    as_of = default_as_of(sample_orders)
    by_key(at.main.select_slider, r"xs_support_\d+").set_value(0.03)
    rerun(at)
    mined = cs.mine(sample_orders, cs.CrossSellChoice(min_support=0.03), as_of=as_of)
    assert len(mined.rules) < len(cs.mine(sample_orders, cs.CrossSellChoice(), as_of=as_of).rules)
    assert en("xs_rules_count", shown=len(mined.rules), total=len(mined.rules)) in " ".join(texts(at.caption))
    assert at.session_state[CROSSSELL].min_support == 0.03


def test_planted_bundles_are_the_default_and_their_buyers_listed(sample_upload, sample_orders, downloads):
    at = open_tab(open_app(PAGE, upload=sample_upload), "xs_tab_bundles")
    truth = pd.read_csv(SAMPLE.parent / "truth.csv", encoding="utf-8-sig", dtype=str)
    planted = truth.dropna(subset=["cross_sell_product"]).set_index("customer_id")["cross_sell_product"]
    picked = by_key(at.main.multiselect, r"xs_bundles_\d+_\d+").value
    assert len(picked) >= 2 and all(len(b) == 3 for b in picked)
    book = sheets(downloads["xs_bundle_list_download"])
    listed = pd.concat([f for n, f in book.items() if n.startswith("Bundle ")], ignore_index=True)
    found = dict(zip(listed["Customer ID"], listed["Product to offer"], strict=True))
    raw = pd.read_csv(SAMPLE, dtype=str, encoding="utf-8-sig")
    opted_out = set(raw.loc[raw["是否同意营销"] == "否", "客户编号"])
    wanted = {c: m for c, m in planted.items() if c not in opted_out}
    assert wanted and {c: found.get(c) for c in wanted} == wanted


def test_chinese_page(sample_upload):
    at = open_app(PAGE, lang="zh", upload=sample_upload)
    assert zh("xs_n_baskets") in metrics(at)
    table = [d for d in at.main.dataframe if "sentence" in d.value.columns][0].value
    assert table["sentence"].str.contains("是平均水平的").all()
    assert table["sentence"].str.startswith("含有").all()  # baskets per order speak of orders


def test_campaign_builder_selects_customers_offered_a_product(sample_upload, sample_orders, sample_scored):
    at = open_app(PAGE, upload=sample_upload)
    at.switch_page("app_pages/campaign.py")
    rerun(at)
    by_key(at.main.selectbox, r"cmp_\d+_\d+_rows0_column").set_value("offer_item")
    rerun(at)
    grouping = by_key(at.main.multiselect, r"cmp_\d+_\d+_rows0_keys_offer_item")
    as_of = default_as_of(sample_orders)
    choice = cs.CrossSellChoice()
    mined = cs.mine(sample_orders, choice, as_of=as_of)
    offers = cs.next_offers(cs.items_of(sample_orders, choice, as_of=as_of), cs.offer_rules(mined.rules, choice),
                            choice)
    firsts = offers[offers["rank"] == 1]["item"].value_counts()
    top = firsts.index[0]
    assert grouping.options[0].startswith(top)
    grouping.set_value([top])
    rerun(at)
    assert metrics(at)[en("cmp_selected")] == f"{int(firsts[top]):,}"
    kept = at.session_state["campaign"]
    assert '"crosssell"' in kept.context


def test_a_mining_refusal_is_explained_not_raised(bags, monkeypatch):
    """When the mining would not fit in memory the core refuses with what to change; the page shows it."""
    from crm_core.basket import mining

    def refuse(baskets, min_support, max_len=None, **kwargs):
        raise mining._too_big(baskets, min_support, need=4_000 * 2**20, max_bytes=mining.MAX_BYTES)

    monkeypatch.setattr(cs, "frequent_itemsets", refuse)
    at = open_app(PAGE, upload=bags)
    at.session_state[CROSSSELL] = cs.CrossSellChoice(min_support=0.0005)  # a choice no other test has mined
    at.session_state["editor_gen"] = 1  # new widgets, started from the choice (as "Open analysis" does)
    rerun(at)
    errors = texts(at.main.error)
    assert len(errors) == 1 and "Raise the minimum support" in errors[0] and "4,000 MB" in errors[0]


def test_the_choice_is_saved_with_the_analysis_and_opening_it_restores_it(sample_upload, downloads):
    import json

    at = open_app(PAGE, upload=sample_upload)
    by_key(at.main.select_slider, r"xs_support_\d+").set_value(0.02)
    by_key(at.main.number_input, r"xs_min_lift_\d+").set_value(2.0)
    rerun(at)
    analysis = downloads["save_analysis"]
    saved = json.loads(analysis)["crosssell"]
    assert (saved["min_support"], saved["min_lift"], saved["offers"]) == (0.02, 2.0, 3)
    fresh = open_app("app_pages/data.py", upload=sample_upload)
    fresh.file_uploader(key="open_analysis").set_value(("march.json", analysis, "application/json"))
    rerun(fresh)
    fresh.switch_page(PAGE)
    rerun(fresh)
    assert fresh.session_state[CROSSSELL] == cs.CrossSellChoice(min_support=0.02, min_lift=2.0)
    assert by_key(fresh.main.select_slider, r"xs_support_\d+").value == 0.02
    assert by_key(fresh.main.number_input, r"xs_min_lift_\d+").value == 2.0
