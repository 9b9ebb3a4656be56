"""Screenshots of every page, in English and Chinese, with the sample data loaded.

Usage (from anywhere)::

    python docs/make_screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

Starts the app on a free local port, drives Debian's Chromium through Playwright (the Python
package; Playwright's own browser download is not needed) and writes ``<page>_<lang>.png``:
home, data, rfm, export (whole pages) and rfm_heatmap,
rfm_editor, rfm_table, data_customers (the sample's customer file joined), rfm_scope (the window and filters
with the sidebar's saved-analysis box) (one screen each), and the pages of the other segmentations: clusters,
lifecycle, customer360, campaign (whole pages), for ``en`` and ``zh``. Each PNG shows the whole page
when that stays under ``--max-kb``, else the first screen only.

Then the prediction pages, one screen per part: churn_models, churn_gains, churn_importance, churn_retention;
response_models, response_targeting, response_list (the demo campaign results); clv_parameters, clv_customers,
clv_charts, clv_backtest, clv_list; and churn_clv_customer360 (a customer's profile once those pages have scored
everyone).  ``--only predict`` writes just these (with the sample loaded, the other pages are not visited).
Last the measurement pages (abtest, campaign_results, attribution, forecast, report: the sample loads their demo
tables; the report is built first); ``--only measure`` writes just those.
Then the Data page with server data (data_server: a generated Parquet file of :data:`SERVER_LINES` lines set as
``CRM_SERVER_DATA`` on a server of its own, read with DuckDB); ``--only server`` writes just that.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))
from server import CHROMIUM_ARGS, IDLE_JS, start_server, stop_server  # noqa: E402

from ui.i18n import TEXT as UI  # noqa: E402 - the prediction pages' labels, by key

VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 60_000
LOCALES = {"en": "en-US", "zh": "zh-CN"}  # the app picks its language from the browser's locale
TEXT = {
    "en": {"sample": "Load sample data", "nav": ("Start", "Data", "RFM segments", "Export lists"),
           "titles": ("Know your customers, then act on it", "Data upload", "RFM segments", "Export campaign lists"),
           "heatmap": "R × F heat map", "charts": "Charts", "editor": "Edit segment names and map",
           "table": "Customers and scores", "scope": "Orders counted: all orders", "months": "Last months",
           "saved": "Saved analysis", "customers": "Customer file (optional)",
           "add_customers": "Add the sample's customer file"},
    "zh": {"sample": "加载示例数据", "nav": ("开始", "数据导入", "RFM 分群", "导出名单"),
           "titles": ("读懂客户，立即行动", "数据导入", "RFM 客户分群", "导出营销名单"), "heatmap": "R × F 热力图",
           "charts": "图表", "editor": "编辑分群名称与规则", "table": "客户与评分明细",
           "scope": "计入的订单：全部订单", "months": "最近几个月", "saved": "保存的分析",
           "customers": "客户文件（可选）", "add_customers": "加入示例客户文件"},
}
SHOTS = ("home", "data", "rfm", "export")
# The pages of issue 12: (file name, sidebar label per language).
SEGMENT_PAGES = (("clusters", {"en": "Clusters", "zh": "客户聚类"}),
                 ("lifecycle", {"en": "Lifecycle & cohorts", "zh": "生命周期与同期群"}),
                 ("customer360", {"en": "Customer 360", "zh": "客户360画像"}),
                 ("crosssell", {"en": "Cross-sell", "zh": "交叉销售"}),
                 ("campaign", {"en": "Campaign builder", "zh": "营销活动名单"}))
# The Cross-sell page's other tabs, each shot on its own: (file name, tab label per language).
CROSSSELL_TABS = (("crosssell_charts", {"en": "📊 Charts", "zh": "📊 图表"}),
                  ("crosssell_offers", {"en": "🎁 Next-best offers", "zh": "🎁 下一最佳推荐"}),
                  ("crosssell_holdout", {"en": "✅ Hold-out check", "zh": "✅ 留出检验"}))
SAMPLE_FILES = {"en": "orders_en.xlsx", "zh": "orders_zh.csv"}  # "Load sample data" follows the language
TRAIN_MS = 180_000  # the churn and response models train with cross-validation (slower on a busy machine)
MAX_HEIGHT = 4000
CONTENT_HEIGHT_JS = """() => Math.max(...[...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stMainBlockContainer"], [data-testid="stSidebarContent"]'
)].map(e => e.scrollHeight + e.getBoundingClientRect().top))"""


def settle(page, text: str) -> None:
    """Wait for ``text`` (shown only by the new run), for Streamlit to finish, and for charts to draw."""
    page.get_by_text(text, exact=True).first.wait_for(state="visible")
    page.wait_for_function(IDLE_JS)
    page.wait_for_timeout(1200)  # Vega charts and data grids paint after the script run ends


def go(page, label: str, title: str) -> None:
    page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=label).click()
    settle(page, title)


def go_to(page, label: str) -> None:
    """Open the page ``label`` from the sidebar and wait until its run has ended and its charts are drawn."""
    page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=label).click()
    page.wait_for_timeout(500)
    page.locator("h1").first.wait_for(state="visible")
    page.wait_for_function(IDLE_JS)
    page.wait_for_timeout(1500)


def open_profile(page, customer: str = "C00001") -> None:
    """Customer 360 with one of the sample's loyal customers looked up."""
    box = page.locator('[data-testid="stTextInputRootElement"] input').first
    box.fill(customer)
    box.press("Enter")
    page.locator('[data-testid="stMetric"]').first.wait_for(state="visible")
    page.wait_for_function(IDLE_JS)
    page.wait_for_timeout(1500)


def pick_champions(page, lang: str) -> None:
    """The campaign builder with its first condition set to the RFM segment Champions."""
    from crm_core.segment import rfm

    name = rfm.RfmParams().scheme.name("champions", lang)
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name=re.compile("^" + re.escape(name))).first.click()
    page.keyboard.press("Escape")
    page.locator('[data-testid="stDownloadButton"]').first.wait_for(state="visible")
    page.wait_for_function(IDLE_JS)
    page.wait_for_timeout(1500)


def shoot(page, path: Path, *, max_kb: int) -> None:
    """The whole page if the PNG stays under ``max_kb``, else the first screen."""
    # Streamlit scrolls inside its own container, so the full page is made by growing the viewport to fit it;
    # charts draw lazily once visible, so grow until the height stops changing.
    height = VIEWPORT["height"]
    for _ in range(5):
        needed = min(int(page.evaluate(CONTENT_HEIGHT_JS)) + 1, MAX_HEIGHT)
        if needed <= height:
            break
        height = needed
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        page.wait_for_timeout(800)
    page.screenshot(path=path, full_page=True)
    if path.stat().st_size > max_kb * 1024:
        page.set_viewport_size(VIEWPORT)
        page.wait_for_timeout(500)
        page.screenshot(path=path)
    page.set_viewport_size(VIEWPORT)
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")


def screen_at(page, locator, path: Path) -> None:
    """The first screen, scrolled so that ``locator`` is at its top."""
    locator.first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.mouse.move(5, VIEWPORT["height"] - 5)  # off the charts, whose hover toolbar would show
    page.wait_for_timeout(800)
    page.screenshot(path=path)
    print(f"{path.name}  {path.stat().st_size // 1024} KB")


def rfm_details(page, lang: str, out: Path) -> None:
    """The heat map, the segment editor and the customer table, one screen each."""
    text = TEXT[lang]
    page.get_by_role("radio", name=text["heatmap"]).click()
    page.wait_for_function(IDLE_JS)
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible")
    screen_at(page, page.locator("h3").filter(has_text=text["charts"]), out / f"rfm_heatmap_{lang}.png")
    for name, summary in (("editor", text["editor"]), ("table", text["table"])):
        expander = page.locator('[data-testid="stExpander"]').filter(has_text=summary)
        expander.locator("summary").click()
        page.wait_for_timeout(1000)
        screen_at(page, expander, out / f"rfm_{name}_{lang}.png")
        expander.locator("summary").click()


def scope_and_saved(page, lang: str, out: Path) -> None:
    """The RFM page's window and filters (the last 12 months chosen) beside the sidebar's saved-analysis box."""
    text = TEXT[lang]
    page.locator("summary").filter(has_text=text["scope"]).click()
    page.get_by_text(text["months"], exact=True).click()
    page.wait_for_timeout(800)
    page.wait_for_function(IDLE_JS)
    page.locator('[data-testid="stSidebar"]').get_by_text(text["saved"], exact=True).click()
    page.wait_for_timeout(800)
    screen_at(page, page.locator("h1"), out / f"rfm_scope_{lang}.png")


def customer_file(page, lang: str, out: Path) -> None:
    """The data page with the sample's customer file joined: the join's notes and the file's columns."""
    text = TEXT[lang]
    page.locator("summary").filter(has_text=text["customers"]).click()
    page.get_by_text(text["add_customers"], exact=True).click()
    page.wait_for_timeout(1500)
    page.wait_for_function(IDLE_JS)
    screen_at(page, page.locator('[data-testid="stExpander"]').filter(has_text=text["customers"]),
              out / f"data_customers_{lang}.png")


def ui(key: str, lang: str, **params: object) -> str:
    text = UI[key][1 if lang == "zh" else 0]
    return text.format(**params) if params else text


def plain(label: str) -> str:
    """``label`` without its leading emoji (Streamlit draws that as a separate icon)."""
    return re.sub(r"^[^\w(]+", "", label)


def idle(page, timeout: int = TIMEOUT_MS, *, paint: int = 1500) -> None:
    page.wait_for_timeout(500)
    page.wait_for_function(IDLE_JS, timeout=timeout)
    page.wait_for_timeout(paint)  # charts and data grids paint after the run ends


def open_model_page(page, lang: str, nav_key: str, ready_key: str) -> None:
    """A prediction page from the sidebar, waited on until ``ready_key``'s text shows (trained or fitted)."""
    page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=ui(nav_key, lang)).click()
    page.locator("h1").filter(has_text=ui(nav_key, lang)).first.wait_for(state="visible")
    page.get_by_text(ui(ready_key, lang), exact=True).first.wait_for(state="visible", timeout=TRAIN_MS)
    idle(page, TRAIN_MS)


def heading(page, key: str, lang: str):
    return page.locator("h1, h2, h3, h4, h5, h6").filter(has_text=ui(key, lang))


def choose(page, label_key: str, lang: str) -> None:
    """Click the segmented-control option or tab labelled by ``label_key`` and wait for the rerun."""
    page.locator('[data-testid="stMain"]').get_by_text(plain(ui(label_key, lang)), exact=True).first.click()
    idle(page)


def first_cell(page, header: str) -> str | None:
    """The first row's first cell of the data grid with a column headed ``header`` (its accessible table)."""
    return page.evaluate("""header => {
        for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
            if ([...grid.querySelectorAll('th')].some(th => th.textContent.trim() === header)) {
                const cell = grid.querySelector('tbody td');
                return cell ? cell.textContent.trim() : null;
            }
        }
        return null;
    }""", header)


def predict_pages(page, lang: str, out: Path) -> None:
    """Churn risk, Campaign response (the demo results) and Lifetime value, one screen per part, then the Customer
    360 profile of the retention list's first customer, which those pages have scored."""
    from crm_core.export import column_label

    open_model_page(page, lang, "nav_churn", "pr_models")
    screen_at(page, page.locator("h1"), out / f"churn_models_{lang}.png")
    screen_at(page, heading(page, "pr_quality", lang), out / f"churn_gains_{lang}.png")
    choose(page, "pr_view_importance", lang)
    screen_at(page, heading(page, "pr_quality", lang), out / f"churn_importance_{lang}.png")
    choose(page, "pr_view_gains", lang)
    screen_at(page, heading(page, "pr_retention", lang), out / f"churn_retention_{lang}.png")
    customer = first_cell(page, column_label("customer_id", lang))

    open_model_page(page, lang, "nav_response", "pr_demo_results")
    page.get_by_role("button", name=ui("pr_demo_results", lang)).click()
    page.get_by_text(ui("pr_targeting", lang), exact=True).first.wait_for(state="visible", timeout=TRAIN_MS)
    idle(page, TRAIN_MS)
    screen_at(page, heading(page, "pr_models", lang), out / f"response_models_{lang}.png")
    screen_at(page, heading(page, "pr_targeting", lang), out / f"response_targeting_{lang}.png")
    screen_at(page, heading(page, "pr_target_download", lang), out / f"response_list_{lang}.png")

    open_model_page(page, lang, "nav_clv", "clv_parameters")
    screen_at(page, page.locator("h1"), out / f"clv_parameters_{lang}.png")
    for shot, tab in (("customers", "clv_tab_customers"), ("charts", "clv_tab_charts"),
                      ("backtest", "clv_tab_backtest"), ("list", "clv_tab_list")):
        page.get_by_role("tab", name=ui(tab, lang), exact=True).click()
        idle(page, paint=2500)
        screen_at(page, page.get_by_role("tablist"), out / f"clv_{shot}_{lang}.png")

    go_to(page, ui("nav_customer360", lang))
    open_profile(page, customer or "C00001")
    screen_at(page, heading(page, "c360_predictions", lang), out / f"churn_clv_customer360_{lang}.png")


# The measurement pages (issue 15), each shot as the sample leaves it: (file stem, nav key).
MEASURE_PAGES = (("abtest", "nav_abtest"), ("campaign_results", "nav_results"), ("attribution", "nav_attribution"),
                 ("forecast", "nav_forecast"), ("report", "nav_report"))


def measure_pages(page, lang: str, out: Path, *, max_kb: int) -> None:
    """A/B test, Campaign results, Attribution, Forecast (the sample's demo tables, loaded with the sample) and the
    Report page after "Build the report"."""
    for shot, nav_key in MEASURE_PAGES:
        go_to(page, ui(nav_key, lang))
        idle(page, TRAIN_MS, paint=2500)
        if shot == "report":
            page.get_by_role("button", name=ui("rp_build", lang)).click()
            page.locator('[data-testid="stMain"] [data-testid="stDownloadButton"]').first.wait_for(
                state="visible", timeout=TRAIN_MS)
            idle(page, TRAIN_MS, paint=2500)
        shoot(page, out / f"{shot}_{lang}.png", max_kb=max_kb)


SERVER_LINES = 1_000_000  # the server-data shot's generated file (crm_core.sample.big_orders)
READ_MS = 180_000  # DuckDB reads it, then the clean lines come to pandas (slower on a busy machine)


def server_data_shots(browser, url: str, lang: str, out: Path, *, max_kb: int) -> None:
    """The Data page on "Server data" after reading the configured file with DuckDB (the result summary)."""
    context = browser.new_context(locale=LOCALES[lang], viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(url)
        settle(page, TEXT[lang]["titles"][0])
        go(page, TEXT[lang]["nav"][1], TEXT[lang]["titles"][1])
        page.get_by_text(plain(ui("sv_source_server", lang)), exact=True).click()
        idle(page)
        page.get_by_role("button", name=plain(ui("sv_read", lang))).click()
        page.get_by_text(plain(ui("ready", lang)), exact=True).wait_for(state="visible", timeout=READ_MS)
        idle(page, READ_MS)
        shoot(page, out / f"data_server_{lang}.png", max_kb=max_kb)
    finally:
        context.close()


def server_data_run(chromium: str, out: Path, *, max_kb: int) -> None:
    """A server of its own with ``CRM_SERVER_DATA`` set (the other shots show the page without it)."""
    from playwright.sync_api import sync_playwright

    import ui.server_source  # noqa: F401 - its labels (sv_*) in ui.i18n.TEXT
    from crm_core.sample.big_orders import write_big_orders

    folder = Path(tempfile.mkdtemp(prefix="server_data_"))
    previous = os.environ.get("CRM_SERVER_DATA")
    try:
        os.environ["CRM_SERVER_DATA"] = str(write_big_orders(folder / "orders.parquet", SERVER_LINES, seed=16))
        proc, url = start_server()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
                try:
                    for lang in TEXT:
                        server_data_shots(browser, url, lang, out, max_kb=max_kb)
                finally:
                    browser.close()
        finally:
            stop_server(proc)
    finally:
        if previous is None:
            os.environ.pop("CRM_SERVER_DATA", None)
        else:
            os.environ["CRM_SERVER_DATA"] = previous
        shutil.rmtree(folder, ignore_errors=True)


def screenshots_for(browser, url: str, lang: str, out: Path, *, max_kb: int, only: str = "all") -> None:
    text = TEXT[lang]
    context = browser.new_context(locale=LOCALES[lang], viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(url)
        settle(page, text["titles"][0])
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name=text["sample"]).click()
        settle(page, SAMPLE_FILES[lang])
        if only == "predict":
            predict_pages(page, lang, out)
            return
        if only == "measure":
            measure_pages(page, lang, out, max_kb=max_kb)
            return
        for shot, label, title in zip(SHOTS, text["nav"], text["titles"], strict=True):
            go(page, label, title)
            shoot(page, out / f"{shot}_{lang}.png", max_kb=max_kb)
            if shot == "rfm":
                rfm_details(page, lang, out)
        go(page, text["nav"][1], text["titles"][1])
        customer_file(page, lang, out)
        go(page, text["nav"][2], text["titles"][2])
        scope_and_saved(page, lang, out)
        for shot, labels in SEGMENT_PAGES:
            go_to(page, labels[lang])
            if shot == "customer360":
                open_profile(page)
            elif shot == "campaign":
                pick_champions(page, lang)
            shoot(page, out / f"{shot}_{lang}.png", max_kb=max_kb)
            if shot == "crosssell":
                for tab_shot, tab in CROSSSELL_TABS:
                    page.get_by_role("tab", name=tab[lang]).click()
                    page.wait_for_timeout(1500)
                    page.wait_for_function(IDLE_JS)
                    shoot(page, out / f"{tab_shot}_{lang}.png", max_kb=max_kb)
        predict_pages(page, lang, out)
        measure_pages(page, lang, out, max_kb=max_kb)
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--max-kb", type=int, default=400)
    parser.add_argument("--viewport", default="1400x900", help="WIDTHxHEIGHT of the window, e.g. 1280x800 (a laptop)")
    parser.add_argument("--only", choices=("all", "predict", "measure", "server"), default="all",
                        help="predict: only the prediction pages' screenshots (churn_*, response_*, clv_*); "
                             "measure: only the measurement pages' (abtest, campaign_results, attribution, "
                             "forecast, report); server: only the Data page with server data (data_server)")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.viewport.lower().split("x"))
    VIEWPORT.update(width=width, height=height)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    if args.only == "server":
        server_data_run(args.chromium, args.out, max_kb=args.max_kb)
        return 0
    os.environ.pop("CRM_SERVER_DATA", None)  # the other shots show the Data page without server data
    proc, url = start_server()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True)
            try:
                for lang in TEXT:
                    screenshots_for(browser, url, lang, args.out, max_kb=args.max_kb, only=args.only)
            finally:
                browser.close()
    finally:
        stop_server(proc)
    if args.only == "all":
        server_data_run(args.chromium, args.out, max_kb=args.max_kb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
