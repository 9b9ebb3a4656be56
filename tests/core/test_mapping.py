"""propose_mapping: ranked header words checked against the values, identity proposals, guesses (hand-made frames)."""

import pandas as pd
import pytest

from crm_core.ingest.mapping import composite_parts, composite_source, propose_from_headers, propose_mapping
from crm_core.messages import Localized
from crm_core.schema import suggest_mapping


def frame(columns: dict[str, list[str | None]]) -> pd.DataFrame:
    """A raw upload as read_upload gives it: text columns, file row numbers (header = row 1) as index."""
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, dtype="str", index=range(2, n + 2))


def codes(proposal) -> dict[str, dict]:
    return {n.code: dict(n.params) for n in proposal.notes}


BASE = {"customer id": ["c1", "c2", "c1"], "order id": ["o1", "o2", "o3"]}


# ----- rank beats column order ------------------------------------------------------------------------
def test_taobao_paid_amount_beats_total_whatever_the_column_order():
    data = frame({"总金额": ["138.00", "67.90"], "买家实际支付金额": ["118.00", "67.90"], "买家会员名": ["a", "b"],
                  "订单创建时间": ["2024-01-01 10:00:00", "2024-01-02 11:00:00"]})
    assert propose_mapping(data).mapping.get("amount") == "买家实际支付金额"
    headers = ["总金额", "买家实际支付金额", "买家会员名", "订单创建时间"]
    assert suggest_mapping(headers).get("amount") == "买家实际支付金额"


def test_created_at_beats_paid_at_and_paid_at_is_only_a_fallback():
    data = frame({"Email": ["a@x.com", "b@x.com"], "Paid at": ["2024-03-06 10:00:00 -0500", None],
                  "Created at": ["2024-03-05 23:50:00 -0500", "2024-03-07 09:00:00 -0500"], "Total": ["10.00", "5.00"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("order_date") == "Created at"
    assert "note_order_date_fallback" not in codes(proposal)

    only_paid = propose_mapping(data.drop(columns="Created at"))
    assert only_paid.mapping.get("order_date") == "Paid at"
    assert codes(only_paid)["note_order_date_fallback"] == {"column": "Paid at"}
    note = next(n for n in only_paid.notes if n.code == "note_order_date_fallback")
    assert note.text("zh") == "没有表示下单时间的列，下单日期取自 Paid at（付款时间）。尚未付款的订单因此没有日期。"


# ----- values checked ---------------------------------------------------------------------------------
def test_a_text_column_named_like_a_price_is_never_the_unit_price():
    data = frame({**BASE, "date": ["2024-01-01"] * 3, "qty": ["1", "2", "1"], "Price": ["Regular", "Large", "Small"],
                  "Unit Cost": ["3.50", "4.00", "3.50"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("unit_price") is None
    note = next(n for n in proposal.notes if n.code == "note_column_values_rejected")
    assert note.text("en") == ("Price looks like Unit price by its name, but its values are not numbers "
                               "(e.g. Regular); it was not used.")
    assert note.text("zh") == "Price 的列名像是单价，但内容不是数字（例如 Regular），因此未使用。"
    assert isinstance(dict(note.params)["field"], Localized)


def test_a_date_header_over_values_that_are_not_dates_is_passed_over():
    data = frame({**BASE, "date": ["Mon", "Tue", "Wed"], "order date": ["x", "y", "z"],
                  "transaction date": ["2024-01-05", "2024-01-06", "2024-01-07"], "amount": ["1", "2", "3"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("order_date") == "transaction date"
    rejected = [p["column"] for c, p in ((n.code, dict(n.params)) for n in proposal.notes)
                if c == "note_column_values_rejected"]
    assert rejected == ["order date", "date"]  # in rank order


def test_order_time_holds_times_of_day_only():
    data = frame({**BASE, "date": ["2024-01-01"] * 3, "time": ["08:01:12", "9:30", "5:45 PM"], "amount": ["1"] * 3})
    assert propose_mapping(data).mapping.get("order_time") == "time"
    stamps = frame({**BASE, "date": ["2024-01-01"] * 3, "time": ["2024-01-01 08:00"] * 3, "amount": ["1"] * 3})
    assert propose_mapping(stamps).mapping.get("order_time") is None


def test_empty_and_mostly_empty_columns_are_not_chosen():
    data = frame({"customer id": [None, None, None, "c1"], "member id": ["m1", "m2", "m1", "m3"],
                  "phone": [None] * 4, "mobile": ["13812345678", None, None, None],
                  "date": ["2024-01-01"] * 4, "amount": ["1"] * 4})
    mapping = propose_mapping(data).mapping
    assert mapping.get("customer_id") == "member id"  # customer id is filled on 1 row of 4
    assert mapping.get("phone") == "mobile"  # phone is empty; a sparse phone column is fine


def test_a_sparse_customer_id_header_is_kept_for_walk_ins_when_no_filled_id_exists():
    # POS exports: most sales are walk-ins with no Customer ID; ingest excludes those rows with a count.
    data = frame({"Customer ID": ["c1", None, None, "c2", None], "Email": ["a@x.com"] * 5,
                  "Date": ["2024-01-01"] * 5, "Net Sales": ["$1.00"] * 5})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("customer_id") == "Customer ID" and proposal.identity is None
    assert proposal.mapping.get("email") == "Email"  # a contact field, not the identity
    assert "note_column_values_rejected" not in codes(proposal) and "note_identity_used" not in codes(proposal)


@pytest.mark.parametrize("header", ["Customer Reference ID", "Customer ID (Square)", "买家会员名"])
def test_a_sparse_id_whose_header_is_not_a_customer_id_synonym_is_not_taken(header):
    data = frame({header: ["c1", None, None, "c2", None], "Date": ["2024-01-01"] * 5, "Net Sales": ["$1.00"] * 5})
    assert propose_mapping(data).mapping.get("customer_id") is None


def test_a_sparse_email_or_phone_is_never_proposed_as_the_identity():
    data = frame({"E-mail": ["a@x.com", None, None, None, "b@x.com"], "Phone": [None, "13812345678", None, None, None],
                  "Date": ["2024-01-01"] * 5, "Amount": ["1.00"] * 5})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("customer_id") is None and proposal.identity is None


def test_short_synonyms_do_not_grab_longer_headers():
    headers = ["Time Zone", "Item Name", "Item #", "Update", "退款金额", "Customer Type", "客户类型", "Order Status",
               "Last Name (Billing)"]
    mapping = propose_from_headers(headers).mapping.as_dict()
    assert mapping == {"product": "Item Name", "refund_amount": "退款金额", "status": "Order Status"}


# ----- order totals on every line ---------------------------------------------------------------------
JD_LIKE = {
    "订单号": ["A1", "A1", "A2", "A3", "A3", "A3"],
    "下单帐号": ["u1", "u1", "u2", "u1", "u1", "u1"],
    "下单时间": ["2024-02-01"] * 2 + ["2024-02-02"] + ["2024-02-03"] * 3,
    "商品名称": ["咖啡", "滤纸", "咖啡", "磨豆机", "咖啡", "滤纸"],
    "订单金额": ["99.70", "99.70", "69.00", "397.70", "397.70", "397.70"],
}


def test_an_order_total_repeated_on_every_line_is_not_the_amount_when_lines_can_be_priced():
    data = frame({**JD_LIKE, "订购数量": ["2", "1", "1", "1", "1", "2"],
                  "京东价": ["39.90", "19.90", "69.00", "299.00", "69.00", "14.85"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("amount") is None
    assert (proposal.mapping.get("quantity"), proposal.mapping.get("unit_price")) == ("订购数量", "京东价")
    note = next(n for n in proposal.notes if n.code == "note_order_total_skipped")
    assert note.text("en") == ("Not used as the amount: 订单金额 (the order's total, repeated on every line of the "
                               "order); amount = quantity × unit price instead.")
    assert note.text("zh") == "未用作金额：订单金额（整单金额，在订单的每一行重复）；改为 金额 = 数量 × 单价。"


def test_an_item_amount_column_beats_a_repeated_order_total():
    lines = {k: v for k, v in JD_LIKE.items() if k != "订单金额"}
    data = frame({**lines, "订单实付金额": JD_LIKE["订单金额"],
                  "商品实际成交金额": ["79.80", "19.90", "69.00", "299.00", "69.00", "29.70"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("amount") == "商品实际成交金额"
    assert codes(proposal)["note_order_total_skipped"]["column"] == Localized("订单实付金额", "订单实付金额")


def test_a_payable_order_total_beats_quantity_times_list_price():
    # JD: 京东价 is the list price; 应付金额 is what the buyer owes after coupons (A3: 397.70 - 50.00).
    data = frame({**JD_LIKE, "订购数量": ["2", "1", "1", "1", "1", "2"],
                  "京东价": ["39.90", "19.90", "69.00", "299.00", "69.00", "14.85"],
                  "结算金额": JD_LIKE["订单金额"],
                  "应付金额": ["99.70", "99.70", "69.00", "347.70", "347.70", "347.70"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("amount") == "应付金额"
    assert (proposal.mapping.get("quantity"), proposal.mapping.get("unit_price")) == ("订购数量", "京东价")
    notes = {n.code: n for n in proposal.notes}
    assert notes["note_order_paid_total_used"].text("en") == (
        "The amount is taken from 应付金额, what the buyer paid or owes for the whole order, so coupons and discounts "
        "are taken into account: shared among the order's lines in proportion to quantity × unit price.")
    assert notes["note_order_paid_total_used"].text("zh") == (
        "金额取自 应付金额，即买家为整单实付或应付的金额，已计入优惠券和折扣：按数量 × 单价的比例分摊到订单的各行。")
    # Chinese lists of columns are joined with 、, English ones with a comma.
    assert notes["note_order_total_skipped"].text("zh") == (
        "未用作金额：订单金额、结算金额（整单金额，在订单的每一行重复）；改用实付/应付金额 应付金额。")
    assert "订单金额, 结算金额 (the order's total" in notes["note_order_total_skipped"].text("en")


def test_header_only_proposals_rank_the_payable_total_before_the_list_total():
    headers = ["订单号", "订购数量", "京东价", "订单金额", "结算金额", "应付金额", "下单帐号", "下单时间"]
    assert propose_from_headers(headers).mapping.get("amount") == "应付金额"


@pytest.mark.parametrize("header", ["Paid Amount", "Amount payable", "实付金额", "支付金额"])
def test_paid_or_payable_order_totals_are_taken(header):
    data = frame({**{k: v for k, v in JD_LIKE.items() if k != "订单金额"}, header: JD_LIKE["订单金额"],
                  "数量": ["2", "1", "1", "1", "1", "2"],
                  "单价": ["39.90", "19.90", "69.00", "299.00", "69.00", "14.85"]})
    assert propose_mapping(data).mapping.get("amount") == header


@pytest.mark.parametrize("header", ["Total", "Order Total Amount", "订单金额", "总金额"])
def test_list_price_order_totals_are_passed_over_for_quantity_times_price(header):
    data = frame({**{k: v for k, v in JD_LIKE.items() if k != "订单金额"}, header: JD_LIKE["订单金额"],
                  "数量": ["2", "1", "1", "1", "1", "2"],
                  "单价": ["39.90", "19.90", "69.00", "299.00", "69.00", "14.85"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("amount") is None
    assert codes(proposal)["note_order_total_skipped"]["column"] == Localized(header, header)


def test_an_order_total_is_used_once_per_order_when_nothing_else_prices_the_lines():
    proposal = propose_mapping(frame(JD_LIKE))
    assert proposal.mapping.get("amount") == "订单金额"
    assert codes(proposal)["note_order_total_once"]["column"] == "订单金额"


def test_single_line_orders_show_no_order_total_convention():
    data = frame({**BASE, "date": ["2024-01-01"] * 3, "quantity": ["1", "2", "1"], "price": ["5", "5", "5"],
                  "order amount": ["5", "10", "5"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("amount") == "order amount"
    assert "note_order_total_skipped" not in codes(proposal)


def test_equal_amounts_on_lines_of_the_same_product_are_not_an_order_total():
    data = frame({"customer id": ["c1"] * 4, "order id": ["o1", "o1", "o2", "o2"], "date": ["2024-01-01"] * 4,
                  "product": ["Mug", "Mug", "Tea", "Tea"], "quantity": ["1"] * 4, "price": ["5"] * 4,
                  "amount": ["5", "5", "3", "3"]})
    assert propose_mapping(data).mapping.get("amount") == "amount"


# ----- Name -------------------------------------------------------------------------------------------
def test_a_name_column_of_person_names_is_the_name_never_the_order_id():
    data = frame({"customer id": ["c1", "c1", "c2"], "Name": ["Anna Berg", "Anna Berg", "Li Wei"],
                  "date": ["2024-01-01", "2024-01-02", "2024-01-03"], "amount": ["1", "2", "3"]})
    mapping = propose_mapping(data).mapping
    assert mapping.get("name") == "Name" and mapping.get("order_id") is None
    assert suggest_mapping(["customer id", "name", "date", "amount"]).get("order_id") is None


def test_a_name_column_of_order_numbers_is_the_order_id():
    data = frame({"Email": ["a@x.com", "a@x.com", "b@x.com"], "Name": ["#1001", "#1001", "#1002"],
                  "Created at": ["2024-03-05 14:02:11 -0500"] * 3, "Billing Name": ["Ann", None, "Bo"],
                  "Lineitem quantity": ["1", "2", "1"], "Lineitem price": ["4.00", "5.00", "6.00"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("order_id") == "Name" and proposal.mapping.get("name") == "Billing Name"
    assert codes(proposal)["note_name_is_order_number"] == {"column": "Name", "example": "#1001"}


# ----- masked phones and identity ---------------------------------------------------------------------
def test_masked_phones_are_neither_a_phone_nor_an_identity():
    data = frame({"联系电话": ["1******6198", "138****5678", "139****0000"], "下单时间": ["2024-01-01"] * 3,
                  "金额": ["10", "20", "30"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("phone") is None and proposal.mapping.get("customer_id") is None
    assert codes(proposal)["note_masked_phone"] == {"column": "联系电话", "example": "1******6198"}


@pytest.mark.parametrize(("columns", "identity", "kind"), [
    ({"买家昵称": ["小雨", "阿明"], "邮箱": ["a@x.com", "b@x.com"], "手机号": ["13812345678", "13912345678"]},
     "买家昵称", "买家账号"),
    ({"Email": ["a@x.com", "b@x.com"], "Phone": ["+1 617 555 0142", "+1 212 555 0199"]}, "Email", "邮箱"),
    ({"Phone": ["+1 617 555 0142", "+1 212 555 0199"], "Billing Name": ["Ann", "Bo"]}, "Phone", "手机号"),
])
def test_identity_prefers_account_then_email_then_unmasked_phone(columns, identity, kind):
    data = frame({**columns, "date": ["2024-01-01", "2024-01-02"], "amount": ["1.00", "2.00"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("customer_id") == identity and proposal.identity == identity
    assert list(proposal.mapping.as_dict().values()).count(identity) == 1  # not also the email/phone field
    note = next(n for n in proposal.notes if n.code == "note_identity_used")
    assert f"{identity}（{kind}）" in note.text("zh")


def test_name_and_address_together_are_the_last_resort_identity():
    data = frame({"收货人姓名": ["王一", "李二", "王一"], "收货地址": ["北京 A路1号", "上海 B路2号", "北京 A路1号"],
                  "联系手机": ["138****0001", "139****0002", "138****0001"],
                  "下单时间": ["2024-01-01", "2024-01-02", "2024-01-05"], "实付金额": ["10.00", "20.00", "5.00"]})
    proposal = propose_mapping(data)
    assert proposal.identity == "收货人姓名 + 收货地址"
    assert proposal.mapping.get("customer_id") == "收货人姓名 + 收货地址"
    assert proposal.mapping.get("name") == "收货人姓名"
    assert composite_parts(proposal.mapping.get("customer_id"), data.columns) == ("收货人姓名", "收货地址")
    assert codes(proposal)["note_identity_composite"] == {"name": "收货人姓名", "address": "收货地址"}


def test_a_real_customer_id_needs_no_identity_note():
    proposal = propose_mapping(frame({**BASE, "date": ["2024-01-01"] * 3, "email": ["a@x.com"] * 3,
                                      "amount": ["1"] * 3}))
    assert proposal.identity is None and proposal.mapping.get("email") == "email"
    assert "note_identity_used" not in codes(proposal)


def test_composite_parts_splits_only_sources_that_are_not_columns():
    assert composite_source("Name", "Address") == "Name + Address"
    assert composite_parts("Name + Address", ["Name", "Address"]) == ("Name", "Address")
    assert composite_parts("A + B", ["A + B", "A", "B"]) is None  # a real header with " + " is never split
    assert composite_parts("Name + Address", ["Name"]) is None
    assert composite_parts("x + y + z", ["x + y", "z"]) == ("x + y", "z")


# ----- languages --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("headers", "expected"), [
    (["Kundennummer", "Bestellnummer", "Bestelldatum", "Artikel", "Menge", "Einzelpreis", "Betrag"],
     ["customer_id", "order_id", "order_date", "product", "quantity", "unit_price", "amount"]),
    (["Kunde", "Rechnungsnummer", "Datum", "Produkt", "Anzahl", "Preis", "Summe"],
     ["customer_id", "order_id", "order_date", "product", "quantity", "unit_price", "amount"]),
    (["Client", "Commande", "Date de commande", "Article", "Quantité", "Prix", "Montant"],
     ["customer_id", "order_id", "order_date", "product", "quantity", "unit_price", "amount"]),
    (["Número de cliente", "Factura", "Fecha", "Producto", "Cantidad", "Precio unitario", "Importe"],
     ["customer_id", "order_id", "order_date", "product", "quantity", "unit_price", "amount"]),
    (["顧客", "注文番号", "注文日", "商品名", "数量", "単価", "金額"],
     ["customer_id", "order_id", "order_date", "product", "quantity", "unit_price", "amount"]),
])
def test_common_european_and_japanese_words(headers, expected):
    mapping = suggest_mapping(headers)
    assert {field: mapping.get(field) for field in expected} == dict(zip(expected, headers, strict=True))


def test_german_compound_words_do_not_cross_fields():
    mapping = suggest_mapping(["Kundennummer", "Kundenname", "Rechnungsdatum", "Rechnungsbetrag", "Rabattbetrag"])
    assert mapping.as_dict() == {"customer_id": "Kundennummer", "order_date": "Rechnungsdatum",
                                 "amount": "Rechnungsbetrag", "name": "Kundenname"}


def test_country_region_and_city_are_separate_fields():
    mapping = suggest_mapping(["customer", "date", "amount", "City", "State", "Country", "Billing Province"])
    assert (mapping.get("city"), mapping.get("region"), mapping.get("country")) == ("City", "State", "Country")


# ----- guesses from values ----------------------------------------------------------------------------
def test_fields_are_guessed_from_values_and_returned_for_confirmation():
    data = frame({"a": ["K-1", "K-1", "K-2", "K-3", "K-2"], "b": ["05.03.2024", "05.03.2024", "13.03.2024",
                                                                  "21.03.2024", "02.04.2024"],
                  "c": ["12,50", "3,00", "40,00", "7,25", "1.018,90"], "d": ["Tasse", "Tee", "Kanne", "Tee", "Tee"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.as_dict() == {"customer_id": "a", "order_date": "b", "amount": "c"}
    assert proposal.inferred == ("customer_id", "order_date", "amount")
    assert codes(proposal)["note_fields_guessed"]["fields"] == Localized(
        "Customer ID: a; Order date: b; Amount: c", "客户编号：a；下单日期：b；金额：c")


def test_plain_integers_are_not_guessed_as_customers_or_money():
    data = frame({"x": ["1", "2", "1", "3"], "y": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
                  "z": ["10", "20", "30", "40"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.as_dict() == {"order_date": "y"}
    assert proposal.inferred == ("order_date",)


def test_header_matches_are_not_reported_as_guesses():
    proposal = propose_mapping(frame({**BASE, "date": ["2024-01-01"] * 3, "amount": ["1.00"] * 3}))
    assert proposal.inferred == () and proposal.notes == ()


def test_suggest_mapping_given_the_frame_is_the_proposal():
    data = frame(JD_LIKE)
    assert suggest_mapping(data) == propose_mapping(data).mapping


def test_a_money_column_with_one_odd_cell_is_still_the_amount():
    data = frame({"客户编号": ["C001", "C002", "C003"], "下单日期": ["2023-01-05", "2023-01-06", "2023-02-01"],
                  "金额": ["100", "200.5", "王堃"]})
    assert propose_mapping(data).mapping.get("amount") == "金额"  # 2 of 3 cells are numbers; ingest reports the third


def test_a_sparse_email_column_is_not_the_identity_but_a_filled_phone_is():
    data = frame({"email": ["a@x.com", None, None, None], "mobile": ["13812345678", "13912345678", "13812345678",
                                                                     "13700000000"],
                  "date": ["2024-01-01"] * 4, "amount": ["1.00"] * 4})
    proposal = propose_mapping(data)
    assert proposal.identity == "mobile" and proposal.mapping.get("email") == "email"


def test_an_order_id_header_wins_over_a_name_column_of_order_numbers_and_no_note_is_made():
    data = frame({"order id": ["1", "1", "2"], "Name": ["#1001", "#1001", "#1002"], "customer": ["a", "a", "b"],
                  "date": ["2024-01-01"] * 3, "amount": ["1"] * 3})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("order_id") == "order id" and proposal.mapping.get("name") is None
    assert "note_name_is_order_number" not in codes(proposal)


def test_chinese_time_words_keep_to_their_own_columns():
    mapping = suggest_mapping(["付款时间", "下单时间", "时间", "确认收货时间", "金额", "退款金额"])
    assert mapping.as_dict() == {"order_date": "下单时间", "amount": "金额", "order_time": "时间",
                                 "refund_amount": "退款金额"}


def test_a_customer_number_column_of_masked_phones_is_passed_over_for_the_account():
    data = frame({"会员号": ["138****0001", "139****0002"], "买家昵称": ["小雨", "阿明"],
                  "下单时间": ["2024-01-01", "2024-01-02"], "金额": ["1", "2"]})
    proposal = propose_mapping(data)
    assert proposal.mapping.get("customer_id") == "买家昵称"
    assert codes(proposal)["note_masked_phone"]["column"] == "会员号"
