"""Save analysis / Open analysis, the window and filters on the RFM page, and the CLI giving the app's workbook.

The files the app offers are recorded as the page hands them to ``st.download_button`` (AppTest keeps no
downloads), so the test compares the very bytes a user would get.
"""

from __future__ import annotations

import io
import json

import openpyxl
from app_helpers import SAMPLE, en, loaded, open_app, rerun, texts, widget

from crm_core import cli
from crm_core.segment import rfm
from crm_core.settings import AnalysisSettings, Scope

RFM = "app_pages/rfm.py"
EXPORT = "app_pages/export.py"
DATA = "app_pages/data.py"



def cells(data: bytes) -> dict[str, list[tuple]]:
    """Every sheet's rows, without the Summary's "Generated" time (the only cell two runs may differ in)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {name: [row for row in book[name].iter_rows(values_only=True) if row[0] != "Generated"]
            for name in book.sheetnames}


def choose_an_analysis(sample_upload):
    """A user's month-end analysis: her thresholds, orders per year, the last 6 months, two channels, then on the
    Export page one segment dropped and the contacts added."""
    at = open_app(RFM, upload=sample_upload)
    widget(at.radio, en("method")).set_value("threshold")
    widget(at.radio, en("frequency_basis")).set_value("per_year")
    at.radio(key="window_kind").set_value("months")
    at = rerun(at)
    at.number_input(key="window_months").set_value(6)
    at.multiselect(key="filter_channels").set_value(["天猫旗舰店", "京东自营"])
    at = rerun(at)
    at.switch_page(EXPORT)
    at = rerun(at)
    segments = at.multiselect(key="export_segments")
    segments.set_value(segments.value[1:])
    at.toggle(key="export_contact").set_value(True)
    return rerun(at)


def test_the_cli_with_the_saved_analysis_writes_the_apps_workbook_cell_for_cell(downloads, sample_upload, tmp_path):
    at = choose_an_analysis(sample_upload)
    app_workbook = downloads[en("download", fmt="Excel")]
    saved = AnalysisSettings.from_json(downloads["save_analysis"])
    assert saved.scope == Scope(months=6, channels=("天猫旗舰店", "京东自营"))
    assert saved.rfm.method == "threshold" and saved.rfm.thresholds is not None
    assert saved.rfm.frequency_basis == "per_year" and saved.lists.include_contact
    assert saved.as_of is None  # the default date, kept as a rule for next month's file

    settings = tmp_path / "analysis.json"
    settings.write_bytes(downloads["save_analysis"])
    out = tmp_path / "cli.xlsx"
    assert cli.main(["rfm", str(SAMPLE), "--settings", str(settings), "--out", str(out)]) == 0
    app, command_line = cells(app_workbook), cells(out.read_bytes())
    assert list(app) == list(command_line)
    for sheet in app:
        assert app[sheet] == command_line[sheet], sheet
    summary = dict((row[0], row[1]) for row in app["Summary"])
    assert summary["Filters"] == "channel: 天猫旗舰店, 京东自营"
    assert summary["List ID"].startswith("RFM-20260101-")
    # The page shows the list id the file carries.
    assert any(summary["List ID"] in c for c in texts(at.caption))


def test_opening_an_analysis_applies_it_to_the_file_loaded_next(sample_bytes):
    saved = AnalysisSettings(scope=Scope(months=3, channels=("微信小程序",)),
                             rfm=rfm.RfmParams(scheme=rfm.SCHEMES["4"]), scheme_base="4", lang="en")
    at = open_app(DATA)
    at.file_uploader(key="open_analysis").set_value(("march.json", saved.to_json().encode(), "application/json"))
    at = rerun(at)
    at.file_uploader(key="uploader_0").set_value([("orders_zh.csv", sample_bytes, "text/csv")])
    at = rerun(at)
    assert loaded(at).name == "orders_zh.csv"
    at.switch_page(RFM)
    at = rerun(at)
    assert at.radio(key="window_kind").value == "months" and at.number_input(key="window_months").value == 3
    assert at.multiselect(key="filter_channels").value == ["微信小程序"]
    assert widget(at.selectbox, en("scheme")).value == "4"
    assert any("outside the filters" in c for c in texts(at.caption))


def test_a_broken_analysis_file_is_refused_in_words(tmp_path):
    at = open_app(DATA)
    at.file_uploader(key="open_analysis").set_value(("mapping.json", b'{"columns": {}}', "application/json"))
    at = rerun(at)
    assert [e for e in texts(at.error) if "is not a saved analysis" in e]


def test_two_monthly_files_and_a_customer_file_through_the_uploaders(sample_bytes):
    lines = sample_bytes.decode("utf-8-sig").splitlines()
    half = len(lines) // 2
    first = "\n".join(lines[:half]).encode()
    second = "\n".join([lines[0], *lines[half - 10:]]).encode()  # ten lines in both files
    at = open_app(DATA)
    at.file_uploader(key="uploader_0").set_value([("h1.csv", first, "text/csv"), ("h2.csv", second, "text/csv")])
    at = rerun(at)
    assert loaded(at).name == "h1.csv + h2.csv"
    assert "10 lines were in more than one file (h2.csv: 10 lines also in h1.csv); each was counted once." in texts(
        at.caption)
    assert "7,233 read = 7,153 used + 80 excluded" in texts(at.caption)
    assert at.main.metric[1].value == "7,153"  # rows used: exactly the one file's
    at.file_uploader(key="customer_file_upload_0").set_value(
        ("customers_zh.csv", (SAMPLE.parent / "customers_zh.csv").read_bytes(), "text/csv"))
    at = rerun(at)
    assert loaded(at, "customers").name == "customers_zh.csv"
    assert any("customers_zh.csv" in m for m in texts(at.markdown))


def test_the_rfm_page_window_and_filter_change_the_customers_scored(sample_upload):
    at = open_app(RFM, upload=sample_upload)
    everyone = at.main.metric[0].value
    at.radio(key="window_kind").set_value("months")
    at = rerun(at)
    at.number_input(key="window_months").set_value(3)
    at.multiselect(key="filter_cities").set_value(["上海"])
    at = rerun(at)
    scoped = at.main.metric[0].value
    assert int(scoped.replace(",", "")) < int(everyone.replace(",", ""))
    assert any("outside the analysis window" in c for c in texts(at.caption))


def test_saved_json_is_small_and_has_no_data(downloads, sample_upload):
    choose_an_analysis(sample_upload)
    text = downloads["save_analysis"].decode("utf-8")
    assert len(text) < 6_000
    data = json.loads(text)
    assert set(data) == {"kind", "version", "read", "mapping", "customers_mapping", "cleaning", "as_of", "window",
                         "filters", "rfm", "lists", "currency", "lang", "tags", "clusters", "lifecycle", "campaign",
                         "crosssell", "churn", "response", "clv", "abtest", "results", "attribution", "forecast",
                         "report"}
    assert "C00001" not in text  # no customer id, no order line


def test_a_customer_file_that_cannot_be_joined_is_explained_and_the_orders_still_work(sample_upload):
    at = open_app(DATA, upload=sample_upload)
    bad = (SAMPLE.parents[1] / "tests" / "data" / "master" / "customers_no_id.csv")
    at.file_uploader(key="customer_file_upload_0").set_value((bad.name, bad.read_bytes(), "text/csv"))
    at = rerun(at)
    assert loaded(at, "customers").name == "customers_no_id.csv"
    assert any(m.startswith("Customer file **customers_no_id.csv** is not joined yet") for m in texts(at.markdown))
    assert any("customers_no_id.csv" in e for e in texts(at.error))
    assert at.main.metric[4].value == "700"  # the orders alone are analysed
    at.switch_page(RFM)
    at = rerun(at)
    assert not at.error and at.main.metric[0].value == "700"


def test_the_customer_file_mapping_can_be_changed_and_is_saved_with_the_analysis(downloads, sample_upload):
    at = open_app(DATA, upload=sample_upload)
    master = SAMPLE.parent / "customers_zh.csv"
    at.file_uploader(key="customer_file_upload_0").set_value((master.name, master.read_bytes(), "text/csv"))
    at = rerun(at)
    assert at.selectbox(key="customer_map_1_city").value == "所在城市"  # the form's keys are renewed per file
    at.selectbox(key="customer_map_1_city").select_index(0)  # "— not in file —"
    at.button(key="FormSubmitter:customer_mapping_form_1-Apply").click()
    at = rerun(at)
    saved = AnalysisSettings.from_json(downloads["save_analysis"])
    assert saved.customers_mapping is not None and saved.customers_mapping.get("city") is None
    assert saved.customers_mapping.get("customer_id") == "会员编号"


def test_the_sample_offers_its_customer_file_in_one_click():
    at = open_app(DATA)
    at.button(key="data_sample").click()
    at = rerun(at)
    at.button(key="customer_file_sample").click()
    at = rerun(at)
    assert loaded(at, "customers").name == "customers_en.csv"
    assert any("customers_en.csv" in m and "joined" in m for m in texts(at.markdown))


def test_an_unreadable_customer_file_blocks_nothing_and_remove_removes_it(sample_upload):
    at = open_app(DATA, upload=sample_upload)
    empty = SAMPLE.parents[1] / "tests" / "data" / "master" / "customers_empty.csv"
    at.file_uploader(key="customer_file_upload_0").set_value(("customers.csv", empty.read_bytes(), "text/csv"))
    at = rerun(at)
    assert "The file customers.csv is empty. Export it again from your system and upload the new file." in texts(
        at.error)
    assert at.main.metric[4].value == "700"  # the orders are analysed alone
    at.button(key="remove_customer_file").click()
    at = rerun(at)
    assert loaded(at, "customers") is None
    at = rerun(at)  # the uploader does not hand the removed file back
    assert loaded(at, "customers") is None and not at.error


def test_saved_dates_outside_this_files_range_are_moved_not_a_traceback(sample_upload):
    from datetime import date

    from ui import state

    at = open_app(DATA, upload=sample_upload)
    saved = AnalysisSettings(as_of=date(2020, 1, 1), scope=Scope(start=date(2019, 1, 1)))
    at.file_uploader(key="open_analysis").set_value(("old.json", saved.to_json().encode(), "application/json"))
    at = rerun(at)
    at.switch_page(RFM)
    at = rerun(at)  # rerun() fails on any exception the page raises
    assert en("as_of_reset", saved="2020-01-01", used="2026-01-01") in texts(at.info)
    assert at.date_input(key="window_from").value == date(2025, 1, 1)  # the sample's first order day
    assert at.session_state[state.SCOPE].start == date(2025, 1, 1)


def test_a_file_without_a_currency_sign_gets_the_same_sign_from_the_app_and_the_cli(downloads, tmp_path):
    from app_helpers import make_upload

    orders = SAMPLE.parents[1] / "tests" / "data" / "master" / "orders.csv"
    at = open_app(EXPORT, upload=make_upload(orders.name, orders.read_bytes()))
    assert not at.error
    saved = AnalysisSettings.from_json(downloads["save_analysis"])
    assert saved.currency == "$"  # not read from the file: the sign in use is saved
    settings = tmp_path / "analysis.json"
    settings.write_bytes(downloads["save_analysis"])
    out = tmp_path / "cli.xlsx"
    assert cli.main(["rfm", str(orders), "--settings", str(settings), "--out", str(out)]) == 0
    assert cells(downloads[en("download", fmt="Excel")]) == cells(out.read_bytes())


def test_adding_a_month_keeps_the_mapping_and_thresholds_of_the_files_in_use(sample_bytes):
    from crm_core.schema import ColumnMapping
    from ui import state

    lines = sample_bytes.decode("utf-8-sig").splitlines()
    half = len(lines) // 2
    first, second = "\n".join(lines[:half]).encode(), "\n".join([lines[0], *lines[half:]]).encode()
    at = open_app(DATA)
    at.file_uploader(key="uploader_0").set_value([("h1.csv", first, "text/csv")])
    at = rerun(at)
    chosen = ColumnMapping.from_dict({"customer_id": "客户编号", "order_date": "下单时间", "amount": "实付金额"})
    at.session_state[state.MAPPING] = chosen
    at = rerun(at)
    at.file_uploader(key="uploader_0").set_value([("h1.csv", first, "text/csv"), ("h2.csv", second, "text/csv")])
    at = rerun(at)
    assert loaded(at).name == "h1.csv + h2.csv"
    assert at.session_state[state.MAPPING] == chosen  # the same export, one month more
    at.file_uploader(key="uploader_0").set_value([("other.csv", second + b"\n", "text/csv")])
    at = rerun(at)
    assert state.MAPPING not in at.session_state  # another file: its own mapping is proposed
