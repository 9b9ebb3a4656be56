"""The Cross-sell page in the real app, in Chromium, in English and Chinese: the baskets and rules the core finds on
the sample, then the next-best-offer list downloaded as Excel, checked customer by customer against crm_core.

Expected values come from crm_core on the same sample file (the functions the page calls, run here on their own).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="the 'playwright' Python package is not installed (pip install playwright)")
from playwright.sync_api import expect  # noqa: E402
from test_browser import SAMPLES, TIMEOUT_MS, assert_no_error, go, load_sample, metric, open_app, settle  # noqa: E402
from test_browser_segments import switch_to_chinese, ui  # noqa: E402

from crm_core import export, pipeline  # noqa: E402
from crm_core.basket import crosssell as cs  # noqa: E402
from crm_core.customers import default_as_of  # noqa: E402

pytestmark = pytest.mark.e2e
FORMULA_START = ("=", "+", "-", "@")


@cache
def expected(lang: str):
    """The sample's baskets, rules and first offers (opted-out customers left out, as in the list)."""
    path = SAMPLES[lang]
    result = pipeline.load(path.read_bytes(), path.name).result
    as_of = default_as_of(result.orders)
    choice = cs.CrossSellChoice()
    mined = cs.mine(result.orders, choice, as_of=as_of)
    offers = cs.next_offers(cs.items_of(result.orders, choice, as_of=as_of), cs.offer_rules(mined.rules, choice),
                            choice, lang=lang)
    table = pipeline.customer_table(result.orders, result.customers, as_of=as_of)
    listed = cs.offer_table(table, offers, lang)
    listed = listed[~export.opted_out_flags(listed).to_numpy()]
    return mined, dict(zip(listed["customer_id"].astype(str), listed["offer_item"], strict=True))


def download_offers(page, lang: str, tmp_path: Path) -> Path:
    mined, _ = expected(lang)
    go(page, ui("nav_crosssell", lang), ui("nav_crosssell", lang))
    page.locator('[data-testid="stMetric"]').first.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert metric(page, ui("xs_n_baskets", lang)) == f"{mined.baskets.n:,}"
    expect(page.get_by_text(ui("xs_rules_count", lang, shown=len(mined.rules), total=len(mined.rules)),
                            exact=False)).to_be_visible()
    page.get_by_role("tab", name=ui("xs_tab_offers", lang)).click()
    panel = page.get_by_role("tabpanel").filter(has_text=ui("xs_offer_list", lang))
    button = panel.locator('[data-testid="stDownloadButton"]').get_by_text(ui("download", lang, fmt="Excel"))
    button.wait_for(state="visible", timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        button.click()
    target = tmp_path / f"offers_{lang}.xlsx"
    info.value.save_as(target)
    assert info.value.suggested_filename.startswith("next_best_offers_")
    assert_no_error(page)
    return target


def check_workbook(path: Path, lang: str) -> None:
    from openpyxl import load_workbook

    _, first = expected(lang)
    book = load_workbook(path)
    assert book.sheetnames == (["概览", "下一最佳推荐"] if lang == "zh" else ["Summary", "Next-best offers"])
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    who = rows[0].index(export.column_label("customer_id", lang))
    what = rows[0].index(export.column_label("offer_item", lang))
    assert {str(r[who]): r[what] for r in rows[1:]} == first
    block = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
    assert re.fullmatch(r"XS-\d{8}-[0-9A-F]{8}", block["清单编号" if lang == "zh" else "List ID"])
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith(FORMULA_START) for v in row), (sheet.title, row)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cross_sell_page_shows_the_rules_and_downloads_the_offer_list(browser, app_url, tmp_path, lang):
    context, page = open_app(browser, app_url, "en-US")
    try:
        if lang == "zh":
            switch_to_chinese(page)
        load_sample(page, lang)
        settle(page, ui("nav_crosssell", lang))
        workbook = download_offers(page, lang, tmp_path)
    finally:
        context.close()
    check_workbook(workbook, lang)
