"""python -m crm_core rules: the rules sheet, the next-best-offer and bundle-completion lists; every value checked
against crm_core, or pandas by hand, on the same file; the errors with the app's message and status 2."""

from __future__ import annotations

import contextlib
import io
import math
from functools import partial
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from crm_core import cli, pipeline
from crm_core.basket import crosssell as cs
from crm_core.basket import mining, rules
from crm_core.sample.catalog import BUNDLES
from crm_core.settings import AnalysisSettings

ROOT = Path(__file__).resolve().parents[2]
ZH = ROOT / "sample_data" / "orders_zh.csv"
EN = ROOT / "sample_data" / "orders_en.xlsx"
TRUTH = ROOT / "sample_data" / "truth.csv"
FORMULA_FILE = ROOT / "tests" / "data" / "cli_rules" / "formula.csv"
FORMULA = '=HYPERLINK("http://evil.example","click")'
SUPPORT = 0.005
TRIPLES = [items for items in BUNDLES.values() if len(items) == 3]
RULE_HEADERS = ["If bought", "Then also", "Support", "Confidence", "Lift", "Leverage", "Conviction",
                "Baskets with all its items", "In words"]


def run(*args: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def rows_of(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))


def table_of(path: Path, sheet: str, skip: int = 0) -> pd.DataFrame:
    """The table at the top of ``sheet`` (header on row ``skip`` + 1, down to the first empty row)."""
    rows = rows_of(path, sheet)[skip:]
    end = next((i for i, row in enumerate(rows) if all(c is None for c in row)), len(rows))
    return pd.DataFrame(rows[1:end], columns=rows[0])


def about_block(path: Path, sheet: str, skip: int = 0) -> dict[str, str]:
    rows = rows_of(path, sheet)[skip:]
    gap = next(i for i, row in enumerate(rows) if all(c is None for c in row))
    return {row[0]: row[1] for row in rows[gap + 1:]}


def loaded(path: Path) -> pipeline.Loaded:
    return pipeline.load(path.read_bytes(), path.name)


@pytest.fixture(scope="module")
def zh_orders() -> pd.DataFrame:
    return loaded(ZH).result.orders


@pytest.fixture(scope="module")
def independent(zh_orders) -> dict:
    """crm_core on the sample without the CLI: the app's functions with the choice the command is given."""
    result = loaded(ZH).result
    as_of = pipeline.default_as_of(zh_orders)
    choice = cs.CrossSellChoice(min_support=SUPPORT)
    mined = cs.mine(zh_orders, choice, as_of=as_of)
    items = cs.items_of(zh_orders, choice, as_of=as_of)
    offers = cs.next_offers(items, cs.offer_rules(mined.rules, choice), choice)
    opted_out = set(result.customers.loc[result.customers["opted_out"].fillna(False).astype(bool), "customer_id"])
    return {"as_of": as_of, "choice": choice, "mined": mined, "offers": offers, "opted_out": opted_out,
            "customers": result.customers.set_index("customer_id")}


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("zh") / "rules.xlsx"
    status, stdout, stderr = run("rules", ZH, "--out", out, "--min-support", SUPPORT)
    assert status == 0, stderr
    return {"out": out, "stdout": stdout, "rules": table_of(out, "Rules")}


def by_hand(orders: pd.DataFrame, ante: tuple[str, ...], cons: tuple[str, ...]) -> dict[str, float]:
    """Support, confidence, lift and conviction of ante -> cons over the order baskets, with plain pandas."""
    baskets = orders[~orders["is_return"]].groupby("order_id")["product"].agg(frozenset)
    n = len(baskets)
    has_a = baskets.map(lambda b: set(ante) <= b)
    has_c = baskets.map(lambda b: set(cons) <= b)
    both = int((has_a & has_c).sum())
    confidence = both / int(has_a.sum())
    cons_share = int(has_c.sum()) / n
    conviction = math.inf if confidence == 1 else (1 - cons_share) / (1 - confidence)
    return {"support": both / n, "confidence": confidence, "lift": confidence / cons_share, "count": both,
            "conviction": conviction}


# ------------------------------------------------------------------------------------------- the rules sheet
def test_rules_sheet_matches_crm_core_and_pandas_by_hand(zh_run, independent, zh_orders):
    sheet = zh_run["rules"]
    assert list(sheet.columns) == RULE_HEADERS
    mined = independent["mined"].rules
    assert len(sheet) == len(mined) > 10
    # Same rules as crm_core's, as "A + B" text.
    got = set(zip(sheet["If bought"], sheet["Then also"], strict=True))
    assert got == {(" + ".join(a), " + ".join(c)) for a, c in zip(mined["antecedents"], mined["consequents"],
                                                                   strict=True)}
    # Lift, then confidence, highest first.
    keys = list(zip(sheet["Lift"], sheet["Confidence"], strict=True))
    assert keys == sorted(keys, reverse=True)
    # A few rules recomputed by hand: the first, the last, and the planted "two of a bundle -> the third".
    picked = [0, len(sheet) - 1]
    for bundle in TRIPLES:
        items = sorted(bundle)
        ante = " + ".join(items[:2])
        picked.append(int(sheet.index[(sheet["If bought"] == ante) & (sheet["Then also"] == items[2])][0]))
    for i in picked:
        row = sheet.iloc[i]
        hand = by_hand(zh_orders, tuple(row["If bought"].split(" + ")), tuple(row["Then also"].split(" + ")))
        assert row["Support"] == pytest.approx(hand["support"])
        assert row["Confidence"] == pytest.approx(hand["confidence"])
        assert row["Lift"] == pytest.approx(hand["lift"])
        assert row["Baskets with all its items"] == hand["count"]
        assert row["Conviction"] == rules.conviction_text(hand["conviction"])
    # Conviction is text, never inf or NaN.
    assert all(isinstance(v, str) and v not in ("", "inf", "nan") for v in sheet["Conviction"])
    first = sheet.iloc[0]
    assert first["In words"].startswith(f"{first['Confidence'] * 100:.0f}% of orders with ")


def test_about_block_and_summary(zh_run, independent):
    about = about_block(zh_run["out"], "Rules")
    mined = independent["mined"]
    assert about["Order files"] == "orders_zh.csv"
    assert about["Analysis date"] == independent["as_of"].isoformat()
    assert about["Thresholds"] == "support ≥ 0.50%, confidence ≥ 30%, at most 3 items per rule"
    assert about["Found"] == (f"{mined.baskets.n:,} baskets, {len(mined.itemsets):,} frequent itemsets, "
                              f"{len(mined.rules):,} rules ({len(mined.rules):,} make offers)")
    assert about["Baskets"].startswith("one per order, products")
    stdout = zh_run["stdout"]
    assert f"{mined.baskets.n:,} baskets (one per order), {len(mined.itemsets):,} frequent itemsets, " \
           f"{len(mined.rules):,} rules" in stdout
    listed = about_block(zh_run["out"], "Summary", skip=1)  # the opted-out note takes row 1
    ids = [listed["List ID (next-best offers)"], listed["List ID (bundles to complete)"]]
    assert all(i.startswith(f"XS-{independent['as_of']:%Y%m%d}-") for i in ids) and ids[0] != ids[1]
    assert all(f"List ID: {i}" in stdout for i in ids)


# --------------------------------------------------------------------------------------------------- the lists
def test_offer_list_is_next_offers_without_the_opted_out(zh_run, independent):
    sheet = table_of(zh_run["out"], "Next-best offers")
    offers = independent["offers"]
    first = offers[offers["rank"] == 1]
    expected = {c: i for c, i in zip(first["customer_id"], first["item"], strict=True)
                if c not in independent["opted_out"]}
    assert dict(zip(sheet["Customer ID"], sheet["Product to offer"], strict=True)) == expected
    assert f"Next-best offers: {len(expected):,} customers" in zh_run["stdout"]
    # The other offers, in order, with their confidence.
    rest = offers[(offers["rank"] > 1) & offers["customer_id"].isin(expected)]
    one = rest["customer_id"].iloc[0]
    mine = rest[rest["customer_id"] == one]
    text = sheet.set_index("Customer ID").loc[one, "Also offer"]
    assert text == "; ".join(f"{i} ({c * 100:.0f}%)" for i, c in zip(mine["item"], mine["confidence"], strict=True))
    # No contact column without --include-contact.
    assert not {"Name", "Phone", "Email"} & set(sheet.columns)


def test_bundle_lists_hold_the_planted_two_of_three_buyers(zh_run, independent):
    truth = pd.read_csv(TRUTH, encoding="utf-8-sig", dtype=str).dropna(subset=["cross_sell_product"])
    book = openpyxl.load_workbook(zh_run["out"], read_only=True)
    lists = [table_of(zh_run["out"], name) for name in book.sheetnames if name.startswith("Bundle ")]
    by_bundle = {sheet["Bundle"].iloc[0]: sheet for sheet in lists}
    assert set(by_bundle) == {" + ".join(sorted(b)) for b in TRIPLES}  # the two planted 3-item bundles
    for bundle in TRIPLES:
        sheet = by_bundle[" + ".join(sorted(bundle))]
        assert set(sheet["Bundle"]) == {" + ".join(sorted(bundle))}
        found = dict(zip(sheet["Customer ID"], sheet["Product to offer"], strict=True))
        planted = {c: m for c, m in zip(truth["customer_id"], truth["cross_sell_product"], strict=True)
                   if m in bundle and c not in independent["opted_out"]}
        assert planted and {c: found.get(c) for c in planted} == planted
        assert not set(found) & independent["opted_out"]


def test_contacts_masked_unless_no_mask_and_chinese_headers(tmp_path):
    out = tmp_path / "en.xlsx"
    status, stdout, stderr = run("rules", EN, "--out", out, "--min-support", SUPPORT, "--include-contact",
                                 "--lang", "zh")
    assert status == 0, stderr
    sheets = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert sheets[:3] == ["规则", "概览", "下一最佳推荐"] and sheets[3].startswith("组合1")
    headers = list(table_of(out, "规则").columns)
    assert headers[:7] == ["已购买（前项）", "也会购买（后项）", "支持度", "置信度", "提升度", "杠杆率", "确信度"]
    assert "规则说明" in headers and "下一最佳推荐：" in stdout
    result = loaded(EN).result
    orders = result.orders
    choice = cs.CrossSellChoice(min_support=SUPPORT)
    assert len(table_of(out, "规则")) == len(cs.mine(orders, choice, as_of=pipeline.default_as_of(orders)).rules)
    assert "本规则表的来源" in about_block(out, "规则")
    masked = table_of(out, "下一最佳推荐")
    phones = result.customers.set_index("customer_id")["phone"]
    shown = masked.set_index("客户编号")["手机号"].dropna()
    assert len(shown) and all("*" in p for p in shown)
    plain_out = tmp_path / "plain.xlsx"
    status, _, stderr = run("rules", EN, "--out", plain_out, "--min-support", SUPPORT, "--include-contact",
                            "--no-mask")
    assert status == 0, stderr
    plain = table_of(plain_out, "Next-best offers").set_index("Customer ID")["Phone"].dropna()
    assert len(plain) and all("*" not in p for p in plain)
    assert all(plain[c] == phones[c] for c in plain.index)


# ------------------------------------------------------------------------------------- settings and options
def test_settings_file_then_flags_win(tmp_path, zh_orders):
    settings = tmp_path / "analysis.json"
    saved = cs.CrossSellChoice(min_support=0.02, min_confidence=0.5, offers=2)
    settings.write_text(AnalysisSettings(crosssell=saved).to_json(), encoding="utf-8")
    out = tmp_path / "rules.csv"
    status, stdout, stderr = run("rules", ZH, "--out", out, "--settings", settings, "--min-confidence", "40%")
    assert status == 0, stderr
    used = cs.CrossSellChoice(min_support=0.02, min_confidence=0.4, offers=2)
    mined = cs.mine(zh_orders, used, as_of=pipeline.default_as_of(zh_orders))
    sheet = pd.read_csv(out, encoding="utf-8-sig", dtype={"Conviction": str})
    assert len(sheet) == len(mined.rules) > 0
    assert sheet["Confidence"].min() >= 0.4 - 1e-9 and sheet["Support"].min() >= 0.02 - 1e-9
    assert (mined.rules["confidence"] < 0.5).any()  # the flag changed the rules, not only the file's value
    offers = pd.read_csv(cs_path(out, "offers"), encoding="utf-8-sig", dtype=str)
    assert offers["Also offer"].fillna("").map(lambda t: t.count("%)")).max() <= 1  # 2 offers per customer
    bundles = pd.read_csv(cs_path(out, "bundles"), encoding="utf-8-sig", dtype=str)
    assert len(bundles) and "Wrote" in stdout


def cs_path(out: Path, kind: str) -> Path:
    return out.with_name(f"{out.stem}.{kind}.csv")


# ----------------------------------------------------------------------------- a tiny file: ∞ and a formula
def test_tiny_file_infinite_conviction_and_formula_neutralised(tmp_path):
    out = tmp_path / "tiny.xlsx"
    status, _, stderr = run("rules", FORMULA_FILE, "--out", out, "--include-contact")
    assert status == 0, stderr
    sheet = table_of(out, "Rules")
    # 6 orders, Tea in each: X -> Tea has confidence 1, so conviction "∞"; by hand, FORMULA -> Tea: 3 of 3.
    certain = sheet[sheet["Confidence"] == 1]
    assert len(certain) == 3 and set(certain["Conviction"]) == {"∞"}
    row = sheet[(sheet["If bought"] == FORMULA) & (sheet["Then also"] == "Tea")].iloc[0]
    assert (row["Support"], row["Baskets with all its items"]) == (0.5, 3)
    wb = openpyxl.load_workbook(out)
    offers = wb["Next-best offers"]
    cells = [c for r in offers.iter_rows(min_row=2) for c in r if c.value == FORMULA]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)  # text, never a formula
    got = table_of(out, "Next-best offers").set_index("Customer ID")
    # C4 has Cup and Tea, not the formula item; C6 (same basket) opted out: not listed.
    assert got.loc["C4", "Product to offer"] == FORMULA and "C6" not in got.index
    assert got.loc["C4", "Phone"] == "138****5674" and got.loc["C4", "Email"] != "di@example.com"
    csv_out = tmp_path / "tiny.csv"
    assert run("rules", FORMULA_FILE, "--out", csv_out)[0] == 0
    listed = pd.read_csv(cs_path(csv_out, "offers"), encoding="utf-8-sig", dtype=str)
    assert "'" + FORMULA in set(listed["Product to offer"])
    bundles = pd.read_csv(cs_path(csv_out, "bundles"), encoding="utf-8-sig", dtype=str)
    assert set(bundles["Customer ID"]) == {"C3", "C4"}  # 2 of the 3 items; C6 opted out


# ------------------------------------------------------------------------------------------------- errors
def failed(args: list[object], *fragments: str) -> None:
    status, _, stderr = run(*args)
    assert status == 2
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr, stderr


@pytest.mark.parametrize("value", ["0", "abc", "150%"])
def test_bad_support(tmp_path, value):
    failed(["rules", FORMULA_FILE, "--out", tmp_path / "x.xlsx", "--min-support", value],
           f"The minimum support must be a share above 0 and at most 1 (e.g. 0.01 for 1%), not {value}")
    assert not (tmp_path / "x.xlsx").exists()


def test_no_category_column(tmp_path):
    failed(["rules", FORMULA_FILE, "--out", tmp_path / "x.xlsx", "--level", "category", "--lang", "zh"],
           "错误：订单中没有品类列，无法按品类生成购物篮。")


def test_no_basket_left(tmp_path):
    failed(["rules", FORMULA_FILE, "--out", tmp_path / "x.xlsx", "--exclude", "Tea", "--exclude", "Cup",
            "--exclude", FORMULA], "No basket is left to analyse (13 order lines used).")


def test_not_enough_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(cs, "frequent_itemsets", partial(mining.frequent_itemsets, max_bytes=1))
    failed(["rules", FORMULA_FILE, "--out", tmp_path / "x.xlsx", "--lang", "zh"], "在这里查找一起购买的商品大约需要",
           "请提高最低支持度")


def test_too_many_itemsets(tmp_path, monkeypatch):
    monkeypatch.setattr(cs, "frequent_itemsets", partial(mining.frequent_itemsets, max_itemsets=2))
    failed(["rules", FORMULA_FILE, "--out", tmp_path / "x.xlsx"], "More than 2 combinations of items reach the "
           "minimum support of 1.00%")


def test_too_many_rules(tmp_path, monkeypatch):
    monkeypatch.setattr(cs, "association_rules", partial(rules.association_rules, max_rules=3))
    failed(["rules", FORMULA_FILE, "--out", tmp_path / "x.xlsx"], "more than the 3 that can be computed quickly")


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--min-confidence", "x", "The basket option --min-confidence cannot be x. Choose one of: 0..1."),
    ("--offers", "11", "The basket option offers cannot be 11. Choose one of: 1..10."),
])
def test_bad_options_before_reading(tmp_path, option, value, message):
    failed(["rules", tmp_path / "missing.csv", "--out", tmp_path / "x.xlsx", option, value], message)
