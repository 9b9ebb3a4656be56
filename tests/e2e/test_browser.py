"""The real app in headless Chromium: sample data, every page in both languages, the Excel download.

Expected numbers come from crm_core on the same sample file, so the test checks that the pages
show the analysis's values (formatted for people), not just that they render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="the 'playwright' Python package is not installed (pip install playwright)")
from playwright.sync_api import expect  # noqa: E402
from server import IDLE_JS, start_server, stop_server  # noqa: E402

from crm_core import export, pipeline
from crm_core.segment import rfm

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "orders_zh.csv"
# "Load sample data" loads the demo file in the session's language (the same orders in both).
SAMPLES = {"en": ROOT / "sample_data" / "orders_en.xlsx", "zh": SAMPLE}
APP_FIXTURES = ROOT / "tests" / "data" / "app"
READER_FIXTURES = ROOT / "tests" / "data" / "readers"
TIMEOUT_MS = 30_000  # one page run; the first (uncached) read of the sample takes a few seconds

NAV = {"en": ("Start", "Data", "RFM segments", "Export lists"), "zh": ("开始", "数据导入", "RFM 分群", "导出名单")}
# The whole sidebar navigation, in its order (the pages of issues 12-14 sit between RFM and Export).
ALL_NAV = {
    "en": ("Start", "Data", "RFM segments", "Clusters", "Lifecycle & cohorts", "Customer 360", "Cross-sell",
           "Churn risk", "Campaign response", "Lifetime value", "Campaign builder", "Export lists", "A/B test",
           "Campaign results", "Attribution", "Forecast", "Report"),
    "zh": ("开始", "数据导入", "RFM 分群", "客户聚类", "生命周期与同期群", "客户360画像", "交叉销售", "流失预警",
           "营销响应预测", "客户终身价值", "营销活动名单", "导出名单", "A/B 测试", "营销效果", "渠道归因", "销售预测",
           "客户报告"),
}
TITLES = {
    "en": ("Know your customers, then act on it", "Data upload", "RFM segments", "Export campaign lists"),
    "zh": ("读懂客户，立即行动", "数据导入", "RFM 客户分群", "导出营销名单"),
}
FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Expected:
    rows_read: int
    rows_used: int
    rows_excluded: int
    rows_returns: int
    customers: int
    orders: int
    revenue: float
    sheets_zh: tuple[str, ...]  # segment sheets of the Chinese workbook, in scheme order
    list_rows: int  # customers in all lists (opted-out left out, as on the page by default)


@cache
def expected() -> Expected:
    loaded = pipeline.load(SAMPLE.read_bytes(), SAMPLE.name)
    report = loaded.result.report
    scored = pipeline.rfm_scores(loaded.result)
    scheme = rfm.RfmParams().scheme
    sheets = pipeline.build_lists(scored, export.ListRequest(scheme, options=export.ListOptions(lang="zh"))).sheets
    return Expected(
        rows_read=report.rows_read, rows_used=report.rows_used, rows_excluded=len(report.excluded),
        rows_returns=report.rows_returns, customers=len(scored), orders=int(scored["frequency"].sum()),
        revenue=float(scored["monetary"].sum()), sheets_zh=tuple(sheets),
        list_rows=sum(len(f) for f in sheets.values()),
    )


def test_expected_numbers_are_the_sample_facts():
    # Pins the sample itself, so a changed generator shows up here and not as a puzzling browser failure.
    e = expected()
    assert (e.rows_read, e.rows_used, e.rows_excluded, e.rows_returns, e.customers) == (7223, 7153, 70, 15, 700)
    assert e.orders == 4528 and round(e.revenue, 2) == 1489595.20
    assert e.sheets_zh[0] == "冠军客户" and len(e.sheets_zh) == 11


# --- helpers -------------------------------------------------------------------------------------



def settle(page, *texts: str, timeout: int = TIMEOUT_MS) -> None:
    """Wait until every text in ``texts`` is visible and Streamlit has finished running the script.

    The texts must be ones that only the new run shows: right after a click the app may still
    report 'not running' for a moment, before the rerun request reaches the server.
    """
    for text in texts:
        expect(page.get_by_text(text, exact=True).first).to_be_visible(timeout=timeout)
    page.wait_for_function(IDLE_JS, timeout=timeout)


def open_app(browser, url: str, locale: str):
    context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector('[data-testid="stSidebarNavLink"]')
    page.wait_for_function(IDLE_JS)
    return context, page


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def load_sample(page, lang: str = "en") -> None:
    sidebar(page).get_by_role("button", name="加载示例数据" if lang == "zh" else "Load sample data").click()
    settle(page, SAMPLES[lang].name)


def go(page, label: str, title: str) -> None:
    sidebar(page).locator('[data-testid="stSidebarNavLink"]').filter(has_text=label).click()
    page.locator("h1").filter(has_text=title).first.wait_for(state="visible")
    settle(page, title)


def metric(page, label: str) -> str:
    """The shown value of the metric whose label is exactly ``label``."""
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True)
    )
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def assert_no_error(page) -> None:
    main = page.locator('[data-testid="stMain"]')
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert "Error" not in main.inner_text()


def nav_labels(page) -> list[str]:
    return [s.strip() for s in sidebar(page).locator('[data-testid="stSidebarNavLink"]').all_inner_texts()]


def check_pages(page, lang: str) -> None:
    """Visit the four pages through the sidebar; each shows its title, a real value and no error."""
    e = expected()
    data_label, rfm_label, export_label = ("读取行数", "客户数", "下载 Excel") if lang == "zh" else (
        "Rows read", "Customers", "Download Excel")
    for label, title in zip(NAV[lang], TITLES[lang], strict=True):
        go(page, label, title)
        assert [re.sub(r"^\W+", "", s).strip() for s in nav_labels(page)] == list(ALL_NAV[lang])
        if title == TITLES[lang][1]:
            assert metric(page, data_label) == f"{e.rows_read:,}"
        elif title == TITLES[lang][2]:
            assert metric(page, rfm_label) == f"{e.customers:,}"
        elif title == TITLES[lang][3]:
            expect(page.locator('[data-testid="stDownloadButton"]').get_by_text(export_label)).to_be_visible()
        assert_no_error(page)


# --- tests ---------------------------------------------------------------------------------------


def test_english_pages_show_the_sample_numbers(browser, app_url):
    e = expected()
    context, page = open_app(browser, app_url, "en-US")
    try:
        settle(page, TITLES["en"][0], "No data loaded yet.")
        load_sample(page)
        check_pages(page, "en")

        go(page, "Data", "Data upload")
        assert metric(page, "Rows used") == f"{e.rows_used:,}"
        assert metric(page, "Rows excluded") == f"{e.rows_excluded:,}"
        assert metric(page, "Return lines netted") == f"{e.rows_returns:,}"
        assert metric(page, "Customers") == f"{e.customers:,}"
        balance = f"{e.rows_read:,} read = {e.rows_used:,} used + {e.rows_excluded:,} excluded"
        # Shown twice: as the cleaning status label and as the caption under the metrics.
        expect(page.get_by_text(balance, exact=True)).to_have_count(2)

        go(page, "RFM segments", "RFM segments")
        assert metric(page, "Orders") == f"{e.orders:,}"
        assert metric(page, "Revenue (net)") == f"¥{e.revenue:,.0f}"
        # Once a page has computed the summary, the sidebar states rows used and customers.
        assert f"{e.rows_used:,} rows used · {e.customers:,} customers" in sidebar(page).inner_text()

        go(page, "Export lists", "Export campaign lists")
        expect(page.get_by_text(f"{len(e.sheets_zh)} lists, {e.list_rows:,} customers in all.")).to_be_visible()
    finally:
        context.close()


def test_chinese_pages_and_excel_download(browser, app_url, tmp_path):
    from openpyxl import load_workbook

    e = expected()
    context, page = open_app(browser, app_url, "en-US")
    try:
        load_sample(page)
        sidebar(page).locator('[data-testid="stRadio"]').get_by_text("中文", exact=True).click()
        settle(page, NAV["zh"][0], TITLES["zh"][0])
        check_pages(page, "zh")  # ends on the export page

        with page.expect_download(timeout=TIMEOUT_MS) as info:
            page.locator('[data-testid="stDownloadButton"]').get_by_text("下载 Excel").click()
        download = info.value
        assert download.suggested_filename.endswith(".xlsx")
        target = tmp_path / download.suggested_filename
        download.save_as(target)
    finally:
        context.close()

    book = load_workbook(target)
    assert book.sheetnames == ["概览", *e.sheets_zh]
    for sheet in book.worksheets:
        # The header: the first row of several cells (the summary sheet may open with a one-cell note).
        header = next(row for row in sheet.iter_rows() if sum(cell.value is not None for cell in row) > 1)
        assert all(cell.font.bold for cell in header if cell.value is not None), sheet.title
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith(FORMULA_START) for v in row), (sheet.title, row)
    assert sum(book[name].max_row - 1 for name in e.sheets_zh) == e.list_rows


def test_chinese_browser_gets_chinese_ui(browser, app_url):
    context, page = open_app(browser, app_url, "zh-CN")
    try:
        settle(page, TITLES["zh"][0], "尚未加载数据。")
        assert [re.sub(r"^\W+", "", s).strip() for s in nav_labels(page)] == list(ALL_NAV["zh"])
        checked = sidebar(page).locator('[data-testid="stRadioOption"][data-selected="true"]')
        assert checked.inner_text().strip() == "中文"
        assert_no_error(page)
    finally:
        context.close()


def test_clear_my_data(browser, app_url):
    context, page = open_app(browser, app_url, "en-US")
    try:
        load_sample(page)
        go(page, "Data", "Data upload")
        sidebar(page).get_by_role("button", name="Clear my data").click()
        settle(page, "No data loaded yet.", "Upload an order file (or load the sample data) to see this page.")
        assert SAMPLES["en"].name not in sidebar(page).inner_text()
        assert sidebar(page).get_by_role("button", name="Clear my data").count() == 0
        assert_no_error(page)
    finally:
        context.close()


# --- regressions: deep links on a fresh server; markdown on the Chinese start page ---------------


def test_deep_link_on_a_fresh_server_keeps_the_app_navigation(browser):

    # Its own server: the legacy page table is only used until app.py has run once in the process.
    proc, url = start_server()
    context = None
    try:
        context, page = open_app(browser, f"{url}/rfm", "en-US")
        settle(page, "Upload an order file (or load the sample data) to see this page.")
        assert [re.sub(r"^\W+", "", s).strip() for s in nav_labels(page)] == list(ALL_NAV["en"])
        expect(sidebar(page).get_by_role("button", name="Load sample data")).to_be_visible()
    finally:
        if context is not None:
            context.close()
        stop_server(proc)


def test_no_literal_markdown_on_chinese_start_page(browser, app_url):
    context, page = open_app(browser, app_url, "zh-CN")
    try:
        settle(page, TITLES["zh"][0])
        assert "**" not in page.locator('[data-testid="stMain"]').inner_text()
    finally:
        context.close()


# --- issue 10: what a new user hit -----------------------------------------------------------------


def upload_file(page, path: Path) -> None:
    page.locator('[data-testid="stMain"] [data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))


def test_failed_read_keeps_the_pickers_and_the_sidebar_names_the_file(browser, app_url):
    context, page = open_app(browser, app_url, "en-US")
    try:
        go(page, "Data", "Data upload")
        upload_file(page, READER_FIXTURES / "no_data_sheets.xlsx")
        settle(page, "no_data_sheets.xlsx could not be read")
        # The sidebar agrees with the file chip: the file is there, and it could not be read.
        expect(sidebar(page).get_by_text("could not be read", exact=False)).to_be_visible()
        assert "No data loaded yet." not in sidebar(page).inner_text()
        assert "Reading no_data_sheets.xlsx" not in page.locator('[data-testid="stMain"]').inner_text()
        # The sheet picker is there to choose from.
        expect(page.locator('[data-testid="stSelectbox"]').filter(has_text="Sheet").first).to_be_visible()
        expect(page.get_by_role("button", name="Apply reading options")).to_be_visible()
    finally:
        context.close()


def test_the_x_on_the_file_chip_unloads_the_data(browser, app_url):
    context, page = open_app(browser, app_url, "en-US")
    try:
        go(page, "Data", "Data upload")
        upload_file(page, APP_FIXTURES / "three_customers.csv")
        settle(page, "Rows read")
        expect(sidebar(page).get_by_text("three_customers.csv", exact=False)).to_be_visible()
        page.locator('[data-testid="stFileChipDeleteBtn"]').first.click()
        settle(page, "No data loaded yet.", "Upload an order file (or load the sample data) to see this page.")
        assert "three_customers.csv" not in page.inner_text("body")
    finally:
        context.close()


def test_sidebar_counts_follow_the_analysis_date(browser, app_url):
    context, page = open_app(browser, app_url, "en-US")
    try:
        load_sample(page)
        go(page, "RFM segments", "RFM segments")
        e = expected()
        assert f"{e.customers:,} customers" in sidebar(page).inner_text()
        field = page.locator('[data-testid="stDateInputField"]').first  # year / month / day segments
        for part, digits in (("year", "2025"), ("month", "07"), ("day", "01")):
            field.locator(f'[data-type="{part}"]').click()
            page.keyboard.type(digits)
        page.keyboard.press("Enter")
        page.locator("h1").first.click()  # leave the field, so the new date is sent
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebar\"]').innerText.includes('as of 2025-07-01')")
        shown = metric(page, "Customers")
        assert f"{shown} customers as of 2025-07-01" in sidebar(page).inner_text()
        assert shown != f"{e.customers:,}"
        # Both scoring choices are readable in full at 1,400 px (radio labels wrap, never cut off).
        for label in ("Quintiles", "My thresholds"):
            option = page.locator('[data-testid="stRadio"]').get_by_text(label, exact=True)
            expect(option).to_be_visible()
            assert option.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    finally:
        context.close()


# --- issue 11: the formula guard, on cells that really start like a formula ------------------------

FORMULA_CSV = """Customer ID,Order Date,Product,Channel,City,Name,Amount
C1,2025-03-01,=1+1,=1+1,+SUM(A1:A2),=HYPERLINK(x),40.00
C1,2025-05-20,=1+1,=1+1,+SUM(A1:A2),=HYPERLINK(x),60.00
C2,2025-04-02,+2,-2+3,-London,+Anna,25.00
C3,2025-06-11,@SUM(1),@cmd,@Paris,@Bob,90.00
C4,2025-02-14,-5,+shop,=Berlin,-Carl,15.00
"""
# what each customer's list row must show, exactly as typed: (channel, city)
FORMULA_CELLS = {"C1": ("=1+1", "+SUM(A1:A2)"), "C2": ("-2+3", "-London"), "C3": ("@cmd", "@Paris"),
                 "C4": ("+shop", "=Berlin")}


def test_cells_that_start_like_formulas_download_as_quoted_text(browser, app_url, tmp_path):
    import zipfile

    from openpyxl import load_workbook

    upload = tmp_path / "formula_cells.csv"
    upload.write_text(FORMULA_CSV, encoding="utf-8")
    context, page = open_app(browser, app_url, "en-US")
    try:
        go(page, "Data", "Data upload")
        upload_file(page, upload)
        settle(page, "Rows read")
        assert metric(page, "Customers") == "4"
        go(page, "Export lists", "Export campaign lists")
        with page.expect_download(timeout=TIMEOUT_MS) as info:
            page.locator('[data-testid="stDownloadButton"]').get_by_text("Download Excel").click()
        target = tmp_path / "lists.xlsx"
        info.value.save_as(target)
    finally:
        context.close()

    with zipfile.ZipFile(target) as archive:  # no formula anywhere in the workbook
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    book = load_workbook(target)
    seen = {}
    for sheet in book.worksheets[1:]:  # the segment lists (the first sheet is the summary)
        header = [cell.value for cell in sheet[1]]
        channel, city = header.index("Channel"), header.index("City")
        for row in sheet.iter_rows(min_row=2):
            customer = row[0].value
            seen[customer] = (row[channel].value, row[city].value)
            for cell in (row[channel], row[city]):
                assert cell.data_type == "s" and cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    assert seen == FORMULA_CELLS  # every value unchanged: no apostrophe, nothing stripped


# --- issue 11: a saved analysis, in the browser and on the command line ------------------------------


def _download(page, button, target: Path) -> Path:
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        button.click()
    info.value.save_as(target)
    return target


def _workbook_cells(path: Path) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return {name: [r for r in book[name].iter_rows(values_only=True) if r[0] != "Generated"]
            for name in book.sheetnames}


def test_save_analysis_in_the_browser_then_the_cli_and_a_new_session_reuse_it(browser, app_url, tmp_path):
    from crm_core import cli

    context, page = open_app(browser, app_url, "en-US")
    try:
        load_sample(page)
        go(page, NAV["en"][2], TITLES["en"][2])
        page.get_by_text("Orders counted: all orders", exact=True).click()
        page.locator('[data-testid="stRadio"]').get_by_text("Last months", exact=True).click()
        settle(page, "Orders counted: last 12 months")
        go(page, NAV["en"][3], TITLES["en"][3])
        workbook = _download(page, page.locator('[data-testid="stDownloadButton"]').get_by_text("Download Excel"),
                             tmp_path / "app.xlsx")
        sidebar(page).get_by_text("Saved analysis", exact=True).click()
        save = sidebar(page).get_by_text("Save analysis", exact=True).first
        saved = _download(page, save, tmp_path / "analysis.json")
    finally:
        context.close()

    # The command line with that file writes the same workbook (the list id included).
    out = tmp_path / "cli.xlsx"
    assert cli.main(["rfm", str(SAMPLES["en"]), "--settings", str(saved), "--out", str(out)]) == 0
    app_cells, cli_cells = _workbook_cells(workbook), _workbook_cells(out)
    assert app_cells == cli_cells
    block = {row[0]: row[1] for row in app_cells["Summary"]}
    assert block["Orders counted"] == "2025-01-01 to 2025-12-31"
    assert re.fullmatch(r"RFM-20260101-[0-9A-F]{8}", block["List ID"])

    # A new session opens it: the RFM page counts the last 12 months straight away.
    context, page = open_app(browser, app_url, "en-US")
    try:
        sidebar(page).get_by_text("Saved analysis", exact=True).click()
        sidebar(page).locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(saved))
        settle(page, "Settings from **analysis.json**".replace("**", ""))
        load_sample(page)
        go(page, NAV["en"][2], TITLES["en"][2])
        settle(page, "Orders counted: last 12 months")
        assert_no_error(page)
    finally:
        context.close()
