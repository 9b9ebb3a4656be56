"""The measurement pages in the real app, in Chromium, in English and Chinese: with the sample loaded by the
sidebar's button (orders, customers, campaign outcomes, touchpoints, daily sales), each of A/B test, Campaign
results, Attribution, Forecast and Report opens with its title and without an error; the report is built (one
status step per section), downloaded as HTML and Excel, the workbook opens with every section's sheet, and the
HTML opens offline in the browser (every request blocked and recorded): its headings are the sections', its SVG
charts are drawn (non-zero boxes) and nothing asked the network for anything.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="the 'playwright' Python package is not installed (pip install playwright)")
from playwright.sync_api import expect  # noqa: E402
from server import IDLE_JS  # noqa: E402
from test_browser import TIMEOUT_MS, assert_no_error, load_sample, open_app, sidebar  # noqa: E402
from test_browser_segments import ui  # noqa: E402

from crm_core.export._xlsx import valid_sheet_names  # noqa: E402
from crm_core.measure.report import SECTIONS  # noqa: E402
from crm_core.measure.report_texts import word  # noqa: E402

pytestmark = pytest.mark.e2e

BUILD_MS = 600_000  # the whole analysis (three churn models, forecasts with backtests) on a busy machine
PAGES = ("nav_abtest", "nav_results", "nav_attribution", "nav_forecast", "nav_report")
LOCALES = {"en": "en-US", "zh": "zh-CN"}


def idle(page, timeout: int = TIMEOUT_MS) -> None:
    page.wait_for_timeout(500)  # the rerun request reaches the server before "not running" can be trusted
    page.wait_for_function(IDLE_JS, timeout=timeout)


def show_all_pages(page) -> None:
    """Streamlit folds a long navigation after ten pages ("View 7 more"): unfold it."""
    more = sidebar(page).locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in more.first.inner_text().lower():
        more.first.click()
        page.wait_for_timeout(300)


def visit(page, nav_key: str, lang: str) -> None:
    """The page from the sidebar: its title is its navigation label, and it shows no exception or error box."""
    label = ui(nav_key, lang)
    show_all_pages(page)
    sidebar(page).locator('[data-testid="stSidebarNavLink"]').filter(has_text=label).first.click()
    expect(page.locator("h1").filter(has_text=label).first).to_be_visible(timeout=TIMEOUT_MS)
    idle(page, BUILD_MS)
    assert page.locator("h1").first.inner_text().strip() == label
    assert_no_error(page)
    if nav_key != "nav_report":  # with the sample's tables loaded, each measurement page shows figures at once
        shown = page.locator('[data-testid="stMain"]').locator(
            '[data-testid="stMetric"], [data-testid="stDataFrame"], [data-testid="stVegaLiteChart"]')
        expect(shown.first).to_be_visible(timeout=BUILD_MS)


def download(page, key: str, target: Path) -> Path:
    button = page.locator('[data-testid="stDownloadButton"]').get_by_text(key, exact=True).first
    button.wait_for(state="visible", timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        button.click()
    info.value.save_as(target)
    return target


def build_report(page, lang: str, tmp_path: Path) -> tuple[Path, Path]:
    """Click Build, wait for the status to say the report is ready, then download both files."""
    page.get_by_role("button", name=ui("rp_build", lang)).click()
    ready = ui("rp_built", lang, done=0, total=0, seconds=0.0).split("0")[0]  # "Report ready: " / "报告已生成：共 "
    expect(page.get_by_text(ready).first).to_be_visible(timeout=BUILD_MS)
    idle(page, BUILD_MS)
    assert_no_error(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    for key in SECTIONS:
        assert ui("rp_section_done", lang, title=word(key, lang)) in main, key
    html = download(page, ui("rp_download_html", lang), tmp_path / f"report_{lang}.html")
    xlsx = download(page, ui("rp_download_xlsx", lang), tmp_path / f"report_{lang}.xlsx")
    return html, xlsx


def check_workbook(path: Path, lang: str) -> None:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    titles = valid_sheet_names([word(k, lang) for k in SECTIONS])
    assert book.sheetnames[0] == word("contents", lang)
    assert [n for n in book.sheetnames if n in titles] == titles
    contents = list(book[book.sheetnames[0]].iter_rows(values_only=True))
    assert [r[0] for r in contents[2:2 + len(SECTIONS)]] == [f"{i}. {word(k, lang)}" for i, k in
                                                              enumerate(SECTIONS, 1)]
    assert {r[1] for r in contents[2:2 + len(SECTIONS)]} == {word("done", lang)}


def check_offline_html(browser, path: Path, lang: str) -> None:
    """Open the downloaded page from disk with every request blocked and recorded."""
    context = browser.new_context(locale=LOCALES[lang], viewport={"width": 1200, "height": 900})
    requested: list[str] = []

    def block(route):
        requested.append(route.request.url)
        if route.request.url == path.as_uri():
            route.continue_()
        else:
            route.abort()

    context.route("**/*", block)
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert requested == [path.as_uri()], requested  # the page itself, nothing else
        assert page.locator("h1").inner_text() == word("report_title", lang)
        headings = [h.strip() for h in page.locator("h2").all_inner_texts()]
        expected = [f"{i}. {word(k, lang)}" for i, k in enumerate(SECTIONS, 1)]
        assert headings == [word("contents", lang), *expected, word("appendix", lang)]
        charts = page.locator("svg.chart")
        assert charts.count() >= len(SECTIONS)
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 50, (i, box)
            drawn = charts.nth(i).locator("rect.bar, polyline.line").first.bounding_box()
            assert drawn is not None and drawn["width"] > 0 and drawn["height"] > 0
        assert page.locator("script").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_measurement_pages_and_the_report(browser, app_url, tmp_path, lang):
    context, page = open_app(browser, app_url, LOCALES[lang])
    try:
        load_sample(page, lang)
        for nav_key in PAGES:
            visit(page, nav_key, lang)
        expect(page.get_by_role("button", name=ui("rp_build", lang))).to_be_visible()
        html, xlsx = build_report(page, lang, tmp_path)
    finally:
        context.close()
    check_workbook(xlsx, lang)
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text.lower() and "http://" not in text
    check_offline_html(browser, html, lang)
