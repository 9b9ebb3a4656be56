"""The demo generator: determinism, the planted truth, and the written files."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import phonenumbers
import pytest

from crm_core.sample.catalog import BUNDLES, CATALOG
from crm_core.sample.generator import MAX_FILES_BYTES, SampleSpec, generate_sample, main, write_sample_files

SPEC = SampleSpec()
END = pd.Timestamp(SPEC.end)
ZH = ["客户编号", "订单号", "下单时间", "商品名称", "商品编码", "品类", "数量", "单价", "实付金额", "渠道", "订单状态",
      "姓名", "手机号", "邮箱", "性别", "城市", "注册日期", "是否同意营销"]
EN = ["Customer ID", "Order ID", "Order Date", "Product", "SKU", "Category", "Quantity", "Unit Price (CNY)",
      "Amount (CNY)", "Channel", "Status", "Name", "Phone", "Email", "Gender", "City", "Signup Date",
      "Marketing Consent"]
COMMITTED = Path(__file__).resolve().parents[2] / "sample_data"


def _purchases(orders: pd.DataFrame) -> pd.DataFrame:
    return orders[(orders["status"] == "已完成") & (orders["quantity"] > 0) & orders["customer_id"].notna()]


@pytest.fixture(scope="module")
def per_customer(data):
    """Order count, days from the last day back to the first/last purchase, spend, per customer, with the truth."""
    stats = _purchases(data.orders).groupby("customer_id").agg(
        orders=("order_id", "nunique"), first=("order_date", "min"), last=("order_date", "max"),
        spend=("amount", "sum"), dearest=("unit_price", "max"),
    )
    stats = stats.assign(back_first=(END - stats["first"].dt.normalize()).dt.days,
                         back_last=(END - stats["last"].dt.normalize()).dt.days)
    return data.truth.set_index("customer_id").join(stats)


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-11:]


# --- determinism ---

def test_same_spec_gives_identical_data(data):
    again = generate_sample(SampleSpec())
    for name in ("orders", "customers", "truth"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(data, name))
    assert again.planted == data.planted


def test_different_seed_gives_different_data(data):
    other = generate_sample(SampleSpec(seed=8))
    assert not other.orders.equals(data.orders)
    assert not other.truth["group"].equals(data.truth["group"])


def test_file_bytes_depend_only_on_the_spec(tmp_path, files):
    small = SampleSpec(n_customers=60, seed=3)
    first = write_sample_files(tmp_path / "a", small)
    second = write_sample_files(tmp_path / "b", small)
    assert [p.name for p in first] == ["orders_zh.csv", "orders_en.xlsx", "orders_future_zh.csv", "truth.csv",
                                       "customers_zh.csv", "customers_en.csv", "campaign_results_en.csv",
                                       "campaign_results_zh.csv", "campaign_outcomes_en.csv",
                                       "campaign_outcomes_zh.csv", "touchpoints_en.csv", "touchpoints_zh.csv",
                                       "daily_sales_en.csv", "daily_sales_zh.csv"]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))
    assert first[0].read_bytes() != files[0].read_bytes()


def test_committed_sample_files_are_up_to_date(files):
    for fresh in files:
        committed = COMMITTED / fresh.name
        if fresh.suffix == ".xlsx":  # compare the members: compressed bytes can vary with the zlib build
            with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(committed) as b:
                assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}
        else:
            assert committed.read_bytes() == fresh.read_bytes(), f"run: python -m crm_core.sample.generator {COMMITTED}"


# --- planted groups ---

@pytest.mark.parametrize("n_customers", [500, 1200])
def test_group_shares_match_the_spec(n_customers):
    spec = SampleSpec(n_customers=n_customers)
    truth = generate_sample(spec).truth
    groups = truth["group"].dropna()  # the behaviour clusters' customers have no group
    assert len(groups) == n_customers and len(truth) == n_customers + spec.n_cluster_customers
    shares = groups.value_counts(normalize=True)
    for group, share in spec.group_shares:
        assert abs(shares[group] - share) <= 0.02


# group: (fewest orders, most orders, last order at least / at most this many days before the last day)
GROUP_RULES = {
    "champions": (15, 40, 0, 13),
    "loyal": (6, 15, 0, 44),
    "new": (1, 1, 0, 29),
    "at_risk": (6, 15, 120, 250),
    "lost": (1, 2, 271, 364),
    "occasional": (2, 5, 0, 130),
}


@pytest.mark.parametrize("group", GROUP_RULES)
def test_every_customer_of_a_group_buys_as_planted(per_customer, group):
    fewest, most, recent, oldest = GROUP_RULES[group]
    members = per_customer[per_customer["group"] == group]
    assert len(members) > 0
    assert members["orders"].between(fewest, most).all()
    assert members["back_last"].between(recent, oldest).all()


def test_lost_customers_bought_only_long_ago_and_cheaply(per_customer):
    lost = per_customer[per_customer["group"] == "lost"]
    assert (lost["back_first"] > 270).all()  # every order, not just the last
    assert (lost["dearest"] <= 100).all()


def test_spend_ranks_the_groups(per_customer):
    median = per_customer.groupby("group")["spend"].median()
    assert median["champions"] > median["loyal"] > median["occasional"] > median["lost"]
    assert median["at_risk"] > median["occasional"]


def test_new_customers_signed_up_just_before_their_only_order(data, per_customer):
    signup = data.customers.set_index("customer_id")["signup_date"]
    new = per_customer[per_customer["group"] == "new"]
    lead = (new["first"].dt.normalize() - signup.loc[new.index]).dt.days
    assert lead.between(0, 3).all()
    assert ((per_customer["first"].dt.normalize() - signup.loc[per_customer.index]).dt.days >= 0).all()


def test_churned_means_no_purchase_in_the_last_120_days(per_customer):
    days_to_as_of = per_customer["back_last"] + 1  # the analysis date is the day after the last day
    assert per_customer["churned"].equals(days_to_as_of > 120)
    by_group = per_customer.groupby("group")["churned"].mean()
    assert by_group["at_risk"] == by_group["lost"] == 1.0
    assert by_group["champions"] == by_group["loyal"] == by_group["new"] == 0.0


def test_channel_mix_depends_on_the_group(data):
    group = data.truth.set_index("customer_id")["group"]
    bought = _purchases(data.orders)
    mini_program = (bought["channel"] == "微信小程序").groupby(bought["customer_id"].map(group)).mean()
    assert mini_program["champions"] > 0.3 > 0.1 > mini_program["lost"]
    assert set(data.orders["channel"]) == {"天猫旗舰店", "京东自营", "微信小程序", "线下门店"}


# --- bundles and cross-sell ---

def _full_bundle_orders(orders: pd.DataFrame) -> set[str]:
    baskets = _purchases(orders).groupby("order_id")["product"].agg(set)
    return {oid for oid, basket in baskets.items() if any(set(items) <= basket for items in BUNDLES.values())}


def test_documented_share_of_multi_item_orders_holds_a_full_bundle(data):
    baskets = _purchases(data.orders).groupby("order_id")["product"].nunique()
    multi = int((baskets >= 2).sum())
    bundles = _full_bundle_orders(data.orders)
    assert data.planted["multi_item_orders"] == multi
    assert data.planted["bundle_orders"] == len(bundles)
    # the share is planted in the core customers' orders (the behaviour clusters' baskets are drawn by price)
    core = data.orders[data.orders["customer_id"].isin(data.truth.dropna(subset=["group"])["customer_id"])]
    core_multi = int((_purchases(core).groupby("order_id")["product"].nunique() >= 2).sum())
    assert abs(len(_full_bundle_orders(core)) / core_multi - SPEC.bundle_order_share) <= 0.01


def test_bundle_buyers_are_the_customers_with_a_full_bundle_order(data):
    bought = _purchases(data.orders)
    buyers = set(bought.loc[bought["order_id"].isin(_full_bundle_orders(data.orders)), "customer_id"])
    assert set(data.truth.loc[data.truth["bundle_buyer"], "customer_id"]) == buyers


def test_cross_sell_customers_bought_two_of_three_together_and_never_the_third(data):
    gaps = data.truth.dropna(subset=["cross_sell_product"])
    assert len(gaps) == round(SPEC.cross_sell_share * SPEC.n_customers)
    bought = _purchases(data.orders)
    for customer, missing in zip(gaps["customer_id"], gaps["cross_sell_product"], strict=True):
        items = next(set(b) for b in BUNDLES.values() if missing in b)
        own = bought[bought["customer_id"] == customer]
        assert missing not in set(own["product"])
        baskets = own.groupby("order_id")["product"].agg(set)
        assert any(basket == items - {missing} for basket in baskets)


# --- messiness ---

def test_duplicate_identities_share_a_phone_written_two_ways(data):
    customers = data.customers.set_index("customer_id")
    pairs = data.truth.dropna(subset=["duplicate_of"])
    assert len(pairs) == SPEC.n_duplicates == data.planted["duplicate_pairs"]
    for copy, original in zip(pairs["customer_id"], pairs["duplicate_of"], strict=True):
        a, b = customers.loc[copy], customers.loc[original]
        assert a["phone"] != b["phone"] and _digits(a["phone"]) == _digits(b["phone"])
        assert re.fullmatch(r"1\d{10}", a["phone"]) and re.fullmatch(r"\+86 1\d\d-\d{4}-\d{4}", b["phone"])
        assert a["name"] == b["name"]
    # no other two customers share a number
    assert customers["phone"].map(_digits).duplicated().sum() == SPEC.n_duplicates


def test_phones_are_valid_mobiles_in_mixed_formats(data):
    phones = data.customers["phone"]
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p, "CN")) for p in phones)
    styles = phones.str.replace(r"\d", "9", regex=True).value_counts()
    assert set(styles.index) == {"99999999999", "999 9999 9999", "999-9999-9999", "+99 999-9999-9999",
                                 "+9999999999999"}


def test_customer_attributes(data):
    customers = data.customers
    assert customers["customer_id"].is_unique and len(customers) == SPEC.n_customers + SPEC.n_cluster_customers
    # each stream draws its own opt-outs: 15% of the core customers and 15% of the behaviour clusters' ones
    expected_false = round(0.15 * SPEC.n_customers) + round(0.15 * SPEC.n_cluster_customers)
    assert (~customers["consent"]).sum() == expected_false == data.planted["consent_false"]
    assert customers["email"].dropna().str.fullmatch(r"[a-z]+\d+@example\.(com|cn)").all()
    assert customers["email"].dropna().is_unique
    assert set(customers["gender"]) == {"男", "女"}
    assert customers["name"].str.fullmatch(r"[\u4e00-\u9fff]{2,3}").all()


def test_walk_in_lines_have_no_customer(data):
    walk_ins = data.orders[data.orders["customer_id"].isna()]
    assert len(walk_ins) == data.planted["walk_in_lines"]
    assert 0.008 <= len(walk_ins) / len(data.orders) <= 0.012
    assert (walk_ins["channel"] == "线下门店").all() and (walk_ins["status"] == "已完成").all()


def test_returns_are_negative_lines_of_earlier_purchases(data, per_customer):
    returns = data.orders[data.orders["quantity"] < 0]
    assert len(returns) == SPEC.n_returns == data.planted["return_lines"]
    assert (returns["amount"] < 0).all() and (returns["status"] == "已完成").all()
    assert returns["order_id"].str.startswith("TH").all()
    bought = _purchases(data.orders)
    for row in returns.itertuples():
        earlier = bought[(bought["customer_id"] == row.customer_id) & (bought["product"] == row.product)]
        assert (earlier["order_date"] < row.order_date).any()
        assert row.order_date < per_customer.loc[row.customer_id, "last"]  # never the last activity


def test_cancelled_orders_sit_inside_their_customers_active_span(data, per_customer):
    cancelled = data.orders[data.orders["status"] == "已取消"]
    assert cancelled["order_id"].nunique() == SPEC.n_cancelled == data.planted["cancelled_orders"]
    span = per_customer.loc[cancelled["customer_id"]]
    day = cancelled["order_date"].dt.normalize().to_numpy()
    assert (day >= span["first"].dt.normalize().to_numpy()).all()
    assert (day <= span["last"].dt.normalize().to_numpy()).all()


def test_catalogue_prices_are_consistent(data):
    orders = data.orders
    assert np.allclose(orders["amount"], orders["unit_price"] * orders["quantity"])
    assert (orders.groupby("sku")[["product", "category", "unit_price"]].nunique() == 1).all().all()
    assert orders["sku"].str.fullmatch(r"SKU\d{4}").all()
    assert 38 <= len(CATALOG) <= 45 and len({p.category for p in CATALOG}) == 6
    lines = orders.groupby("order_id")[["customer_id", "order_date", "channel", "status"]].nunique(dropna=False)
    assert (lines == 1).all().all()  # an order's lines agree on who, when, where and status


def test_spec_is_validated():
    with pytest.raises(ValueError, match="sum to 1"):
        SampleSpec(group_shares=(("champions", 0.5), ("lost", 0.4)))
    with pytest.raises(ValueError, match="364 days"):
        SampleSpec(start=date(2025, 6, 1))
    with pytest.raises(ValueError, match="at least 50"):
        SampleSpec(n_customers=10)


# --- files ---

def test_files_stay_under_the_size_limit(files):
    assert MAX_FILES_BYTES == 3_600_000
    assert sum(p.stat().st_size for p in files) <= MAX_FILES_BYTES


def test_size_limit_is_checked_before_writing(tmp_path):
    with pytest.raises(ValueError, match="lower n_customers"):
        write_sample_files(tmp_path / "out", SampleSpec(n_customers=60), max_bytes=10_000)
    assert not (tmp_path / "out").exists()


def test_chinese_csv_reads_like_a_shop_export(files, data):
    raw = files[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    frame = pd.read_csv(files[0], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ZH
    assert len(frame) == len(data.orders)
    assert frame["下单时间"].str.fullmatch(r"2025/\d{1,2}/\d{1,2} \d\d:\d\d").all()
    assert frame["下单时间"].str.contains(r"^2025/\d/\d ").any()  # no zero padding: 2025/3/7
    yen = frame["实付金额"].str.contains("¥")
    assert yen.sum() == data.planted["currency_text_amounts"] == (frame["渠道"] == "微信小程序").sum()
    assert frame["实付金额"].str.fullmatch(r"-?¥\d{1,3}(,\d{3})*\.\d\d").sum() == yen.sum()
    assert "¥1,299.00" in set(frame["实付金额"])
    assert set(frame["是否同意营销"]) == {"是", "否", ""}
    assert (frame["客户编号"] == "").sum() == data.planted["walk_in_lines"]
    assert frame["客户编号"].str.fullmatch(r"([CK]\d{5})?").all()  # K: the behaviour clusters' customers


def test_csv_rows_carry_their_customer(files, data):
    with files[0].open(encoding="utf-8-sig", newline="") as handle:
        first = next(r for r in csv.DictReader(handle) if r["客户编号"])
    customer = data.customers.set_index("customer_id").loc[first["客户编号"]]
    assert first["姓名"] == customer["name"] and first["手机号"] == customer["phone"]


def test_english_workbook_has_a_title_row_then_the_header(files, data):
    sheet = openpyxl.load_workbook(io.BytesIO(files[1].read_bytes()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Sales export 2025" and set(rows[0][1:]) == {None}
    assert list(rows[1]) == EN
    assert len(rows) == 2 + len(data.orders)
    first = data.orders.iloc[0]
    assert rows[2][:3] == (first["customer_id"], first["order_id"], first["order_date"].to_pydatetime())
    assert isinstance(rows[2][17], bool) and isinstance(rows[2][8], float)


def test_truth_file_matches_the_truth(files, data):
    truth = pd.read_csv(files[3], encoding="utf-8-sig", dtype={"churned": bool, "bundle_buyer": bool})
    assert list(truth.columns) == ["customer_id", "group", "churned", "bundle_buyer", "duplicate_of",
                                   "cross_sell_product", "future_orders", "churned_in_future", "behaviour_cluster",
                                   "expected_stage", "campaign_contacted", "campaign_responded",
                                   "campaign_response_chance", "outcome_group", "outcome_success"]
    assert truth["churned"].tolist() == data.truth["churned"].tolist()
    assert truth["churned_in_future"].tolist() == data.truth["churned_in_future"].tolist()
    assert truth["future_orders"].tolist() == data.truth["future_orders"].tolist()
    assert truth["duplicate_of"].notna().sum() == 3
    assert truth["behaviour_cluster"].tolist() == data.truth["behaviour_cluster"].astype(object).tolist()
    assert truth["expected_stage"].tolist() == data.truth["expected_stage"].astype(object).tolist()


def test_command_line_writes_the_files(tmp_path, capsys):
    main([str(tmp_path), "--customers", "60", "--seed", "1"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "campaign_outcomes_en.csv", "campaign_outcomes_zh.csv", "campaign_results_en.csv", "campaign_results_zh.csv",
        "customers_en.csv", "customers_zh.csv", "daily_sales_en.csv", "daily_sales_zh.csv", "orders_en.xlsx",
        "orders_future_zh.csv", "orders_zh.csv", "touchpoints_en.csv", "touchpoints_zh.csv", "truth.csv"]
    assert "orders_zh.csv" in capsys.readouterr().out
