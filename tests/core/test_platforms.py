"""Shop exports read as downloaded: the proposed mapping, then the customers planted in each fixture.

Fixtures: tests/data/platforms (README.md there lists each file's quirks and the hand-computed results;
make_fixtures.py regenerates them).  Each test reads the bytes with read_upload, proposes a mapping from
the values and runs standardize with that mapping, untouched: what a marketer gets with no hand work.
"""

from datetime import date
from pathlib import Path

import pytest

from crm_core.ingest.clean import standardize
from crm_core.ingest.mapping import propose_mapping
from crm_core.ingest.readers import read_upload
from crm_core.messages import Localized

PLATFORMS = Path(__file__).resolve().parents[1] / "data" / "platforms"


def load(name: str):
    raw = read_upload((PLATFORMS / name).read_bytes(), name)
    return raw, propose_mapping(raw.frame)


def note_codes(proposal) -> list[str]:
    return [n.code for n in proposal.notes]


def customers(result) -> dict[str, tuple[int, float]]:
    """customer_id -> (orders bought, net spend rounded to cents) from the used lines."""
    orders = result.orders
    bought = orders.loc[~orders["is_return"]].groupby("customer_id")["order_id"].nunique()
    spend = orders.groupby("customer_id")["amount"].sum().round(2)
    return {cid: (int(bought.get(cid, 0)), float(spend[cid])) for cid in spend.index}


def excluded_rows(result, reason: str) -> list[int]:
    excluded = result.report.excluded
    return sorted(excluded.loc[excluded["reason"] == reason, "row"].astype(int).tolist())


def test_taobao_order_report_reads_as_downloaded():
    raw, proposal = load("taobao_orders.csv")
    assert raw.encoding in ("gb18030", "gbk")
    assert len(raw.frame.columns) == 64
    assert proposal.mapping.as_dict() == {
        "customer_id": "买家会员名", "order_id": "订单编号", "order_date": "订单创建时间", "product": "宝贝标题",
        "quantity": "宝贝总数量", "amount": "买家实际支付金额", "refund_amount": "退款金额", "channel": "店铺名称",
        "status": "订单状态", "name": "收货人姓名", "phone": "联系手机",
    }
    assert proposal.identity == "买家会员名" and proposal.inferred == ()
    identity = next(n for n in proposal.notes if n.code == "note_identity_used")
    assert "买家会员名（买家账号）" in identity.text("zh") and "buyer account" in identity.text("en")

    result = standardize(raw, proposal.mapping)
    assert result.report.rows_read == 17 and result.report.rows_used == 13
    assert excluded_rows(result, "status") == [4, 8, 12, 17]  # 交易关闭 x2, 等待买家付款 x2
    assert customers(result) == {
        "小雨爱吃鱼": (2, 185.90), "tb_8823719": (2, 257.00), "阿明同学": (1, 35.50), "lily_2019": (3, 554.90),
        "星空下的约定": (1, 80.00), "jack_chen88": (3, 153.00), "糖果屋": (1, 160.00),
    }
    assert set(result.orders["order_id"]) >= {"2435000000829348951"}  # ="…" unwrapped, all 19 digits kept


def test_shopify_export_uses_email_created_at_and_line_items():
    raw, proposal = load("shopify_orders.csv")
    assert proposal.mapping.as_dict() == {
        "customer_id": "Email", "order_id": "Name", "order_date": "Created at", "product": "Lineitem name",
        "sku": "Lineitem sku", "quantity": "Lineitem quantity", "unit_price": "Lineitem price",
        "refund_amount": "Refunded Amount", "channel": "Source", "status": "Financial Status", "name": "Billing Name",
        "phone": "Billing Phone", "city": "Billing City", "region": "Billing Province", "country": "Billing Country",
        "consent": "Accepts Marketing",
    }
    assert proposal.identity == "Email"
    codes = note_codes(proposal)
    assert {"note_name_is_order_number", "note_identity_used", "note_order_total_skipped"} <= set(codes)
    skipped = next(n for n in proposal.notes if n.code == "note_order_total_skipped")
    assert dict(skipped.params)["column"].en == "Total"  # a list-price total: never taken as a paid total

    result = standardize(raw, proposal.mapping)
    assert result.report.rows_used == 9
    assert excluded_rows(result, "status") == [8, 9, 10, 13]  # voided #1004 (2 lines), pending, refunded
    assert customers(result) == {
        "ava.miller@example.com": (2, 84.50), "ben.okafor@example.com": (1, 45.00),
        "chloe.dupont@example.com": (1, 13.00), "emma.stone@example.com": (1, 27.50),
    }
    ava = result.orders.loc[result.orders["customer_id"] == "ava.miller@example.com", "order_date"]
    assert ava.max().date() == date(2024, 3, 20)  # Created at, not Paid at (2024-03-21)


def test_jd_export_takes_the_payable_total_once_per_order_and_passes_over_the_list_total():
    raw, proposal = load("jd_orders.csv")
    assert proposal.mapping.as_dict() == {
        "customer_id": "下单帐号", "order_id": "订单号", "order_date": "下单时间", "product": "商品名称",
        "sku": "商品ID", "quantity": "订购数量", "unit_price": "京东价", "amount": "应付金额", "channel": "订单渠道",
        "status": "订单状态", "name": "客户姓名",
    }
    assert proposal.identity == "下单帐号"
    params = {n.code: dict(n.params) for n in proposal.notes}
    assert params["note_masked_phone"]["column"] == "联系电话"
    assert params["note_order_paid_total_used"]["column"] == "应付金额"
    skipped = next(n for n in proposal.notes if n.code == "note_order_total_skipped")
    assert skipped.text("en") == ("Not used as the amount: 订单金额, 结算金额 (the order's total, repeated on every "
                                  "line of the order); the paid total 应付金额 is used instead.")
    assert skipped.text("zh") == ("未用作金额：订单金额、结算金额（整单金额，在订单的每一行重复）；"
                                  "改用实付/应付金额 应付金额。")
    paid = next(n for n in proposal.notes if n.code == "note_order_paid_total_used")
    assert "in proportion to quantity × unit price" in paid.text("en") and "按数量 × 单价的比例" in paid.text("zh")

    result = standardize(raw, proposal.mapping)
    assert excluded_rows(result, "status") == [8, 9, 10, 11]  # 已取消, 等待付款
    # 应付金额 once per order, freight included, the 20.00 coupon of 290011223307 taken off:
    # jd_4a7c2b91 99.70 + 75.00; mary_h 496.70; jd_77aa0012 45.90 + (217.80 - 20.00) = 243.70.
    assert customers(result) == {"jd_4a7c2b91": (2, 174.70), "mary_h": (1, 496.70), "jd_77aa0012": (2, 243.70)}
    # 290011223307's 197.80 shared by quantity × 京东价: 2 × 69.00 = 138.00 and 2 × 39.90 = 79.80 of 217.80.
    last = result.orders.loc[result.orders["order_id"] == "290011223307", "amount"].tolist()
    assert last == pytest.approx([197.80 * 138.00 / 217.80, 197.80 * 79.80 / 217.80])


def test_youzan_export_uses_nickname_and_item_amounts():
    raw, proposal = load("youzan_orders.csv")
    assert proposal.mapping.as_dict() == {
        "customer_id": "买家昵称", "order_id": "订单号", "order_date": "订单创建时间", "product": "商品名称",
        "quantity": "商品数量", "unit_price": "商品单价", "amount": "商品实际成交金额",
        "refund_amount": "订单已退款金额", "channel": "销售渠道", "status": "订单状态", "name": "收货人/提货人",
        "phone": "买家手机号",
    }
    assert proposal.identity == "买家昵称"
    result = standardize(raw, proposal.mapping)
    assert excluded_rows(result, "status") == [8, 9]
    assert customers(result) == {"晴天": (2, 61.00), "阿福": (1, 69.00), "小鹿": (1, 33.00)}


def test_woocommerce_export_uses_billing_email_and_item_cost():
    raw, proposal = load("woocommerce_orders.csv")
    assert proposal.mapping.as_dict() == {
        "customer_id": "Email (Billing)", "order_id": "Order ID", "order_date": "Order Date", "product": "Item Name",
        "sku": "SKU", "quantity": "Quantity (- Refund)", "unit_price": "Item Cost",
        "refund_amount": "Order Refund Amount", "status": "Order Status", "phone": "Phone (Billing)",
        "city": "City (Billing)", "region": "State Code (Billing)", "country": "Country Code (Billing)",
    }
    params = {n.code: dict(n.params) for n in proposal.notes}
    # List-price totals are not paid totals: quantity × item cost prices the lines.
    assert params["note_order_total_skipped"]["column"] == Localized(
        en="Order Subtotal Amount, Order Total Amount", zh="Order Subtotal Amount、Order Total Amount")
    assert params["note_order_total_once"]["column"] == "Order Refund Amount"

    result = standardize(raw, proposal.mapping)
    # Cancelled 3104, Failed 3105, Refunded 3106, Pending payment 3107, On hold 3108.
    assert excluded_rows(result, "status") == [7, 8, 9, 10, 11]
    assert customers(result) == {"sofia@example.org": (2, 71.00), "liam@example.org": (2, 55.50)}


def test_square_item_details_never_price_from_price_point_name():
    raw, proposal = load("square_items.csv")
    assert proposal.mapping.as_dict() == {
        "customer_id": "Customer ID", "order_id": "Transaction ID", "order_date": "Date", "product": "Item",
        "category": "Category", "quantity": "Qty", "amount": "Net Sales", "order_time": "Time", "channel": "Channel",
        "name": "Customer Name",
    }
    assert "Price Point Name" not in proposal.mapping.as_dict().values()  # text ("Regular", "Large")

    result = standardize(raw, proposal.mapping)
    assert excluded_rows(result, "missing_customer") == [4, 7, 8]  # walk-ins
    share = next(dict(n.params)["share"] for n in result.report.notes if n.code == "note_missing_customer_share")
    assert share == pytest.approx(19.00 / 63.00)
    assert customers(result) == {"CUST-7F2K": (2, 13.50), "CUST-9Q1Z": (2, 17.75), "CUST-3B8D": (1, 8.50)}
    assert result.orders["is_return"].sum() == 1


def test_a_customer_id_header_is_kept_when_most_sales_are_walk_ins():
    raw, proposal = load("square_walkins.csv")
    assert raw.frame["Customer ID"].notna().sum() == 3  # of 8 rows
    assert proposal.mapping.get("customer_id") == "Customer ID" and proposal.identity is None
    assert "note_column_values_rejected" not in note_codes(proposal)

    result = standardize(raw, proposal.mapping)
    assert result.report.rows_read == 8 and result.report.rows_used == 3
    assert excluded_rows(result, "missing_customer") == [3, 4, 6, 7, 9]
    note = next(dict(n.params) for n in result.report.notes if n.code == "note_missing_customer_share")
    # walk-ins 3.00 + 7.50 + 4.25 + 6.00 + 3.75 = 24.50 of 46.50
    assert note["rows"] == 5 and note["share"] == pytest.approx(24.50 / 46.50)
    assert customers(result) == {"CUST-1": (2, 11.00), "CUST-2": (1, 11.00)}


def test_a_phone_identity_is_named_and_its_spellings_are_one_customer():
    raw, proposal = load("phone_identity.csv")
    assert proposal.mapping.as_dict() == {"customer_id": "手机号", "order_date": "下单时间", "amount": "实付金额"}
    assert proposal.identity == "手机号"
    note = next(n for n in proposal.notes if n.code == "note_identity_used")
    assert "按 手机号（手机号）区分客户" in note.text("zh") and "by 手机号 (phone)" in note.text("en")

    result = standardize(raw, proposal.mapping)
    # +86 138-1234-5678, 8613812345678 and 138 1234 5678 are one buyer (10 + 20 + 15); 13900001111 another.
    spend = result.orders.groupby("customer_id")["amount"].sum()
    assert sorted(spend.round(2).tolist()) == [7.00, 45.00]


def test_an_email_identity_ignores_case_and_blanks():
    raw, proposal = load("email_identity.csv")
    assert proposal.mapping.get("customer_id") == "Email" and proposal.identity == "Email"
    result = standardize(raw, proposal.mapping)
    spend = result.orders.groupby("customer_id")["amount"].sum().round(2)
    assert spend.to_dict() == {"alice@x.com": 30.00, "bob@y.org": 5.00}


@pytest.mark.parametrize(("name", "headers", "expected"), [
    ("german_orders.csv", ("Kundennummer", "Rechnung", "Datum", "Artikel", "Menge", "Preis"),
     {"K-1001": (2, 77.20), "K-1002": (2, 1030.90), "K-1003": (1, 56.70)}),
    ("french_orders.csv", ("Numéro de client", "Facture", "Date", "Produit", "Quantité", "Prix unitaire"),
     {"C-01": (2, 19.50), "C-02": (1, 29.00)}),
    ("spanish_orders.csv", ("Cliente", "Pedido", "Fecha", "Producto", "Cantidad", "Precio"),
     {"CL-7": (2, 14.40), "CL-8": (1, 9.00)}),
    ("japanese_orders.csv", ("顧客番号", "注文番号", "注文日", "商品名", "数量", "単価"),
     {"J001": (2, 2000.00), "J002": (1, 1600.00)}),
])
def test_european_and_japanese_headers_map_with_no_hand_work(name, headers, expected):
    raw, proposal = load(name)
    fields = ("customer_id", "order_id", "order_date", "product", "quantity", "unit_price")
    assert proposal.mapping.as_dict() == dict(zip(fields, headers, strict=True))
    assert proposal.inferred == () and proposal.identity is None
    result = standardize(raw, proposal.mapping)
    assert customers(result) == expected


def test_german_dates_are_day_first_without_asking():
    raw, proposal = load("german_orders.csv")
    result = standardize(raw, proposal.mapping)
    assert sorted(result.orders["order_date"].dt.date.unique())[:2] == [date(2024, 3, 5), date(2024, 3, 13)]


def test_name_and_address_tell_customers_apart_when_nothing_else_can():
    raw, proposal = load("consignee_only.csv")
    assert proposal.mapping.as_dict() == {
        "customer_id": "收货人姓名 + 收货地址", "order_id": "订单编号", "order_date": "下单时间", "amount": "实付金额",
        "status": "订单状态", "name": "收货人姓名",
    }
    assert proposal.identity == "收货人姓名 + 收货地址"
    assert {"note_masked_phone", "note_identity_composite"} <= set(note_codes(proposal))
    result = standardize(raw, proposal.mapping)
    assert excluded_rows(result, "missing_customer") == [6]
    spend = sorted((orders, amount) for orders, amount in customers(result).values())
    assert spend == [(1, 30.00), (1, 99.00), (2, 100.00)]  # 张三 at two addresses are two customers


def test_c_prefixed_order_ids_are_not_returns_in_a_shop_that_always_writes_them():
    raw, proposal = load("c_prefix_shop.csv")
    result = standardize(raw, proposal.mapping)
    assert result.report.rows_used == 5 and not result.orders["is_return"].any()
    assert customers(result) == {"cu-1": (2, 28.50), "cu-2": (1, 30.00), "cu-3": (1, 15.00)}


def test_name_column_is_the_persons_name_and_never_the_order_id():
    raw, proposal = load("name_no_order_id.csv")
    assert proposal.mapping.as_dict() == {
        "customer_id": "customer id", "order_date": "date", "amount": "amount", "name": "name",
    }
    result = standardize(raw, proposal.mapping)
    spend = result.orders.groupby("customer_id")["amount"].sum().to_dict()
    assert spend == {"m-01": 37.0, "m-02": 30.0, "m-03": 16.0}
    names = result.customers.set_index("customer_id")["name"].to_dict()
    assert names == {"m-01": "Anna Berg", "m-02": "Li Wei", "m-03": "Sara Cohen"}


def test_single_letter_products_are_merchandise_and_codes_match_the_sku_only():
    raw, proposal = load("single_letter_products.csv")
    assert proposal.mapping.get("sku") == "sku" and proposal.mapping.get("product") == "product"
    result = standardize(raw, proposal.mapping)
    assert sorted(result.orders["source_row"]) == [2, 3, 4, 5]
    assert excluded_rows(result, "non_product") == [6, 7]
    assert customers(result) == {"u1": (1, 38.00), "u2": (1, 35.00), "u3": (1, 42.00)}


def test_country_and_region_are_their_own_fields():
    raw, proposal = load("country_region.csv")
    mapping = proposal.mapping
    assert (mapping.get("city"), mapping.get("region"), mapping.get("country")) == ("city", "province/state", "country")
    result = standardize(raw, mapping)
    table = result.customers.set_index("customer_id")
    assert table.loc["r3", ["city", "region", "country"]].tolist() == ["杭州", "浙江", "中国"]


def test_unknown_headers_are_guessed_from_values_and_flagged_to_confirm():
    raw, proposal = load("headers_unknown.csv")
    assert proposal.mapping.as_dict() == {
        "customer_id": "col1", "order_id": "col4", "order_date": "col2", "amount": "col3",
    }
    assert proposal.inferred == ("customer_id", "order_id", "order_date", "amount")
    guessed = next(n for n in proposal.notes if n.code == "note_fields_guessed")
    assert guessed.level == "warning"
    assert "下单日期：col2" in guessed.text("zh") and "Order date: col2" in guessed.text("en")
    result = standardize(raw, proposal.mapping)
    assert customers(result) == {"KD-001": (2, 28.00), "KD-002": (2, 55.50), "KD-003": (2, 47.25)}


def test_fixtures_are_regenerated_byte_for_byte(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_platform_fixtures", PLATFORMS / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    for path in sorted(tmp_path.glob("*.csv")):
        assert path.read_bytes() == (PLATFORMS / path.name).read_bytes(), path.name


def test_every_fixture_is_listed_in_the_readme():
    readme = (PLATFORMS / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in PLATFORMS.glob("*.csv") if p.name not in readme]
    assert missing == []


@pytest.mark.parametrize("name", ["shopify_orders.csv", "jd_orders.csv", "square_items.csv"])
def test_row_order_does_not_change_the_proposal(name):
    raw, proposal = load(name)
    shuffled = raw.frame.sample(frac=1.0, random_state=0)
    assert propose_mapping(shuffled).mapping == proposal.mapping
