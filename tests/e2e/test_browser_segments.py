"""The pages of the segmentations beyond RFM in the real app, in Chromium, in English and Chinese: Clusters,
Lifecycle & cohorts, Customer 360 and the Campaign builder, whose list is downloaded with its control group.

Expected values come from crm_core on the same sample file (the functions the pages call, run here on their
own), so the test checks that each page shows the analysis's figures, not only that it renders.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="the 'playwright' Python package is not installed (pip install playwright)")
from playwright.sync_api import expect  # noqa: E402
from test_browser import (  # noqa: E402
    SAMPLES,
    TIMEOUT_MS,
    assert_no_error,
    go,
    load_sample,
    metric,
    open_app,
    settle,
    sidebar,
)

from crm_core import export, pipeline  # noqa: E402
from crm_core.columns import label  # noqa: E402
from crm_core.customers import default_as_of  # noqa: E402
from crm_core.segment import campaign as cmp  # noqa: E402
from crm_core.segment import lifecycle, rfm  # noqa: E402
from crm_core.segment.combined import ClusterChoice  # noqa: E402
from ui.i18n import TEXT  # noqa: E402

pytestmark = pytest.mark.e2e

NAV = {"en": ("Clusters", "Lifecycle & cohorts", "Customer 360", "Campaign builder"),
       "zh": ("客户聚类", "生命周期与同期群", "客户360画像", "营销活动名单")}
FORMULA_START = ("=", "+", "-", "@")


def ui(key: str, lang: str, **params: object) -> str:
    text = TEXT[key][1 if lang == "zh" else 0]
    return text.format(**params) if params else text


@cache
def expected(lang: str):
    path = SAMPLES[lang]
    result = pipeline.load(path.read_bytes(), path.name).result
    as_of = default_as_of(result.orders)
    table = pipeline.analysis_table(result, as_of=as_of)
    scored = rfm.score_rfm(table, rfm.RfmParams())
    return table, scored, as_of


def switch_to_chinese(page) -> None:
    sidebar(page).locator('[data-testid="stRadio"]').get_by_text("中文", exact=True).click()
    page.wait_for_timeout(500)
    settle(page, "开始")


def check_clusters(page, lang: str) -> None:
    table, _, _ = expected(lang)
    k = ClusterChoice().chosen_k(table)
    go(page, NAV[lang][0], NAV[lang][0])
    page.locator('[data-testid="stMetric"]').first.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert metric(page, ui("clu_kpi_suggested", lang)) == str(k)
    assert metric(page, ui("clu_kpi_clusters", lang)) == str(k)
    assert metric(page, ui("kpi_customers", lang)) == f"{len(table):,}"
    assert_no_error(page)


def check_lifecycle(page, lang: str) -> None:
    table, _, _ = expected(lang)
    counts = lifecycle.with_stages(table)["stage"].value_counts()
    go(page, NAV[lang][1], NAV[lang][1])
    stages = lifecycle.Lifecycle()
    for stage in lifecycle.STAGES:
        assert metric(page, stages.text(stage, "name", lang)) == f"{int(counts.get(stage, 0)):,}", stage
    assert_no_error(page)


def check_customer360(page, lang: str) -> None:
    table, _, _ = expected(lang)
    top = table.sort_values(["monetary", "customer_id"], ascending=[False, True]).iloc[0]
    go(page, NAV[lang][2], NAV[lang][2])
    box = page.locator(f'input[aria-label="{ui("c360_search", lang)}"]')
    box.fill(str(top["customer_id"]).lower())  # ids are found whatever their case
    box.press("Enter")
    page.wait_for_timeout(500)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=TIMEOUT_MS)
    settle(page, label("frequency", lang))
    assert metric(page, label("frequency", lang)) == f"{int(top['frequency']):,}"
    assert_no_error(page)


def build_and_download(page, lang: str, tmp_path: Path) -> Path:
    """Champions only, the default control group (10%, draw 0), downloaded as Excel."""
    go(page, NAV[lang][3], NAV[lang][3])
    page.get_by_role("button", name=ui("cmp_add", lang)).first.click()
    settle(page, ui("cmp_grouping", lang, n=1))
    champions = rfm.RfmParams().scheme.name("champions", lang)
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name=re.compile("^" + re.escape(champions))).first.click()
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    settle(page, ui("cmp_target_n", lang))
    button = page.locator('[data-testid="stDownloadButton"]').get_by_text(ui("download", lang, fmt="Excel"))
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        button.click()
    target = tmp_path / f"campaign_{lang}.xlsx"
    info.value.save_as(target)
    assert_no_error(page)
    return target


def check_workbook(path: Path, lang: str) -> None:
    from openpyxl import load_workbook

    _, scored, _ = expected(lang)
    listed = cmp.campaign_table(scored, cmp.Member("segment", ("champions",)), 10, 0)
    listed = listed[~export.opted_out_flags(listed).to_numpy()]
    book = load_workbook(path)
    summary, first, second = book.sheetnames
    assert summary == ("概览" if lang == "zh" else "Summary")
    assert first.startswith("目标组 - " if lang == "zh" else "Target - ")
    assert second.startswith("对照组 - " if lang == "zh" else "Control - ")
    id_header = export.column_label("customer_id", lang)
    for sheet, group in ((first, "target"), (second, "control")):
        rows = list(book[sheet].iter_rows(values_only=True))
        at = rows[0].index(id_header)
        ids = sorted(str(r[at]) for r in rows[1:])
        assert ids == sorted(listed.loc[listed[cmp.GROUP_COLUMN] == group, "customer_id"].astype(str)), sheet
    block = {row[0]: row[1] for row in book[summary].iter_rows(values_only=True) if row and row[0]}
    list_id = block["清单编号" if lang == "zh" else "List ID"]
    assert re.fullmatch(r"CMP-\d{8}-[0-9A-F]{8}", list_id)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith(FORMULA_START) for v in row), (sheet.title, row)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_segment_pages_show_the_analysis_and_the_builder_downloads_target_and_control(
        browser, app_url, tmp_path, lang):
    context, page = open_app(browser, app_url, "en-US")
    try:
        if lang == "zh":
            switch_to_chinese(page)
        load_sample(page, lang)
        check_clusters(page, lang)
        check_lifecycle(page, lang)
        check_customer360(page, lang)
        workbook = build_and_download(page, lang, tmp_path)
    finally:
        context.close()
    check_workbook(workbook, lang)
