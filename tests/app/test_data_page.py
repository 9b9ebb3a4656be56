"""Data page with the bundled sample: the row report, exclusions, duplicates, mapping and cleaning forms."""

import pandas as pd
import pytest
from app_helpers import TRUTH, en, frame_with, metrics, open_app, rerun, texts, widget, zh

from crm_core import pipeline
from crm_core.messages import render
from crm_core.schema import ColumnMapping, IngestOptions

DATA = "app_pages/data.py"



@pytest.fixture
def data_page(sample_upload):
    return open_app(DATA, upload=sample_upload)


def test_report_metrics_equal_crm_core(data_page, sample_loaded):
    report = sample_loaded.result.report
    orders = sample_loaded.result.orders
    shown = metrics(data_page)
    assert shown == {
        en("rows_read"): f"{report.rows_read:,}",
        en("rows_used"): f"{report.rows_used:,}",
        en("rows_excluded"): f"{len(report.excluded):,}",
        en("rows_returns"): f"{report.rows_returns:,}",
        en("customers"): f"{orders.loc[~orders['is_return'], 'customer_id'].nunique():,}",
    }
    # The sample's planted numbers (crm_core/sample.py): 58 lines without customer, 12 cancelled, 15 returns.
    assert (shown[en("rows_read")], shown[en("rows_used")], shown[en("rows_excluded")]) == ("7,223", "7,153", "70")
    assert shown[en("rows_returns")] == "15" and shown[en("customers")] == "700"
    assert en("balance", read=7223, used=7153, excluded=70) in texts(data_page.caption)


def test_exclusions_table_lists_localized_reasons(data_page, sample_loaded):
    table = frame_with(data_page, en("reason")).value
    excluded = sample_loaded.result.report.excluded
    statuses = excluded.loc[excluded["reason"] == "status", "detail"].value_counts()
    assert dict(statuses) == {"已取消": 12}  # the sample's cancelled lines, one status
    assert dict(zip(table[en("reason")], table[en("rows")], strict=True)) == {
        render("reason_missing_customer", "en"): 58, render("reason_status", "en", status="已取消"): 12,
    }
    assert list(table[en("reason")]) == ["no customer id", "order status 已取消"]  # largest first
    assert en("download_excluded") in [b.label for b in data_page.download_button]


def test_exclusion_reasons_in_chinese(sample_upload):
    at = open_app(DATA, lang="zh", upload=sample_upload)
    table = frame_with(at, zh("reason")).value
    assert dict(zip(table[zh("reason")], table[zh("rows")], strict=True)) == {
        "缺少客户编号": 58, "订单状态为 已取消": 12,
    }
    assert metrics(at)[zh("rows_read")] == "7,223"
    assert zh("report") in texts(at.main.subheader)


def test_duplicates_table_lists_the_planted_pairs(data_page):
    truth = pd.read_csv(TRUTH, dtype=str, encoding="utf-8-sig")
    planted = truth.dropna(subset=["duplicate_of"])
    pairs = {frozenset(p) for p in zip(planted["customer_id"], planted["duplicate_of"], strict=True)}
    assert len(pairs) == 3
    table = frame_with(data_page, en("dup_merged_into")).value
    # Each group of the table is one person: its ids are exactly one planted pair.
    shown = {frozenset(group[en("dup_customer")]) for _, group in table.groupby(en("dup_merged_into"))}
    assert shown == pairs
    assert set(table[en("dup_matched_on")]) <= {en("match_phone"), en("match_email"), en("match_phone+email")}
    assert render("note_duplicates_found", "en", groups=3) in texts(data_page.warning)


def _submit_mapping(at, **changes):
    for field, column in changes.items():
        box = at.selectbox(key=f"map_{field}")
        # Option 0 is None ("not in file"); AppTest's set_value(None) would mean "no interaction".
        box.select_index(0) if column is None else box.set_value(column)
    at.button(key="FormSubmitter:mapping_form-Apply").click()
    return rerun(at)


def test_unmapping_amount_computes_it_from_quantity_and_price(data_page, sample_loaded):
    assert data_page.selectbox(key="map_amount").value == "实付金额"
    at = _submit_mapping(data_page, amount=None)
    assert at.session_state["mapping"].get("amount") is None
    assert at.session_state["mapping"].get("quantity") == "数量"
    assert render("note_amount_computed", "en") in texts(at.info)
    # In the sample every line's amount is quantity x price, so the row counts stay as they were.
    assert metrics(at)[en("rows_used")] == f"{sample_loaded.result.report.rows_used:,}"


def test_unmapping_status_keeps_cancelled_rows(data_page, sample_bytes, sample_loaded):
    at = _submit_mapping(data_page, status=None)
    without_status = ColumnMapping.from_dict({**sample_loaded.mapping.as_dict(), "status": None})
    expected = pipeline.load(sample_bytes, "orders_zh.csv", mapping=without_status).result.report
    assert expected.rows_used == sample_loaded.result.report.rows_used + 12
    shown = metrics(at)
    assert shown[en("rows_used")] == f"{expected.rows_used:,}" == "7,165"
    assert shown[en("rows_excluded")] == "58"
    reasons = frame_with(at, en("reason")).value
    assert dict(zip(reasons[en("reason")], reasons[en("rows")], strict=True)) == {"no customer id": 58}


def test_ignoring_returns_drops_exactly_the_return_rows(data_page, sample_bytes, sample_loaded):
    before = sample_loaded.result.report
    widget(data_page.radio, en("returns")).set_value("ignore")
    data_page.button(key="FormSubmitter:clean_form-Apply").click()
    at = rerun(data_page)
    assert at.session_state["ingest_options"].returns == "ignore"
    expected = pipeline.load(sample_bytes, "orders_zh.csv", options=IngestOptions(returns="ignore")).result.report
    shown = metrics(at)
    assert shown[en("rows_used")] == f"{before.rows_used - before.rows_returns:,}" == f"{expected.rows_used:,}"
    assert shown[en("rows_excluded")] == f"{len(before.excluded) + before.rows_returns:,}" == "85"
    assert shown[en("rows_returns")] == "0"
    reasons = frame_with(at, en("reason")).value
    assert dict(zip(reasons[en("reason")], reasons[en("rows")], strict=True))[
        "return (returns set to be ignored)"] == 15


def test_merging_duplicates_reduces_customers_by_the_planted_pairs(data_page):
    widget(data_page.toggle, en("merge_dups")).set_value(True)
    data_page.button(key="FormSubmitter:clean_form-Apply").click()
    at = rerun(data_page)
    assert metrics(at)[en("customers")] == "697"
    assert render("note_duplicates_merged", "en", ids=6, groups=3) in texts(at.info) + texts(at.warning)


UK_ORDERS = (b"Customer ID,Order Date,Amount,Phone\nK1,2025-03-01,40,07911 123456\nK2,2025-04-01,60,+44 7911 123456\n"
             b"K3,2025-05-01,10,13812345678\n")


def test_phone_region_setting_finds_a_british_customer_under_two_ids():
    from app_helpers import make_upload

    at = open_app(DATA, upload=make_upload("uk.csv", UK_ORDERS))
    region = at.selectbox(key="phone_region")
    assert region.value == "CN" and region.label == en("phone_region")
    assert region.options[:3] == ["Mainland China (+86)", "Hong Kong (+852)", "Taiwan (+886)"]
    assert "United Kingdom (+44)" in region.options and "Germany (+49)" in region.options
    widget(at.toggle, en("merge_dups")).set_value(True)
    at.button(key="FormSubmitter:clean_form-Apply").click()
    at = rerun(at)
    assert metrics(at)[en("customers")] == "3"  # read as Chinese numbers, 07911 123456 is not +44 7911 123456
    at.selectbox(key="phone_region").set_value("GB")
    at.button(key="FormSubmitter:clean_form-Apply").click()
    at = rerun(at)
    assert at.session_state["ingest_options"].phone_region == "GB"
    assert at.session_state["ingest_options"].merge_duplicates
    assert metrics(at)[en("customers")] == "2"
    assert render("note_duplicates_merged", "en", ids=2, groups=1) in texts(at.info) + texts(at.warning)


def test_phone_region_names_in_chinese():
    from app_helpers import make_upload

    at = open_app(DATA, lang="zh", upload=make_upload("uk.csv", UK_ORDERS))
    region = at.selectbox(key="phone_region")
    assert region.label == zh("phone_region")
    assert region.options[0] == "中国大陆 (+86)" and "英国 (+44)" in region.options
