"""Review fixes of the issue-10 ingest (review1 items 1, 2, 6, 7, 8, 11), hand-computed.

Fixtures: tests/data/ingest/ (described in its README).  Mappings are written out so these tests check
the row rules whatever a proposal picks.
"""

from pathlib import Path

import pandas as pd
import pytest

from crm_core.ingest import _statuses
from crm_core.ingest._rules import names_order_figure
from crm_core.ingest.clean import standardize
from crm_core.ingest.dates import late_date_cutoff, parse_dates
from crm_core.ingest.identity import normalize_id_values
from crm_core.ingest.readers import read_upload
from crm_core.schema import ColumnMapping, DataError, IngestOptions, RawTable

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"


def load(name: str, mapping: dict, options: IngestOptions = IngestOptions()):
    raw = read_upload((DATA / name).read_bytes(), name)
    return standardize(raw, ColumnMapping.from_dict(mapping), options)


def spend(result) -> dict:
    return result.orders.groupby("customer_id")["amount"].sum().round(2).to_dict()


def notes(result) -> dict:
    return {n.code: dict(n.params) for n in result.report.notes}


def frame(rows, headers) -> RawTable:
    table = pd.DataFrame(rows, columns=headers, dtype="str", index=range(2, len(rows) + 2))
    return RawTable(frame=table, source_name="orders.csv", file_type="csv")


PLAIN = {"customer_id": "customer_id", "order_id": "order_id", "order_date": "order_date", "product": "product",
         "amount": "amount"}


# --- item 1: equal line amounts are line amounts unless something says "order" -------------------

def test_equal_amounts_on_a_uniform_price_shops_lines_stay_line_amounts():
    result = load("uniform_price_two_orders.csv", PLAIN)
    # A: 10 + 10; B: 25 + 25 (each line is a line, nothing says the figure is the order's)
    assert spend(result) == {"A": 20.0, "B": 50.0}
    assert "note_order_totals_spread" not in notes(result)


def test_a_shop_where_every_item_costs_ten_keeps_all_its_revenue():
    result = load("uniform_price.csv", PLAIN)
    # A: orders 1 (2 lines) and 4 (3 lines) = 5 x 10; B: 2 x 10; C: 1 x 10
    assert spend(result) == {"A": 50.0, "B": 20.0, "C": 10.0}
    assert result.orders["amount"].sum() == 80.0


def test_quantity_without_price_is_no_evidence_either():
    result = load("uniform_price_with_quantity.csv", dict(PLAIN, quantity="quantity"))
    assert spend(result) == {"A": 20.0, "B": 20.0, "C": 10.0}
    assert "note_order_totals_spread" not in notes(result)


ROWS = [["O1", "a", "2024-01-01", "Red", "1", "10", "30"], ["O1", "a", "2024-01-01", "Blue", "2", "10", "30"],
        ["O2", "b", "2024-01-02", "Red", "1", "10", "10"], ["O2", "b", "2024-01-02", "Blue", "1", "10", "10"],
        ["O3", "c", "2024-01-03", "Red", "1", "5", "16"], ["O3", "c", "2024-01-03", "Blue", "1", "11", "16"]]
HEADERS = ["order", "customer", "date", "product", "qty", "price", "amount"]
MAPPING = {"order_id": "order", "customer_id": "customer", "order_date": "date", "product": "product",
           "quantity": "qty", "unit_price": "price", "amount": "amount"}


def test_quantity_times_price_that_does_not_explain_the_lines_is_evidence_of_a_total():
    result = standardize(frame(ROWS, HEADERS), ColumnMapping.from_dict(MAPPING))
    # O1: 30 on both lines, qty x price 10 and 20 -> the order's 30 shared 10 : 20.
    # O2: 10 on both lines, qty x price 10 and 10 -> explained: line amounts, 10 + 10.
    # O3: 16 on both lines, qty x price 5 and 11 -> shared 5 : 11.  2 of the 3 orders show it: a majority.
    assert result.orders["amount"].tolist() == [10.0, 20.0, 10.0, 10.0, 5.0, 11.0]
    assert spend(result) == {"a": 30.0, "b": 20.0, "c": 16.0}
    note = notes(result)["note_order_totals_spread"]
    assert note["why"].en == "quantity × unit price does not explain the line amounts"
    assert note["why"].zh == "数量 × 单价与各行金额不符"


def test_an_order_word_in_the_header_is_evidence_without_quantity_and_price():
    rows = [[r[0], r[1], r[2], r[3], r[6]] for r in ROWS[:4]]
    mapping = {k: v for k, v in MAPPING.items() if k not in ("quantity", "unit_price")}
    plain = standardize(frame(rows, ["order", "customer", "date", "product", "amount"]),
                        ColumnMapping.from_dict(mapping))
    assert spend(plain) == {"a": 60.0, "b": 20.0}
    for header in ("实付金额", "应付金额", "Order Total", "payable"):
        named = standardize(frame(rows, ["order", "customer", "date", "product", header]),
                            ColumnMapping.from_dict(dict(mapping, amount=header)))
        assert spend(named) == {"a": 30.0, "b": 10.0}, header
        assert notes(named)["note_order_totals_spread"]["why"].en == "its name says it is an order figure"


def test_line_and_item_words_outweigh_order_words_in_a_header():
    assert names_order_figure("订单金额") and names_order_figure("Total") and names_order_figure("应付金额")
    assert not names_order_figure("商品实付金额") and not names_order_figure("Lineitem total")
    assert not names_order_figure("Line Total") and not names_order_figure("amount")


# --- item 2: phones and e-mails as the customer id -----------------------------------------------

def test_three_spellings_of_one_phone_are_one_customer():
    result = load("phone_as_customer_id.csv", {"customer_id": "手机号", "order_date": "下单时间", "amount": "实付金额"})
    assert spend(result) == {"+8613812345678": 45.0}
    note = notes(result)["note_id_phones_normalised"]
    assert note == {"column": "手机号", "example": "+86 138-1234-5678 → +8613812345678", "before": 3, "after": 1}


def test_email_ids_ignore_case_and_blanks():
    result = load("email_as_customer_id.csv", {"customer_id": "Email", "order_date": "Created at", "amount": "Total"})
    assert spend(result) == {"alice@x.com": 30.0}
    assert notes(result)["note_id_emails_normalised"]["example"] == "Alice@X.com → alice@x.com"


@pytest.mark.parametrize("ids", [["C00373", "17850", "00123"], ["5000000000123", "5000000000124", "5000000000125"],
                                 ["138****5678", "139****1234", "A1"]])
def test_ordinary_platform_and_masked_ids_are_unchanged(ids):
    found = normalize_id_values(pd.Series(ids, dtype="str"))
    assert found.kind is None and found.ids.tolist() == ids


def test_a_phone_that_cannot_be_read_stays_as_written():
    found = normalize_id_values(pd.Series(["13812345678", "139 1234 5678", "12345678901234"], dtype="str"))
    assert found.kind == "phone"
    assert found.ids.tolist() == ["+8613812345678", "+8613912345678", "12345678901234"]


def test_the_phone_region_comes_from_the_options():
    written = pd.Series(["(650) 253-0000", "650-253-0000", "+1 650 253 0000"], dtype="str")
    assert normalize_id_values(written, region="US").ids.tolist() == ["+16502530000"] * 3
    # Read as Chinese numbers, two of them are not valid phones: not a phone column, left as written.
    assert normalize_id_values(written, region="CN").ids.tolist() == written.tolist()


# --- item 6: statuses by their words, and the ones counted named ---------------------------------

def test_unlisted_cancellation_statuses_are_left_out_and_counted_ones_are_named():
    mapping = {"customer_id": "customer_id", "order_id": "order_id", "order_date": "order_date", "amount": "amount",
               "status": "订单状态"}
    result = load("unlisted_cancel_statuses.csv", mapping)
    excluded = result.report.excluded
    assert dict(zip(excluded["row"], excluded["detail"], strict=True)) == {
        2: "订单已取消", 4: "退款成功，交易关闭", 5: "Canceled by customer", 7: "Payment failed"}
    assert set(excluded["reason"]) == {"status"}
    assert spend(result) == {"B": 30.0, "E": 20.0, "G": 30.0}
    note = next(n for n in result.report.notes if n.code == "note_statuses_counted")
    assert note.text("en") == ("Order statuses counted as purchases: 交易成功 (2), Partially cancelled (1), "
                               "已发货 (1).")
    assert note.text("zh") == "按购买计入的订单状态：交易成功（2 行）、Partially cancelled（1 行）、已发货（1 行）。"


def test_an_empty_status_list_counts_every_status():
    mapping = {"customer_id": "customer_id", "order_id": "order_id", "order_date": "order_date", "amount": "amount",
               "status": "订单状态"}
    result = load("unlisted_cancel_statuses.csv", mapping, IngestOptions(excluded_statuses=()))
    assert result.report.rows_used == 8


def test_status_words():
    found = _statuses.cancelled_by_word(pd.Series(["待付款中", "UNPAID order", "Declined", "voided by admin",
                                                   "部分退款，交易关闭", "Paid, cancel requested", "已发货", None]))
    assert found.tolist() == [True, True, True, True, False, False, False, False]


# --- item 7: dotted dates are day-first -----------------------------------------------------------

def test_a_german_file_with_every_day_at_most_12_reads_day_first():
    result = load("german_dotted_dates.csv", {"customer_id": "Kundennummer", "order_id": "Rechnung",
                                              "order_date": "Datum", "product": "Artikel", "quantity": "Menge",
                                              "unit_price": "Preis"})
    assert result.orders["order_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-05", "2024-01-03", "2024-02-02"]
    assert spend(result) == {"K001": 1241.5, "K002": 12.0}  # 2 x 3,50 + 1.234,50; 12,00
    assert notes(result)["note_dotted_day_first"] == {"column": "Datum", "example": "05.01.2024"}


def test_dotted_dates_decide_only_themselves():
    dotted = parse_dates(pd.Series(["05.01.2024", "03.02.2024"], dtype="str"))
    assert not dotted.ambiguous and dotted.day_first_used is True and dotted.dotted_day_first
    slash = parse_dates(pd.Series(["05.01.2024", "03/02/2024"], dtype="str"))
    assert slash.ambiguous and slash.example == "03/02/2024"  # a slash date still asks
    us = parse_dates(pd.Series(["01.13.2024", "05.01.2024"], dtype="str"))
    assert us.day_first_used is False and not us.dotted_day_first  # a second field over 12 decides
    with pytest.raises(DataError, match="can be read day-first or month-first"):
        standardize(frame([["a", "05/01/2024", "5"], ["b", "03/02/2024", "5"]], ["c", "d", "m"]),
                    ColumnMapping.from_dict({"customer_id": "c", "order_date": "d", "amount": "m"}))


# --- item 8: late dates by the last year-long gap --------------------------------------------------

SIMPLE = {"customer_id": "customer_id", "order_date": "order_date", "amount": "amount"}


def test_a_real_last_order_after_a_200_day_pause_is_kept():
    result = load("real_late_order.csv", SIMPLE)
    assert "note_future_dates" not in notes(result)
    assert late_date_cutoff(result.orders["order_date"]) is None


def test_an_early_typo_never_makes_the_real_data_late():
    result = load("early_typo_date.csv", SIMPLE)
    assert "note_future_dates" not in notes(result)  # 1900 and 2024: neither side can be called the typo
    assert sorted(result.orders["customer_id"]) == ["A", "C"]  # 2262 cannot be read (bad_date)


def days(*values):
    return pd.Series(pd.to_datetime(list(values)))


def test_late_cutoff_rule():
    bulk = [f"2024-01-{d:02d}" for d in range(1, 31)] * 4  # 120 lines
    # one 2099 line among 121: <= max(1.21, 1) -> late after the last bulk day
    assert late_date_cutoff(days(*bulk, "2099-01-01")) == pd.Timestamp("2024-01-30")
    # two 2099 lines among 122: more than max(1.22, 1) -> too many to be typos
    assert late_date_cutoff(days(*bulk, "2099-01-01", "2099-01-02")) is None
    # an early 1900 line does not matter: the last gap is the one before 2099
    assert late_date_cutoff(days("1900-01-01", *bulk, "2099-01-01")) == pd.Timestamp("2024-01-30")
    assert late_date_cutoff(days("1900-01-01", *bulk)) is None
    # exactly 365 days is not a gap; 366 is
    assert late_date_cutoff(days(*bulk, "2025-01-29")) is None  # 2024 is a leap year: 365 days after 01-30
    assert late_date_cutoff(days(*bulk, "2025-01-30")) == pd.Timestamp("2024-01-30")
    assert late_date_cutoff(days()) is None and late_date_cutoff(days("2024-01-01")) is None


# --- item 11: a refund above its order says so ----------------------------------------------------

def test_a_refund_larger_than_its_order_is_capped_and_reported():
    result = load("refund_above_order.csv", dict(SIMPLE, order_id="order_id", refund_amount="refund amount"))
    assert spend(result) == {"A": 20.0, "B": 30.0}  # A: 50 - min(80, 50) + 20
    found = notes(result)
    assert found["note_refunds_netted"] == {"column": "refund amount", "orders": 1, "value": "50.00"}
    assert found["note_refunds_capped"] == {"column": "refund amount", "orders": 1, "given": "80.00",
                                            "netted": "50.00"}
    note = next(n for n in result.report.notes if n.code == "note_refunds_capped")
    assert "80.00 refunded as written, 50.00 taken off" in note.text("en")
    assert "文件中退款共 80.00，实际扣除 50.00" in note.text("zh")


def test_a_line_discount_on_equal_prices_is_not_an_order_total():
    # Every item 12.00, sold at 10.00 each: amounts 10 on both lines, below each line's own 12.
    rows = [["O1", "a", "2024-01-01", "Red", "1", "12", "10"], ["O1", "a", "2024-01-01", "Blue", "1", "12", "10"],
            ["O2", "b", "2024-01-02", "Red", "1", "12", "10"], ["O2", "b", "2024-01-02", "Blue", "1", "12", "10"]]
    result = standardize(frame(rows, HEADERS), ColumnMapping.from_dict(MAPPING))
    assert spend(result) == {"a": 20.0, "b": 20.0}
    assert "note_order_totals_spread" not in notes(result)


def test_blank_statuses_counted_are_named_too():
    rows = [["1", "a", "2024-01-01", "5", "paid"], ["2", "b", "2024-01-02", "5", None],
            ["3", "c", "2024-01-03", "5", "voided"]]
    mapping = ColumnMapping.from_dict({"order_id": "o", "customer_id": "c", "order_date": "d", "amount": "m",
                                       "status": "s"})
    result = standardize(frame(rows, ["o", "c", "d", "m", "s"]), mapping)
    note = next(n for n in result.report.notes if n.code == "note_statuses_counted")
    assert note.text("en") == "Order statuses counted as purchases: paid (1), no status (1)."
    assert note.text("zh") == "按购买计入的订单状态：paid（1 行）、无状态（1 行）。"
