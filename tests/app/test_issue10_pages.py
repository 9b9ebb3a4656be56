"""Issue 10, what a new user hit on the pages: failed reads, mapping problems, personal data, currency, resets."""

from datetime import date

import pytest
from app_helpers import (
    APP_FIXTURES,
    READER_FIXTURES,
    en,
    frame_with,
    loaded,
    metrics,
    open_app,
    rerun,
    texts,
    widget,
    zh,
)

from crm_core import customers, export, pipeline
from crm_core.ingest import readers
from crm_core.schema import DataError, ReadOptions
from crm_core.segment import rfm
from ui import cached, data_view, state

DATA = "app_pages/data.py"
RFM = "app_pages/rfm.py"
EXPORT = "app_pages/export.py"
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def upload(at, path):
    at.file_uploader[0].set_value((path.name, path.read_bytes(), MIME[path.suffix[1:]]))
    return rerun(at)


# --- a failed read is not a dead end -------------------------------------------------------------


def test_failed_read_still_offers_the_sheet_and_header_pickers():
    at = upload(open_app(DATA), READER_FIXTURES / "no_data_sheets.xlsx")
    (error,) = texts(at.error)
    assert "说明" in error and "订单" in error  # the message names the sheets
    assert widget(at.selectbox, en("sheet")).options == ["说明", "订单"]
    assert widget(at.number_input, en("header_row")).value == 0
    assert en("pick_sheet", sheets="说明, 订单") in texts(at.info)
    # The status line says the read failed; it no longer says "Reading …".
    assert [s.label for s in at.status] == [en("read_failed", name="no_data_sheets.xlsx")]
    assert [s.state for s in at.status] == ["error"]
    # The sidebar reads this (it cannot be inspected in AppTest after the first run; the browser test does).
    assert at.session_state[state.READ_PROBLEM][1] == "read"


def test_after_a_failed_read_another_sheet_can_be_chosen():
    at = upload(open_app(DATA), READER_FIXTURES / "notes_then_orders.xlsx")
    # Read by itself: the orders sheet, and the page says so.
    assert widget(at.selectbox, en("sheet")).value == "消费明细"
    assert any("消费明细" in text for text in texts(at.info))
    widget(at.selectbox, en("sheet")).set_value("说明")
    at.button(key="FormSubmitter:read_form-" + en("apply_read")).click()
    at = rerun(at)
    assert len(at.error) == 1 and "error" in [s.state for s in at.status]
    widget(at.selectbox, en("sheet")).set_value("消费明细")  # still there after the failure
    at.button(key="FormSubmitter:read_form-" + en("apply_read")).click()
    at = rerun(at)
    assert not at.error and at.session_state["read_options"].sheet == "消费明细"
    assert state.READ_PROBLEM not in at.session_state
    assert metrics(at)[en("rows_read")] == "3"


# --- mapping problems sit right above the form ---------------------------------------------------


def test_reusing_a_column_moves_it_and_says_so(sample_upload):
    at = open_app(DATA, upload=sample_upload)
    assert at.selectbox(key="map_order_id").value == "订单号"
    at.selectbox(key="map_sku").set_value("订单号")
    at.button(key="FormSubmitter:mapping_form-Apply").click()
    at = rerun(at)
    assert not at.error
    mapping = at.session_state["mapping"]
    assert mapping.get("sku") == "订单号" and mapping.get("order_id") is None
    assert en("column_moved", column="订单号", new="Product code", old="Order ID") in texts(at.info)
    assert at.selectbox(key="map_order_id").value == ""  # "— not in file —": the form shows the move


def test_missing_amount_marks_the_money_fields(sample_upload):
    at = open_app(DATA, upload=sample_upload)
    for field in ("amount", "unit_price"):
        at.selectbox(key=f"map_{field}").select_index(0)
    at.button(key="FormSubmitter:mapping_form-Apply").click()
    at = rerun(at)
    assert len(at.error) == 1 and not at.metric
    assert en("fields_marked", fields="Unit price, Amount") in texts(at.caption)  # in form order
    assert at.selectbox(key="map_amount").label == ":red[**Amount** ⚠]"
    assert at.selectbox(key="map_quantity").label == "Quantity"  # mapped: not marked
    # The error comes right before the form: nothing but its caption and the form's frame between them.
    blocks = [(type(e).__name__, getattr(e, "key", None)) for e in at.main]
    error = [kind for kind, _ in blocks].index("Error")
    first_box = blocks.index(("Selectbox", "map_customer_id"))
    between = [kind for kind, _ in blocks[error + 1:first_box]]
    assert set(between) <= {"Caption", "Block", "Column"}, between


def test_unmapped_fields_read_in_chinese():
    at = upload(open_app(DATA, lang="zh"), APP_FIXTURES / "three_customers.csv")
    assert at.selectbox(key="map_name").options[0] == "— 文件中没有 —"
    encodings = widget(at.selectbox, zh("encoding")).options
    assert encodings[0] == "自动识别" and readers.encoding_label("gb18030", "zh") in encodings
    assert not {"gb18030", "utf-8-sig", "cp1252"} & set(encodings)  # in words, not codec names


# --- what the preview and the duplicates table show ----------------------------------------------


def test_preview_shows_blanks_and_unwrapped_ids():
    at = upload(open_app(DATA), APP_FIXTURES / "taobao_preview.csv")
    preview = frame_with(at, "买家留言").value
    assert list(preview["订单编号"]) == ["243500112233", "243500112244", "243500112255"]
    assert list(preview["买家留言"]) == ["", "请尽快发货", ""]


def test_duplicates_table_masks_phones_unless_asked(sample_upload):
    at = open_app(DATA, upload=sample_upload)
    table = frame_with(at, en("dup_key")).value
    row = table[table[en("dup_customer")] == "C00054"].iloc[0]
    # +86 151 3853 9843: the first 3 and last 4 digits stay (the export's masking rule).
    assert row[en("dup_key")] == "+861******9843"
    assert row[en("dup_merged_into")] == "C00038"  # ids that are not contacts stay as they are
    widget(at.toggle, en("show_full_contacts")).set_value(True)
    at = rerun(at)
    table = frame_with(at, en("dup_key")).value
    assert table[table[en("dup_customer")] == "C00054"].iloc[0][en("dup_key")] == "+8615138539843"


def test_identifiers_that_are_contacts_are_masked():
    import pandas as pd

    ids = pd.Series(["zhang.san@example.com", "13812345678", "C00038", None], dtype="str")
    assert list(export.mask_identifier(ids).fillna("-")) == ["z***@example.com", "138****5678", "C00038", "-"]


def test_excluded_rows_download_has_reasons_in_words(sample_loaded):
    import io

    import pandas as pd

    csv = data_view.excluded_csv(sample_loaded.result.report)  # what the download button serves (English)
    table = pd.read_csv(io.BytesIO(csv), dtype=str, encoding="utf-8-sig")
    assert table.iloc[:, 0].value_counts().to_dict() == {"no customer id": 58, "order status 已取消": 12}


# --- the file chip, the sample by language -------------------------------------------------------


def test_removing_the_file_in_the_uploader_unloads_the_data():
    at = upload(open_app(DATA), APP_FIXTURES / "three_customers.csv")
    assert metrics(at)[en("customers")] == "3"
    at.file_uploader[0].set_value(None)  # the ✕ on the file chip
    at = rerun(at)
    assert loaded(at) is None
    assert texts(at.info) == [en("upload_first")]


def test_back_on_the_page_the_loaded_file_is_named_with_remove():
    at = upload(open_app(DATA), APP_FIXTURES / "three_customers.csv")
    at.switch_page(RFM)
    rerun(at)
    at.switch_page(DATA)
    at = rerun(at)
    assert at.file_uploader[0].label == en("uploader_replace")
    assert any("three_customers.csv" in m.value and en("loaded_tag") in m.value for m in at.main.markdown)
    at.button(key="remove_file").click()
    at = rerun(at)
    assert loaded(at) is None


@pytest.mark.parametrize(("lang", "name"), [("en", "orders_en.xlsx"), ("zh", "orders_zh.csv")])
def test_sample_follows_the_language(lang, name):
    at = open_app(DATA, lang=lang)
    at.button(key="data_sample").click()
    at = rerun(at)
    assert loaded(at).name == name
    label = (en if lang == "en" else zh)("customers")
    assert metrics(at)[label] == "700"


# --- currency ------------------------------------------------------------------------------------


def test_currency_detected_from_the_values():
    at = upload(open_app(DATA), APP_FIXTURES / "dollars.csv")
    assert at.selectbox(key="currency_data").value == "$"
    assert at.session_state[state.CURRENCY] == ("$", "detected")
    assert not [c for c in texts(at.caption) if en("currency_not_detected") in c]


def test_currency_not_detected_asks_and_the_choice_is_used():
    at = upload(open_app(DATA, lang="zh"), APP_FIXTURES / "three_customers.csv")
    assert f":orange[{zh('currency_not_detected')}]" in texts(at.caption)
    assert at.selectbox(key="currency_data").value == "¥"  # the Chinese default, to be confirmed


def test_chosen_currency_shows_on_the_rfm_page():
    at = upload(open_app(DATA), APP_FIXTURES / "three_customers.csv")
    at.selectbox(key="currency_data").set_value("€")
    at = rerun(at)
    at.switch_page(RFM)
    at = rerun(at)
    assert metrics(at)[en("kpi_revenue")] == "€275.00"  # 100 + 60 + 40 + 25 + 35 + 15
    assert at.selectbox(key="currency_rfm").value == "€"


# --- settings that belong to a file --------------------------------------------------------------


def test_new_upload_drops_the_old_files_thresholds_and_segment_map(sample_upload):
    at = open_app(RFM, upload=sample_upload)
    widget(at.radio, en("method")).set_value("threshold")
    at = rerun(at)
    assert at.session_state["rfm_params"].thresholds is not None
    at.session_state["grid_11_en_0"] = {"edited_rows": {0: {"FM 1": "Champions"}}, "added_rows": [], "deleted_rows": []}
    at = rerun(at)
    assert "11" in at.session_state["edited_schemes"]
    old_thresholds = at.session_state["rfm_params"].thresholds
    at.switch_page(DATA)
    at = upload(rerun(at), APP_FIXTURES / "three_customers.csv")
    params = at.session_state["rfm_params"]
    assert params.thresholds is None and params.scheme is rfm.SCHEMES["11"]
    assert "edited_schemes" not in at.session_state
    # The Export page scores the new file by its own quintiles, not with the sample's cut-offs.
    at.switch_page(EXPORT)
    at = rerun(at)
    assert at.session_state["rfm_params"].thresholds is None and old_thresholds is not None
    assert en("export_summary", lists=3, rows=3) in texts(at.caption)
    # Back on the RFM page the preferred method is kept, prefilled from the new file.
    at.switch_page(RFM)
    at = rerun(at)
    assert widget(at.radio, en("method")).value == "threshold"
    # The fixture's spends 40, 75, 160 score M 2, 4, 5: each cut is the least spend with that score.
    assert list(at.session_state["rfm_params"].thresholds.monetary)[::-1] == [160.0, 75.0, 75.0, 40.0]


# --- RFM page: counts for the analysis date, words for the jargon --------------------------------


def test_moving_the_analysis_date_back_updates_the_counts(sample_upload, sample_loaded):
    at = open_app(RFM, upload=sample_upload)
    at.date_input(key="as_of_input").set_value(date(2025, 7, 1))
    at = rerun(at)
    result = sample_loaded.result
    expected = len(customers.customer_table(result.orders, result.customers, as_of=date(2025, 7, 1)))
    assert expected < 700
    assert metrics(at)[en("kpi_customers")] == f"{expected:,}"
    digest, as_of, count = at.session_state[state.SCORED_COUNT]
    assert (as_of, count) == (date(2025, 7, 1), expected)


def test_scores_and_segment_map_are_explained(sample_upload):
    at = open_app(RFM, upload=sample_upload)
    captions = texts(at.caption)
    assert en("fm_explained") in captions and en("rfm_code_explained") in captions
    meaning = at.table[0].value
    assert list(meaning.columns) == ["Description", "Suggested action"]
    assert "Champions" in list(meaning.index)


def test_identical_customers_get_the_relative_scores_note():
    at = upload(open_app(DATA), APP_FIXTURES / "identical_customers.csv")
    at.switch_page(RFM)
    at = rerun(at)
    loaded = pipeline.load((APP_FIXTURES / "identical_customers.csv").read_bytes(), "identical_customers.csv").result
    table = customers.customer_table(loaded.orders, loaded.customers, as_of=None)
    note = rfm.relative_scores_note(table, rfm.RfmParams())
    assert note is not None and note.text("en") in texts(at.info)


# --- export: a file that cannot be built is a message --------------------------------------------


def test_export_that_cannot_be_built_shows_a_message(sample_upload, monkeypatch):
    def too_big(*args, **kwargs):
        raise DataError("too_many_rows_xlsx", sheet="Champions", rows=1_200_000)

    monkeypatch.setattr(pipeline, "to_workbook", too_big)  # what ui.cached.list_file writes with
    cached.list_file.clear()
    try:
        at = open_app(EXPORT, upload=sample_upload)
        expected = DataError("too_many_rows_xlsx", sheet="Champions", rows=1_200_000).text("en")
        assert texts(at.error) == [en("download_failed", detail=expected)]
        assert not at.main.download_button
    finally:
        cached.list_file.clear()


# --- the mapping proposal: identity used, fields guessed from values -----------------------------

PLATFORMS = APP_FIXTURES.parent / "platforms"


def test_identity_column_is_named_next_to_the_mapping():
    at = upload(open_app(DATA), PLATFORMS / "taobao_orders.csv")
    proposal = cached.proposal(_raw_key(at))
    assert proposal.identity == "买家会员名"
    identity_note = next(n for n in proposal.notes if n.code == "note_identity_used")
    assert identity_note.text("en") in texts(at.info)
    assert at.selectbox(key="map_customer_id").value == "买家会员名"


def test_fields_guessed_from_values_ask_to_be_confirmed():
    at = upload(open_app(DATA), PLATFORMS / "headers_unknown.csv")
    proposal = cached.proposal(_raw_key(at))
    assert proposal.inferred == ("customer_id", "order_id", "order_date", "amount")
    guessed = f" · :orange[{en('guessed')}]"
    assert at.selectbox(key="map_customer_id").label == f"Customer ID{guessed} *"
    assert at.selectbox(key="map_amount").label == f"Amount{guessed}"
    # Once the user applies the mapping, the guesses are confirmed.
    at.button(key="FormSubmitter:mapping_form-Apply").click()
    at = rerun(at)
    assert at.selectbox(key="map_amount").label == "Amount"


def test_name_and_address_identity_survives_the_form():
    at = upload(open_app(DATA), PLATFORMS / "consignee_only.csv")
    assert at.selectbox(key="map_customer_id").value == "收货人姓名 + 收货地址"
    at.button(key="FormSubmitter:mapping_form-Apply").click()
    at = rerun(at)
    assert at.session_state["mapping"].get("customer_id") == "收货人姓名 + 收货地址"
    assert not at.error


def _raw_key(at):
    """The cache key of the session's file read with default options."""
    up = loaded(at)
    return cached.DatasetKey(up.digest, up.data, up.name, ReadOptions())


def test_shopify_emails_as_customer_ids_are_masked_and_money_is_dollars():
    at = upload(open_app(DATA), PLATFORMS / "shopify_orders.csv")
    assert at.session_state[state.CURRENCY] == ("$", "detected")  # Currency column = USD
    at.switch_page(RFM)
    at = rerun(at)
    assert metrics(at)[en("kpi_revenue")].startswith("$")
    ids = frame_with(at, "rfm_code").value["customer_id"]
    assert "a***@example.com" in set(ids) and not any("ava.miller" in i for i in ids)
    widget(at.toggle, en("show_full_contacts")).set_value(True)
    at = rerun(at)
    assert "ava.miller@example.com" in set(frame_with(at, "rfm_code").value["customer_id"])
