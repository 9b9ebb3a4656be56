"""The prediction pages in the real app, in Chromium, in English and Chinese: Churn risk (three models compared, the
threshold moving the retention list, the list downloaded most value at risk first), Campaign response (the demo
campaign results with one click, the best K, the target list downloaded) and Lifetime value (the fitted r, α, a, b,
the top customers list downloaded), then Customer 360 showing a customer's churn risk and response propensity.

Expected values come from crm_core on the same sample files (the functions the pages call, run here on their own),
so the test checks that each page shows the analysis's figures, not only that it renders.  No page may show a
Streamlit exception, an error box, a raw label key ("pr_…", "clv_…") or, in Chinese, an English label.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("playwright", reason="the 'playwright' Python package is not installed (pip install playwright)")
from playwright.sync_api import expect  # noqa: E402
from server import IDLE_JS  # noqa: E402
from test_browser import SAMPLES, TIMEOUT_MS, assert_no_error, load_sample, metric, open_app, sidebar  # noqa: E402
from test_browser_segments import switch_to_chinese, ui  # noqa: E402

from crm_core import export, pipeline  # noqa: E402
from crm_core.customers import default_as_of  # noqa: E402
from crm_core.predict import targeting  # noqa: E402
from crm_core.predict.churn import ChurnChoice, run_churn  # noqa: E402
from crm_core.predict.clv import ClvChoice, run_clv  # noqa: E402
from crm_core.predict.models import MODEL_LABELS  # noqa: E402
from crm_core.predict.response import ResponseChoice, run_response  # noqa: E402
from ui.fmt import money_text  # noqa: E402
from ui.i18n import TEXT  # noqa: E402
from ui.samples import SAMPLE_CAMPAIGN_FILES  # noqa: E402

pytestmark = pytest.mark.e2e

TRAIN_MS = 180_000  # training with cross-validation: a few seconds each model, much more on a busy machine
KEY_PREFIXES = ("pr_", "clv_")
RAW_KEY = re.compile(r"\b(?:pr|clv)_[a-z0-9]+(?:_[a-z0-9]+)*\b")
THRESHOLDS = (70, 50)  # the slider's default, then four steps of 5 to the left


# --- expected values (crm_core on the same files) ----------------------------------------------------------------
@cache
def sample(lang: str):
    path = SAMPLES[lang]
    result = pipeline.load(path.read_bytes(), path.name).result
    as_of = default_as_of(result.orders)
    table = pipeline.customer_table(result.orders, result.customers, as_of=as_of)
    opted_out = set(table.loc[export.opted_out_flags(table).to_numpy(), "customer_id"].astype(str))
    return result, as_of, opted_out


@cache
def churn_expected(lang: str):
    result, as_of, _ = sample(lang)
    return run_churn(result.orders, result.customers, choice=ChurnChoice(), as_of=as_of)


def sent_on(results: pd.DataFrame) -> date:
    """The day the demo campaign went out: the one date its date column holds on every row."""
    for column in results.columns:
        days = pd.to_datetime(results[column], errors="coerce", format="mixed")
        if days.notna().all() and days.nunique() == 1:
            return days.iloc[0].date()
    raise AssertionError(f"no campaign date in {list(results.columns)}")


@cache
def response_expected(lang: str):
    """The prediction on the demo campaign results and the best K at the default cost and margin."""
    result, as_of, _ = sample(lang)
    path = SAMPLE_CAMPAIGN_FILES[lang]
    results = pipeline.read(path.read_bytes(), path.name).frame
    choice = ResponseChoice(campaign_date=sent_on(results))
    prediction = run_response(result.orders, result.customers, choice=choice, results=results, as_of=as_of)
    table = targeting.targeting_table(prediction.scores["p"], cost_per_contact=choice.cost_per_contact,
                                      margin_per_response=choice.margin_per_response)
    return prediction, int(targeting.best_k(table)["contacted"])


@cache
def clv_expected(lang: str):
    result, as_of, _ = sample(lang)
    return run_clv(result.orders, as_of=as_of, choice=ClvChoice())


@cache
def english_labels() -> tuple[str, ...]:
    """English label phrases of the prediction pages that no Chinese text uses (so finding one is a leak)."""
    chinese = " ".join(zh for _, zh in TEXT.values())
    found = []
    for key, (en, _zh) in TEXT.items():
        if key.startswith(KEY_PREFIXES) and "{" not in en and len(re.findall(r"[A-Za-z]{2,}", en)) >= 2 \
                and en not in chinese:
            found.append(en)
    return tuple(found)


# --- helpers -----------------------------------------------------------------------------------------------------
def idle(page, timeout: int = TIMEOUT_MS) -> None:
    page.wait_for_timeout(500)  # the rerun request reaches the server before "not running" can be trusted
    page.wait_for_function(IDLE_JS, timeout=timeout)


def open_page(page, lang: str, nav_key: str, ready_key: str) -> None:
    """The page from the sidebar, waited on until ``ready_key``'s text (shown once trained/fitted) is visible."""
    sidebar(page).locator('[data-testid="stSidebarNavLink"]').filter(has_text=ui(nav_key, lang)).click()
    expect(page.locator("h1").filter(has_text=ui(nav_key, lang)).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(ui(ready_key, lang), exact=True).first).to_be_visible(timeout=TRAIN_MS)
    idle(page, TRAIN_MS)


def metric_value(page, label: str):
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True))
    return box.locator('[data-testid="stMetricValue"]')


def check_clean(page, lang: str) -> None:
    """No exception or error box, no raw label key, and in Chinese no English label."""
    assert_no_error(page)
    text = page.locator('[data-testid="stMain"]').inner_text() + sidebar(page).inner_text()
    assert not RAW_KEY.findall(text), RAW_KEY.findall(text)
    if lang == "zh":
        leaked = [en for en in english_labels() if en in text]
        assert not leaked, leaked


def grid_headed(page, header: str):
    """The data grid with a column headed ``header`` (its cells are a canvas's fallback content, drawn a moment
    after the run ends, which text filters do not see)."""
    page.wait_for_function("""header => [...document.querySelectorAll('[data-testid="stDataFrame"] th')]
        .some(th => th.textContent.trim() === header)""", arg=header, timeout=TIMEOUT_MS)
    grids = [g for g in page.locator('[data-testid="stDataFrame"]').all()
             if header in [h.strip() for h in g.locator("th").all_text_contents()]]
    assert len(grids) == 1, f"{len(grids)} grids headed {header!r}"
    return grids[0]


def grid_rows(grid) -> list[list[str]]:
    """The body rows of a data grid (its accessible table), cell texts stripped."""
    rows = []
    for row in grid.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_text_contents()]
        if cells:
            rows.append(cells)
    return rows


def download(page, tmp_path: Path, name: str, lang: str) -> Path:
    button = page.locator('[data-testid="stDownloadButton"]').get_by_text(ui("download", lang, fmt="Excel"))
    button.wait_for(state="visible", timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        button.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    target = tmp_path / f"{name}_{lang}.xlsx"
    info.value.save_as(target)
    return target


def list_sheet(path: Path, lang: str) -> list[dict]:
    """The rows of the workbook's list sheet (the one headed by the customer id), as header -> value."""
    from openpyxl import load_workbook

    book = load_workbook(path)  # raises on anything that is not an xlsx
    id_header = export.column_label("customer_id", lang)
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if rows and id_header in rows[0]:
            end = next((i for i, r in enumerate(rows) if all(c is None for c in r)), len(rows))
            return [dict(zip(rows[0], r, strict=True)) for r in rows[1:end]]
    raise AssertionError(f"no sheet headed by {id_header!r} in {book.sheetnames}")


# --- the pages ---------------------------------------------------------------------------------------------------
def check_churn(page, lang: str, tmp_path: Path) -> Path:
    prediction = churn_expected(lang)
    open_page(page, lang, "nav_churn", "pr_models")
    # The comparison: the three models, best first, each with its cross-validated ROC AUC.
    shown = [row[:2] for row in grid_rows(grid_headed(page, ui("pr_auc_cv", lang)))]
    expected = [[MODEL_LABELS[m].text(lang), f"{auc:.3f}"] for m, auc in
                zip(prediction.comparison["model"], prediction.comparison["auc"], strict=True)]
    assert len(shown) == 3
    assert [name for name, _ in shown] == [name for name, _ in expected]
    assert [float(auc) for _, auc in shown] == pytest.approx([float(auc) for _, auc in expected], abs=6e-4)
    assert float(expected[0][1]) > 0.6  # the planted churners found well above chance
    # The threshold moves the list.
    p = prediction.scores["p"]
    counts = [int((p >= percent / 100).sum()) for percent in THRESHOLDS]
    assert counts[0] < counts[1]
    listed = metric_value(page, ui("pr_listed", lang))
    expect(listed).to_have_text(f"{counts[0]:,}", timeout=TIMEOUT_MS)
    check_clean(page, lang)
    thumb = page.locator('[data-testid="stMain"] [data-testid="stSlider"] input[type="range"]').first  # the threshold
    assert thumb.get_attribute("value") == str(THRESHOLDS[0])
    thumb.focus()
    for _ in range((THRESHOLDS[0] - THRESHOLDS[1]) // 5):
        page.keyboard.press("ArrowLeft")
    expect(listed).to_have_text(f"{counts[1]:,}", timeout=TIMEOUT_MS)
    idle(page)
    assert thumb.get_attribute("value") == str(THRESHOLDS[1])
    check_clean(page, lang)
    return download(page, tmp_path, "retention", lang)


def check_retention(path: Path, lang: str) -> None:
    """The list at the moved threshold: the flagged customers who did not opt out, most value at risk first."""
    _, _, opted_out = sample(lang)
    p = churn_expected(lang).scores["p"]
    rows = list_sheet(path, lang)
    who, risk, at_risk = (export.column_label(c, lang) for c in ("customer_id", "churn_risk", "value_at_risk"))
    flagged = set(p.index[p >= THRESHOLDS[1] / 100].astype(str))
    assert {str(r[who]) for r in rows} == flagged - opted_out
    assert all(r[risk] == pytest.approx(p[str(r[who])], abs=1e-6) for r in rows)
    values = [float(r[at_risk]) for r in rows]
    assert values == sorted(values, reverse=True) and values[0] > values[-1]


def check_response(page, lang: str, tmp_path: Path) -> Path:
    _, best = response_expected(lang)
    open_page(page, lang, "nav_response", "pr_demo_results")
    page.get_by_role("button", name=ui("pr_demo_results", lang)).click()
    expect(page.get_by_text(ui("pr_targeting", lang), exact=True).first).to_be_visible(timeout=TRAIN_MS)
    idle(page, TRAIN_MS)
    expect(page.get_by_text(ui("pr_best_k_metric", lang, k=best), exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    assert metric(page, ui("pr_contacts", lang)) == f"{best:,}"
    check_clean(page, lang)
    return download(page, tmp_path, "targets", lang)


def check_targets(path: Path, lang: str) -> None:
    """The top K by response propensity who did not opt out, most likely first."""
    _, _, opted_out = sample(lang)
    prediction, best = response_expected(lang)
    top = prediction.scores["p"].sort_values(ascending=False, kind="stable").head(best)
    who = export.column_label("customer_id", lang)
    assert [str(r[who]) for r in list_sheet(path, lang)] == [c for c in top.index.astype(str) if c not in opted_out]


def check_clv(page, lang: str, tmp_path: Path) -> Path:
    fitted = clv_expected(lang).bgnbd
    open_page(page, lang, "nav_clv", "clv_parameters")
    table = page.locator('[data-testid="stTable"]').first
    shown = {}
    for row in table.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        shown[cells[0]] = cells[1]
    assert shown == {symbol: f"{getattr(fitted, name):,.4f}" for symbol, name in
                     (("r", "r"), ("α", "alpha"), ("a", "a"), ("b", "b"))}
    check_clean(page, lang)
    page.get_by_role("tab", name=ui("clv_tab_list", lang)).click()
    expect(page.get_by_text(ui("clv_list_n", lang), exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
    idle(page)
    check_clean(page, lang)
    return download(page, tmp_path, "top_clv", lang)


def check_top_customers(path: Path, lang: str) -> None:
    """The 100 most valuable customers (the default length) who did not opt out, most valuable first."""
    _, _, opted_out = sample(lang)
    values = clv_expected(lang).table["clv"].astype(float).sort_values(ascending=False, kind="stable")
    rows = list_sheet(path, lang)
    who, clv = export.column_label("customer_id", lang), export.column_label("clv", lang)
    assert [str(r[who]) for r in rows] == [c for c in values.index[:100].astype(str) if c not in opted_out]
    assert [float(r[clv]) for r in rows] == pytest.approx([values[str(r[who])] for r in rows], abs=0.01)


def check_customer360(page, lang: str, customer: str) -> None:
    """The profile of the retention list's first customer shows the churn risk, response propensity and lifetime value
    the pages computed (visiting each page is enough: its choice is then the session's)."""
    churn = churn_expected(lang).scores["p"]
    response = response_expected(lang)[0].scores["p"]
    sidebar(page).locator('[data-testid="stSidebarNavLink"]').filter(has_text=ui("nav_customer360", lang)).click()
    box = page.locator(f'input[aria-label="{ui("c360_search", lang)}"]')
    box.fill(customer)
    box.press("Enter")
    expect(page.get_by_text(ui("c360_predictions", lang), exact=True)).to_be_visible(timeout=TRAIN_MS)
    idle(page, TRAIN_MS)
    assert metric(page, ui("c360_churn_risk", lang)) == f"{churn[customer]:.0%}"
    assert metric(page, ui("c360_response", lang)) == f"{response[customer]:.0%}"
    assert metric(page, ui("c360_lifetime_value", lang)) == money_text(clv_expected(lang).table["clv"][customer], "¥")
    check_clean(page, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_churn_response_and_lifetime_value_pages(browser, app_url, tmp_path, lang):
    context, page = open_app(browser, app_url, "en-US")
    try:
        if lang == "zh":
            switch_to_chinese(page)
        load_sample(page, lang)
        retention = check_churn(page, lang, tmp_path)
        first = str(list_sheet(retention, lang)[0][export.column_label("customer_id", lang)])
        targets = check_response(page, lang, tmp_path)
        top = check_clv(page, lang, tmp_path)
        check_customer360(page, lang, first)
    finally:
        context.close()
    check_retention(retention, lang)
    check_targets(targets, lang)
    check_top_customers(top, lang)
