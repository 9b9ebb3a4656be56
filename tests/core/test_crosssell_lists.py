"""crm_core.basket.crosssell lists: offer_table, bundle_table, with_offers, OfferList / BundleList through the export
path, and the sample's planted bundles and 2-of-3 buyers with the default choice.

The tiny order file is tests/data/crosssell/orders.csv (see its README and test_crosssell.py). With TINY and the
pruned offer rules, the offers (3 per customer) are, hand-computed in test_crosssell.py:
C1 E (D → E, 50%); C4 C (A → C, 50%); C5 B (A → B, 67%); C6 A (B → A, 67%), E (50%); C7 A (67%);
C8 D (E → D, 100%), B (67%), C (50%).
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from crm_core import export, pipeline
from crm_core.basket import crosssell as cs
from crm_core.messages import Localized
from crm_core.sample.catalog import BUNDLES
from crm_core.scope import Scope
from crm_core.segment import rfm
from crm_core.segment.base import Segmentation

ROOT = Path(__file__).resolve().parents[2]
ORDERS = ROOT / "tests" / "data" / "crosssell" / "orders.csv"
AS_OF = date(2025, 4, 1)
TINY = cs.CrossSellChoice(months=3, min_support=0.2, min_confidence=0.3, exclude=("  bAG ",), offers=3, prune=True)
FORMULA = "=cmd|' /C calc'!A0"
BUNDLES_ABX = (("A", "B", "C"), ("A", "B", "D"))

# The customer table: C7 is outside the analysis filters (absent), C9 bought nothing offered, C6 opted out.
CUSTOMERS = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6", "C8", "C9"],
    "rfm_segment_name": ["Champions", "Loyal", "Loyal", "New", "At risk", "Champions", "Lost", "New"],
    "recency_days": [55, 81, 45, 71, 31, 50, 91, 10],
    "frequency": [2, 1, 2, 1, 2, 1, 1, 1],
    "monetary": [300.0, 60.0, 105.0, 100.0, 250.0, 400.0, 50.0, 20.0],
    "name": ["Ann Lee", "Bo Wu", "Cy Ma", "Di Xu", "Ed Li", "Fa Yu", "Hu Qi", "Ivy Ng"],
    "phone": ["13812345678", "13900000002", "13900000003", "13900000004", "13900000005", "13900000006",
              "13900000008", "13900000009"],
    "email": ["ann@example.com", "bo@example.com", "cy@example.com", "di@example.com", "ed@example.com",
              "fa@example.com", "hu@example.com", "ivy@example.com"],
    "city": ["Shanghai"] * 8,
    "opted_out": [False, False, False, False, False, True, False, False],
})


def load_orders(rename: dict[str, str] | None = None) -> pd.DataFrame:
    frame = pd.read_csv(ORDERS, dtype={"customer_id": str, "order_id": str, "product": str, "category": str})
    frame = frame.assign(order_date=pd.to_datetime(frame["order_date"]), is_return=frame["is_return"].astype(bool))
    return frame.replace({"product": rename}) if rename else frame


def offers_of(orders: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    mined = cs.mine(orders, TINY, as_of=AS_OF)
    return cs.next_offers(cs.items_of(orders, TINY, as_of=AS_OF), cs.offer_rules(mined.rules, TINY), TINY, lang=lang)


@pytest.fixture(scope="module")
def orders():
    return load_orders()


@pytest.fixture(scope="module")
def offers(orders):
    return offers_of(orders)


@pytest.fixture(scope="module")
def completion(orders):
    return cs.bundle_offers(cs.items_of(orders, TINY, as_of=AS_OF), BUNDLES_ABX)


def test_the_offers_these_tests_build_on(offers, completion):
    got = offers.groupby("customer_id", sort=True)["item"].agg(tuple).to_dict()
    assert got == {"C1": ("E",), "C4": ("C",), "C5": ("B",), "C6": ("A", "E"), "C7": ("A",), "C8": ("D", "B", "C")}
    assert list(zip(completion["customer_id"], completion["missing_item"], completion[cs.LIST_COLUMN],
                    strict=True)) == [("C5", "B", "A + B + C"), ("C4", "C", "A + B + C"), ("C6", "A", "A + B + D"),
                                      ("C5", "B", "A + B + D"), ("C2", "D", "A + B + D"), ("C4", "D", "A + B + D")]


# ---------------------------------------------------------------------------------------------- offer table
def test_offer_table_by_hand(offers):
    table = cs.offer_table(CUSTOMERS, offers)
    # Customers of the customer table with an offer, in its order; C7 (not in it), C2, C3, C9 (no offer) absent.
    assert list(table["customer_id"]) == ["C1", "C4", "C5", "C6", "C8"]
    assert list(table["offer_item"]) == ["E", "C", "B", "A", "D"]
    assert list(table["more_offers"]) == ["", "", "", "E (50%)", "B (67%); C (50%)"]
    assert (table[cs.LIST_COLUMN] == cs.OFFER_KEY).all()
    c8 = table.iloc[4]
    assert (c8["offer_confidence"], c8["offer_lift"], c8["offer_rule"]) == (pytest.approx(1.0), pytest.approx(2.5),
                                                                           "E → D")
    assert c8["offer_reason"] == "100% of orders with E also had D, 2.5 times the average"
    assert c8["monetary"] == 50.0 and c8["name"] == "Hu Qi"  # the customer's own row
    assert table["offer_confidence"].tolist() == pytest.approx([0.5, 0.5, 2 / 3, 2 / 3, 1.0])
    # Every list column but those the customer table lacks and the hold-out verdict (not asked for here).
    assert set(cs.OFFER_LIST_COLUMNS) - set(table.columns) == {"last_order_date", "channel", "beats_popularity"}


def test_offer_table_in_chinese_and_with_the_id_as_index(orders, offers):
    zh = cs.offer_table(CUSTOMERS, offers_of(orders, "zh"), lang="zh")
    assert list(zh["more_offers"]) == ["", "", "", "E (50%)", "B (67%)；C (50%)"]
    assert zh.iloc[4]["offer_reason"] == "含有E的订单中有100%也含有D，是平均水平的2.5倍"
    by_index = cs.offer_table(CUSTOMERS.set_index("customer_id"), offers)
    pd.testing.assert_frame_equal(by_index, cs.offer_table(CUSTOMERS, offers))
    # Whole-number ids in the customer table still match the offers' text ids.
    numbered = CUSTOMERS.assign(customer_id=CUSTOMERS["customer_id"].str[1:].astype(int))
    renamed = offers.assign(customer_id=offers["customer_id"].str[1:])
    assert list(cs.offer_table(numbered, renamed)["customer_id"]) == ["1", "4", "5", "6", "8"]


def test_offer_table_without_offers(offers):
    empty = cs.offer_table(CUSTOMERS, offers.iloc[0:0])
    assert empty.empty
    assert {"customer_id", "monetary", cs.LIST_COLUMN, "offer_item"} <= set(empty.columns)


def test_offer_table_without_offers_has_every_offer_column(offers):
    full = cs.offer_table(CUSTOMERS, offers)
    assert set(cs.offer_table(CUSTOMERS, offers.iloc[0:0]).columns) == set(full.columns)


# --------------------------------------------------------------------------------------------- bundle table
def test_bundle_table_by_hand(completion):
    table = cs.bundle_table(CUSTOMERS, completion)
    got = sorted(zip(table["customer_id"], table["offer_item"], table[cs.LIST_COLUMN], strict=True))
    assert got == [("C2", "D", "A + B + D"), ("C4", "C", "A + B + C"), ("C4", "D", "A + B + D"),
                   ("C5", "B", "A + B + C"), ("C5", "B", "A + B + D"), ("C6", "A", "A + B + D")]
    c2 = table[table["customer_id"] == "C2"].iloc[0]
    assert (c2["bundle"], c2["bundle_have"], c2["monetary"]) == ("A + B + D", "A and B", 60.0)
    assert c2["offer_reason"] == "Bought A and B of the popular bundle A + B + D, not yet D"
    assert {c for c in cs.BUNDLE_LIST_COLUMNS if c not in table.columns} == {"last_order_date", "channel"}
    # C6 outside the customer table: left out.
    assert "C6" not in set(cs.bundle_table(CUSTOMERS[CUSTOMERS["customer_id"] != "C6"], completion)["customer_id"])
    indexed = cs.bundle_table(CUSTOMERS.set_index("customer_id"), completion)
    pd.testing.assert_frame_equal(indexed, table)
    empty = cs.bundle_table(CUSTOMERS, completion.iloc[0:0])
    assert empty.empty and {cs.LIST_COLUMN, "offer_item", "customer_id"} <= set(empty.columns)


def test_bundle_table_of_the_combined_table(offers, completion):
    combined = cs.with_offers(CUSTOMERS, offers, completion)
    table = cs.bundle_table(combined, completion)
    assert {"offer_item", "bundle", "offer_reason"} <= set(table.columns)
    assert sorted(zip(table["customer_id"], table["offer_item"], strict=True))[0] == ("C2", "D")


# ---------------------------------------------------------------------------------------------- with_offers
def test_with_offers_by_hand(offers, completion):
    out = cs.with_offers(CUSTOMERS, offers, completion)
    assert list(out.columns) == list(CUSTOMERS.columns) + ["offer_item", "offer_reason", "offer_confidence",
                                                           "more_offers", "bundle_item", "bundle"]
    assert out.index.equals(CUSTOMERS.index) and out["customer_id"].tolist() == CUSTOMERS["customer_id"].tolist()
    rows = {c: (o, m, b, k) for c, o, m, b, k in zip(out["customer_id"], out["offer_item"], out["more_offers"],
                                                     out["bundle_item"], out["bundle"], strict=True)}
    blank = None

    def tidy(value):
        return blank if pd.isna(value) else value

    rows = {c: tuple(tidy(v) for v in values) for c, values in rows.items()}
    # The first bundle a customer can complete, in the bundles' order: C4 and C5 complete A + B + C first.
    assert rows == {"C1": ("E", "", blank, blank), "C2": (blank, blank, "D", "A + B + D"),
                    "C3": (blank, blank, blank, blank), "C4": ("C", "", "C", "A + B + C"),
                    "C5": ("B", "", "B", "A + B + C"), "C6": ("A", "E (50%)", "A", "A + B + D"),
                    "C8": ("D", "B (67%); C (50%)", blank, blank), "C9": (blank, blank, blank, blank)}
    assert out.loc[out["customer_id"] == "C8", "offer_confidence"].item() == pytest.approx(1.0)
    assert out.loc[out["customer_id"] == "C1", "offer_reason"].item() == \
        "50% of orders with D also had E, 2.5 times the average"
    # The customer id as the index, Chinese separators.
    indexed = cs.with_offers(CUSTOMERS.set_index("customer_id"), offers, completion, lang="zh")
    assert indexed.loc["C8", "more_offers"] == "B (67%)；C (50%)" and indexed.loc["C2", "bundle_item"] == "D"
    assert pd.isna(indexed.loc["C9", "offer_item"])


def test_with_offers_without_any(offers, completion):
    out = cs.with_offers(CUSTOMERS, offers.iloc[0:0], completion.iloc[0:0])
    assert len(out) == len(CUSTOMERS)
    for column in ("offer_item", "offer_reason", "offer_confidence", "more_offers", "bundle_item", "bundle"):
        assert out[column].isna().all(), column


# ------------------------------------------------------------------------------------------ segmentations
def test_offer_list_is_a_segmentation():
    words = Localized(en="support at least 1%", zh="支持度至少 1%")
    offer_list = cs.OfferList(n=2, rules_words=words)
    assert isinstance(offer_list, Segmentation) and isinstance(cs.OfferList(), Segmentation)
    assert offer_list.key_column == cs.LIST_COLUMN and offer_list.segments() == (cs.OFFER_KEY,)
    key = cs.OFFER_KEY
    assert offer_list.text(key, "name") == "Next-best offers" and offer_list.text(key, "name", "zh") == "下一最佳推荐"
    assert offer_list.text(key, "description") == ("Up to 2 products per customer, not yet bought, from the rules "
                                                   "matching their purchases (support at least 1%)")
    assert offer_list.text(key, "description", "zh") == ("每位顾客最多 2 个尚未购买的商品，"
                                                        "来自与其购买记录相符的关联规则（支持度至少 1%）")
    assert cs.OfferList().text(key, "description").endswith("their purchases")  # no words, no brackets
    assert cs.OfferList().text(key, "description", "zh").endswith("关联规则")
    assert "Product to offer" in offer_list.text(key, "action") and "推荐商品" in offer_list.text(key, "action", "zh")
    assert offer_list.text(key, "channel") == "" and offer_list.text(key, "other") == ""
    assert all(offer_list.text("other", f, lang) == "" for f in ("name", "description", "action")
               for lang in ("en", "zh"))
    assert hash(offer_list) == hash(cs.OfferList(n=2, rules_words=words)) and offer_list == cs.OfferList(n=2,
                                                                                                        rules_words=words)
    assert hash(export.ListRequest(offer_list)) is not None


def test_bundle_list_is_a_segmentation():
    bundles = cs.BundleList(bundles=BUNDLES_ABX)
    assert isinstance(bundles, Segmentation) and bundles.key_column == cs.LIST_COLUMN
    assert bundles.segments() == ("A + B + C", "A + B + D")
    for lang, word in (("en", "Bundle 2"), ("zh", "组合2")):  # "Bundle 2: A + B + D" / "组合2：A + B + D"
        name = bundles.text("A + B + D", "name", lang)
        assert name.startswith(word) and name.endswith("A + B + D") and len(name) <= len(word) + 3 + 9
    assert bundles.text("A + B + C", "name").startswith("Bundle 1")
    assert bundles.text("A + B + C", "description") == "Customers who bought all of A + B + C but one item"
    assert bundles.text("A + B + C", "description", "zh") == "买齐了组合 A + B + C 中除一件以外所有商品的顾客"
    assert bundles.text("A + B + C", "action") == "Offer the missing item to complete the bundle"
    assert bundles.text("A + B + C", "action", "zh") == "推荐所缺的那件商品，凑齐组合"
    assert bundles.text("A + B + C", "channel") == "" and bundles.text("D + E", "name") == ""
    assert hash(bundles) == hash(cs.BundleList(bundles=BUNDLES_ABX)) and cs.BundleList().segments() == ()


def test_list_ids_carry_the_choice():
    def list_id(segmentation) -> str:
        return export.list_id(["ab" * 32], as_of=AS_OF, first_day=None, scope=Scope(), params=rfm.RfmParams(),
                              request=export.ListRequest(segmentation))

    first = list_id(cs.OfferList(n=3, choice=TINY))
    assert first.startswith("XS-20250401-") and first == list_id(cs.OfferList(n=3, choice=replace(TINY)))
    others = {list_id(cs.OfferList(n=3, choice=replace(TINY, min_lift=1.2))), list_id(cs.OfferList(n=2, choice=TINY)),
              list_id(cs.BundleList(BUNDLES_ABX, choice=TINY)), list_id(cs.BundleList(BUNDLES_ABX[:1], choice=TINY))}
    assert len(others) == 4 and first not in others and all(i.startswith("XS-") for i in others)


# ------------------------------------------------------------------------------------------ the export path
def offer_request(table: pd.DataFrame, **options) -> export.ListRequest:
    columns = tuple(c for c in cs.OFFER_LIST_COLUMNS if c in table.columns)
    return export.ListRequest(cs.OfferList(n=3), columns=columns, options=export.ListOptions(**options))


@pytest.mark.parametrize(("lang", "sheet", "product", "also"), [("en", "Next-best offers", "Product to offer",
                                                                 "Also offer"),
                                                                ("zh", "下一最佳推荐", "推荐商品", "其他推荐")])
def test_offer_list_through_build_lists(offers, lang, sheet, product, also):
    table = cs.offer_table(CUSTOMERS, offers, lang)
    built = pipeline.build_lists(table, offer_request(table, lang=lang))
    assert list(built.sheets) == [sheet]
    frame = built.sheets[sheet]
    # C6 opted out: left out and counted; the others by spending, highest first (C1 300, C5 250, C4 100, C8 50).
    assert (built.listed, built.left_out) == ({cs.OFFER_KEY: 4}, {cs.OFFER_KEY: 1})
    ids = frame[export.column_label("customer_id", lang)].tolist()
    assert ids == ["C1", "C5", "C4", "C8"]
    assert frame[product].tolist() == ["E", "B", "C", "D"]
    assert frame[also].tolist()[3] == ("B (67%); C (50%)" if lang == "en" else "B (67%)；C (50%)")
    for contact in ("name", "phone", "email"):
        assert export.column_label(contact, lang) not in frame.columns
    assert built.summary.iloc[0][export.column_label("in_list", lang)] == 4


def test_offer_list_contacts_masked_unless_asked(offers):
    table = cs.offer_table(CUSTOMERS, offers)
    masked = pipeline.build_lists(table, offer_request(table, include_contact=True)).sheets["Next-best offers"]
    assert masked["Phone"].iloc[0] == "138****5678" and masked["Name"].iloc[0] != "Ann Lee"
    assert masked["Email"].iloc[0] != "ann@example.com"
    plain = pipeline.build_lists(table, offer_request(table, include_contact=True, mask_personal=False))
    frame = plain.sheets["Next-best offers"]
    assert (frame["Phone"].iloc[0], frame["Name"].iloc[0], frame["Email"].iloc[0]) == ("13812345678", "Ann Lee",
                                                                                     "ann@example.com")
    everyone = pipeline.build_lists(table, offer_request(table, include_opted_out=True))
    assert everyone.listed == {cs.OFFER_KEY: 5} and everyone.left_out == {cs.OFFER_KEY: 0}


def _cells(data: bytes) -> tuple[list[str], list]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book.sheetnames, [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_offer_workbook_neutralises_a_formula_like_product():
    offers = offers_of(load_orders({"D": FORMULA}))
    table = cs.offer_table(CUSTOMERS, offers)
    assert table.loc[table["customer_id"] == "C8", "offer_item"].item() == FORMULA
    built = pipeline.build_lists(table, offer_request(table))
    names, cells = _cells(pipeline.to_workbook(built))
    assert names == ["Summary", "Next-best offers"]
    hits = [c for c in cells if c.value == FORMULA]
    assert hits and all(c.data_type == "s" and c.quotePrefix for c in hits)  # text, kept text when edited
    assert not any(c.data_type == "f" for c in cells)


@pytest.mark.parametrize(("lang", "words"), [("en", ["Bundle 1", "Bundle 2"]), ("zh", ["组合1", "组合2"])])
def test_bundle_lists_through_build_lists(completion, lang, words):
    table = cs.bundle_table(CUSTOMERS, completion)
    columns = tuple(c for c in cs.BUNDLE_LIST_COLUMNS if c in table.columns)
    request = export.ListRequest(cs.BundleList(BUNDLES_ABX), columns=columns, options=export.ListOptions(lang=lang))
    built = pipeline.build_lists(table, request)
    names = [cs.BundleList(BUNDLES_ABX).text(k, "name", lang) for k in ("A + B + C", "A + B + D")]
    assert list(built.sheets) == names
    assert all(n.startswith(w) and n.endswith(k) for n, w, k in zip(names, words, ("A + B + C", "A + B + D"),
                                                                     strict=True))
    # A + B + C: C4 and C5; A + B + D: C2, C4, C5 and C6, who opted out.
    assert built.listed == {"A + B + C": 2, "A + B + D": 3} and built.left_out == {"A + B + C": 0, "A + B + D": 1}
    second = built.sheets[names[1]]
    ids = second[export.column_label("customer_id", lang)].tolist()
    assert ids == ["C5", "C4", "C2"]  # by spending: 250, 100, 60
    assert second[export.column_label("offer_item", lang)].tolist() == ["B", "D", "D"]
    sheets, _ = _cells(pipeline.to_workbook(built))
    assert len(sheets) == 3 and len(set(s.casefold() for s in sheets)) == 3
    assert all(len(s) <= 31 and ":" not in s for s in sheets)


# ------------------------------------------------------------------------------------------------- bundles
def test_bundles_to_complete_chosen_ones_while_frequent(orders):
    mined = cs.mine(orders, TINY, as_of=AS_OF)
    chosen = cs.CrossSellChoice(bundles=[["C", "A", "B"], ["E", "D"], ["A", "D"]])
    assert cs.bundles_to_complete(mined.itemsets, chosen) == (("A", "B", "C"), ("D", "E"))  # AD: once only
    # None of the chosen ones frequent: the default (the one 3-item itemset here).
    assert cs.bundles_to_complete(mined.itemsets, cs.CrossSellChoice(bundles=[["A", "D"]])) == (("A", "B", "C"),)
    assert cs.bundles_to_complete(mined.itemsets, TINY) == (("A", "B", "C"),)


def test_bundles_to_complete_default_prefers_three_items(orders):
    itemsets = pd.DataFrame({"itemset": [("A", "B"), ("C", "D"), ("A", "B", "C"), ("B", "C", "D"), ("A", "C", "D"),
                                         ("A", "B", "D"), ("A", "B", "C", "D"), ("E",)],
                             "support": [0.6, 0.5, 0.2, 0.3, 0.1, 0.2, 0.1, 0.9]})
    # 3+ items, most popular first (ties: the longer, then by name); pairs, however popular, only without any.
    assert cs.bundles_to_complete(itemsets, TINY) == (("B", "C", "D"), ("A", "B", "C"), ("A", "B", "D"))
    pairs = itemsets[itemsets["itemset"].map(len) <= 2]
    assert cs.bundles_to_complete(pairs, TINY) == (("A", "B"), ("C", "D"))
    assert cs.bundles_to_complete(itemsets.iloc[7:], TINY) == ()
    # Mined with at most two items: the three most popular pairs (BC and DE tie at 2: BC first by name).
    two = cs.mine(orders, replace(TINY, max_len=2), as_of=AS_OF)
    assert cs.bundles_to_complete(two.itemsets, TINY) == (("A", "B"), ("A", "C"), ("B", "C"))


def test_bundle_offers_by_hand(orders):
    items = cs.items_of(orders, TINY, as_of=AS_OF)
    table = cs.bundle_offers(items, [("A", "B", "C"), ("A", "B", "D")])
    got = list(zip(table[cs.LIST_COLUMN], table["customer_id"], table["missing_item"], strict=True))
    # ABC: C5 (A, C) misses B, C4 (A, B) misses C. ABD: C6 (B, D) misses A, C5 (A, D) B, C2 and C4 (A, B) D.
    assert got == [("A + B + C", "C5", "B"), ("A + B + C", "C4", "C"),
                   ("A + B + D", "C6", "A"), ("A + B + D", "C5", "B"), ("A + B + D", "C2", "D"),
                   ("A + B + D", "C4", "D")]
    assert (table["bundle"] == table[cs.LIST_COLUMN]).all()
    assert table["customer_id"].value_counts()[["C4", "C5"]].tolist() == [2, 2]  # in both bundles
    assert table.iloc[0]["reason"] == "Bought A and C of the popular bundle A + B + C, not yet B"
    zh = cs.bundle_offers(items, [("A", "B", "C")], lang="zh")
    assert zh.iloc[0]["reason"] == "已购买热门组合 A + B + C 中的 A、C，尚未购买 B" and zh.iloc[0]["have"] == "A、C"
    pair = cs.bundle_offers(items, [("D", "E")])
    assert list(zip(pair["customer_id"], pair["missing_item"], strict=True)) == [("C8", "D"), ("C1", "E"),
                                                                                  ("C6", "E")]
    five = cs.bundle_offers(items, [("A", "B", "C", "D", "E")])  # C1 misses E, C5 misses B
    assert list(zip(five["customer_id"], five["missing_item"], strict=True)) == [("C5", "B"), ("C1", "E")]
    none = cs.bundle_offers(items, [])
    assert none.empty and list(none.columns) == ["customer_id", "missing_item", "bundle", "have", "reason",
                                                 cs.LIST_COLUMN]


# ------------------------------------------------------------------------------------ planted truth (sample)
CSV = ROOT / "sample_data" / "orders_zh.csv"
TRUTH = ROOT / "sample_data" / "truth.csv"
TRIPLES = [tuple(sorted(items)) for items in BUNDLES.values() if len(items) == 3]


@pytest.fixture(scope="module")
def sample():
    loaded = pipeline.load(CSV.read_bytes(), CSV.name)
    orders = loaded.result.orders
    as_of = (orders["order_date"].max() + pd.Timedelta(days=1)).date()
    choice = cs.CrossSellChoice()
    mined = cs.mine(orders, choice, as_of=as_of)
    return loaded.result, orders, as_of, choice, mined, cs.items_of(orders, choice, as_of=as_of)


@pytest.fixture(scope="module")
def planted_gaps():
    truth = pd.read_csv(TRUTH, encoding="utf-8-sig", dtype=str)
    return truth.dropna(subset=["cross_sell_product"]).set_index("customer_id")["cross_sell_product"]


def _two_of_three_by_hand(orders: pd.DataFrame, bundle: tuple[str, ...]) -> set[tuple[str, str]]:
    bought = orders[~orders["is_return"] & orders["product"].isin(bundle)]
    have = bought.groupby("customer_id")["product"].agg(set)
    return {(c, (set(bundle) - items).pop()) for c, items in have.items() if len(items) == 2}


def test_planted_bundles_and_two_of_three_buyers(sample, planted_gaps):
    _, orders, _, choice, mined, items = sample
    bundles = cs.bundles_to_complete(mined.itemsets, choice)
    assert set(TRIPLES) <= set(bundles) and all(len(b) >= 3 for b in bundles)
    completion = cs.bundle_offers(items, bundles, lang="zh")
    found = set(zip(completion["customer_id"], completion["missing_item"], strict=True))
    assert len(planted_gaps) > 10
    assert {(c, m) for c, m in planted_gaps.items()} <= found  # every planted buyer, with their product
    for bundle in TRIPLES:  # and exactly the 2-of-3 buyers counted with plain pandas
        key = " + ".join(bundle)
        rows = completion[completion[cs.LIST_COLUMN] == key]
        assert set(zip(rows["customer_id"], rows["missing_item"], strict=True)) == _two_of_three_by_hand(orders,
                                                                                                        bundle)


def test_planted_buyers_are_offered_their_product(sample, planted_gaps):
    _, _, _, choice, mined, items = sample
    offers = cs.next_offers(items, cs.offer_rules(mined.rules, choice), choice, lang="zh")
    ranks = offers.set_index(["customer_id", "item"])["rank"]
    got = {c: ranks.get((c, m)) for c, m in planted_gaps.items()}
    assert all(r in (1, 2) for r in got.values()), {c: r for c, r in got.items() if r not in (1, 2)}
    assert sum(r == 1 for r in got.values()) >= len(got) - 2
    assert offers["reason"].str.contains("的订单中有").all()


def test_planted_holdout_is_a_plain_recount(sample):
    _, orders, as_of, choice, _, _ = sample
    result = cs.holdout(orders, choice, as_of=as_of)
    assert result.customers > 0 and 0 <= result.hit_rate <= 1 and 0 <= result.baseline_hit_rate <= 1
    per_customer = result.offers.groupby("customer_id")["bought"].any()
    assert (len(per_customer), int(per_customer.sum())) == (result.customers, result.hits)
    assert result.hit_rate == pytest.approx(per_customer.mean())
    assert (result.offers["rank"] <= choice.offers).all()
    # The offers come from the customers' items before the split only.
    split = pd.Timestamp(cs.split_date(as_of, choice))
    earlier = orders[(orders["order_date"] < split) & ~orders["is_return"]]
    bought_before = set(zip(earlier["customer_id"].astype(str), earlier["product"].astype(str), strict=True))
    assert not any((c, i) in bought_before for c, i in zip(result.offers["customer_id"], result.offers["item"],
                                                           strict=True))


def test_planted_bundle_workbook_with_long_names(sample):
    result, _, as_of, choice, mined, items = sample
    bundles = cs.bundles_to_complete(mined.itemsets, choice)
    scored = pipeline.rfm_scores(result, as_of=as_of)
    table = cs.bundle_table(scored, cs.bundle_offers(items, bundles))
    columns = tuple(c for c in cs.BUNDLE_LIST_COLUMNS if c in table.columns)
    for lang in ("en", "zh"):
        built = pipeline.build_lists(table, export.ListRequest(cs.BundleList(bundles), columns=columns,
                                                               options=export.ListOptions(lang=lang)))
        assert len(built.sheets) == len(bundles) and any(len(name) > 31 for name in built.sheets)
        sheets, cells = _cells(pipeline.to_workbook(built))
        assert len(sheets) == len(bundles) + 1 and len({s.casefold() for s in sheets}) == len(sheets)
        assert all(len(s) <= 31 for s in sheets)
        assert sum(built.listed.values()) + sum(built.left_out.values()) == len(table)
