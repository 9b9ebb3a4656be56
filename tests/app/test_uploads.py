"""Files that cannot be used, uploaded through the real uploader: a plain-words error, never a traceback."""

import pytest
from app_helpers import APP_FIXTURES, READER_FIXTURES, en, loaded, metrics, open_app, rerun, texts, widget

DATA = "app_pages/data.py"
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls": "application/vnd.ms-excel"}



def upload(at, path, *, name=None):
    """Put ``path`` into the data page's file uploader, as a user dropping it there."""
    name = name or path.name
    at.file_uploader[0].set_value((name, path.read_bytes(), MIME[name.rsplit(".", 1)[1]]))
    return rerun(at)


BAD_FILES = [
    (READER_FIXTURES / "empty.csv",
     "The file empty.csv is empty. Export it again from your system and upload the new file."),
    (READER_FIXTURES / "header_only.csv",
     "The file header_only.csv has a header but no data rows. Check that the export contains orders."),
    (READER_FIXTURES / "renamed_docx.xlsx",
     "renamed_docx.xlsx is named like a .xlsx file but is really a Word document. "
     "Open it in Excel and save it as .xlsx or CSV."),
    (READER_FIXTURES / "zip_bomb.xlsx",
     "zip_bomb.xlsx looks unsafe or damaged (a part expands 1,026 times). "
     "Open it in Excel, save a fresh copy and upload that."),
    (APP_FIXTURES / "no_customer.csv",
     "No column is mapped to Customer ID. In the column mapping, choose the column that holds it "
     "(its header may read e.g. customer id, customer no)."),
]


@pytest.mark.parametrize(("path", "message"), BAD_FILES, ids=[p.name for p, _ in BAD_FILES])
def test_bad_upload_shows_our_message(path, message):
    at = upload(open_app(DATA), path)
    assert texts(at.error) == [message]
    assert loaded(at).name == path.name
    assert not at.metric and en("ready") not in texts(at.success)


def test_missing_customer_column_still_offers_the_mapping():
    at = upload(open_app(DATA), APP_FIXTURES / "no_customer.csv")
    # The file itself was read: the user can fix the problem in the mapping form right there.
    assert at.selectbox(key="map_customer_id").value == ""  # "— not in file —"
    assert at.selectbox(key="map_order_id").value == "order_id"
    assert texts(at.main.subheader) == [en("mapping")]
    # The problem sits right above the form, and the field it is about is marked.
    assert en("fields_marked", fields="Customer ID") in texts(at.caption)
    assert at.selectbox(key="map_customer_id").label == ":red[**Customer ID** ⚠] *"


def test_bad_upload_message_in_chinese():
    at = upload(open_app(DATA, lang="zh"), READER_FIXTURES / "empty.csv")
    assert texts(at.error) == ["文件 empty.csv 是空的。请从系统中重新导出后再上传。"]


def test_other_pages_show_the_same_problem_after_a_bad_upload():
    at = upload(open_app(DATA), READER_FIXTURES / "header_only.csv")
    at.switch_page("app_pages/rfm.py")
    rerun(at)
    assert texts(at.error) == [
        "The file header_only.csv has a header but no data rows. Check that the export contains orders."]
    assert [link.label for link in at.main.page_link] == [en("go_to_upload")]
    assert not at.title and not at.metric


def test_ambiguous_dates_ask_for_the_order_then_load_day_first():
    at = upload(open_app(DATA), APP_FIXTURES / "ambiguous_dates.csv")
    (error,) = texts(at.error)
    assert "day-first or month-first" in error and "05/01/2024" in error and "order_date" in error
    # Right above the mapping form: the field it is about, and the choice that resolves it.
    assert en("fields_marked", fields="Order date") in texts(at.caption)
    assert at.selectbox(key="map_order_date").label.startswith(":red[")
    assert not at.metric

    order = widget(at.radio, en("date_order_inline"))
    assert order.options == [en("date_day"), en("date_month")]
    order.set_value(True)  # day first: the data loads at once
    rerun(at)
    assert not at.error
    assert at.session_state["ingest_options"].day_first is True
    # 4 lines by 2 customers, all dated within 2024 read day-first (05/01 -> 5 Jan, 02/06 -> 2 Jun).
    assert metrics(at) == {en("rows_read"): "4", en("rows_used"): "4", en("rows_excluded"): "0",
                           en("rows_returns"): "0", en("customers"): "2"}
    at.switch_page("app_pages/rfm.py")
    rerun(at)
    # Analysis date = the day after the last order, 2 June 2024 read day-first (month-first: 7 April -> 8 April).
    assert str(at.date_input(key="as_of_input").value) == "2024-06-03"


def test_date_order_of_one_file_is_not_forced_on_the_next():
    """Regression: a date-order answer given for one file must not misread the next one."""
    at = upload(open_app(DATA), APP_FIXTURES / "ambiguous_dates.csv")
    widget(at.radio, en("date_order")).set_value(True)
    at.button(key="FormSubmitter:clean_form-Apply").click()
    rerun(at)
    assert metrics(at)[en("rows_used")] == "4"
    # A US export: 05/13/2024 can only be month-first, so detection reads every row.
    upload(at, APP_FIXTURES / "month_first_dates.csv")
    assert loaded(at).name == "month_first_dates.csv"
    assert metrics(at)[en("rows_used")] == "3", "rows of the new file were read day-first and excluded"


def test_uploading_a_new_file_replaces_the_sample(sample_upload):
    at = open_app(DATA, upload=sample_upload)
    assert metrics(at)[en("rows_read")] == "7,223"
    upload(at, APP_FIXTURES / "three_customers.csv")
    assert loaded(at).name == "three_customers.csv"
    assert metrics(at)[en("rows_read")] == "6" and metrics(at)[en("customers")] == "3"


def test_a_workbook_with_several_sheets_says_which_one_is_read():
    at = upload(open_app(DATA), READER_FIXTURES / "two_sheets.xlsx")
    # The sheet that holds the orders table is read by itself, and the page names it.
    assert any("二月" in text and "一月" in text for text in texts(at.info))
    assert widget(at.selectbox, en("sheet")).value == "二月"
    assert widget(at.selectbox, en("sheet")).options == ["一月", "二月"]
